"""The bearer token is sent, but never reaches a log record, an error, a repr or a dump."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest

from support.fake_data_collection import FakeDataCollection
from tradai.common.clients.data_collection_client import API_PREFIX, DataCollectionClient
from tradai.common.exceptions import TradAIError

pytestmark = pytest.mark.integration

SECRET = "tok-SECRET-dc-7f3a"
DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
MakeClient = Callable[..., DataCollectionClient]


def test_the_token_is_sent_as_a_bearer_header_and_never_logged_or_shown(
    fake_dc: FakeDataCollection, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake_dc.token = SECRET
    client = make_client(data_collection_token=SECRET, data_collection_max_attempts=2)
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        client.list_symbols()
        fake_dc.respond_next(503, path=f"{API_PREFIX}/coverage")  # retried: logged
        client.coverage("ETH/USDT", "1h")
        job = client.trigger_sync(["ETH/USDT"], "1h", DAY, DAY + dt.timedelta(hours=1))
        client.wait_for_sync(job.job_id, deadline=30)
        quoting = {"error_code": "Unauthorized", "message": f"rejected Bearer {SECRET}"}
        fake_dc.respond_next(401, quoting, path=f"{API_PREFIX}/symbols")
        fake_dc.respond_next(500, {"message": f"token {SECRET} broke"}, times=2)
        for call in (client.list_symbols, lambda: client.coverage("ETH/USDT", "1h")):
            try:
                call()
            except TradAIError as exc:
                errors.append(exc)
    assert fake_dc.requests[0].headers["Authorization"] == f"Bearer {SECRET}"
    assert len(errors) == 2
    assert any("retrying" in r.getMessage() for r in caplog.records)
    texts = [r.getMessage() for r in caplog.records] + [repr(vars(r)) for r in caplog.records]
    for err in errors:
        texts += [str(err), repr(err)]
        if isinstance(err, TradAIError):
            texts.append(repr(err.context))
    texts += [repr(client), str(client), repr(client._http.config)]
    assert all(SECRET not in text for text in texts)
    assert "**********" in "\n".join(texts)  # the quoted token was masked, not dropped

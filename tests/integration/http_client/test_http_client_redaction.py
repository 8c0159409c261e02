"""No credential ever reaches a log record, an error message or an error's context."""

from __future__ import annotations

import logging

import pytest

from support.http_server import LocalHttpServer
from tradai.common.exceptions import TradAIError
from tradai.common.http_client.client import HttpClient, HttpClientConfig

pytestmark = pytest.mark.integration

SECRETS = ("tok-SECRET-1", "key-SECRET-2", "sid-SECRET-3", "qs-SECRET-4", "hdr-SECRET-5")


def all_text(records: list[logging.LogRecord], errors: list[BaseException]) -> str:
    parts = [r.getMessage() for r in records]
    parts += [repr(vars(r)) for r in records]
    for err in errors:
        parts += [str(err), repr(err)]
        if isinstance(err, TradAIError):
            parts.append(repr(err.context))
    return "\n".join(parts)


def test_credentials_are_redacted_from_logs_and_errors(
    http_server: LocalHttpServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = HttpClientConfig(
        base_url=http_server.url,
        headers={
            "Authorization": "Bearer tok-SECRET-1",
            "X-API-Key": "key-SECRET-2",
            "Cookie": "sid=sid-SECRET-3",
        },
        retry={"max_attempts": 2},
    )
    client = HttpClient(config, sleep=lambda s: None)
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        echo = client.get("/echo", params={"api_key": "qs-SECRET-4"}).json()
        for path, params in (
            ("/status/401", {"echo_credentials": 1, "token": "qs-SECRET-4"}),
            ("/status/400", {"echo_credentials": 1}),
            ("/flaky/x", {"fail": 9, "signature": "qs-SECRET-4"}),
            ("/reset", {"access_token": "qs-SECRET-4"}),
        ):
            try:
                client.get(path, params=params, headers={"X-Session-Token": "hdr-SECRET-5"})
            except TradAIError as exc:
                errors.append(exc)
    assert echo["headers"]["Authorization"] == "Bearer tok-SECRET-1"  # really sent
    assert echo["query"]["api_key"] == ["qs-SECRET-4"]
    assert len(errors) == 4
    text = all_text(caplog.records, errors)
    assert "**********" in text
    for secret in SECRETS:
        assert secret not in text
    assert any("/echo?api_key=**********" in r.getMessage() for r in caplog.records)

"""Bad candles from the service: ValidationError; bodies off the contract: ExternalServiceError."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from support.fake_data_collection import FakeDataCollection, candle, to_ms
from tradai.common.clients.data_collection_client import API_PREFIX, DataCollectionClient
from tradai.common.data.ohlcv import ValidationPolicy
from tradai.common.exceptions import ExternalServiceError, ValidationError

pytestmark = pytest.mark.integration

DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
T0 = to_ms(DAY)
H = 3_600_000
MakeClient = Callable[..., DataCollectionClient]
CANDLES = f"{API_PREFIX}/candles"


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ([T0 + H, 100.0, 90.0, 95.0, 101.0, 1.0], "high"),  # high below close
        ([T0 + H, 100.0, 102.0, 99.0, 101.0, -1.0], "volume"),
        ([T0 + H, 100.0, 102.0, None, 101.0, 1.0], "prices"),
        ([T0 + H + 60_000, 100.0, 102.0, 99.0, 101.0, 1.0], "alignment"),
        ([T0 + H, "100", 102.0, 99.0, 101.0, 1.0], "columns"),
        ([T0 + H, 100.0, 102.0, 99.0, 101.0, True], "columns"),
        ([T0 + H, 100.0, 102.0, 99.0, 101.0], "columns"),
        ([T0 + H, 100.0, 102.0, 99.0, 101.0, 1.0, 7], "columns"),
        ([float(T0 + H), 100.0, 102.0, 99.0, 101.0, 1.0], "index"),
        ([10**20, 100.0, 102.0, 99.0, 101.0, 1.0], "index"),
    ],
)
def test_a_broken_candle_from_the_service_is_a_validation_error_naming_the_rule(
    fake_dc: FakeDataCollection, make_client: MakeClient, row: list[Any], rule: str
) -> None:
    fake_dc.add_candles("ETH/USDT", "1h", DAY, DAY + 3 * HOUR)
    fake_dc.put_candle("ETH/USDT", "1h", T0 + H, row)
    with pytest.raises(ValidationError) as info:
        make_client().get_candles("ETH/USDT", "1h", DAY, DAY + 3 * HOUR)
    assert info.value.context["rule"] == rule


def test_candles_outside_the_requested_range_are_refused(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    page = {"symbol": "ETH/USDT", "timeframe": "1h", "candles": [candle(T0 - H, "1h")]}
    fake_dc.respond_next(200, page, path=CANDLES)
    with pytest.raises(ValidationError) as info:
        make_client().get_candles("ETH/USDT", "1h", DAY, DAY + HOUR)
    assert info.value.context["rule"] == "range"
    assert info.value.context["rows"] == ["2023-12-31T23:00:00+00:00"]


def test_the_same_candle_on_two_pages_is_a_duplicate(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    first = {
        "symbol": "ETH/USDT",
        "timeframe": "1h",
        "candles": [candle(T0, "1h")],
        "next_cursor": "page-2",
    }
    second = {"symbol": "ETH/USDT", "timeframe": "1h", "candles": [candle(T0, "1h")]}
    fake_dc.respond_next(200, first, path=CANDLES)
    fake_dc.respond_next(200, second, path=CANDLES)
    with pytest.raises(ValidationError) as info:
        make_client().get_candles("ETH/USDT", "1h", DAY, DAY + HOUR)
    assert info.value.context["rule"] == "duplicates"


def test_a_repair_policy_fixes_what_it_can(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.add_candles("ETH/USDT", "1h", DAY, DAY + 3 * HOUR)
    fake_dc.put_candle("ETH/USDT", "1h", T0 + H, [T0 + H, 100.0, 90.0, 95.0, 101.0, 1.0])
    client = make_client(policy=ValidationPolicy("repair"))
    frame = client.get_candles("ETH/USDT", "1h", DAY, DAY + 3 * HOUR)
    assert frame.iloc[1]["high"] == 101.0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (CANDLES, [1, 2, 3]),
        (CANDLES, {"symbol": "ETH/USDT", "timeframe": "1h"}),
        (CANDLES, {"symbol": "BTC/USDT", "timeframe": "1h", "candles": []}),
        (CANDLES, {"symbol": "ETH/USDT", "timeframe": "1h", "candles": [], "next_cursor": 7}),
        (CANDLES, {"symbol": "ETH/USDT", "timeframe": "1h", "candles": [], "next_cursor": "a b"}),
        (f"{API_PREFIX}/symbols", {"symbols": {"BTC/USDT": {}}}),
        (f"{API_PREFIX}/symbols", {"symbols": [{"symbol": "BTC-USDT", "exchange": "binance"}]}),
        (f"{API_PREFIX}/coverage", {"symbol": "ETH/USDT", "timeframe": "1h", "candle_count": -1}),
        (f"{API_PREFIX}/coverage", {"symbol": "BTC/USDT", "timeframe": "1h"}),
        (f"{API_PREFIX}/sync/job-1", {"job_id": "job-1", "status": "exploded"}),
    ],
)
def test_a_body_off_the_contract_is_an_external_service_error(
    fake_dc: FakeDataCollection, make_client: MakeClient, path: str, body: Any
) -> None:
    fake_dc.respond_next(200, body, path=path)
    client = make_client()
    calls: dict[str, Callable[[], object]] = {
        CANDLES: lambda: client.get_candles("ETH/USDT", "1h", DAY, DAY + HOUR),
        f"{API_PREFIX}/symbols": client.list_symbols,
        f"{API_PREFIX}/coverage": lambda: client.coverage("ETH/USDT", "1h"),
        f"{API_PREFIX}/sync/job-1": lambda: client.get_sync_job("job-1"),
    }
    with pytest.raises(ExternalServiceError) as info:
        calls[path]()
    assert info.value.error_code == "InvalidResponse"


def test_a_job_answer_about_another_job_is_refused(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    client = make_client()
    job = client.trigger_sync(["ETH/USDT"], "1h", DAY, DAY + HOUR)
    other = {**fake_dc.jobs[job.job_id], "job_id": "job-77"}
    fake_dc.respond_next(200, other, path=f"{API_PREFIX}/sync/")
    with pytest.raises(ExternalServiceError) as info:
        client.get_sync_job(job.job_id)
    assert info.value.error_code == "InvalidResponse"


def test_a_body_that_is_not_json_is_an_external_service_error(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.respond_next(200, b"<html>maintenance</html>", path=f"{API_PREFIX}/symbols")
    with pytest.raises(ExternalServiceError) as info:
        make_client().list_symbols()
    assert info.value.error_code == "InvalidJson"


def test_a_cursor_that_comes_back_or_too_many_pages_end_the_download(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    page = {"symbol": "ETH/USDT", "timeframe": "1h", "candles": [], "next_cursor": "same"}
    fake_dc.respond_next(200, page, path=CANDLES, times=2)
    with pytest.raises(ExternalServiceError, match="cursor came back twice"):
        make_client().get_candles("ETH/USDT", "1h", DAY, DAY + HOUR)
    fake_dc.max_page_size = 1
    fake_dc.add_candles("ETH/USDT", "1h", DAY, DAY + 5 * HOUR)
    with pytest.raises(ExternalServiceError, match="more than 3 pages"):
        make_client(max_pages=3).get_candles("ETH/USDT", "1h", DAY, DAY + 5 * HOUR)

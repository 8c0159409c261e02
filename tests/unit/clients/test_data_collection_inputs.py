"""Invalid symbols, timeframes, ranges, ids and keys are refused before any request is sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tradai.common.clients.data_collection_client import (
    DataCollectionClient,
    DataCollectionClientSettingsMixin,
)
from tradai.common.data.ohlcv import ValidationPolicy
from tradai.common.exceptions import ConfigurationError, ValidationError

DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
LATER = DAY + dt.timedelta(days=1)
NEAR_MISS_PAIRS = [
    "BTC/USDT\n",
    " BTC/USDT",
    "BTC/USDT ",
    "BTC/USDT\x00",
    "-BTC/USDT",
    "BTC/USDT;ls",
    "BTC/USDT|x",
    "BTC/USDT&",
    "BTC/$USDT",
    "BTC/`USDT`",
    "BTC/USDТ",  # Cyrillic Т
    "BTC/USD１",  # fullwidth digit
    "BTCUSDT",
    "",
    None,
]
NEAR_MISS_TIMEFRAMES = ["1h\n", " 1h", "1h ", "-1h", "0h", "1H", "1x", "１h", "1h;", "", None]


class NoNetwork(requests.Session):
    """A session that fails the test if anything is sent."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a request was sent")


@pytest.fixture
def client() -> DataCollectionClient:
    settings = DataCollectionClientSettingsMixin(data_collection_url="http://127.0.0.1:9")
    return DataCollectionClient(settings, session=NoNetwork(), sleep=lambda s: None)


def _calls(client: DataCollectionClient, symbol: Any, timeframe: Any) -> list[Callable[[], Any]]:
    return [
        lambda: client.get_candles(symbol, timeframe, DAY, LATER),
        lambda: client.coverage(symbol, timeframe),
        lambda: client.trigger_sync([symbol], timeframe, DAY, LATER),
    ]


@pytest.mark.parametrize("symbol", NEAR_MISS_PAIRS)
def test_malformed_symbols_are_refused_before_any_request(
    client: DataCollectionClient, symbol: Any
) -> None:
    for call in _calls(client, symbol, "1h"):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field in {"symbol", "symbols"}


@pytest.mark.parametrize("timeframe", NEAR_MISS_TIMEFRAMES)
def test_malformed_timeframes_are_refused_before_any_request(
    client: DataCollectionClient, timeframe: Any
) -> None:
    for call in _calls(client, "BTC/USDT", timeframe):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == "timeframe"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (LATER, DAY, "end"),  # reversed
        (DAY.replace(tzinfo=None), LATER, "start"),  # naive
        (DAY, LATER.replace(tzinfo=None), "end"),
        ("2024-01-01", LATER, "start"),
        (DAY, None, "end"),
    ],
)
def test_bad_ranges_are_refused_before_any_request(
    client: DataCollectionClient, start: Any, end: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        client.get_candles("BTC/USDT", "1h", start, end)
    assert info.value.field == field
    with pytest.raises(ValidationError):
        client.trigger_sync(["BTC/USDT"], "1h", start, end)


def test_a_sync_of_an_empty_range_is_refused(client: DataCollectionClient) -> None:
    with pytest.raises(ValidationError) as info:
        client.trigger_sync(["BTC/USDT"], "1h", DAY, DAY)
    assert info.value.field == "end"


@pytest.mark.parametrize(
    "symbols", ["BTC/USDT", b"BTC/USDT", [], ["BTC/USDT"] * 0, [f"A{i}/USDT" for i in range(201)]]
)
def test_sync_symbols_must_be_a_non_empty_bounded_list(
    client: DataCollectionClient, symbols: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        client.trigger_sync(symbols, "1h", DAY, LATER)
    assert info.value.field == "symbols"


@pytest.mark.parametrize("key", ["", " k", "k\n", "-k", "k;rm", "k k", "ключ", "x" * 256, 5, None])
def test_malformed_idempotency_keys_are_refused(client: DataCollectionClient, key: Any) -> None:
    with pytest.raises(ValidationError) as info:
        client.trigger_sync(["BTC/USDT"], "1h", DAY, LATER, idempotency_key=key)
    assert info.value.field == "idempotency_key"


@pytest.mark.parametrize(
    "job_id", ["", "job/1", "../x", "job 1", "job-1\n", "-job", "jоb", "j" * 129, 7, None]
)
def test_malformed_job_ids_are_refused(client: DataCollectionClient, job_id: Any) -> None:
    with pytest.raises(ValidationError) as info:
        client.get_sync_job(job_id)
    assert info.value.field == "job_id"
    with pytest.raises(ValidationError):
        client.wait_for_sync(job_id, deadline=10)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"deadline": 0}, "deadline"),
        ({"deadline": -1}, "deadline"),
        ({"deadline": float("inf")}, "deadline"),
        ({"deadline": True}, "deadline"),
        ({"deadline": "10"}, "deadline"),
        ({"deadline": 10, "poll_initial": 0}, "poll_initial"),
        ({"deadline": 10, "poll_max": float("nan")}, "poll_max"),
    ],
)
def test_wait_for_sync_needs_a_positive_deadline_and_poll_times(
    client: DataCollectionClient, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        client.wait_for_sync("job-1", **options)
    assert info.value.field == field


@pytest.mark.parametrize("exchange", ["", "Bin ance", "binance\n", "-binance", "bïnance", 3])
def test_malformed_exchange_filters_are_refused(
    client: DataCollectionClient, exchange: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        client.list_symbols(exchange)
    assert info.value.field == "exchange"


def test_a_client_without_a_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as info:
        DataCollectionClient(DataCollectionClientSettingsMixin())
    assert info.value.context["setting"] == "data_collection_url"


def test_the_client_reads_its_settings_from_the_environment_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATA_COLLECTION_URL", "http://data.internal:8080/")
    with DataCollectionClient() as client:
        assert client.base_url == "http://data.internal:8080"
        assert repr(client) == "DataCollectionClient('http://data.internal:8080')"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"settings": {"data_collection_url": "http://x"}}, "settings"),
        ({"policy": "reject"}, "policy"),
        ({"page_limit": 0}, "page_limit"),
        ({"page_limit": True}, "page_limit"),
        ({"max_pages": 0}, "max_pages"),
    ],
)
def test_bad_client_options_are_refused(options: dict[str, Any], field: str) -> None:
    settings = options.pop(
        "settings", DataCollectionClientSettingsMixin(data_collection_url="http://x")
    )
    with pytest.raises(ValidationError) as info:
        DataCollectionClient(settings, **options)
    assert info.value.field == field


def test_a_repair_policy_is_accepted() -> None:
    settings = DataCollectionClientSettingsMixin(data_collection_url="http://x")
    assert DataCollectionClient(settings, policy=ValidationPolicy("repair")).breaker.name == (
        "data-collection"
    )

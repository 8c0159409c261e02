"""Every call of DataCollectionClient against the fake service speaking the documented contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest

from support.fake_data_collection import TOKEN, FakeDataCollection, FakeTime, candle, to_ms
from tradai.common.clients.data_collection_client import (
    API_PREFIX,
    DataCollectionClient,
    DataCollectionSource,
    derive_idempotency_key,
)
from tradai.common.data.ohlcv import OHLCV_COLUMNS
from tradai.common.data.sources import DataSource
from tradai.common.entities.aws import JobStatus
from tradai.common.exceptions import (
    AuthenticationError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)

pytestmark = pytest.mark.integration

DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
MakeClient = Callable[..., DataCollectionClient]


def test_list_symbols_returns_every_page_and_filters_by_exchange(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.symbols_page_size = 2
    client = make_client()
    symbols = client.list_symbols()
    assert [s.symbol for s in symbols] == ["BTC/USDT", "ETH/USDT", "SOL/USD"]
    assert symbols[0].timeframes == ("1m", "1h")
    assert symbols[2].active is False
    assert fake_dc.hits(f"{API_PREFIX}/symbols") == 2
    kraken = client.list_symbols("Kraken")
    assert [(s.symbol, s.exchange) for s in kraken] == [("SOL/USD", "kraken")]
    assert fake_dc.requests[-1].query["exchange"] == ["kraken"]


def test_get_candles_pages_through_the_range_and_returns_a_validated_frame(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.max_page_size = 10
    fake_dc.add_candles("BTC/USDT", "1h", DAY - 5 * HOUR, DAY + 60 * HOUR)
    frame = make_client().get_candles("btc/usdt", "1h", DAY, DAY + 45 * HOUR)
    assert len(frame) == 45
    assert list(frame.columns) == list(OHLCV_COLUMNS)
    assert frame.index[0] == pd.Timestamp(DAY)
    assert frame.index.name == "date"
    assert frame.iloc[3].tolist() == candle(to_ms(DAY + 3 * HOUR), "1h")[1:]
    pages = [r for r in fake_dc.requests if r.path == f"{API_PREFIX}/candles"]
    assert len(pages) == 5
    assert "cursor" not in pages[0].query
    assert all("cursor" in p.query for p in pages[1:])
    assert pages[0].query["start"] == ["2024-01-01T00:00:00Z"]
    assert pages[0].query["symbol"] == ["BTC/USDT"]


def test_get_candles_of_an_empty_range_or_series_is_an_empty_frame(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    client = make_client()
    assert client.get_candles("ETH/USDT", "1h", DAY, DAY + HOUR).empty
    assert client.get_candles("ETH/USDT", "1h", DAY, DAY).empty
    assert fake_dc.hits(f"{API_PREFIX}/candles") == 1  # start == end sends nothing


def test_coverage_reports_first_last_and_gaps_so_missing_candles_show_before_a_run(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.add_candles(
        "BTC/USDT", "1h", DAY, DAY + 24 * HOUR, missing=[DAY + 5 * HOUR, DAY + 6 * HOUR]
    )
    coverage = make_client().coverage("BTC/USDT", "1h")
    assert (coverage.first_candle, coverage.last_candle) == (DAY, DAY + 23 * HOUR)
    assert coverage.candle_count == 22
    assert [(g.start, g.end, g.missing) for g in coverage.gaps] == [
        (DAY + 5 * HOUR, DAY + 7 * HOUR, 2)
    ]
    missing = coverage.missing(DAY - 2 * HOUR, DAY + 26 * HOUR)
    assert [(g.start, g.missing) for g in missing] == [
        (DAY - 2 * HOUR, 2),
        (DAY + 5 * HOUR, 2),
        (DAY + 24 * HOUR, 2),
    ]
    assert coverage.missing_candles(DAY, DAY + 5 * HOUR) == 0


def test_coverage_of_a_series_with_no_candles_is_empty(make_client: MakeClient) -> None:
    coverage = make_client().coverage("ETH/USDT", "1h")
    assert coverage.is_empty
    assert coverage.missing_candles(DAY, DAY + 3 * HOUR) == 3


def test_trigger_sync_then_wait_for_it_fills_the_missing_candles(
    fake_dc: FakeDataCollection, make_client: MakeClient, fake_time: FakeTime
) -> None:
    client = make_client()
    assert client.coverage("ETH/USDT", "1h").missing_candles(DAY, DAY + 6 * HOUR) == 6
    job = client.trigger_sync(["eth/usdt"], "1h", DAY, DAY + 6 * HOUR)
    assert job.status is JobStatus.PENDING
    assert job.symbols == ("ETH/USDT",)
    assert client.get_sync_job(job.job_id).status is JobStatus.RUNNING
    done = client.wait_for_sync(job.job_id, deadline=60)
    assert done.succeeded
    assert done.candles_written == 6
    assert done.progress == 1.0
    assert client.coverage("ETH/USDT", "1h").missing_candles(DAY, DAY + 6 * HOUR) == 0
    assert len(client.get_candles("ETH/USDT", "1h", DAY, DAY + 6 * HOUR)) == 6
    assert fake_time.sleeps == []  # finished at the first poll of wait_for_sync


def test_trigger_sync_sends_a_derived_idempotency_key_so_a_repeat_reuses_the_job(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    client = make_client()
    first = client.trigger_sync(["ETH/USDT", "BTC/USDT"], "1h", DAY, DAY + HOUR)
    again = client.trigger_sync(["BTC/USDT", "eth/usdt"], "1h", DAY, DAY + HOUR)
    assert again.job_id == first.job_id
    assert len(fake_dc.jobs) == 1
    posts = [r for r in fake_dc.requests if r.method == "POST"]
    body = {
        "symbols": ["BTC/USDT", "ETH/USDT"],
        "timeframe": "1h",
        "start": "2024-01-01T00:00:00Z",
        "end": "2024-01-01T01:00:00Z",
    }
    assert {p.headers["Idempotency-Key"] for p in posts} == {derive_idempotency_key(body)}


def test_a_given_key_is_sent_and_reusing_it_for_another_request_is_refused(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    client = make_client()
    job = client.trigger_sync(["ETH/USDT"], "1h", DAY, DAY + HOUR, idempotency_key="run-42")
    assert fake_dc.requests[-1].headers["Idempotency-Key"] == "run-42"
    with pytest.raises(ValidationError) as info:
        client.trigger_sync(["ETH/USDT"], "1h", DAY, DAY + 2 * HOUR, idempotency_key="run-42")
    assert info.value.context["error_code"] == "IdempotencyKeyReused"
    fresh = client.trigger_sync(["ETH/USDT"], "1h", DAY, DAY + HOUR, idempotency_key=False)
    assert "Idempotency-Key" not in fake_dc.requests[-1].headers
    assert fresh.job_id != job.job_id


def test_wait_for_sync_raises_for_a_failed_job_unless_told_to_return_it(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.fail_sync_for("BTC/USDT")
    client = make_client()
    job = client.trigger_sync(["BTC/USDT"], "1h", DAY, DAY + HOUR)
    with pytest.raises(ExternalServiceError) as info:
        client.wait_for_sync(job.job_id, deadline=60)
    assert info.value.error_code == "SyncFailed"
    assert "exchange refused the download" in info.value.message
    failed = client.wait_for_sync(job.job_id, deadline=60, raise_on_failure=False)
    assert failed.status is JobStatus.FAILED
    assert failed.is_terminal
    retried = client.trigger_sync(["BTC/USDT"], "1h", DAY, DAY + HOUR)
    assert retried.job_id != job.job_id  # the failed job's key was released


def test_wait_for_sync_backs_off_and_gives_up_at_the_deadline(
    fake_dc: FakeDataCollection, make_client: MakeClient, fake_time: FakeTime
) -> None:
    fake_dc.polls_to_finish = 1000
    client = make_client()
    job = client.trigger_sync(["ETH/USDT"], "1h", DAY, DAY + HOUR)
    with pytest.raises(TransientError) as info:
        client.wait_for_sync(job.job_id, deadline=20, poll_initial=1, poll_max=4)
    assert info.value.error_code == "SyncTimeout"
    assert fake_time.sleeps[:4] == [0.5, 1.0, 2.0, 2.0]  # equal jitter at rng() == 0
    assert sum(fake_time.sleeps) == pytest.approx(20)
    assert max(fake_time.sleeps) <= 4


def test_unknown_series_and_jobs_are_not_found_and_unsupported_timeframes_invalid(
    make_client: MakeClient,
) -> None:
    client = make_client()
    with pytest.raises(NotFoundError):
        client.get_candles("DOGE/USDT", "1h", DAY, DAY + HOUR)
    with pytest.raises(NotFoundError):
        client.coverage("DOGE/USDT", "1h")
    with pytest.raises(NotFoundError):
        client.get_sync_job("job-999")
    with pytest.raises(NotFoundError):
        client.trigger_sync(["DOGE/USDT"], "1h", DAY, DAY + HOUR)
    with pytest.raises(ValidationError) as info:
        client.get_candles("ETH/USDT", "1m", DAY, DAY + HOUR)
    assert info.value.context["error_code"] == "UnsupportedTimeframe"


def test_a_wrong_token_is_an_authentication_error(make_client: MakeClient) -> None:
    with pytest.raises(AuthenticationError):
        make_client(data_collection_token="not-the-" + TOKEN).list_symbols()
    with pytest.raises(AuthenticationError):
        make_client(data_collection_token=None).list_symbols()


def test_data_collection_source_is_a_data_source_fetching_through_the_client(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.add_candles("BTC/USDT", "1m", DAY, DAY + dt.timedelta(minutes=30))
    client = make_client()
    source = DataCollectionSource(client)
    assert isinstance(source, DataSource)
    assert source.client is client
    frame = source.fetch_ohlcv("BTC/USDT", "1m", DAY, DAY + dt.timedelta(minutes=10))
    assert len(frame) == 10
    gaps = source.missing("BTC/USDT", "1m", DAY, DAY + HOUR)
    assert [(g.start, g.missing) for g in gaps] == [(DAY + dt.timedelta(minutes=30), 30)]
    assert repr(source) == f"DataCollectionSource(DataCollectionClient({fake_dc.url!r}))"

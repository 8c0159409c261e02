"""CCXTSource against a local fake Binance (tests/support/fake_exchange.py); no internet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from support.fake_exchange import FakeBinance, fake_binance, kline
from tradai.common.data.ohlcv import ValidationPolicy
from tradai.common.data.sources import CCXTSource, SourceFactory
from tradai.common.exceptions import (
    AuthenticationError,
    NotFoundError,
    TransientError,
    ValidationError,
)
from tradai.common.protocols import ManualClock

pytestmark = pytest.mark.integration

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
MS0 = int(T0.timestamp() * 1000)
NOW = T0 + dt.timedelta(minutes=2500, seconds=30)  # candle 2500 is still open


@pytest.fixture
def exchange() -> Iterator[FakeBinance]:
    with fake_binance(listed_ms=MS0, now_ms=MS0 + 2500 * 60_000 + 30_000) as fake:
        yield fake


def _source(exchange: FakeBinance, sleeps: list[float] | None = None, **kw: object) -> CCXTSource:
    return SourceFactory.create(  # type: ignore[return-value]
        "ccxt",
        exchange_id="binance",
        options=exchange.ccxt_options(),
        clock=ManualClock(NOW),
        sleep=(sleeps if sleeps is not None else []).append,
        **kw,
    )


def _minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def test_a_range_is_downloaded_in_pages_of_at_most_the_page_limit(exchange: FakeBinance) -> None:
    frame = _source(exchange).fetch_ohlcv("BTC/USDT", "1m", T0, _minutes(2300))
    assert len(frame) == 2300
    assert frame.index[0] == T0
    assert frame.index[-1] == _minutes(2299)
    calls = exchange.kline_requests()
    assert [c.query["limit"] for c in calls] == ["1000", "1000", "300"]  # never past the range
    assert [int(c.query["startTime"]) for c in calls] == [
        MS0,
        MS0 + 1000 * 60_000,
        MS0 + 2000 * 60_000,
    ]
    assert [r.path for r in exchange.requests].count("/api/v3/exchangeInfo") == 1


def test_candles_carry_the_exchange_values(exchange: FakeBinance) -> None:
    frame = _source(exchange).fetch_ohlcv("ETH/USDT", "1m", _minutes(7), _minutes(8))
    row = kline("ETHUSDT", MS0 + 7 * 60_000, 60_000)
    assert frame.iloc[0].tolist() == [float(v) for v in row[1:6]]


def test_ranges_are_half_open_and_unaligned_bounds_round_up(exchange: FakeBinance) -> None:
    frame = _source(exchange, page_limit=7).fetch_ohlcv("BTC/USDT", "5m", _minutes(2), _minutes(61))
    assert frame.index.tolist() == [_minutes(m) for m in range(5, 61, 5)]


def test_the_candle_still_open_is_not_returned(exchange: FakeBinance) -> None:
    frame = _source(exchange).fetch_ohlcv("BTC/USDT", "1m", _minutes(2490), _minutes(2600))
    assert frame.index[-1] == _minutes(2499)


def test_a_range_before_listing_or_in_the_future_is_empty(exchange: FakeBinance) -> None:
    source = _source(exchange)
    assert source.fetch_ohlcv("BTC/USDT", "1m", _minutes(3000), _minutes(3100)).empty
    assert exchange.kline_requests() == []  # the future range is cut by the clock first
    assert source.fetch_ohlcv("BTC/USDT", "1h", T0 - dt.timedelta(days=3), T0).empty
    assert len(exchange.kline_requests()) == 1


def test_exchange_gaps_are_returned_as_gaps_or_refused_by_policy(exchange: FakeBinance) -> None:
    exchange.missing.update({MS0 + 3 * 60_000, MS0 + 4 * 60_000})
    frame = _source(exchange).fetch_ohlcv("BTC/USDT", "1m", T0, _minutes(10))
    assert len(frame) == 8
    strict = _source(exchange, policy=ValidationPolicy(allow_gaps=False))
    with pytest.raises(ValidationError, match="gaps"):
        strict.fetch_ohlcv("BTC/USDT", "1m", T0, _minutes(10))


def test_rate_limits_are_retried_with_exponential_backoff(exchange: FakeBinance) -> None:
    exchange.fail_next(429, {"code": -1003, "msg": "Too many requests."}, times=2)
    sleeps: list[float] = []
    frame = _source(exchange, sleeps, backoff_seconds=0.5).fetch_ohlcv(
        "BTC/USDT", "1m", T0, _minutes(10)
    )
    assert len(frame) == 10
    assert sleeps == [0.5, 1.0]


def test_persistent_failures_surface_as_transient_after_the_retries(
    exchange: FakeBinance,
) -> None:
    exchange.fail_next(503, "Service Unavailable", times=10)
    sleeps: list[float] = []
    with pytest.raises(TransientError) as exc:
        _source(exchange, sleeps, max_retries=2).fetch_ohlcv("BTC/USDT", "1m", T0, _minutes(5))
    assert sleeps == [1.0, 2.0]
    assert exc.value.service == "binance"
    assert exc.value.operation == "fetch_ohlcv"
    assert len(exchange.kline_requests()) == 3


def test_an_unknown_market_is_not_found_without_a_kline_request(exchange: FakeBinance) -> None:
    with pytest.raises(NotFoundError) as exc:
        _source(exchange).fetch_ohlcv("DOGE/USDT", "1m", T0, _minutes(5))
    assert exc.value.key == "DOGE/USDT"
    assert exchange.kline_requests() == []


def test_an_unsupported_timeframe_is_refused_before_any_request(exchange: FakeBinance) -> None:
    with pytest.raises(ValidationError, match="7m"):
        _source(exchange).fetch_ohlcv("BTC/USDT", "7m", T0, _minutes(70))
    assert exchange.requests == []


def test_an_empty_page_ends_the_download(exchange: FakeBinance) -> None:
    exchange.now_ms = MS0 + 1500 * 60_000  # the exchange has fewer candles than the clock says
    frame = _source(exchange).fetch_ohlcv("BTC/USDT", "1m", T0, _minutes(2400))
    assert len(frame) == 1501
    assert len(exchange.kline_requests()) == 3  # 1000, 501, then an empty page


def test_an_exchange_that_ignores_since_ends_the_download(exchange: FakeBinance) -> None:
    exchange.ignore_start_time = True  # always answers the oldest candles
    source = _source(exchange, page_limit=100)
    frame = source.fetch_ohlcv("BTC/USDT", "1m", _minutes(2000), _minutes(2400))
    assert frame.empty  # what it sent is before the range asked for
    assert len(exchange.kline_requests()) == 1


def test_refused_credentials_are_an_authentication_error(exchange: FakeBinance) -> None:
    exchange.fail_next(401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions."})
    with pytest.raises(AuthenticationError, match="credentials refused"):
        _source(exchange).fetch_ohlcv("BTC/USDT", "1m", T0, _minutes(5))

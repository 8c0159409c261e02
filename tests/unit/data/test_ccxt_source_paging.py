"""CCXTSource paging guards, with an injected exchange object that misbehaves.

Real ccxt exchanges filter out candles older than ``since`` before returning them, so a page
that does not move forward cannot come from them: a hand-written stand-in plays it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tradai.common.data.sources import CCXTSource
from tradai.common.protocols import ManualClock

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
MS0 = int(T0.timestamp() * 1000)


class StaleExchange:
    """Answers every request with the same, old candle."""

    id = "stale"

    def __init__(self) -> None:
        self.timeframes = {"1m": "1m"}
        self.calls: list[dict[str, Any]] = []

    def fetch_ohlcv(self, symbol: str, timeframe: str, since: int, limit: int) -> list[Any]:
        self.calls.append({"symbol": symbol, "since": since, "limit": limit})
        return [[MS0, 1.0, 2.0, 0.5, 1.5, 3.0]]


def test_a_page_that_does_not_move_forward_ends_the_download() -> None:
    exchange = StaleExchange()
    clock = ManualClock(T0 + dt.timedelta(days=1))
    source = CCXTSource(exchange=exchange, clock=clock)
    start = T0 + dt.timedelta(minutes=10)
    frame = source.fetch_ohlcv("BTC/USDT", "1m", start, start + dt.timedelta(minutes=30))
    assert frame.empty
    assert len(exchange.calls) == 1
    assert exchange.calls[0]["limit"] == 30
    assert source.exchange_id == "stale"

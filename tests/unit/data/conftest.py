"""Fixtures for the market-data unit tests: small hand-made candle frames."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import pytest

Candles = Callable[..., pd.DataFrame]


def _candles(
    times: Sequence[str] | None = None,
    *,
    periods: int = 5,
    start: str = "2024-01-01 00:00",
    freq: str = "1min",
    tz: Any = "UTC",
    price: float = 100.0,
) -> pd.DataFrame:
    if times is None:
        index = pd.date_range(start, periods=periods, freq=freq, tz=tz)
    else:
        index = pd.DatetimeIndex(list(times), tz=tz)
    n = len(index)
    return pd.DataFrame(
        {
            "open": [price + i for i in range(n)],
            "high": [price + i + 2 for i in range(n)],
            "low": [price + i - 1 for i in range(n)],
            "close": [price + i + 1 for i in range(n)],
            "volume": [10.0 + i for i in range(n)],
        },
        index=index,
    )


@pytest.fixture
def candles() -> Candles:
    """Build a valid OHLCV frame: ``candles(periods=3)`` or ``candles(["2024-01-01 00:00"])``."""
    return _candles

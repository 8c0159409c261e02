"""The bundled sample strategy: a simple moving-average crossover (long only).

It enters when the fast SMA crosses above the slow one and exits when it crosses back
below, with a 10 % ROI target and a 5 % stoploss. The two periods are hyperoptable
(``buy`` space), so ``tradai hyperopt`` has something to search. It is loaded by Freqtrade
from this directory (:func:`tradai.common.freqtrade.strategies.sample_strategy_dir`),
never imported by tradai-common itself.
"""

from __future__ import annotations

from typing import Any

from freqtrade.strategy import IntParameter, IStrategy
from pandas import DataFrame

__all__ = ["SampleSmaCrossover"]


class SampleSmaCrossover(IStrategy):
    """Fast/slow simple moving-average crossover, long only."""

    INTERFACE_VERSION = 3
    timeframe = "1h"
    can_short = False
    minimal_roi = {"0": 0.10}  # noqa: RUF012 - Freqtrade reads class attributes
    stoploss = -0.05
    startup_candle_count = 100
    process_only_new_candles = True

    fast_period = IntParameter(5, 30, default=10, space="buy")
    slow_period = IntParameter(31, 100, default=50, space="buy")

    def populate_indicators(self, dataframe: DataFrame, metadata: dict[str, Any]) -> DataFrame:
        """Add one SMA column per period the parameters can take (hyperopt reuses them)."""
        periods = set(self.fast_period.range) | set(self.slow_period.range)
        close = dataframe["close"]
        for period in sorted(periods):
            dataframe[f"sma_{period}"] = close.rolling(period).mean()
        return dataframe

    def _fast_slow(self, dataframe: DataFrame) -> tuple[Any, Any]:
        return (
            dataframe[f"sma_{self.fast_period.value}"],
            dataframe[f"sma_{self.slow_period.value}"],
        )

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict[str, Any]) -> DataFrame:
        """Enter long when the fast SMA crosses above the slow one."""
        fast, slow = self._fast_slow(dataframe)
        crossed_up = (fast > slow) & (fast.shift(1) <= slow.shift(1))
        dataframe.loc[crossed_up & (dataframe["volume"] > 0), "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict[str, Any]) -> DataFrame:
        """Exit when the fast SMA crosses back below the slow one."""
        fast, slow = self._fast_slow(dataframe)
        crossed_down = (fast < slow) & (fast.shift(1) >= slow.shift(1))
        dataframe.loc[crossed_down, "exit_long"] = 1
        return dataframe

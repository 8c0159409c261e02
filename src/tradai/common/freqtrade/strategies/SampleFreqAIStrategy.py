"""The bundled FreqAI sample strategy: a regressor predicts the mean close change ahead.

Run it with a FreqAI model, e.g. ``tradai backtest --strategy SampleFreqAIStrategy
--freqai-model LightGBMRegressor``. Features: price change and distance to the SMA over a
few periods, volume and the hour of day; target: the mean relative close change over the
next ``label_period_candles`` candles. It enters long when the prediction is above 0.2 %
and exits when it turns negative.
"""

from __future__ import annotations

from typing import Any

from freqtrade.strategy import IStrategy
from pandas import DataFrame

__all__ = ["SampleFreqAIStrategy"]


class SampleFreqAIStrategy(IStrategy):
    """A minimal FreqAI regression strategy (long only)."""

    INTERFACE_VERSION = 3
    timeframe = "1h"
    can_short = False
    minimal_roi = {"0": 0.10}  # noqa: RUF012 - Freqtrade reads class attributes
    stoploss = -0.05
    startup_candle_count = 30
    process_only_new_candles = True

    def feature_engineering_expand_all(
        self, dataframe: DataFrame, period: int, metadata: dict[str, Any], **kwargs: Any
    ) -> DataFrame:
        """Features expanded over every configured period."""
        dataframe["%-pct_change"] = dataframe["close"].pct_change(period)
        dataframe["%-sma_ratio"] = dataframe["close"] / dataframe["close"].rolling(period).mean()
        return dataframe

    def feature_engineering_expand_basic(
        self, dataframe: DataFrame, metadata: dict[str, Any], **kwargs: Any
    ) -> DataFrame:
        """Features expanded over timeframes and pairs only."""
        dataframe["%-raw_volume"] = dataframe["volume"]
        return dataframe

    def feature_engineering_standard(
        self, dataframe: DataFrame, metadata: dict[str, Any], **kwargs: Any
    ) -> DataFrame:
        """Features computed once."""
        dataframe["%-hour_of_day"] = dataframe["date"].dt.hour
        return dataframe

    def set_freqai_targets(
        self, dataframe: DataFrame, metadata: dict[str, Any], **kwargs: Any
    ) -> DataFrame:
        """The target: mean relative close change over the next label_period_candles."""
        label = self.freqai_info["feature_parameters"]["label_period_candles"]
        future_mean = dataframe["close"].shift(-label).rolling(label).mean()
        dataframe["&-s_close"] = future_mean / dataframe["close"] - 1
        return dataframe

    def populate_indicators(self, dataframe: DataFrame, metadata: dict[str, Any]) -> DataFrame:
        """Let FreqAI train/predict and add its columns."""
        return self.freqai.start(dataframe, metadata, self)

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict[str, Any]) -> DataFrame:
        """Enter long when the predicted change is above 0.2 %."""
        ready = dataframe["do_predict"] == 1
        dataframe.loc[ready & (dataframe["&-s_close"] > 0.002), "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict[str, Any]) -> DataFrame:
        """Exit when the predicted change turns negative."""
        ready = dataframe["do_predict"] == 1
        dataframe.loc[ready & (dataframe["&-s_close"] < 0), "exit_long"] = 1
        return dataframe

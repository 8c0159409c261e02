"""The canonical strategy configuration schema, :class:`StrategyConfig`.

The fields, defaults and patterns are those of the design document. Each field is then
checked by the shared validators, which the bare patterns cannot do on their own (pydantic's
regex ``\\d`` also matches full-width digits):

* ``name`` is a strategy name (:func:`~tradai.common.validators.validate_strategy_name`);
* ``version`` is ``MAJOR.MINOR.PATCH`` in ASCII digits without leading zeros;
* ``timeframe`` is a real timeframe in minutes, hours or days (``"0m"`` is refused);
* ``pairs`` are trading pairs, upper-cased, without duplicates;
* ``stake_currency`` is an upper-cased ASCII currency code (``"usdt"`` becomes ``"USDT"``);
* ``exchange`` is a lower-cased ccxt exchange id or exchange key (``"binance_futures"``).

Unknown fields are kept (``extra="allow"``), as Freqtrade configs carry many more.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradai.common.entities.exchange import ExchangeConfig
from tradai.common.validators import (
    validate_semver,
    validate_strategy_name,
    validate_timeframe,
    validate_trading_pair,
)

__all__ = ["StrategyConfig"]

_CURRENCY_RE = re.compile(r"[A-Z0-9]{1,20}")


class StrategyConfig(BaseModel):
    """Single canonical schema for strategy configuration.

    Example:
        >>> config = StrategyConfig(
        ...     name="PascalStrategy",
        ...     version="1.0.0",
        ...     timeframe="1h",
        ...     pairs=["btc/usdt:usdt"],
        ...     minimal_roi={"0": 0.05},
        ... )
        >>> config.pairs, config.exchange, config.stake_currency
        (['BTC/USDT:USDT'], 'binance', 'USDT')
        >>> config.model_extra
        {'minimal_roi': {'0': 0.05}}
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    name: str = Field(..., min_length=1)
    version: str = Field(..., pattern=r"^\d+\.\d+\.\d+$")
    timeframe: str = Field(..., pattern=r"^\d+[mhd]$")
    pairs: list[str] = Field(default_factory=list)
    stake_currency: str = Field(default="USDT")
    exchange: str = Field(default="binance")
    parameters: dict[str, Any] = Field(default_factory=dict)
    buy_params: dict[str, Any] = Field(default_factory=dict)
    sell_params: dict[str, Any] = Field(default_factory=dict)
    freqai: dict[str, Any] | None = Field(default=None)

    @field_validator("name")
    @classmethod
    def validate_name(cls, v: str) -> str:
        """Check the strategy name (a letter, then letters, digits, ``_`` or ``-``)."""
        return validate_strategy_name(v)

    @field_validator("version")
    @classmethod
    def validate_version(cls, v: str) -> str:
        """Check ``MAJOR.MINOR.PATCH`` in ASCII digits, without leading zeros."""
        if not v.isascii():
            raise ValueError(f"version {v!r:.40} must be ASCII digits and dots")
        return validate_semver(v)

    @field_validator("timeframe")
    @classmethod
    def validate_timeframe(cls, v: str) -> str:
        """Check the timeframe is a positive number of minutes, hours or days."""
        return validate_timeframe(v)

    @field_validator("pairs")
    @classmethod
    def validate_pairs(cls, v: list[str]) -> list[str]:
        """Check each pair (``BASE/QUOTE[:SETTLE]``), upper-case it and refuse duplicates."""
        pairs = [validate_trading_pair(p) for p in v]
        duplicates = sorted({p for p in pairs if pairs.count(p) > 1})
        if duplicates:
            raise ValueError(f"duplicate pairs: {', '.join(duplicates)}")
        return pairs

    @field_validator("stake_currency")
    @classmethod
    def validate_stake_currency(cls, v: str) -> str:
        """Check the stake currency code (ASCII letters and digits) and upper-case it."""
        upper = v.upper() if v.isascii() else ""
        if _CURRENCY_RE.fullmatch(upper) is None:
            raise ValueError(f"stake_currency {v!r:.40} must be 1-20 ASCII letters or digits")
        return upper

    @field_validator("exchange")
    @classmethod
    def validate_exchange(cls, v: str) -> str:
        """Check the exchange id or key (``binance``, ``binance_futures``); lower-case it.

        Uses :meth:`ExchangeConfig.validate_name`, so both accept the same names.
        """
        return ExchangeConfig.validate_name(v)

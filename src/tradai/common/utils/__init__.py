"""Small stdlib-only helpers: UTC time and candles, exchange precision, git, profit, seeds.

Every name below is imported from its module on first use, so ``import
tradai.common.utils`` loads only this file (no third-party package, not even
``typing``). The modules are:

* :mod:`tradai.common.utils.datetime` — UTC datetimes, epoch conversion, timeframes,
  candle alignment, Freqtrade time ranges.
* :mod:`tradai.common.utils.decimal` — ccxt-style rounding to decimal places,
  significant digits or tick sizes, in exact Decimal arithmetic.
* :mod:`tradai.common.utils.git` — commit, branch, dirty flag and remote of a work tree.
* :mod:`tradai.common.utils.profit` — trade profit with Freqtrade's semantics.
* :mod:`tradai.common.utils.seed` — seeding (and restoring) random, numpy and torch.

Example:
    >>> from tradai.common.utils import timeframe_to_minutes
    >>> timeframe_to_minutes("4h")
    240
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from tradai.common.utils.datetime import (
        EPOCH_MS_THRESHOLD,
        candle_range,
        ceil_to_timeframe,
        date_range_days,
        ensure_utc,
        floor_to_timeframe,
        from_epoch_ms,
        parse_date,
        parse_datetime,
        parse_timeframe,
        timeframe_to_minutes,
        timeframe_to_seconds,
        to_epoch_ms,
        to_timerange,
        utc_now,
    )
    from tradai.common.utils.decimal import (
        DECIMAL_PLACES,
        ROUND,
        ROUND_UP,
        SIGNIFICANT_DIGITS,
        TICK_SIZE,
        TRUNCATE,
        CountingMode,
        RoundingMode,
        amount_to_precision,
        decimal_places,
        price_to_precision,
        round_to_tick,
        safe_decimal,
        to_precision,
    )
    from tradai.common.utils.git import (
        GIT_TIMEOUT,
        GitInfo,
        get_git_branch,
        get_git_commit,
        get_git_info,
        get_git_remote,
        is_git_dirty,
    )
    from tradai.common.utils.profit import (
        calc_profit_abs,
        calc_profit_pct,
        calc_profit_ratio,
        profit_pct,
    )
    from tradai.common.utils.seed import (
        MAX_SEED,
        SeedReport,
        seed_everything,
        seeded,
    )

__all__ = [
    "DECIMAL_PLACES",
    "EPOCH_MS_THRESHOLD",
    "GIT_TIMEOUT",
    "MAX_SEED",
    "ROUND",
    "ROUND_UP",
    "SIGNIFICANT_DIGITS",
    "TICK_SIZE",
    "TRUNCATE",
    "CountingMode",
    "GitInfo",
    "RoundingMode",
    "SeedReport",
    "amount_to_precision",
    "calc_profit_abs",
    "calc_profit_pct",
    "calc_profit_ratio",
    "candle_range",
    "ceil_to_timeframe",
    "date_range_days",
    "decimal_places",
    "ensure_utc",
    "floor_to_timeframe",
    "from_epoch_ms",
    "get_git_branch",
    "get_git_commit",
    "get_git_info",
    "get_git_remote",
    "is_git_dirty",
    "parse_date",
    "parse_datetime",
    "parse_timeframe",
    "price_to_precision",
    "profit_pct",
    "round_to_tick",
    "safe_decimal",
    "seed_everything",
    "seeded",
    "timeframe_to_minutes",
    "timeframe_to_seconds",
    "to_epoch_ms",
    "to_precision",
    "to_timerange",
    "utc_now",
]

_EXPORTS = {
    "CountingMode": "tradai.common.utils.decimal",
    "DECIMAL_PLACES": "tradai.common.utils.decimal",
    "EPOCH_MS_THRESHOLD": "tradai.common.utils.datetime",
    "GIT_TIMEOUT": "tradai.common.utils.git",
    "GitInfo": "tradai.common.utils.git",
    "MAX_SEED": "tradai.common.utils.seed",
    "ROUND": "tradai.common.utils.decimal",
    "ROUND_UP": "tradai.common.utils.decimal",
    "RoundingMode": "tradai.common.utils.decimal",
    "SIGNIFICANT_DIGITS": "tradai.common.utils.decimal",
    "SeedReport": "tradai.common.utils.seed",
    "TICK_SIZE": "tradai.common.utils.decimal",
    "TRUNCATE": "tradai.common.utils.decimal",
    "amount_to_precision": "tradai.common.utils.decimal",
    "calc_profit_abs": "tradai.common.utils.profit",
    "calc_profit_pct": "tradai.common.utils.profit",
    "calc_profit_ratio": "tradai.common.utils.profit",
    "candle_range": "tradai.common.utils.datetime",
    "ceil_to_timeframe": "tradai.common.utils.datetime",
    "date_range_days": "tradai.common.utils.datetime",
    "decimal_places": "tradai.common.utils.decimal",
    "ensure_utc": "tradai.common.utils.datetime",
    "floor_to_timeframe": "tradai.common.utils.datetime",
    "from_epoch_ms": "tradai.common.utils.datetime",
    "get_git_branch": "tradai.common.utils.git",
    "get_git_commit": "tradai.common.utils.git",
    "get_git_info": "tradai.common.utils.git",
    "get_git_remote": "tradai.common.utils.git",
    "is_git_dirty": "tradai.common.utils.git",
    "parse_date": "tradai.common.utils.datetime",
    "parse_datetime": "tradai.common.utils.datetime",
    "parse_timeframe": "tradai.common.utils.datetime",
    "price_to_precision": "tradai.common.utils.decimal",
    "profit_pct": "tradai.common.utils.profit",
    "round_to_tick": "tradai.common.utils.decimal",
    "safe_decimal": "tradai.common.utils.decimal",
    "seed_everything": "tradai.common.utils.seed",
    "seeded": "tradai.common.utils.seed",
    "timeframe_to_minutes": "tradai.common.utils.datetime",
    "timeframe_to_seconds": "tradai.common.utils.datetime",
    "to_epoch_ms": "tradai.common.utils.datetime",
    "to_precision": "tradai.common.utils.decimal",
    "to_timerange": "tradai.common.utils.datetime",
    "utc_now": "tradai.common.utils.datetime",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

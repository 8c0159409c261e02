"""Standard MLflow tag keys, so every service tags runs and model versions the same way.

All keys live under the ``tradai.`` namespace (MLflow keeps ``mlflow.*`` for itself) and
are valid MLflow tag keys: ASCII letters, digits, ``_``, ``.``. :data:`ALL_TAGS` holds
every ``TAG_*`` constant; :class:`RunType` lists the values of :data:`TAG_RUN_TYPE`.

Decisions where the design document is silent:

* Keys are dotted paths grouped by subject (``tradai.git.commit``,
  ``tradai.metrics.sharpe_ratio``); booleans are written ``"true"``/``"false"``.
* Metric tags (``TAG_SHARPE_RATIO``...) duplicate a few headline metrics as tags, so the
  MLflow UI and ``search_runs`` filters can use them on model versions too.
* ``TAG_CHAMPION``/``TAG_CHALLENGER`` mark a model version's role as a tag; the registry
  *aliases* ``champion``/``challenger`` (see :mod:`tradai.common.mlflow.registry`) are
  what resolution uses.

Example:
    >>> TAG_STRATEGY_NAME
    'tradai.strategy.name'
    >>> TAG_SHARPE_RATIO in ALL_TAGS
    True
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "ALL_TAGS",
    "TAG_BACKTEST_ID",
    "TAG_CALMAR_RATIO",
    "TAG_CHALLENGER",
    "TAG_CHAMPION",
    "TAG_CONFIG_HASH",
    "TAG_CONFIG_VERSION_ID",
    "TAG_CORRELATION_ID",
    "TAG_DATA_HASH",
    "TAG_DATA_RANGE_END",
    "TAG_DATA_RANGE_START",
    "TAG_DATA_SOURCE",
    "TAG_ENVIRONMENT",
    "TAG_EXCHANGE",
    "TAG_FEATURE_COUNT",
    "TAG_FEATURE_SCHEMA_HASH",
    "TAG_FREQTRADE_VERSION",
    "TAG_GIT_BRANCH",
    "TAG_GIT_COMMIT",
    "TAG_GIT_DIRTY",
    "TAG_GIT_REMOTE",
    "TAG_HYPEROPT_ID",
    "TAG_HYPEROPT_LOSS",
    "TAG_JOB_ID",
    "TAG_MAX_DRAWDOWN",
    "TAG_MAX_DRAWDOWN_PCT",
    "TAG_MODEL_NAME",
    "TAG_MODEL_TYPE",
    "TAG_PARAMS_TRUNCATED",
    "TAG_PREFIX",
    "TAG_PROFIT",
    "TAG_PROFIT_FACTOR",
    "TAG_PROFIT_PCT",
    "TAG_PROMOTED_AT",
    "TAG_PROMOTED_BY",
    "TAG_PYTHON_VERSION",
    "TAG_RESOLVED_STRATEGY_VERSION",
    "TAG_RESULTS_URI",
    "TAG_RUN_TYPE",
    "TAG_SERVICE",
    "TAG_SHARPE_RATIO",
    "TAG_SORTINO_RATIO",
    "TAG_STRATEGY_NAME",
    "TAG_STRATEGY_VERSION",
    "TAG_SYMBOLS",
    "TAG_TIMEFRAME",
    "TAG_TOTAL_TRADES",
    "TAG_TRADAI_VERSION",
    "TAG_TRADING_MODE",
    "TAG_TRAINING_END",
    "TAG_TRAINING_START",
    "TAG_TRAINING_WINDOW",
    "TAG_USER",
    "TAG_WIN_RATE",
    "RunType",
]

#: Namespace of every tradai tag key.
TAG_PREFIX: Final[str] = "tradai."

# Strategy
TAG_STRATEGY_NAME: Final[str] = "tradai.strategy.name"
TAG_STRATEGY_VERSION: Final[str] = "tradai.strategy.version"
TAG_RESOLVED_STRATEGY_VERSION: Final[str] = "tradai.strategy.resolved_version"

# Source code
TAG_GIT_COMMIT: Final[str] = "tradai.git.commit"
TAG_GIT_BRANCH: Final[str] = "tradai.git.branch"
TAG_GIT_DIRTY: Final[str] = "tradai.git.dirty"
TAG_GIT_REMOTE: Final[str] = "tradai.git.remote"

# Configuration
TAG_CONFIG_HASH: Final[str] = "tradai.config.hash"
TAG_CONFIG_VERSION_ID: Final[str] = "tradai.config.version_id"

# Data
TAG_DATA_HASH: Final[str] = "tradai.data.hash"
TAG_DATA_RANGE_START: Final[str] = "tradai.data.range_start"
TAG_DATA_RANGE_END: Final[str] = "tradai.data.range_end"
TAG_DATA_SOURCE: Final[str] = "tradai.data.source"
TAG_TIMEFRAME: Final[str] = "tradai.data.timeframe"
TAG_SYMBOLS: Final[str] = "tradai.data.symbols"
TAG_EXCHANGE: Final[str] = "tradai.exchange"
TAG_TRADING_MODE: Final[str] = "tradai.trading_mode"

# Jobs and runs
TAG_JOB_ID: Final[str] = "tradai.job.id"
TAG_BACKTEST_ID: Final[str] = "tradai.backtest.id"
TAG_HYPEROPT_ID: Final[str] = "tradai.hyperopt.id"
TAG_HYPEROPT_LOSS: Final[str] = "tradai.hyperopt.loss"
TAG_RUN_TYPE: Final[str] = "tradai.run.type"
TAG_CORRELATION_ID: Final[str] = "tradai.run.correlation_id"
TAG_RESULTS_URI: Final[str] = "tradai.run.results_uri"
TAG_PARAMS_TRUNCATED: Final[str] = "tradai.run.params_truncated"

# Headline metrics (as tags)
TAG_SHARPE_RATIO: Final[str] = "tradai.metrics.sharpe_ratio"
TAG_SORTINO_RATIO: Final[str] = "tradai.metrics.sortino_ratio"
TAG_CALMAR_RATIO: Final[str] = "tradai.metrics.calmar_ratio"
TAG_TOTAL_TRADES: Final[str] = "tradai.metrics.total_trades"
TAG_PROFIT: Final[str] = "tradai.metrics.total_profit"
TAG_PROFIT_PCT: Final[str] = "tradai.metrics.total_profit_pct"
TAG_PROFIT_FACTOR: Final[str] = "tradai.metrics.profit_factor"
TAG_MAX_DRAWDOWN: Final[str] = "tradai.metrics.max_drawdown"
TAG_MAX_DRAWDOWN_PCT: Final[str] = "tradai.metrics.max_drawdown_pct"
TAG_WIN_RATE: Final[str] = "tradai.metrics.win_rate"

# Models
TAG_MODEL_TYPE: Final[str] = "tradai.model.type"
TAG_MODEL_NAME: Final[str] = "tradai.model.name"
TAG_FEATURE_SCHEMA_HASH: Final[str] = "tradai.model.feature_schema_hash"
TAG_FEATURE_COUNT: Final[str] = "tradai.model.feature_count"
TAG_TRAINING_WINDOW: Final[str] = "tradai.model.training_window"
TAG_TRAINING_START: Final[str] = "tradai.model.training_start"
TAG_TRAINING_END: Final[str] = "tradai.model.training_end"
TAG_CHAMPION: Final[str] = "tradai.model.champion"
TAG_CHALLENGER: Final[str] = "tradai.model.challenger"
TAG_PROMOTED_AT: Final[str] = "tradai.model.promoted_at"
TAG_PROMOTED_BY: Final[str] = "tradai.model.promoted_by"

# Provenance
TAG_SERVICE: Final[str] = "tradai.service"
TAG_ENVIRONMENT: Final[str] = "tradai.environment"
TAG_USER: Final[str] = "tradai.user"
TAG_FREQTRADE_VERSION: Final[str] = "tradai.version.freqtrade"
TAG_TRADAI_VERSION: Final[str] = "tradai.version.tradai"
TAG_PYTHON_VERSION: Final[str] = "tradai.version.python"

#: Every ``TAG_*`` key defined above.
ALL_TAGS: Final[frozenset[str]] = frozenset(
    value
    for name, value in dict(globals()).items()
    if name.startswith("TAG_") and name != "TAG_PREFIX"
)


class RunType(str, enum.Enum):
    """Values of :data:`TAG_RUN_TYPE`: what produced a run.

    Example:
        >>> RunType("backtest") is RunType.BACKTEST
        True
    """

    BACKTEST = "backtest"
    HYPEROPT = "hyperopt"
    TRAINING = "training"
    DRY_RUN = "dry_run"
    LIVE = "live"

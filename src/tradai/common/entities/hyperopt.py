"""Hyperparameter optimisation entities (Freqtrade hyperopt driven by Optuna).

:class:`HyperparamSearchSpace` is one parameter's search space, :class:`OptunaHyperoptConfig`
one hyperopt run, :class:`TrialResult` one trial (with :meth:`TrialResult.best`).

Decisions where the specification is silent:

* Parameter names are ASCII Python identifiers (at most 64 characters); string choices
  of a categorical space must pass :func:`~tradai.common.validators.validate_identifier`.
* ``int`` spaces take integers only; ``float`` spaces ints or floats; ``bool`` spaces no
  bounds. Categorical choices are unique by type *and* value (``1`` and ``True`` differ).
  ``log=True`` needs ``low > 0`` and, as in Optuna, no ``step`` (but ``int`` step 1).
* The config takes ``timerange`` (Freqtrade's ``YYYYMMDD-YYYYMMDD``, one side may be
  open) *or* both ``start_date`` and ``end_date``; the range must not be empty.
* ``spaces`` defaults to Freqtrade's default set (buy, sell, roi, stoploss), and each
  search space must lie in one of them (else Freqtrade would ignore it). ``n_jobs`` is
  ``-1`` (all cores) or 1-64, default 1.
* ``TrialResult.loss`` is finite (Freqtrade gives failed trials a large finite loss);
  profit metrics are percentages. :meth:`TrialResult.best` breaks ties on the lowest
  trial number and raises the library's ``ValidationError`` (a ``ValueError``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from tradai.common.entities._base import FrozenModel
from tradai.common.exceptions import ValidationError
from tradai.common.types import DateStr, StrategyName, Timeframe, TradingPair
from tradai.common.validators import (
    validate_date_range,
    validate_date_string,
    validate_identifier,
)

__all__ = [
    "HyperoptLoss",
    "HyperoptSampler",
    "HyperoptSpace",
    "HyperparamSearchSpace",
    "OptunaHyperoptConfig",
    "ParamKind",
    "ParamValue",
    "TrialResult",
    "TrialState",
]

_TIMERANGE_RE = re.compile(r"([0-9]{8})?-([0-9]{8})?")


def _validate_param_name(value: str) -> str:
    if not (value.isascii() and value.isidentifier() and len(value) <= 64):
        raise ValueError(f"parameter name {value!r} must be an ASCII identifier (at most 64)")
    return value


_ParamName = Annotated[str, AfterValidator(_validate_param_name)]
_Number = StrictInt | StrictFloat
ParamValue = StrictBool | StrictInt | StrictFloat | StrictStr
"""A parameter value: bool, int, float or str (never coerced from one to another)."""


class ParamKind(str, Enum):
    """The kind of value a hyperparameter takes."""

    INT = "int"
    FLOAT = "float"
    CATEGORICAL = "categorical"
    BOOL = "bool"


class HyperoptSpace(str, Enum):
    """A Freqtrade hyperopt space."""

    BUY = "buy"
    SELL = "sell"
    ROI = "roi"
    STOPLOSS = "stoploss"
    TRAILING = "trailing"
    PROTECTION = "protection"


class HyperoptLoss(str, Enum):
    """Freqtrade's built-in hyperopt loss functions (the value is the class name)."""

    SHORT_TRADE_DUR = "ShortTradeDurHyperOptLoss"
    ONLY_PROFIT = "OnlyProfitHyperOptLoss"
    SHARPE = "SharpeHyperOptLoss"
    SHARPE_DAILY = "SharpeHyperOptLossDaily"
    SORTINO = "SortinoHyperOptLoss"
    SORTINO_DAILY = "SortinoHyperOptLossDaily"
    CALMAR = "CalmarHyperOptLoss"
    MAX_DRAWDOWN = "MaxDrawDownHyperOptLoss"
    MAX_DRAWDOWN_RELATIVE = "MaxDrawDownRelativeHyperOptLoss"
    MAX_DRAWDOWN_PER_PAIR = "MaxDrawDownPerPairHyperOptLoss"
    PROFIT_DRAWDOWN = "ProfitDrawDownHyperOptLoss"
    MULTI_METRIC = "MultiMetricHyperOptLoss"


class HyperoptSampler(str, Enum):
    """An Optuna sampler.

    Example:
        >>> HyperoptSampler.CMAES.optuna_class_name
        'CmaEsSampler'
    """

    TPE = "tpe"
    RANDOM = "random"
    CMAES = "cmaes"
    NSGA2 = "nsga2"
    NSGA3 = "nsga3"
    QMC = "qmc"
    GP = "gp"

    @property
    def optuna_class_name(self) -> str:
        """The name of the matching class in ``optuna.samplers``.

        Returns:
            The class name, e.g. ``"TPESampler"``.
        """
        return {
            "tpe": "TPESampler",
            "random": "RandomSampler",
            "cmaes": "CmaEsSampler",
            "nsga2": "NSGAIISampler",
            "nsga3": "NSGAIIISampler",
            "qmc": "QMCSampler",
            "gp": "GPSampler",
        }[self.value]


class TrialState(str, Enum):
    """Final state of an Optuna trial (Optuna's own state names)."""

    COMPLETE = "COMPLETE"
    PRUNED = "PRUNED"
    FAIL = "FAIL"


def _typed_key(value: ParamValue) -> tuple[str, ParamValue]:
    return (type(value).__name__, value)


class HyperparamSearchSpace(FrozenModel):
    """The search space of one strategy parameter.

    Attributes:
        name: The parameter name (a Python identifier, e.g. ``buy_rsi``).
        kind: ``int``, ``float``, ``categorical`` or ``bool``.
        space: The Freqtrade space the parameter belongs to.
        low: Lower bound (``int``/``float`` only), strictly below ``high``.
        high: Upper bound (``int``/``float`` only).
        step: Optional step (> 0) for ``int``/``float`` spaces.
        log: Sample on a log scale (needs ``low > 0``).
        choices: The values of a ``categorical`` space (non-empty, unique).
        default: Optional default, which must lie in the space.

    Example:
        >>> HyperparamSearchSpace(
        ...     name="sell_ma", kind=ParamKind.CATEGORICAL, choices=["ema", "sma"],
        ...     space=HyperoptSpace.SELL, default="ema",
        ... ).default
        'ema'
    """

    model_config = ConfigDict(allow_inf_nan=False)

    name: _ParamName
    kind: ParamKind
    space: HyperoptSpace
    low: _Number | None = None
    high: _Number | None = None
    step: _Number | None = Field(default=None, gt=0)
    log: StrictBool = False
    choices: list[ParamValue] | None = None
    default: ParamValue | None = None

    @model_validator(mode="after")
    def _check_kind(self) -> Self:
        if self.kind in (ParamKind.INT, ParamKind.FLOAT):
            self._check_numeric()
        elif self.kind is ParamKind.CATEGORICAL:
            self._check_categorical()
        else:
            self._check_bool()
        return self

    def _check_numeric(self) -> None:
        if self.low is None or self.high is None:
            raise ValueError(f"{self.kind.value} space needs both low and high")
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.choices is not None:
            raise ValueError(f"choices are only for categorical spaces, not {self.kind.value}")
        if self.kind is ParamKind.INT:
            for field in ("low", "high", "step", "default"):
                value = getattr(self, field)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ValueError(f"{field} of an int space must be an integer")
        if self.log:
            if self.low <= 0:
                raise ValueError("log scale needs low > 0")
            if self.step is not None and not (self.kind is ParamKind.INT and self.step == 1):
                raise ValueError("log scale cannot be combined with a step (Optuna)")
        if self.default is not None and not self.contains(self.default):
            raise ValueError(f"default {self.default!r} is outside [{self.low}, {self.high}]")

    def _check_categorical(self) -> None:
        if self.low is not None or self.high is not None or self.step is not None or self.log:
            raise ValueError("categorical spaces take choices, not low/high/step/log")
        if not self.choices:
            raise ValueError("categorical space needs at least one choice")
        keys = [_typed_key(c) for c in self.choices]
        if len(set(keys)) != len(keys):
            raise ValueError("categorical choices must be unique")
        for choice in self.choices:
            if isinstance(choice, str):
                validate_identifier(choice)
        if self.default is not None and not self.contains(self.default):
            raise ValueError(f"default {self.default!r} is not one of the choices")

    def _check_bool(self) -> None:
        if any(v is not None for v in (self.low, self.high, self.step, self.choices)) or self.log:
            raise ValueError("bool spaces take no low/high/step/log/choices")
        if self.default is not None and not isinstance(self.default, bool):
            raise ValueError("default of a bool space must be True or False")

    def contains(self, value: ParamValue) -> bool:
        """Tell whether ``value`` lies in this space.

        Args:
            value: A candidate parameter value.

        Returns:
            True if the value has the right type and lies within the bounds/choices.

        Example:
            >>> HyperparamSearchSpace(
            ...     name="flag", kind=ParamKind.BOOL, space=HyperoptSpace.BUY
            ... ).contains(True)
            True
        """
        if self.kind is ParamKind.BOOL:
            return isinstance(value, bool)
        if self.kind is ParamKind.CATEGORICAL:
            return _typed_key(value) in {_typed_key(c) for c in self.choices or []}
        if isinstance(value, bool | str) or self.low is None or self.high is None:
            return False
        if self.kind is ParamKind.INT and not isinstance(value, int):
            return False
        return self.low <= value <= self.high


def _check_timerange(value: str) -> str:
    match = _TIMERANGE_RE.fullmatch(value)
    if match is None or value == "-":
        raise ValueError(f"timerange {value!r} must look like YYYYMMDD-YYYYMMDD")
    start, end = match.groups()
    for part in (start, end):
        if part is not None:
            validate_date_string(f"{part[:4]}-{part[4:6]}-{part[6:]}")
    if start is not None and end is not None and start >= end:
        raise ValueError(f"timerange {value!r} is empty or reversed")
    return value


_Timerange = Annotated[str, AfterValidator(_check_timerange)]
_DEFAULT_SPACES = (HyperoptSpace.BUY, HyperoptSpace.SELL, HyperoptSpace.ROI, HyperoptSpace.STOPLOSS)


class OptunaHyperoptConfig(FrozenModel):
    """Configuration of one hyperopt run.

    Attributes:
        strategy: Strategy (class) name.
        timeframe: Candle timeframe, e.g. ``"1h"``.
        timerange: Freqtrade timerange ``YYYYMMDD-YYYYMMDD`` (either side may be open).
        start_date: Start date ``YYYY-MM-DD`` (with ``end_date``, instead of ``timerange``).
        end_date: End date ``YYYY-MM-DD``, after ``start_date``.
        pairs: Trading pairs (upper-cased, unique, at least one).
        epochs: Number of trials, 1-10000.
        spaces: The Freqtrade spaces to optimise (unique, at least one).
        loss_function: A Freqtrade built-in hyperopt loss.
        sampler: The Optuna sampler.
        seed: Random seed for reproducible runs (0 to 2**32-1).
        min_trades: Minimum trades for a trial to count (Freqtrade ``--min-trades``).
        n_jobs: Parallel workers: -1 (all cores) or 1-64.
        search_spaces: Parameter search spaces (unique names, in the chosen spaces).

    Example:
        >>> cfg = OptunaHyperoptConfig(
        ...     strategy="PascalStrategy", timeframe="1h",
        ...     start_date="2024-01-01", end_date="2024-06-30", pairs=["btc/usdt:usdt"],
        ... )
        >>> cfg.freqtrade_timerange, cfg.pairs, cfg.loss_function.value
        ('20240101-20240630', ['BTC/USDT:USDT'], 'SharpeHyperOptLoss')
    """

    model_config = ConfigDict(allow_inf_nan=False)

    strategy: StrategyName
    timeframe: Timeframe
    timerange: _Timerange | None = None
    start_date: DateStr | None = None
    end_date: DateStr | None = None
    pairs: list[TradingPair] = Field(min_length=1, max_length=1000)
    epochs: StrictInt = Field(default=100, ge=1, le=10000)
    spaces: list[HyperoptSpace] = Field(default_factory=lambda: [*_DEFAULT_SPACES], min_length=1)
    loss_function: HyperoptLoss = HyperoptLoss.SHARPE
    sampler: HyperoptSampler = HyperoptSampler.TPE
    seed: StrictInt | None = Field(default=None, ge=0, le=2**32 - 1)
    min_trades: StrictInt = Field(default=1, ge=0, le=1_000_000)
    n_jobs: StrictInt = Field(default=1, ge=-1, le=64)
    search_spaces: list[HyperparamSearchSpace] = Field(default_factory=list)

    @field_validator("pairs", "spaces")
    @classmethod
    def _validate_unique(cls, value: list[Any]) -> list[Any]:
        if len(set(value)) != len(value):
            raise ValueError("entries must be unique")
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if self.n_jobs == 0:
            raise ValueError("n_jobs must be -1 (all cores) or at least 1")
        has_dates = self.start_date is not None or self.end_date is not None
        if self.timerange is not None and has_dates:
            raise ValueError("give either timerange or start_date/end_date, not both")
        if self.timerange is None:
            if self.start_date is None or self.end_date is None:
                raise ValueError("give timerange, or both start_date and end_date")
            validate_date_range(self.start_date, self.end_date)
            if self.start_date == self.end_date:
                raise ValueError("start_date and end_date must differ (empty range)")
        names = [s.name for s in self.search_spaces]
        if len(set(names)) != len(names):
            raise ValueError("search_spaces must have unique names")
        outside = sorted({s.name for s in self.search_spaces if s.space not in self.spaces})
        if outside:
            raise ValueError(f"search spaces {outside} are not in the configured spaces")
        return self

    @property
    def freqtrade_timerange(self) -> str:
        """The run's range in Freqtrade's ``--timerange`` format.

        Returns:
            ``timerange`` as given, or ``start_date``/``end_date`` as ``YYYYMMDD-YYYYMMDD``.
        """
        if self.timerange is not None:
            return self.timerange
        start = (self.start_date or "").replace("-", "")
        end = (self.end_date or "").replace("-", "")
        return f"{start}-{end}"


class TrialResult(FrozenModel):
    """The outcome of one hyperopt trial.

    Attributes:
        number: Trial number (0-based, as in Optuna).
        params: Parameter values of the trial.
        loss: The loss (lower is better); always finite.
        total_trades: Trades the trial's backtest made.
        total_profit_abs: Total profit in stake currency.
        total_profit_pct: Total profit in percent.
        avg_profit_pct: Mean profit per trade in percent.
        max_drawdown_pct: Maximum drawdown in percent (0-100).
        is_best: Whether this was the best trial when reported.
        duration_seconds: Wall-clock duration of the trial.
        state: ``COMPLETE``, ``PRUNED`` or ``FAIL``.

    Example:
        >>> trials = [
        ...     TrialResult(number=0, params={"buy_rsi": 30}, loss=-1.5, total_trades=40),
        ...     TrialResult(number=1, params={"buy_rsi": 25}, loss=-2.0, total_trades=35),
        ... ]
        >>> TrialResult.best(trials).number
        1
    """

    model_config = ConfigDict(allow_inf_nan=False)

    number: StrictInt = Field(ge=0)
    params: dict[_ParamName, ParamValue] = Field(default_factory=dict)
    loss: StrictFloat
    total_trades: StrictInt = Field(default=0, ge=0)
    total_profit_abs: StrictFloat | None = None
    total_profit_pct: StrictFloat | None = None
    avg_profit_pct: StrictFloat | None = None
    max_drawdown_pct: StrictFloat | None = Field(default=None, ge=0, le=100)
    is_best: StrictBool = False
    duration_seconds: StrictFloat = Field(default=0.0, ge=0)
    state: TrialState = TrialState.COMPLETE

    @classmethod
    def best(cls, trials: Iterable[TrialResult]) -> TrialResult:
        """Pick the complete trial with the lowest loss (ties: lowest trial number).

        Args:
            trials: Trial results in any order.

        Returns:
            The best complete trial.

        Raises:
            ValidationError: If there are no trials, or none is ``COMPLETE``
                (the library's error, a ``ValueError``).
        """
        complete = [t for t in trials if t.state is TrialState.COMPLETE]
        if not complete:
            raise ValidationError("no complete trial to choose from", field="trials")
        return min(complete, key=lambda t: (t.loss, t.number))

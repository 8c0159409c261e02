"""Platform risk limits, breaches and the pure risk evaluator.

:class:`RiskLimits` holds one deployment's limits, evaluates live metrics with
:meth:`RiskLimits.evaluate` (pure, no I/O) and runs the pre-flight check shared by the CLI
and backend, :meth:`RiskLimits.validate_deployment_bounds`. :class:`RiskBreach` and
:class:`RiskCheckResult` report breaches.

Decisions where the specification is silent:

* A ``max_*`` limit is breached only by a value *above* it. Percentages are percentages
  (``20.0`` is 20 %), as in :class:`~tradai.common.entities.trading_state.StrategyPnL`.
* Fail-closed: the drawdown checked is the larger of ``max_drawdown_pct`` and the current
  loss (``-total_profit_pct``, so unrealized losses count); the leverage checked is the
  largest of the argument and every trade's; with a balance <= 0 any position is 100 %;
  :meth:`RiskLimits.evaluate_metric_failures` breaches once metric collection failed
  ``consecutive_metric_failures_threshold`` times in a row.
* Exceeding ``max_open_trades`` is a WARNING (Freqtrade enforces it, so it signals a
  config mismatch); every other breach is CRITICAL. ``action_on_breach`` applies to all.
* Conservative defaults (20 % drawdown, 5 trades, 1x leverage, PAUSE); hard bounds
  :data:`HARD_MAX_OPEN_TRADES` and :data:`HARD_MAX_LEVERAGE`.
* Malformed arguments (wrong type, NaN, infinity) raise the library's
  :class:`~tradai.common.exceptions.ValidationError`; they never pass.
"""

from __future__ import annotations

import datetime as _dt
import math
import sys
from collections.abc import Sequence
from enum import Enum
from typing import Any, Self

from pydantic import ConfigDict, Field, StrictBool, StrictFloat, StrictInt, model_validator

from tradai.common.entities._base import FrozenModel, utc_now
from tradai.common.entities.trading_state import LiveTrade, StrategyPnL
from tradai.common.exceptions import ValidationError
from tradai.common.types import Identifier, UtcDatetime

__all__ = [
    "HARD_MAX_LEVERAGE",
    "HARD_MAX_OPEN_TRADES",
    "BreachAction",
    "BreachSeverity",
    "RiskBreach",
    "RiskCheckResult",
    "RiskLimits",
]

#: The most open trades any deployment may request.
HARD_MAX_OPEN_TRADES = 100
#: The most leverage any deployment may request (the highest major exchanges offer).
HARD_MAX_LEVERAGE = 125.0


class BreachAction(str, Enum):
    """What to do when a risk limit is breached."""

    PAUSE = "pause"
    STOP = "stop"
    ALERT_ONLY = "alert_only"


class BreachSeverity(str, Enum):
    """How serious a breach is."""

    WARNING = "warning"
    CRITICAL = "critical"


#: Breaches that are not CRITICAL; Freqtrade enforces max_open_trades itself.
_SEVERITY = {"max_open_trades": BreachSeverity.WARNING}


class RiskBreach(FrozenModel):
    """One violated limit.

    Attributes:
        limit_name: The limit, e.g. ``"max_drawdown_pct"``.
        threshold: The limit's value.
        actual_value: The observed (or requested) value.
        severity: WARNING or CRITICAL.
        message: Human-readable description.
        detected_at: When it was detected (UTC).
    """

    model_config = ConfigDict(allow_inf_nan=False)

    limit_name: Identifier
    threshold: StrictFloat
    actual_value: StrictFloat
    severity: BreachSeverity = BreachSeverity.CRITICAL
    message: str = Field(min_length=1, max_length=1000)
    detected_at: UtcDatetime = Field(default_factory=utc_now)


class RiskCheckResult(FrozenModel):
    """The result of one risk check.

    Attributes:
        passed: True exactly when there are no breaches.
        breaches: The violated limits.
        checked_at: When the check ran (UTC).
        consecutive_failures: Metric collections failed in a row so far.

    Example:
        >>> RiskCheckResult.ok().is_breached
        False
    """

    model_config = ConfigDict(allow_inf_nan=False)

    passed: StrictBool
    breaches: list[RiskBreach] = Field(default_factory=list)
    checked_at: UtcDatetime = Field(default_factory=utc_now)
    consecutive_failures: StrictInt = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if self.passed == bool(self.breaches):
            raise ValueError("passed must be True exactly when there are no breaches")
        return self

    @property
    def is_breached(self) -> bool:
        """Whether any limit was breached.

        Returns:
            True if there is at least one breach.
        """
        return not self.passed

    @classmethod
    def ok(cls, *, consecutive_failures: int = 0, now: _dt.datetime | None = None) -> Self:
        """Build a passing result.

        Args:
            consecutive_failures: Metric failures in a row so far.
            now: Check time; the real clock if omitted.

        Returns:
            A result with no breaches.
        """
        return cls(
            passed=True, consecutive_failures=consecutive_failures, checked_at=now or utc_now()
        )

    @classmethod
    def breached(
        cls,
        breaches: Sequence[RiskBreach],
        *,
        consecutive_failures: int = 0,
        now: _dt.datetime | None = None,
    ) -> RiskCheckResult:
        """Build a failing result.

        Args:
            breaches: At least one breach.
            consecutive_failures: Metric failures in a row so far.
            now: Check time; the real clock if omitted.

        Returns:
            A result with ``passed=False``.

        Raises:
            pydantic.ValidationError: If ``breaches`` is empty.
        """
        return cls(
            passed=False,
            breaches=list(breaches),
            consecutive_failures=consecutive_failures,
            checked_at=now or utc_now(),
        )


def _number(name: str, value: Any, *, integer: bool = False, minimum: float | None = None) -> float:
    """Check an argument is a finite number (an int when ``integer``); return it as float."""
    if isinstance(value, bool) or not isinstance(value, int if integer else int | float):
        kind = "an integer" if integer else "a number"
        raise ValidationError(f"{name} must be {kind}", field=name, value=repr(value))
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or (minimum is not None and number < minimum):
        bound = "" if minimum is None else f" and >= {minimum:g}"
        raise ValidationError(f"{name} must be finite{bound}", field=name, value=repr(value))
    return number


def _breach(
    limit: str,
    threshold: float,
    actual: float,
    text: str,
    *,
    verb: str = "exceeds",
    now: _dt.datetime | None = None,
) -> RiskBreach:
    return RiskBreach(
        limit_name=limit,
        threshold=threshold,
        actual_value=actual,
        severity=_SEVERITY.get(limit, BreachSeverity.CRITICAL),
        message=f"{text} {actual:g} {verb} {limit} {threshold:g}",
        detected_at=now or utc_now(),
    )


def _above(limit: str, threshold: float, actual: float, text: str) -> list[RiskBreach]:
    return [_breach(limit, threshold, actual, text)] if actual > threshold else []


def _below(limit: str, threshold: float, actual: float, text: str) -> list[RiskBreach]:
    return [_breach(limit, threshold, actual, text, verb="is below")] if actual < threshold else []


def _not_positive(limit: str, actual: float, text: str) -> list[RiskBreach]:
    return [_breach(limit, 0.0, actual, text, verb="must be above")] if actual <= 0 else []


def _largest_position_pct(pnl: StrategyPnL, trades: Sequence[LiveTrade]) -> float | None:
    if not trades:
        return None
    if pnl.balance <= 0:
        return 100.0
    pct = max(t.stake_amount for t in trades) / pnl.balance * 100
    return min(pct, sys.float_info.max)


class RiskLimits(FrozenModel):
    """Risk limits of a live deployment.

    Attributes:
        max_drawdown_pct: Largest allowed drawdown in percent, in (0, 100].
        max_open_trades: Most open trades, 1 to :data:`HARD_MAX_OPEN_TRADES`.
        max_leverage: Highest leverage, 1 to :data:`HARD_MAX_LEVERAGE`.
        max_daily_loss_pct: Largest allowed loss in one day, in percent.
        max_position_size_pct: Largest stake of one trade, in percent of the balance.
        consecutive_metric_failures_threshold: Failed metric collections in a row after
            which the check fails closed.
        action_on_breach: PAUSE, STOP or ALERT_ONLY.
    """

    model_config = ConfigDict(allow_inf_nan=False)

    max_drawdown_pct: StrictFloat = Field(default=20.0, gt=0, le=100)
    max_open_trades: StrictInt = Field(default=5, ge=1, le=HARD_MAX_OPEN_TRADES)
    max_leverage: StrictFloat = Field(default=1.0, ge=1, le=HARD_MAX_LEVERAGE)
    max_daily_loss_pct: StrictFloat | None = Field(default=None, gt=0, le=100)
    max_position_size_pct: StrictFloat | None = Field(default=None, gt=0, le=100)
    consecutive_metric_failures_threshold: StrictInt = Field(default=3, ge=1, le=100)
    action_on_breach: BreachAction = BreachAction.PAUSE

    def evaluate(
        self,
        pnl: StrategyPnL,
        open_trades: int,
        leverage: float,
        *,
        trades: Sequence[LiveTrade] = (),
        daily_loss_pct: float | None = None,
        now: _dt.datetime | None = None,
    ) -> RiskCheckResult:
        """Check live metrics against the limits (pure: no I/O).

        Args:
            pnl: The latest PnL.
            open_trades: Number of open trades.
            leverage: Highest leverage in use (0 when flat).
            trades: Open trades, for the position-size and per-trade leverage checks.
            daily_loss_pct: Today's loss in percent (positive is a loss); the daily limit
                is checked only when this is given.
            now: Check time; the real clock if omitted.

        Returns:
            The result; ``consecutive_failures`` is 0, as metrics were collected.

        Raises:
            ValidationError: If ``open_trades`` is not an integer >= 0, ``leverage`` not
                a finite number >= 0 or ``daily_loss_pct`` not a finite number.

        Example:
            >>> pnl = StrategyPnL(
            ...     total_profit_abs=-50.0, total_profit_pct=-5.0, realized_profit_abs=-50.0,
            ...     unrealized_profit_abs=0.0, closed_trade_count=4, open_trade_count=1,
            ...     win_rate_pct=25.0, max_drawdown_pct=12.0, balance=950.0, currency="USDT")
            >>> result = RiskLimits(max_drawdown_pct=10.0).evaluate(pnl, 1, 1.0)
            >>> result.is_breached, result.breaches[0].message
            (True, 'drawdown 12 exceeds max_drawdown_pct 10')
        """
        count = _number("open_trades", open_trades, integer=True, minimum=0)
        used = max([_number("leverage", leverage, minimum=0), *(t.leverage for t in trades)])
        daily = None if daily_loss_pct is None else _number("daily_loss_pct", daily_loss_pct)
        drawdown = max(pnl.max_drawdown_pct, -pnl.total_profit_pct)
        position = _largest_position_pct(pnl, trades)
        at = now or utc_now()
        checks = (
            ("max_drawdown_pct", self.max_drawdown_pct, drawdown, "drawdown"),
            ("max_open_trades", self.max_open_trades, count, "open trades"),
            ("max_leverage", self.max_leverage, used, "leverage"),
            ("max_daily_loss_pct", self.max_daily_loss_pct, daily, "daily loss"),
            ("max_position_size_pct", self.max_position_size_pct, position, "position size"),
        )
        breaches = [
            _breach(name, limit, actual, text, now=at)
            for name, limit, actual, text in checks
            if limit is not None and actual is not None and actual > limit
        ]
        if breaches:
            return RiskCheckResult.breached(breaches, now=at)
        return RiskCheckResult.ok(now=at)

    def evaluate_metric_failures(
        self, consecutive_failures: int, *, now: _dt.datetime | None = None
    ) -> RiskCheckResult:
        """Fail closed when metrics could not be collected (pure: no I/O).

        Args:
            consecutive_failures: Failed metric collections in a row (>= 1).
            now: Check time; the real clock if omitted.

        Returns:
            A passing result below ``consecutive_metric_failures_threshold``, else a
            CRITICAL breach of that limit.

        Raises:
            ValidationError: If ``consecutive_failures`` is not an integer >= 1.

        Example:
            >>> RiskLimits().evaluate_metric_failures(3).is_breached
            True
        """
        count = int(_number("consecutive_failures", consecutive_failures, integer=True, minimum=1))
        at = now or utc_now()
        limit = self.consecutive_metric_failures_threshold
        if count < limit:
            return RiskCheckResult.ok(consecutive_failures=count, now=at)
        name = "consecutive_metric_failures_threshold"
        breach = _breach(name, limit, count, "metric collection failures", verb="reached", now=at)
        return RiskCheckResult.breached([breach], consecutive_failures=count, now=at)

    @classmethod
    def validate_deployment_bounds(
        cls,
        *,
        max_open_trades: int | None = None,
        leverage: float | None = None,
        stake_amount: float | str | None = None,
        balance: float | None = None,
        max_drawdown_pct: float | None = None,
        limits: RiskLimits | None = None,
        raise_on_violation: bool = True,
    ) -> list[RiskBreach]:
        """Pre-flight check of a requested deployment (shared by the CLI and backend).

        Each value given is checked against ``limits`` (or, without them, the hard
        platform bounds :data:`HARD_MAX_OPEN_TRADES`, :data:`HARD_MAX_LEVERAGE` and
        100 %): ``max_open_trades`` in [1, max_open_trades]; ``leverage`` in
        [1, max_leverage]; ``max_drawdown_pct`` in (0, max_drawdown_pct];
        ``balance`` > 0; ``stake_amount`` > 0, not above ``balance`` and at most
        ``max_position_size_pct`` of it. ``"unlimited"`` stake (Freqtrade's even split of
        the balance) counts as ``100 / max_open_trades`` %.

        Args:
            max_open_trades: Requested open-trade limit.
            leverage: Requested leverage.
            stake_amount: Requested stake per trade, or ``"unlimited"``.
            balance: Balance the deployment trades with.
            max_drawdown_pct: The strategy's own drawdown tolerance in percent.
            limits: Platform limits; only the hard bounds apply if omitted.
            raise_on_violation: Raise instead of returning the violations.

        Returns:
            One :class:`RiskBreach` per violated bound (``limit_name`` such as
            ``"max_leverage"`` or ``"min_open_trades"``); empty if all bounds hold.

        Raises:
            ValidationError: If a value is malformed (wrong type, NaN, infinity), or,
                with ``raise_on_violation``, if any bound is violated: the message names
                every violated bound, ``field`` is the first offending argument and
                ``context["violations"]`` lists the bound names.

        Example:
            >>> limits = RiskLimits(max_open_trades=3)
            >>> found = RiskLimits.validate_deployment_bounds(
            ...     max_open_trades=5, leverage=2.0, limits=limits, raise_on_violation=False)
            >>> [b.limit_name for b in found]
            ['max_open_trades', 'max_leverage']
        """
        bounds = limits
        if bounds is None:
            hard = {"max_open_trades": HARD_MAX_OPEN_TRADES, "max_leverage": HARD_MAX_LEVERAGE}
            bounds = cls.model_validate({"max_drawdown_pct": 100.0, **hard})
        checks: list[tuple[str, list[RiskBreach]]] = []
        if max_open_trades is not None:
            value = _number("max_open_trades", max_open_trades, integer=True)
            checks.append(("max_open_trades", bounds._open_trade_breaches(value)))
        if leverage is not None:
            checks.append(("leverage", bounds._leverage_breaches(_number("leverage", leverage))))
        if max_drawdown_pct is not None:
            value = _number("max_drawdown_pct", max_drawdown_pct)
            checks.append(("max_drawdown_pct", bounds._drawdown_breaches(value)))
        if balance is not None:
            value = _number("balance", balance)
            checks.append(("balance", _not_positive("min_balance", value, "balance")))
        if stake_amount is not None:
            found = bounds._stake_breaches(stake_amount, balance, max_open_trades)
            checks.append(("stake_amount", found))
        violations = [b for _, group in checks for b in group]
        if violations and raise_on_violation:
            raise ValidationError(
                "deployment violates risk bounds: " + "; ".join(b.message for b in violations),
                field=next(arg for arg, group in checks if group),
                context={"violations": [b.limit_name for b in violations]},
            )
        return violations

    def _open_trade_breaches(self, value: float) -> list[RiskBreach]:
        return _below("min_open_trades", 1, value, "max_open_trades") + _above(
            "max_open_trades", self.max_open_trades, value, "max_open_trades"
        )

    def _leverage_breaches(self, value: float) -> list[RiskBreach]:
        return _below("min_leverage", 1.0, value, "leverage") + _above(
            "max_leverage", self.max_leverage, value, "leverage"
        )

    def _drawdown_breaches(self, value: float) -> list[RiskBreach]:
        return _not_positive("min_drawdown_pct", value, "max_drawdown_pct") + _above(
            "max_drawdown_pct", self.max_drawdown_pct, value, "max_drawdown_pct"
        )

    def _stake_breaches(
        self, stake: float | str, balance: float | None, max_open_trades: int | None
    ) -> list[RiskBreach]:
        if stake == "unlimited":
            share = 100.0 / max_open_trades if max_open_trades and max_open_trades > 0 else 100.0
            found: list[RiskBreach] = []
        else:
            amount = _number("stake_amount", stake)
            if amount <= 0 or balance is None or balance <= 0:
                return _not_positive("min_stake_amount", amount, "stake_amount")
            share = min(amount / balance * 100, sys.float_info.max)
            found = _above("max_stake_amount", balance, amount, "stake_amount")
        limit = self.max_position_size_pct
        if limit is not None:
            found += _above("max_position_size_pct", limit, share, "position size %")
        return found

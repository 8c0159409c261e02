"""RiskLimits, RiskBreach, RiskCheckResult: evaluator and deployment pre-flight bounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest

from tradai.common.entities.risk_limits import (
    HARD_MAX_LEVERAGE,
    HARD_MAX_OPEN_TRADES,
    BreachAction,
    BreachSeverity,
    RiskBreach,
    RiskCheckResult,
    RiskLimits,
)
from tradai.common.entities.trading_state import LiveTrade, StrategyPnL
from tradai.common.exceptions import ValidationError

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _pnl(**kw: Any) -> StrategyPnL:
    base: dict[str, Any] = {
        "total_profit_abs": 10.0,
        "total_profit_pct": 1.0,
        "realized_profit_abs": 10.0,
        "unrealized_profit_abs": 0.0,
        "closed_trade_count": 4,
        "open_trade_count": 1,
        "win_rate_pct": 50.0,
        "max_drawdown_pct": 5.0,
        "balance": 1000.0,
        "currency": "USDT",
        "timestamp": T0,
    }
    return StrategyPnL(**{**base, **kw})


def _trade(stake: float = 50.0, leverage: float = 1.0) -> LiveTrade:
    return LiveTrade(
        trade_id=1,
        pair="BTC/USDT:USDT",
        open_rate=100.0,
        current_rate=101.0,
        amount=0.5,
        stake_amount=stake,
        profit_abs=0.5,
        profit_pct=1.0,
        open_date=T0,
        leverage=leverage,
    )


# --- RiskLimits model --------------------------------------------------------------


def test_defaults_are_conservative() -> None:
    limits = RiskLimits()
    assert (limits.max_drawdown_pct, limits.max_open_trades, limits.max_leverage) == (20.0, 5, 1.0)
    assert limits.max_daily_loss_pct is None
    assert limits.max_position_size_pct is None
    assert limits.consecutive_metric_failures_threshold == 3
    assert limits.action_on_breach is BreachAction.PAUSE


def test_breach_actions_are_pause_stop_alert_only() -> None:
    assert {a.name for a in BreachAction} == {"PAUSE", "STOP", "ALERT_ONLY"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_drawdown_pct", 0),
        ("max_drawdown_pct", 100.01),
        ("max_drawdown_pct", float("nan")),
        ("max_drawdown_pct", "20"),
        ("max_open_trades", 0),
        ("max_open_trades", HARD_MAX_OPEN_TRADES + 1),
        ("max_open_trades", 2.0),
        ("max_open_trades", True),
        ("max_leverage", 0.99),
        ("max_leverage", HARD_MAX_LEVERAGE + 0.01),
        ("max_daily_loss_pct", 0),
        ("max_position_size_pct", 101),
        ("consecutive_metric_failures_threshold", 0),
        ("action_on_breach", "PAUSE"),
        ("action_on_breach", "halt"),
    ],
)
def test_limit_near_misses_are_rejected(field: str, value: Any) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        RiskLimits(**{field: value})


def test_edges_of_the_ranges_are_accepted() -> None:
    limits = RiskLimits.model_validate(
        {
            "max_drawdown_pct": 100,
            "max_open_trades": HARD_MAX_OPEN_TRADES,
            "max_leverage": HARD_MAX_LEVERAGE,
            "max_daily_loss_pct": 100,
            "max_position_size_pct": 0.5,
            "action_on_breach": "alert_only",
        }
    )
    assert limits.action_on_breach is BreachAction.ALERT_ONLY


# --- RiskCheckResult / RiskBreach -----------------------------------------------------


def _breach(**kw: Any) -> RiskBreach:
    base = {"limit_name": "max_leverage", "threshold": 2.0, "actual_value": 3.0, "message": "m"}
    return RiskBreach(**{**base, **kw})


def test_ok_and_breached_constructors() -> None:
    ok = RiskCheckResult.ok(consecutive_failures=1, now=T0)
    assert (ok.passed, ok.is_breached, ok.breaches, ok.checked_at) == (True, False, [], T0)
    assert ok.consecutive_failures == 1
    bad = RiskCheckResult.breached([_breach()])
    assert (bad.passed, bad.is_breached) == (False, True)
    assert bad.breaches[0].severity is BreachSeverity.CRITICAL


def test_passed_must_agree_with_breaches() -> None:
    with pytest.raises(pydantic.ValidationError):
        RiskCheckResult.breached([])
    with pytest.raises(pydantic.ValidationError):
        RiskCheckResult(passed=True, breaches=[_breach()])


@pytest.mark.parametrize(
    "changes",
    [
        {"limit_name": ""},
        {"limit_name": "max leverage"},
        {"threshold": float("inf")},
        {"actual_value": float("nan")},
        {"severity": "CRITICAL"},
        {"message": ""},
        {"detected_at": dt.datetime(2024, 1, 1)},
    ],
)
def test_breach_near_misses_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        _breach(**changes)


# --- evaluate -----------------------------------------------------------------------


def test_evaluate_passes_within_limits_and_at_the_limit_itself() -> None:
    limits = RiskLimits(max_drawdown_pct=5.0, max_open_trades=1, max_leverage=2.0)
    result = limits.evaluate(_pnl(), open_trades=1, leverage=2.0, now=T0)
    assert result.passed
    assert not result.is_breached
    assert result.checked_at == T0


def test_evaluate_reports_every_exceeded_limit() -> None:
    limits = RiskLimits(max_drawdown_pct=4.0, max_open_trades=2, max_leverage=3.0)
    result = limits.evaluate(_pnl(), open_trades=3, leverage=5.0, now=T0)
    names = {b.limit_name: b for b in result.breaches}
    assert set(names) == {"max_drawdown_pct", "max_open_trades", "max_leverage"}
    assert names["max_open_trades"].severity is BreachSeverity.WARNING
    assert names["max_leverage"].severity is BreachSeverity.CRITICAL
    assert (names["max_leverage"].threshold, names["max_leverage"].actual_value) == (3.0, 5.0)
    assert names["max_leverage"].message == "leverage 5 exceeds max_leverage 3"
    assert names["max_leverage"].detected_at == T0


def test_evaluate_counts_unrealized_loss_as_drawdown() -> None:
    pnl = _pnl(total_profit_pct=-25.0, max_drawdown_pct=1.0)
    result = RiskLimits(max_drawdown_pct=20.0).evaluate(pnl, 0, 0.0)
    assert result.breaches[0].actual_value == 25.0


def test_evaluate_uses_the_highest_trade_leverage() -> None:
    result = RiskLimits(max_leverage=3.0).evaluate(_pnl(), 1, 1.0, trades=[_trade(leverage=10.0)])
    assert [b.limit_name for b in result.breaches] == ["max_leverage"]


def test_evaluate_checks_position_size_against_the_balance() -> None:
    limits = RiskLimits(max_position_size_pct=10.0)
    assert limits.evaluate(_pnl(), 1, 1.0, trades=[_trade(stake=100.0)]).passed
    breach = limits.evaluate(_pnl(), 1, 1.0, trades=[_trade(stake=150.0)]).breaches[0]
    assert (breach.limit_name, breach.actual_value) == ("max_position_size_pct", 15.0)
    empty = limits.evaluate(_pnl(balance=0.0), 1, 1.0, trades=[_trade()]).breaches[0]
    assert empty.actual_value == 100.0
    huge = limits.evaluate(_pnl(balance=1e-300), 1, 1.0, trades=[_trade(stake=1e300)])
    assert huge.is_breached


def test_evaluate_checks_daily_loss_only_when_given() -> None:
    limits = RiskLimits(max_daily_loss_pct=3.0)
    assert limits.evaluate(_pnl(), 1, 1.0).passed
    assert limits.evaluate(_pnl(), 1, 1.0, daily_loss_pct=-8.0).passed
    result = limits.evaluate(_pnl(), 1, 1.0, daily_loss_pct=3.5)
    assert [b.limit_name for b in result.breaches] == ["max_daily_loss_pct"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"open_trades": -1},
        {"open_trades": 1.0},
        {"open_trades": True},
        {"leverage": float("nan")},
        {"leverage": -1.0},
        {"leverage": "2"},
        {"leverage": 10**400},
        {"daily_loss_pct": float("inf")},
    ],
)
def test_evaluate_refuses_malformed_metrics_instead_of_passing(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"open_trades": 1, "leverage": 1.0, **kwargs}
    with pytest.raises(ValidationError):
        RiskLimits().evaluate(_pnl(), **args)


def test_metric_failures_fail_closed_at_the_threshold() -> None:
    limits = RiskLimits(consecutive_metric_failures_threshold=2)
    below = limits.evaluate_metric_failures(1, now=T0)
    assert below.passed
    assert below.consecutive_failures == 1
    at = limits.evaluate_metric_failures(2)
    assert at.is_breached
    assert at.consecutive_failures == 2
    assert at.breaches[0].limit_name == "consecutive_metric_failures_threshold"
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValidationError):
            limits.evaluate_metric_failures(bad)  # type: ignore[arg-type]  # bad on purpose


# --- validate_deployment_bounds ------------------------------------------------------


def test_deployment_within_hard_bounds_passes_without_platform_limits() -> None:
    assert (
        RiskLimits.validate_deployment_bounds(
            max_open_trades=HARD_MAX_OPEN_TRADES,
            leverage=HARD_MAX_LEVERAGE,
            stake_amount=100.0,
            balance=1000.0,
            max_drawdown_pct=100.0,
        )
        == []
    )
    assert RiskLimits.validate_deployment_bounds() == []


def test_deployment_violation_raises_validation_error_naming_each_bound() -> None:
    limits = RiskLimits(max_open_trades=3, max_leverage=2.0, max_drawdown_pct=10.0)
    with pytest.raises(ValidationError) as info:
        RiskLimits.validate_deployment_bounds(
            max_open_trades=5, leverage=4.0, max_drawdown_pct=15.0, limits=limits
        )
    err = info.value
    assert err.field == "max_open_trades"
    assert err.context["violations"] == ["max_open_trades", "max_leverage", "max_drawdown_pct"]
    for name in ("max_open_trades 3", "max_leverage 2", "max_drawdown_pct 10"):
        assert name in str(err)


def test_deployment_violations_can_be_returned_instead_of_raised() -> None:
    found = RiskLimits.validate_deployment_bounds(
        max_open_trades=0, leverage=0.5, max_drawdown_pct=0.0, raise_on_violation=False
    )
    assert [b.limit_name for b in found] == ["min_open_trades", "min_leverage", "min_drawdown_pct"]
    assert all(b.severity is BreachSeverity.CRITICAL for b in found)


def test_deployment_beyond_hard_bounds_is_a_violation() -> None:
    found = RiskLimits.validate_deployment_bounds(
        max_open_trades=HARD_MAX_OPEN_TRADES + 1,
        leverage=HARD_MAX_LEVERAGE + 1,
        max_drawdown_pct=100.5,
        raise_on_violation=False,
    )
    assert [b.limit_name for b in found] == ["max_open_trades", "max_leverage", "max_drawdown_pct"]


def test_deployment_stake_checks() -> None:
    limits = RiskLimits(max_position_size_pct=20.0)

    def names(**kw: Any) -> list[str]:
        found = RiskLimits.validate_deployment_bounds(limits=limits, raise_on_violation=False, **kw)
        return [b.limit_name for b in found]

    assert names(stake_amount=200.0, balance=1000.0) == []
    assert names(stake_amount=300.0, balance=1000.0) == ["max_position_size_pct"]
    assert names(stake_amount=2000.0, balance=1000.0) == [
        "max_stake_amount",
        "max_position_size_pct",
    ]
    assert names(stake_amount=0.0, balance=1000.0) == ["min_stake_amount"]
    assert names(stake_amount=50.0) == []
    assert names(stake_amount=50.0, balance=0.0) == ["min_balance"]
    assert names(stake_amount="unlimited", max_open_trades=5) == []
    assert names(stake_amount="unlimited", max_open_trades=4) == ["max_position_size_pct"]
    assert names(stake_amount="unlimited") == ["max_position_size_pct"]
    assert RiskLimits.validate_deployment_bounds(stake_amount="unlimited") == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_open_trades": 2.0},
        {"max_open_trades": True},
        {"max_open_trades": "3"},
        {"leverage": float("nan")},
        {"leverage": float("-inf")},
        {"leverage": "2x"},
        {"stake_amount": "unlimited "},
        {"stake_amount": "100"},
        {"stake_amount": float("nan")},
        {"balance": float("inf")},
        {"max_drawdown_pct": None, "balance": "1000"},
    ],
)
def test_deployment_malformed_values_raise_even_when_not_raising_violations(
    kwargs: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError):
        RiskLimits.validate_deployment_bounds(raise_on_violation=False, **kwargs)

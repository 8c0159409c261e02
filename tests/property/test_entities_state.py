"""Hypothesis: state entities round-trip exactly; transitions and risk bounds hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tradai.common.entities.retraining import RetrainingState, RetrainingStatus
from tradai.common.entities.risk_limits import (
    HARD_MAX_LEVERAGE,
    HARD_MAX_OPEN_TRADES,
    BreachAction,
    RiskLimits,
)
from tradai.common.entities.trading_state import TradingState, TradingStatus
from tradai.common.exceptions import ValidationError

# --- strategies -------------------------------------------------------------------

_offsets = st.builds(
    dt.timezone, st.timedeltas(min_value=dt.timedelta(hours=-23), max_value=dt.timedelta(hours=23))
)
_aware = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2199, 1, 1), timezones=_offsets
)
_storable_floats = st.floats(
    min_value=-1e125, max_value=1e125, allow_nan=False, allow_subnormal=False
).filter(lambda x: x == 0 or abs(x) >= 1e-130)
_leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(10**37), 10**37)
    | _storable_floats
    | st.text(max_size=8)
)
_json = st.recursive(
    _leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=15,
)
_snapshot = st.dictionaries(st.text(max_size=8), _json, max_size=5)
_ident = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,20}", fullmatch=True)
_strategy = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,20}", fullmatch=True)

_NEAR_MISS_SUFFIXES = ["\n", "\x00", " ", ";", "|", "&", "$", "`", "А", "１"]
_near_miss_ident = st.one_of(
    st.builds(lambda s, x: s + x, _ident, st.sampled_from(_NEAR_MISS_SUFFIXES)),
    st.builds(lambda s, x: x + s, _ident, st.sampled_from([" ", "-", "\t", "А", "/"])),
    st.just(""),
)


# --- TradingState -----------------------------------------------------------------


@st.composite
def _trading_states(draw: st.DrawFn) -> TradingState:
    status = draw(st.sampled_from(TradingStatus))
    return TradingState(
        strategy_id=draw(_ident),
        instance_id=draw(_ident),
        status=status,
        config_snapshot=draw(_snapshot),
        last_heartbeat=draw(_aware),
        started_at=draw(_aware),
        stopped_at=draw(st.none() | _aware),
        error=draw(st.none() | st.text(min_size=1, max_size=30)),
        pnl_snapshot=draw(_snapshot),
        open_trades_snapshot={"trades": draw(st.lists(_snapshot, max_size=3))},
        version=draw(st.integers(0, 2**40)),
    )


@settings(max_examples=80, deadline=None)
@given(_trading_states())
def test_trading_state_round_trips_exactly(state: TradingState) -> None:
    assert TradingState.from_dynamodb_item(state.to_dynamodb_item()) == state
    assert TradingState.model_validate(state.model_dump()) == state
    assert TradingState.model_validate_json(state.model_dump_json()) == state


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=4), st.floats() | st.integers(), max_size=4))
def test_any_number_snapshot_is_accepted_and_round_trips_or_refused_by_pydantic(
    snapshot: dict[str, Any],
) -> None:
    try:
        state = TradingState(strategy_id="s", instance_id="i", config_snapshot=snapshot)
    except pydantic.ValidationError:
        return
    assert TradingState.from_dynamodb_item(state.to_dynamodb_item()) == state


@settings(max_examples=80, deadline=None)
@given(bad=_near_miss_ident)
def test_trading_state_identifier_near_misses_raise_pydantic_error_only(bad: str) -> None:
    for field in ("strategy_id", "instance_id"):
        args = {"strategy_id": "s", "instance_id": "i", field: bad}
        try:
            TradingState.model_validate(args)
        except pydantic.ValidationError:
            continue
        raise AssertionError(f"{field}={bad!r} was accepted")


@settings(max_examples=80, deadline=None)
@given(start=st.sampled_from(TradingStatus), path=st.lists(st.sampled_from(TradingStatus)))
def test_status_walk_follows_the_lifecycle_and_stopped_at_rules(
    start: TradingStatus, path: list[TradingStatus]
) -> None:
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    state = TradingState(strategy_id="s", instance_id="i", status=start)
    for target in path:
        if not state.status.can_transition_to(target):
            try:
                state.with_status(target, now=now)
            except ValidationError:
                continue
            raise AssertionError(f"{state.status} -> {target} was allowed")
        before = state.stopped_at
        state = state.with_status(target, now=now)
        assert state.status is target
        if target.is_terminal:
            assert state.stopped_at == now
        elif target is TradingStatus.INITIALIZING:
            assert state.stopped_at is None
        else:
            assert state.stopped_at == before


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(TradingStatus), st.sampled_from(TradingStatus))
def test_terminal_statuses_only_restart(source: TradingStatus, target: TradingStatus) -> None:
    allowed = source.can_transition_to(target)
    if source.is_terminal and target is not source:
        assert allowed == (target is TradingStatus.INITIALIZING)


# --- RetrainingState --------------------------------------------------------------


@st.composite
def _retraining_states(draw: st.DrawFn) -> RetrainingState:
    return RetrainingState(
        strategy_name=draw(_strategy),
        model_name=draw(_ident),
        status=draw(st.sampled_from(RetrainingStatus)),
        last_trained_at=draw(st.none() | _aware),
        last_model_version=draw(st.none() | _ident),
        consecutive_failures=draw(st.integers(0, 10**6)),
        next_scheduled_at=draw(st.none() | _aware),
        last_drift_score=draw(st.none() | _storable_floats.map(abs)),
        last_error=draw(st.none() | st.text(min_size=1, max_size=30)),
        updated_at=draw(_aware),
        version=draw(st.integers(0, 2**40)),
    )


@settings(max_examples=80, deadline=None)
@given(_retraining_states())
def test_retraining_state_round_trips_exactly(state: RetrainingState) -> None:
    assert RetrainingState.from_dynamodb_item(state.to_dynamodb_item()) == state
    assert RetrainingState.model_validate(state.model_dump()) == state
    assert RetrainingState.model_validate_json(state.model_dump_json()) == state


@settings(max_examples=60, deadline=None)
@given(_retraining_states(), st.lists(st.sampled_from(RetrainingStatus), max_size=8))
def test_retraining_transitions_are_allowed_or_refused_with_validation_error(
    state: RetrainingState, path: list[RetrainingStatus]
) -> None:
    for target in path:
        try:
            moved = state.with_status(target)
        except ValidationError:
            assert not state.status.can_transition_to(target)
            continue
        assert moved.status is target
        assert moved.version == state.version
        state = moved
    failed = state.record_failure()
    assert failed.consecutive_failures == state.consecutive_failures + 1
    assert failed.record_success("1").consecutive_failures == 0


# --- RiskLimits ------------------------------------------------------------------

_limits = st.fixed_dictionaries(
    {
        "max_drawdown_pct": st.floats(min_value=0.001, max_value=100),
        "max_open_trades": st.integers(1, HARD_MAX_OPEN_TRADES),
        "max_leverage": st.floats(min_value=1, max_value=HARD_MAX_LEVERAGE),
        "max_daily_loss_pct": st.none() | st.floats(min_value=0.001, max_value=100),
        "max_position_size_pct": st.none() | st.floats(min_value=0.001, max_value=100),
        "consecutive_metric_failures_threshold": st.integers(1, 100),
        "action_on_breach": st.sampled_from(BreachAction),
    }
)
_near_miss_limits = st.one_of(
    st.fixed_dictionaries(
        {"max_drawdown_pct": st.floats(max_value=0) | st.floats(min_value=100.0001)}
    ),
    st.fixed_dictionaries(
        {"max_open_trades": st.integers(max_value=0) | st.integers(min_value=101)}
    ),
    st.fixed_dictionaries(
        {"max_leverage": st.floats(max_value=0.9999) | st.floats(min_value=125.001)}
    ),
    st.fixed_dictionaries(
        {"max_daily_loss_pct": st.floats(max_value=0) | st.floats(min_value=100.01)}
    ),
    st.fixed_dictionaries({"consecutive_metric_failures_threshold": st.integers(max_value=0)}),
    st.fixed_dictionaries({"action_on_breach": st.text(max_size=12)}),
    st.fixed_dictionaries({"max_open_trades": st.text(max_size=5) | st.booleans() | st.floats()}),
    st.fixed_dictionaries({"max_leverage": st.text(max_size=5) | st.just(float("nan"))}),
)


@settings(max_examples=80, deadline=None)
@given(_limits)
def test_valid_risk_limits_are_accepted_and_round_trip(values: dict[str, Any]) -> None:
    limits = RiskLimits(**values)
    assert RiskLimits.model_validate(limits.model_dump()) == limits
    assert RiskLimits.model_validate_json(limits.model_dump_json()) == limits


@settings(max_examples=100, deadline=None)
@given(_near_miss_limits)
def test_risk_limit_near_misses_raise_pydantic_validation_error_only(
    values: dict[str, Any],
) -> None:
    assume(values.get("action_on_breach") not in {a.value for a in BreachAction})
    try:
        RiskLimits(**values)
    except pydantic.ValidationError:
        return
    raise AssertionError(f"{values!r} was accepted")


_any_value = (
    st.none()
    | st.integers(-(10**6), 10**6)
    | st.floats()
    | st.booleans()
    | st.text(max_size=10)
    | st.just("unlimited")
)


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "max_open_trades": _any_value,
            "leverage": _any_value,
            "stake_amount": _any_value,
            "balance": _any_value,
            "max_drawdown_pct": _any_value,
        }
    ),
    st.none() | _limits.map(lambda v: RiskLimits(**v)),
)
def test_deployment_bounds_return_breaches_or_raise_validation_error_only(
    requested: dict[str, Any], limits: RiskLimits | None
) -> None:
    try:
        found = RiskLimits.validate_deployment_bounds(
            **requested, limits=limits, raise_on_violation=False
        )
    except ValidationError:
        return
    for breach in found:
        assert breach.limit_name
        assert breach.message
    if found:
        with pytest.raises(ValidationError) as info:
            RiskLimits.validate_deployment_bounds(**requested, limits=limits)
        assert info.value.context["violations"] == [b.limit_name for b in found]

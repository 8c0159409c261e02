"""TradingState, TradingStatus, StrategyPnL and LiveTrade (entities-reference.md, design.md)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.entities.trading_state import (
    LiveTrade,
    StrategyPnL,
    TradingState,
    TradingStatus,
)
from tradai.common.exceptions import ValidationError

T0 = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2024, 1, 1, 13, 0, tzinfo=dt.UTC)

PROFIT = {
    "profit_all_coin": 12.0,
    "profit_all_ratio": 0.012,
    "profit_closed_coin": 10.0,
    "trade_count": 7,
    "closed_trade_count": 5,
    "winrate": 0.6,
    "max_drawdown": 0.035,
}
STATUS_ITEM = {
    "trade_id": 3,
    "pair": "BTC/USDT:USDT",
    "is_short": True,
    "open_rate": 100.0,
    "current_rate": 95.0,
    "amount": 0.5,
    "stake_amount": 25.0,
    "profit_abs": 2.5,
    "profit_ratio": 0.1,
    "profit_pct": 10.0,
    "open_date": "2024-01-01 00:00:00",
    "open_timestamp": 1704067200000,
    "leverage": 2.0,
}


def _state(**kw: Any) -> TradingState:
    base: dict[str, Any] = {"strategy_id": "pascal", "instance_id": "task-1", "started_at": T0}
    return TradingState(**{**base, **kw})


def _pnl(**kw: Any) -> StrategyPnL:
    return StrategyPnL.from_freqtrade_profit(
        {**PROFIT, **kw}, balance=1012.0, currency="USDT", timestamp=T0
    )


# --- TradingStatus ----------------------------------------------------------------


def test_trading_status_is_a_str_enum_with_the_six_documented_members() -> None:
    assert [s.name for s in TradingStatus] == [
        "INITIALIZING",
        "WARMUP",
        "RUNNING",
        "PAUSED",
        "STOPPED",
        "ERROR",
    ]
    assert isinstance(TradingStatus.RUNNING, str)


def test_documented_lifecycle_initializing_warmup_running_paused_stopped_or_error() -> None:
    """Lifecycle: INITIALIZING -> WARMUP -> RUNNING <-> PAUSED -> STOPPED/ERROR."""
    s = TradingStatus
    assert s.INITIALIZING.can_transition_to(s.WARMUP)
    assert s.WARMUP.can_transition_to(s.RUNNING)
    assert s.RUNNING.can_transition_to(s.PAUSED)
    assert s.PAUSED.can_transition_to(s.RUNNING)
    assert s.PAUSED.can_transition_to(s.STOPPED)
    assert s.PAUSED.can_transition_to(s.ERROR)


def test_terminal_statuses_are_stopped_and_error_only() -> None:
    assert {s for s in TradingStatus if s.is_terminal} == {
        TradingStatus.STOPPED,
        TradingStatus.ERROR,
    }


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("running", "warmup"),
        ("paused", "warmup"),
        ("stopped", "running"),
        ("error", "paused"),
        ("stopped", "error"),
        ("initializing", "paused"),
    ],
)
def test_backward_and_post_terminal_transitions_are_refused(source: str, target: str) -> None:
    assert not TradingStatus(source).can_transition_to(TradingStatus(target))


def test_any_status_may_restart_to_initializing_or_repeat_itself() -> None:
    for status in TradingStatus:
        assert status.can_transition_to(TradingStatus.INITIALIZING)
        assert status.can_transition_to(status)


def test_unknown_status_value_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError):
        _state(status="RUNNING ")


# --- TradingState fields --------------------------------------------------------------


def test_trading_state_has_the_documented_attributes_and_is_dynamodb_serializable() -> None:
    state = _state()
    assert isinstance(state, DynamoDBSerializableMixin)
    documented = {
        "strategy_id",
        "instance_id",
        "status",
        "config_snapshot",
        "last_heartbeat",
        "started_at",
        "stopped_at",
        "error",
        "pnl_snapshot",
        "open_trades_snapshot",
    }
    assert documented <= set(TradingState.model_fields)
    assert state.status is TradingStatus.INITIALIZING
    assert state.stopped_at is None
    assert state.error is None
    assert state.version == 0
    assert state.last_heartbeat.tzinfo is not None


def test_trading_state_is_frozen() -> None:
    with pytest.raises(pydantic.ValidationError):
        _state().status = TradingStatus.RUNNING  # type: ignore[misc]  # proving frozen


def test_strategy_id_is_the_partition_key_in_the_item() -> None:
    item = _state().to_dynamodb_item()
    assert item["strategy_id"] == "pascal"
    assert item["status"] == "initializing"
    assert item["version"] == Decimal(0)


@pytest.mark.parametrize("bad", ["", " pascal", "pascal\n", "-pascal", "a;b", "pаscal", "a\x00"])
def test_strategy_id_near_misses_are_rejected(bad: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="strategy_id"):
        _state(strategy_id=bad)


def test_naive_timestamps_are_rejected_and_offsets_become_utc() -> None:
    with pytest.raises(pydantic.ValidationError, match="started_at"):
        _state(started_at=dt.datetime(2024, 1, 1))
    plus2 = dt.datetime(2024, 1, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert _state(started_at=plus2).started_at == T0
    assert _state(started_at=plus2).started_at.utcoffset() == dt.timedelta(0)


# --- validate_json_serializable ----------------------------------------------------


def test_validate_json_serializable_accepts_json_config_and_stores_tuples_as_lists() -> None:
    state = _state(config_snapshot={"timeframe": "1h", "pairs": ("BTC/USDT",), "n": None})
    assert state.config_snapshot == {"timeframe": "1h", "pairs": ["BTC/USDT"], "n": None}
    json.dumps(state.config_snapshot)


@pytest.mark.parametrize(
    "bad",
    [
        {"when": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
        {"obj": object()},
        {"s": {1, 2}},
        {"x": float("nan")},
        {"x": float("inf")},
        {"x": 1e200},
        {"x": 1e-200},
        {"x": 10**40},
        {"b": b"bytes"},
        {"nested": {"k": Decimal("1.5")}},
    ],
)
def test_validate_json_serializable_rejects_what_json_or_dynamodb_cannot_store(
    bad: dict[str, Any],
) -> None:
    with pytest.raises(pydantic.ValidationError, match="config_snapshot"):
        _state(config_snapshot=bad)


def test_validation_errors_never_echo_the_snapshot_which_may_hold_secrets() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        _state(config_snapshot={"api_secret": "s3cr3t-value", "bad": object()})
    assert "s3cr3t-value" not in str(info.value)


def test_validate_json_serializable_rejects_non_string_nested_keys() -> None:
    with pytest.raises(pydantic.ValidationError, match="keys must be strings"):
        _state(pnl_snapshot={"a": {1: "x"}})


def test_validate_json_serializable_rejects_too_deep_and_too_large_snapshots() -> None:
    deep: Any = 1
    for _ in range(40):
        deep = [deep]
    with pytest.raises(pydantic.ValidationError, match="nested deeper"):
        _state(open_trades_snapshot={"trades": deep})
    with pytest.raises(pydantic.ValidationError, match="larger than"):
        _state(config_snapshot={"blob": "x" * 200_000})


def test_validate_json_serializable_is_a_classmethod_raising_value_error() -> None:
    with pytest.raises(ValueError, match="not JSON serializable"):
        TradingState.validate_json_serializable({"x": object()})
    assert TradingState.validate_json_serializable({"x": [1]}) == {"x": [1]}


# --- with_status (the Note) ----------------------------------------------------------


def test_with_status_returns_a_new_instance_and_leaves_the_original_unchanged() -> None:
    state = _state()
    warm = state.with_status(TradingStatus.WARMUP)
    assert warm is not state
    assert state.status is TradingStatus.INITIALIZING
    assert warm.status is TradingStatus.WARMUP


@pytest.mark.parametrize("terminal", [TradingStatus.ERROR, TradingStatus.STOPPED])
def test_terminal_statuses_set_stopped_at_to_now(terminal: TradingStatus) -> None:
    running = _state(status=TradingStatus.RUNNING)
    assert running.with_status(terminal, now=T1).stopped_at == T1
    before = dt.datetime.now(dt.UTC)
    stopped_at = running.with_status(terminal).stopped_at
    assert stopped_at is not None
    assert stopped_at >= before


def test_initializing_clears_stopped_at_for_container_restart() -> None:
    stopped = _state(status=TradingStatus.RUNNING).with_status(TradingStatus.STOPPED, now=T1)
    restarted = stopped.with_status(TradingStatus.INITIALIZING)
    assert restarted.stopped_at is None
    assert restarted.status is TradingStatus.INITIALIZING


def test_other_statuses_preserve_the_existing_stopped_at() -> None:
    state = _state(status=TradingStatus.RUNNING, stopped_at=T0)
    assert state.with_status(TradingStatus.PAUSED).stopped_at == T0
    assert state.with_status(TradingStatus.RUNNING).stopped_at == T0


def test_with_status_records_an_error_and_a_later_status_clears_it() -> None:
    failed = _state().with_status(TradingStatus.ERROR, error="exchange unreachable", now=T1)
    assert failed.error == "exchange unreachable"
    assert failed.with_status(TradingStatus.INITIALIZING).error is None


def test_with_status_cuts_overlong_error_messages() -> None:
    failed = _state().with_status(TradingStatus.ERROR, error="x" * 10_000)
    assert failed.error is not None
    assert len(failed.error) == 4000
    assert failed.error.endswith("...")


def test_with_status_refuses_a_transition_the_lifecycle_forbids() -> None:
    stopped = _state(status=TradingStatus.STOPPED, stopped_at=T0)
    with pytest.raises(ValidationError, match="stopped to running") as info:
        stopped.with_status(TradingStatus.RUNNING)
    assert info.value.field == "status"


def test_with_status_keeps_version_and_other_fields() -> None:
    state = _state(version=7, config_snapshot={"a": 1})
    moved = state.with_status(TradingStatus.WARMUP)
    assert moved.version == 7
    assert moved.config_snapshot == {"a": 1}


# --- with_heartbeat / with_metrics --------------------------------------------------


def test_with_heartbeat_returns_new_instance_with_updated_last_heartbeat() -> None:
    state = _state(last_heartbeat=T0)
    assert state.with_heartbeat(now=T1).last_heartbeat == T1
    assert state.last_heartbeat == T0
    assert state.with_heartbeat().last_heartbeat > T0


def test_with_metrics_fills_json_safe_pnl_and_trades_snapshots() -> None:
    trade = LiveTrade.from_freqtrade_status(STATUS_ITEM)
    state = _state().with_metrics(_pnl(), [trade])
    assert state.pnl_snapshot["total_profit_pct"] == 1.2
    assert state.pnl_snapshot["timestamp"] == "2024-01-01T12:00:00Z"
    assert state.open_trades_snapshot == {"trades": [trade.model_dump(mode="json")]}
    assert state.open_trades_snapshot["trades"][0]["open_date"] == "2024-01-01T00:00:00Z"
    json.dumps(state.pnl_snapshot)
    assert TradingState.from_dynamodb_item(state.to_dynamodb_item()) == state


def test_with_metrics_with_no_trades_stores_an_empty_trade_list() -> None:
    assert _state().with_metrics(_pnl(), []).open_trades_snapshot == {"trades": []}


def test_dynamodb_round_trip_keeps_every_field_exactly() -> None:
    state = _state(
        status=TradingStatus.ERROR,
        stopped_at=T1,
        error="boom",
        config_snapshot={"f": 0.1, "i": 3, "l": [1.5, "a", True, None], "d": {"e": -2}},
        version=4,
    )
    assert TradingState.from_dynamodb_item(state.to_dynamodb_item()) == state


# --- StrategyPnL ----------------------------------------------------------------


def test_from_freqtrade_profit_converts_ratios_to_percentages() -> None:
    pnl = _pnl()
    assert pnl.total_profit_abs == 12.0
    assert pnl.total_profit_pct == 1.2
    assert pnl.realized_profit_abs == 10.0
    assert pnl.unrealized_profit_abs == 2.0
    assert (pnl.closed_trade_count, pnl.open_trade_count) == (5, 2)
    assert pnl.win_rate_pct == 60.0
    assert pnl.max_drawdown_pct == 3.5
    assert (pnl.balance, pnl.currency, pnl.timestamp) == (1012.0, "USDT", T0)


def test_from_freqtrade_profit_without_timestamp_uses_now() -> None:
    before = dt.datetime.now(dt.UTC)
    pnl = StrategyPnL.from_freqtrade_profit(PROFIT, balance=1.0, currency="USDC")
    assert pnl.timestamp >= before


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {**PROFIT, "profit_all_coin": None},
        {**PROFIT, "profit_all_ratio": "0.1"},
        {**PROFIT, "winrate": 1.5},
        {**PROFIT, "winrate": True},
        {**PROFIT, "max_drawdown": float("nan")},
        {**PROFIT, "trade_count": 4},
    ],
)
def test_from_freqtrade_profit_rejects_malformed_payloads_with_pydantic_error(
    payload: dict[str, Any],
) -> None:
    with pytest.raises(pydantic.ValidationError):
        StrategyPnL.from_freqtrade_profit(payload, balance=1.0, currency="USDT")


@pytest.mark.parametrize("bad", ["usdt", "US DT", "USDT\n", "", "UЅDT", "$USD", "A" * 21])
def test_currency_near_misses_are_rejected(bad: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="currency"):
        StrategyPnL.from_freqtrade_profit(PROFIT, balance=1.0, currency=bad)


# --- LiveTrade ----------------------------------------------------------------------


def test_from_freqtrade_status_converts_profit_ratio_to_percent_and_reads_the_timestamp() -> None:
    trade = LiveTrade.from_freqtrade_status(STATUS_ITEM)
    assert trade.profit_pct == 10.0
    assert trade.open_date == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert (trade.trade_id, trade.pair, trade.is_short, trade.leverage) == (
        3,
        "BTC/USDT:USDT",
        True,
        2.0,
    )


def test_from_freqtrade_status_falls_back_to_open_date_as_utc_and_spot_leverage_one() -> None:
    item = {**STATUS_ITEM, "open_timestamp": None, "leverage": None, "pair": "eth/usdt"}
    item["open_date"] = "2024-03-01 08:30:00"
    trade = LiveTrade.from_freqtrade_status(item)
    assert trade.open_date == dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)
    assert trade.leverage == 1.0
    assert trade.pair == "ETH/USDT"


def test_from_freqtrade_status_keeps_an_explicit_offset_in_open_date() -> None:
    item = {k: v for k, v in STATUS_ITEM.items() if k != "open_timestamp"}
    item["open_date"] = "2024-03-01T10:30:00+02:00"
    assert LiveTrade.from_freqtrade_status(item).open_date == dt.datetime(
        2024, 3, 1, 8, 30, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"open_timestamp": 10**30},
        {"open_timestamp": None, "open_date": "2024-02-30 00:00:00"},
        {"open_timestamp": None, "open_date": None},
        {"pair": "BTC/USDT;rm"},
        {"pair": "BTC/USDT\n"},
        {"leverage": 0.5},
        {"open_rate": 0},
        {"profit_ratio": None},
        {"current_rate": float("inf")},
    ],
)
def test_from_freqtrade_status_rejects_malformed_items_with_pydantic_error(
    changes: dict[str, Any],
) -> None:
    with pytest.raises(pydantic.ValidationError):
        LiveTrade.from_freqtrade_status({**STATUS_ITEM, **changes})


def test_live_trade_leverage_has_no_upper_bound_so_risk_checks_still_see_it() -> None:
    assert LiveTrade.from_freqtrade_status({**STATUS_ITEM, "leverage": 500.0}).leverage == 500.0

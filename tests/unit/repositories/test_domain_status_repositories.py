"""Status repositories over their twins: put/update guards, input checks, absorbing statuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tradai.common.entities.deployment import DeploymentRecord, DeploymentStatus
from tradai.common.entities.trading_state import (
    LiveTrade,
    StrategyPnL,
    TradingState,
    TradingStatus,
)
from tradai.common.exceptions import ConflictError, ValidationError
from tradai.common.repositories._status import StatusRepository
from tradai.common.repositories.deployment import DeploymentRepository
from tradai.common.repositories.trading_state import TradingStateRepository

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PNL = StrategyPnL(
    total_profit_abs=1.0, total_profit_pct=0.1, realized_profit_abs=1.0,
    unrealized_profit_abs=0.0, closed_trade_count=1, open_trade_count=0, win_rate_pct=100.0,
    max_drawdown_pct=0.0, balance=1001.0, currency="USDT", timestamp=T0,
)  # fmt: skip


def _record(**changes: Any) -> DeploymentRecord:
    values: dict[str, Any] = {
        "deployment_id": "dep-1", "strategy_name": "Pascal", "strategy_version": "2.0.0",
        "image_url": "123456789012.dkr.ecr.eu-central-1.amazonaws.com/s:p-2.0.0",
        "environment": "prod", "created_at": T0, "updated_at": T0,
    }  # fmt: skip
    return DeploymentRecord(**(values | changes))


def test_absorbing_statuses_are_those_with_no_way_out() -> None:
    absorbing = {s for s in DeploymentStatus if StatusRepository.is_absorbing(s)}
    assert absorbing == {DeploymentStatus.ROLLED_BACK}
    assert not any(StatusRepository.is_absorbing(s) for s in TradingStatus)


def test_a_put_of_a_stored_version_is_status_checked() -> None:
    repo = DeploymentRepository.in_memory()
    created = repo.put(_record())
    moved = repo.put(created.with_status(DeploymentStatus.IN_PROGRESS, now=T0))
    assert moved.version == 2
    with pytest.raises(ConflictError) as info:
        repo.put(created.with_status(DeploymentStatus.FAILED, now=T0))
    assert info.value.current == moved


def test_a_put_of_a_forbidden_edge_is_refused_even_at_the_right_version() -> None:
    repo = DeploymentRepository.in_memory()
    created = repo.create(_record())
    forged = created.model_copy(update={"status": DeploymentStatus.SUCCEEDED})
    with pytest.raises(ConflictError) as info:
        repo.put(forged)
    assert info.value.current == created


def test_deployment_reads_and_transitions_refuse_bad_statuses() -> None:
    repo = DeploymentRepository.in_memory()
    repo.create(_record())
    with pytest.raises(ValidationError):
        repo.latest("Pascal", "prod", status="shipped")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        repo.transition("dep-1", "shipped")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        repo.history("Pascal", limit=0)


def test_a_deployment_transition_records_the_error_and_time() -> None:
    repo = DeploymentRepository.in_memory()
    repo.create(_record())
    failed = repo.transition("dep-1", DeploymentStatus.FAILED, error="image pull", now=T0)
    assert (failed.error, failed.completed_at, failed.updated_at) == ("image pull", T0, T0)


def test_update_metrics_refuses_other_types_before_reading() -> None:
    repo = TradingStateRepository.in_memory()
    with pytest.raises(ValidationError, match="pnl"):
        repo.update_metrics("pascal", {"total": 1}, [])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="trades"):
        repo.update_metrics("pascal", PNL, "trades")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="trades"):
        repo.update_metrics("pascal", PNL, [{"trade_id": 1}])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="target"):
        repo.transition("pascal", "sleeping")  # type: ignore[arg-type]


def test_update_metrics_with_no_open_trades_stores_an_empty_list() -> None:
    repo = TradingStateRepository.in_memory()
    repo.create(TradingState(strategy_id="pascal", instance_id="task-1"))
    stored = repo.update_metrics("pascal", PNL, ())
    assert stored.open_trades_snapshot == {"trades": []}
    assert stored.pnl_snapshot["balance"] == 1001.0


def test_a_trading_error_transition_records_and_a_recovery_clears_the_error() -> None:
    repo = TradingStateRepository.in_memory()
    repo.create(TradingState(strategy_id="pascal", instance_id="task-1"))
    errored = repo.transition("pascal", TradingStatus.ERROR, error="exchange down", now=T0)
    assert (errored.error, errored.stopped_at) == ("exchange down", T0)
    restarted = repo.transition("pascal", TradingStatus.INITIALIZING)
    assert (restarted.error, restarted.stopped_at) == (None, None)


def test_a_stale_expected_version_is_refused_for_every_trading_write() -> None:
    repo = TradingStateRepository.in_memory()
    state = repo.create(TradingState(strategy_id="pascal", instance_id="task-1"))
    repo.heartbeat("pascal")
    for write in (
        lambda: repo.heartbeat("pascal", expected_version=state.version),
        lambda: repo.update_metrics("pascal", PNL, [], expected_version=state.version),
        lambda: repo.transition("pascal", TradingStatus.RUNNING, expected_version=state.version),
    ):
        with pytest.raises(ConflictError) as info:
            write()
        assert info.value.current == repo.get("pascal")
        assert info.value.context["expected_version"] == state.version


def test_live_trades_are_accepted_as_any_sequence() -> None:
    trade = LiveTrade(
        trade_id=1, pair="BTC/USDT", open_rate=1.0, current_rate=1.0, amount=1.0,
        stake_amount=1.0, profit_abs=0.0, profit_pct=0.0, open_date=T0,
    )  # fmt: skip
    repo = TradingStateRepository.in_memory()
    repo.create(TradingState(strategy_id="pascal", instance_id="task-1"))
    assert len(repo.update_metrics("pascal", PNL, (trade,)).open_trades_snapshot["trades"]) == 1

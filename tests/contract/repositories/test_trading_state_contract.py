"""One contract for TradingStateRepository: the in-memory twin and DynamoDB (moto) alike.

Two writers "read the same version" by passing it as ``expected_version``; their writes
are then sequenced explicitly. Every mutating request on DynamoDB is checked to carry a
``ConditionExpression`` (see ``_domain_backends``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from contract.repositories._domain_backends import BACKENDS, Backend, backend
from tradai.common.entities.trading_state import (
    LiveTrade,
    StrategyPnL,
    TradingState,
    TradingStatus,
)
from tradai.common.exceptions import ConflictError, NotFoundError
from tradai.common.repositories.trading_state import TradingStateRepository

Repo = TradingStateRepository
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PNL = StrategyPnL(
    total_profit_abs=12.0, total_profit_pct=1.2, realized_profit_abs=10.0,
    unrealized_profit_abs=2.0, closed_trade_count=5, open_trade_count=1, win_rate_pct=60.0,
    max_drawdown_pct=3.5, balance=1012.0, currency="USDT", timestamp=T0,
)  # fmt: skip
TRADE = LiveTrade(
    trade_id=3, pair="BTC/USDT:USDT", open_rate=100.0, current_rate=105.0, amount=0.5,
    stake_amount=50.0, profit_abs=2.5, profit_pct=5.0, open_date=T0, leverage=2.0,
)  # fmt: skip


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Backend[Repo]]:
    with backend(request, TradingStateRepository, "contract-trading-state") as made:
        yield made


@pytest.fixture
def repo(store: Backend[Repo]) -> Repo:
    return store.repo


def _state(repo: Repo) -> TradingState:
    repo.create(
        TradingState(strategy_id="pascal", instance_id="task-1", started_at=T0, last_heartbeat=T0)
    )
    return repo.transition("pascal", TradingStatus.RUNNING, now=T0)


WRITES: dict[str, Callable[[Repo, int], TradingState]] = {
    "heartbeat": lambda r, v: r.heartbeat(
        "pascal", now=T0 + dt.timedelta(seconds=30), expected_version=v
    ),
    "metrics": lambda r, v: r.update_metrics("pascal", PNL, [TRADE], expected_version=v),
    "pause": lambda r, v: r.transition("pascal", TradingStatus.PAUSED, expected_version=v),
    "error": lambda r, v: r.transition(
        "pascal", TradingStatus.ERROR, error="boom", expected_version=v
    ),
}


# ---------------------------------------------------------------- two writers
@pytest.mark.parametrize(
    ("first", "second"),
    [("heartbeat", "metrics"), ("metrics", "heartbeat"), ("pause", "error"), ("metrics", "pause")],
)
def test_two_writers_of_one_version_exactly_one_wins(repo: Repo, first: str, second: str) -> None:
    read = _state(repo).version
    winner = WRITES[first](repo, read)
    with pytest.raises(ConflictError) as info:
        WRITES[second](repo, read)
    assert info.value.current == winner
    assert repo.get("pascal") == winner
    assert winner.version == read + 1


def test_a_stale_full_update_cannot_overwrite_a_newer_heartbeat(repo: Repo) -> None:
    state = _state(repo)
    beat = repo.heartbeat("pascal", now=T0 + dt.timedelta(minutes=1))
    with pytest.raises(ConflictError) as info:
        repo.update(state.with_metrics(PNL, []))
    assert info.value.current == beat
    assert repo.get("pascal") == beat


def test_two_creates_of_one_strategy_exactly_one_wins(repo: Repo) -> None:
    winner = repo.create(TradingState(strategy_id="pascal", instance_id="task-1"))
    with pytest.raises(ConflictError) as info:
        repo.create(TradingState(strategy_id="pascal", instance_id="task-2"))
    assert info.value.current == winner


def test_two_deletes_of_one_version_exactly_one_deletes(repo: Repo) -> None:
    state = _state(repo)
    assert [repo.delete("pascal", expected_version=state.version) for _ in range(2)] == [
        True,
        False,
    ]


# ---------------------------------------------------------------- behaviour
def test_update_metrics_persists_the_snapshots(repo: Repo) -> None:
    _state(repo)
    stored = repo.update_metrics("pascal", PNL, [TRADE])
    assert stored.pnl_snapshot == PNL.model_dump(mode="json")
    assert stored.open_trades_snapshot == {"trades": [TRADE.model_dump(mode="json")]}
    assert repo.get("pascal") == stored


def test_a_heartbeat_from_another_instance_is_refused(repo: Repo) -> None:
    state = _state(repo)
    with pytest.raises(ConflictError) as info:
        repo.heartbeat("pascal", instance_id="task-zombie")
    assert info.value.current == state
    assert repo.heartbeat("pascal", instance_id="task-1").version == state.version + 1


def test_stopped_accepts_only_a_restart(repo: Repo) -> None:
    _state(repo)
    stopped = repo.transition("pascal", TradingStatus.STOPPED, now=T0 + dt.timedelta(hours=1))
    for target in (TradingStatus.RUNNING, TradingStatus.PAUSED, TradingStatus.WARMUP):
        with pytest.raises(ConflictError) as info:
            repo.transition("pascal", target)
        assert info.value.current == stopped
    restarted = repo.transition("pascal", TradingStatus.INITIALIZING)
    assert restarted.stopped_at is None
    assert restarted.version == stopped.version + 1


def test_writes_to_a_missing_strategy_are_not_found(repo: Repo) -> None:
    with pytest.raises(NotFoundError):
        repo.heartbeat("nobody")
    with pytest.raises(NotFoundError):
        repo.update_metrics("nobody", PNL, [])
    with pytest.raises(NotFoundError):
        repo.transition("nobody", TradingStatus.RUNNING)

"""``TradingStateRepository``: live trading containers' state, heartbeats and metrics.

One :class:`~tradai.common.entities.trading_state.TradingState` per strategy (partition
key ``strategy_id``). Every change is a read (strongly consistent) followed by one
conditional write of the whole record carrying ``#version = :v`` and
``#status IN (...)`` (the statuses from which the record's status may be reached), so a
writer that read an older version loses with
:class:`~tradai.common.exceptions.ConflictError` (``current`` is the stored state) instead
of overwriting a newer heartbeat, status or snapshot. The in-memory twin is the same class
over an in-memory table (:meth:`TradingStateRepository.in_memory`).

* :meth:`heartbeat` refreshes ``last_heartbeat``; with ``instance_id=`` it refuses a
  container that is no longer the one recorded (a zombie after a restart);
* :meth:`transition` moves the status along ``TradingStatus``'s lifecycle;
* :meth:`update_metrics` persists the latest :class:`StrategyPnL` and open trades as
  ``pnl_snapshot``/``open_trades_snapshot`` (design: "Metric snapshots persisted to
  DynamoDB via TradingStateRepository.update_metrics()").

Decisions where the design document is silent: the table is named by
``settings.trading_state_table`` or the environment variable ``TRADING_STATE_TABLE``; it
has no secondary index; each method takes an optional ``expected_version`` to refuse a
change based on an older read; none retries by itself (the caller's next tick does).

Example:
    >>> import datetime as dt
    >>> from tradai.common.entities.trading_state import TradingState, TradingStatus
    >>> states = TradingStateRepository.in_memory()
    >>> states.create(TradingState(strategy_id="pascal", instance_id="task-1")).version
    1
    >>> states.transition("pascal", TradingStatus.RUNNING).status.value
    'running'
    >>> beat = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    >>> states.heartbeat("pascal", now=beat).last_heartbeat == beat
    True
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.entities.trading_state import (
    LiveTrade,
    StrategyPnL,
    TradingState,
    TradingStatus,
)
from tradai.common.exceptions import ValidationError
from tradai.common.repositories._status import StatusRepository

__all__ = ["TradingStateRepository"]


class TradingStateRepository(StatusRepository[TradingState]):
    """Live trading states in DynamoDB (or its in-memory twin), see the module doc.

    Constructor arguments: as for :class:`~tradai.common.repositories.base.DynamoDBRepository`.
    """

    entity = TradingState
    keys = KeySchema("strategy_id")
    table_setting = "TRADING_STATE_TABLE"

    def _current(self, strategy_id: str, expected_version: int | None) -> TradingState:
        state = self._require(strategy_id)
        self._check_expected(state, expected_version)
        return state

    def heartbeat(
        self,
        strategy_id: str,
        *,
        instance_id: str | None = None,
        now: _dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> TradingState:
        """Record that the container is alive.

        Args:
            strategy_id: The strategy.
            instance_id: The container sending it; refused unless it is the recorded one.
            now: The heartbeat time (aware; default: now).
            expected_version: Refuse unless the state is still at this version.

        Returns:
            The state as stored.

        Raises:
            NotFoundError: If the strategy has no state.
            ConflictError: If another container owns the state, the state is at another
                version, or another writer won; ``current`` is the stored state.
        """
        state = self._current(strategy_id, expected_version)
        if instance_id is not None and instance_id != state.instance_id:
            raise self._refused(
                state,
                f"trading state {strategy_id!r} belongs to another instance",
                instance_id=instance_id,
            )
        return self.update(state.with_heartbeat(now=now))

    def transition(
        self,
        strategy_id: str,
        target: TradingStatus,
        *,
        error: str | None = None,
        now: _dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> TradingState:
        """Move the container's status to ``target``.

        Args:
            strategy_id: The strategy.
            target: The new status.
            error: The error to record (replaces the stored one; ``None`` clears it).
            now: The transition time (aware; default: now).
            expected_version: Refuse unless the state is still at this version.

        Returns:
            The state as stored after the move.

        Raises:
            NotFoundError: If the strategy has no state.
            ConflictError: If the lifecycle forbids the move, the state is at another
                version, or another writer won; ``current`` is the stored state.
        """
        status = self._coerce(TradingStatus, target)
        state = self._current(strategy_id, expected_version)
        return self._move(
            state, status, lambda s: s.with_status(status, error, now=now), fresh=True
        )

    def update_metrics(
        self,
        strategy_id: str,
        pnl: StrategyPnL,
        open_trades: Sequence[LiveTrade],
        *,
        expected_version: int | None = None,
    ) -> TradingState:
        """Persist the latest PnL and open trades (``pnl_snapshot``/``open_trades_snapshot``).

        Args:
            strategy_id: The strategy.
            pnl: The latest PnL.
            open_trades: The open trades.
            expected_version: Refuse unless the state is still at this version.

        Returns:
            The state as stored.

        Raises:
            ValidationError: If ``pnl`` or ``open_trades`` is of another type (before
                anything is read).
            NotFoundError: If the strategy has no state.
            ConflictError: If the state is at another version or another writer won;
                ``current`` is the stored state.
        """
        if not isinstance(pnl, StrategyPnL):
            raise ValidationError("pnl must be a StrategyPnL", field="pnl")
        if not isinstance(open_trades, Sequence) or not all(
            isinstance(t, LiveTrade) for t in open_trades
        ):
            raise ValidationError("open_trades must be a sequence of LiveTrade", field="trades")
        state = self._current(strategy_id, expected_version)
        return self.update(state.with_metrics(pnl, open_trades))

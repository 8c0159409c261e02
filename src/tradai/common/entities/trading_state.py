"""Live trading container state, PnL and open trades.

:class:`TradingStatus` is a live container's lifecycle, :class:`TradingState` its state
record in DynamoDB (PK ``strategy_id``), :class:`StrategyPnL` and :class:`LiveTrade` the
metrics collected from Freqtrade's REST API.

**Percentages.** Every ``*_pct`` field is a percentage (``12.5`` is 12.5 %). Freqtrade's
REST API reports ratios (``0.125``): :meth:`StrategyPnL.from_freqtrade_profit` and
:meth:`LiveTrade.from_freqtrade_status` multiply them by 100 (rounded to 8 decimals).

Decisions where the specification is silent:

* :meth:`TradingState.with_status` enforces :meth:`TradingStatus.can_transition_to`
  (else the library's ``ValidationError``): the documented lifecycle, plus INITIALIZING
  or WARMUP straight to RUNNING/STOPPED/ERROR, WARMUP to PAUSED, any status back to
  INITIALIZING (a restart, even after a crash that never recorded STOPPED) and the
  current status again (idempotent). It replaces ``error`` with the one given (recovery
  clears it), cutting messages over 4000 characters.
* Snapshots must be storable as JSON and in DynamoDB: string keys, finite numbers in
  DynamoDB's range, at most 32 levels and 128 KiB of JSON each; tuples become lists.
* ``version`` (optimistic locking) belongs to the repository, which writes
  ``version + 1`` on condition the stored item still has ``version``; transitions keep it.
* ``LiveTrade.leverage`` has no upper bound, so the risk check sees an over-levered
  trade instead of the collector rejecting it.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, Self

from pydantic import ConfigDict, Field, StrictBool, StrictFloat, StrictInt, field_validator

from tradai.common.entities._base import DynamoDBSerializableMixin, FrozenModel, utc_now
from tradai.common.exceptions import ValidationError
from tradai.common.types import Identifier, TradingPair, UtcDatetime
from tradai.common.validators import validate_currency, validate_json_data

__all__ = ["LiveTrade", "StrategyPnL", "TradingState", "TradingStatus"]

_MAX_ERROR_LEN = 4000
_MAX_SNAPSHOT_BYTES = 128 * 1024
_MAX_DEPTH = 32


class TradingStatus(str, Enum):
    """Live trading container status.

    Different from ``JobStatus`` (batch jobs): it has WARMUP and PAUSED for long-running
    containers. Lifecycle: ``INITIALIZING -> WARMUP -> RUNNING <-> PAUSED -> STOPPED/ERROR``.

    Example:
        >>> TradingStatus.RUNNING.can_transition_to(TradingStatus.PAUSED)
        True
        >>> TradingStatus.STOPPED.is_terminal
        True
    """

    INITIALIZING = "initializing"
    WARMUP = "warmup"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    ERROR = "error"

    @property
    def is_terminal(self) -> bool:
        """Whether the container run has ended (STOPPED or ERROR).

        Returns:
            True for STOPPED and ERROR.
        """
        return self in (TradingStatus.STOPPED, TradingStatus.ERROR)

    def can_transition_to(self, target: TradingStatus) -> bool:
        """Tell whether moving from this status to ``target`` is allowed.

        Args:
            target: The status to move to.

        Returns:
            True if allowed (same status and restarts to INITIALIZING always are).
        """
        if target is self or target is TradingStatus.INITIALIZING:
            return True
        return target in _TRANSITIONS[self]


_S = TradingStatus
_TRANSITIONS: dict[TradingStatus, frozenset[TradingStatus]] = {
    _S.INITIALIZING: frozenset({_S.WARMUP, _S.RUNNING, _S.STOPPED, _S.ERROR}),
    _S.WARMUP: frozenset({_S.RUNNING, _S.PAUSED, _S.STOPPED, _S.ERROR}),
    _S.RUNNING: frozenset({_S.PAUSED, _S.STOPPED, _S.ERROR}),
    _S.PAUSED: frozenset({_S.RUNNING, _S.STOPPED, _S.ERROR}),
    _S.STOPPED: frozenset(),
    _S.ERROR: frozenset(),
}


def _to_pct(value: Any) -> Any:
    """Turn a Freqtrade ratio into a percentage; leave anything else for pydantic to reject."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(value * 100, 8)
    return value


def _sub(left: Any, right: Any) -> Any:
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    return left - right if numbers else None


def _freqtrade_open_date(item: Mapping[str, Any]) -> Any:
    """Read a trade's open time: ``open_timestamp`` (ms) first, else ``open_date`` (UTC)."""
    stamp = item.get("open_timestamp")
    if isinstance(stamp, int) and not isinstance(stamp, bool):
        try:
            return _dt.datetime.fromtimestamp(stamp / 1000, tz=_dt.UTC)
        except (OverflowError, OSError, ValueError):
            return stamp  # pydantic rejects it, naming the field
    value = item.get("open_date")
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=_dt.UTC)
    return value


class StrategyPnL(FrozenModel):
    """Profit and loss of a live strategy at one moment (percentages, not ratios).

    Attributes:
        total_profit_abs: Realized plus unrealized profit in stake currency.
        total_profit_pct: Total profit in percent of the starting balance.
        realized_profit_abs: Profit of closed trades.
        unrealized_profit_abs: Profit of open trades.
        closed_trade_count: Closed trades.
        open_trade_count: Open trades.
        win_rate_pct: Share of winning closed trades, 0-100.
        max_drawdown_pct: Maximum drawdown, 0-100 (positive).
        balance: Current balance in ``currency``.
        currency: The stake currency, e.g. ``"USDT"``.
        timestamp: When the figures were taken (UTC).

    Example:
        >>> pnl = StrategyPnL.from_freqtrade_profit(
        ...     {"profit_all_coin": 12.0, "profit_all_ratio": 0.012, "profit_closed_coin": 10.0,
        ...      "trade_count": 7, "closed_trade_count": 5, "winrate": 0.6,
        ...      "max_drawdown": 0.035},
        ...     balance=1012.0, currency="USDT",
        ... )
        >>> pnl.total_profit_pct, pnl.unrealized_profit_abs, pnl.win_rate_pct, pnl.max_drawdown_pct
        (1.2, 2.0, 60.0, 3.5)
    """

    model_config = ConfigDict(allow_inf_nan=False)

    total_profit_abs: StrictFloat
    total_profit_pct: StrictFloat
    realized_profit_abs: StrictFloat
    unrealized_profit_abs: StrictFloat
    closed_trade_count: StrictInt = Field(ge=0)
    open_trade_count: StrictInt = Field(ge=0)
    win_rate_pct: StrictFloat = Field(ge=0, le=100)
    max_drawdown_pct: StrictFloat = Field(ge=0, le=100)
    balance: StrictFloat = Field(ge=0)
    currency: str
    timestamp: UtcDatetime = Field(default_factory=utc_now)

    @field_validator("currency")
    @classmethod
    def _validate_currency(cls, value: str) -> str:
        validate_currency(value)
        return value

    @classmethod
    def from_freqtrade_profit(
        cls,
        payload: Mapping[str, Any],
        *,
        balance: float,
        currency: str,
        timestamp: _dt.datetime | None = None,
    ) -> StrategyPnL:
        """Build from Freqtrade's ``GET /api/v1/profit`` response, converting ratios to %.

        Uses ``profit_all_coin``, ``profit_all_ratio``, ``profit_closed_coin``,
        ``trade_count``, ``closed_trade_count``, ``winrate`` and ``max_drawdown``; the
        ratios (``profit_all_ratio``, ``winrate``, ``max_drawdown``) are multiplied by 100.
        The balance is not part of ``/profit`` (it comes from ``/balance``).

        Args:
            payload: The decoded JSON of ``/profit``.
            balance: Current balance in stake currency.
            currency: The stake currency.
            timestamp: When the figures were taken; now if omitted.

        Returns:
            The PnL snapshot.

        Raises:
            pydantic.ValidationError: If a needed key is missing or not a number.
        """
        total_abs = payload.get("profit_all_coin")
        closed_abs = payload.get("profit_closed_coin")
        data: dict[str, Any] = {
            "total_profit_abs": total_abs,
            "total_profit_pct": _to_pct(payload.get("profit_all_ratio")),
            "realized_profit_abs": closed_abs,
            "unrealized_profit_abs": _sub(total_abs, closed_abs),
            "closed_trade_count": payload.get("closed_trade_count"),
            "open_trade_count": _sub(payload.get("trade_count"), payload.get("closed_trade_count")),
            "win_rate_pct": _to_pct(payload.get("winrate")),
            "max_drawdown_pct": _to_pct(payload.get("max_drawdown")),
            "balance": balance,
            "currency": currency,
        }
        if timestamp is not None:
            data["timestamp"] = timestamp
        return cls.model_validate(data)


class LiveTrade(FrozenModel):
    """One open trade of a live strategy (``profit_pct`` is a percentage).

    Attributes:
        trade_id: Freqtrade's trade id.
        pair: Trading pair, e.g. ``"BTC/USDT:USDT"``.
        is_short: Whether the position is short.
        open_rate: Entry price.
        current_rate: Latest price.
        amount: Position size in base currency.
        stake_amount: Stake in stake currency.
        profit_abs: Unrealized profit in stake currency.
        profit_pct: Unrealized profit in percent.
        open_date: When the trade was opened (UTC).
        leverage: Leverage, at least 1.

    Example:
        >>> trade = LiveTrade.from_freqtrade_status({
        ...     "trade_id": 3, "pair": "BTC/USDT:USDT", "is_short": False, "open_rate": 100.0,
        ...     "current_rate": 105.0, "amount": 0.5, "stake_amount": 50.0, "profit_abs": 2.5,
        ...     "profit_ratio": 0.05, "open_timestamp": 1704067200000, "leverage": 2.0,
        ... })
        >>> trade.profit_pct, trade.open_date.isoformat()
        (5.0, '2024-01-01T00:00:00+00:00')
    """

    model_config = ConfigDict(allow_inf_nan=False)

    trade_id: StrictInt = Field(ge=0)
    pair: TradingPair
    is_short: StrictBool = False
    open_rate: StrictFloat = Field(gt=0)
    current_rate: StrictFloat = Field(gt=0)
    amount: StrictFloat = Field(gt=0)
    stake_amount: StrictFloat = Field(gt=0)
    profit_abs: StrictFloat
    profit_pct: StrictFloat
    open_date: UtcDatetime
    leverage: StrictFloat = Field(default=1.0, ge=1)

    @classmethod
    def from_freqtrade_status(cls, item: Mapping[str, Any]) -> LiveTrade:
        """Build from one entry of Freqtrade's ``GET /api/v1/status`` list.

        ``profit_ratio`` is multiplied by 100 into ``profit_pct``. ``open_timestamp``
        (milliseconds since the epoch) is preferred; otherwise ``open_date``
        (``"YYYY-MM-DD HH:MM:SS"``, UTC) is read. A missing ``leverage`` (spot) is 1.

        Args:
            item: One decoded trade object of ``/status``.

        Returns:
            The trade.

        Raises:
            pydantic.ValidationError: If a needed key is missing or invalid.
        """
        leverage = item.get("leverage")
        return cls.model_validate(
            {
                "trade_id": item.get("trade_id"),
                "pair": item.get("pair"),
                "is_short": item.get("is_short", False),
                "open_rate": item.get("open_rate"),
                "current_rate": item.get("current_rate"),
                "amount": item.get("amount"),
                "stake_amount": item.get("stake_amount"),
                "profit_abs": item.get("profit_abs"),
                "profit_pct": _to_pct(item.get("profit_ratio")),
                "open_date": _freqtrade_open_date(item),
                "leverage": 1.0 if leverage is None else leverage,
            }
        )


class TradingState(DynamoDBSerializableMixin):
    """Live trading container state for health monitoring (DynamoDB PK ``strategy_id``).

    Tracks the container lifecycle, not individual trades (Freqtrade handles those).

    Attributes:
        strategy_id: Strategy identifier (partition key).
        instance_id: Unique container instance id (ECS task id, ...).
        status: Current container status.
        config_snapshot: Frozen config at startup (for audit/debugging).
        last_heartbeat: Most recent heartbeat (UTC).
        started_at: When the container started (UTC).
        stopped_at: When the container stopped (if terminal).
        error: Error message if in ERROR status.
        pnl_snapshot: Latest PnL metrics as a JSON-safe dict.
        open_trades_snapshot: Latest open trades as ``{"trades": [...]}``.
        version: Optimistic-locking version, owned by the repository.

    Snapshots are stored as given: redact secrets (exchange keys) before snapshotting a
    config. Validation errors never echo the input (``hide_input_in_errors``).
    """

    model_config = ConfigDict(allow_inf_nan=False, hide_input_in_errors=True)

    strategy_id: Identifier
    instance_id: Identifier
    status: TradingStatus = TradingStatus.INITIALIZING
    config_snapshot: dict[str, Any] = Field(default_factory=dict)
    last_heartbeat: UtcDatetime = Field(default_factory=utc_now)
    started_at: UtcDatetime = Field(default_factory=utc_now)
    stopped_at: UtcDatetime | None = None
    error: str | None = Field(default=None, min_length=1, max_length=_MAX_ERROR_LEN)
    pnl_snapshot: dict[str, Any] = Field(default_factory=dict)
    open_trades_snapshot: dict[str, Any] = Field(default_factory=dict)
    version: StrictInt = Field(default=0, ge=0)

    @field_validator("config_snapshot", "pnl_snapshot", "open_trades_snapshot")
    @classmethod
    def validate_json_serializable(cls, v: dict[str, Any]) -> dict[str, Any]:
        """Ensure a snapshot is JSON serializable (and storable in DynamoDB).

        This prevents runtime errors when saving to DynamoDB.

        Args:
            v: The snapshot.

        Returns:
            The snapshot, with tuples turned into lists.

        Raises:
            ValueError: If it contains non-JSON-serializable objects, non-string keys,
                non-finite or out-of-range numbers, or is too large or too deep.
        """
        safe: dict[str, Any] = validate_json_data(v, max_depth=_MAX_DEPTH)
        if len(json.dumps(safe, allow_nan=False).encode("utf-8")) > _MAX_SNAPSHOT_BYTES:
            raise ValueError(f"snapshot is larger than {_MAX_SNAPSHOT_BYTES} bytes of JSON")
        return safe

    def _evolve(self, **changes: Any) -> Self:
        return self.model_validate({**self.model_dump(), **changes})

    def with_status(
        self,
        status: TradingStatus,
        error: str | None = None,
        *,
        now: _dt.datetime | None = None,
    ) -> TradingState:
        """Return a new instance with the status (and error) updated.

        Args:
            status: New container status.
            error: Optional error message (typically for ERROR); replaces the old one.
            now: The current time; the real clock if omitted.

        Returns:
            New TradingState instance with updated fields.

        Raises:
            ValidationError: If the lifecycle does not allow the transition.

        Note:
            - Terminal statuses (ERROR, STOPPED) set stopped_at to now
            - INITIALIZING clears stopped_at (for container restart scenarios)
            - Other statuses preserve the existing stopped_at value
        """
        if not self.status.can_transition_to(status):
            raise ValidationError(
                f"trading status cannot go from {self.status.value} to {status.value}",
                field="status",
                value=status.value,
            )
        stopped_at = self.stopped_at
        if status.is_terminal:
            stopped_at = now or utc_now()
        elif status is TradingStatus.INITIALIZING:
            stopped_at = None
        if error is not None and len(error) > _MAX_ERROR_LEN:
            error = error[: _MAX_ERROR_LEN - 3] + "..."
        return self._evolve(status=status, error=error or None, stopped_at=stopped_at)

    def with_heartbeat(self, *, now: _dt.datetime | None = None) -> TradingState:
        """Return a new instance with ``last_heartbeat`` set to now.

        Args:
            now: The current time; the real clock if omitted.

        Returns:
            New TradingState instance with updated last_heartbeat.
        """
        return self._evolve(last_heartbeat=now or utc_now())

    def with_metrics(self, pnl: StrategyPnL, trades: Sequence[LiveTrade]) -> TradingState:
        """Return a new instance with the PnL and open-trade snapshots replaced.

        Args:
            pnl: The latest PnL.
            trades: The open trades.

        Returns:
            New TradingState whose ``pnl_snapshot`` is ``pnl`` as JSON and whose
            ``open_trades_snapshot`` is ``{"trades": [...]}`` (datetimes as ISO strings).
        """
        return self._evolve(
            pnl_snapshot=pnl.model_dump(mode="json"),
            open_trades_snapshot={"trades": [t.model_dump(mode="json") for t in trades]},
        )

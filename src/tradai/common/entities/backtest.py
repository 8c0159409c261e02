"""Backtest entities: configuration, result, job status and queue message.

:class:`BacktestConfig` validation is on the hot path, so its format rules are schema
constraints run by pydantic-core; only the date-range check (and, when given,
``task_definition`` and ``config_version_id``) runs in Python. The patterns mirror
:mod:`tradai.common.validators` (``strategy`` and ``timeframe`` reuse its expressions; the
date pattern accepts exactly the real dates 0001-01-01..9999-12-31; symbols accept what
``validate_trading_pair`` accepts, upper-cased; ``strategy_version`` accepts the stage
names, ``latest`` and positive numbers). ``validate_date_is_real``,
``validate_symbols_format`` and ``validate_strategy_version`` apply the same rules to a
bare value; property tests prove that schema and classmethods agree. Floats are stored exactly
but DynamoDB itself only holds magnitudes between 1e-130 and 1e126.

Decisions where the reference is silent:

* Defaults: ``stake_amount`` 1000.0, ``exchange`` ``"binance_futures"`` (a CCXT id with an
  optional ``_spot``/``_margin``/``_futures`` suffix), ``strategy_version`` ``"latest"``;
  ``symbols`` holds 1-500 pairs.
* ``BacktestResult``: counts and profits default to 0; ``win_rate`` is 0-100; floats are
  finite and ``trades``/``raw_stats`` JSON-compatible, so a result always fits DynamoDB
  and JSON. ``from_mlflow_metrics`` reads keys named like the fields, drops non-finite
  values and keeps other keys in ``metrics``.
* ``BacktestJobStatus.version`` is the optimistic-lock counter as last stored;
  ``with_status()`` leaves it alone (the store writes ``version + 1`` conditionally), keeps
  the first ``started_at``/``completed_at``, refreshes ``updated_at`` and truncates
  ``error`` to 4,096 characters.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from typing import Annotated, Any, Self

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tradai.common.entities._base import DynamoDBSerializableMixin, FrozenModel, utc_now
from tradai.common.entities.aws import JobStatus
from tradai.common.exceptions import ValidationError
from tradai.common.types import Identifier, UtcDatetime
from tradai.common.validators import (
    STRATEGY_NAME_PATTERN,
    TIMEFRAME_PATTERN,
    validate_arn,
    validate_date_range,
    validate_date_string,
    validate_ecs_task_family,
    validate_trading_pair,
)

__all__ = ["BacktestConfig", "BacktestJobMessage", "BacktestJobStatus", "BacktestResult"]

_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_REAL_DATE_PATTERN = rf"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)$"
_PAIR_PATTERN = r"^[A-Za-z0-9]{1,20}/[A-Za-z0-9]{1,20}(?::[A-Za-z0-9]{1,20}(?:-[0-9]{6})?)?$"
_EXCHANGE_PATTERN = r"^[a-z][a-z0-9]{0,31}(?:_(?:spot|margin|futures))?$"
_STAGE_NAMES = frozenset({"latest", "Production", "Staging", "Archived", "None"})
_POSITIVE_INT_RE = re.compile(r"[1-9][0-9]{0,9}")
_STRATEGY_VERSION_PATTERN = (
    rf"^(?:latest|Production|Staging|Archived|None|{_POSITIVE_INT_RE.pattern})$"
)
_TASK_FAMILY_RE = re.compile(r"tradai-strategy(?:[-_][A-Za-z0-9_-]*)?")
_GIT_COMMIT_RE = re.compile(r"unknown|[0-9a-f]{7}|[0-9a-f]{40}")
_URI_PATTERN = r"^[a-z][a-z0-9+.-]*:[^\p{Cc}\s]+$"
_ERROR_MAX_CHARS = 4096

_Pair = Annotated[str, StringConstraints(pattern=_PAIR_PATTERN, to_upper=True)]
_Uri = Annotated[str, Field(max_length=2048, pattern=_URI_PATTERN)]
_VersionNumber = Annotated[str, Field(pattern=f"^{_POSITIVE_INT_RE.pattern}$")]


class BacktestConfig(FrozenModel):
    """Backtest configuration with validation.

    Defines all parameters needed to run a backtest. Validates that symbols are trading
    pairs and that the date range is real and not reversed.

    Attributes:
        strategy: Strategy name to backtest.
        timeframe: Trading timeframe (``"1h"``, ``"4h"``, ``"1d"``).
        start_date: Start date, ``YYYY-MM-DD``.
        end_date: End date, ``YYYY-MM-DD`` (not before ``start_date``).
        symbols: Trading pairs (``BTC/USDT`` or ``BTC/USDT:USDT``), upper-cased.
        stoploss: Optional stoploss ratio in ``[-1.0, 0.0]``.
        stake_amount: Position size in stake currency (> 0).
        exchange: Exchange key (``"binance"``, ``"binance_futures"``).
        strategy_version: ``"latest"``, an MLflow stage name or a version number.
        config_version_id: Optional ConfigVersion ID for reproducibility.
        task_definition: Optional ECS task definition of the ``tradai-strategy`` family.

    Example:
        >>> config = BacktestConfig(
        ...     strategy="PascalStrategy",
        ...     timeframe="1h",
        ...     start_date="2024-01-01",
        ...     end_date="2024-06-30",
        ...     symbols=["BTC/USDT:USDT", "ETH/USDT:USDT"],
        ...     exchange="binance_futures",
        ...     strategy_version="Production",
        ... )
        >>> config.timerange
        '20240101-20240630'
    """

    strategy: str = Field(pattern=STRATEGY_NAME_PATTERN)
    timeframe: str = Field(pattern=TIMEFRAME_PATTERN)
    start_date: str = Field(pattern=_REAL_DATE_PATTERN)
    end_date: str = Field(pattern=_REAL_DATE_PATTERN)
    symbols: list[_Pair] = Field(min_length=1, max_length=500)
    stoploss: float | None = Field(default=None, ge=-1.0, le=0.0)
    stake_amount: float = Field(default=1000.0, gt=0.0, allow_inf_nan=False)
    exchange: str = Field(default="binance_futures", pattern=_EXCHANGE_PATTERN)
    strategy_version: str = Field(default="latest", pattern=_STRATEGY_VERSION_PATTERN)
    config_version_id: Identifier | None = None
    task_definition: str | None = Field(default=None, max_length=1600)

    @classmethod
    def validate_date_is_real(cls, v: str) -> str:
        """Validate that a ``YYYY-MM-DD`` string is a real calendar date (C6).

        The fields' schema pattern enforces this in pydantic-core; this applies it in Python.

        Args:
            v: The date string.

        Returns:
            The date unchanged.

        Raises:
            ValueError: For a wrong format or an impossible date (``2024-02-30``).
        """
        return validate_date_string(v)

    @classmethod
    def validate_strategy_version(cls, v: str) -> str:
        """Validate the strategy_version format (the field's schema pattern enforces it too).

        Valid: ``"latest"`` (highest version), ``"Production"``, ``"Staging"``,
        ``"Archived"``, ``"None"`` (by MLflow stage or alias), or a positive integer string.

        Args:
            v: The version specifier.

        Returns:
            The specifier unchanged.

        Raises:
            ValueError: For anything else.
        """
        if v in _STAGE_NAMES or _POSITIVE_INT_RE.fullmatch(v):
            return v
        raise ValueError(
            f"strategy_version {v[:40]!r} must be 'latest', a stage name "
            "(Production, Staging, Archived, None) or a positive version number"
        )

    @field_validator("task_definition")
    @classmethod
    def validate_task_definition(cls, v: str | None) -> str | None:
        """Restrict task_definition to the tradai-strategy naming convention.

        Accepts a family name (``tradai-strategy...``) with an optional ``:revision``,
        or the full ECS task-definition ARN of such a family, so that an untrusted config
        cannot point a job at an arbitrary task definition.

        Args:
            v: Family[:revision] or ARN, or ``None``.

        Returns:
            The value unchanged.

        Raises:
            ValueError: If it names another family or is malformed.
        """
        if v is None:
            return v
        ref = v
        if v.startswith("arn:"):
            validate_arn(v, service="ecs")
            _, sep, ref = v.rpartition(":task-definition/")
            if not sep or ":" not in ref:
                raise ValueError("task definition ARN must end in task-definition/family:rev")
        family, sep, revision = ref.partition(":")
        validate_ecs_task_family(family)
        if _TASK_FAMILY_RE.fullmatch(family) is None:
            raise ValueError(f"task definition family {family!r} is not a tradai-strategy one")
        if sep and _POSITIVE_INT_RE.fullmatch(revision) is None:
            raise ValueError(f"task definition revision {revision!r} must be a positive integer")
        return v

    @classmethod
    def validate_symbols_format(cls, v: list[str]) -> list[str]:
        """Validate that every symbol is a trading pair (no injection); upper-case them.

        The field's schema does this in pydantic-core; this applies ``validate_trading_pair``.

        Args:
            v: Pairs such as ``"BTC/USDT"`` or ``"btc/usdt:usdt"``.

        Returns:
            The pairs upper-cased.

        Raises:
            ValueError: If a symbol is not ``BASE/QUOTE[:SETTLE]``.
        """
        return [validate_trading_pair(s) for s in v]

    @model_validator(mode="after")
    def validate_date_range(self) -> Self:
        """Ensure end_date is not before start_date.

        Returns:
            The config.

        Raises:
            ValueError: If the range is reversed.
        """
        if self.end_date < self.start_date:
            validate_date_range(self.start_date, self.end_date)
        return self

    @property
    def timerange(self) -> str:
        """The Freqtrade ``--timerange`` value, ``YYYYMMDD-YYYYMMDD``.

        Returns:
            Start and end dates without dashes, joined by ``-``.
        """
        return f"{self.start_date.replace('-', '')}-{self.end_date.replace('-', '')}"


def _check_json_safe(value: Any, field: str) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{field} must be JSON-compatible with finite numbers: {exc}") from None


class BacktestResult(FrozenModel):
    """Backtest execution result: Freqtrade's key metrics, trades and stats.

    Attributes:
        total_trades: Total number of trades executed.
        winning_trades: Number of profitable trades (at most ``total_trades``).
        losing_trades: Number of losing trades.
        draw_trades: Number of break-even trades.
        total_profit: Total profit in stake currency.
        total_profit_pct: Total profit as percentage.
        profit_factor: Ratio of gross profit to gross loss.
        sharpe_ratio: Risk-adjusted return.
        sortino_ratio: Downside risk-adjusted return.
        calmar_ratio: Return over max drawdown.
        sqn: System Quality Number.
        cagr: Compound Annual Growth Rate.
        max_drawdown: Maximum drawdown in stake currency.
        max_drawdown_pct: Maximum drawdown as a positive percentage.
        win_rate: Percentage of winning trades (0-100).
        metrics: Additional custom metrics.
        trades: Raw trade data (limited by the producer).
        raw_stats: Full raw stats from Freqtrade.
        mlflow_run_id: MLflow run ID for traceability.
        config_artifact_uri: URI of the config artifact in MLflow.
        results_artifact_uri: URI of the results file (S3).
        job_id: Backtest job ID for reverse lookup.
        git_commit: Git commit SHA for reproducibility.
        resolved_strategy_version: Resolved MLflow version number.
        config_version_id: ConfigVersion ID used for this backtest.

    Example:
        >>> result = BacktestResult(total_trades=10, winning_trades=6, max_drawdown_pct=-12.5)
        >>> result.max_drawdown_pct
        12.5
    """

    model_config = ConfigDict(allow_inf_nan=False)

    total_trades: int = Field(default=0, ge=0)
    winning_trades: int = Field(default=0, ge=0)
    losing_trades: int = Field(default=0, ge=0)
    draw_trades: int = Field(default=0, ge=0)
    total_profit: float = 0.0
    total_profit_pct: float = 0.0
    profit_factor: float | None = Field(default=None, ge=0.0)
    sharpe_ratio: float | None = None
    sortino_ratio: float | None = None
    calmar_ratio: float | None = None
    sqn: float | None = None
    cagr: float | None = None
    max_drawdown: float | None = None
    max_drawdown_pct: float | None = None
    win_rate: float | None = Field(default=None, ge=0.0, le=100.0)
    metrics: dict[str, float] = Field(default_factory=dict)
    trades: list[dict[str, Any]] = Field(default_factory=list)
    raw_stats: dict[str, Any] = Field(default_factory=dict)
    mlflow_run_id: Identifier | None = None
    config_artifact_uri: _Uri | None = None
    results_artifact_uri: _Uri | None = None
    job_id: Identifier | None = None
    git_commit: str | None = None
    resolved_strategy_version: _VersionNumber | None = None
    config_version_id: Identifier | None = None

    @field_validator("max_drawdown_pct")
    @classmethod
    def normalize_drawdown_sign(cls, v: float | None) -> float | None:
        """Normalize max_drawdown_pct to a positive percentage.

        Args:
            v: Drawdown percentage, either sign.

        Returns:
            Its absolute value, or ``None``.
        """
        return None if v is None else abs(v)

    @field_validator("winning_trades")
    @classmethod
    def validate_winning_trades(cls, v: int, info: ValidationInfo) -> int:
        """Ensure winning trades <= total trades.

        Args:
            v: Winning trades.
            info: Validation info holding the already validated ``total_trades``.

        Returns:
            The count unchanged.

        Raises:
            ValueError: If it exceeds ``total_trades``.
        """
        total = info.data.get("total_trades")
        if total is not None and v > total:
            raise ValueError(f"winning_trades ({v}) exceeds total_trades ({total})")
        return v

    @field_validator("git_commit")
    @classmethod
    def validate_git_commit(cls, v: str | None) -> str | None:
        """Validate the git commit SHA format (P1.3).

        Accepts ``None`` (no git info), ``"unknown"`` (not in a git repository), a 7-char
        short SHA or a 40-char full SHA (hex, normalised to lower case).

        Args:
            v: The commit reference.

        Returns:
            The value, lower-cased.

        Raises:
            ValueError: For anything else.
        """
        if v is None:
            return v
        lowered = v.lower() if v.isascii() else v
        if _GIT_COMMIT_RE.fullmatch(lowered) is None:
            raise ValueError("git_commit must be 'unknown' or a 7- or 40-character hex SHA")
        return lowered

    @field_validator("trades", "raw_stats")
    @classmethod
    def _json_safe(cls, v: Any, info: ValidationInfo) -> Any:
        _check_json_safe(v, str(info.field_name))
        return v

    @classmethod
    def from_mlflow_metrics(
        cls,
        metrics: dict[str, float],
        mlflow_run_id: str,
        config_artifact_uri: str | None = None,
    ) -> BacktestResult:
        """Create a BacktestResult from an MLflow run's flat metrics dict.

        Keys named like a numeric field (``total_trades``, ``sharpe_ratio``...) fill that
        field; the other keys go to ``metrics``. Non-finite values are treated as missing.

        Args:
            metrics: MLflow run metrics (``run.data.metrics``).
            mlflow_run_id: MLflow run ID for traceability.
            config_artifact_uri: Optional URI of the config artifact.

        Returns:
            The result with metrics populated from the dict.

        Raises:
            pydantic.ValidationError: If a value is invalid (``winning_trades`` above
                ``total_trades``, a fractional count...).

        Example:
            >>> result = BacktestResult.from_mlflow_metrics(
            ...     {"total_trades": 12.0, "sharpe_ratio": 1.4, "exposure": 0.3}, "run1"
            ... )
            >>> result.total_trades, result.sharpe_ratio, result.metrics
            (12, 1.4, {'exposure': 0.3})
        """
        known = _METRIC_FIELDS
        finite = {k: v for k, v in metrics.items() if math.isfinite(v)}
        fields: dict[str, Any] = {k: v for k, v in finite.items() if k in known}
        fields["metrics"] = {k: v for k, v in finite.items() if k not in known}
        fields["mlflow_run_id"] = mlflow_run_id
        fields["config_artifact_uri"] = config_artifact_uri
        return cls.model_validate(fields)


_METRIC_FIELDS = frozenset(
    name
    for name, info in BacktestResult.model_fields.items()
    if info.annotation in (int, float, float | None)
)


def _updated_default(data: dict[str, Any]) -> _dt.datetime:
    created = data.get("created_at")
    return created if isinstance(created, _dt.datetime) else utc_now()


class BacktestJobStatus(DynamoDBSerializableMixin):
    """State of one queued backtest job, stored in DynamoDB.

    Attributes:
        job_id: Job identifier (partition key).
        status: Current status.
        config: The backtest configuration.
        result: The result, once completed.
        error: Error message, when failed.
        created_at: When the job was created (UTC).
        updated_at: Last change (UTC); defaults to ``created_at``.
        started_at: When it started running.
        completed_at: When it reached a terminal status.
        ttl: Expiry as epoch seconds (DynamoDB TTL attribute).
        version: Optimistic-lock counter as last stored.

    Example:
        >>> config = BacktestConfig(strategy="S", timeframe="1h", start_date="2024-01-01",
        ...                         end_date="2024-01-31", symbols=["BTC/USDT"])
        >>> job = BacktestJobStatus(job_id="job-1", config=config)
        >>> running = job.with_status(JobStatus.RUNNING)
        >>> running.status.value, running.started_at is not None, job.status.value
        ('running', True, 'pending')
        >>> BacktestJobStatus.from_dynamodb_item(running.to_dynamodb_item()) == running
        True
    """

    job_id: Identifier
    status: JobStatus = JobStatus.PENDING
    config: BacktestConfig
    result: BacktestResult | None = None
    error: str | None = None
    created_at: UtcDatetime = Field(default_factory=utc_now)
    updated_at: UtcDatetime = Field(default_factory=_updated_default)
    started_at: UtcDatetime | None = None
    completed_at: UtcDatetime | None = None
    ttl: int | None = Field(default=None, ge=0)
    version: int = Field(default=0, ge=0)

    def with_status(
        self,
        status: JobStatus,
        *,
        error: str | None = None,
        result: BacktestResult | None = None,
    ) -> Self:
        """Return a copy moved to ``status`` (the instance itself is unchanged).

        Sets ``started_at`` on the first move to ``RUNNING`` and ``completed_at`` on the
        first move to a terminal status; always refreshes ``updated_at``.

        Args:
            status: The new status.
            error: Error message to record (truncated to 4,096 characters).
            result: Result to record.

        Returns:
            The new job state.

        Raises:
            ValidationError: If :meth:`JobStatus.can_transition_to` forbids the move.
        """
        status = JobStatus(status)
        if not self.status.can_transition_to(status):
            raise ValidationError(
                f"job {self.job_id}: cannot move from {self.status.value} to {status.value}",
                field="status",
                value=status.value,
                context={"job_id": self.job_id, "from": self.status.value},
            )
        now = utc_now()
        updates: dict[str, Any] = {"status": status, "updated_at": now}
        if status is JobStatus.RUNNING and self.started_at is None:
            updates["started_at"] = now
        if status.is_terminal and self.completed_at is None:
            updates["completed_at"] = now
        if error is not None:
            updates["error"] = error[:_ERROR_MAX_CHARS]
        if result is not None:
            updates["result"] = result
        return type(self).model_validate({**dict(self), **updates})


class BacktestJobMessage(FrozenModel):
    """SQS message body that asks a worker to run a backtest job.

    Attributes:
        job_id: The job to run.
        config: Its configuration.
        correlation_id: Request correlation ID, for tracing.
        created_at: When the message was created (UTC).
        attempt: Delivery attempt, starting at 1.

    Example:
        >>> config = BacktestConfig(strategy="S", timeframe="1h", start_date="2024-01-01",
        ...                         end_date="2024-01-31", symbols=["BTC/USDT"])
        >>> message = BacktestJobMessage(job_id="job-1", config=config)
        >>> BacktestJobMessage.from_sqs_body(message.to_sqs_body()) == message
        True
    """

    job_id: Identifier
    config: BacktestConfig
    correlation_id: Identifier | None = None
    created_at: UtcDatetime = Field(default_factory=utc_now)
    attempt: int = Field(default=1, ge=1)

    def to_sqs_body(self) -> str:
        """Serialise to the JSON string sent as the SQS message body.

        Returns:
            The JSON document.
        """
        return self.model_dump_json()

    @classmethod
    def from_sqs_body(cls, body: str | bytes) -> Self:
        """Parse an SQS message body.

        Args:
            body: The JSON document.

        Returns:
            The message.

        Raises:
            pydantic.ValidationError: If the body is not valid JSON or not a valid message.
        """
        return cls.model_validate_json(body)

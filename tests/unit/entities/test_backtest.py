"""Backtest entities: the reference's examples, every validator, transitions, round trips."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pydantic
import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import (
    BacktestConfig,
    BacktestJobMessage,
    BacktestJobStatus,
    BacktestResult,
)
from tradai.common.exceptions import ValidationError

BASE: dict[str, Any] = {
    "strategy": "PascalStrategy",
    "timeframe": "1h",
    "start_date": "2024-01-01",
    "end_date": "2024-06-30",
    "symbols": ["BTC/USDT:USDT", "ETH/USDT:USDT"],
}
TASK_ARN = "arn:aws:ecs:eu-central-1:123456789012:task-definition/tradai-strategy-pascal:7"


def config(**changes: Any) -> BacktestConfig:
    return BacktestConfig.model_validate({**BASE, **changes})


def wire_round_trip(item: dict[str, Any]) -> dict[str, Any]:
    """Through boto3's own (strict) DynamoDB wire serializer and back."""
    serializer, deserializer = TypeSerializer(), TypeDeserializer()
    wire = {k: serializer.serialize(v) for k, v in item.items()}
    return {k: deserializer.deserialize(v) for k, v in json.loads(json.dumps(wire)).items()}


# --- BacktestConfig: documented example and defaults ---------------------------------


def test_documented_example_validates() -> None:
    config = BacktestConfig(
        strategy="PascalStrategy",
        timeframe="1h",
        start_date="2024-01-01",
        end_date="2024-06-30",
        symbols=["BTC/USDT:USDT", "ETH/USDT:USDT"],
        exchange="binance_futures",
        strategy_version="Production",
    )
    assert config.symbols == ["BTC/USDT:USDT", "ETH/USDT:USDT"]
    assert config.strategy_version == "Production"


def test_defaults_and_freqtrade_timerange() -> None:
    cfg = config()
    assert (cfg.stoploss, cfg.stake_amount, cfg.exchange) == (None, 1000.0, "binance_futures")
    assert (cfg.strategy_version, cfg.config_version_id, cfg.task_definition) == (
        "latest",
        None,
        None,
    )
    assert cfg.timerange == "20240101-20240630"


def test_config_is_frozen_and_forbids_unknown_fields() -> None:
    with pytest.raises(pydantic.ValidationError):
        config().strategy = "Other"  # type: ignore[misc]  # proving the model is frozen
    with pytest.raises(pydantic.ValidationError, match="stop_loss"):
        config(stop_loss=-0.1)


# --- BacktestConfig: symbols ---------------------------------------------------------


def test_symbols_are_normalised_to_upper_case() -> None:
    assert config(symbols=["btc/usdt", "Eth/Usdt:usdt"]).symbols == ["BTC/USDT", "ETH/USDT:USDT"]


@pytest.mark.parametrize(
    "symbol",
    [
        "BTCUSDT",
        "BTC/",
        "/USDT",
        "BTC/USDT:",
        "BTC/USDT\n",
        " BTC/USDT",
        "BTC/USDT;rm -rf /",
        "BTC/USDT|x",
        "$(id)/USDT",
        "BTC/USDT`",
        "-BTC/USDT",
        "ВТС/USDT",
        "BTC/ＵSDT",
        "BTC/USDT\x00",
        "ı/USDT",
        "A" * 21 + "/USDT",
    ],
)
def test_symbol_near_misses_are_rejected_naming_symbols(symbol: str) -> None:
    with pytest.raises(pydantic.ValidationError) as excinfo:
        config(symbols=["ETH/USDT", symbol])
    assert excinfo.value.errors()[0]["loc"] == ("symbols", 1)


def test_symbols_must_not_be_empty() -> None:
    with pytest.raises(pydantic.ValidationError, match="symbols"):
        config(symbols=[])


def test_validate_symbols_format_classmethod_uses_validate_trading_pair() -> None:
    assert BacktestConfig.validate_symbols_format(["btc/usdt"]) == ["BTC/USDT"]
    with pytest.raises(ValueError, match="trading pair"):
        BacktestConfig.validate_symbols_format(["BTC-USDT"])


# --- BacktestConfig: dates ------------------------------------------------------------


@pytest.mark.parametrize("day", ["2024-02-29", "2000-02-29", "1999-12-31", "0001-01-01"])
def test_real_calendar_dates_are_accepted(day: str) -> None:
    assert config(start_date=day, end_date="9999-12-31").start_date == day


@pytest.mark.parametrize(
    "day",
    [
        "2024-02-30",
        "2023-02-29",
        "1900-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "0000-01-01",
        "2024-1-01",
        "20240101",
        "2024-01-01\n",
        "2024-01-01 ",
        "2024-01-01T00:00",
        "２024-01-01",
        "2024/01/01",
    ],
)
def test_impossible_or_malformed_dates_are_rejected_naming_the_field(day: str) -> None:
    with pytest.raises(pydantic.ValidationError) as excinfo:
        config(start_date=day, end_date="2030-01-01")
    assert excinfo.value.errors()[0]["loc"] == ("start_date",)


def test_validate_date_is_real_classmethod_catches_impossible_dates() -> None:
    assert BacktestConfig.validate_date_is_real("2024-02-29") == "2024-02-29"
    with pytest.raises(ValueError, match="real calendar date"):
        BacktestConfig.validate_date_is_real("2024-02-30")


def test_reversed_date_range_is_rejected_and_a_single_day_is_allowed() -> None:
    with pytest.raises(pydantic.ValidationError, match="before start date"):
        config(start_date="2024-06-30", end_date="2024-01-01")
    assert config(start_date="2024-06-30", end_date="2024-06-30").timerange == "20240630-20240630"


# --- BacktestConfig: other fields ----------------------------------------------------


@pytest.mark.parametrize(
    "version", ["latest", "Production", "Staging", "Archived", "None", "1", "42", "1234567890"]
)
def test_strategy_version_accepts_latest_stages_and_positive_numbers(version: str) -> None:
    assert config(strategy_version=version).strategy_version == version
    assert BacktestConfig.validate_strategy_version(version) == version


@pytest.mark.parametrize(
    "version",
    [
        "",
        "0",
        "01",
        "-1",
        "1.0",
        "production",
        "PRODUCTION",
        "Latest",
        "Production\n",
        " 1",
        "１",
        "v1",
    ],
)
def test_strategy_version_near_misses_are_rejected(version: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="strategy_version"):
        config(strategy_version=version)


@pytest.mark.parametrize(
    "task",
    [
        "tradai-strategy",
        "tradai-strategy:3",
        "tradai-strategy-pascal",
        "tradai-strategy_pascal:12",
        TASK_ARN,
        "arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/tradai-strategy:1",
    ],
)
def test_task_definitions_of_the_tradai_strategy_family_are_accepted(task: str) -> None:
    assert config(task_definition=task).task_definition == task


@pytest.mark.parametrize(
    "task",
    [
        "",
        "evil-task",
        "tradai-strategyx",
        "my-tradai-strategy",
        "tradai-strategy:0",
        "tradai-strategy:abc",
        "tradai-strategy:1:2",
        "tradai-strategy;rm -rf /",
        " tradai-strategy",
        "tradai-strategy\n",
        "tradai-strategy-pаscal",
        "arn:aws:ecs:eu-central-1:123456789012:task-definition/evil:1",
        "arn:aws:ecs:eu-central-1:123456789012:task-definition/tradai-strategy",
        "arn:aws:iam::123456789012:role/tradai-strategy:1",
        "arn:aws:ecs:eu-central-1:123456789012:service/tradai-strategy:1",
    ],
)
def test_other_task_definitions_are_rejected(task: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="task_definition"):
        config(task_definition=task)


def test_validate_task_definition_passes_none_through() -> None:
    assert BacktestConfig.validate_task_definition(None) is None


@pytest.mark.parametrize("stoploss", [-1.0, -0.1, 0.0])
def test_stoploss_within_minus_one_and_zero_is_accepted(stoploss: float) -> None:
    assert config(stoploss=stoploss).stoploss == stoploss


@pytest.mark.parametrize("stoploss", [-1.01, 0.01, 1.0, math.nan, -math.inf])
def test_stoploss_outside_the_range_is_rejected(stoploss: float) -> None:
    with pytest.raises(pydantic.ValidationError, match="stoploss"):
        config(stoploss=stoploss)


@pytest.mark.parametrize("stake", [0.0, -1.0, math.inf, math.nan])
def test_stake_amount_must_be_positive_and_finite(stake: float) -> None:
    with pytest.raises(pydantic.ValidationError, match="stake_amount"):
        config(stake_amount=stake)


@pytest.mark.parametrize("exchange", ["binance", "binance_futures", "okx_spot", "gateio_margin"])
def test_exchange_keys_are_accepted(exchange: str) -> None:
    assert config(exchange=exchange).exchange == exchange


@pytest.mark.parametrize(
    "exchange", ["", "Binance", "binance_perp", "binance-futures", "binance ", "1inch", "bin;ance"]
)
def test_malformed_exchange_keys_are_rejected(exchange: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="exchange"):
        config(exchange=exchange)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("strategy", "1Strategy"),
        ("strategy", "Pascal Strategy"),
        ("strategy", "Pascal\n"),
        ("timeframe", "0h"),
        ("timeframe", "1H"),
        ("timeframe", "1h\n"),
        ("timeframe", "１h"),
        ("config_version_id", "-v1"),
        ("config_version_id", "v1 ;"),
    ],
)
def test_strategy_timeframe_and_config_version_near_misses_are_rejected(
    field: str, value: str
) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        config(**{field: value})


# --- BacktestResult ------------------------------------------------------------------


def test_from_mlflow_metrics_follows_the_documented_usage() -> None:
    run_id = "0123456789abcdef0123456789abcdef"
    run = SimpleNamespace(
        data=SimpleNamespace(
            metrics={"total_trades": 20.0, "winning_trades": 12.0, "sharpe_ratio": 1.8}
        )
    )
    result = BacktestResult.from_mlflow_metrics(run.data.metrics, run_id)
    assert (result.total_trades, result.winning_trades, result.sharpe_ratio) == (20, 12, 1.8)
    assert result.mlflow_run_id == run_id


def test_from_mlflow_metrics_keeps_extras_and_drops_non_finite_values() -> None:
    result = BacktestResult.from_mlflow_metrics(
        {"total_trades": 3.0, "profit_factor": math.inf, "exposure": 0.5, "odd": math.nan},
        "run-1",
        config_artifact_uri="mlflow-artifacts:/1/abc/artifacts/config.json",
    )
    assert result.profit_factor is None
    assert result.metrics == {"exposure": 0.5}
    assert result.config_artifact_uri == "mlflow-artifacts:/1/abc/artifacts/config.json"


def test_from_mlflow_metrics_rejects_fractional_counts() -> None:
    with pytest.raises(pydantic.ValidationError, match="total_trades"):
        BacktestResult.from_mlflow_metrics({"total_trades": 2.5}, "run-1")


@pytest.mark.parametrize("pct", [-12.5, 12.5])
def test_normalize_drawdown_sign_makes_drawdown_pct_positive(pct: float) -> None:
    assert BacktestResult(max_drawdown_pct=pct).max_drawdown_pct == 12.5
    assert BacktestResult.normalize_drawdown_sign(None) is None


def test_winning_trades_may_not_exceed_total_trades() -> None:
    assert BacktestResult(total_trades=5, winning_trades=5).winning_trades == 5
    with pytest.raises(pydantic.ValidationError, match="exceeds total_trades"):
        BacktestResult(total_trades=5, winning_trades=6)


def test_winning_trades_check_is_skipped_when_total_is_itself_invalid() -> None:
    with pytest.raises(pydantic.ValidationError) as excinfo:
        BacktestResult(total_trades=-1, winning_trades=6)
    assert [e["loc"] for e in excinfo.value.errors()] == [("total_trades",)]


@pytest.mark.parametrize(
    ("commit", "stored"),
    [
        (None, None),
        ("unknown", "unknown"),
        ("abc1234", "abc1234"),
        ("ABC1234", "abc1234"),
        ("a" * 40, "a" * 40),
    ],
)
def test_git_commit_accepts_unknown_short_and_full_shas(commit: str | None, stored: str) -> None:
    assert BacktestResult(git_commit=commit).git_commit == stored


@pytest.mark.parametrize(
    "commit", ["", "abc123", "abc12345", "g" * 7, "a" * 40 + "\n", "Unknown ", "ａbc1234"]
)
def test_git_commit_near_misses_are_rejected(commit: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="git_commit"):
        BacktestResult(git_commit=commit)


@pytest.mark.parametrize(
    "changes",
    [
        {"sharpe_ratio": math.inf},
        {"metrics": {"x": math.nan}},
        {"trades": [{"profit": math.nan}]},
        {"raw_stats": {"when": dt.datetime(2024, 1, 1)}},
        {"win_rate": 100.5},
        {"profit_factor": -0.1},
        {"results_artifact_uri": "no scheme"},
        {"resolved_strategy_version": "0"},
    ],
)
def test_result_rejects_unstorable_or_out_of_range_values(changes: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError, match=next(iter(changes))):
        BacktestResult(**changes)


# --- BacktestJobStatus ---------------------------------------------------------------


def full_result() -> BacktestResult:
    return BacktestResult(
        total_trades=10,
        winning_trades=6,
        losing_trades=3,
        draw_trades=1,
        total_profit=123.456,
        total_profit_pct=12.3456,
        sharpe_ratio=0.1 + 0.2,
        max_drawdown_pct=-5.5,
        metrics={"exposure": 1e-7, "big": 1.5e20},
        trades=[{"pair": "BTC/USDT", "profit": -0.0, "n": 3, "meta": None}],
        raw_stats={"nested": {"list": [1, 2.5, "x", True]}},
        mlflow_run_id="0123456789abcdef0123456789abcdef",
        results_artifact_uri="s3://tradai-results/job-1/result.json",
        git_commit="abc1234",
        resolved_strategy_version="7",
    )


def test_new_job_is_pending_with_updated_at_equal_to_created_at() -> None:
    job = BacktestJobStatus(job_id="job-1", config=config())
    assert job.status is JobStatus.PENDING
    assert job.updated_at == job.created_at
    assert (job.started_at, job.completed_at, job.result, job.error, job.version) == (
        None,
        None,
        None,
        None,
        0,
    )


def test_with_status_returns_a_new_instance_and_sets_timestamps() -> None:
    job = BacktestJobStatus(job_id="job-1", config=config(), version=3)
    running = job.with_status(JobStatus.RUNNING)
    assert job.status is JobStatus.PENDING
    assert running.status is JobStatus.RUNNING
    assert running.started_at is not None
    assert running.updated_at == running.started_at >= job.created_at
    done = running.with_status(JobStatus.COMPLETED, result=full_result())
    assert done.completed_at is not None
    assert done.started_at == running.started_at
    assert done.result == full_result()
    assert done.version == 3


def test_same_state_transition_is_idempotent_and_keeps_first_timestamps() -> None:
    done = (
        BacktestJobStatus(job_id="job-1", config=config())
        .with_status(JobStatus.RUNNING)
        .with_status(JobStatus.COMPLETED)
    )
    again = done.with_status(JobStatus.COMPLETED)
    assert again.completed_at == done.completed_at
    assert again.updated_at >= done.updated_at


def test_failure_records_a_truncated_error() -> None:
    job = BacktestJobStatus(job_id="job-1", config=config())
    failed = job.with_status(JobStatus.FAILED, error="x" * 10_000)
    assert failed.error == "x" * 4096
    assert failed.completed_at is not None


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (JobStatus.RUNNING, JobStatus.PENDING),
        (JobStatus.PENDING, JobStatus.COMPLETED),
        (JobStatus.COMPLETED, JobStatus.RUNNING),
        (JobStatus.FAILED, JobStatus.COMPLETED),
        (JobStatus.CANCELLED, JobStatus.PENDING),
    ],
)
def test_illegal_transitions_raise_validation_error(source: JobStatus, target: JobStatus) -> None:
    job = BacktestJobStatus(job_id="job-1", config=config(), status=source)
    with pytest.raises(ValidationError, match="cannot move") as excinfo:
        job.with_status(target)
    assert isinstance(excinfo.value, ValueError)
    assert excinfo.value.field == "status"
    assert excinfo.value.context["from"] == source.value


def test_job_round_trips_exactly_through_a_dynamodb_item() -> None:
    job = (
        BacktestJobStatus(job_id="job-1", config=config(stoploss=-0.1, stake_amount=0.1), ttl=99)
        .with_status(JobStatus.RUNNING)
        .with_status(JobStatus.COMPLETED, result=full_result())
    )
    item = job.to_dynamodb_item()
    assert item["status"] == "completed"
    assert item["config"]["stake_amount"] == Decimal("0.1")
    assert isinstance(item["completed_at"], str)
    assert BacktestJobStatus.from_dynamodb_item(item) == job
    assert BacktestJobStatus.from_dynamodb_item(wire_round_trip(item)) == job


def test_job_rejects_unknown_status_and_negative_version() -> None:
    with pytest.raises(pydantic.ValidationError, match="status"):
        BacktestJobStatus(job_id="job-1", config=config(), status="paused")  # type: ignore[arg-type]  # invalid on purpose
    with pytest.raises(pydantic.ValidationError, match="version"):
        BacktestJobStatus(job_id="job-1", config=config(), version=-1)


# --- BacktestJobMessage --------------------------------------------------------------


def test_message_round_trips_through_an_sqs_body() -> None:
    message = BacktestJobMessage(
        job_id="job-1", config=config(stoploss=-0.05), correlation_id="req-42", attempt=2
    )
    body = message.to_sqs_body()
    assert json.loads(body)["config"]["symbols"] == ["BTC/USDT:USDT", "ETH/USDT:USDT"]
    assert BacktestJobMessage.from_sqs_body(body) == message
    assert BacktestJobMessage.from_sqs_body(body.encode()) == message


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{}",
        '{"job_id": "job-1"}',
        json.dumps({"job_id": "job-1", "config": {**BASE, "symbols": ["BTC/USDT;rm"]}}),
        json.dumps({"job_id": "job-1", "config": BASE, "attempt": 0}),
    ],
)
def test_invalid_sqs_bodies_raise_pydantic_validation_error(body: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        BacktestJobMessage.from_sqs_body(body)

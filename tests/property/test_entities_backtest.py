"""Hypothesis: BacktestConfig, S3Path and JobStatus transitions.

Valid values are accepted and round-trip exactly (dump/validate, JSON, DynamoDB items
through boto3's wire serializer); near-misses raise pydantic's ValidationError and
nothing else; the schema patterns agree with the validator functions they mirror.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pydantic
import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.entities.aws import JobStatus, S3Path
from tradai.common.entities.backtest import (
    BacktestConfig,
    BacktestJobMessage,
    BacktestJobStatus,
    BacktestResult,
)
from tradai.common.exceptions import ValidationError
from tradai.common.validators import (
    validate_date_string,
    validate_strategy_name,
    validate_timeframe,
    validate_trading_pair,
)

BASE: dict[str, Any] = {
    "strategy": "S",
    "timeframe": "1h",
    "start_date": "2024-01-01",
    "end_date": "2024-01-31",
    "symbols": ["BTC/USDT"],
}
NEAR_MISS_SUFFIXES = ["\n", "\x00", " ", ";", "|", "&", "$", "`", "А", "１", "\u00a0"]
NEAR_MISS_PREFIXES = [" ", "-", "\t", "А", "１", ";"]

# --- strategies -----------------------------------------------------------------------

_pair = st.from_regex(r"[A-Za-z0-9]{1,8}/[A-Za-z0-9]{1,8}(:[A-Za-z0-9]{1,8})?", fullmatch=True)
_dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
_storable = st.floats(
    min_value=-1e100, max_value=1e100, allow_nan=False, allow_subnormal=False
).filter(lambda x: x == 0 or abs(x) >= 1e-100)


@st.composite
def config_data(draw: st.DrawFn) -> dict[str, Any]:
    start, end = sorted(draw(st.tuples(_dates, _dates)))
    return {
        "strategy": draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,30}", fullmatch=True)),
        "timeframe": draw(st.from_regex(r"[1-9][0-9]{0,3}[smhdwM]", fullmatch=True)),
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "symbols": draw(st.lists(_pair, min_size=1, max_size=5)),
        "stoploss": draw(st.none() | _storable.filter(lambda x: -1.0 <= x <= 0.0)),
        "stake_amount": draw(_storable.filter(lambda x: x > 0)),
        "exchange": draw(
            st.from_regex(r"[a-z][a-z0-9]{0,10}(_(spot|margin|futures))?", fullmatch=True)
        ),
        "strategy_version": draw(
            st.sampled_from(["latest", "Production", "Staging", "Archived", "None"])
            | st.integers(1, 9_999_999_999).map(str)
        ),
    }


def _near_miss(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda s, x: s + x, valid, st.sampled_from(NEAR_MISS_SUFFIXES)),
        st.builds(lambda s, x: x + s, valid, st.sampled_from(NEAR_MISS_PREFIXES)),
    )


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    ser, de = TypeSerializer(), TypeDeserializer()
    wire = json.loads(json.dumps({k: ser.serialize(v) for k, v in item.items()}))
    return {k: de.deserialize(v) for k, v in wire.items()}


def _accepts(func: Any, value: str) -> bool:
    try:
        func(value)
    except ValueError:
        return False
    return True


# --- BacktestConfig -------------------------------------------------------------------


@settings(max_examples=80)
@given(config_data())
def test_valid_configs_are_accepted_and_round_trip(data: dict[str, Any]) -> None:
    cfg = BacktestConfig.model_validate(data)
    assert cfg.symbols == [s.upper() for s in data["symbols"]]
    assert BacktestConfig.model_validate(cfg.model_dump()) == cfg
    assert BacktestConfig.model_validate_json(cfg.model_dump_json()) == cfg
    assert len(cfg.timerange) == 17


@settings(max_examples=60)
@given(config_data(), _storable, st.lists(_storable, max_size=3), st.text(max_size=20))
def test_jobs_round_trip_exactly_through_dynamodb_items(
    data: dict[str, Any], profit: float, values: list[float], label: str
) -> None:
    result = BacktestResult(
        total_profit=profit,
        metrics={f"m{i}": v for i, v in enumerate(values)},
        trades=[{"label": label, "values": values}],
    )
    job = BacktestJobStatus(job_id="job-1", config=BacktestConfig.model_validate(data))
    done = job.with_status(JobStatus.RUNNING).with_status(JobStatus.COMPLETED, result=result)
    assert BacktestJobStatus.from_dynamodb_item(done.to_dynamodb_item()) == done
    assert BacktestJobStatus.from_dynamodb_item(_wire(done.to_dynamodb_item())) == done
    message = BacktestJobMessage(job_id="job-1", config=done.config)
    assert BacktestJobMessage.from_sqs_body(message.to_sqs_body()) == message


@settings(max_examples=100)
@given(
    st.sampled_from(["strategy", "timeframe", "start_date", "exchange", "strategy_version"]),
    st.data(),
)
def test_near_misses_of_valid_fields_raise_only_validation_error(field: str, data: Any) -> None:
    valid = config_data().map(lambda d: d[field])
    value = data.draw(_near_miss(valid))
    with pytest.raises(pydantic.ValidationError):
        BacktestConfig.model_validate({**BASE, field: value, "end_date": "9999-12-31"})


@settings(max_examples=100)
@given(_near_miss(_pair))
def test_near_miss_trading_pairs_in_symbols_are_rejected(symbol: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        BacktestConfig.model_validate({**BASE, "symbols": ["ETH/USDT", symbol]})


@settings(max_examples=100)
@given(_pair | st.text(max_size=30))
def test_symbol_schema_agrees_with_validate_trading_pair(symbol: str) -> None:
    try:
        cfg = BacktestConfig.model_validate({**BASE, "symbols": [symbol]})
    except pydantic.ValidationError:
        assert not _accepts(validate_trading_pair, symbol)
    else:
        assert cfg.symbols == [validate_trading_pair(symbol)]


@settings(max_examples=100)
@given(
    _dates.map(dt.date.isoformat)
    | st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True)
    | st.text(max_size=12)
)
def test_date_schema_agrees_with_validate_date_is_real(day: str) -> None:
    data = {**BASE, "start_date": day, "end_date": "9999-12-31"}
    try:
        BacktestConfig.model_validate(data)
    except pydantic.ValidationError:
        assert not _accepts(BacktestConfig.validate_date_is_real, day)
    else:
        assert validate_date_string(day) == day


@settings(max_examples=100)
@given(
    st.sampled_from(["strategy", "timeframe"]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,5}[smhdwM]?", fullmatch=True) | st.text(max_size=8),
)
def test_name_and_timeframe_schema_agree_with_validators(field: str, value: str) -> None:
    validator = validate_strategy_name if field == "strategy" else validate_timeframe
    try:
        BacktestConfig.model_validate({**BASE, field: value})
    except pydantic.ValidationError:
        assert not _accepts(validator, value)
    else:
        assert _accepts(validator, value)


# --- S3Path ---------------------------------------------------------------------------

_bucket = st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True).filter(
    lambda b: not b.startswith(("xn--", "sthree-")) and not b.endswith("-s3alias")
)
_segment = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/\\"),
    min_size=1,
    max_size=8,
).filter(lambda s: s != "..")
_key = st.lists(_segment, min_size=1, max_size=4).map("/".join)


@settings(max_examples=100)
@given(_bucket, _key)
def test_valid_s3_uris_parse_and_render_back(bucket: str, key: str) -> None:
    path = S3Path.parse(f"s3://{bucket}/{key}")
    assert (path.bucket, path.key, path.uri) == (bucket, key, f"s3://{bucket}/{key}")
    assert S3Path.model_validate(path.model_dump()) == path
    assert (path.parent / path.name) == path


@settings(max_examples=100)
@given(_bucket, _key, st.sampled_from(["..", "\x00", "\n", "\x7f"]), st.booleans())
def test_traversal_and_control_characters_in_keys_are_rejected(
    bucket: str, key: str, bad: str, as_segment: bool
) -> None:
    tainted = f"{key}/{bad}/x" if as_segment else f"{key}{bad}"
    if bad == ".." and not as_segment:
        tainted = f"{bad}/{key}"
    with pytest.raises(pydantic.ValidationError):
        S3Path.parse(f"s3://{bucket}/{tainted}")


@settings(max_examples=100)
@given(st.text(max_size=40) | _near_miss(_bucket.map(lambda b: f"s3://{b}")))
def test_arbitrary_text_either_parses_or_raises_validation_error(text: str) -> None:
    try:
        path = S3Path.parse(text)
    except pydantic.ValidationError:
        return
    assert path.uri == text.rstrip("/") or path.uri == text


# --- JobStatus transitions ------------------------------------------------------------


@settings(max_examples=100)
@given(st.lists(st.sampled_from(list(JobStatus)), max_size=8))
def test_with_status_follows_can_transition_to(steps: list[JobStatus]) -> None:
    job = BacktestJobStatus(job_id="job-1", config=BacktestConfig.model_validate(BASE))
    for target in steps:
        allowed = job.status.can_transition_to(target)
        assert allowed == (job.status in JobStatus.allowed_sources(target))
        if not allowed:
            with pytest.raises(ValidationError):
                job.with_status(target)
            continue
        moved = job.with_status(target)
        assert moved.status is target
        assert moved.updated_at >= job.updated_at
        if job.status.is_terminal:
            assert moved.status is job.status
            assert moved.completed_at == job.completed_at
        job = moved
    assert (job.completed_at is not None) == job.status.is_terminal


_VERSION_CANDIDATES = st.one_of(
    st.sampled_from(["latest", "Production", "Staging", "Archived", "None", "production", "0"]),
    st.integers(min_value=-5, max_value=10**11).map(str),
    st.text(max_size=12),
)


@settings(max_examples=200, deadline=None)
@given(version=_VERSION_CANDIDATES)
def test_strategy_version_schema_pattern_and_classmethod_agree(version: str) -> None:
    base = {
        "strategy": "S",
        "timeframe": "1h",
        "start_date": "2024-01-01",
        "end_date": "2024-01-02",
        "symbols": ["BTC/USDT"],
    }
    try:
        BacktestConfig.validate_strategy_version(version)
        by_classmethod = True
    except ValueError:
        by_classmethod = False
    try:
        BacktestConfig(**base, strategy_version=version)
        by_schema = True
    except pydantic.ValidationError:
        by_schema = False
    assert by_schema == by_classmethod


def test_dated_futures_symbols_are_accepted_like_validate_trading_pair() -> None:
    config = BacktestConfig(
        strategy="S",
        timeframe="1h",
        start_date="2024-01-01",
        end_date="2024-01-02",
        symbols=["btc/usdt:usdt-240329"],
    )
    assert config.symbols == ["BTC/USDT:USDT-240329"]

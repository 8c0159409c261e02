"""Generated job ids, idempotency keys and coverage reports of the data-collection client."""

from __future__ import annotations

import datetime as dt
import itertools
import string
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.clients._data_collection_wire import check_idempotency_key, check_job_id
from tradai.common.clients.data_collection_client import Coverage, SyncJob
from tradai.common.exceptions import ValidationError

FIRST = string.ascii_letters + string.digits
BAD = [*" \t\n\r\x00\x7f;|&$`'\"\\*?<>(){}!#%^~,@+=/", "А", "ѕ", "１", "é", "\u200b"]
DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
JOB: dict[str, Any] = {
    "status": "running",
    "symbols": ["BTC/USDT"],
    "timeframe": "1h",
    "start": DAY,
    "end": DAY + H,
    "created_at": DAY,
    "updated_at": DAY,
}

job_ids = st.builds(lambda a, b: a + b, st.sampled_from(FIRST), st.text(FIRST + "_-", max_size=127))
idempotency_keys = st.builds(
    lambda a, b: a + b, st.sampled_from(FIRST), st.text(FIRST + "._:-", max_size=254)
)


@st.composite
def near_misses(draw: st.DrawFn, base: st.SearchStrategy[str], longest: int) -> str:
    value = draw(base)
    kind = draw(st.sampled_from(["insert", "lead", "pad", "newline", "long", "empty"]))
    if kind == "insert":
        at = draw(st.integers(0, len(value)))
        return value[:at] + draw(st.sampled_from(BAD)) + value[at:]
    if kind == "lead":
        return draw(st.sampled_from(["-", "_", "."])) + value
    if kind == "pad":
        return " " + value
    if kind == "newline":
        return value + "\n"
    if kind == "long":
        return value + "x" * (longest + 1 - len(value))
    return ""


@settings(max_examples=75)
@given(job_id=job_ids)
def test_valid_job_ids_are_accepted_and_round_trip(job_id: str) -> None:
    assert check_job_id(job_id) == job_id
    job = SyncJob.model_validate({**JOB, "job_id": job_id})
    assert SyncJob.model_validate(job.model_dump()) == job


@settings(max_examples=75)
@given(job_id=near_misses(job_ids, 128))
def test_near_miss_job_ids_raise_validation_errors_only(job_id: str) -> None:
    with pytest.raises(ValidationError):
        check_job_id(job_id)
    with pytest.raises(pydantic.ValidationError):
        SyncJob.model_validate({**JOB, "job_id": job_id})


@settings(max_examples=75)
@given(key=idempotency_keys)
def test_valid_idempotency_keys_are_accepted(key: str) -> None:
    assert check_idempotency_key(key) == key


@settings(max_examples=75)
@given(key=near_misses(idempotency_keys, 255))
def test_near_miss_idempotency_keys_raise_validation_errors_only(key: str) -> None:
    with pytest.raises(ValidationError):
        check_idempotency_key(key)


def _report(hours: set[int]) -> Coverage:
    """The coverage report a service holding candles at these hours of the day would send."""
    stamps = sorted(hours)
    gaps = [
        {"start": DAY + (a + 1) * H, "end": DAY + b * H, "missing": b - a - 1}
        for a, b in itertools.pairwise(stamps)
        if b - a > 1
    ]
    return Coverage.model_validate(
        {
            "symbol": "BTC/USDT",
            "timeframe": "1h",
            "first_candle": DAY + stamps[0] * H if stamps else None,
            "last_candle": DAY + stamps[-1] * H if stamps else None,
            "candle_count": len(stamps),
            "gaps": gaps,
        }
    )


@settings(max_examples=100)
@given(
    hours=st.sets(st.integers(0, 47), max_size=48),
    lo=st.integers(-5, 55),
    span=st.integers(0, 60),
)
def test_coverage_missing_counts_exactly_the_absent_candles(
    hours: set[int], lo: int, span: int
) -> None:
    coverage = _report(hours)
    missing = coverage.missing(DAY + lo * H, DAY + (lo + span) * H)
    absent = [h for h in range(lo, lo + span) if h not in hours]
    assert sum(g.missing for g in missing) == len(absent)
    covered: set[int] = set()
    for gap in missing:
        first = (gap.start - DAY) // H
        covered.update(range(first, first + gap.missing))
    assert covered == set(absent)
    assert Coverage.model_validate(coverage.model_dump()) == coverage

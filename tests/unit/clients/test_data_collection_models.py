"""Response models: frozen, validated, tolerant of new fields; Coverage.missing arithmetic."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest

from tradai.common.clients.data_collection_client import (
    Coverage,
    CoverageGap,
    SymbolInfo,
    SyncJob,
)
from tradai.common.entities.aws import JobStatus
from tradai.common.exceptions import ValidationError

DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
JOB: dict[str, Any] = {
    "job_id": "job-1",
    "status": "pending",
    "symbols": ["BTC/USDT"],
    "timeframe": "1h",
    "start": "2024-01-01T00:00:00Z",
    "end": "2024-01-02T00:00:00Z",
    "created_at": "2024-01-01T00:00:00Z",
    "updated_at": "2024-01-01T00:00:00+02:00",
}


def test_symbol_info_normalises_and_ignores_fields_it_does_not_know() -> None:
    info = SymbolInfo.model_validate(
        {"symbol": "eth/usdt:usdt", "exchange": "OKX", "timeframes": ["1m"], "listed": "2019"}
    )
    assert (info.symbol, info.exchange, info.timeframes) == ("ETH/USDT:USDT", "okx", ("1m",))
    with pytest.raises(pydantic.ValidationError):
        info.active = False  # type: ignore[misc]  # frozen: proving it


@pytest.mark.parametrize(
    "change",
    [
        {"symbol": "BTC/USDT\n"},
        {"symbol": "BTC/USDТ"},
        {"exchange": "bin ance"},
        {"exchange": "-binance"},
        {"timeframes": ["1h\n"]},
        {"timeframes": ["1H"]},
        {"active": "maybe"},
    ],
)
def test_symbol_info_rejects_near_misses(change: dict[str, Any]) -> None:
    data = {"symbol": "BTC/USDT", "exchange": "binance", "timeframes": ["1h"], **change}
    with pytest.raises(pydantic.ValidationError):
        SymbolInfo.model_validate(data)


def test_sync_job_parses_the_wire_form_and_round_trips() -> None:
    job = SyncJob.model_validate({**JOB, "progress": 0.5, "future_field": 1})
    assert job.status is JobStatus.PENDING
    assert not job.is_terminal
    assert not job.succeeded
    assert job.updated_at == DAY - 2 * H
    assert job.updated_at.tzinfo is dt.UTC
    assert SyncJob.model_validate(job.model_dump(mode="json")) == job
    done = SyncJob.model_validate({**JOB, "status": "completed"})
    assert done.is_terminal
    assert done.succeeded


@pytest.mark.parametrize(
    "change",
    [
        {"job_id": "job/1"},
        {"job_id": "job-1\n"},
        {"job_id": ""},
        {"status": "done"},
        {"status": "PENDING"},
        {"symbols": []},
        {"timeframe": "1x"},
        {"start": "2024-01-01T00:00:00"},  # naive
        {"end": "2024-02-30T00:00:00Z"},  # impossible date
        {"end": "2024-01-01T00:00:00Z"},  # empty range
        {"progress": 1.5},
        {"candles_written": -1},
        {"error": "boom\x00"},
        {"error": "x" * 2001},
    ],
)
def test_sync_job_rejects_near_misses(change: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        SyncJob.model_validate({**JOB, **change})


def _coverage(**fields: Any) -> Coverage:
    return Coverage.model_validate({"symbol": "BTC/USDT", "timeframe": "1h", **fields})


def test_coverage_missing_counts_before_inside_and_after_the_stored_candles() -> None:
    gap = {"start": DAY + 3 * H, "end": DAY + 5 * H, "missing": 2}
    coverage = _coverage(first_candle=DAY + H, last_candle=DAY + 9 * H, candle_count=7, gaps=[gap])
    gaps = coverage.missing(DAY, DAY + 12 * H)
    assert [(g.start, g.end, g.missing) for g in gaps] == [
        (DAY, DAY + H, 1),
        (DAY + 3 * H, DAY + 5 * H, 2),
        (DAY + 10 * H, DAY + 12 * H, 2),
    ]
    assert coverage.missing_candles(DAY + 4 * H, DAY + 6 * H) == 1  # clipped to the range
    assert coverage.missing(DAY + 5 * H, DAY + 9 * H) == []
    assert coverage.missing_candles(DAY + 30 * dt.timedelta(minutes=1), DAY + 2 * H) == 0


def test_coverage_missing_handles_calendar_months() -> None:
    coverage = Coverage(
        symbol="BTC/USDT",
        timeframe="1M",
        first_candle=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        last_candle=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        candle_count=3,
    )
    start, end = dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 8, 1, tzinfo=dt.UTC)
    assert [g.missing for g in coverage.missing(start, end)] == [2, 2]


def test_coverage_missing_refuses_a_bad_range() -> None:
    with pytest.raises(ValidationError):
        _coverage().missing(DAY + H, DAY)
    with pytest.raises(ValidationError):
        _coverage().missing(DAY.replace(tzinfo=None), DAY)


@pytest.mark.parametrize(
    "fields",
    [
        {"first_candle": DAY},  # last missing
        {"candle_count": 3},  # candles in an empty series
        {"first_candle": DAY + H, "last_candle": DAY},
        {"first_candle": DAY + dt.timedelta(minutes=5), "last_candle": DAY + H},  # off grid
        {
            "first_candle": DAY,
            "last_candle": DAY + 9 * H,
            "gaps": [{"start": DAY + 5 * H, "end": DAY + 6 * H, "missing": 1}] * 2,  # overlap
        },
        {
            "first_candle": DAY,
            "last_candle": DAY + 9 * H,
            "gaps": [{"start": DAY + 5 * H, "end": DAY + 7 * H, "missing": 1}],  # wrong count
        },
        {
            "first_candle": DAY,
            "last_candle": DAY + 9 * H,
            "gaps": [{"start": DAY + 8 * H, "end": DAY + 11 * H, "missing": 3}],  # past last
        },
    ],
)
def test_coverage_rejects_inconsistent_reports(fields: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        _coverage(**fields)


def test_coverage_gap_must_end_after_it_starts() -> None:
    with pytest.raises(pydantic.ValidationError):
        CoverageGap(start=DAY, end=DAY, missing=1)
    with pytest.raises(pydantic.ValidationError):
        CoverageGap(start=DAY, end=DAY + H, missing=0)

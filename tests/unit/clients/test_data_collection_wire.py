"""The wire helpers: candle rows to frames, symbol lists, idempotency keys, cursors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tradai.common.clients._data_collection_wire import (
    check_symbols,
    derive_idempotency_key,
    iso,
    next_cursor,
    rows_to_frame,
)
from tradai.common.data.ohlcv import DEFAULT_POLICY
from tradai.common.exceptions import ExternalServiceError, ValidationError

DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
WINDOW = (DAY, DAY + dt.timedelta(hours=3))
T0 = int(DAY.timestamp() * 1000)


def test_rows_become_a_validated_frame_with_integer_or_float_prices() -> None:
    rows = [[T0, 1, 2, 0.5, 1.5, 10], [T0 + 3_600_000, 1.5, 2.5, 1.0, 2.0, 0]]
    frame = rows_to_frame(rows, "1h", WINDOW, DEFAULT_POLICY)
    assert frame.dtypes.unique().tolist() == ["float64"]
    assert frame.index.tolist() == [DAY, DAY + dt.timedelta(hours=1)]


def test_no_rows_is_an_empty_frame() -> None:
    assert rows_to_frame([], "1h", WINDOW, DEFAULT_POLICY).empty


@pytest.mark.parametrize(
    "rows",
    [
        [{"t": T0, "o": 1}],
        ["candle"],
        [[T0, 1, 2, 0.5, 1.5, 10], (T0, 1, 2, 0.5, 1.5, 10)],
        [[None, 1, 2, 0.5, 1.5, 10]],
        [[True, 1, 2, 0.5, 1.5, 10]],
        [["2024-01-01", 1, 2, 0.5, 1.5, 10]],
        [[10**17, 1, 2, 0.5, 1.5, 10]],  # year 3 million
    ],
)
def test_malformed_rows_are_a_validation_error(rows: list[Any]) -> None:
    with pytest.raises(ValidationError) as info:
        rows_to_frame(rows, "1h", WINDOW, DEFAULT_POLICY)
    assert info.value.field == "candles"


def test_symbols_are_upper_cased_deduplicated_and_sorted() -> None:
    assert check_symbols(("eth/usdt", "BTC/USDT:USDT", "ETH/USDT")) == (
        "BTC/USDT:USDT",
        "ETH/USDT",
    )


def test_derived_keys_depend_only_on_the_request() -> None:
    body = {"symbols": ["BTC/USDT"], "timeframe": "1h", "start": "a", "end": "b"}
    same = dict(reversed(list(body.items())))
    assert derive_idempotency_key(body) == derive_idempotency_key(same)
    assert derive_idempotency_key(body) != derive_idempotency_key({**body, "end": "c"})


def test_iso_is_utc_with_a_z() -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert iso(dt.datetime(2024, 1, 1, 9, 0, 0, 500, tzinfo=tokyo)) == "2024-01-01T00:00:00.000500Z"


@pytest.mark.parametrize("cursor", [7, "", "a b", "ä", "x" * 1025, ["a"]])
def test_cursors_must_be_opaque_url_safe_strings(cursor: Any) -> None:
    with pytest.raises(ExternalServiceError):
        next_cursor({"next_cursor": cursor}, "GET /x")


def test_a_missing_or_null_cursor_ends_the_pages() -> None:
    assert next_cursor({}, "GET /x") is None
    assert next_cursor({"next_cursor": None}, "GET /x") is None
    assert next_cursor({"next_cursor": "eyJhZnRlciI6IDF9"}, "GET /x") == "eyJhZnRlciI6IDF9"

"""The data-collection API's wire format: request checks, idempotency keys, candle pages.

Private to :mod:`tradai.common.clients.data_collection_client` (which documents the
contract); :func:`derive_idempotency_key` is re-exported from there.

* Requests are checked here before anything is sent: pairs and timeframes by the
  library's validators, ranges by :func:`utc_bounds`, job ids and idempotency keys by
  the patterns below (both end up in a URL path or a header).
* Response bodies that do not have the documented shape raise
  :class:`~tradai.common.exceptions.ExternalServiceError` (``error_code="InvalidResponse"``:
  the service broke its contract); candles that are malformed, outside the requested range
  or break an OHLCV rule raise :class:`~tradai.common.exceptions.ValidationError` naming
  the rule, as :func:`~tradai.common.data.ohlcv.validate_ohlcv` does.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tradai.common._lazy import require
from tradai.common.clients._data_collection_models import JOB_ID_PATTERN
from tradai.common.data.ohlcv import (
    OHLCV_COLUMNS,
    ValidationPolicy,
    empty_ohlcv,
    validate_ohlcv,
)
from tradai.common.exceptions import ExternalServiceError, ValidationError
from tradai.common.validators import ensure, validate_trading_pair

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "MAX_SYNC_SYMBOLS",
    "SERVICE",
    "CandlePage",
    "check_idempotency_key",
    "check_job_id",
    "check_symbols",
    "derive_idempotency_key",
    "invalid_response",
    "iso",
    "next_cursor",
    "parse_candle_page",
    "rows_to_frame",
]

#: The service name in errors and logs (and the default breaker's name).
SERVICE = "data-collection"
#: Most symbols one sync request may name.
MAX_SYNC_SYMBOLS = 200
_JOB_ID_RE = re.compile(JOB_ID_PATTERN)
_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,254}")
_CURSOR_RE = re.compile(r"[A-Za-z0-9._~=-]{1,1024}")
_SHOWN = 5


def iso(moment: _dt.datetime) -> str:
    """Format an aware datetime as the API does: ISO 8601 in UTC with a ``Z``.

    Args:
        moment: A timezone-aware datetime.

    Returns:
        For example ``"2024-01-01T00:00:00Z"``.

    Example:
        >>> iso(_dt.datetime(2024, 1, 1, 2, tzinfo=_dt.timezone(_dt.timedelta(hours=2))))
        '2024-01-01T00:00:00Z'
    """
    return moment.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")


def invalid_response(operation: str, what: str) -> ExternalServiceError:
    """Build the error for a response body that breaks the documented contract.

    Args:
        operation: The request (``"GET /api/v1/candles"``).
        what: What was wrong (never quotes the body).

    Returns:
        An ``ExternalServiceError`` with ``error_code="InvalidResponse"``.
    """
    return ExternalServiceError(
        f"{SERVICE}: {operation} answered outside the API contract: {what}",
        service=SERVICE,
        operation=operation,
        error_code="InvalidResponse",
    )


def check_symbols(symbols: Sequence[str]) -> tuple[str, ...]:
    """Validate the trading pairs of a sync request.

    Args:
        symbols: One or more pairs (a plain string is refused: wrap it in a list).

    Returns:
        The pairs upper-cased, duplicates removed, sorted.

    Raises:
        ValidationError: If there are none, too many, or one is malformed.

    Example:
        >>> check_symbols(["eth/usdt", "BTC/USDT", "ETH/USDT"])
        ('BTC/USDT', 'ETH/USDT')
    """
    if isinstance(symbols, str | bytes) or not isinstance(symbols, Sequence):
        raise ValidationError("symbols must be a list of trading pairs", field="symbols")
    if not 1 <= len(symbols) <= MAX_SYNC_SYMBOLS:
        raise ValidationError(
            f"give 1 to {MAX_SYNC_SYMBOLS} symbols, got {len(symbols)}", field="symbols"
        )
    return tuple(sorted({ensure(validate_trading_pair, s, field="symbols") for s in symbols}))


def check_job_id(job_id: str) -> str:
    """Validate a sync job id (it becomes a URL path segment).

    Args:
        job_id: The id.

    Returns:
        The id unchanged.

    Raises:
        ValidationError: Unless it is 1-128 letters, digits, ``_`` or ``-`` starting with a
            letter or digit.
    """
    if not isinstance(job_id, str) or not job_id.isascii() or not _JOB_ID_RE.fullmatch(job_id):
        raise ValidationError(
            f"job_id {job_id!r:.60} must be 1-128 letters, digits, '_' or '-'", field="job_id"
        )
    return job_id


def check_idempotency_key(key: str) -> str:
    """Validate an idempotency key given by the caller.

    Args:
        key: 1-255 letters, digits and ``. _ : -``, starting with a letter or digit (a
            UUID qualifies).

    Returns:
        The key unchanged.

    Raises:
        ValidationError: If it does not qualify.
    """
    if not isinstance(key, str) or not key.isascii() or not _KEY_RE.fullmatch(key):
        raise ValidationError(
            "idempotency_key must be 1-255 letters, digits and . _ : - (e.g. a UUID)",
            field="idempotency_key",
        )
    return key


def derive_idempotency_key(body: dict[str, Any]) -> str:
    """Derive the idempotency key of a sync request from its (normalised) body.

    The same request always gets the same key, so a retried POST — or the same sync asked
    twice while the first job is still alive — reuses one job instead of starting two.

    Args:
        body: The JSON body of ``POST /api/v1/sync``.

    Returns:
        ``"sync-"`` followed by the SHA-256 of the body's canonical JSON (69 characters).

    Example:
        >>> key = derive_idempotency_key({"symbols": ["BTC/USDT"], "timeframe": "1h"})
        >>> key.startswith("sync-"), len(key)
        (True, 69)
    """
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sync-" + hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CandlePage:
    """One page of ``GET /api/v1/candles``.

    Attributes:
        rows: The candle rows as sent (checked later, all pages at once).
        next_cursor: The cursor of the next page, or ``None`` on the last page.
    """

    rows: list[Any]
    next_cursor: str | None


def next_cursor(body: dict[str, Any], operation: str) -> str | None:
    """Read a page's ``next_cursor`` (``None``/absent: last page).

    Args:
        body: The page's JSON object.
        operation: The request, for errors.

    Returns:
        The cursor, or ``None``.

    Raises:
        ExternalServiceError: If the cursor is not a string of URL-safe characters.
    """
    cursor = body.get("next_cursor")
    if cursor is None:
        return None
    if not isinstance(cursor, str) or not cursor.isascii() or not _CURSOR_RE.fullmatch(cursor):
        raise invalid_response(operation, "next_cursor is not an opaque URL-safe string")
    return cursor


def parse_candle_page(body: Any, symbol: str, timeframe: str, operation: str) -> CandlePage:
    """Check the envelope of a candle page.

    Args:
        body: The decoded JSON body.
        symbol: The pair asked for.
        timeframe: The timeframe asked for.
        operation: The request, for errors.

    Returns:
        The page.

    Raises:
        ExternalServiceError: If the body is not the documented object, or is about
            another series.
    """
    if not isinstance(body, dict) or not isinstance(body.get("candles"), list):
        raise invalid_response(operation, "expected an object with a 'candles' list")
    if body.get("symbol") != symbol or body.get("timeframe") != timeframe:
        raise invalid_response(operation, f"the page is not about {symbol} {timeframe}")
    return CandlePage(body["candles"], next_cursor(body, operation))


def _reject(message: str, rule: str, rows: list[str] | None = None) -> ValidationError:
    context: dict[str, Any] = {"rule": rule}
    if rows is not None:
        context.update(count=len(rows), rows=rows[:_SHOWN])
    return ValidationError(f"candles from {SERVICE}: {message}", field="candles", context=context)


def _frame(pd: Any, rows: list[Any]) -> Any:
    """Turn ``[open_ms, open, high, low, close, volume]`` rows into an OHLCV-shaped frame."""
    width = len(OHLCV_COLUMNS) + 1
    if any(not isinstance(row, list) or len(row) != width for row in rows):
        raise _reject(
            "each candle must be [open_time_ms, open, high, low, close, volume]", "columns"
        )
    raw = pd.DataFrame(rows)
    types = pd.api.types
    if not types.is_integer_dtype(raw[0]) or types.is_bool_dtype(raw[0]):
        raise _reject("open times must be integer epoch milliseconds", "index")
    values = raw.iloc[:, 1:]
    if any(not types.is_numeric_dtype(c) or types.is_bool_dtype(c) for _, c in values.items()):
        raise _reject("prices and volumes must be numbers", "columns")
    try:
        index = pd.DatetimeIndex(pd.to_datetime(raw[0], unit="ms", utc=True), name="date")
    except (ValueError, OverflowError):
        raise _reject("open times are out of range", "index") from None
    values.columns = list(OHLCV_COLUMNS)
    values.index = index
    return values


def rows_to_frame(
    rows: list[Any],
    timeframe: str,
    window: tuple[_dt.datetime, _dt.datetime],
    policy: ValidationPolicy,
) -> Any:
    """Build and validate the OHLCV frame of a download.

    Args:
        rows: Every page's rows, in order.
        timeframe: The timeframe asked for.
        window: The ``[start, end)`` asked for (UTC).
        policy: How broken candles are treated (:func:`validate_ohlcv`).

    Returns:
        A validated OHLCV frame (empty when there are no rows).

    Raises:
        ValidationError: For malformed rows, candles outside the window, or a broken
            OHLCV rule the policy does not repair.
    """
    if not rows:
        return empty_ohlcv()
    pd = require("pandas", extra="market")
    frame = validate_ohlcv(_frame(pd, rows), timeframe, policy=policy)
    start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1])
    outside = frame.index[(frame.index < start) | (frame.index >= end)]
    if len(outside):
        shown = [stamp.isoformat() for stamp in outside]
        raise _reject(
            f"{len(outside)} candle(s) outside [{iso(window[0])}, {iso(window[1])})",
            "range",
            shown,
        )
    return frame

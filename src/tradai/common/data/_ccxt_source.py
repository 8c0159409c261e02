"""The ``"ccxt"`` data source: an exchange's public ``fetch_ohlcv``, paginated.

Decisions where the specification is silent:

* **Pagination** by ``since``/``limit``: each page starts one candle after the last one
  received and asks for at most ``page_limit`` candles and never more than the range
  still needs. An empty page ends the download (exchanges answer ``since`` with the next
  candles they have, so an empty page means there are none); a page that does not move
  forward ends it too, so the loop always terminates.
* **Closed candles only**: candles still open at the time given by the clock (their close
  time is after *now*) are not returned, so a collector never stores a candle that is
  still changing.
* **Rate limits**: ccxt's own throttle is on (``enableRateLimit``, overridable in
  ``options``); a ``NetworkError`` (rate limit, DDoS protection, timeout, exchange
  unavailable) is retried ``max_retries`` times with exponential back-off
  (``backoff_seconds * 2**attempt``), so the total wait is bounded by
  ``backoff_seconds * (2**max_retries - 1)`` plus the request timeouts.
* **Errors** use the library's ccxt table
  (:data:`~tradai.common.entities._exchange_io.CCXT_ERRORS`) plus ``BadSymbol`` →
  :class:`~tradai.common.exceptions.NotFoundError`; a timeframe the exchange does not list
  is refused before any request.
* Candles are validated with the source's policy (default: reject) before they are returned.
"""

from __future__ import annotations

import datetime as _dt
import re
import time

from tradai.common._lazy import require
from tradai.common.data._grid import Grid
from tradai.common.data.ohlcv import (
    DEFAULT_POLICY,
    OHLCV_COLUMNS,
    ValidationPolicy,
    empty_ohlcv,
    validate_ohlcv,
)
from tradai.common.data.series import SeriesKey, TimeRange
from tradai.common.entities._exchange_io import CCXT_ERRORS
from tradai.common.exceptions import (
    AuthenticationError,
    ConfigurationError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    ValidationError,
)
from tradai.common.protocols import Clock, SystemClock

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__all__ = ["CCXT_DATA_ERRORS", "CCXTSource"]

#: ccxt exception class name -> tradai error for market data, most specific first.
CCXT_DATA_ERRORS: tuple[tuple[str, type[TradAIError]], ...] = (
    ("BadSymbol", NotFoundError),
    *CCXT_ERRORS,
)
_EXCHANGE_ID_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_MS = 1_000_000


def _positive(name: str, value: float, *, integer: bool = False) -> None:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not value > 0:
        raise ValidationError(f"{name} must be a positive number", field=name)


class CCXTSource:
    """Downloads OHLCV candles from a ccxt exchange's public API.

    Args:
        exchange_id: A ccxt exchange id (``"binance"``); or give ``exchange``.
        exchange: A ready ccxt exchange object (its options are not changed).
        options: ccxt constructor options (``urls``, ``options``, ``timeout``...), merged
            over ``{"enableRateLimit": True, "timeout": 10000}``.
        page_limit: Most candles asked for per request.
        max_retries: Retries of a page after a ``NetworkError`` (0 for none).
        backoff_seconds: First back-off delay; doubled at each retry.
        clock: Source of *now* (candles not yet closed are dropped).
        sleep: Sleep function used for back-off.
        policy: How broken candles from the exchange are treated.

    Raises:
        ValidationError: If neither or both of ``exchange_id``/``exchange`` are given, or a
            number is out of range.
        ConfigurationError: If ccxt has no such exchange.
        MissingDependencyError: If the ``exchange`` extra (ccxt) is not installed.
    """

    def __init__(
        self,
        exchange_id: str | None = None,
        *,
        exchange: Any = None,
        options: Mapping[str, Any] | None = None,
        page_limit: int = 1000,
        max_retries: int = 3,
        backoff_seconds: float = 1.0,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        policy: ValidationPolicy = DEFAULT_POLICY,
    ) -> None:
        if (exchange_id is None) == (exchange is None):
            raise ValidationError("give exactly one of exchange_id or exchange", field="exchange")
        _positive("page_limit", page_limit, integer=True)
        _positive("backoff_seconds", backoff_seconds)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValidationError("max_retries must be an int >= 0", field="max_retries")
        self._ccxt = require("ccxt", extra="exchange")
        self._exchange = exchange if exchange is not None else self._build(exchange_id, options)
        self._page_limit = page_limit
        self._max_retries = max_retries
        self._backoff = float(backoff_seconds)
        self._clock = clock or SystemClock()
        self._sleep = sleep
        self._policy = policy

    def _build(self, exchange_id: str | None, options: Mapping[str, Any] | None) -> Any:
        if not isinstance(exchange_id, str) or not _EXCHANGE_ID_RE.fullmatch(exchange_id):
            raise ValidationError(f"{exchange_id!r:.40} is not a ccxt exchange id", field="id")
        if exchange_id not in self._ccxt.exchanges:
            raise ConfigurationError(f"ccxt has no exchange {exchange_id!r}", setting="exchange_id")
        config = {"enableRateLimit": True, "timeout": 10_000, **dict(options or {})}
        return getattr(self._ccxt, exchange_id)(config)

    @property
    def exchange_id(self) -> str:
        """The ccxt id of the exchange.

        Returns:
            For example ``"binance"``.
        """
        return str(self._exchange.id)

    def __repr__(self) -> str:
        return f"CCXTSource(exchange={self.exchange_id!r})"  # never the options (credentials)

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, start: _dt.datetime, end: _dt.datetime
    ) -> Any:
        """Download the closed candles whose open time is in ``[start, end)``.

        Args:
            symbol: ccxt unified symbol (``"BTC/USDT"``, ``"BTC/USDT:USDT"``).
            timeframe: Timeframe the exchange supports.
            start: First open time included (timezone-aware).
            end: First open time excluded (timezone-aware).

        Returns:
            A validated OHLCV frame.

        Raises:
            ValidationError: For bad arguments, an unsupported timeframe, or candles that
                break the policy.
            NotFoundError: If the exchange has no such market.
            TransientError: If the exchange kept failing with network errors or rate
                limits after the retries.
            AuthenticationError: If the exchange refused the credentials.
            ExternalServiceError: For any other exchange error.
        """
        key = SeriesKey(symbol, timeframe)
        TimeRange.bounded(start, end)  # both aware, end >= start
        self._check_timeframe(key.timeframe)
        grid = Grid.of(key.timeframe)
        first = grid.ceil_ordinal(start)
        stop = min(grid.ceil_ordinal(end), grid.floor_ordinal(self._clock.now()))
        rows = self._download(key, grid, first, stop) if first < stop else []
        if not rows:
            return empty_ohlcv()
        frame = _to_frame(rows)
        lo, hi = grid.open_times([first, stop]).asi8
        stamps = frame.index.asi8
        frame = frame[(stamps >= lo) & (stamps < hi)]
        return validate_ohlcv(frame, key.timeframe, policy=self._policy)

    def _check_timeframe(self, timeframe: str) -> None:
        supported = getattr(self._exchange, "timeframes", None) or {}
        if supported and timeframe not in supported:
            raise ValidationError(
                f"{self.exchange_id} has no {timeframe!r} candles (it has: "
                f"{', '.join(list(supported)[:20])})",
                field="timeframe",
            )

    def _download(self, key: SeriesKey, grid: Grid, first: int, stop: int) -> list[Any]:
        rows: list[Any] = []
        since = first
        while since < stop:
            since_ms = int(grid.open_times([since]).asi8[0]) // _MS
            limit = min(self._page_limit, stop - since)
            page = self._page(key, since_ms, limit)
            if not page:
                break
            rows.extend(page)
            last = grid.floor_ordinal(_dt.datetime.fromtimestamp(page[-1][0] / 1000, _dt.UTC))
            if last < since:
                break
            since = last + 1
        return rows

    def _page(self, key: SeriesKey, since_ms: int, limit: int) -> list[Any]:
        attempt = 0
        while True:
            try:
                page: list[Any] = self._exchange.fetch_ohlcv(
                    key.symbol, key.timeframe, since=since_ms, limit=limit
                )
            except self._ccxt.NetworkError as exc:
                if attempt >= self._max_retries:
                    raise self._translate(exc, key) from exc
                self._sleep(self._backoff * 2**attempt)
                attempt += 1
            except self._ccxt.BaseError as exc:
                raise self._translate(exc, key) from exc
            else:
                return page

    def _translate(self, exc: Exception, key: SeriesKey) -> TradAIError:
        error_cls = next(
            (c for name, c in CCXT_DATA_ERRORS if isinstance(exc, getattr(self._ccxt, name))),
            ExternalServiceError,
        )
        where = f"{self.exchange_id} fetch_ohlcv {key.symbol} {key.timeframe}"
        code = type(exc).__name__
        if error_cls is NotFoundError:
            return NotFoundError(f"{where}: no such market", resource="market", key=key.symbol)
        if error_cls is AuthenticationError:
            return AuthenticationError(f"{where}: credentials refused ({code})")
        service_error: type[ExternalServiceError] = (
            error_cls if issubclass(error_cls, ExternalServiceError) else ExternalServiceError
        )
        return service_error(
            f"{where} failed ({code})",
            service=self.exchange_id,
            operation="fetch_ohlcv",
            error_code=code,
        )


def _to_frame(rows: list[Any]) -> Any:
    pd = require("pandas", extra="market")
    raw = pd.DataFrame([row[:6] for row in rows], columns=["ms", *OHLCV_COLUMNS])
    index = pd.DatetimeIndex(pd.to_datetime(raw["ms"].astype("int64"), unit="ms", utc=True))
    frame = raw[list(OHLCV_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    frame.index = index.rename("date")
    return frame

"""REST client of the TradAI data-collection service: what a backtest needs from it.

:class:`DataCollectionClient` lists symbols, downloads candles for a range (all pages),
reports coverage (first/last candle and known gaps, so a backtest can name its missing
candles *before* it runs), triggers a sync and waits for it. :class:`DataCollectionSource`
exposes it as a :class:`~tradai.common.data.sources.DataSource`. It runs on
:class:`~tradai.common.http_client.client.HttpClient` (timeouts, retries, the HTTP error
table, credential-free logs) guarded by a
:class:`~tradai.common.resilience.circuit_breaker.CircuitBreaker`.

**The REST API contract** (also in ``docs/data-collection-api.md``). Every path is under
the base URL (``data_collection_url``). Requests carry ``Authorization: Bearer <token>``
when a token is configured; responses are JSON; times are ISO 8601 UTC
(``2024-01-01T00:00:00Z``); ranges are half-open ``[start, end)`` by candle *open* time.

==============================  ============================================================
request                         answer (200 unless said)
==============================  ============================================================
``GET /api/v1/symbols``         ``{"symbols": [SymbolInfo], "next_cursor": str|null}``;
``?exchange=&cursor=``          ``exchange`` (a ccxt id) filters
``GET /api/v1/candles``         ``{"symbol", "timeframe", "candles": [[open_time_ms, open,
``?symbol=&timeframe=&start=``  high, low, close, volume], ...], "next_cursor": str|null}``;
``&end=&limit=&cursor=``        at most ``limit`` candles per page, oldest first; repeat the
                                query with ``cursor=next_cursor`` until it is ``null``
``GET /api/v1/coverage``        ``Coverage``: ``{"symbol", "timeframe", "first_candle",
``?symbol=&timeframe=``         "last_candle", "candle_count", "gaps": [{"start", "end",
                                "missing"}]}`` (nulls and ``[]`` when nothing is stored)
``POST /api/v1/sync``           body ``{"symbols": [...], "timeframe", "start", "end"}``,
header ``Idempotency-Key``      202 with a new ``SyncJob``, or 200 with the job already
                                created under that key (same body). ``SyncJob``:
                                ``{"job_id", "status", "symbols", "timeframe", "start",
                                "end", "created_at", "updated_at", "progress",
                                "candles_written", "error"}``
``GET /api/v1/sync/{job_id}``   ``SyncJob``; ``status`` is ``pending``, ``running``,
                                ``completed``, ``failed`` or ``cancelled``
==============================  ============================================================

Errors are ``{"error_code": str, "message": str}`` with: 400/422 bad parameters (422
``IdempotencyKeyReused`` when a key comes back with another body) → ``ValidationError``;
401/403 → ``AuthenticationError``; 404 unknown symbol, series or job →
``NotFoundError``; 409 (a request with that key still in flight) → ``ConflictError``;
429 with ``Retry-After`` and 500/502/503/504 → ``TransientError`` after retries; other
statuses → ``ExternalServiceError`` (the HTTP client's one table). Keys are kept 24 h;
the key of a failed or cancelled job is released, so the same request starts a new job.

Decisions where the specification is silent:

* Validation comes first: pairs, timeframes, ranges (aware, ``end`` not before
  ``start``; a sync needs ``end > start``), job ids and keys are checked before any request.
* ``GET`` requests are retried (429/5xx/connection failures, ``Retry-After`` honoured);
  ``POST /sync`` only when it carries an ``Idempotency-Key``. By default the key is
  derived from the request (:func:`derive_idempotency_key`), so a retried or repeated
  sync reuses one job; pass your own key to force a new job, or ``idempotency_key=False``
  to send none (the POST is then never retried).
* Every request runs through one breaker (default: a private one from the settings; pass
  ``breaker=`` to share it, e.g. through Redis): 5xx, 429 and connection failures count,
  other 4xx do not; an open breaker fails fast with ``CircuitOpenError``.
* Candles are validated with :func:`~tradai.common.data.ohlcv.validate_ohlcv` (default
  policy: reject) and must lie in the requested range; otherwise ``ValidationError``.
  A body of another shape is ``ExternalServiceError`` (``error_code="InvalidResponse"``);
  so is a cursor that repeats or more than ``max_pages`` pages.
* Response models ignore unknown fields (the service may add some).
* :meth:`DataCollectionClient.wait_for_sync` polls with exponential backoff (jittered,
  ``poll_initial`` doubling up to ``poll_max``) until ``deadline`` seconds have passed,
  then raises ``TransientError`` (``error_code="SyncTimeout"``); a failed or cancelled job
  raises ``ExternalServiceError`` (``"SyncFailed"``) unless ``raise_on_failure=False``.

Example (not run: needs a server)::

    settings = DataCollectionClientSettings.load()  # DATA_COLLECTION_URL, _TOKEN...
    with DataCollectionClient(settings) as client:
        coverage = client.coverage("BTC/USDT:USDT", "1h")
        if coverage.missing(start, end):
            job = client.trigger_sync(["BTC/USDT:USDT"], "1h", start, end)
            client.wait_for_sync(job.job_id, deadline=600)
        candles = client.get_candles("BTC/USDT:USDT", "1h", start, end)
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Sequence
from typing import Any

from tradai.common.clients._data_collection_base import ClientBase, positive_seconds
from tradai.common.clients._data_collection_models import (
    Coverage,
    CoverageGap,
    SymbolInfo,
    SyncJob,
    utc_bounds,
)
from tradai.common.clients._data_collection_settings import (
    DataCollectionClientSettings,
    DataCollectionClientSettingsMixin,
)
from tradai.common.clients._data_collection_source import DataCollectionSource
from tradai.common.clients._data_collection_wire import (
    SERVICE,
    check_idempotency_key,
    check_job_id,
    check_symbols,
    derive_idempotency_key,
    invalid_response,
    iso,
    parse_candle_page,
    rows_to_frame,
)
from tradai.common.data.ohlcv import empty_ohlcv
from tradai.common.data.series import SeriesKey
from tradai.common.entities.exchange import ExchangeConfig
from tradai.common.exceptions import ExternalServiceError, TransientError, ValidationError
from tradai.common.resilience.retry import full_jitter_backoff

__all__ = [
    "API_PREFIX",
    "Coverage",
    "CoverageGap",
    "DataCollectionClient",
    "DataCollectionClientSettings",
    "DataCollectionClientSettingsMixin",
    "DataCollectionSource",
    "SymbolInfo",
    "SyncJob",
    "derive_idempotency_key",
]

#: The path prefix of every endpoint.
API_PREFIX = "/api/v1"
_LOG = logging.getLogger("tradai.common.clients.data_collection")


class DataCollectionClient(ClientBase):
    """Client of the data-collection REST API (see the module docs for the contract).

    Args:
        settings: URL, token, timeouts, attempts and breaker thresholds (default: loaded
            from the environment with :class:`DataCollectionClientSettings`).
        breaker: A circuit breaker to share (default: a private one from ``settings``).
        session: A ``requests.Session`` to send with (not closed by :meth:`close`).
        policy: How candles are validated (default: reject broken ones).
        page_limit: Most candles asked for per page (the service may send fewer).
        max_pages: Most pages one download may take before it is refused.
        sleep: Sleeps between retries and polls (inject a fake in tests).
        clock: Monotonic seconds (timeouts, deadlines, the default breaker).
        rng: Random numbers in ``[0, 1)`` for jitter.

    Raises:
        ConfigurationError: If ``data_collection_url`` is not set.
        ValidationError: If an argument is out of range.
        MissingDependencyError: If requests is not installed (extra ``api``).
    """

    # -- reads ----------------------------------------------------------------------

    def list_symbols(self, exchange: str | None = None) -> list[SymbolInfo]:
        """List the symbols the service collects (every page).

        Args:
            exchange: Only this exchange's symbols (a ccxt id such as ``"binance"``).

        Returns:
            The symbols, in the service's order.

        Raises:
            ValidationError: If ``exchange`` is not a ccxt exchange id (nothing is sent).
            AuthenticationError: If the token is missing or refused.
            TransientError: If the service kept failing (after retries).
            CircuitOpenError: If the breaker is open.
            ExternalServiceError: If the answer breaks the contract.
        """
        if exchange is not None:
            try:
                if not isinstance(exchange, str):
                    raise TypeError(f"got {type(exchange).__name__}, not a string")
                exchange = ExchangeConfig.validate_name(exchange)
            except (TypeError, ValueError) as exc:
                raise ValidationError(f"invalid exchange: {exc}", field="exchange") from exc
        path = f"{API_PREFIX}/symbols"
        symbols: list[SymbolInfo] = []
        for body in self._pages(path, {"exchange": exchange}):
            items = body.get("symbols")
            if not isinstance(items, list):
                raise invalid_response(f"GET {path}", "expected a 'symbols' list")
            symbols.extend(self._model(SymbolInfo, item, f"GET {path}") for item in items)
        return symbols

    def get_candles(
        self, symbol: str, timeframe: str, start: _dt.datetime, end: _dt.datetime
    ) -> Any:
        """Download the candles whose open time is in ``[start, end)``, every page.

        Args:
            symbol: Trading pair (``"BTC/USDT:USDT"``).
            timeframe: Timeframe (``"1h"``).
            start: First open time included (timezone-aware).
            end: First open time excluded (timezone-aware).

        Returns:
            A validated OHLCV frame (``pandas.DataFrame``; empty when ``start == end``).

        Raises:
            ValidationError: For bad arguments (nothing is sent), or candles that are
                malformed, outside the range or break an OHLCV rule.
            NotFoundError: If the service does not collect the series.
            AuthenticationError: If the token is missing or refused.
            TransientError: If the service kept failing (after retries).
            CircuitOpenError: If the breaker is open.
            ExternalServiceError: If the answer breaks the contract.
            MissingDependencyError: If pandas is not installed (extra ``market``).
        """
        key = SeriesKey(symbol, timeframe)
        window = utc_bounds(start, end)
        if window[0] == window[1]:
            return empty_ohlcv()
        path = f"{API_PREFIX}/candles"
        params = {
            "symbol": key.symbol,
            "timeframe": key.timeframe,
            "start": iso(window[0]),
            "end": iso(window[1]),
            "limit": self._page_limit,
        }
        rows: list[Any] = []
        pages = 0
        for body in self._pages(path, params):
            rows.extend(parse_candle_page(body, key.symbol, key.timeframe, f"GET {path}").rows)
            pages += 1
        _LOG.debug("%s %s: %d candle(s) in %d page(s)", key.symbol, key.timeframe, len(rows), pages)
        return rows_to_frame(rows, key.timeframe, window, self._policy)

    def coverage(self, symbol: str, timeframe: str) -> Coverage:
        """Report what the service holds for a series: first/last candle and known gaps.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.

        Returns:
            The coverage (use :meth:`Coverage.missing` for a backtest's range).

        Raises:
            ValidationError: For a malformed pair or timeframe (nothing is sent).
            NotFoundError: If the service does not collect the series.
            TransientError: If the service kept failing (after retries).
            ExternalServiceError: If the answer breaks the contract.
        """
        key = SeriesKey(symbol, timeframe)
        path = f"{API_PREFIX}/coverage"
        body = self._get(path, {"symbol": key.symbol, "timeframe": key.timeframe})
        coverage = self._model(Coverage, body, f"GET {path}")
        if (coverage.symbol, coverage.timeframe) != (key.symbol, key.timeframe):
            raise invalid_response(f"GET {path}", f"the coverage is not about {key.symbol}")
        return coverage

    def get_sync_job(self, job_id: str) -> SyncJob:
        """Return a sync job's current state.

        Args:
            job_id: The job's id.

        Returns:
            The job.

        Raises:
            ValidationError: For a malformed id (nothing is sent).
            NotFoundError: If there is no such job.
            TransientError: If the service kept failing (after retries).
            ExternalServiceError: If the answer breaks the contract.
        """
        path = f"{API_PREFIX}/sync/{check_job_id(job_id)}"
        job = self._model(SyncJob, self._get(path, None), f"GET {path}")
        if job.job_id != job_id:
            raise invalid_response(f"GET {path}", "the answer is about another job")
        return job

    # -- sync -----------------------------------------------------------------------

    def trigger_sync(
        self,
        symbols: Sequence[str],
        timeframe: str,
        start: _dt.datetime,
        end: _dt.datetime,
        *,
        idempotency_key: str | bool = True,
    ) -> SyncJob:
        """Ask the service to download ``[start, end)`` of some series from the exchange.

        Args:
            symbols: The trading pairs (a list; duplicates are merged).
            timeframe: The timeframe.
            start: First open time to sync (timezone-aware).
            end: First open time not to sync (timezone-aware, after ``start``).
            idempotency_key: ``True`` (default): send a key derived from the request, and
                retry; a string: send that key, and retry; ``False``: send none, and never
                retry (a lost answer may then leave a job you do not know about).

        Returns:
            The job (new, or the one already created under the key).

        Raises:
            ValidationError: For bad arguments (nothing is sent), or a key reused with
                another request (422).
            NotFoundError: If the service does not collect a symbol.
            ConflictError: If a request with the same key is still being processed.
            TransientError: If the service failed (retried only with a key).
            ExternalServiceError: If the answer breaks the contract.
        """
        pairs = check_symbols(symbols)
        tf = SeriesKey(pairs[0], timeframe).timeframe
        window = utc_bounds(start, end)
        if window[1] == window[0]:
            raise ValidationError("end must be after start", field="end")
        body = {
            "symbols": list(pairs),
            "timeframe": tf,
            "start": iso(window[0]),
            "end": iso(window[1]),
        }
        headers: dict[str, str] = {}
        if isinstance(idempotency_key, str):
            headers["Idempotency-Key"] = check_idempotency_key(idempotency_key)
        elif idempotency_key is True:
            headers["Idempotency-Key"] = derive_idempotency_key(body)
        elif idempotency_key is not False:
            raise ValidationError(
                "idempotency_key must be a string or a bool", field="idempotency_key"
            )
        path = f"{API_PREFIX}/sync"
        response = self._http.post(path, json=body, headers=headers, idempotent=bool(headers))
        job = self._model(SyncJob, response.json(), f"POST {path}")
        _LOG.info(
            "sync job %s: %s %s for %d symbol(s)", job.job_id, job.status.value, tf, len(pairs)
        )
        return job

    def wait_for_sync(
        self,
        job_id: str,
        deadline: float,
        *,
        poll_initial: float = 1.0,
        poll_max: float = 15.0,
        raise_on_failure: bool = True,
    ) -> SyncJob:
        """Poll a sync job until it finishes, backing off between polls.

        Args:
            job_id: The job's id.
            deadline: Seconds to wait at most (required: there is no safe default).
            poll_initial: Ceiling of the first wait between polls, in seconds.
            poll_max: Largest wait between polls, in seconds.
            raise_on_failure: Raise when the job failed or was cancelled (else return it).

        Returns:
            The finished job.

        Raises:
            ValidationError: For bad arguments (nothing is sent).
            TransientError: If the job is still unfinished at the deadline
                (``error_code="SyncTimeout"``), or the service kept failing.
            ExternalServiceError: If the job failed or was cancelled
                (``error_code="SyncFailed"``) and ``raise_on_failure`` is true.
            NotFoundError: If there is no such job.
        """
        check_job_id(job_id)
        limit = positive_seconds("deadline", deadline)
        initial = positive_seconds("poll_initial", poll_initial)
        cap = max(positive_seconds("poll_max", poll_max), initial)
        give_up = self._clock() + limit
        polls = 0
        while True:
            job = self.get_sync_job(job_id)
            if job.is_terminal:
                return _finished(job, raise_on_failure)
            remaining = give_up - self._clock()
            if remaining <= 0:
                raise TransientError(
                    f"{SERVICE}: sync job {job_id} still {job.status.value} after {limit} s",
                    service=SERVICE,
                    operation="wait_for_sync",
                    error_code="SyncTimeout",
                    context={"job_id": job_id, "status": job.status.value},
                )
            polls += 1
            rand = 0.5 + self._rng() / 2  # "equal jitter": never a busy loop
            delay = full_jitter_backoff(polls, initial=initial, cap=cap, base=2.0, rand=rand)
            self._sleep(min(delay, remaining))


def _finished(job: SyncJob, raise_on_failure: bool) -> SyncJob:
    if job.succeeded or not raise_on_failure:
        return job
    raise ExternalServiceError(
        f"{SERVICE}: sync job {job.job_id} {job.status.value}"
        + (f": {job.error}" if job.error else ""),
        service=SERVICE,
        operation="wait_for_sync",
        error_code="SyncFailed",
        context={"job_id": job.job_id, "status": job.status.value},
    )

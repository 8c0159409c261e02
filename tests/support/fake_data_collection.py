"""A local data-collection service speaking the documented REST contract (for the client tests).

The contract is the one in ``docs/data-collection-api.md`` (and the module docstring of
``tradai.common.clients.data_collection_client``); this fake implements it on a threaded
``http.server`` on a free loopback port:

=================================  ==========================================================
``GET  /api/v1/symbols``           the catalog (``exchange=`` filters), ``symbols_page_size``
                                   per page, cursor paging
``GET  /api/v1/candles``           stored candles in ``[start, end)``, at most
                                   ``min(limit, max_page_size)`` per page, cursor paging;
                                   404 unknown symbol, 422 timeframe not collected, 400 bad
                                   parameters
``GET  /api/v1/coverage``          first/last candle, count and gaps of a stored series
``POST /api/v1/sync``              creates a job (202); the same ``Idempotency-Key`` with the
                                   same body replays it (200), with another body is 422;
                                   the key of a failed job is released
``GET  /api/v1/sync/<job_id>``     the job; each poll moves it on: ``running`` at the first,
                                   terminal at the ``polls_to_finish``-th (``completed``, and
                                   its candles are stored, or ``failed`` when a symbol is in
                                   ``failing_symbols``)
=================================  ==========================================================

Every request needs ``Authorization: Bearer <token>`` (401 otherwise) when a token is set.
Tests queue answers with :meth:`FakeDataCollection.respond_next` (any status, body and
headers: 429 with ``Retry-After``, 503, contract-breaking bodies) and read every request
from :attr:`FakeDataCollection.requests`. Candles are deterministic functions of their open
time (:func:`candle`); :meth:`FakeDataCollection.put_candle` stores any row, broken or not.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import threading
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

PREFIX = "/api/v1"
#: The token a fresh (or reset) fake requires.
TOKEN = "test-token"
_UNIT_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def timeframe_ms(timeframe: str) -> int:
    """Length of a fixed-length timeframe in milliseconds (the fake has no weeks or months)."""
    return int(timeframe[:-1]) * _UNIT_MS[timeframe[-1]]


def to_ms(moment: dt.datetime) -> int:
    """Epoch milliseconds of an aware datetime."""
    return int(moment.timestamp() * 1000)


def iso(ms: int) -> str:
    """ISO 8601 UTC (``Z``) of epoch milliseconds."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat().replace("+00:00", "Z")


def candle(open_ms: int, timeframe: str) -> list[float | int]:
    """The deterministic, valid candle row opening at ``open_ms``."""
    step = open_ms // timeframe_ms(timeframe)
    base = 100.0 + step % 50
    return [open_ms, base, base + 2, base - 1, base + 1, float(1 + step % 7)]


class FakeTime:
    """Monotonic time that only moves when something sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        """The current time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Record the sleep and move time on."""
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass(frozen=True)
class Recorded:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Canned:
    """A queued answer for the next matching requests."""

    status: int
    body: Any
    headers: dict[str, str]
    path: str
    method: str | None
    times: int


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[Recorded] = field(default_factory=list)
    catalog: dict[str, dict[str, Any]] = field(default_factory=dict)
    candles: dict[tuple[str, str], dict[int, list[Any]]] = field(default_factory=dict)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    canned: list[Canned] = field(default_factory=list)
    failing_symbols: set[str] = field(default_factory=set)


class _RequestError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": value}).encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        return int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"])
    except (ValueError, KeyError, TypeError):
        raise _RequestError(400, "InvalidCursor", "cursor is not one this service issued") from None


def _parse_time(text: str | None, name: str) -> int:
    if text is None:
        raise _RequestError(400, "MissingParameter", f"{name} is required")
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _RequestError(400, "InvalidParameter", f"{name} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise _RequestError(400, "InvalidParameter", f"{name} has no offset")
    return to_ms(moment)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeDataCollection) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parts.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake = self.server.fake
        fake._record(Recorded(self.command, parts.path, query, dict(self.headers.items()), body))
        if fake.token is not None and self.headers.get("Authorization") != f"Bearer {fake.token}":
            self._send(401, {"error_code": "Unauthorized", "message": "missing or invalid token"})
            return
        canned = fake._take_canned(self.command, parts.path)
        if canned is not None:
            self._send(canned.status, canned.body, canned.headers)
            return
        try:
            status, payload = fake._route(self.command, parts.path, query, body, self.headers)
        except _RequestError as exc:
            status, payload = exc.status, {"error_code": exc.code, "message": exc.message}
        self._send(status, payload)

    do_GET = do_POST = do_PUT = do_DELETE = _dispatch  # noqa: N815


class FakeDataCollection:
    """The fake service (see the module docs); use it as a context manager.

    Args:
        token: The bearer token required (``None``: no authentication).
        max_page_size: Most candles per page, whatever ``limit`` asks.
        symbols_page_size: Symbols per page.
        polls_to_finish: Polls of a job after which it is terminal.
    """

    def __init__(
        self,
        *,
        token: str | None = TOKEN,
        max_page_size: int = 1000,
        symbols_page_size: int = 100,
        polls_to_finish: int = 2,
    ) -> None:
        self.token = token
        self.max_page_size = max_page_size
        self.symbols_page_size = symbols_page_size
        self.polls_to_finish = polls_to_finish
        self._state = _State()
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> FakeDataCollection:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeDataCollection:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget everything: catalog, candles, jobs, keys, queued answers, requests."""
        with self._state.lock:
            self._state = _State()
        self.token, self.max_page_size, self.symbols_page_size = TOKEN, 1000, 100
        self.polls_to_finish = 2

    # -- test controls ------------------------------------------------------------------

    def add_symbol(
        self,
        symbol: str,
        *,
        exchange: str = "binance",
        timeframes: Iterable[str] = ("1h",),
        active: bool = True,
    ) -> None:
        """Add a symbol to the catalog."""
        with self._state.lock:
            self._state.catalog[symbol] = {
                "symbol": symbol,
                "exchange": exchange,
                "timeframes": list(timeframes),
                "active": active,
            }

    def add_candles(
        self,
        symbol: str,
        timeframe: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        missing: Iterable[dt.datetime] = (),
    ) -> None:
        """Store the deterministic candles opening in ``[start, end)``, except ``missing``."""
        skip = {to_ms(m) for m in missing}
        step = timeframe_ms(timeframe)
        first = -(-to_ms(start) // step) * step
        with self._state.lock:
            series = self._state.candles.setdefault((symbol, timeframe), {})
            for ms in range(first, to_ms(end), step):
                if ms not in skip:
                    series[ms] = candle(ms, timeframe)

    def put_candle(self, symbol: str, timeframe: str, open_ms: int, row: list[Any]) -> None:
        """Store any row (broken ones too) under ``open_ms``."""
        with self._state.lock:
            self._state.candles.setdefault((symbol, timeframe), {})[open_ms] = row

    def fail_sync_for(self, symbol: str) -> None:
        """Make every job that syncs ``symbol`` fail."""
        with self._state.lock:
            self._state.failing_symbols.add(symbol)

    def respond_next(
        self,
        status: int,
        body: Any = None,
        *,
        path: str = PREFIX,
        method: str | None = None,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``times`` requests whose path starts with ``path`` like this."""
        payload = body if body is not None else {"error_code": "Injected", "message": "injected"}
        with self._state.lock:
            self._state.canned.append(
                Canned(status, payload, dict(headers or {}), path, method, times)
            )

    @property
    def requests(self) -> list[Recorded]:
        """Every request received, oldest first."""
        with self._state.lock:
            return list(self._state.requests)

    def hits(self, path: str, method: str | None = None) -> int:
        """How many requests went to exactly ``path`` (and ``method``, if given)."""
        return sum(1 for r in self.requests if r.path == path and method in (None, r.method))

    @property
    def jobs(self) -> dict[str, dict[str, Any]]:
        """The sync jobs by id (copies)."""
        with self._state.lock:
            return {k: dict(v) for k, v in self._state.jobs.items()}

    # -- server side ----------------------------------------------------------------------

    def _record(self, request: Recorded) -> None:
        with self._state.lock:
            self._state.requests.append(request)

    def _take_canned(self, method: str, path: str) -> Canned | None:
        with self._state.lock:
            for canned in self._state.canned:
                if path.startswith(canned.path) and canned.method in (None, method):
                    canned.times -= 1
                    if canned.times <= 0:
                        self._state.canned.remove(canned)
                    return canned
        return None

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes, headers: Any
    ) -> tuple[int, Any]:
        def arg(name: str) -> str | None:
            return query.get(name, [None])[0]

        with self._state.lock:
            if method == "GET" and path == f"{PREFIX}/symbols":
                return 200, self._symbols(arg("exchange"), arg("cursor"))
            if method == "GET" and path == f"{PREFIX}/candles":
                return 200, self._candles(arg)
            if method == "GET" and path == f"{PREFIX}/coverage":
                return 200, self._coverage(*self._series(arg("symbol"), arg("timeframe")))
            if method == "POST" and path == f"{PREFIX}/sync":
                return self._create_job(body, headers.get("Idempotency-Key"))
            if method == "GET" and path.startswith(f"{PREFIX}/sync/"):
                return 200, self._poll_job(path.rsplit("/", 1)[1])
        raise _RequestError(404, "NotFound", f"no route {method} {path}")

    def _symbols(self, exchange: str | None, cursor: str | None) -> dict[str, Any]:
        items = [s for s in self._state.catalog.values() if exchange in (None, s["exchange"])]
        offset = _decode_cursor(cursor) if cursor else 0
        page = items[offset : offset + self.symbols_page_size]
        more = offset + self.symbols_page_size < len(items)
        return {
            "symbols": page,
            "next_cursor": _encode_cursor(offset + self.symbols_page_size) if more else None,
        }

    def _series(self, symbol: str | None, timeframe: str | None) -> tuple[str, str]:
        if symbol is None or timeframe is None:
            raise _RequestError(400, "MissingParameter", "symbol and timeframe are required")
        info = self._state.catalog.get(symbol)
        if info is None:
            raise _RequestError(404, "UnknownSymbol", f"{symbol} is not collected")
        if timeframe not in info["timeframes"]:
            raise _RequestError(422, "UnsupportedTimeframe", f"{symbol} has no {timeframe} candles")
        return symbol, timeframe

    def _candles(self, arg: Any) -> dict[str, Any]:
        symbol, timeframe = self._series(arg("symbol"), arg("timeframe"))
        start, end = _parse_time(arg("start"), "start"), _parse_time(arg("end"), "end")
        if end < start:
            raise _RequestError(400, "InvalidRange", "end is before start")
        limit = min(int(arg("limit") or self.max_page_size), self.max_page_size)
        after = _decode_cursor(arg("cursor")) if arg("cursor") else start - 1
        series = self._state.candles.get((symbol, timeframe), {})
        wanted = sorted(ms for ms in series if max(start, after + 1) <= ms < end)
        page = wanted[:limit]
        more = len(wanted) > limit
        return {
            "symbol": symbol,
            "timeframe": timeframe,
            "candles": [series[ms] for ms in page],
            "next_cursor": _encode_cursor(page[-1]) if more else None,
        }

    def _coverage(self, symbol: str, timeframe: str) -> dict[str, Any]:
        stamps = sorted(self._state.candles.get((symbol, timeframe), {}))
        step = timeframe_ms(timeframe)
        gaps = [
            {"start": iso(a + step), "end": iso(b), "missing": (b - a) // step - 1}
            for a, b in itertools.pairwise(stamps)
            if b - a > step
        ]
        return {
            "symbol": symbol,
            "timeframe": timeframe,
            "first_candle": iso(stamps[0]) if stamps else None,
            "last_candle": iso(stamps[-1]) if stamps else None,
            "candle_count": len(stamps),
            "gaps": gaps,
        }

    def _create_job(self, body: bytes, key: str | None) -> tuple[int, Any]:
        request = json.loads(body or b"{}")
        for symbol in request.get("symbols", []):
            self._series(symbol, request.get("timeframe"))
        digest = json.dumps(request, sort_keys=True)
        if key is not None and key in self._state.keys:
            job_id, seen = self._state.keys[key]
            if seen != digest:
                raise _RequestError(422, "IdempotencyKeyReused", "key used with another request")
            if self._state.jobs[job_id]["status"] not in ("failed", "cancelled"):
                return 200, self._state.jobs[job_id]
        job_id = f"job-{len(self._state.jobs) + 1}"
        now = iso(to_ms(dt.datetime.now(dt.UTC)))
        self._state.jobs[job_id] = {
            "job_id": job_id,
            "status": "pending",
            "symbols": request["symbols"],
            "timeframe": request["timeframe"],
            "start": request["start"],
            "end": request["end"],
            "created_at": now,
            "updated_at": now,
            "progress": 0.0,
            "candles_written": 0,
            "error": None,
        }
        if key is not None:
            self._state.keys[key] = (job_id, digest)
        return 202, self._state.jobs[job_id]

    def _poll_job(self, job_id: str) -> dict[str, Any]:
        job = self._state.jobs.get(job_id)
        if job is None:
            raise _RequestError(404, "UnknownJob", f"no job {job_id}")
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        polls = self._state.polls[job_id] = self._state.polls.get(job_id, 0) + 1
        job["updated_at"] = iso(to_ms(dt.datetime.now(dt.UTC)))
        if polls < self.polls_to_finish:
            job.update(status="running", progress=polls / self.polls_to_finish)
        elif self._state.failing_symbols.intersection(job["symbols"]):
            job.update(status="failed", error="exchange refused the download")
        else:
            job.update(status="completed", progress=1.0, candles_written=self._write(job))
        return job

    def _write(self, job: dict[str, Any]) -> int:
        start, end = _parse_time(job["start"], "start"), _parse_time(job["end"], "end")
        step = timeframe_ms(job["timeframe"])
        written = 0
        for symbol in job["symbols"]:
            series = self._state.candles.setdefault((symbol, job["timeframe"]), {})
            for ms in range(-(-start // step) * step, end, step):
                series[ms] = candle(ms, job["timeframe"])
                written += 1
        return written

"""A local HTTP server that speaks the parts of Binance's public spot API ccxt needs.

It answers, on a free loopback port:

* ``GET /api/v3/exchangeInfo`` — market metadata for the configured symbols (Binance's usual
  fields: status, assets, precisions, order types, PRICE_FILTER / LOT_SIZE /
  MARKET_LOT_SIZE / NOTIONAL filters), which ccxt's ``load_markets`` reads;
* ``GET /api/v3/klines`` — candles with Binance's semantics: ``symbol``, ``interval``,
  ``startTime`` (first open time >= it), ``endTime`` (open time <= it), ``limit``
  (default 500, at most 1000); the newest candles up to *now* when no start is given;
* any other ``exchangeInfo`` path — an empty symbol list; anything else — 404.

Candles are deterministic functions of their open time (see :func:`kline`), start at
``listed_ms`` and stop at ``now_ms`` (the candle still open at ``now_ms`` is returned
too, as Binance does). ``missing`` open times are left out, to play an exchange's gap.
Tests can queue error answers (``fail_next``) and read every request (``requests``).

Point ccxt at it with :meth:`FakeBinance.ccxt_options` (``urls.api`` overrides, as in
TESTING.md "Freqtrade, offline").
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tradai.common.freqtrade.offline_exchange import _spot_symbol

INTERVAL_MS = {
    "1s": 1_000,
    "1m": 60_000,
    "3m": 180_000,
    "5m": 300_000,
    "15m": 900_000,
    "30m": 1_800_000,
    "1h": 3_600_000,
    "2h": 7_200_000,
    "4h": 14_400_000,
    "1d": 86_400_000,
}
SYMBOLS = {"BTCUSDT": ("BTC", "USDT"), "ETHUSDT": ("ETH", "USDT")}


def kline(symbol: str, open_ms: int, interval_ms: int) -> list[Any]:
    """Binance's kline row for a candle; prices depend only on symbol and open time."""
    step = open_ms // interval_ms
    base = (100.0 if symbol == "BTCUSDT" else 10.0) + step % 97
    return [
        open_ms,
        f"{base:.2f}",
        f"{base + 2:.2f}",
        f"{base - 1:.2f}",
        f"{base + 1:.2f}",
        f"{1 + step % 7:.4f}",
        open_ms + interval_ms - 1,
        "0",
        1,
        "0",
        "0",
        "0",
    ]


def _symbol_info(symbol: str, base: str, quote: str) -> dict[str, Any]:
    # the library's offline exchange endpoint describes spot markets the same way
    info = _spot_symbol(base, quote)
    assert info["symbol"] == symbol
    return info


@dataclass
class Recorded:
    """One request the server received."""

    path: str
    query: dict[str, str]


@dataclass
class FakeBinance:
    """State of the fake exchange (mutable by the test while the server runs)."""

    listed_ms: int
    now_ms: int
    missing: set[int] = field(default_factory=set)
    ignore_start_time: bool = False  # play a broken exchange that ignores startTime
    requests: list[Recorded] = field(default_factory=list)
    failures: list[tuple[int, Any]] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, body: Any, times: int = 1) -> None:
        """Answer the next ``times`` kline requests with ``status`` and ``body``.

        ``body`` is a Binance error object (``{"code": -1003, "msg": ...}``) sent as JSON,
        or plain text (what a proxy in front of the exchange answers for a 5xx).
        """
        with self.lock:
            self.failures.extend([(status, body)] * times)

    def kline_requests(self) -> list[Recorded]:
        """The kline requests received so far."""
        with self.lock:
            return [r for r in self.requests if r.path.endswith("/klines")]

    def ccxt_options(self, *, rate_limit_ms: int = 1) -> dict[str, Any]:
        """ccxt constructor options pointing Binance's spot API at this server."""
        return {
            "urls": {
                "api": {
                    "public": f"{self.url}/api/v3",
                    "fapiPublic": f"{self.url}/fapi/v1",
                    "dapiPublic": f"{self.url}/dapi/v1",
                }
            },
            "options": {"fetchMarkets": {"types": ["spot"]}},
            "rateLimit": rate_limit_ms,
            "timeout": 5000,
        }

    def klines(self, query: dict[str, str]) -> tuple[int, Any]:
        """Answer a kline query the way Binance does."""
        symbol, interval = query.get("symbol", ""), query.get("interval", "")
        if symbol not in SYMBOLS:
            return 400, {"code": -1121, "msg": "Invalid symbol."}
        if interval not in INTERVAL_MS:
            return 400, {"code": -1120, "msg": "Invalid interval."}
        step = INTERVAL_MS[interval]
        limit = min(int(query.get("limit", "500")), 1000)
        if self.ignore_start_time:  # always answer from the listing date
            query = {**query, "startTime": str(self.listed_ms)}
        first = max(self.listed_ms, int(query.get("startTime", self.listed_ms)))
        first = -(-first // step) * step
        last = min(self.now_ms, int(query.get("endTime", self.now_ms)))
        opens = [t for t in range(first, last + 1, step) if t not in self.missing]
        opens = opens[:limit] if "startTime" in query else opens[-limit:]
        return 200, [kline(symbol, t, step) for t in opens]


def _handler(state: FakeBinance) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Silence the default stderr access log."""

        def _send(self, status: int, body: Any) -> None:
            text = isinstance(body, str)
            data = body.encode() if text else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if text else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            with state.lock:
                state.requests.append(Recorded(parts.path, query))
            if parts.path == "/api/v3/exchangeInfo":
                symbols = [_symbol_info(s, b, q) for s, (b, q) in SYMBOLS.items()]
                self._send(200, _exchange_info(symbols))
            elif parts.path.endswith("/exchangeInfo"):
                self._send(200, _exchange_info([]))
            elif parts.path == "/api/v3/klines":
                with state.lock:
                    failure = state.failures.pop(0) if state.failures else None
                self._send(*(failure or state.klines(query)))
            else:
                self._send(404, {"code": -1, "msg": "not found"})

    return Handler


def _exchange_info(symbols: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "timezone": "UTC",
        "serverTime": 0,
        "rateLimits": [],
        "exchangeFilters": [],
        "symbols": symbols,
    }


@contextmanager
def fake_binance(*, listed_ms: int, now_ms: int) -> Iterator[FakeBinance]:
    """Run a fake Binance on a free port for the ``with`` block."""
    state = FakeBinance(listed_ms=listed_ms, now_ms=now_ms)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""A local, threaded HTTP server whose routes misbehave on demand (for the HTTP client tests).

Start it with ``with LocalHttpServer() as server:`` (a free loopback port; ``server.url``).
Every request is recorded (``server.requests``). Routes, driven by the path and query:

==========================  ==============================================================
``/echo``                   200, JSON: method, path, query, headers, body (text)
``/status/<code>``          that status; ``retry_after=`` sets ``Retry-After``;
                            ``message=``/``error_code=`` make a JSON error body
                            (``echo_credentials=1``: the message quotes the request's
                            headers and query); ``text=`` a text/plain body
``/flaky/<key>``            the first ``fail=`` hits answer ``code=`` (503) with
                            ``retry_after=``; later hits 200 ``{"hits": n}``
``/slow``                   sleeps ``delay=`` seconds, then 200
``/slow-body``              sends headers, sleeps ``delay=``, then the body
``/trickle``                ``count=`` bytes, one every ``interval=`` seconds
``/broken``                 announces ``length=`` bytes, sends ``send=``, closes
``/reset``                  closes the connection without answering
``/huge``                   ``size=`` bytes in ``chunk=`` pieces; ``length=0`` omits
                            Content-Length; bytes actually written are in ``sent["huge"]``
``/gzip``                   ``size=`` zero bytes, gzip-compressed (tiny on the wire)
``/bad-gzip``               claims gzip, sends plain bytes
``/redirect``               302 to ``/echo``
==========================  ==============================================================
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[RecordedRequest] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        super().__init__(address, _Handler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: clients hanging up mid-response is what several routes provoke."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def _record(self) -> tuple[str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parts.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.server.state.lock:
            self.server.state.requests.append(
                RecordedRequest(self.command, parts.path, query, dict(self.headers.items()), body)
            )
        return parts.path, query

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        for name, value in all_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), headers)

    def _dispatch(self) -> None:
        path, query = self._record()

        def arg(name: str, default: str) -> str:
            return query.get(name, [default])[0]

        route = path.strip("/").split("/")
        handler = getattr(self, "_route_" + route[0].replace("-", "_"), None)
        if handler is None:
            self._json(404, {"error_code": "NOT_FOUND", "message": f"no route {path}"})
            return
        handler(route, arg)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch  # noqa: N815

    # -- routes -----------------------------------------------------------------------

    def _route_echo(self, route: list[str], arg: Any) -> None:
        last = self.server.state.requests[-1]
        self._json(
            200,
            {
                "method": last.method,
                "path": last.path,
                "query": last.query,
                "headers": last.headers,
                "body": last.body.decode(errors="replace"),
            },
        )

    def _route_status(self, route: list[str], arg: Any) -> None:
        headers = {}
        if arg("retry_after", ""):
            headers["Retry-After"] = arg("retry_after", "")
        if arg("text", ""):
            headers["Content-Type"] = "text/plain"
            self._send(int(route[1]), arg("text", "").encode(), headers)
            return
        message = arg("message", "failed")
        if arg("echo_credentials", ""):  # a careless server quoting what it was sent
            last = self.server.state.requests[-1]
            message = f"rejected {last.headers} {last.query}"
        payload = {"error_code": arg("error_code", "ERROR"), "message": message}
        self._json(int(route[1]), payload, headers)

    def _route_flaky(self, route: list[str], arg: Any) -> None:
        state = self.server.state
        with state.lock:
            state.counters[route[1]] = hits = state.counters.get(route[1], 0) + 1
        if hits <= int(arg("fail", "1")):
            headers = {"Retry-After": arg("retry_after", "")} if arg("retry_after", "") else {}
            self._json(int(arg("code", "503")), {"message": "try again"}, headers)
            return
        self._json(200, {"hits": hits})

    def _route_slow(self, route: list[str], arg: Any) -> None:
        time.sleep(float(arg("delay", "1")))
        self._json(200, {"slow": True})

    def _route_slow_body(self, route: list[str], arg: Any) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "10")
        self.end_headers()
        self.wfile.flush()
        time.sleep(float(arg("delay", "1")))
        self.wfile.write(b"0123456789")

    def _route_trickle(self, route: list[str], arg: Any) -> None:
        count = int(arg("count", "10"))
        self.send_response(200)
        self.send_header("Content-Length", str(count))
        self.end_headers()
        with contextlib.suppress(OSError):
            for _ in range(count):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(float(arg("interval", "0.1")))

    def _route_broken(self, route: list[str], arg: Any) -> None:
        self.send_response(200)
        self.send_header("Content-Length", arg("length", "1000"))
        self.end_headers()
        self.wfile.write(b"x" * int(arg("send", "10")))
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(2)

    def _route_reset(self, route: list[str], arg: Any) -> None:
        self.close_connection = True
        self.connection.shutdown(2)

    def _route_huge(self, route: list[str], arg: Any) -> None:
        size, chunk = int(arg("size", str(10**8))), int(arg("chunk", "65536"))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if arg("length", "1") == "1":
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        sent = 0
        piece = b"z" * chunk
        try:
            while sent < size:
                self.wfile.write(piece[: size - sent])
                sent += min(chunk, size - sent)
        except OSError:
            pass
        finally:
            with self.server.state.lock:
                self.server.state.sent["huge"] = sent

    def _route_gzip(self, route: list[str], arg: Any) -> None:
        body = gzip.compress(b"\0" * int(arg("size", str(10**7))))
        self._send(200, body, {"Content-Encoding": "gzip", "Content-Type": "text/plain"})

    def _route_bad_gzip(self, route: list[str], arg: Any) -> None:
        self._send(200, b"this is not gzip", {"Content-Encoding": "gzip"})

    def _route_redirect(self, route: list[str], arg: Any) -> None:
        self._send(302, b"", {"Location": "/echo"})


class LocalHttpServer:
    """The server above on a free loopback port, served by a background thread."""

    def __init__(self) -> None:
        self._state = _State()
        self._server = _Server(("127.0.0.1", 0), self._state)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> LocalHttpServer:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalHttpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._state.lock:
            return list(self._state.requests)

    @property
    def sent(self) -> dict[str, int]:
        """Bytes routes reported writing (``"huge"``)."""
        with self._state.lock:
            return dict(self._state.sent)

    def hits(self, path: str) -> int:
        """How many requests were made to ``path``."""
        return sum(1 for r in self.requests if r.path == path)

    def wait_for_hits(self, path: str, expected: int, timeout: float = 5.0) -> int:
        """Wait until ``path`` has been requested ``expected`` times (or ``timeout`` passes).

        A client that gave up on a slow request may have sent its retry before the server's
        handler thread got to record it; on a loaded machine that takes a moment.
        """
        deadline = time.monotonic() + timeout
        while (seen := self.hits(path)) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return seen

    def reset(self) -> None:
        """Forget recorded requests and counters."""
        with self._state.lock:
            self._state.requests.clear()
            self._state.counters.clear()
            self._state.sent.clear()

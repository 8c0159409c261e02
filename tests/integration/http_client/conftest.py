"""The local misbehaving HTTP server, shared by this folder's tests (reset per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.http_server import LocalHttpServer


@pytest.fixture(scope="session")
def _http_server_process() -> Iterator[LocalHttpServer]:
    with LocalHttpServer() as server:
        yield server


@pytest.fixture
def http_server(_http_server_process: LocalHttpServer) -> LocalHttpServer:
    _http_server_process.reset()
    return _http_server_process

"""Start the real components the test session uses, once, on free loopback ports.

Each ``start_*`` function returns a :class:`Service` whose ``env`` holds the standard
environment variables a client reads (``AWS_ENDPOINT_URL``, ``REDIS_URL``...). Nothing
here is skipped quietly: a component that cannot start raises :class:`ServiceStartError`
and the tests that need it error out.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class ServiceStartError(RuntimeError):
    """A real component needed by the tests could not be started."""


@dataclass
class Service:
    """A running component: its URL, the env vars that point clients at it, and its process."""

    name: str
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    workdir: Path | None = None
    restart: Callable[[], None] | None = field(default=None, repr=False)

    def stop(self) -> None:
        """Stop the process (if we started one) and remove its work directory."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(
    check: Callable[[], bool], *, timeout: float, what: str, proc: subprocess.Popen[bytes] | None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServiceStartError(f"{what} exited with code {proc.returncode} while starting")
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.05)
    raise ServiceStartError(f"{what} did not become ready within {timeout} s")


def _venv_bin(name: str) -> str:
    # The machine's global Python may have an older moto whose binary comes first on PATH:
    # always use the one next to the interpreter running the tests.
    candidate = Path(sys.executable).parent / name
    if not candidate.exists():
        raise ServiceStartError(f"{candidate} is missing: run 'make install'")
    return str(candidate)


def start_moto_server() -> Service:
    """Start ``moto_server`` as a subprocess (ArcticDB deadlocks against the threaded one)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="tradai-moto-"))
    env = {**os.environ, "MOTO_PORT": str(port)}
    log = (workdir / "moto.log").open("wb")
    proc = subprocess.Popen(
        [_venv_bin("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )

    def ready() -> bool:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1) as resp:
            return bool(resp.status == 200)

    _wait_until(ready, timeout=30, what="moto_server", proc=proc)
    client_env = {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }
    return Service("moto", url, client_env, process=proc, workdir=workdir)


def moto_reset(url: str) -> None:
    """Wipe all state of a moto server (``POST /moto-api/reset``)."""
    req = urllib.request.Request(f"{url}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=10):
        pass


def moto_config(url: str, config: dict[str, object]) -> None:
    """Send ``POST /moto-api/config`` (e.g. to let Step Functions executions run)."""
    req = urllib.request.Request(
        f"{url}/moto-api/config",
        method="POST",
        data=json.dumps(config).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10):
        pass


def _redis_ping(host: str, port: int) -> bool:
    with socket.create_connection((host, port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


def start_redis() -> Service:
    """Start a throwaway ``redis-server`` on a free port (nothing persisted)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServiceStartError("redis-server is not installed: run 'make services'")
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="tradai-redis-"))
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_until(lambda: _redis_ping("127.0.0.1", port), timeout=15, what="redis-server", proc=proc)
    url = f"redis://127.0.0.1:{port}/0"
    return Service("redis", url, {"REDIS_URL": url}, process=proc, workdir=workdir)

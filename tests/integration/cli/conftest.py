"""Fixtures of the ``tradai`` end-to-end tests: seeded workspaces and process checks.

Backtests cost seconds each, so the workspaces are seeded once per module and shared;
every run gets its own job directory inside them.
"""

from __future__ import annotations

import _thread
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tradai.common.cli.app import app

WORKSPACE_VARS = ("TRADAI_HOME", "MLFLOW_TRACKING_URI", "JOBS_TABLE", "ARCTIC_S3_BUCKET")
TRADAI = str(Path(sys.executable).with_name("tradai"))
SEED_ARGS = ("--pairs", "BTC/USDT", "ETH/USDT", "--timeframe", "1h",
             "--start", "2024-01-01", "--end", "2024-05-01")  # fmt: skip
RANGE = ("--timeframe", "1h", "--start", "2024-02-01", "--end", "2024-04-01")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in WORKSPACE_VARS:
        monkeypatch.delenv(var, raising=False)


def _subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of a ``tradai`` subprocess: the test session's, minus workspace vars."""
    env = {k: v for k, v in os.environ.items() if k not in WORKSPACE_VARS}
    env.update(extra)
    return env


def _run_tradai(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 180.0
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``tradai`` program as a subprocess."""
    return subprocess.run(
        [TRADAI, *args], cwd=cwd, env=env or _subprocess_env(), capture_output=True,
        text=True, timeout=timeout, check=False,
    )  # fmt: skip


def _freqtrade_pids(marker: str) -> list[int]:
    """Pids of live ``freqtrade`` processes whose command line mentions ``marker``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        text = [a.decode(errors="replace") for a in argv]
        if state != "Z" and any("freqtrade" in a for a in text) and any(marker in a for a in text):
            pids.append(int(entry.name))
    return pids


def _wait_for_freqtrade(marker: str, timeout: float = 60.0) -> bool:
    """Wait until a ``freqtrade`` process mentioning ``marker`` runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _freqtrade_pids(marker):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def interrupt_when_freqtrade_runs() -> Iterator[Callable[[Path], None]]:
    """Press Ctrl-C in THIS process (``KeyboardInterrupt`` in the main thread) as soon as
    a Freqtrade process of the given workspace is running."""
    threads: list[threading.Thread] = []

    def arm(home: Path) -> None:
        def watch() -> None:
            if _wait_for_freqtrade(str(home)):
                time.sleep(0.2)
                if _freqtrade_pids(str(home)):  # still running: the command is waiting on it
                    _thread.interrupt_main()

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        threads.append(thread)

    yield arm
    for thread in threads:
        thread.join(timeout=70)


@pytest.fixture
def tradai() -> Callable[..., Result]:
    """Run ``tradai <args>`` in-process (so coverage sees the command code)."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke


@pytest.fixture(scope="module")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace seeded (in-process) with BTC/USDT and ETH/USDT 1h, Jan-Apr 2024."""
    home = tmp_path_factory.mktemp("seeded") / "home"
    result = CliRunner().invoke(app, ["data", "seed", *SEED_ARGS, "--home", str(home)])
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def subprocess_env() -> Callable[..., dict[str, str]]:
    """Build the environment of a ``tradai`` subprocess (workspace variables removed)."""
    return _subprocess_env


@pytest.fixture
def run_tradai() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``tradai`` program as a subprocess."""
    return _run_tradai


@pytest.fixture
def freqtrade_pids() -> Callable[[str], list[int]]:
    """List the live ``freqtrade`` processes whose command line mentions a marker."""
    return _freqtrade_pids


@pytest.fixture
def wait_for_freqtrade() -> Callable[..., bool]:
    """Wait until a ``freqtrade`` process mentioning a marker runs."""
    return _wait_for_freqtrade

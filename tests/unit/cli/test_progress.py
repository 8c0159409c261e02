"""RunMonitor: a worker thread, progress on the console, Ctrl-C turned into a cancel."""

from __future__ import annotations

import _thread
import io
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from tradai.common.cli._progress import Cancelled, RunMonitor, wait_through_interrupts


def _console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=100), buffer


def test_plain_mode_echoes_stderr_lines_and_logs_every_line(tmp_path: Path) -> None:
    console, buffer = _console(terminal=False)
    log = tmp_path / "logs" / "run.log"
    monitor = RunMonitor(console, label="backtest", log_path=log)

    def work(cancel: threading.Event) -> int:
        monitor.on_line("stderr", "2024 INFO loading [data]\n")
        monitor.on_line("stdout", "RESULT TABLE")
        monitor.on_line("stderr", "   ")
        return 42

    assert monitor.run(work) == 42
    out = buffer.getvalue()
    assert "2024 INFO loading [data]" in out  # markup-like text printed as is
    assert "RESULT TABLE" not in out  # stdout is not echoed
    assert log.read_text().splitlines() == ["2024 INFO loading [data]", "RESULT TABLE", ""]
    assert monitor.lines == 3
    assert monitor.last_line == "2024 INFO loading [data]"  # stdout never replaces it


def test_live_mode_shows_a_spinner_with_the_last_line() -> None:
    console, buffer = _console(terminal=True)
    monitor = RunMonitor(console, label="backtest")
    assert monitor.last_line == "starting"

    def work(cancel: threading.Event) -> str:
        monitor.on_line(
            "stderr",
            "2026-11-21 11:42:04,245 - freqtrade.optimize.backtesting - INFO - "
            "Backtesting with data from 2024-02-01",
        )
        monitor.on_line("stderr", "backtest \u2501\u2501\u2501\u2501 100%")  # Freqtrade's bar
        time.sleep(0.35)  # a few refreshes of the display
        return "done"

    assert monitor.run(work) == "done"
    assert "backtest" in buffer.getvalue()
    assert monitor.last_line == "Backtesting with data from 2024-02-01"


def test_the_workers_error_is_raised_in_the_caller() -> None:
    console, _ = _console(terminal=False)

    def work(cancel: threading.Event) -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        RunMonitor(console, label="x").run(work)


@pytest.mark.parametrize("terminal", [False, True])
def test_ctrl_c_sets_the_cancel_event_waits_for_the_worker_and_raises_cancelled(
    terminal: bool,
) -> None:
    console, buffer = _console(terminal=terminal)
    seen: list[bool] = []

    def work(cancel: threading.Event) -> str:
        time.sleep(0.15)  # the main thread is waiting
        _thread.interrupt_main()  # what Ctrl-C does: KeyboardInterrupt in the main thread
        seen.append(cancel.wait(10))
        time.sleep(0.2)  # the process group is being stopped
        return "stopped"

    with pytest.raises(Cancelled):
        RunMonitor(console, label="backtest").run(work)
    assert seen == [True]
    assert "cancelling the backtest" in buffer.getvalue()


def test_a_second_ctrl_c_does_not_abandon_the_worker() -> None:
    console, _ = _console(terminal=False)
    finished: list[bool] = []

    def work(cancel: threading.Event) -> None:
        time.sleep(0.15)
        _thread.interrupt_main()
        cancel.wait(10)
        _thread.interrupt_main()  # pressed again while stopping
        time.sleep(0.3)
        finished.append(True)

    with pytest.raises(Cancelled):
        RunMonitor(console, label="backtest").run(work)
    assert finished == [True]


def test_waiting_gives_up_on_a_worker_that_never_began() -> None:
    started = time.monotonic()
    wait_through_interrupts(threading.Event(), threading.Event(), start_grace=0.1)
    assert time.monotonic() - started < 2

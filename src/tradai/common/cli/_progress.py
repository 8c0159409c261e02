"""Run one long call (a Freqtrade process) in a worker thread while showing progress.

The main thread only waits and draws, so Ctrl-C (``KeyboardInterrupt``, which Python
delivers to the main thread) lands here: the monitor sets the call's cancel event, waits
for the worker to stop the process group and return, and raises :class:`Cancelled`.

On a terminal the progress is a spinner, the elapsed time and Freqtrade's last log message
(its stderr, without the timestamp and logger prefix); otherwise each line Freqtrade writes
to stderr is echoed as plain text. Every line
(stdout and stderr) is also appended to a log file when one is given.
"""

from __future__ import annotations

import re
import threading
import time
from typing import TYPE_CHECKING, Any, TypeVar

from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import TextIO

    from rich.console import Console

__all__ = ["Cancelled", "RunMonitor", "wait_through_interrupts"]

_T = TypeVar("_T")
_TICK_S = 0.1
_LOG_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2} [\d:,.]+ - [\w.]+ - [A-Z]+ - ")


class Cancelled(Exception):  # noqa: N818 - reads as what happened, like KeyboardInterrupt
    """The user interrupted the run (Ctrl-C); the worker has stopped."""


class RunMonitor:
    """Run ``work(cancel)`` in a thread and show its progress on ``console``.

    Args:
        console: Where progress goes (the stderr console).
        label: What is running (``"backtest"``).
        live: Spinner display (default: when ``console`` is a terminal).
        log_path: File every output line is appended to.
    """

    def __init__(
        self,
        console: Console,
        *,
        label: str,
        live: bool | None = None,
        log_path: Path | None = None,
    ) -> None:
        self._console = console
        self._label = label
        self._live = console.is_terminal if live is None else live
        self._log_path = log_path
        self._log: TextIO | None = None
        self._lock = threading.Lock()
        self._last = "starting"
        self.lines = 0

    @property
    def last_line(self) -> str:
        """The last log message the process wrote to stderr.

        Returns:
            The message (``"starting"`` before the first one).
        """
        return self._last

    def on_line(self, stream: str, line: str) -> None:
        """Receive one output line (the runner's ``on_line`` callback; thread-safe).

        Args:
            stream: ``"stdout"`` or ``"stderr"``.
            line: The line, without its newline.
        """
        text = line.rstrip()
        with self._lock:
            self.lines += 1
            if text and stream == "stderr" and "\u2501" not in text:  # not a progress bar
                self._last = _LOG_PREFIX.sub("", text)
            if self._log is not None:
                self._log.write(f"{text}\n")
        if not self._live and stream == "stderr" and text:
            self._console.print(text, markup=False, highlight=False, soft_wrap=True)

    def run(self, work: Callable[[threading.Event], _T]) -> _T:
        """Run ``work`` in a worker thread until it returns.

        Args:
            work: The call; it receives the cancel event and must return soon after it
                is set.

        Returns:
            What ``work`` returned.

        Raises:
            Cancelled: If Ctrl-C was pressed (the worker has finished).
            BaseException: Whatever ``work`` raised.
        """
        cancel, began, done = threading.Event(), threading.Event(), threading.Event()
        outcome: dict[str, Any] = {}

        def target() -> None:
            began.set()
            try:
                outcome["value"] = work(cancel)
            except BaseException as exc:  # handed to the main thread below
                outcome["error"] = exc
            finally:
                done.set()

        if self._log_path is not None:
            self._log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self._log_path.open("a", encoding="utf-8")
        thread = threading.Thread(target=target, name=f"tradai-{self._label}", daemon=True)
        try:
            try:
                thread.start()
                self._wait(done)
            except KeyboardInterrupt:
                cancel.set()
                self._console.print(f"[yellow]cancelling the {escape(self._label)}...[/yellow]")
                wait_through_interrupts(began, done)
                raise Cancelled(f"{self._label} cancelled") from None
        finally:
            with self._lock:
                if self._log is not None:
                    self._log.close()
                    self._log = None
        if "error" in outcome:
            raise outcome["error"]
        value: _T = outcome["value"]
        return value

    def _wait(self, done: threading.Event) -> None:
        if not self._live:
            while not done.wait(_TICK_S):
                pass
            return
        columns = (
            SpinnerColumn(),
            TextColumn(f"[bold]{escape(self._label)}[/bold]"),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
        )
        with Progress(*columns, console=self._console, transient=True) as progress:
            task = progress.add_task("", total=None)
            while not done.wait(_TICK_S):
                width = max(self._console.width - 30, 20)
                progress.update(task, description=escape(self._last[:width]))


def wait_through_interrupts(
    began: threading.Event, done: threading.Event, *, start_grace: float = 1.0
) -> None:
    """Wait until the worker is done, ignoring further Ctrl-C presses.

    Args:
        began: Set by the worker when it starts.
        done: Set by the worker when it ends.
        start_grace: Seconds to wait for a worker that has not begun (Ctrl-C may have
            stopped ``Thread.start`` before the thread was launched).
    """
    deadline = time.monotonic() + start_grace
    while not done.is_set():
        if not began.is_set() and time.monotonic() > deadline:
            return
        try:
            done.wait(_TICK_S)
        except KeyboardInterrupt:  # a second Ctrl-C: the stop is already under way
            continue

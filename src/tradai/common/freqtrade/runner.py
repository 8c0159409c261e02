"""Run a Freqtrade command as a supervised child process.

:class:`FreqtradeRunner` starts ``[*executable, *args]`` in its own session (so in its own
process group), streams every output line to the logger and to an optional callback while the
process runs, keeps only the last lines of each stream, and makes sure that when it returns or
raises, nothing it started is still running: on a timeout, a cancellation or any exception in
the waiting thread (``KeyboardInterrupt`` included) the *whole group* gets ``SIGTERM`` and,
``kill_grace`` seconds later, ``SIGKILL``. Failures raise
:class:`~tradai.common.freqtrade.errors.FreqtradeError` with the reason, exit code and stderr
tail. POSIX only (process groups and signals).

Decisions where the issue is silent:

* Both pipes are read by two daemon threads, line by line, each read capped at 64 KiB so a
  line without newline cannot grow without bound (a longer line arrives in pieces). Lines are
  decoded as UTF-8 with replacement characters, with the line ending removed. stdout is logged
  at DEBUG and stderr at INFO (Freqtrade logs to stderr), with ``extra`` fields ``stream`` and
  ``command``.
* ``on_line(stream, line)`` is called from the reader threads, so it must be thread-safe and
  quick. If it raises, the run is aborted like a cancellation (the group is killed) and the
  callback's exception is re-raised to the caller; reading goes on meanwhile so the child never
  blocks on a full pipe.
* Each tail keeps the last :data:`~tradai.common.freqtrade.errors.STDERR_TAIL_CHARS`
  characters (whole lines as far as possible).
* The child's environment is ``os.environ`` plus ``env``; ``PYTHONUNBUFFERED=1`` and
  ``NO_COLOR=1`` are always set (line-by-line, plain output), ``COLUMNS=200`` unless ``env``
  sets it. stdin is ``/dev/null``.
* When the leader exits on its own, any process still left in its group is an orphan nobody
  waits for: it gets ``SIGKILL`` at once, before the leader is reaped (so the group id cannot
  have been reused). On a timeout or cancellation the group gets ``SIGTERM``, and ``SIGKILL``
  when the leader has not exited after ``kill_grace`` seconds, or as soon as it has (so no
  child that ignores ``SIGTERM`` is left behind).
* If, after the group is killed, a pipe stays open (a descendant that left the group with
  ``setsid`` still holds it) the runner waits at most 5 s for the readers, logs a warning and
  returns; it cannot kill what left the group.
* A cancellation that is already set before the start raises ``reason="cancelled"`` without
  starting anything. ``result_dir`` counts a file as new when it did not exist before the run
  or its size or modification time changed (Freqtrade names results by the second, so a quick
  rerun may rewrite a name). A result directory that does not exist yet is fine.
* The sub-command reported in errors (``command``) is ``args[0]``.

Example:
    >>> outcome = ProcessOutcome(argv=("freqtrade", "--version"), exit_code=0,
    ...                          duration_seconds=0.7, stdout_tail="freqtrade 2026.9",
    ...                          stderr_tail="", new_files=())
    >>> outcome.exit_code, outcome.argv[-1]
    (0, '--version')
"""

from __future__ import annotations

import contextlib
import math
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.freqtrade.errors import STDERR_TAIL_CHARS, FailureReason, FreqtradeError
from tradai.common.logger_mixin import LoggerMixin

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

__all__ = ["FreqtradeRunner", "ProcessOutcome", "find_freqtrade"]

_POLL_SECONDS = 0.05
_READ_LIMIT = 65536
_JOIN_SECONDS = 5.0
_FIXED_ENV = {"PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
_DEFAULT_ENV = {"COLUMNS": "200"}


@dataclass(frozen=True, slots=True)
class ProcessOutcome:
    """What a successful run left behind.

    Attributes:
        argv: The full command line that ran (executable included).
        exit_code: The exit code (always 0 for a returned outcome).
        duration_seconds: Wall time from start to exit.
        stdout_tail: The last characters of stdout.
        stderr_tail: The last characters of stderr.
        new_files: Files matching ``result_glob`` in ``result_dir`` that are new or rewritten,
            sorted; empty when no ``result_dir`` was given.
    """

    argv: tuple[str, ...]
    exit_code: int
    duration_seconds: float
    stdout_tail: str
    stderr_tail: str
    new_files: tuple[Path, ...]


def find_freqtrade() -> str:
    """Find the ``freqtrade`` program: next to ``sys.executable`` first, then on ``PATH``.

    Returns:
        The path of the program.

    Raises:
        ConfigurationError: If neither has one (``setting="executable"``).
    """
    beside = Path(sys.executable).with_name("freqtrade")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("freqtrade")
    if found is None:
        raise ConfigurationError(
            "the freqtrade program was not found next to the Python interpreter nor on PATH: "
            "pip install 'tradai-common[freqtrade]'",
            setting="executable",
        )
    return found


class _Tail:
    """The last ``limit`` characters of a stream, kept as whole lines where possible."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lines: deque[str] = deque()
        self._chars = 0
        self._lock = threading.Lock()

    def append(self, line: str) -> None:
        with self._lock:
            self._lines.append(line)
            self._chars += len(line) + 1
            while len(self._lines) > 1 and self._chars - len(self._lines[0]) - 1 >= self._limit:
                self._chars -= len(self._lines.popleft()) + 1
            if len(self._lines[0]) > self._limit:
                self._lines[0] = self._lines[0][-self._limit :]
                self._chars = sum(len(x) + 1 for x in self._lines)

    def text(self) -> str:
        with self._lock:
            return "\n".join(self._lines)[-self._limit :]


@dataclass(slots=True)
class _Job:
    """One run's inputs and the state its reader threads share with the waiting thread."""

    argv: tuple[str, ...]
    command: str
    cwd: Path
    limit: float
    cancel: threading.Event | None
    on_line: Callable[[str, str], None] | None
    stdout: _Tail = field(default_factory=lambda: _Tail(STDERR_TAIL_CHARS))
    stderr: _Tail = field(default_factory=lambda: _Tail(STDERR_TAIL_CHARS))
    errors: list[BaseException] = field(default_factory=list)


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError(f"invalid {field}: {message}", field=field)


def _check_seconds(value: object, field: str, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(field, f"expected a number of seconds, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "at least 0" if allow_zero else "greater than 0"
        raise _fail(field, f"{value!r} must be finite and {bound}")
    return float(value)


def _check_words(value: object, field: str) -> tuple[str, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise _fail(field, "expected a sequence of strings")
    words = tuple(value)
    if not words:
        raise _fail(field, "must not be empty")
    for word in words:
        if not isinstance(word, str) or "\x00" in word:
            raise _fail(field, f"{word!r:.60} is not a string without NUL")
    return words


def _check_executable(value: object) -> tuple[str, ...]:
    if value is None:
        return (find_freqtrade(),)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, str):
        value = (value,)
    words = _check_words(value, "executable")
    if not words[0]:
        raise _fail("executable", "the program must not be empty")
    return words


def _check_env(env: object) -> dict[str, str]:
    if env is None:
        return {}
    items = getattr(env, "items", None)
    if items is None:
        raise _fail("env", "expected a mapping of names to values")
    checked: dict[str, str] = {}
    for key, value in items():
        if not isinstance(key, str) or not key or "=" in key or "\x00" in key:
            raise _fail("env", f"{key!r:.60} is not an environment variable name")
        if not isinstance(value, str) or "\x00" in value:
            raise _fail("env", f"the value of {key} must be a string without NUL")
        checked[key] = value
    return checked


def _check_glob(pattern: object) -> str:
    if not isinstance(pattern, str) or not pattern or "\x00" in pattern:
        raise _fail("result_glob", "expected a non-empty pattern")
    pure = PurePosixPath(pattern)
    if pure.is_absolute() or ".." in pure.parts:
        raise _fail("result_glob", f"{pattern!r:.60} must be relative, without '..'")
    return pattern


def _snapshot(directory: Path | None, pattern: str) -> dict[Path, tuple[int, int]]:
    if directory is None or not directory.is_dir():
        return {}
    files: dict[Path, tuple[int, int]] = {}
    for path in directory.glob(pattern):
        try:
            info = path.stat()
        except OSError:  # a dangling symlink, or gone between glob and stat
            continue
        if stat.S_ISREG(info.st_mode):
            files[path] = (info.st_mtime_ns, info.st_size)
    return files


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # group already gone
        os.killpg(pgid, signum)


def _exited(proc: subprocess.Popen[str]) -> bool:
    """Whether the leader has exited, without reaping it (its pid keeps the group id taken)."""
    try:
        info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:  # reaped already (the application ignores SIGCHLD)
        return True
    return info is not None


class FreqtradeRunner(LoggerMixin):
    """Run Freqtrade commands in their own process group, with timeouts and cancellation.

    Args:
        executable: The program: a path, or a sequence such as
            ``[sys.executable, "script.py"]``; default :func:`find_freqtrade`.
        timeout: Default seconds a run may take (> 0).
        kill_grace: Seconds between ``SIGTERM`` and ``SIGKILL`` (>= 0).
        env: Environment variables set on top of ``os.environ`` for the child.

    Raises:
        ValidationError: For a bad ``executable``, ``timeout``, ``kill_grace`` or ``env``.
        ConfigurationError: If no executable is given and Freqtrade is not installed.

    Example:
        >>> runner = FreqtradeRunner(executable=["/usr/bin/env", "freqtrade"], timeout=60)
        >>> runner.executable, runner.timeout
        (('/usr/bin/env', 'freqtrade'), 60.0)
    """

    def __init__(
        self,
        *,
        executable: str | os.PathLike[str] | Sequence[str] | None = None,
        timeout: float = 3600.0,
        kill_grace: float = 5.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._timeout = _check_seconds(timeout, "timeout", allow_zero=False)
        self._kill_grace = _check_seconds(kill_grace, "kill_grace", allow_zero=True)
        self._env = _check_env(env)
        self._executable = _check_executable(executable)

    @property
    def executable(self) -> tuple[str, ...]:
        """The program and its leading arguments."""
        return self._executable

    @property
    def timeout(self) -> float:
        """The default timeout in seconds."""
        return self._timeout

    def _child_env(self) -> dict[str, str]:
        return {**os.environ, **_DEFAULT_ENV, **self._env, **_FIXED_ENV}

    def run(
        self,
        args: Sequence[str],
        *,
        cwd: str | os.PathLike[str],
        timeout: float | None = None,
        cancel: threading.Event | None = None,
        on_line: Callable[[str, str], None] | None = None,
        result_dir: str | os.PathLike[str] | None = None,
        result_glob: str = "*.zip",
    ) -> ProcessOutcome:
        """Run ``[*executable, *args]`` and wait for it.

        Args:
            args: The Freqtrade arguments (see
                :class:`~tradai.common.freqtrade.cli.FreqtradeCLIBuilder`); ``args[0]`` is the
                sub-command reported in errors.
            cwd: The working directory (must exist).
            timeout: Seconds this run may take; default the runner's ``timeout``.
            cancel: Set it (from any thread) to stop the run; noticed within ~0.05 s.
            on_line: Called with ``("stdout" | "stderr", line)`` for every line, from the
                reader threads.
            result_dir: If given, success also needs a new file matching ``result_glob`` in it.
            result_glob: A relative glob pattern (``"*.zip"``, ``"**/*.fthypt"``).

        Returns:
            The outcome of a successful run.

        Raises:
            ValidationError: For bad arguments, before anything starts.
            FreqtradeError: ``reason="start"`` if the program cannot start, ``"exit"`` for a
                non-zero exit code, ``"no_result"`` if no new result file appeared,
                ``"timeout"`` / ``"cancelled"`` (``exit_code=None``) when the group was killed.
            Exception: Whatever ``on_line`` raised (the group is killed first).
        """
        words = _check_words(args, "args")
        limit = (
            self._timeout
            if timeout is None
            else _check_seconds(timeout, "timeout", allow_zero=False)
        )
        workdir = Path(os.fspath(cwd))
        if not workdir.is_dir():
            raise _fail("cwd", f"{workdir} is not an existing directory")
        pattern = _check_glob(result_glob)
        results = None if result_dir is None else Path(os.fspath(result_dir))
        before = _snapshot(results, pattern)
        command = words[0]
        argv = (*self._executable, *words)
        if cancel is not None and cancel.is_set():
            raise FreqtradeError(
                f"freqtrade {command} was cancelled before it started",
                reason="cancelled",
                command=command,
            )
        job = _Job(
            argv=argv, command=command, cwd=workdir, limit=limit, cancel=cancel, on_line=on_line
        )
        outcome = self._supervise(job)
        if results is not None:
            after = _snapshot(results, pattern)
            new = tuple(sorted(p for p, sig in after.items() if before.get(p) != sig))
            if not new:
                raise FreqtradeError(
                    f"freqtrade {command} exited 0 but wrote no new {pattern} in {results}",
                    exit_code=0,
                    reason="no_result",
                    stderr_tail=outcome.stderr_tail,
                    command=command,
                )
            outcome = replace(outcome, new_files=new)
        return outcome

    def _supervise(self, job: _Job) -> ProcessOutcome:
        command = job.command
        self.logger.info("starting %s", shlex.join(job.argv), extra={"command": command})
        started = time.monotonic()
        try:
            proc = subprocess.Popen(  # noqa: S603 - an argv list, never a shell
                list(job.argv),
                cwd=job.cwd,
                env=self._child_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            raise FreqtradeError(
                f"cannot start freqtrade {command}: {exc.strerror or exc}",
                reason="start",
                command=command,
            ) from exc
        readers = [
            self._start_reader(stream, name, proc.pid, job)
            for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr))
        ]
        reason: FailureReason | None = None
        try:
            reason = self._wait(proc, started + job.limit, job)
        finally:
            self._stop_group(proc)
            self._join(readers, command)
        duration = time.monotonic() - started
        if job.errors:
            raise job.errors[0]
        stderr_tail = job.stderr.text()
        if reason is not None:
            what = f"timed out after {job.limit:g} s" if reason == "timeout" else "was cancelled"
            raise FreqtradeError(
                f"freqtrade {command} {what}",
                reason=reason,
                stderr_tail=stderr_tail,
                command=command,
                context={"duration_seconds": round(duration, 3)},
            )
        code = proc.returncode
        self.logger.info(
            "freqtrade %s exited with code %d after %.1f s",
            command,
            code,
            duration,
            extra={"command": command},
        )
        if code != 0:
            raise FreqtradeError(
                f"freqtrade {command} exited with code {code}",
                exit_code=code,
                reason="exit",
                stderr_tail=stderr_tail,
                command=command,
            )
        return ProcessOutcome(
            argv=job.argv,
            exit_code=code,
            duration_seconds=duration,
            stdout_tail=job.stdout.text(),
            stderr_tail=stderr_tail,
            new_files=(),
        )

    def _start_reader(
        self, stream: IO[str] | None, name: str, pid: int, job: _Job
    ) -> threading.Thread:
        thread = threading.Thread(
            target=self._pump,
            args=(stream, name, job),
            name=f"freqtrade-{name}-{pid}",
            daemon=True,
        )
        thread.start()
        return thread

    def _pump(self, stream: IO[str], name: str, job: _Job) -> None:
        level = 10 if name == "stdout" else 20  # logging.DEBUG / logging.INFO
        tail = job.stdout if name == "stdout" else job.stderr
        extra = {"stream": name, "command": job.command}
        with stream:
            for raw in iter(lambda: stream.readline(_READ_LIMIT), ""):
                line = raw.rstrip("\r\n")
                tail.append(line)
                self.logger.log(level, "%s", line, extra=extra)
                if job.on_line is not None and not job.errors:
                    try:
                        job.on_line(name, line)
                    except BaseException as exc:  # handed to the waiting thread
                        job.errors.append(exc)

    def _wait(
        self, proc: subprocess.Popen[str], deadline: float, job: _Job
    ) -> FailureReason | None:
        cancel = job.cancel
        while not _exited(proc):
            if job.errors or (cancel is not None and cancel.is_set()):
                return "cancelled"
            if time.monotonic() >= deadline:
                return "timeout"
            if cancel is not None:
                cancel.wait(_POLL_SECONDS)
            else:
                time.sleep(_POLL_SECONDS)
        return None

    def _stop_group(self, proc: subprocess.Popen[str]) -> None:
        """Leave nothing of the group running, then reap the leader."""
        pgid = proc.pid
        if not _exited(proc):
            self.logger.warning("stopping freqtrade process group %d", pgid)
            _signal_group(pgid, signal.SIGTERM)
            grace_end = time.monotonic() + self._kill_grace
            while not _exited(proc) and time.monotonic() < grace_end:
                time.sleep(0.01)
        _signal_group(pgid, signal.SIGKILL)
        proc.wait()

    def _join(self, readers: list[threading.Thread], command: str) -> None:
        deadline = time.monotonic() + _JOIN_SECONDS
        for reader in readers:
            reader.join(max(0.0, deadline - time.monotonic()))
        if any(reader.is_alive() for reader in readers):
            self.logger.warning(
                "freqtrade %s: an output pipe is still open after the process group ended "
                "(a descendant left the group); not waiting for it",
                command,
                extra={"command": command},
            )

"""FreqtradeRunner runs real child programs (small Python scripts written to tmp_path).

The scripts stand in for Freqtrade: they print, exit with codes, sleep, spawn grandchildren,
ignore SIGTERM and write result files, so every path of the runner meets a real process.
"""

from __future__ import annotations

import _thread
import contextlib
import logging
import os
import signal
import stat
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.freqtrade import runner as runner_module
from tradai.common.freqtrade.errors import STDERR_TAIL_CHARS, FreqtradeError
from tradai.common.freqtrade.runner import FreqtradeRunner, ProcessOutcome, find_freqtrade

Script = Callable[[str], list[str]]

# A script that starts a sleeping grandchild in its own process group and reports its pid.
SPAWN = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(f"grandchild {child.pid}", flush=True)
"""


@pytest.fixture
def script(tmp_path: Path) -> Script:
    """Write a Python program to tmp_path; return the executable list that runs it."""
    count = iter(range(1000))

    def write(body: str) -> list[str]:
        path = tmp_path / f"prog{next(count)}.py"
        path.write_text(textwrap.dedent(body))
        return [sys.executable, str(path)]

    return write


@pytest.fixture
def pids() -> Iterator[list[int]]:
    """Pids a test saw; any still running at teardown is killed (never leak a process)."""
    seen: list[int] = []
    yield seen
    for pid in seen:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _dead(pid: int) -> bool:
    """Gone, or a zombie (dead, waiting for init to reap it; this VM's init does not reap)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def _wait_dead(pid: int, seconds: float = 2.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if _dead(pid):
            return True
        time.sleep(0.02)
    return _dead(pid)


def _grandchild_recorder(pids: list[int]) -> Callable[[str, str], None]:
    def on_line(stream: str, line: str) -> None:
        if line.startswith("grandchild "):
            pids.append(int(line.split()[1]))

    return on_line


# ---------------------------------------------------------------- success


def test_a_successful_run_streams_lines_and_keeps_tails(
    script: Script, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    exe = script(
        """
        import sys
        print("out 1"); print("out 2", flush=True)
        print("err 1", file=sys.stderr)
        print("args", sys.argv[1:])
        """
    )
    lines: list[tuple[str, str]] = []
    runner = FreqtradeRunner(executable=exe)
    with caplog.at_level(logging.DEBUG, logger="tradai.common.freqtrade.runner"):
        outcome = runner.run(
            ["backtesting", "--x", "a b"],
            cwd=tmp_path,
            on_line=lambda stream, line: lines.append((stream, line)),
        )
    assert isinstance(outcome, ProcessOutcome)
    assert outcome.exit_code == 0
    assert outcome.argv == (*exe, "backtesting", "--x", "a b")
    assert outcome.stdout_tail == "out 1\nout 2\nargs ['backtesting', '--x', 'a b']"
    assert outcome.stderr_tail == "err 1"
    assert outcome.new_files == ()
    assert 0 < outcome.duration_seconds < 10
    assert [line for stream, line in lines if stream == "stdout"] == [
        "out 1",
        "out 2",
        "args ['backtesting', '--x', 'a b']",
    ]
    assert [line for stream, line in lines if stream == "stderr"] == ["err 1"]
    levels = {r.getMessage(): r.levelno for r in caplog.records}
    assert levels["out 1"] == logging.DEBUG
    assert levels["err 1"] == logging.INFO
    record = next(r for r in caplog.records if r.getMessage() == "err 1")
    assert (record.stream, record.command) == ("stderr", "backtesting")  # type: ignore[attr-defined]


def test_the_child_inherits_the_environment_with_overrides(
    script: Script, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADAI_RUNNER_INHERITED", "yes")
    monkeypatch.setenv("NO_COLOR", "0")
    exe = script(
        """
        import os
        for key in ("TRADAI_RUNNER_INHERITED", "EXTRA", "PYTHONUNBUFFERED", "NO_COLOR", "COLUMNS"):
            print(key, os.environ.get(key))
        """
    )
    outcome = FreqtradeRunner(executable=exe, env={"EXTRA": "1"}).run(["x"], cwd=tmp_path)
    assert outcome.stdout_tail.splitlines() == [
        "TRADAI_RUNNER_INHERITED yes",
        "EXTRA 1",
        "PYTHONUNBUFFERED 1",
        "NO_COLOR 1",
        "COLUMNS 200",
    ]
    custom = FreqtradeRunner(executable=exe, env={"COLUMNS": "80", "PYTHONUNBUFFERED": "0"})
    lines = custom.run(["x"], cwd=tmp_path).stdout_tail.splitlines()
    assert "COLUMNS 80" in lines
    assert "PYTHONUNBUFFERED 1" in lines


def test_the_child_runs_in_cwd_in_its_own_session(script: Script, tmp_path: Path) -> None:
    exe = script(
        """
        import os
        print(os.getcwd()); print(os.getpgid(0) == os.getpid(), os.getsid(0) == os.getpid())
        """
    )
    (tmp_path / "work").mkdir()
    outcome = FreqtradeRunner(executable=exe).run(["x"], cwd=tmp_path / "work")
    assert outcome.stdout_tail.splitlines() == [str((tmp_path / "work").resolve()), "True True"]


def test_a_lot_of_output_keeps_bounded_tails(script: Script, tmp_path: Path) -> None:
    exe = script(
        """
        import sys
        for i in range(20000):
            print(f"stderr line {i:05d}", file=sys.stderr)
            print(f"stdout line {i:05d}")
        sys.stdout.write("x" * 200000)  # one line longer than a read, without newline
        """
    )
    outcome = FreqtradeRunner(executable=exe).run(["x"], cwd=tmp_path)
    assert len(outcome.stderr_tail) <= STDERR_TAIL_CHARS
    assert len(outcome.stderr_tail) > STDERR_TAIL_CHARS - 30
    assert outcome.stderr_tail.endswith("stderr line 19999")
    # the long line arrives in 64 KiB pieces: 3 full ones and 200000 - 3 * 65536 = 3392 chars
    assert outcome.stdout_tail == ("x" * 607) + "\n" + ("x" * 3392)


def test_non_utf8_output_is_replaced_not_fatal(script: Script, tmp_path: Path) -> None:
    exe = script('import sys; sys.stderr.buffer.write(b"bad \\xff byte\\n")')
    assert FreqtradeRunner(executable=exe).run(["x"], cwd=tmp_path).stderr_tail == "bad \ufffd byte"


def test_a_grandchild_left_behind_after_exit_is_killed(
    script: Script, tmp_path: Path, pids: list[int]
) -> None:
    exe = script(SPAWN)  # exits at once; the grandchild holds the pipes open
    started = time.monotonic()
    FreqtradeRunner(executable=exe).run(["x"], cwd=tmp_path, on_line=_grandchild_recorder(pids))
    assert time.monotonic() - started < 5
    assert len(pids) == 1
    assert _wait_dead(pids[0])


# ---------------------------------------------------------------- failures


def test_a_non_zero_exit_raises_with_code_and_stderr_tail(script: Script, tmp_path: Path) -> None:
    exe = script(
        """
        import sys
        print("Strategy NoSuch not found", file=sys.stderr)
        sys.exit(3)
        """
    )
    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(executable=exe).run(["backtesting", "-c", "x"], cwd=tmp_path)
    err = info.value
    assert (err.reason, err.exit_code, err.command) == ("exit", 3, "backtesting")
    assert err.stderr_tail == "Strategy NoSuch not found"
    assert "exited with code 3" in err.message


def test_a_program_that_does_not_exist_fails_to_start(tmp_path: Path) -> None:
    runner = FreqtradeRunner(executable=tmp_path / "no-such-freqtrade")
    with pytest.raises(FreqtradeError) as info:
        runner.run(["backtesting"], cwd=tmp_path)
    assert (info.value.reason, info.value.exit_code) == ("start", None)
    assert isinstance(info.value.__cause__, FileNotFoundError)


def test_a_program_that_is_not_executable_fails_to_start(tmp_path: Path) -> None:
    program = tmp_path / "freqtrade"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(executable=str(program)).run(["hyperopt"], cwd=tmp_path)
    assert (info.value.reason, info.value.command) == ("start", "hyperopt")
    assert isinstance(info.value.__cause__, PermissionError)


def test_a_timeout_kills_the_whole_group(script: Script, tmp_path: Path, pids: list[int]) -> None:
    exe = script(SPAWN + "print('working', file=sys.stderr, flush=True)\ntime.sleep(60)\n")
    runner = FreqtradeRunner(executable=exe, timeout=60, kill_grace=2)
    started = time.monotonic()
    with pytest.raises(FreqtradeError) as info:
        runner.run(["hyperopt"], cwd=tmp_path, timeout=0.5, on_line=_grandchild_recorder(pids))
    elapsed = time.monotonic() - started
    err = info.value
    assert (err.reason, err.exit_code, err.command) == ("timeout", None, "hyperopt")
    assert err.stderr_tail == "working"
    assert "timed out after 0.5 s" in err.message
    assert 0.5 <= elapsed < 3
    assert len(pids) == 1
    assert _wait_dead(pids[0])


def test_the_default_timeout_applies(script: Script, tmp_path: Path) -> None:
    exe = script("import time; time.sleep(60)")
    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(executable=exe, timeout=0.3).run(["x"], cwd=tmp_path)
    assert info.value.reason == "timeout"


def test_cancel_is_noticed_quickly_and_kills_the_group(
    script: Script, tmp_path: Path, pids: list[int]
) -> None:
    exe = script(SPAWN + "time.sleep(60)\n")
    cancel = threading.Event()
    set_at: list[float] = []

    def on_line(stream: str, line: str) -> None:
        _grandchild_recorder(pids)(stream, line)
        set_at.append(time.monotonic())
        cancel.set()

    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(executable=exe).run(["backtesting"], cwd=tmp_path, cancel=cancel,
                                            on_line=on_line)  # fmt: skip
    raised_at = time.monotonic()
    assert (info.value.reason, info.value.exit_code) == ("cancelled", None)
    assert raised_at - set_at[0] < 0.5  # noticed within ~0.05 s, plus the group's exit
    assert _wait_dead(pids[0])


def test_cancel_set_before_the_start_starts_nothing(script: Script, tmp_path: Path) -> None:
    marker = tmp_path / "started"
    exe = script(f"open({str(marker)!r}, 'w').close()")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(executable=exe).run(["x"], cwd=tmp_path, cancel=cancel)
    assert info.value.reason == "cancelled"
    assert not marker.exists()


def test_a_child_ignoring_sigterm_is_killed_after_the_grace(script: Script, tmp_path: Path) -> None:
    exe = script(
        """
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("ready", flush=True)
        time.sleep(60)
        """
    )
    runner = FreqtradeRunner(executable=exe, kill_grace=0.4)
    started = time.monotonic()
    with pytest.raises(FreqtradeError) as info:
        runner.run(["x"], cwd=tmp_path, timeout=0.3)
    elapsed = time.monotonic() - started
    assert info.value.reason == "timeout"
    assert 0.7 <= elapsed < 3


def test_a_grandchild_ignoring_sigterm_is_killed_when_the_leader_exits(
    script: Script, tmp_path: Path, pids: list[int]
) -> None:
    exe = script(
        """
        import subprocess, sys, time
        code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
        child = subprocess.Popen([sys.executable, "-c", code])
        print(f"grandchild {child.pid}", flush=True)
        time.sleep(60)
        """
    )
    runner = FreqtradeRunner(executable=exe, kill_grace=30)
    started = time.monotonic()
    with pytest.raises(FreqtradeError):
        runner.run(["x"], cwd=tmp_path, timeout=0.5, on_line=_grandchild_recorder(pids))
    assert time.monotonic() - started < 5  # the leader died on SIGTERM: no 30 s grace
    assert _wait_dead(pids[0])


def test_keyboard_interrupt_while_waiting_kills_the_group(
    script: Script, tmp_path: Path, pids: list[int]
) -> None:
    exe = script(SPAWN + "time.sleep(60)\n")

    def on_line(stream: str, line: str) -> None:
        _grandchild_recorder(pids)(stream, line)
        _thread.interrupt_main()  # a real SIGINT-style interrupt of the waiting (main) thread

    with pytest.raises(KeyboardInterrupt):
        FreqtradeRunner(executable=exe).run(["x"], cwd=tmp_path, on_line=on_line)
    assert _wait_dead(pids[0])


def test_an_on_line_error_aborts_the_run_and_is_re_raised(
    script: Script, tmp_path: Path, pids: list[int]
) -> None:
    exe = script(SPAWN + "time.sleep(60)\n")
    calls: list[str] = []

    def on_line(stream: str, line: str) -> None:
        _grandchild_recorder(pids)(stream, line)
        calls.append(line)
        raise RuntimeError("callback broke")

    with pytest.raises(RuntimeError, match="callback broke"):
        FreqtradeRunner(executable=exe).run(["x"], cwd=tmp_path, on_line=on_line)
    assert calls == [f"grandchild {pids[0]}"]  # never called again after it raised
    assert _wait_dead(pids[0])


def test_a_descendant_that_left_the_group_does_not_hang_the_runner(
    script: Script,
    tmp_path: Path,
    pids: list[int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(runner_module, "_JOIN_SECONDS", 0.3)
    exe = script(
        """
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"],
                                 start_new_session=True)
        print(f"grandchild {child.pid}", flush=True)
        """
    )
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="tradai.common.freqtrade.runner"):
        FreqtradeRunner(executable=exe).run(["x"], cwd=tmp_path, on_line=_grandchild_recorder(pids))
    assert time.monotonic() - started < 2.5
    assert "an output pipe is still open" in caplog.text


def test_a_process_that_ignores_sigchld_still_completes(script: Script, tmp_path: Path) -> None:
    # With SIGCHLD ignored the kernel reaps children itself; the runner must not hang.
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        outcome = FreqtradeRunner(executable=script("print('done')")).run(["x"], cwd=tmp_path)
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert outcome.stdout_tail == "done"


# ---------------------------------------------------------------- result files


RESULT = """
import pathlib, sys
target = pathlib.Path(sys.argv[2])
target.parent.mkdir(parents=True, exist_ok=True)
target.write_text(sys.argv[3] if len(sys.argv) > 3 else "result")
"""


def test_a_new_result_file_is_reported(script: Script, tmp_path: Path) -> None:
    results = tmp_path / "results"  # does not exist before the run
    (tmp_path / "other.zip").write_text("not in the result dir")
    outcome = FreqtradeRunner(executable=script(RESULT)).run(
        ["backtesting", str(results / "backtest-result-1.zip")],
        cwd=tmp_path,
        result_dir=results,
    )
    assert outcome.new_files == (results / "backtest-result-1.zip",)


def test_dangling_links_and_directories_are_not_results(script: Script, tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    (results / "dangling.zip").symlink_to(tmp_path / "missing.zip")
    exe = script("import os, sys; os.mkdir(sys.argv[2])")
    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(executable=exe).run(
            ["x", str(results / "dir.zip")], cwd=tmp_path, result_dir=results
        )
    assert info.value.reason == "no_result"


def test_no_new_result_file_raises_no_result(script: Script, tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    (results / "old.zip").write_text("from an earlier run")
    exe = script("import sys; print('Exiting: no data', file=sys.stderr)")
    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(executable=exe).run(["backtesting"], cwd=tmp_path, result_dir=results)
    err = info.value
    assert (err.reason, err.exit_code, err.command) == ("no_result", 0, "backtesting")
    assert err.stderr_tail == "Exiting: no data"


def test_a_file_not_matching_the_glob_is_not_a_result(script: Script, tmp_path: Path) -> None:
    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(executable=script(RESULT)).run(
            ["x", str(tmp_path / "r" / "a.json")], cwd=tmp_path, result_dir=tmp_path / "r"
        )
    assert info.value.reason == "no_result"


def test_a_rewritten_result_file_counts_as_new(script: Script, tmp_path: Path) -> None:
    target = tmp_path / "r" / "hyperopt_results" / "strategy_X.fthypt"
    target.parent.mkdir(parents=True)
    target.write_text("old")
    outcome = FreqtradeRunner(executable=script(RESULT)).run(
        ["x", str(target), "new and longer"],
        cwd=tmp_path,
        result_dir=tmp_path / "r",
        result_glob="**/*.fthypt",
    )
    assert outcome.new_files == (target,)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"executable": []}, "executable"),
        ({"executable": [""]}, "executable"),
        ({"executable": ""}, "executable"),
        ({"executable": ["python", 3]}, "executable"),
        ({"executable": ["py\x00thon"]}, "executable"),
        ({"executable": 42}, "executable"),
        ({"executable": b"freqtrade"}, "executable"),
        ({"executable": "x", "timeout": 0}, "timeout"),
        ({"executable": "x", "timeout": -1}, "timeout"),
        ({"executable": "x", "timeout": float("nan")}, "timeout"),
        ({"executable": "x", "timeout": float("inf")}, "timeout"),
        ({"executable": "x", "timeout": True}, "timeout"),
        ({"executable": "x", "timeout": "5"}, "timeout"),
        ({"executable": "x", "kill_grace": -0.1}, "kill_grace"),
        ({"executable": "x", "env": ["A=1"]}, "env"),
        ({"executable": "x", "env": {"": "1"}}, "env"),
        ({"executable": "x", "env": {"A=B": "1"}}, "env"),
        ({"executable": "x", "env": {"A": 1}}, "env"),
        ({"executable": "x", "env": {"A": "a\x00"}}, "env"),
        ({"executable": "x", "env": {3: "1"}}, "env"),
    ],
)
def test_bad_runner_settings_are_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        FreqtradeRunner(**kwargs)
    assert info.value.field == field


def test_runner_settings_are_exposed(tmp_path: Path) -> None:
    runner = FreqtradeRunner(executable=tmp_path / "ft", timeout=5, kill_grace=0, env={})
    assert runner.executable == (str(tmp_path / "ft"),)
    assert runner.timeout == 5.0


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ([], {}, "args"),
        ("backtesting", {}, "args"),
        (["backtesting", None], {}, "args"),
        (["back\x00testing"], {}, "args"),
        (["x"], {"timeout": 0}, "timeout"),
        (["x"], {"cwd": "does-not-exist"}, "cwd"),
        (["x"], {"result_dir": ".", "result_glob": ""}, "result_glob"),
        (["x"], {"result_dir": ".", "result_glob": "/abs/*.zip"}, "result_glob"),
        (["x"], {"result_dir": ".", "result_glob": "../*.zip"}, "result_glob"),
    ],
)
def test_bad_run_arguments_are_refused_before_starting(
    script: Script, tmp_path: Path, args: Any, kwargs: dict[str, Any], field: str
) -> None:
    marker = tmp_path / "started"
    runner = FreqtradeRunner(executable=script(f"open({str(marker)!r}, 'w').close()"))
    options: dict[str, Any] = {"cwd": tmp_path, **kwargs}
    if options["cwd"] == "does-not-exist":
        options["cwd"] = tmp_path / "does-not-exist"
    with pytest.raises(ValidationError) as info:
        runner.run(args, **options)
    assert info.value.field == field
    assert not marker.exists()


# ---------------------------------------------------------------- find_freqtrade


def test_find_freqtrade_prefers_the_one_beside_the_interpreter() -> None:
    found = Path(find_freqtrade())
    assert found == Path(sys.executable).with_name("freqtrade")
    assert FreqtradeRunner().executable == (str(found),)


def _fake_program(directory: Path, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    return program


def test_find_freqtrade_falls_back_to_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "venv" / "python"))
    program = _fake_program(tmp_path / "bin", "freqtrade")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert find_freqtrade() == str(program)


def test_find_freqtrade_without_one_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "venv" / "python"))
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "freqtrade").write_text("not executable")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ConfigurationError) as info:
        find_freqtrade()
    assert info.value.setting == "executable"
    assert "tradai-common[freqtrade]" in info.value.message

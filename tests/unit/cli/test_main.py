"""The console-script entry point: light import, missing extra, version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradai.common.cli import main


def test_importing_the_cli_package_loads_no_typer_rich_or_pandas() -> None:
    code = "import sys, json, tradai.common.cli; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = {name.split(".")[0] for name in json.loads(out.stdout)}
    assert loaded.isdisjoint({"typer", "rich", "pandas", "click", "pydantic", "mlflow"})


@pytest.mark.parametrize("missing", ["typer", "rich"])
def test_missing_extra_prints_the_install_hint_and_exits_1(
    missing: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # what an absent package looks like
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert f"{missing} is required" in err
    assert "pip install 'tradai-common[backtest]'" in err


def test_version_exits_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradai.common import __version__

    monkeypatch.setenv("MLFLOW_LOGGING_LEVEL", "")  # restored (removed) after the test
    monkeypatch.delenv("MLFLOW_LOGGING_LEVEL")
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"tradai {__version__}"
    assert os.environ["MLFLOW_LOGGING_LEVEL"] == "WARNING"  # quiet MLflow store set-up


def test_installed_console_script_runs() -> None:
    script = Path(sys.executable).with_name("tradai")
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("tradai ")

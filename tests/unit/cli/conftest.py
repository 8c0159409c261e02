"""Fixtures of the ``tradai`` CLI unit tests: a clean environment and a runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tradai.common.cli.app import app

WORKSPACE_VARS = ("TRADAI_HOME", "MLFLOW_TRACKING_URI", "JOBS_TABLE", "ARCTIC_S3_BUCKET")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No workspace setting of the developer's shell leaks into a test."""
    for var in WORKSPACE_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A workspace directory that does not exist yet."""
    return tmp_path / "home"


@pytest.fixture
def tradai() -> Callable[..., Result]:
    """Run ``tradai <args>`` in-process and return Typer's result."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke

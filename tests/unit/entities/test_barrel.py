"""The ``tradai.common.entities`` barrel exports every public entity name, lazily."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import tradai.common.entities as barrel


def _entity_modules() -> list[str]:
    root = Path(barrel.__file__).parent
    return [m.name for m in pkgutil.iter_modules([str(root)]) if not m.name.startswith("_")]


def test_barrel_exports_every_public_name_of_every_entity_module() -> None:
    expected: set[str] = set()
    for name in _entity_modules():
        module = importlib.import_module(f"tradai.common.entities.{name}")
        expected |= set(module.__all__)
    assert set(barrel.__all__) == expected


def test_barrel_names_are_the_module_objects() -> None:
    from tradai.common.entities.backtest import BacktestConfig

    assert barrel.BacktestConfig is BacktestConfig


def test_importing_the_barrel_builds_no_entity_module() -> None:
    code = (
        "import sys, tradai.common.entities as e; "
        "print(sorted(m for m in sys.modules if m.startswith('tradai.common.entities.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"

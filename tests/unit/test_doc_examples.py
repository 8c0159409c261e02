"""Every ``>>>`` example in the library's docstrings runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import tradai.common


def _modules() -> list[str]:
    root = Path(tradai.common.__file__).parent
    return ["tradai.common"] + [
        info.name for info in pkgutil.walk_packages([str(root)], prefix="tradai.common.")
    ]


@pytest.mark.parametrize("module_name", _modules())
def test_docstring_examples_run(module_name: str) -> None:
    module = importlib.import_module(module_name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {module_name}"

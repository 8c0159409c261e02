"""tradai.common.utils re-exports its helpers lazily and stays stdlib-light."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import tradai.common.utils as utils

SUBMODULES = ("datetime", "decimal", "git", "profit", "seed")


def test_importing_the_package_loads_none_of_its_modules_or_heavy_dependencies() -> None:
    code = "import sys, json; import tradai.common.utils; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = set(json.loads(out))
    assert not {f"tradai.common.utils.{name}" for name in SUBMODULES} & loaded
    assert not {"numpy", "pydantic", "subprocess", "typing", "decimal"} & loaded


@pytest.mark.parametrize("name", utils.__all__)
def test_every_exported_name_is_the_object_defined_in_its_module(name: str) -> None:
    owners = [importlib.import_module(f"tradai.common.utils.{module}") for module in SUBMODULES]
    defining = [m for m in owners if name in m.__all__]
    assert len(defining) == 1
    assert getattr(utils, name) is getattr(defining[0], name)


def test_all_lists_exactly_the_union_of_the_modules_all() -> None:
    union = set()
    for module in SUBMODULES:
        union |= set(importlib.import_module(f"tradai.common.utils.{module}").__all__)
    assert set(utils.__all__) == union
    assert len(utils.__all__) == len(union)


def test_dir_lists_every_export() -> None:
    assert set(utils.__all__) <= set(dir(utils))


def test_an_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = utils.nope

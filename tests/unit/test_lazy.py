"""tradai.common._lazy: optional imports with a helpful error, and lazy re-exports."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradai.common._lazy import lazy_exports, require
from tradai.common.exceptions import MissingDependencyError


@pytest.fixture
def probe_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An importable module that has not been imported yet."""
    name = "tradai_lazy_probe_module"
    (tmp_path / f"{name}.py").write_text("VALUE = 42\n\ndef helper():\n    return 'helped'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop(name, None)
    yield name
    sys.modules.pop(name, None)


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A throwaway package registered in sys.modules."""
    module = types.ModuleType("tradai_lazy_fake_package")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


# ----------------------------------------------------------------------------------- require


def test_require_returns_an_already_imported_module() -> None:
    assert require("json", extra="core") is json


def test_require_imports_a_module_on_first_use(probe_module: str) -> None:
    assert probe_module not in sys.modules
    module = require(probe_module, extra="core")
    assert module.VALUE == 42
    assert sys.modules[probe_module] is module


def test_require_returns_a_submodule_not_its_package() -> None:
    import os.path

    assert require("os.path", extra="core") is os.path


def test_require_names_the_extra_when_the_module_is_missing() -> None:
    with pytest.raises(MissingDependencyError) as info:
        require("tradai_no_such_package.sub", extra="market")
    err = info.value
    assert err.package == "tradai_no_such_package"
    assert err.extra == "market"
    assert str(err) == (
        "tradai_no_such_package is required for this feature: pip install 'tradai-common[market]'"
    )
    assert isinstance(err.__cause__, ModuleNotFoundError)
    assert isinstance(err, ImportError)


def test_require_treats_a_blocked_import_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tradai_blocked_dep", None)
    with pytest.raises(MissingDependencyError, match=r"tradai-common\[stats\]"):
        require("tradai_blocked_dep", extra="stats")


def test_require_lets_other_import_errors_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tradai_broken_dep.py").write_text("raise ImportError('broken build')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError, match="broken build") as info:
        require("tradai_broken_dep", extra="core")
    assert not isinstance(info.value, MissingDependencyError)


# ------------------------------------------------------------------------------ lazy_exports


def test_lazy_exports_import_the_target_only_on_first_access(
    package: types.ModuleType, probe_module: str
) -> None:
    getattr_, _ = lazy_exports(package.__name__, {"VALUE": probe_module})
    package.__getattr__ = getattr_  # type: ignore[method-assign]  # module __getattr__
    assert probe_module not in sys.modules
    assert package.VALUE == 42
    assert probe_module in sys.modules


def test_lazy_exports_cache_the_value_in_the_package_namespace(
    package: types.ModuleType, probe_module: str
) -> None:
    getattr_, _ = lazy_exports(package.__name__, {"helper": probe_module})
    package.__getattr__ = getattr_  # type: ignore[method-assign]  # module __getattr__
    first = package.helper
    assert vars(package)["helper"] is first  # later lookups skip __getattr__
    assert package.helper is first
    assert first() == "helped"


def test_lazy_exports_raise_attribute_error_for_unknown_names(package: types.ModuleType) -> None:
    getattr_, _ = lazy_exports(package.__name__, {"dumps": "json"})
    package.__getattr__ = getattr_  # type: ignore[method-assign]  # module __getattr__
    with pytest.raises(
        AttributeError, match="module 'tradai_lazy_fake_package' has no attribute 'x'"
    ):
        _ = package.x
    assert not hasattr(package, "loads")
    assert package.dumps is json.dumps


def test_lazy_exports_dir_lists_exports_and_real_attributes(package: types.ModuleType) -> None:
    _, dir_ = lazy_exports(package.__name__, {"dumps": "json", "loads": "json"})
    package.already_here = 1  # type: ignore[attr-defined]  # a plain attribute
    listing = dir_()
    assert {"dumps", "loads", "already_here", "__name__"} <= set(listing)
    assert listing == sorted(listing)
    assert len(listing) == len(set(listing))


def test_a_missing_target_module_surfaces_as_an_import_error(package: types.ModuleType) -> None:
    getattr_, _ = lazy_exports(package.__name__, {"thing": "tradai_no_such_module"})
    with pytest.raises(ModuleNotFoundError):
        getattr_("thing")

"""Package-level contract: light import, resolvable ``__all__``, namespace layout, version."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import tradai.common

HEAVY = (
    "boto3",
    "botocore",
    "pandas",
    "numpy",
    "scipy",
    "mlflow",
    "fastapi",
    "redis",
    "arcticdb",
    "freqtrade",
    "pydantic_settings",
    # Not required by the issue, but the design keeps even pydantic out of the top level.
    "pydantic",
    "typing",
)


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out))


def _all_modules() -> list[str]:
    root = Path(tradai.common.__file__).parent
    names = ["tradai.common"]
    for info in pkgutil.walk_packages([str(root)], prefix="tradai.common."):
        names.append(info.name)
    return sorted(names)


def test_import_tradai_common_loads_no_heavy_dependency_in_a_fresh_interpreter() -> None:
    loaded = _modules_after("import tradai.common")
    leaked = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert leaked == []


@pytest.mark.parametrize(
    "statement",
    [
        "import tradai.common.entities",
        "import tradai.common.config",
        "import tradai.common.utils",
        "import tradai.common.exceptions",
        "import tradai.common.validators",
    ],
)
def test_barrel_packages_import_no_third_party_dependency(statement: str) -> None:
    loaded = _modules_after(statement)
    heavy_but_pydantic = [h for h in HEAVY if h not in {"pydantic", "typing"}]
    leaked = sorted(m for m in loaded if m.split(".")[0] in heavy_but_pydantic)
    assert leaked == []


def test_tradai_is_a_pep420_namespace_package() -> None:
    import tradai

    assert getattr(tradai, "__file__", None) is None
    assert not (Path(tradai.common.__file__).parent.parent / "__init__.py").exists()


def test_version_comes_from_package_metadata() -> None:
    from importlib.metadata import version

    assert tradai.common.__version__ == version("tradai-common")


def test_package_ships_py_typed_marker() -> None:
    assert (Path(tradai.common.__file__).parent / "py.typed").is_file()


@pytest.mark.parametrize("module_name", _all_modules())
def test_every_name_in_dunder_all_resolves(module_name: str) -> None:
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    if module_name.rsplit(".", 1)[-1].startswith("_") and exported is None:
        return
    assert exported is not None, f"{module_name} has no __all__"
    assert len(exported) == len(set(exported)), f"{module_name}.__all__ has duplicates"
    missing = [name for name in exported if not hasattr(module, name)]
    assert missing == []


def test_top_level_does_not_export_a_bare_trading_mode() -> None:
    assert "TradingMode" not in tradai.common.__all__
    with pytest.raises(AttributeError):
        _ = tradai.common.TradingMode  # type: ignore[attr-defined]  # proving it is absent


def test_unknown_top_level_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = tradai.common.nope  # type: ignore[attr-defined]  # proving it is absent


def test_dir_lists_lazy_exports() -> None:
    assert set(tradai.common.__all__) - {"__version__"} <= set(dir(tradai.common))

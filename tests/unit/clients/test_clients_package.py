"""The clients package exports its names lazily and imports nothing heavy."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import tradai.common.clients as clients


@pytest.mark.parametrize("name", clients.__all__)
def test_every_exported_name_resolves_to_its_modules_object(name: str) -> None:
    module = importlib.import_module(clients._EXPORTS[name])
    assert getattr(clients, name) is getattr(module, name)


def test_the_export_table_and_dunder_all_list_the_same_names() -> None:
    assert sorted(clients.__all__) == sorted(clients._EXPORTS)


def test_dir_lists_the_lazy_exports_and_unknown_names_raise() -> None:
    assert set(clients.__all__) <= set(dir(clients))
    with pytest.raises(AttributeError):
        _ = clients.NoSuchClient


def test_importing_the_client_module_loads_no_pandas_requests_or_numpy() -> None:
    code = (
        "import sys, tradai.common.clients.data_collection_client as m; "
        "print(sorted(x for x in ('pandas', 'numpy', 'requests', 'httpx') if x in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

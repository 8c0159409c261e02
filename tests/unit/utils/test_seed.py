"""Behaviour of tradai.common.utils.seed with real random/numpy (torch is not installed).

torch is stood in for by a tiny package written to a temporary directory and put on
``sys.path``: it is found and imported exactly as an installed torch would be.
"""

from __future__ import annotations

import importlib.util
import os
import random
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import numpy as np
import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.utils import seed as useed

FAKE_TORCH = """
_state = {"cpu": b"initial", "cuda": [b"gpu-initial"]}
seeds = []


def manual_seed(seed):
    seeds.append(seed)
    _state["cpu"] = f"cpu-{seed}".encode()
    _state["cuda"] = [f"gpu-{seed}".encode()]


def get_rng_state():
    return _state["cpu"]


def set_rng_state(state):
    _state["cpu"] = state


class cuda:
    available = True

    @staticmethod
    def is_available():
        return cuda.available

    @staticmethod
    def get_rng_state_all():
        return list(_state["cuda"])

    @staticmethod
    def set_rng_state_all(states):
        _state["cuda"] = list(states)
"""


@pytest.fixture(autouse=True)
def _restore_hash_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test does to PYTHONHASHSEED is undone afterwards."""
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    monkeypatch.delenv("PYTHONHASHSEED")


def _install_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str
) -> Iterator[None]:
    root = tmp_path / "site"
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(root))
    sys.modules.pop(name, None)
    yield
    sys.modules.pop(name, None)


@pytest.fixture
def fake_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from _install_package(tmp_path, monkeypatch, "torch", FAKE_TORCH)


@pytest.fixture
def broken_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from _install_package(tmp_path, monkeypatch, "torch", "raise ImportError('broken')")


def _torch() -> ModuleType:
    return sys.modules["torch"]


def _expected_seeded() -> tuple[str, ...]:
    optional = tuple(n for n in ("numpy", "torch") if importlib.util.find_spec(n) is not None)
    return ("random", *optional, "PYTHONHASHSEED")


# --------------------------------------------------------------------------- seed_everything


def test_seed_everything_makes_random_and_numpy_repeat() -> None:
    useed.seed_everything(1234)
    first = (random.random(), np.random.rand(3).tolist())
    useed.seed_everything(1234)
    second = (random.random(), np.random.rand(3).tolist())
    assert first == second
    useed.seed_everything(4321)
    assert (random.random(), np.random.rand(3).tolist()) != first


def test_seed_everything_reports_what_it_seeded() -> None:
    report = useed.seed_everything(7)
    assert report == useed.SeedReport(seed=7, seeded=_expected_seeded())
    assert "numpy" in report.seeded  # numpy is installed in this environment


def test_seed_everything_sets_pythonhashseed_for_child_processes() -> None:
    useed.seed_everything(99)
    assert os.environ["PYTHONHASHSEED"] == "99"
    code = "print(hash('tradai'))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
        for _ in range(2)
    }
    assert len(runs) == 1


@pytest.mark.parametrize("seed", [0, 1, useed.MAX_SEED])
def test_the_whole_seed_range_is_accepted(seed: int) -> None:
    assert useed.seed_everything(seed).seed == seed


@pytest.mark.parametrize("seed", [-1, useed.MAX_SEED + 1, True, 1.0, "1", None])
def test_invalid_seeds_are_refused_naming_the_seed(seed: object) -> None:
    with pytest.raises(ValidationError) as info:
        useed.seed_everything(seed)  # type: ignore[arg-type]  # proving the runtime check
    assert info.value.field == "seed"


def test_numpy_is_skipped_when_it_cannot_be_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)  # Python's own "not importable" marker
    report = useed.seed_everything(3)
    assert "numpy" not in report.seeded
    assert report.seeded[0] == "random"


def test_torch_is_seeded_when_installed(fake_torch: None) -> None:
    report = useed.seed_everything(11)
    assert report.seeded == ("random", "numpy", "torch", "PYTHONHASHSEED")
    assert _torch().seeds == [11]


def test_an_installed_but_broken_library_is_skipped(broken_torch: None) -> None:
    assert importlib.util.find_spec("torch") is not None
    assert "torch" not in useed.seed_everything(5).seeded


# ----------------------------------------------------------------------------------- seeded


def test_seeded_blocks_repeat_and_restore_the_previous_random_state() -> None:
    random.seed(2024)
    np.random.seed(2024)
    expected_after = (random.Random(2024).random(), np.random.RandomState(2024).rand())
    with useed.seeded(1) as report:
        inside = (random.random(), np.random.rand())
    assert report.seed == 1
    with useed.seeded(1):
        assert (random.random(), np.random.rand()) == inside
    assert (random.random(), np.random.rand()) == expected_after


def _draw_then_fail() -> None:
    random.random()
    np.random.rand()
    raise RuntimeError("boom")


def test_seeded_restores_state_even_when_the_block_raises() -> None:
    before_random = random.getstate()
    before_numpy = cast("tuple[Any, ...]", np.random.get_state(legacy=True))
    with pytest.raises(RuntimeError, match="boom"), useed.seeded(5):
        _draw_then_fail()
    assert random.getstate() == before_random
    after_numpy = cast("tuple[Any, ...]", np.random.get_state(legacy=True))
    assert np.array_equal(after_numpy[1], before_numpy[1])
    assert after_numpy[2:] == before_numpy[2:]


def test_seeded_restores_pythonhashseed(monkeypatch: pytest.MonkeyPatch) -> None:
    with useed.seeded(8):
        assert os.environ["PYTHONHASHSEED"] == "8"
    assert "PYTHONHASHSEED" not in os.environ
    monkeypatch.setenv("PYTHONHASHSEED", "123")
    with useed.seeded(8):
        assert os.environ["PYTHONHASHSEED"] == "8"
    assert os.environ["PYTHONHASHSEED"] == "123"


def test_seeded_refuses_a_bad_seed_before_changing_anything() -> None:
    before = random.getstate()
    with pytest.raises(ValidationError), useed.seeded(-5):
        pass  # pragma: no cover - never entered
    assert random.getstate() == before
    assert "PYTHONHASHSEED" not in os.environ


def test_seeded_restores_torch_cpu_and_cuda_states(fake_torch: None) -> None:
    with useed.seeded(21):
        assert _torch().get_rng_state() == b"cpu-21"
    assert _torch().get_rng_state() == b"initial"
    assert _torch().cuda.get_rng_state_all() == [b"gpu-initial"]


def test_seeded_leaves_cuda_alone_when_it_is_unavailable(fake_torch: None) -> None:
    importlib.import_module("torch").cuda.available = False
    with useed.seeded(21):
        pass
    assert _torch().get_rng_state() == b"initial"
    assert _torch().cuda.get_rng_state_all() == [b"gpu-21"]  # seeded, not restorable


def test_seeded_works_without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)
    before = random.getstate()
    with useed.seeded(4) as report:
        assert "numpy" not in report.seeded
    assert random.getstate() == before

"""Reproducible random seeding across ``random``, numpy and torch.

:func:`seed_everything` seeds every random number generator it can find; numpy and torch
are optional (looked up with :func:`importlib.util.find_spec`, never required, and
imported only when installed). :func:`seeded` does the same for the duration of a
``with`` block and then puts every generator back exactly as it was.

What is seeded:

* ``random`` — the module-level generator (``random.seed``).
* numpy — the legacy global generator (``numpy.random.seed``). ``numpy.random.Generator``
  objects are independent of it: create them with ``numpy.random.default_rng(seed)``.
* torch — ``torch.manual_seed``, which seeds the CPU and every CUDA device.
* ``PYTHONHASHSEED`` — set in ``os.environ`` for *child* processes. The hash seed of the
  running interpreter is fixed at start-up and cannot be changed.

Decisions where the specification is silent:

* The seed must be an ``int`` from 0 to 2**32 - 1 (numpy's and ``PYTHONHASHSEED``'s
  range); anything else raises :class:`~tradai.common.exceptions.ValidationError`.
* A library that is installed but fails to import is skipped and left out of the
  report rather than failing the run; check :attr:`SeedReport.seeded` if it matters.
* :func:`seeded` restores the states of ``random``, numpy's global generator and torch's
  CPU generator (plus every CUDA generator when CUDA is available), and
  ``PYTHONHASHSEED`` (removed again if it was unset), even when the block raises.

Example:
    >>> import random
    >>> with seeded(42):
    ...     first = random.random()
    >>> with seeded(42):
    ...     second = random.random()
    >>> first == second
    True
"""

from __future__ import annotations

import os
import random
import sys
from contextlib import contextmanager
from dataclasses import dataclass

from tradai.common.exceptions import ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType
    from typing import Any

__all__ = ["MAX_SEED", "SeedReport", "seed_everything", "seeded"]

#: The largest seed accepted (numpy's legacy generator and ``PYTHONHASHSEED`` limit).
MAX_SEED = 2**32 - 1

_OPTIONAL = ("numpy", "torch")


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What :func:`seed_everything` seeded.

    Attributes:
        seed: The seed used.
        seeded: Names seeded, in order: ``"random"``, then ``"numpy"`` and ``"torch"``
            when installed, then ``"PYTHONHASHSEED"``.
    """

    seed: int
    seeded: tuple[str, ...]


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError(
            f"seed must be an int, got {type(seed).__name__}", field="seed", value=seed
        )
    if not 0 <= seed <= MAX_SEED:
        raise ValidationError(f"seed must be from 0 to {MAX_SEED}", field="seed", value=seed)
    return seed


def _optional_module(name: str) -> ModuleType | None:
    """Return the module if it is installed and importable, else ``None``."""
    if name in sys.modules:
        return sys.modules[name]  # None here means "import blocked", as Python treats it
    import importlib
    import importlib.util

    if importlib.util.find_spec(name) is None:
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _available() -> dict[str, Any]:
    found: dict[str, Any] = {"random": random}
    for name in _OPTIONAL:
        module = _optional_module(name)
        if module is not None:
            found[name] = module
    return found


def _seed(name: str, module: Any, seed: int) -> None:
    if name == "random":
        module.seed(seed)
    elif name == "numpy":
        module.random.seed(seed)
    else:
        module.manual_seed(seed)


def _get_state(name: str, module: Any) -> Any:
    if name == "random":
        return module.getstate()
    if name == "numpy":
        return module.random.get_state()
    cuda = module.cuda.get_rng_state_all() if module.cuda.is_available() else None
    return module.get_rng_state(), cuda


def _set_state(name: str, module: Any, state: Any) -> None:
    if name == "random":
        module.setstate(state)
    elif name == "numpy":
        module.random.set_state(state)
    else:
        cpu, cuda = state
        module.set_rng_state(cpu)
        if cuda is not None:
            module.cuda.set_rng_state_all(cuda)


def seed_everything(seed: int) -> SeedReport:
    """Seed ``random``, numpy and torch (when installed) and set ``PYTHONHASHSEED``.

    Args:
        seed: An int from 0 to :data:`MAX_SEED`.

    Returns:
        A :class:`SeedReport` naming what was seeded.

    Raises:
        ValidationError: If ``seed`` is not an int in range.

    Example:
        >>> with seeded(0):  # puts every generator back afterwards
        ...     report = seed_everything(7)
        ...     report.seeded[0], report.seeded[-1], os.environ["PYTHONHASHSEED"]
        ('random', 'PYTHONHASHSEED', '7')
    """
    checked = _check_seed(seed)
    libraries = _available()
    for name, module in libraries.items():
        _seed(name, module, checked)
    os.environ["PYTHONHASHSEED"] = str(checked)
    return SeedReport(seed=checked, seeded=(*libraries, "PYTHONHASHSEED"))


@contextmanager
def seeded(seed: int) -> Iterator[SeedReport]:
    """Seed everything for a ``with`` block, then restore every generator's state.

    Args:
        seed: An int from 0 to :data:`MAX_SEED`.

    Yields:
        The :class:`SeedReport` of :func:`seed_everything`.

    Raises:
        ValidationError: If ``seed`` is not an int in range (before anything changes).

    Example:
        >>> import random
        >>> before = random.getstate()
        >>> with seeded(1) as report:
        ...     _ = random.random()
        >>> random.getstate() == before, report.seed
        (True, 1)
    """
    checked = _check_seed(seed)
    libraries = _available()
    saved = {name: _get_state(name, module) for name, module in libraries.items()}
    previous_hash_seed = os.environ.get("PYTHONHASHSEED")
    try:
        yield seed_everything(checked)
    finally:
        for name, module in libraries.items():
            _set_state(name, module, saved[name])
        if previous_hash_seed is None:
            os.environ.pop("PYTHONHASHSEED", None)
        else:
            os.environ["PYTHONHASHSEED"] = previous_hash_seed

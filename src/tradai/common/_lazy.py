"""Lazy exports and optional-dependency imports.

Two helpers keep ``import tradai.common`` light (STYLE.md rules 3 and 4):

* :func:`lazy_exports` builds a module ``__getattr__``/``__dir__`` pair that imports a
  submodule only when one of its names is first used.
* :func:`require` imports an optional package or raises
  :class:`~tradai.common.exceptions.MissingDependencyError` naming the extra to install.
"""

from __future__ import annotations

import sys

from tradai.common.exceptions import MissingDependencyError

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import ModuleType
    from typing import Any

__all__ = ["lazy_exports", "require"]


def _import(module: str) -> ModuleType:
    # ``__import__`` with a non-empty fromlist returns the leaf module; unlike
    # ``importlib.import_module`` it needs no extra import (importlib pulls in warnings).
    return __import__(module, fromlist=["__name__"])


def require(module: str, *, extra: str) -> ModuleType:
    """Import an optional dependency, or explain which extra installs it.

    Args:
        module: The importable module name (``"boto3"``, ``"yaml"``).
        extra: The tradai-common extra that provides it (``"aws"``, ``"yaml"``).

    Returns:
        The imported module.

    Raises:
        MissingDependencyError: If the module cannot be imported.

    Example:
        >>> require("json", extra="core").__name__
        'json'
    """
    cached = sys.modules.get(module)
    if cached is not None:
        return cached
    try:
        return _import(module)
    except ModuleNotFoundError as exc:
        raise MissingDependencyError(package=module.split(".", maxsplit=1)[0], extra=extra) from exc


def lazy_exports(
    module_name: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build ``__getattr__`` and ``__dir__`` for a package that re-exports lazily.

    Args:
        module_name: ``__name__`` of the package doing the re-export.
        exports: Maps each exported name to the absolute module that defines it.

    Returns:
        A ``(__getattr__, __dir__)`` pair to assign at module level. The first access to a
        name imports its module and caches the value in the package's namespace, so later
        accesses cost a plain attribute lookup.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - module __getattr__ protocol
        target = exports.get(name)
        if target is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        value = getattr(_import(target), name)
        setattr(sys.modules[module_name], name, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807 - module __dir__ protocol
        return sorted(set(vars(sys.modules[module_name])) | set(exports))

    return __getattr__, __dir__

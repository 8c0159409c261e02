"""Path validation for settings fields (re-exported by :mod:`tradai.common.settings`).

Every check rejects the near-misses of file-path input: NUL and other control characters,
surrounding whitespace, ``..`` traversal components and (for relative paths, which may end
up on a command line) a leading ``-``. Nothing is silently stripped.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import BeforeValidator

from tradai.common.exceptions import ValidationError

__all__ = [
    "ExistingDir",
    "ExistingFile",
    "SafePath",
    "SafeRelativePath",
    "resolve_within",
    "validate_existing_dir",
    "validate_existing_file",
    "validate_safe_path",
    "validate_safe_relative_path",
]

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def _path_text(value: object) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a path string, got {type(value).__name__}")
    if not value:
        raise ValueError("path must not be empty")
    if _CONTROL_RE.search(value):
        raise ValueError("path must not contain NUL or other control characters")
    if value != value.strip():
        raise ValueError("path must not have leading or trailing whitespace")
    return value


def validate_safe_path(value: object) -> Path:
    """Check a path for traversal and control characters, and make it absolute.

    Args:
        value: A ``str`` or path-like object.

    Returns:
        The path resolved to an absolute path (symlinks resolved; it need not exist).

    Raises:
        ValueError: If it is empty, holds NUL/control characters, has surrounding
            whitespace or a ``..`` component.

    Example:
        >>> validate_safe_path("/srv/data/./x").as_posix()
        '/srv/data/x'
        >>> validate_safe_path("/srv/../etc")
        Traceback (most recent call last):
        ...
        ValueError: path must not contain '..' components
    """
    path = Path(_path_text(value))
    if ".." in path.parts:
        raise ValueError("path must not contain '..' components")
    return path.resolve()


def validate_safe_relative_path(value: object) -> Path:
    """Check a path that must stay relative (to be joined under a base directory).

    Args:
        value: A ``str`` or path-like object.

    Returns:
        The normalised relative path (``./a//b`` becomes ``a/b``).

    Raises:
        ValueError: If it is absolute, has a ``..`` component, starts with ``-`` or fails
            the checks of :func:`validate_safe_path`.

    Example:
        >>> validate_safe_relative_path("models/./v1").as_posix()
        'models/v1'
    """
    text = _path_text(value)
    pure = PurePosixPath(text)
    if pure.is_absolute() or text.startswith("\\"):
        raise ValueError("path must be relative")
    if ".." in pure.parts:
        raise ValueError("path must not contain '..' components")
    if text.startswith("-"):
        raise ValueError("path must not start with '-'")
    return Path(pure)


def validate_existing_file(value: object) -> Path:
    """Like :func:`validate_safe_path`, and the path must be an existing regular file.

    Args:
        value: A ``str`` or path-like object.

    Returns:
        The absolute path.

    Raises:
        ValueError: If the path is unsafe or is not an existing file.
    """
    path = validate_safe_path(value)
    if not path.is_file():
        raise ValueError(f"{path} does not exist or is not a regular file")
    return path


def validate_existing_dir(value: object) -> Path:
    """Like :func:`validate_safe_path`, and the path must be an existing directory.

    Args:
        value: A ``str`` or path-like object.

    Returns:
        The absolute path.

    Raises:
        ValueError: If the path is unsafe or is not an existing directory.
    """
    path = validate_safe_path(value)
    if not path.is_dir():
        raise ValueError(f"{path} does not exist or is not a directory")
    return path


def resolve_within(base: str | os.PathLike[str], relative: str | os.PathLike[str]) -> Path:
    """Join a relative path under ``base``, refusing any way out of it.

    Args:
        base: The directory the result must stay inside.
        relative: The untrusted relative path.

    Returns:
        The absolute, symlink-resolved path inside ``base``.

    Raises:
        ValidationError: If ``relative`` is unsafe or resolves outside ``base`` (for
            example through a symlink).

    Example:
        >>> resolve_within("/srv/data", "a/b.csv").as_posix()
        '/srv/data/a/b.csv'
    """
    try:
        root = validate_safe_path(base)
        candidate = (root / validate_safe_relative_path(relative)).resolve()
    except ValueError as exc:
        raise ValidationError(f"unsafe path: {exc}", field="path") from exc
    if not candidate.is_relative_to(root):
        raise ValidationError("path resolves outside its base directory", field="path")
    return candidate


SafePath = Annotated[Path, BeforeValidator(validate_safe_path)]
"""An absolute path without ``..``, NUL or control characters (accepts ``str``)."""

SafeRelativePath = Annotated[Path, BeforeValidator(validate_safe_relative_path)]
"""A relative path without ``..``, NUL, control characters or a leading ``-``."""

ExistingFile = Annotated[Path, BeforeValidator(validate_existing_file)]
"""A :data:`SafePath` that names an existing regular file."""

ExistingDir = Annotated[Path, BeforeValidator(validate_existing_dir)]
"""A :data:`SafePath` that names an existing directory."""

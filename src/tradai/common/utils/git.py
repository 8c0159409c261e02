"""Read the git state of a working tree for reproducibility metadata.

Each helper runs the ``git`` executable with a fixed argument list (never a shell), in
``cwd=path`` (the current directory when ``path`` is ``None``), with a timeout, and
never raises for an unavailable answer. Exactly what "unavailable" returns:

==========================  =========================================================
:func:`get_git_commit`      ``None``
:func:`get_git_branch`      ``None`` (also for a detached ``HEAD``)
:func:`is_git_dirty`        ``None`` (unknown is not the same as clean)
:func:`get_git_remote`      ``None`` (also when the remote does not exist)
:func:`get_git_info`        a :class:`GitInfo` whose unavailable fields are ``None``
==========================  =========================================================

"Unavailable" means: ``path`` is not inside a git work tree, the repository has no
commit yet (commit only), ``git`` is not installed, it did not answer within
``timeout`` seconds, or it failed for any other reason (e.g. git's "dubious ownership"
check). No helper returns the string ``"unknown"``; code that stores the commit in
:class:`~tradai.common.entities.backtest.BacktestResult`, which accepts that marker,
writes ``get_git_commit() or "unknown"``.

Decisions where the specification is silent:

* ``short=True`` returns the first 7 hex digits of the full hash, not git's
  ``--short`` abbreviation (which may grow longer to stay unique): 7 and 40 characters
  are the forms ``BacktestResult.git_commit`` accepts.
* :func:`is_git_dirty` counts changes to tracked files (staged or not); untracked files
  count only with ``untracked=True``.
* :func:`get_git_remote` removes any ``user:password@`` part from the URL, so a token
  embedded in a clone URL never reaches logs or MLflow tags.
* The child process runs with ``GIT_DIR``/``GIT_WORK_TREE``-style variables removed (so
  ``path`` decides the repository, even inside a git hook), ``LC_ALL=C``,
  ``GIT_TERMINAL_PROMPT=0`` and ``GIT_OPTIONAL_LOCKS=0`` (``git status`` takes no index
  lock that could disturb a concurrent git command).
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "GIT_TIMEOUT",
    "GitInfo",
    "get_git_branch",
    "get_git_commit",
    "get_git_info",
    "get_git_remote",
    "is_git_dirty",
]

#: Seconds each git call may take before the helper gives up and reports "unavailable".
GIT_TIMEOUT = 5.0

_SHA_RE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_USERINFO_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@")
_REDIRECTING_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


@dataclass(frozen=True, slots=True)
class GitInfo:
    """A snapshot of a working tree's git state; ``None`` marks an unavailable field.

    Attributes:
        commit: The full commit hash of ``HEAD``.
        branch: The checked-out branch, ``None`` when ``HEAD`` is detached.
        dirty: Whether tracked files have uncommitted changes.
        remote: The URL of the ``origin`` remote, without credentials.
    """

    commit: str | None
    branch: str | None
    dirty: bool | None
    remote: str | None

    @property
    def short_commit(self) -> str | None:
        """The first 7 hex digits of :attr:`commit`, or ``None``.

        Returns:
            The abbreviated hash.

        Example:
            >>> GitInfo(commit="a" * 40, branch=None, dirty=None, remote=None).short_commit
            'aaaaaaa'
        """
        return None if self.commit is None else self.commit[:7]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTING_VARIABLES}
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"})
    return env


def _git(args: list[str], path: str | Path | None, timeout: float) -> str | None:
    """Run ``git <args>``; return its stripped stdout, or ``None`` if it failed."""
    try:
        completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["git", *args],  # noqa: S607 - git is looked up on PATH on purpose
            cwd=path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout.strip()


def get_git_commit(
    path: str | Path | None = None, short: bool = False, *, timeout: float = GIT_TIMEOUT
) -> str | None:
    """Return the commit hash of ``HEAD``.

    Args:
        path: A directory inside the work tree (default: the current directory).
        short: Return only the first 7 hex digits.
        timeout: Seconds to wait for git.

    Returns:
        The 40-hex (or 64-hex in a SHA-256 repository) hash, 7 hex digits with
        ``short=True``, or ``None`` when unavailable (see the module docstring).

    Example:
        ``get_git_commit(short=True)`` returns e.g. ``'1a2b3c4'`` inside a repository
        and ``None`` outside one.
    """
    out = _git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], path, timeout)
    if out is None or _SHA_RE.fullmatch(out) is None:
        return None
    return out[:7] if short else out


def get_git_branch(path: str | Path | None = None, *, timeout: float = GIT_TIMEOUT) -> str | None:
    """Return the name of the checked-out branch.

    Works in a repository without commits (it names the unborn branch).

    Args:
        path: A directory inside the work tree (default: the current directory).
        timeout: Seconds to wait for git.

    Returns:
        The short branch name (``"main"``, ``"feature/x"``), or ``None`` when ``HEAD`` is
        detached or the answer is unavailable.

    Example:
        ``get_git_branch("/srv/strategies")`` returns e.g. ``'main'``.
    """
    out = _git(["symbolic-ref", "--quiet", "--short", "HEAD"], path, timeout)
    return out or None


def is_git_dirty(
    path: str | Path | None = None,
    *,
    untracked: bool = False,
    timeout: float = GIT_TIMEOUT,
) -> bool | None:
    """Return whether the work tree has uncommitted changes.

    Args:
        path: A directory inside the work tree (default: the current directory).
        untracked: Also count untracked (not ignored) files as changes.
        timeout: Seconds to wait for git.

    Returns:
        ``True`` if there are changes, ``False`` if there are none, ``None`` when
        unavailable.

    Example:
        ``is_git_dirty(untracked=True)`` is ``True`` after creating a new file.
    """
    mode = "--untracked-files=normal" if untracked else "--untracked-files=no"
    out = _git(["status", "--porcelain", mode], path, timeout)
    return None if out is None else bool(out)


def _redact(url: str) -> str:
    return _USERINFO_RE.sub(r"\1", url)


def get_git_remote(
    path: str | Path | None = None, name: str = "origin", *, timeout: float = GIT_TIMEOUT
) -> str | None:
    """Return the URL of a remote, with any credentials removed.

    Args:
        path: A directory inside the work tree (default: the current directory).
        name: The remote's name.
        timeout: Seconds to wait for git.

    Returns:
        The URL (``https://user:token@host/repo`` becomes ``https://host/repo``), or
        ``None`` when the remote does not exist or the answer is unavailable.

    Example:
        ``get_git_remote()`` returns e.g. ``'https://github.com/acme/strategies.git'``.
    """
    if not name or name.startswith("-") or not name.isprintable():
        return None
    out = _git(["remote", "get-url", "--", name], path, timeout)
    return _redact(out) if out else None


def get_git_info(path: str | Path | None = None, *, timeout: float = GIT_TIMEOUT) -> GitInfo:
    """Collect commit, branch, dirty flag and ``origin`` URL in one call.

    Args:
        path: A directory inside the work tree (default: the current directory).
        timeout: Seconds to wait for each git call.

    Returns:
        A :class:`GitInfo`; outside a repository every field is ``None``.

    Example:
        ``get_git_info().short_commit`` gives the 7-digit hash to tag an MLflow run with.
    """
    return GitInfo(
        commit=get_git_commit(path, timeout=timeout),
        branch=get_git_branch(path, timeout=timeout),
        dirty=is_git_dirty(path, timeout=timeout),
        remote=get_git_remote(path, timeout=timeout),
    )

"""Correlation ids kept in a context variable (re-exported by :mod:`tradai.common.logger_mixin`).

A context variable follows each thread's and each asyncio task's own context, so concurrent
requests never see each other's id. Ids must be 1-128 characters of letters, digits and
``. _ : -`` starting with a letter or digit, because they often come from request headers.
"""

from __future__ import annotations

import contextvars
import re

from tradai.common.exceptions import ValidationError

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "correlation_context",
    "get_correlation_id",
    "new_correlation_id",
    "reset_correlation_id",
    "set_correlation_id",
]

_CORRELATION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_CORRELATION_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "tradai_correlation_id", default=None
)


def new_correlation_id() -> str:
    """Return a fresh correlation id (a uuid4 as 32 hex digits).

    Returns:
        The new id.
    """
    import uuid

    return uuid.uuid4().hex


def get_correlation_id() -> str | None:
    """Return the correlation id of the current context, if one is set.

    Returns:
        The id, or ``None``.
    """
    return _CORRELATION_ID.get()


def set_correlation_id(correlation_id: str | None) -> contextvars.Token[str | None]:
    """Set (or with ``None`` clear) the correlation id of the current context.

    Args:
        correlation_id: The id: 1-128 letters, digits or ``. _ : -``.

    Returns:
        A token for :func:`reset_correlation_id`.

    Raises:
        ValidationError: If the id is malformed.
    """
    if correlation_id is not None and (
        not isinstance(correlation_id, str)
        or not correlation_id.isascii()
        or _CORRELATION_RE.fullmatch(correlation_id) is None
    ):
        raise ValidationError(
            "correlation id must be 1-128 letters, digits or . _ : - (starting with a letter "
            "or digit)",
            field="correlation_id",
        )
    return _CORRELATION_ID.set(correlation_id)


def reset_correlation_id(token: contextvars.Token[str | None]) -> None:
    """Restore the correlation id that was current before :func:`set_correlation_id`.

    Args:
        token: The token :func:`set_correlation_id` returned.
    """
    _CORRELATION_ID.reset(token)


class _CorrelationContext:
    def __init__(self, correlation_id: str | None) -> None:
        self._id = correlation_id if correlation_id is not None else new_correlation_id()
        self._token: contextvars.Token[str | None] | None = None

    def __enter__(self) -> str:
        self._token = set_correlation_id(self._id)
        return self._id

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            reset_correlation_id(self._token)
            self._token = None


def correlation_context(correlation_id: str | None = None) -> _CorrelationContext:
    """Run a block with a correlation id, restoring the previous one afterwards.

    Args:
        correlation_id: The id to use; a new uuid4 hex id when ``None``.

    Returns:
        A context manager whose ``__enter__`` returns the id.

    Raises:
        ValidationError: On entering, if the id is malformed.

    Example:
        >>> with correlation_context("req-42") as cid:
        ...     get_correlation_id() == cid
        True
        >>> get_correlation_id() is None
        True
    """
    return _CorrelationContext(correlation_id)

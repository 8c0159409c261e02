"""Errors of the Freqtrade integration.

:class:`FreqtradeError` is what a failed Freqtrade process raises: it carries the exit code
(``None`` when the process was killed by a timeout or a cancellation), why it failed and the
tail of its stderr, so the job record and the logs say what went wrong without the whole
output. :class:`MissingCandlesError` is raised *before* a run when the market data store
cannot cover the requested range.

Example:
    >>> err = FreqtradeError("freqtrade backtesting failed", exit_code=2,
    ...                      reason="exit", stderr_tail="No data found. Terminating.")
    >>> err.exit_code, err.reason
    (2, 'exit')
    >>> isinstance(err, ExternalServiceError)
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from tradai.common.exceptions import ExternalServiceError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["STDERR_TAIL_CHARS", "FailureReason", "FreqtradeError", "MissingCandlesError"]

FailureReason = Literal["exit", "no_result", "timeout", "cancelled", "start"]
"""Why a Freqtrade process failed.

``exit``: non-zero exit code; ``no_result``: exit 0 but no new result file (Freqtrade exits 0
on some configuration errors); ``timeout``/``cancelled``: the process group was killed;
``start``: the program could not be started.
"""

#: How many characters of stderr a :class:`FreqtradeError` keeps.
STDERR_TAIL_CHARS = 4000


class FreqtradeError(ExternalServiceError):
    """A Freqtrade process failed (see :data:`FailureReason`).

    Args:
        message: What failed.
        exit_code: The exit code, or ``None`` when the process was killed or never started.
        reason: Why it failed.
        stderr_tail: The last :data:`STDERR_TAIL_CHARS` characters of its stderr.
        command: The Freqtrade sub-command (``"backtesting"``, ``"hyperopt"``...).
        context: Extra details.
    """

    def __init__(
        self,
        message: str,
        *,
        exit_code: int | None = None,
        reason: FailureReason = "exit",
        stderr_tail: str = "",
        command: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        merged: dict[str, Any] = {"reason": reason, **(context or {})}
        if exit_code is not None:
            merged["exit_code"] = exit_code
        super().__init__(message, service="freqtrade", operation=command, context=merged)
        self.exit_code = exit_code
        self.reason = reason
        self.stderr_tail = stderr_tail[-STDERR_TAIL_CHARS:]
        self.command = command

    def describe(self) -> str:
        """One text for a job record: the message, exit code and the last stderr lines.

        Returns:
            ``"<message> (exit code N): <last lines of stderr>"``.
        """
        code = "killed" if self.exit_code is None else f"exit code {self.exit_code}"
        tail = "\n".join(self.stderr_tail.strip().splitlines()[-20:])
        return f"{self.message} ({code}, {self.reason})" + (f":\n{tail}" if tail else "")


class MissingCandlesError(ValidationError):
    """The market data store lacks candles a backtest needs; raised before any process runs.

    Args:
        message: What is missing.
        missing: Per pair, the human-readable ranges that are missing.
        field: The offending field (default ``"symbols"``).
    """

    def __init__(
        self,
        message: str,
        *,
        missing: Mapping[str, Sequence[str]],
        field: str = "symbols",
    ) -> None:
        super().__init__(
            message, field=field, context={"missing": {k: list(v) for k, v in missing.items()}}
        )
        self.missing = {k: list(v) for k, v in missing.items()}

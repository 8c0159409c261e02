"""The ``tradai`` command-line program (``pip install 'tradai-common[backtest]'``).

Importing this package loads nothing third-party: :func:`main` imports Typer, Rich and the
application (:mod:`tradai.common.cli.app`) when it runs. See ``docs/cli.md``.

Example:
    >>> import sys
    >>> "typer" in sys.modules or callable(main)
    True
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``tradai`` program (the console-script entry point).

    Args:
        argv: The arguments (default ``sys.argv[1:]``).

    Raises:
        SystemExit: Always, with the command's exit code; 1 with an install hint when the
            ``backtest`` extra (Typer, Rich) is missing.
    """
    from tradai.common._lazy import require
    from tradai.common.exceptions import MissingDependencyError

    try:
        require("typer", extra="backtest")
        require("rich", extra="backtest")
    except MissingDependencyError as exc:
        sys.stderr.write(f"tradai: {exc}\n")
        raise SystemExit(1) from None
    import logging
    import os

    # MLflow's store set-up chatter is not the user's business (mlflow reads the variable
    # when it configures its own loggers on import)
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from tradai.common.cli.app import app

    app(args=None if argv is None else list(argv), prog_name="tradai")

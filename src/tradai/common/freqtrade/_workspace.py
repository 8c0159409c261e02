"""The working directory of one Freqtrade run, shared by the backtester and the hyperopter.

A run directory holds everything Freqtrade reads and writes, so nothing leaks into the
user's strategy directory and two runs never see each other's files::

    <workdir>/
        config.json            the Freqtrade config written from the entities
        strategies/            COPIES of the user's strategy files (+ parameter files)
        data/binance/          candles exported from the DataRepository
        user_data/             Freqtrade's user directory (models, hyperopt results, logs)
        results/<stamp>/       a fresh backtest directory per run
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade.strategies import SAMPLE_STRATEGY, sample_strategy_dir
from tradai.common.logger_mixin import LoggerMixin

if TYPE_CHECKING:
    import os
    import threading
    from collections.abc import Callable, Sequence
    from typing import Any

    from tradai.common.entities.exchange import TradingMode
    from tradai.common.freqtrade.runner import FreqtradeRunner, ProcessOutcome
    from tradai.common.repositories.market_data import DataRepository

__all__ = ["FreqtradeJob", "RunLayout", "copy_strategy", "parse_startup_candles", "utc_day"]

_STARTUP_RE = re.compile(r"^\s*startup_candle_count\s*(?::\s*[A-Za-z_.\[\]]+\s*)?=\s*(\d+)", re.M)
_MAX_STRATEGY_BYTES = 5_000_000


@dataclass(frozen=True)
class RunLayout:
    """The paths of one run directory (see the module docstring).

    Attributes:
        root: The run directory (absolute).
        stamp: A unique, sortable name for this run (``YYYYmmddTHHMMSS-<ns>``).
    """

    root: Path
    stamp: str

    @classmethod
    def create(cls, workdir: str | os.PathLike[str]) -> RunLayout:
        """Create the directories of a new run under ``workdir``.

        Args:
            workdir: The run directory (created if missing).

        Returns:
            The layout, with a fresh results directory.
        """
        root = Path(workdir).resolve()
        now = _dt.datetime.now(_dt.UTC)
        stamp = f"{now:%Y%m%dT%H%M%S}-{time.monotonic_ns() % 10**9:09d}"
        layout = cls(root, stamp)
        for path in (layout.strategies, layout.datadir, layout.user_data, layout.results):
            path.mkdir(parents=True, exist_ok=True)
        return layout

    @property
    def config_file(self) -> Path:
        """The Freqtrade config file."""
        return self.root / "config.json"

    @property
    def strategies(self) -> Path:
        """The directory of the copied strategy files."""
        return self.root / "strategies"

    @property
    def datadir(self) -> Path:
        """Freqtrade's ``--datadir`` (the exchange's data directory)."""
        return self.root / "data" / "binance"

    @property
    def user_data(self) -> Path:
        """Freqtrade's user directory."""
        return self.root / "user_data"

    @property
    def results(self) -> Path:
        """This run's backtest directory."""
        return self.root / "results" / self.stamp


def copy_strategy(
    strategy: str, strategy_path: str | os.PathLike[str] | None, destination: Path
) -> Path:
    """Copy the strategy's source into ``destination`` and check the class is there.

    Args:
        strategy: The strategy class name.
        strategy_path: A ``.py`` file, a directory of strategy files (top level only), or
            ``None`` for the bundled strategies.
        destination: The run's strategies directory.

    Returns:
        The copied file that defines ``class <strategy>``.

    Raises:
        ValidationError: If the path does not exist, is not Python, or no copied file
            defines the class (``field="strategy_path"`` / ``"strategy"``).
    """
    source = sample_strategy_dir() if strategy_path is None else Path(strategy_path)
    if not source.exists():
        raise ValidationError(
            f"strategy path {str(source)!r} does not exist", field="strategy_path"
        )
    if source.is_file() and source.suffix != ".py":
        raise ValidationError(
            f"strategy path {source.name!r} is not a .py file", field="strategy_path"
        )
    files = [source] if source.is_file() else sorted(source.glob("*.py"))
    pattern = re.compile(rf"^class\s+{re.escape(strategy)}\s*[(:]", re.M)
    found: Path | None = None
    for file in files:
        if file.name == "__init__.py" or file.stat().st_size > _MAX_STRATEGY_BYTES:
            continue
        target = destination / file.name
        shutil.copyfile(file, target)
        if found is None and pattern.search(target.read_text(encoding="utf-8", errors="replace")):
            found = target
    if found is None:
        hint = f" (the bundled one is {SAMPLE_STRATEGY!r})" if strategy_path is None else ""
        raise ValidationError(
            f"no strategy class {strategy!r} in {str(source)!r}{hint}", field="strategy"
        )
    return found


def parse_startup_candles(source_file: Path) -> int:
    """Read a strategy's ``startup_candle_count`` from its source (0 when not set).

    Args:
        source_file: The strategy file.

    Returns:
        The literal value assigned at class level, or 0.

    Example:
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     f = pathlib.Path(tmp, "s.py")
        ...     _ = f.write_text("class S:\\n    startup_candle_count: int = 30\\n")
        ...     parse_startup_candles(f)
        30
    """
    match = _STARTUP_RE.search(source_file.read_text(encoding="utf-8", errors="replace"))
    return int(match.group(1)) if match else 0


def utc_day(date: str) -> _dt.datetime:
    """Midnight UTC of a ``YYYY-MM-DD`` date.

    Args:
        date: The date.

    Returns:
        The timezone-aware datetime.

    Example:
        >>> utc_day("2024-02-01").isoformat()
        '2024-02-01T00:00:00+00:00'
    """
    return _dt.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=_dt.UTC)


class FreqtradeJob(LoggerMixin):
    """What the backtester and the hyperopter share: settings, the runner, one Freqtrade run.

    Args:
        data: The market data store the candles come from.
        workdir: The run directory.
        runner: The process runner (default: a ``FreqtradeRunner`` on the installed
            ``freqtrade``, made on first use).
        offline: Serve the exchange's market metadata from a local endpoint (default).
        timeout: Seconds one Freqtrade process may run before its process group is killed.

    Raises:
        ValidationError: If ``timeout`` is not positive.
    """

    def __init__(
        self,
        data: DataRepository,
        *,
        workdir: str | os.PathLike[str],
        runner: FreqtradeRunner | None = None,
        offline: bool = True,
        timeout: float = 3600.0,
    ) -> None:
        if not (timeout > 0):
            raise ValidationError("timeout must be positive", field="timeout")
        self._data = data
        self._workdir = Path(workdir)
        self._runner = runner
        self._offline = offline
        self._timeout = timeout

    @property
    def offline(self) -> bool:
        """Whether runs use the local exchange-metadata endpoint.

        Returns:
            The flag.
        """
        return self._offline

    def _run_freqtrade(
        self,
        args: Sequence[str],
        layout: RunLayout,
        *,
        pairs: Sequence[str],
        mode: TradingMode,
        write_config: Callable[[dict[str, Any] | None], object],
        result_dir: Path,
        result_glob: str,
        cancel: threading.Event | None,
        on_line: Callable[[str, str], None] | None,
    ) -> ProcessOutcome:
        """Write the config (with the offline endpoint's ``ccxt_config``) and run Freqtrade."""
        exchange = None
        if self._offline:
            from tradai.common.freqtrade.offline_exchange import OfflineExchange

            exchange = OfflineExchange(pairs).start()
        try:
            write_config(exchange.ccxt_config(mode) if exchange is not None else None)
            if self._runner is None:
                from tradai.common.freqtrade.runner import FreqtradeRunner

                self._runner = FreqtradeRunner(timeout=self._timeout)
            return self._runner.run(
                args,
                cwd=layout.root,
                timeout=self._timeout,
                cancel=cancel,
                on_line=on_line,
                result_dir=result_dir,
                result_glob=result_glob,
            )
        finally:
            if exchange is not None:
                exchange.stop()

"""``tradai data seed|import|list``: fill and inspect the workspace's market-data store.

* ``seed`` writes deterministic synthetic candles
  (:class:`~tradai.common.data.sources.SyntheticSource`) for ``[start, end)``; seeding
  again upserts, so ranges can be extended and re-seeding is idempotent.
* ``import`` reads Parquet/CSV files through the library's ``file`` source (the file
  format and the candles are validated), all of them before anything is written, then
  upserts them.
* ``list`` shows every stored series.

Every command returns its exit code: 0, 1 for a failure of the store, 2 for bad input.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradai.common.cli._options import ENTITY_OPTIONS, split_values
from tradai.common.cli._render import series_table, write_json
from tradai.common.data.series import SeriesKey
from tradai.common.exceptions import TradAIError, ValidationError
from tradai.common.validators import ensure, validate_date_string

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tradai.common.cli._render import Consoles
    from tradai.common.cli.workspace import Workspace
    from tradai.common.repositories.market_data import DataRepository

__all__ = ["SeedOptions", "import_files", "list_series", "seed"]

_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_FAR_FUTURE = _dt.datetime(2200, 1, 1, tzinfo=_dt.UTC)


@dataclass(frozen=True)
class SeedOptions:
    """The options of ``tradai data seed``.

    Attributes:
        pairs: Trading pairs.
        timeframe: Candle timeframe.
        start: First day, ``YYYY-MM-DD`` (included).
        end: Last day, ``YYYY-MM-DD`` (excluded).
        seed: Random seed.
        volatility: Standard deviation of one candle's log return.
    """

    pairs: Sequence[str]
    timeframe: str
    start: str
    end: str
    seed: int = 42
    volatility: float = 0.01


def _day(value: str, option: str) -> _dt.datetime:
    text = ensure(validate_date_string, value, field=option)
    return _dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=_dt.UTC)


def _keys(pairs: Sequence[str], timeframe: str) -> list[SeriesKey]:
    names = split_values(pairs)
    if not names:
        raise ValidationError("give at least one pair", field="pairs")
    return [SeriesKey(pair, timeframe) for pair in dict.fromkeys(names)]


def _refusal(exc: ValidationError, **renames: str) -> str:
    """The message of a refused input, prefixed with the command-line option it concerns."""
    field = exc.field or ""
    option = renames.get(field) or ENTITY_OPTIONS.get(field) or field
    if not option or option in exc.message:
        return exc.message
    return f"{option}: {exc.message}"


def _row(repo: DataRepository, key: SeriesKey) -> dict[str, Any]:
    frame = repo.get_ohlcv(key.symbol, key.timeframe)
    first = frame.index[0].to_pydatetime() if len(frame) else None
    last = frame.index[-1].to_pydatetime() if len(frame) else None
    return {
        "pair": key.symbol,
        "timeframe": key.timeframe,
        "first": first,
        "last": last,
        "candles": len(frame),
    }


def seed(ws: Workspace, options: SeedOptions, consoles: Consoles) -> int:
    """Write synthetic candles for every pair.

    Args:
        ws: The workspace.
        options: What to generate.
        consoles: Where to print.

    Returns:
        The exit code.
    """
    try:
        keys = _keys(options.pairs, options.timeframe)
        start, end = _day(options.start, "--start"), _day(options.end, "--end")
        if end <= start:
            raise ValidationError("--end must be after --start", field="--end")
        from tradai.common.data.sources import SourceFactory

        source = SourceFactory.create("synthetic", seed=options.seed, volatility=options.volatility)
        frames = [(key, source.fetch_ohlcv(key.symbol, key.timeframe, start, end)) for key in keys]
    except ValidationError as exc:
        consoles.error(_refusal(exc))
        return 2
    try:
        repo = ws.market_data()
        for key, frame in frames:
            repo.upsert(key.symbol, key.timeframe, frame)
        rows = [_row(repo, key) for key in keys]
    except TradAIError as exc:
        consoles.error(f"cannot write the candles: {exc}")
        return 1
    consoles.out.print(series_table(rows, title=f"Seeded (seed {options.seed})"))
    consoles.line("store", ws.market_data_label)
    return 0


def _read_file(path: Path, key: SeriesKey) -> Any:
    file_format = _FORMATS.get(path.suffix.lower())
    if file_format is None:
        raise ValidationError(
            f"{path.name}: unsupported file type (use .parquet, .pq or .csv)", field="PATH"
        )
    from tradai.common.data.sources import SourceFactory

    with tempfile.TemporaryDirectory(prefix="tradai-import-") as tmp:
        link = Path(tmp, f"{key.storage_name}.{file_format}")
        link.symlink_to(path.resolve())
        source = SourceFactory.create("file", directory=tmp, file_format=file_format)
        try:
            return source.fetch_ohlcv(key.symbol, key.timeframe, _EPOCH, _FAR_FUTURE)
        except ValidationError as exc:
            raise ValidationError(f"{path.name}: {exc.message}", field="PATH") from None


def import_files(
    ws: Workspace, paths: Sequence[Path], pair: str, timeframe: str, consoles: Consoles
) -> int:
    """Validate every file, then upsert them all into the store.

    Args:
        ws: The workspace.
        paths: Parquet/CSV files of one series.
        pair: Their trading pair.
        timeframe: Their timeframe.
        consoles: Where to print.

    Returns:
        The exit code.
    """
    try:
        (key,) = _keys([pair], timeframe)
        frames = [_read_file(path, key) for path in paths]  # all read and checked first
        repo = ws.market_data()
        written = sum(repo.upsert(key.symbol, key.timeframe, frame) for frame in frames)
        row = _row(repo, key)
    except ValidationError as exc:
        consoles.error(_refusal(exc, symbol="--pair", pairs="--pair"))
        return 2
    except TradAIError as exc:
        consoles.error(f"cannot import the candles: {exc}")
        return 1
    consoles.out.print(series_table([row], title=f"Imported {written:,d} candles"))
    consoles.line("store", ws.market_data_label)
    return 0


def list_series(ws: Workspace, consoles: Consoles, *, as_json: bool = False) -> int:
    """Show every stored series.

    Args:
        ws: The workspace.
        consoles: Where to print.
        as_json: Print one JSON document instead of a table.

    Returns:
        The exit code.
    """
    try:
        repo = ws.market_data()
        rows = [_row(repo, key) for key in repo.list_series()]
    except TradAIError as exc:
        consoles.error(f"cannot read the store: {exc}")
        return 1
    if as_json:
        for row in rows:
            row.update({k: row[k] and row[k].isoformat() for k in ("first", "last")})
        write_json({"store": ws.market_data_label, "series": rows})
        return 0
    if not rows:
        consoles.note(f"no series in {ws.market_data_label}; add some with `tradai data seed`")
        return 0
    consoles.out.print(series_table(rows, title="Stored series"))
    consoles.line("store", ws.market_data_label)
    return 0

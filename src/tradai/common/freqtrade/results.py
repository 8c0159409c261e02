"""Read Freqtrade's result files: backtest results and hyperopt epochs.

* :func:`parse_backtest_result` reads one backtest result — the ``.zip`` Freqtrade exports
  (its stats member ``<stem>.json``), a plain stats ``.json``, or a backtest directory
  (its latest result, see :func:`latest_result_file`) — into a :class:`ParsedBacktest`
  holding a :class:`~tradai.common.entities.backtest.BacktestResult`.
* :func:`result_from_stats` maps one strategy's stats dict to a ``BacktestResult``.
* :func:`parse_hyperopt_results` reads a ``.fthypt`` file (one JSON line per epoch) into
  :class:`~tradai.common.entities.hyperopt.TrialResult` objects.
* :func:`parse_stats_json` parses Freqtrade JSON text with non-finite numbers as ``None``.

Metric mapping (``BacktestResult`` field ← Freqtrade stat): ``total_trades`` ←
``total_trades``, ``winning_trades``/``losing_trades``/``draw_trades`` ←
``wins``/``losses``/``draws``, ``total_profit`` ← ``profit_total_abs``,
``total_profit_pct`` ← ``profit_total`` x 100, ``profit_factor``, ``sharpe_ratio`` ←
``sharpe``, ``sortino_ratio`` ← ``sortino``, ``calmar_ratio`` ← ``calmar``, ``sqn``,
``cagr`` (a ratio, as Freqtrade gives it), ``max_drawdown`` ← ``max_drawdown_abs``,
``max_drawdown_pct`` ← ``max_drawdown_account`` x 100, ``win_rate`` ← ``winrate`` x 100,
``trades`` ← ``trades``, ``raw_stats`` ← the stats without ``trades``; every other finite
numeric (not boolean) top-level stat goes to ``metrics`` (``expectancy``,
``final_balance``, ``market_change``...). Timestamps stay as Freqtrade wrote them
(milliseconds in the stats, seconds in the ``.meta.json``).

Decisions where the specification is silent:

* Speed: a 100,000-trade result parses within 1.5x of a plain ``json.load`` of its stats
  (``benchmarks/bench_freqtrade_parse.py``). The JSON is parsed once with ``NaN``,
  ``Infinity`` and ``-Infinity`` read as ``None``; a number too large for a float (``1e999``,
  which no Freqtrade writer produces) would read as infinity, so a C-speed scan of the bytes
  looks for a three-digit exponent or a 200-digit run and, only when it finds one, parses
  again turning such numbers into ``None`` too. The parsed data is therefore JSON-safe by
  construction: the scalar fields go through the ``BacktestResult`` constructor (every
  validator runs), then ``trades`` and ``raw_stats`` are attached with ``model_copy`` —
  that skips only their ``_json_safe`` check (already guaranteed) and pydantic's copy of
  each trade dict (checked instead: ``trades`` must be a list of objects). So
  ``ParsedBacktest.stats["trades"]`` and ``result.trades`` are the same list: do not mutate
  it. :func:`result_from_stats`, which takes any mapping, cleans and validates everything.
* A stats dict needs ``total_trades`` (else it is not one strategy's stats). A missing or
  non-finite count or profit takes the field's default (0); other missing metrics are None.
* A file with several strategies needs ``strategy=``; an unknown name is a
  ``ValidationError(field="strategy")`` listing the ones present. ``ParsedBacktest.meta`` is
  the strategy's entry of the sibling ``<stem>.meta.json`` (``None`` when absent or
  unreadable). A zip whose ``<stem>.json`` member is missing uses its only other stats-like
  ``.json`` member (not ``_config.json``), if there is exactly one.
* A directory's latest result is the one ``.last_result.json`` names, if that file exists,
  else the last ``backtest-result-*.zip`` by name (the names carry the timestamp).
* Hyperopt: ``number`` is Freqtrade's 1-based ``current_epoch`` minus one; ``params`` is
  ``params_dict`` without ``None`` or non-scalar values; profits and the drawdown are
  percentages (``profit_total``, ``profit_mean``, ``max_drawdown_account`` x 100, the
  drawdown clamped to 0-100); ``duration_seconds`` is the epoch's backtest run time (whole
  seconds). A loss that is non-finite or at least Freqtrade's :data:`MAX_LOSS` (what it
  gives a trial with too few trades) makes the trial ``FAIL`` with that loss (``MAX_LOSS``
  when non-finite), so :meth:`TrialResult.best` never picks it. A last line without a
  newline that does not parse (an interrupted write) is ignored; any other bad line is an
  error.

Example:
    >>> stats = {"total_trades": 4, "wins": 3, "losses": 1, "draws": 0, "winrate": 0.75,
    ...          "profit_total": 0.012, "sharpe": float("nan"), "expectancy": 3.5}
    >>> result = result_from_stats(stats)
    >>> result.win_rate, result.total_profit_pct, result.sharpe_ratio, result.metrics
    (75.0, 1.2, None, {'expectancy': 3.5})
"""

from __future__ import annotations

import json
import logging
import math
import os
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from tradai.common.entities.backtest import BacktestResult
from tradai.common.entities.hyperopt import TrialResult, TrialState
from tradai.common.exceptions import NotFoundError, ValidationError

__all__ = [
    "MAX_LOSS",
    "ParsedBacktest",
    "latest_result_file",
    "parse_backtest_result",
    "parse_hyperopt_results",
    "parse_stats_json",
    "result_from_stats",
]

_log = logging.getLogger(__name__)

#: Freqtrade's loss for a hyperopt epoch with too few trades (``hyperopt_optimizer.MAX_LOSS``).
MAX_LOSS = 100000.0

_LAST_RESULT = ".last_result.json"
_RESULT_GLOB = "backtest-result-*.zip"

# BacktestResult field -> (Freqtrade stat, scale); scale None marks an integer count.
_FIELD_STATS: dict[str, tuple[str, float | None]] = {
    "total_trades": ("total_trades", None),
    "winning_trades": ("wins", None),
    "losing_trades": ("losses", None),
    "draw_trades": ("draws", None),
    "total_profit": ("profit_total_abs", 1.0),
    "total_profit_pct": ("profit_total", 100.0),
    "profit_factor": ("profit_factor", 1.0),
    "sharpe_ratio": ("sharpe", 1.0),
    "sortino_ratio": ("sortino", 1.0),
    "calmar_ratio": ("calmar", 1.0),
    "sqn": ("sqn", 1.0),
    "cagr": ("cagr", 1.0),
    "max_drawdown": ("max_drawdown_abs", 1.0),
    "max_drawdown_pct": ("max_drawdown_account", 100.0),
    "win_rate": ("winrate", 100.0),
}
_MAPPED_STATS = frozenset(stat for stat, _ in _FIELD_STATS.values()) | {"trades"}

# Every byte to NUL but digits and "+" (to "0") and "e"/"E" (to "e"): a float literal that
# overflows has a 3-digit exponent ("e000", "e+00" reads "e000") or >= 210 integer digits.
_OVERFLOW_TABLE = bytes(
    0x30 if byte in b"0123456789+" else 0x65 if byte in b"eE" else 0 for byte in range(256)
)
_LONG_DIGITS = b"0" * 200


@dataclass(frozen=True, slots=True)
class ParsedBacktest:
    """One strategy's backtest result as read from Freqtrade's files.

    Attributes:
        strategy: The strategy name (the key in the stats file).
        result: The mapped result (metrics, trades, raw stats).
        stats: The strategy's stats dict as Freqtrade wrote it (with ``trades``; the same
            list object as ``result.trades``, so treat it as read-only).
        result_file: The file read (for a directory, the result chosen inside it).
        meta: The strategy's entry of the sibling ``.meta.json``, or ``None``.
    """

    strategy: str
    result: BacktestResult
    stats: dict[str, Any]
    result_file: Path
    meta: dict[str, Any] | None


def _none(_constant: str) -> None:
    return None


def _finite_or_none(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def _may_overflow(raw: bytes) -> bool:
    digits = raw.translate(_OVERFLOW_TABLE)
    return b"e000" in digits or _LONG_DIGITS in digits


def _to_utf8(data: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError(f"JSON text is not valid Unicode: {exc}", field="data") from exc
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValidationError(
            f"JSON data must be bytes or str, not {type(data).__name__}", field="data"
        )
    raw = bytes(data)
    encoding = json.detect_encoding(raw)
    if encoding.startswith(("utf-16", "utf-32")):
        try:
            return raw.decode(encoding).encode("utf-8")
        except UnicodeError as exc:
            raise ValidationError(
                f"JSON text is not valid {encoding}: {exc}", field="data"
            ) from exc
    return raw


def parse_stats_json(data: bytes | str) -> dict[str, Any]:
    """Parse Freqtrade JSON (a stats file, a ``.fthypt`` line, a metadata file).

    ``NaN``, ``Infinity``, ``-Infinity`` and numbers too large for a float read as
    ``None``, so the result always passes ``json.dumps(..., allow_nan=False)``.

    Args:
        data: The JSON text, as bytes (UTF-8, -16 or -32, as ``json.loads`` detects) or str.

    Returns:
        The JSON object.

    Raises:
        ValidationError: (``field="data"``) If the text is not JSON or not a JSON object.

    Example:
        >>> parse_stats_json(b'{"sharpe": NaN, "x": [1.5, -Infinity, 1e999]}')
        {'sharpe': None, 'x': [1.5, None, None]}
    """
    raw = _to_utf8(data)
    parse_float = _finite_or_none if _may_overflow(raw) else None
    try:
        value = json.loads(raw, parse_constant=_none, parse_float=parse_float)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, ...
        raise ValidationError(f"not valid JSON: {exc}", field="data") from exc
    if not isinstance(value, dict):
        raise ValidationError(
            f"JSON document is a {type(value).__name__}, not an object", field="data"
        )
    return value


def _as_path(value: str | os.PathLike[str], field: str) -> Path:
    try:
        return Path(os.fspath(value))
    except TypeError as exc:
        raise ValidationError(
            f"{field} must be a path, not {type(value).__name__}", field=field
        ) from exc


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the float range
        return None
    return number if math.isfinite(number) else None


def _scalar_fields(stats: Mapping[str, Any], source: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field, (stat, scale) in _FIELD_STATS.items():
        value = stats.get(stat)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        if scale is None:
            fields[field] = value  # a count: pydantic checks it is a whole number >= 0
            continue
        number = _finite(value)
        if number is None:
            raise ValidationError(
                f"{source}: invalid Freqtrade stats ({stat}: must be a number, "
                f"not {type(value).__name__})",
                field=stat,
            )
        fields[field] = number * scale
    metrics: dict[str, float] = {}
    for key, value in stats.items():
        if key not in _MAPPED_STATS:
            number = _finite(value)
            if number is not None:
                metrics[key] = number
    fields["metrics"] = metrics
    return fields


def _stat_name(field: object) -> str:
    if field in _FIELD_STATS:
        return _FIELD_STATS[str(field)][0]
    return "trades" if field == "trades" else "stats"


def _translate(exc: pydantic.ValidationError, source: str) -> ValidationError:
    first = exc.errors()[0]
    field = _stat_name(first["loc"][0] if first["loc"] else None)
    details = "; ".join(
        f"{_stat_name(err['loc'][0]) if err['loc'] else 'stats'}: {err['msg']}"
        for err in exc.errors()
    )
    return ValidationError(f"{source}: invalid Freqtrade stats ({details})", field=field)


def _require_stats(stats: Any, source: str) -> None:
    if not isinstance(stats, Mapping) or "total_trades" not in stats:
        raise ValidationError(
            f"{source}: not one strategy's Freqtrade stats (no total_trades)", field="stats"
        )


def _build_trusted(stats: dict[str, Any], source: str) -> BacktestResult:
    """Map stats parsed by :func:`parse_stats_json` (JSON-safe by construction)."""
    _require_stats(stats, source)
    trades = stats.get("trades")
    if trades is None:
        trades = []
    if not isinstance(trades, list) or not all(type(trade) is dict for trade in trades):
        raise ValidationError(f"{source}: trades must be a list of objects", field="trades")
    try:
        result = BacktestResult(**_scalar_fields(stats, source))
    except pydantic.ValidationError as exc:
        raise _translate(exc, source) from exc
    raw_stats = {key: value for key, value in stats.items() if key != "trades"}
    return result.model_copy(update={"trades": trades, "raw_stats": raw_stats})


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def result_from_stats(stats: Mapping[str, Any]) -> BacktestResult:
    """Map one strategy's Freqtrade stats to a :class:`BacktestResult`.

    Takes any mapping (for instance stats computed in-process): non-finite floats at any
    depth become ``None``, then every field is validated, ``trades`` and ``raw_stats``
    included (so they must be JSON-compatible).

    Args:
        stats: ``document["strategy"][name]`` of a Freqtrade stats file.

    Returns:
        The result (see the module docstring for the mapping).

    Raises:
        ValidationError: If ``stats`` has no ``total_trades`` (``field="stats"``) or a
            value is invalid (``field`` names the Freqtrade stat, e.g. ``"wins"``).

    Example:
        >>> result_from_stats({"total_trades": 2, "wins": 3})
        Traceback (most recent call last):
        ...
        tradai.common.exceptions.ValidationError: stats: invalid Freqtrade stats (wins: ...
    """
    _require_stats(stats, "stats")
    cleaned: dict[str, Any] = _clean(stats)
    trades = cleaned.get("trades")
    raw_stats = {key: value for key, value in cleaned.items() if key != "trades"}
    try:
        return BacktestResult(
            **_scalar_fields(cleaned, "stats"),
            trades=[] if trades is None else trades,
            raw_stats=raw_stats,
        )
    except pydantic.ValidationError as exc:
        raise _translate(exc, "stats") from exc


def _last_result_name(directory: Path) -> str | None:
    marker = directory / _LAST_RESULT
    try:
        document = parse_stats_json(marker.read_bytes())
    except (OSError, ValidationError):
        return None
    name = document.get("latest_backtest")
    if not isinstance(name, str) or not name or Path(name).name != name or name in {".", ".."}:
        return None
    return name


def latest_result_file(directory: str | os.PathLike[str]) -> Path | None:
    """Find the latest backtest result in a Freqtrade backtest directory.

    Args:
        directory: The ``--backtest-directory`` Freqtrade wrote to.

    Returns:
        The file ``.last_result.json`` names, if it exists, else the last
        ``backtest-result-*.zip`` by name, else ``None`` (also for a missing directory).

    Raises:
        ValidationError: If ``directory`` is not a path.

    Example:
        >>> latest_result_file("/nonexistent/backtest_results") is None
        True
    """
    root = _as_path(directory, "directory")
    if not root.is_dir():
        return None
    name = _last_result_name(root)
    if name is not None and (root / name).is_file():
        return root / name
    results = sorted(path for path in root.glob(_RESULT_GLOB) if path.is_file())
    return results[-1] if results else None


def _stats_member(archive: zipfile.ZipFile, path: Path) -> str:
    expected = f"{path.stem}.json"
    names = archive.namelist()
    if expected in names:
        return expected
    candidates = [
        name
        for name in names
        if name.endswith(".json")
        and "/" not in name
        and not name.endswith(("_config.json", ".meta.json"))
    ]
    if len(candidates) == 1:
        return candidates[0]
    raise ValidationError(f"{path} holds no stats member {expected!r}", field="path")


def _read_document(path: Path) -> dict[str, Any]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                data = archive.read(_stats_member(archive, path))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ValidationError(
                f"{path} is not a readable zip archive: {exc}", field="path"
            ) from exc
    elif suffix == ".json":
        data = path.read_bytes()
    else:
        raise ValidationError(
            f"{path} is not a Freqtrade result (.zip, .json or a directory)", field="path"
        )
    try:
        return parse_stats_json(data)
    except ValidationError as exc:
        raise ValidationError(f"{path}: {exc.message}", field="path") from exc


def _pick_strategy(
    document: dict[str, Any], strategy: str | None, path: Path
) -> tuple[str, dict[str, Any]]:
    section = document.get("strategy")
    if not isinstance(section, dict) or not section:
        raise ValidationError(f"{path} holds no strategy results", field="path")
    if strategy is None:
        if len(section) > 1:
            raise ValidationError(
                f"{path} holds several strategies {sorted(section)}: choose one",
                field="strategy",
            )
        strategy = next(iter(section))
    elif strategy not in section:
        raise ValidationError(
            f"{path} holds no strategy {strategy!r} (it holds {sorted(section)})",
            field="strategy",
        )
    stats = section[strategy]
    if not isinstance(stats, dict):
        raise ValidationError(f"{path}: stats of {strategy!r} are not an object", field="path")
    return strategy, stats


def _read_meta(path: Path, strategy: str) -> dict[str, Any] | None:
    meta_path = path.with_name(f"{path.stem}.meta.json")
    try:
        document = parse_stats_json(meta_path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValidationError) as exc:
        _log.warning("ignoring unreadable backtest metadata %s: %s", meta_path, exc)
        return None
    entry = document.get(strategy)
    return entry if isinstance(entry, dict) else None


def parse_backtest_result(
    path: str | os.PathLike[str], *, strategy: str | None = None
) -> ParsedBacktest:
    """Read one strategy's backtest result from Freqtrade's files.

    Args:
        path: A result ``.zip``, a stats ``.json`` or a backtest directory (its latest
            result, see :func:`latest_result_file`).
        strategy: The strategy to read; needed only when the file holds several.

    Returns:
        The parsed result with its stats, file and metadata.

    Raises:
        NotFoundError: If ``path`` does not exist, or a directory holds no result.
        ValidationError: If the file is not a readable Freqtrade result (``field="path"``),
            the strategy is ambiguous or absent (``field="strategy"``) or a stat is invalid
            (``field`` names it). Messages name the file.

    Example:
        >>> parse_backtest_result("/nonexistent/backtest-result.zip")
        Traceback (most recent call last):
        ...
        tradai.common.exceptions.NotFoundError: backtest result /nonexistent/... does not exist ...
    """
    result_path = _as_path(path, "path")
    if strategy is not None and (not isinstance(strategy, str) or not strategy):
        raise ValidationError("strategy must be a non-empty string", field="strategy")
    if result_path.is_dir():
        found = latest_result_file(result_path)
        if found is None:
            raise NotFoundError(
                f"no backtest result in {result_path}",
                resource="backtest result",
                key=str(result_path),
            )
        result_path = found
    elif not result_path.is_file():
        raise NotFoundError(
            f"backtest result {result_path} does not exist",
            resource="backtest result",
            key=str(result_path),
        )
    name, stats = _pick_strategy(_read_document(result_path), strategy, result_path)
    result = _build_trusted(stats, f"{result_path} [{name}]")
    return ParsedBacktest(
        strategy=name,
        result=result,
        stats=stats,
        result_file=result_path,
        meta=_read_meta(result_path, name),
    )


def _pct(metrics: Mapping[str, Any], key: str) -> float | None:
    value = _finite(metrics.get(key))
    return None if value is None else value * 100.0


def _trial_fields(epoch: dict[str, Any], fallback_number: int) -> dict[str, Any]:
    metrics = epoch.get("results_metrics")
    if not isinstance(metrics, dict):
        metrics = {}
    loss = _finite(epoch.get("loss"))
    state = TrialState.FAIL if loss is None or loss >= MAX_LOSS else TrialState.COMPLETE
    current = epoch.get("current_epoch")
    number = current - 1 if type(current) is int and current >= 1 else fallback_number
    params = epoch.get("params_dict")
    trades = _finite(metrics.get("total_trades"))
    drawdown = _pct(metrics, "max_drawdown_account")
    start, end = (
        _finite(metrics.get("backtest_run_start_ts")),
        _finite(metrics.get("backtest_run_end_ts")),
    )
    return {
        "number": number,
        "params": {
            key: value
            for key, value in (params.items() if isinstance(params, dict) else ())
            if isinstance(value, bool | int | str) or _finite(value) is not None
        },
        "loss": MAX_LOSS if loss is None else loss,
        "total_trades": int(trades) if trades is not None and trades.is_integer() else 0,
        "total_profit_abs": _finite(metrics.get("profit_total_abs")),
        "total_profit_pct": _pct(metrics, "profit_total"),
        "avg_profit_pct": _pct(metrics, "profit_mean"),
        "max_drawdown_pct": None if drawdown is None else min(max(drawdown, 0.0), 100.0),
        "is_best": epoch.get("is_best") is True,
        "duration_seconds": max(end - start, 0.0) if start is not None and end is not None else 0.0,
        "state": state,
    }


def parse_hyperopt_results(path: str | os.PathLike[str]) -> list[TrialResult]:
    """Read Freqtrade's hyperopt results file (``.fthypt``: one JSON line per epoch).

    Args:
        path: The ``strategy_<Name>_<timestamp>.fthypt`` file.

    Returns:
        One trial per epoch, in file order (see the module docstring for the mapping).

    Raises:
        NotFoundError: If the file does not exist.
        ValidationError: (``field="path"``) If it is not a file, or a line is not a valid
            epoch (the message names the file and line).

    Example:
        >>> parse_hyperopt_results("/nonexistent/strategy_S.fthypt")
        Traceback (most recent call last):
        ...
        tradai.common.exceptions.NotFoundError: hyperopt results /nonexistent/strategy_S.fthypt ...
    """
    results_path = _as_path(path, "path")
    if not results_path.exists():
        raise NotFoundError(
            f"hyperopt results {results_path} do not exist",
            resource="hyperopt results",
            key=str(results_path),
        )
    if not results_path.is_file():
        raise ValidationError(f"{results_path} is not a file", field="path")
    lines = results_path.read_bytes().split(b"\n")
    trials: list[TrialResult] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        where = f"{results_path} line {index + 1}"
        try:
            epoch = parse_stats_json(line)
        except ValidationError as exc:
            if index == len(lines) - 1:  # no newline after it: an interrupted write
                _log.warning("ignoring the unfinished last line of %s", results_path)
                break
            raise ValidationError(f"{where}: {exc.message}", field="path") from exc
        try:
            trials.append(TrialResult(**_trial_fields(epoch, len(trials))))
        except pydantic.ValidationError as exc:
            raise ValidationError(
                f"{where}: not a valid hyperopt epoch: {exc}", field="path"
            ) from exc
    return trials

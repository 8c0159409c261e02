"""A fluent, validating builder of Freqtrade command lines.

:class:`FreqtradeCLIBuilder` turns typed calls into the argument list of one Freqtrade
sub-command (``backtesting``, ``hyperopt``, ``download-data``, ``list-data``, ``show-config``,
``lookahead-analysis``). It never produces a shell string: the result is a ``list[str]`` for
:class:`subprocess.Popen`, and every value is checked when it is set, so nothing a caller passes
can become an extra option, a second command or a path outside the builder's working directory.

Decisions where the issue is silent:

* The argument list does not hold the executable (``freqtrade``): the runner prepends it.
* Options are emitted in one fixed order (paths, strategy, market, backtest, hyperopt
  options, then flags, ``--logfile`` and ``-v``), whatever order they were set in. Setting an
  option twice replaces it; flags are idempotent.
* Which options each command takes follows Freqtrade's own parser (``--epochs`` is for
  ``hyperopt``, ``--cache`` for ``backtesting``, ``show-config`` takes only ``--config`` and
  ``--userdir``...). An option set for the wrong command raises as soon as both are known.
* Relative paths are taken relative to the working directory; every path is resolved
  (symlinks and ``..`` followed) and must stay inside it, and is emitted absolute. Paths need
  not exist yet. Freqtrade's special log targets (``syslog:``, ``journald``) are not offered.
* ``timerange`` takes only the ``YYYYMMDD-YYYYMMDD`` form (either side may be left open, not
  both) with real calendar dates and start <= end. A value that starts with ``-`` (an open
  start, ``-1`` for jobs or max open trades) is emitted as ``--option=value`` so no parser can
  take it for an option.
* ``timeframe`` is ``--timeframes`` for ``download-data`` (Freqtrade's spelling there).
* Freqtrade's command line refuses ``0`` for ``--random-state`` and ``--min-trades`` (it wants
  positive integers), although its configuration file accepts it. So does this builder, which
  would otherwise produce a command that cannot start: set ``hyperopt_random_state`` /
  ``hyperopt_min_trades`` in the configuration file to use 0.
* ``pairs`` and ``spaces`` refuse duplicates rather than silently dropping them; pairs are
  upper-cased (as :func:`~tradai.common.validators.validate_trading_pair` does).
* Only Freqtrade's built-in losses (:class:`~tradai.common.entities.hyperopt.HyperoptLoss`) are
  accepted for ``--hyperopt-loss``; custom loss classes are not.

Example:
    >>> builder = FreqtradeCLIBuilder("/srv/ft").backtesting().strategy("SampleSmaCrossover")
    >>> builder.config("cfg.json").timerange("20240201-20240601").export("trades").build()
    ['backtesting', '--config', '.../ft/cfg.json', '--strategy', 'SampleSmaCrossover',
     '--timerange', '20240201-20240601', '--export', 'trades']
    >>> FreqtradeCLIBuilder("/srv/ft").backtesting().epochs(10)
    Traceback (most recent call last):
    ...
    tradai.common.exceptions.ValidationError: --epochs is not an option of freqtrade
    backtesting (field='epochs')
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Self

from tradai.common.entities.hyperopt import HyperoptLoss, HyperoptSpace
from tradai.common.exceptions import ValidationError
from tradai.common.validators import (
    validate_strategy_name,
    validate_timeframe,
    validate_trading_pair,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["COMMANDS", "SPACE_NAMES", "FreqtradeCLIBuilder"]

#: The Freqtrade sub-commands the builder can produce.
COMMANDS: tuple[str, ...] = (
    "backtesting", "hyperopt", "download-data", "list-data", "show-config", "lookahead-analysis"
)  # fmt: skip
_BACKTESTING, _HYPEROPT, _DOWNLOAD, _LIST_DATA, _SHOW_CONFIG, _LOOKAHEAD = COMMANDS

#: The ``--spaces`` values accepted (Freqtrade's built-in spaces).
SPACE_NAMES: frozenset[str] = frozenset(
    {"all", "buy", "sell", "roi", "stoploss", "trailing", "protection", "trades", "default"}
)

_EXPORTS = ("none", "trades", "signals")
_CACHES = ("none", "day", "week", "month")
_LOSSES = {loss.value: loss for loss in HyperoptLoss}

_COMMON = frozenset({_BACKTESTING, _HYPEROPT, _DOWNLOAD, _LIST_DATA, _LOOKAHEAD})
_WITH_STRATEGY = frozenset({_BACKTESTING, _HYPEROPT, _LOOKAHEAD})
_EVERYWHERE = _COMMON | {_SHOW_CONFIG}

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_TIMERANGE_RE = re.compile(r"([0-9]{8})?-([0-9]{8})?")
_CLASS_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,127}")

_MAX_EPOCHS = 10_000
_MAX_JOBS = 64
_MAX_SEED = 2**32 - 1
_MAX_MIN_TRADES = 1_000_000
_MAX_VERBOSITY = 3


@dataclass(frozen=True, slots=True)
class _Option:
    flag: str
    commands: frozenset[str]


# The emission order is the order of this table.
_OPTIONS: dict[str, _Option] = {
    "config": _Option("--config", _EVERYWHERE),
    "user_data_dir": _Option("--userdir", _EVERYWHERE),
    "datadir": _Option("--datadir", _COMMON),
    "strategy": _Option("--strategy", _WITH_STRATEGY),
    "strategy_path": _Option("--strategy-path", _WITH_STRATEGY),
    "freqai_model": _Option("--freqaimodel", _WITH_STRATEGY),
    "timeframe": _Option("--timeframe", _WITH_STRATEGY | {_DOWNLOAD}),
    "timerange": _Option("--timerange", _WITH_STRATEGY | {_DOWNLOAD}),
    "pairs": _Option("--pairs", _WITH_STRATEGY | {_DOWNLOAD, _LIST_DATA}),
    "max_open_trades": _Option("--max-open-trades", _WITH_STRATEGY),
    "stake_amount": _Option("--stake-amount", _WITH_STRATEGY),
    "backtest_directory": _Option("--backtest-directory", frozenset({_BACKTESTING, _LOOKAHEAD})),
    "export": _Option("--export", frozenset({_BACKTESTING, _LOOKAHEAD})),
    "cache": _Option("--cache", frozenset({_BACKTESTING})),
    "hyperopt_loss": _Option("--hyperopt-loss", frozenset({_HYPEROPT})),
    "spaces": _Option("--spaces", frozenset({_HYPEROPT})),
    "epochs": _Option("--epochs", frozenset({_HYPEROPT})),
    "jobs": _Option("--job-workers", frozenset({_HYPEROPT})),
    "random_state": _Option("--random-state", frozenset({_HYPEROPT})),
    "min_trades": _Option("--min-trades", frozenset({_HYPEROPT})),
    "disable_param_export": _Option("--disable-param-export", frozenset({_HYPEROPT})),
    "print_all": _Option("--print-all", frozenset({_HYPEROPT})),
    "print_json": _Option("--print-json", frozenset({_HYPEROPT})),
    "no_color": _Option("--no-color", _COMMON),
    "logfile": _Option("--logfile", _COMMON),
    "verbosity": _Option("-v", _COMMON),
}

# Flags that differ per command (Freqtrade's own spelling).
_FLAG_OVERRIDES: dict[tuple[str, str], str] = {("timeframe", _DOWNLOAD): "--timeframes"}


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError(f"invalid {field}: {message}", field=field)


def _check_text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise _fail(field, f"expected a string, got {type(value).__name__}")
    if not value:
        raise _fail(field, "must not be empty")
    if _CONTROL_RE.search(value):
        raise _fail(field, "must not contain NUL, newline or other control characters")
    if value.startswith("-"):
        raise _fail(field, "must not start with '-'")
    return value


def _check(validator: Callable[[str], str], value: object, field: str) -> str:
    text = _check_text(value, field)
    try:
        return validator(text)
    except ValueError as exc:
        raise _fail(field, str(exc)) from exc


def _check_int(value: object, field: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(field, f"expected an integer, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"{low} to {high}"
        raise _fail(field, f"{value} is out of range ({bounds})")
    return value


def _check_count(value: object, field: str, high: int | None) -> int:
    """-1 (meaning "all" / "unlimited") or 1..high."""
    if type(value) is int and value == -1:
        return -1
    try:
        return _check_int(value, field, 1, high)
    except ValidationError:
        limit = "" if high is None else f" to {high}"
        raise _fail(field, f"{value!r} is neither -1 nor 1{limit}") from None


def _choice(value: object, field: str, choices: Sequence[str]) -> str:
    text = _check_text(value, field)
    if text not in choices:
        raise _fail(field, f"{text!r} is not one of {', '.join(choices)}")
    return text


def _date(text: str, field: str) -> _dt.date:
    try:
        return _dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise _fail(field, f"{text} is not a real calendar date") from None


def _check_timerange(value: object) -> str:
    field = "timerange"
    if not isinstance(value, str):
        raise _fail(field, f"expected a string, got {type(value).__name__}")
    match = _TIMERANGE_RE.fullmatch(value) if value.isascii() else None
    if match is None or value == "-":
        raise _fail(field, f"{value[:40]!r} is not YYYYMMDD-YYYYMMDD (either side may be open)")
    start, end = (None if part is None else _date(part, field) for part in match.groups())
    if start is not None and end is not None and start > end:
        raise _fail(field, f"start {start} is after end {end}")
    return value


def _check_stake(value: object) -> str:
    field = "stake_amount"
    if value == "unlimited" and isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(field, "expected a positive number or 'unlimited'")
    if not math.isfinite(value) or value <= 0:
        raise _fail(field, f"{value!r} is not a positive finite number")
    return str(value) if isinstance(value, int) else repr(float(value))


def _check_sequence(value: object, field: str) -> list[object]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise _fail(field, "expected a sequence of values, not a single value")
    items = list(value)
    if not items:
        raise _fail(field, "must not be empty")
    return items


def _unique(values: list[str], field: str) -> list[str]:
    repeated = [value for i, value in enumerate(values) if value in values[:i]]
    if repeated:
        raise _fail(field, f"{repeated[0]!r} is given twice")
    return values


class FreqtradeCLIBuilder:
    """Build the argument list of one Freqtrade command, validating every value.

    Choose exactly one command (:meth:`backtesting`, :meth:`hyperopt`...), set options, then
    call :meth:`build`. Every method but :meth:`build` returns the builder.

    Args:
        workdir: The directory every path option must resolve inside (need not exist yet).
            Relative paths given to path options are taken relative to it.

    Raises:
        ValidationError: If ``workdir`` is empty, not a path or holds control characters
            (``field="workdir"``).

    Example:
        >>> builder = FreqtradeCLIBuilder("/srv/ft").hyperopt().spaces(["buy", "roi"])
        >>> builder.epochs(6).jobs(1).random_state(42).hyperopt_loss("SharpeHyperOptLoss").build()
        ['hyperopt', '--hyperopt-loss', 'SharpeHyperOptLoss', '--spaces', 'buy', 'roi',
         '--epochs', '6', '--job-workers', '1', '--random-state', '42']
    """

    def __init__(self, workdir: str | os.PathLike[str]) -> None:
        text = os.fspath(workdir) if isinstance(workdir, os.PathLike) else workdir
        if not isinstance(text, str) or not text or _CONTROL_RE.search(text):
            raise ValidationError(
                "invalid workdir: expected a path without control characters", field="workdir"
            )
        self._workdir = Path(text).resolve()
        self._command: str | None = None
        self._values: dict[str, tuple[str, ...]] = {}

    @property
    def workdir(self) -> Path:
        """The resolved working directory every path must stay inside."""
        return self._workdir

    @property
    def command(self) -> str | None:
        """The chosen Freqtrade command (``"backtesting"``...), or ``None`` before one is set."""
        return self._command

    # ------------------------------------------------------------------ internals

    def _set_command(self, command: str) -> Self:
        if self._command is not None:
            raise ValidationError(
                f"invalid command: {self._command} is already chosen; one command per builder",
                field="command",
            )
        for name in self._values:
            self._check_allowed(name, command)
        self._command = command
        return self

    def _check_allowed(self, name: str, command: str) -> None:
        if command not in _OPTIONS[name].commands:
            raise ValidationError(
                f"{_OPTIONS[name].flag} is not an option of freqtrade {command}", field=name
            )

    def _set(self, name: str, *values: str) -> Self:
        if self._command is not None:
            self._check_allowed(name, self._command)
        self._values[name] = values
        return self

    def _path(self, value: object, field: str) -> str:
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        text = _check_text(value, field)
        resolved = (self._workdir / text).resolve()
        if not resolved.is_relative_to(self._workdir):
            raise _fail(field, f"{text!r} resolves outside the working directory")
        rendered = str(resolved)
        if _CONTROL_RE.search(rendered):
            raise _fail(field, "the resolved path holds control characters")
        return rendered

    # ------------------------------------------------------------------ commands

    def backtesting(self) -> Self:
        """Choose ``freqtrade backtesting``.

        Returns:
            The builder.

        Raises:
            ValidationError: If a command is already chosen or a set option does not belong
                to this command.
        """
        return self._set_command(_BACKTESTING)

    def hyperopt(self) -> Self:
        """Choose ``freqtrade hyperopt``.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`backtesting`.
        """
        return self._set_command(_HYPEROPT)

    def download_data(self) -> Self:
        """Choose ``freqtrade download-data``.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`backtesting`.
        """
        return self._set_command(_DOWNLOAD)

    def list_data(self) -> Self:
        """Choose ``freqtrade list-data``.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`backtesting`.
        """
        return self._set_command(_LIST_DATA)

    def show_config(self) -> Self:
        """Choose ``freqtrade show-config`` (takes only :meth:`config` and :meth:`user_data_dir`).

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`backtesting`.
        """
        return self._set_command(_SHOW_CONFIG)

    def lookahead_analysis(self) -> Self:
        """Choose ``freqtrade lookahead-analysis``.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`backtesting`.
        """
        return self._set_command(_LOOKAHEAD)

    # ------------------------------------------------------------------ paths

    def config(self, path: str | os.PathLike[str]) -> Self:
        """Set ``--config``.

        Args:
            path: The configuration file, inside the working directory.

        Returns:
            The builder.

        Raises:
            ValidationError: If the path is unsafe or resolves outside the working directory.
        """
        return self._set("config", self._path(path, "config"))

    def strategy_path(self, path: str | os.PathLike[str]) -> Self:
        """Set ``--strategy-path`` (the directory holding the strategy file).

        Args:
            path: The directory, inside the working directory.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`config`, or for a command without strategies.
        """
        return self._set("strategy_path", self._path(path, "strategy_path"))

    def user_data_dir(self, path: str | os.PathLike[str]) -> Self:
        """Set ``--userdir``.

        Args:
            path: Freqtrade's user data directory, inside the working directory.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`config`.
        """
        return self._set("user_data_dir", self._path(path, "user_data_dir"))

    def datadir(self, path: str | os.PathLike[str]) -> Self:
        """Set ``--datadir`` (Freqtrade ignores the configuration key; pass it here).

        Args:
            path: The candle directory (``<dir>/binance``), inside the working directory.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`config`, or for ``show-config``.
        """
        return self._set("datadir", self._path(path, "datadir"))

    def backtest_directory(self, path: str | os.PathLike[str]) -> Self:
        """Set ``--backtest-directory`` (where backtest results are written).

        Args:
            path: The directory, inside the working directory.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`config`, or for a command other than
                ``backtesting`` / ``lookahead-analysis``.
        """
        return self._set("backtest_directory", self._path(path, "backtest_directory"))

    def logfile(self, path: str | os.PathLike[str]) -> Self:
        """Set ``--logfile``.

        Args:
            path: The log file, inside the working directory.

        Returns:
            The builder.

        Raises:
            ValidationError: As for :meth:`config`, or for ``show-config``.
        """
        return self._set("logfile", self._path(path, "logfile"))

    # ------------------------------------------------------------------ names and ranges

    def strategy(self, name: str) -> Self:
        """Set ``--strategy``.

        Args:
            name: The strategy class name.

        Returns:
            The builder.

        Raises:
            ValidationError: If it is not a valid strategy name.
        """
        return self._set("strategy", _check(validate_strategy_name, name, "strategy"))

    def freqai_model(self, name: str) -> Self:
        """Set ``--freqaimodel``.

        Args:
            name: The FreqAI model class name (``"LightGBMRegressor"``).

        Returns:
            The builder.

        Raises:
            ValidationError: If it is not a class name (letters, digits, ``_``).
        """
        text = _check_text(name, "freqai_model")
        if not text.isascii() or _CLASS_NAME_RE.fullmatch(text) is None:
            raise _fail("freqai_model", f"{text[:40]!r} is not a model class name")
        return self._set("freqai_model", text)

    def timerange(self, value: str) -> Self:
        """Set ``--timerange``.

        Args:
            value: ``YYYYMMDD-YYYYMMDD``; either side may be left open
                (``"20240101-"``, ``"-20240601"``).

        Returns:
            The builder.

        Raises:
            ValidationError: If it is malformed, not real dates, or start is after end.

        Example:
            >>> FreqtradeCLIBuilder("/w").backtesting().timerange("-20240601").build()
            ['backtesting', '--timerange=-20240601']
        """
        return self._set("timerange", _check_timerange(value))

    def timeframe(self, value: str) -> Self:
        """Set ``--timeframe`` (``--timeframes`` for ``download-data``).

        Args:
            value: A candle timeframe (``"1h"``).

        Returns:
            The builder.

        Raises:
            ValidationError: If it is not a timeframe.
        """
        return self._set("timeframe", _check(validate_timeframe, value, "timeframe"))

    def pairs(self, pairs: Sequence[str]) -> Self:
        """Set ``--pairs``.

        Args:
            pairs: One or more trading pairs (``"BTC/USDT"``, ``"BTC/USDT:USDT"``), no repeats.

        Returns:
            The builder.

        Raises:
            ValidationError: If the sequence is empty, a single string, holds a repeat or an
                invalid pair.

        Example:
            >>> FreqtradeCLIBuilder("/w").list_data().pairs(["btc/usdt", "ETH/USDT"]).build()
            ['list-data', '--pairs', 'BTC/USDT', 'ETH/USDT']
        """
        items = _check_sequence(pairs, "pairs")
        checked = [_check(validate_trading_pair, pair, "pairs") for pair in items]
        return self._set("pairs", *_unique(checked, "pairs"))

    def export(self, kind: str = "trades") -> Self:
        """Set ``--export``.

        Args:
            kind: ``"none"``, ``"trades"`` or ``"signals"``.

        Returns:
            The builder.

        Raises:
            ValidationError: For any other value.
        """
        return self._set("export", _choice(kind, "export", _EXPORTS))

    def cache(self, value: str = "none") -> Self:
        """Set ``--cache`` (how old a cached backtest result may be reused).

        Args:
            value: ``"none"``, ``"day"``, ``"week"`` or ``"month"``.

        Returns:
            The builder.

        Raises:
            ValidationError: For any other value, or for a command other than ``backtesting``.
        """
        return self._set("cache", _choice(value, "cache", _CACHES))

    def hyperopt_loss(self, loss: HyperoptLoss | str) -> Self:
        """Set ``--hyperopt-loss``.

        Args:
            loss: A :class:`HyperoptLoss` member or its value (``"SharpeHyperOptLoss"``).

        Returns:
            The builder.

        Raises:
            ValidationError: If it is not one of Freqtrade's built-in losses.
        """
        if isinstance(loss, HyperoptLoss):
            return self._set("hyperopt_loss", loss.value)
        text = _check_text(loss, "hyperopt_loss")
        if text not in _LOSSES:
            raise _fail("hyperopt_loss", f"{text[:60]!r} is not a built-in hyperopt loss")
        return self._set("hyperopt_loss", text)

    def spaces(self, spaces: Sequence[HyperoptSpace | str]) -> Self:
        """Set ``--spaces``.

        Args:
            spaces: :class:`HyperoptSpace` members or names from :data:`SPACE_NAMES`, no
                repeats.

        Returns:
            The builder.

        Raises:
            ValidationError: If the sequence is empty, a single string, holds a repeat or an
                unknown space.
        """
        names: list[str] = []
        for space in _check_sequence(spaces, "spaces"):
            if isinstance(space, HyperoptSpace):
                names.append(space.value)
            else:
                names.append(_choice(space, "spaces", sorted(SPACE_NAMES)))
        return self._set("spaces", *_unique(names, "spaces"))

    def epochs(self, n: int) -> Self:
        """Set ``--epochs``.

        Args:
            n: Number of epochs, 1-10000.

        Returns:
            The builder.

        Raises:
            ValidationError: If out of range or not an integer.
        """
        return self._set("epochs", str(_check_int(n, "epochs", 1, _MAX_EPOCHS)))

    def jobs(self, n: int) -> Self:
        """Set ``--job-workers``.

        Args:
            n: ``-1`` (all cores) or 1-64.

        Returns:
            The builder.

        Raises:
            ValidationError: If out of range or not an integer.
        """
        return self._set("jobs", str(_check_count(n, "jobs", _MAX_JOBS)))

    def random_state(self, seed: int) -> Self:
        """Set ``--random-state``.

        Args:
            seed: 1 to 2**32-1 (Freqtrade's command line refuses 0; see the module notes).

        Returns:
            The builder.

        Raises:
            ValidationError: If out of range or not an integer.
        """
        return self._set("random_state", str(_check_int(seed, "random_state", 1, _MAX_SEED)))

    def min_trades(self, n: int) -> Self:
        """Set ``--min-trades``.

        Args:
            n: 1 to 1,000,000 (Freqtrade's command line refuses 0; see the module notes).

        Returns:
            The builder.

        Raises:
            ValidationError: If out of range or not an integer.
        """
        return self._set("min_trades", str(_check_int(n, "min_trades", 1, _MAX_MIN_TRADES)))

    def max_open_trades(self, n: int) -> Self:
        """Set ``--max-open-trades``.

        Args:
            n: ``-1`` (unlimited) or at least 1.

        Returns:
            The builder.

        Raises:
            ValidationError: If out of range or not an integer.
        """
        return self._set("max_open_trades", str(_check_count(n, "max_open_trades", None)))

    def stake_amount(self, amount: float | str) -> Self:
        """Set ``--stake-amount``.

        Args:
            amount: A positive finite number, or ``"unlimited"``.

        Returns:
            The builder.

        Raises:
            ValidationError: For anything else.
        """
        return self._set("stake_amount", _check_stake(amount))

    def verbosity(self, level: int) -> Self:
        """Set the verbosity: ``-v`` repeated ``level`` times (0 emits nothing).

        Args:
            level: 0-3.

        Returns:
            The builder.

        Raises:
            ValidationError: If out of range or not an integer.
        """
        return self._set("verbosity", *["-v"] * _check_int(level, "verbosity", 0, _MAX_VERBOSITY))

    # ------------------------------------------------------------------ flags

    def disable_param_export(self) -> Self:
        """Set ``--disable-param-export`` (hyperopt writes no ``<Strategy>.json``).

        Returns:
            The builder.
        """
        return self._set("disable_param_export")

    def print_json(self) -> Self:
        """Set ``--print-json``.

        Returns:
            The builder.
        """
        return self._set("print_json")

    def print_all(self) -> Self:
        """Set ``--print-all``.

        Returns:
            The builder.
        """
        return self._set("print_all")

    def no_color(self) -> Self:
        """Set ``--no-color``.

        Returns:
            The builder.
        """
        return self._set("no_color")

    # ------------------------------------------------------------------ result

    def build(self) -> list[str]:
        """Return the argument list, without the executable.

        Returns:
            ``[command, *options]`` in a fixed order, e.g.
            ``["backtesting", "--config", "/abs/cfg.json", ...]``.

        Raises:
            ValidationError: If no command was chosen (``field="command"``).
        """
        command = self._command
        if command is None:
            raise ValidationError(
                "invalid command: choose one (backtesting(), hyperopt()...) before build()",
                field="command",
            )
        argv = [command]
        for name, option in _OPTIONS.items():
            values = self._values.get(name)
            if values is None:
                continue
            flag = _FLAG_OVERRIDES.get((name, command), option.flag)
            if name == "verbosity":
                argv.extend(values)
            elif not values:
                argv.append(flag)
            elif len(values) == 1 and values[0].startswith("-"):
                argv.append(f"{flag}={values[0]}")
            else:
                argv.extend([flag, *values])
        return argv

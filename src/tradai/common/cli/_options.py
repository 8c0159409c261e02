"""Command-line parsing helpers: multi-value options and errors named after options.

* ``--pairs BTC/USDT ETH/USDT`` takes every following word up to the next option
  (:func:`expand_multi_values` rewrites it to the repeated form Click understands, for
  every option declared ``multiple``); commas also separate values (:func:`split_values`).
* :func:`option_error` turns a pydantic validation error of an entity built from the
  options into the library's :class:`~tradai.common.exceptions.ValidationError` whose
  ``field`` is the command-line option (``--pairs``), with a short message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typer.core import TyperCommand, TyperOption

from tradai.common.exceptions import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import pydantic
    from typer import _click

__all__ = [
    "ENTITY_OPTIONS",
    "GreedyListCommand",
    "expand_multi_values",
    "option_error",
    "split_values",
]

#: Entity field -> command-line option, for error messages.
ENTITY_OPTIONS: Mapping[str, str] = {
    "strategy": "--strategy",
    "timeframe": "--timeframe",
    "start_date": "--start",
    "end_date": "--end",
    "symbols": "--pairs",
    "pairs": "--pairs",
    "symbol": "--pairs",
    "stoploss": "--stoploss",
    "stake_amount": "--stake-amount",
    "exchange": "--exchange",
    "epochs": "--epochs",
    "spaces": "--spaces",
    "loss_function": "--loss",
    "seed": "--seed",
    "min_trades": "--min-trades",
    "volatility": "--volatility",
    "start": "--start",
    "end": "--end",
}


def split_values(values: Iterable[str]) -> list[str]:
    """Split comma-separated values and drop empty ones.

    Args:
        values: The values as parsed (``["BTC/USDT,ETH/USDT", "SOL/USDT"]``).

    Returns:
        One value per item.

    Example:
        >>> split_values(["BTC/USDT,ETH/USDT", "SOL/USDT", ""])
        ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']
    """
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def expand_multi_values(args: list[str], options: Iterable[str]) -> list[str]:
    """Rewrite ``--opt a b`` as ``--opt a --opt b`` for each option in ``options``.

    A value list ends at the next word starting with ``-`` or at ``--``.

    Args:
        args: The command's arguments.
        options: The names of the multi-value options (``{"--pairs", "-p"}``).

    Returns:
        The rewritten arguments.

    Example:
        >>> expand_multi_values(["--pairs", "A/B", "C/D", "--end", "x"], {"--pairs"})
        ['--pairs', 'A/B', '--pairs', 'C/D', '--end', 'x']
    """
    names = set(options)
    out: list[str] = []
    current: str | None = None
    for index, word in enumerate(args):
        if word == "--":
            return [*out, *args[index:]]
        if word.startswith("-"):
            current = word if word in names else None
            out.append(word)
        elif current is not None and out[-1] != current:
            out.extend((current, word))
        else:
            out.append(word)
    return out


class GreedyListCommand(TyperCommand):
    """A command whose ``multiple`` options take several words (``--pairs A B``)."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        """Expand multi-value options, then parse as usual.

        Args:
            ctx: The Click context.
            args: The raw arguments.

        Returns:
            The arguments left over.
        """
        multi = [
            name
            for param in self.params
            if isinstance(param, TyperOption) and param.multiple
            for name in param.opts
        ]
        return super().parse_args(ctx, expand_multi_values(args, multi))


def option_error(
    exc: pydantic.ValidationError, *, options: Mapping[str, str] = ENTITY_OPTIONS
) -> ValidationError:
    """Translate an entity's validation error into one naming the command-line option.

    Args:
        exc: The pydantic error.
        options: Entity field -> option name.

    Returns:
        A library ``ValidationError`` whose ``field`` is the option of the first error
        (``"--start/--end"`` for a model-level date-range error).
    """
    error: Mapping[str, Any] = exc.errors(include_url=False)[0]
    loc = [part for part in error.get("loc", ()) if isinstance(part, str)]
    field = options.get(loc[0], f"--{loc[0].replace('_', '-')}") if loc else "--start/--end"
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if error.get("type") == "string_pattern_mismatch":
        message = "has an invalid format"
    value = error.get("input")
    shown = f" {value!r:.60}" if isinstance(value, str | int | float) and loc else ""
    return ValidationError(f"invalid {field}{shown}: {message}", field=field)

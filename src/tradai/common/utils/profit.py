"""Trade profit with Freqtrade's semantics (``Trade.calc_profit`` / ``calc_profit_ratio``).

Fees are charged on both sides, each on that side's traded value::

    open_fee  = amount * open_rate  * fee_open
    close_fee = amount * close_rate * fee_close

    long:   open_value  = amount * open_rate  + open_fee
            close_value = amount * close_rate - close_fee
            profit_abs  = close_value - open_value
    short:  open_value  = amount * open_rate  - open_fee
            close_value = amount * close_rate + close_fee
            profit_abs  = open_value - close_value

    profit_ratio = profit_abs / (open_value / leverage)     # both directions

``open_value / leverage`` is the stake actually put up, so the ratio is the return on
the stake: with 3x leverage a 1 % price move is about a 3 % ratio. For a short this
equals Freqtrade's ``(1 - close_value / open_value) * leverage``; for a long,
``(close_value / open_value - 1) * leverage``. ``amount`` is the full (leveraged)
position size, as in Freqtrade.

Decisions where the specification is silent:

* The arithmetic runs in :class:`~decimal.Decimal` (inputs converted with
  :func:`~tradai.common.utils.decimal.safe_decimal`, so ``0.1`` is exactly 0.1), and the
  float results are rounded to 8 decimal places, as Freqtrade does.
* Funding fees and margin interest are not modelled (spot and simple futures trades).
* ``is_short`` and ``leverage`` are keyword-only, so a bare ``True`` cannot be passed by
  position by mistake.
* Invalid input raises :class:`~tradai.common.exceptions.ValidationError` naming the
  argument: non-positive rates or amount, a fee outside ``[0, 1)``, a leverage below 1,
  a non-boolean ``is_short``.

Example:
    >>> calc_profit_abs(100, 110, 1, 0.001, 0.001)
    9.79
    >>> calc_profit_ratio(100, 110, 1, 0.001, 0.001)
    0.0978022
    >>> profit_pct(0.0978022)
    9.78
"""

from __future__ import annotations

import contextlib
import decimal as _decimal
import math
from decimal import Decimal

from tradai.common.exceptions import ValidationError
from tradai.common.utils.decimal import safe_decimal

__all__ = [
    "calc_profit_abs",
    "calc_profit_pct",
    "calc_profit_ratio",
    "profit_pct",
]

_EIGHT_PLACES = Decimal("1E-8")
_CONTEXT = _decimal.Context(prec=100, rounding=_decimal.ROUND_HALF_EVEN)

_Number = Decimal | int | float | str


def _positive(value: _Number, field: str) -> Decimal:
    number = safe_decimal(value, field=field)
    if number <= 0:
        raise ValidationError(f"{field} must be greater than zero", field=field, value=value)
    return number


def _fee(value: _Number, field: str) -> Decimal:
    number = safe_decimal(value, field=field)
    if not 0 <= number < 1:
        raise ValidationError(
            f"{field} must be a fraction in [0, 1), e.g. 0.001 for 0.1 %", field=field, value=value
        )
    return number


def _profit(
    open_rate: _Number,
    close_rate: _Number,
    amount: _Number,
    fee_open: _Number,
    fee_close: _Number,
    *,
    is_short: bool,
    leverage: _Number,
) -> tuple[Decimal, Decimal]:
    """Return ``(profit_abs, profit_ratio)`` unrounded (private; callers name them)."""
    opened, closed = _positive(open_rate, "open_rate"), _positive(close_rate, "close_rate")
    size = _positive(amount, "amount")
    open_fee_rate, close_fee_rate = _fee(fee_open, "fee_open"), _fee(fee_close, "fee_close")
    lev = safe_decimal(leverage, field="leverage")
    if lev < 1:
        raise ValidationError("leverage must be at least 1", field="leverage", value=leverage)
    if not isinstance(is_short, bool):
        raise ValidationError("is_short must be a boolean", field="is_short", value=is_short)
    with _decimal.localcontext(_CONTEXT):
        open_trade, close_trade = size * opened, size * closed
        open_fee, close_fee = open_trade * open_fee_rate, close_trade * close_fee_rate
        if is_short:
            open_value = open_trade - open_fee
            profit_abs = open_value - (close_trade + close_fee)
        else:
            open_value = open_trade + open_fee
            profit_abs = (close_trade - close_fee) - open_value
        return profit_abs, profit_abs * lev / open_value


def _to_float(value: Decimal, step: Decimal = _EIGHT_PLACES) -> float:
    # More integer digits than the context holds means there is nothing left to round.
    with contextlib.suppress(_decimal.InvalidOperation):
        value = value.quantize(step, context=_CONTEXT)
    result = float(value)
    if not math.isfinite(result):
        raise ValidationError("the result is too large for a float", field="result")
    return result


def calc_profit_abs(
    open_rate: _Number,
    close_rate: _Number,
    amount: _Number,
    fee_open: _Number,
    fee_close: _Number,
    *,
    is_short: bool = False,
    leverage: _Number = 1.0,
) -> float:
    """Return a trade's absolute profit in the stake currency, after both fees.

    Args:
        open_rate: Entry price (> 0).
        close_rate: Exit price (> 0).
        amount: Position size in the base currency, leverage included (> 0).
        fee_open: Entry fee as a fraction in ``[0, 1)``.
        fee_close: Exit fee as a fraction in ``[0, 1)``.
        is_short: Whether the trade is a short.
        leverage: Leverage (>= 1); it does not change the absolute profit.

    Returns:
        ``close_value - open_value`` (long) or ``open_value - close_value`` (short),
        rounded to 8 decimal places.

    Raises:
        ValidationError: For an invalid argument, naming it.

    Example:
        >>> calc_profit_abs(100, 90, 2, 0, 0, is_short=True)
        20.0
    """
    profit_abs, _ = _profit(
        open_rate, close_rate, amount, fee_open, fee_close, is_short=is_short, leverage=leverage
    )
    return _to_float(profit_abs)


def calc_profit_ratio(
    open_rate: _Number,
    close_rate: _Number,
    amount: _Number,
    fee_open: _Number,
    fee_close: _Number,
    *,
    is_short: bool = False,
    leverage: _Number = 1.0,
) -> float:
    """Return a trade's profit as a ratio of the stake (``open_value / leverage``).

    Args:
        open_rate: Entry price (> 0).
        close_rate: Exit price (> 0).
        amount: Position size in the base currency, leverage included (> 0).
        fee_open: Entry fee as a fraction in ``[0, 1)``.
        fee_close: Exit fee as a fraction in ``[0, 1)``.
        is_short: Whether the trade is a short.
        leverage: Leverage (>= 1).

    Returns:
        ``profit_abs / (open_value / leverage)``, rounded to 8 decimal places
        (``0.05`` is a 5 % gain).

    Raises:
        ValidationError: For an invalid argument, naming it.

    Example:
        >>> calc_profit_ratio(100, 101, 3, 0, 0, leverage=3)
        0.03
    """
    _, ratio = _profit(
        open_rate, close_rate, amount, fee_open, fee_close, is_short=is_short, leverage=leverage
    )
    return _to_float(ratio)


def profit_pct(ratio: _Number, ndigits: int = 2) -> float:
    """Convert a profit ratio into a percentage, rounded like Freqtrade's ``profit_pct``.

    Args:
        ratio: The profit ratio (``0.0512`` for 5.12 %).
        ndigits: Decimal places to keep (half to even), at least 0.

    Returns:
        ``ratio * 100`` rounded to ``ndigits``.

    Raises:
        ValidationError: If ``ratio`` is not a finite number or ``ndigits`` is negative.

    Example:
        >>> profit_pct(-0.012345, ndigits=3)
        -1.234
    """
    if isinstance(ndigits, bool) or not isinstance(ndigits, int) or not 0 <= ndigits <= 100:
        raise ValidationError(
            "ndigits must be an int from 0 to 100", field="ndigits", value=ndigits
        )
    percent = safe_decimal(ratio, field="ratio").scaleb(2, context=_CONTEXT)
    return _to_float(percent, Decimal(1).scaleb(-ndigits))


def calc_profit_pct(
    open_rate: _Number,
    close_rate: _Number,
    amount: _Number,
    fee_open: _Number,
    fee_close: _Number,
    *,
    is_short: bool = False,
    leverage: _Number = 1.0,
) -> float:
    """Return a trade's profit as a percentage of the stake, to 2 decimal places.

    Args:
        open_rate: Entry price (> 0).
        close_rate: Exit price (> 0).
        amount: Position size in the base currency, leverage included (> 0).
        fee_open: Entry fee as a fraction in ``[0, 1)``.
        fee_close: Exit fee as a fraction in ``[0, 1)``.
        is_short: Whether the trade is a short.
        leverage: Leverage (>= 1).

    Returns:
        ``profit_pct(calc_profit_ratio(...))``.

    Raises:
        ValidationError: For an invalid argument, naming it.

    Example:
        >>> calc_profit_pct(100, 95, 1, 0, 0, is_short=True, leverage=2)
        10.0
    """
    return profit_pct(
        calc_profit_ratio(
            open_rate, close_rate, amount, fee_open, fee_close, is_short=is_short, leverage=leverage
        )
    )

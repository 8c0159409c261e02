"""Exchange-style decimal precision, in the manner of ccxt's ``decimal_to_precision``.

Prices and amounts are rounded onto the grid an exchange accepts, entirely in
:class:`~decimal.Decimal` arithmetic: floats are converted through their shortest
``repr`` (``0.1`` becomes ``Decimal("0.1")``, not ``0.1000000000000000055...``) and no
step ever goes through binary floating point. Every operation runs in a local context
whose precision is large enough to be exact and that traps ``Inexact``, so a result is
never silently rounded by the context.

Rounding modes (:class:`RoundingMode`):

* ``TRUNCATE`` — towards zero (never increases the magnitude); what ccxt uses for amounts.
* ``ROUND`` — to the nearest step, halves away from zero (``decimal.ROUND_HALF_UP``, as
  ccxt's ``ROUND``); what ccxt uses for prices.
* ``ROUND_UP`` — away from zero (never decreases the magnitude).

Counting modes (:class:`CountingMode`) say what ``precision`` means:

* ``DECIMAL_PLACES`` — an ``int`` number of digits after the point (negative rounds to
  tens, hundreds...).
* ``SIGNIFICANT_DIGITS`` — an ``int`` >= 1 number of significant digits.
* ``TICK_SIZE`` — a positive step (``"0.01"``, ``Decimal("0.5")``, ``0.001``).

Decisions where the specification is silent:

* Results are :class:`~decimal.Decimal` with the exponent of the grid step (so
  ``to_precision("1.5", 2)`` is ``Decimal("1.50")``), never in exponent notation for
  integral steps, and never negative zero.
* Inputs may be ``Decimal``, ``int``, ``float`` or a plain decimal string; booleans, NaN,
  infinities, strings with spaces, underscores or non-ASCII digits, and magnitudes beyond
  ``1e±1000`` are refused with :class:`~tradai.common.exceptions.ValidationError`.
* :func:`amount_to_precision` and :func:`price_to_precision` take a positive value and
  refuse a result of zero (the value is below one step), as ccxt's ``InvalidOrder`` does;
  they default to ``TICK_SIZE``, the mode every ccxt 4 market uses.

Example:
    >>> to_precision("1.23456", 2)
    Decimal('1.23')
    >>> round_to_tick(0.1 + 0.2, "0.1")
    Decimal('0.3')
    >>> amount_to_precision("0.123456", "0.001")
    Decimal('0.123')
"""

from __future__ import annotations

import decimal as _decimal
import math
import re
from decimal import Decimal
from enum import Enum

from tradai.common.exceptions import ValidationError

__all__ = [
    "DECIMAL_PLACES",
    "ROUND",
    "ROUND_UP",
    "SIGNIFICANT_DIGITS",
    "TICK_SIZE",
    "TRUNCATE",
    "CountingMode",
    "RoundingMode",
    "amount_to_precision",
    "decimal_places",
    "price_to_precision",
    "round_to_tick",
    "safe_decimal",
    "to_precision",
]

_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_ADJUSTED = 1000


class RoundingMode(str, Enum):
    """How a value between two grid steps is rounded."""

    TRUNCATE = "truncate"
    ROUND = "round"
    ROUND_UP = "round_up"


class CountingMode(str, Enum):
    """What the ``precision`` argument counts."""

    DECIMAL_PLACES = "decimal_places"
    SIGNIFICANT_DIGITS = "significant_digits"
    TICK_SIZE = "tick_size"


TRUNCATE = RoundingMode.TRUNCATE
ROUND = RoundingMode.ROUND
ROUND_UP = RoundingMode.ROUND_UP
DECIMAL_PLACES = CountingMode.DECIMAL_PLACES
SIGNIFICANT_DIGITS = CountingMode.SIGNIFICANT_DIGITS
TICK_SIZE = CountingMode.TICK_SIZE

_Number = Decimal | int | float | str


def _fail(message: str, field: str, value: object) -> ValidationError:
    return ValidationError(message, field=field, value=value)


def _checked(number: Decimal, field: str, value: object) -> Decimal:
    if not number.is_finite():
        raise _fail(f"{field} {value!r} is not a finite number", field, value)
    if number.is_zero():
        return Decimal(0)
    if abs(number.adjusted()) > _MAX_ADJUSTED:
        raise _fail(f"{field} {value!r} is out of the supported range (1e±1000)", field, value)
    return number


def safe_decimal(value: _Number, *, field: str = "value") -> Decimal:
    """Convert a number to :class:`~decimal.Decimal` without binary-float artefacts.

    Args:
        value: A ``Decimal``, ``int``, ``float`` (converted through ``repr``, so ``0.1``
            gives ``Decimal("0.1")``) or a plain decimal string such as ``"-1.5e-3"``.
        field: The argument name to report in errors.

    Returns:
        The finite Decimal (zero is returned as ``Decimal(0)``).

    Raises:
        ValidationError: For booleans, other types, NaN, infinities, malformed strings
            and magnitudes beyond ``1e±1000``.

    Example:
        >>> safe_decimal(0.1)
        Decimal('0.1')
    """
    if isinstance(value, bool):
        raise _fail(f"{field} must be a number, not a boolean", field, value)
    if isinstance(value, Decimal):
        return _checked(value, field, value)
    if isinstance(value, int):
        return _checked(Decimal(value), field, value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(f"{field} {value!r} is not a finite number", field, value)
        return _checked(Decimal(repr(value)), field, value)
    if isinstance(value, str):
        if not value.isascii() or _NUMBER_RE.fullmatch(value) is None:
            raise _fail(f"{field} {value[:40]!r} is not a decimal number", field, value)
        return _checked(Decimal(value), field, value)
    raise _fail(f"{field} must be a number, got {type(value).__name__}", field, value)


def _exponent(number: Decimal) -> int:
    # ``adjusted()`` is always an int, unlike ``as_tuple().exponent``.
    return number.adjusted() - len(number.as_tuple().digits) + 1


def _normalized_exponent(number: Decimal) -> int:
    digits = "".join(map(str, number.as_tuple().digits))
    return _exponent(number) + len(digits) - len(digits.rstrip("0"))


def decimal_places(tick: _Number) -> int:
    """Return how many digits after the point a tick size has.

    Args:
        tick: A positive step such as ``"0.001"``, ``Decimal("0.50")`` or ``10``.

    Returns:
        The number of decimal places (trailing zeros ignored; ``0`` for integral steps).

    Raises:
        ValidationError: If ``tick`` is not a positive number.

    Example:
        >>> decimal_places("0.0010"), decimal_places(5)
        (3, 0)
    """
    step = _positive(tick, "tick")
    return max(0, -_normalized_exponent(step))


def _positive(value: _Number, field: str) -> Decimal:
    number = safe_decimal(value, field=field)
    if number <= 0:
        raise _fail(f"{field} {value!r} must be greater than zero", field, value)
    return number


def _int_precision(precision: object, minimum: int) -> int:
    if isinstance(precision, bool) or not isinstance(precision, int):
        raise _fail(
            f"precision must be an int for this counting mode, got {type(precision).__name__}",
            "precision",
            precision,
        )
    if not minimum <= precision <= _MAX_ADJUSTED:
        raise _fail(
            f"precision {precision!r} must be between {minimum} and {_MAX_ADJUSTED}",
            "precision",
            precision,
        )
    return precision


def _step(number: Decimal, precision: _Number, counting: CountingMode) -> Decimal:
    if counting is CountingMode.TICK_SIZE:
        return _positive(precision, "precision")
    if counting is CountingMode.DECIMAL_PLACES:
        return Decimal(1).scaleb(-_int_precision(precision, -_MAX_ADJUSTED))
    digits = _int_precision(precision, 1)
    adjusted = number.adjusted() if number else 0
    return Decimal(1).scaleb(adjusted - digits + 1)


def _rounding_mode(value: RoundingMode | str) -> RoundingMode:
    try:
        return RoundingMode(value)
    except ValueError:
        allowed = ", ".join(mode.value for mode in RoundingMode)
        raise _fail(f"rounding {value!r} is not one of: {allowed}", "rounding", value) from None


def _counting_mode(value: CountingMode | str) -> CountingMode:
    try:
        return CountingMode(value)
    except ValueError:
        allowed = ", ".join(mode.value for mode in CountingMode)
        raise _fail(f"counting {value!r} is not one of: {allowed}", "counting", value) from None


def _exact_context(number: Decimal, step: Decimal) -> _decimal.Context:
    high = max(number.adjusted(), step.adjusted()) + 2
    low = min(_exponent(number), _exponent(step))
    return _decimal.Context(
        prec=max(high - low + 2, 28),
        Emax=_decimal.MAX_EMAX,
        Emin=_decimal.MIN_EMIN,
        traps=[_decimal.Inexact, _decimal.InvalidOperation, _decimal.DivisionByZero],
    )


def _round_to_step(number: Decimal, step: Decimal, rounding: RoundingMode) -> Decimal:
    with _decimal.localcontext(_exact_context(number, step)):
        remainder = number % step  # sign of ``number``: truncated division
        toward_zero = number - remainder
        away = toward_zero + step.copy_sign(number)
        if not remainder or rounding is RoundingMode.TRUNCATE:
            result = toward_zero
        elif rounding is RoundingMode.ROUND_UP:
            result = away
        else:
            result = away if 2 * abs(remainder) >= step else toward_zero
        result = result.quantize(Decimal(1).scaleb(min(_normalized_exponent(step), 0)))
    return result.copy_abs() if result.is_zero() else result


def to_precision(
    value: _Number,
    precision: _Number,
    *,
    rounding: RoundingMode | str = RoundingMode.ROUND,
    counting: CountingMode | str = CountingMode.DECIMAL_PLACES,
) -> Decimal:
    """Round ``value`` onto a precision grid (ccxt's ``decimal_to_precision``).

    Args:
        value: The number to round.
        precision: Decimal places (``int``), significant digits (``int`` >= 1) or a tick
            size (positive number), according to ``counting``.
        rounding: ``TRUNCATE``, ``ROUND`` (half away from zero) or ``ROUND_UP``.
        counting: ``DECIMAL_PLACES``, ``SIGNIFICANT_DIGITS`` or ``TICK_SIZE``.

    Returns:
        The rounded value, a multiple of the grid step.

    Raises:
        ValidationError: If ``value`` or ``precision`` is not acceptable, or a mode is
            unknown.

    Example:
        >>> to_precision("0.000123456", 3, counting=SIGNIFICANT_DIGITS)
        Decimal('0.000123')
        >>> to_precision("-1.005", 2, rounding=ROUND)
        Decimal('-1.01')
        >>> to_precision("1.001", "0.5", rounding=ROUND_UP, counting=TICK_SIZE)
        Decimal('1.5')
    """
    mode = _rounding_mode(rounding)
    count = _counting_mode(counting)
    number = safe_decimal(value)
    return _round_to_step(number, _step(number, precision, count), mode)


def round_to_tick(
    value: _Number, tick: _Number, *, rounding: RoundingMode | str = RoundingMode.ROUND
) -> Decimal:
    """Round ``value`` to a multiple of ``tick``.

    Args:
        value: The number to round.
        tick: The positive step.
        rounding: ``TRUNCATE``, ``ROUND`` (default; half away from zero) or ``ROUND_UP``.

    Returns:
        A multiple of ``tick``.

    Raises:
        ValidationError: If ``value`` or ``tick`` is not acceptable.

    Example:
        >>> round_to_tick("101.37", "0.25", rounding=TRUNCATE)
        Decimal('101.25')
    """
    step = _positive(tick, "tick")
    return to_precision(value, step, rounding=rounding, counting=CountingMode.TICK_SIZE)


def _order_value(
    value: _Number,
    precision: _Number,
    counting: CountingMode | str,
    rounding: RoundingMode,
    field: str,
) -> Decimal:
    number = _positive(value, field)
    result = to_precision(number, precision, rounding=rounding, counting=counting)
    if not result:
        raise _fail(
            f"{field} {value!r} is below the smallest step allowed by precision {precision!r}",
            field,
            value,
        )
    return result


def amount_to_precision(
    amount: _Number, precision: _Number, *, counting: CountingMode | str = CountingMode.TICK_SIZE
) -> Decimal:
    """Truncate an order amount to the market's precision (never buys more than asked).

    Args:
        amount: The positive amount.
        precision: The market's amount precision (a step size by default).
        counting: How ``precision`` is counted (default ``TICK_SIZE``).

    Returns:
        The truncated amount, positive.

    Raises:
        ValidationError: If ``amount`` is not positive, ``precision`` is not acceptable,
            or the amount truncates to zero.

    Example:
        >>> amount_to_precision(0.0199, 2, counting=DECIMAL_PLACES)
        Decimal('0.01')
    """
    return _order_value(amount, precision, counting, RoundingMode.TRUNCATE, "amount")


def price_to_precision(
    price: _Number, precision: _Number, *, counting: CountingMode | str = CountingMode.TICK_SIZE
) -> Decimal:
    """Round a price to the market's precision (nearest step, halves away from zero).

    Args:
        price: The positive price.
        precision: The market's price precision (a tick size by default).
        counting: How ``precision`` is counted (default ``TICK_SIZE``).

    Returns:
        The rounded price, positive.

    Raises:
        ValidationError: If ``price`` is not positive, ``precision`` is not acceptable, or
            the price rounds to zero.

    Example:
        >>> price_to_precision("27123.456", "0.1")
        Decimal('27123.5')
    """
    return _order_value(price, precision, counting, RoundingMode.ROUND, "price")

"""DynamoDB numbers: the exact text boto3 writes and the values ``from_dynamodb_value`` reads.

DynamoDB holds numbers of at most 38 significant digits. Encoding reproduces
``str(DYNAMODB_CONTEXT.create_decimal(to_dynamodb_value(x)))`` (the text boto3's
``TypeSerializer`` sends); decoding reproduces ``from_dynamodb_value`` over boto3's
``TypeDeserializer`` (``int`` when integral, else ``float``), with fast paths for the
common shapes and the exact :class:`~decimal.Decimal` path for everything else.
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from typing import Final

from tradai.common.exceptions import ValidationError

__all__ = [
    "MAX_EXACT",
    "NUMBER_CONTEXT",
    "decimal_text",
    "decode_number",
    "float_decimal",
    "float_text",
    "int_text",
    "raw_number",
    "refuse",
]

#: The context boto3 uses for DynamoDB numbers: 38 digits, and inexact values refused.
NUMBER_CONTEXT: Final = decimal.Context(
    prec=38,
    Emin=-128,
    Emax=126,
    traps=[decimal.Clamped, decimal.Overflow, decimal.Inexact, decimal.Rounded, decimal.Underflow],
)
#: Integers at or beyond this magnitude cannot be stored exactly.
MAX_EXACT: Final = 10**38


def refuse(value: object, why: str) -> ValidationError:
    """The error for a value DynamoDB cannot store (names its type, never the value)."""
    return ValidationError(f"DynamoDB cannot store {why}", value=type(value).__name__)


def int_text(value: int) -> str:
    """The ``N`` text of an integer (at most 38 digits)."""
    if -MAX_EXACT < value < MAX_EXACT:
        return str(value)
    raise refuse(value, "an integer of more than 38 digits")


def decimal_text(value: Decimal) -> str:
    """The ``N`` text of a Decimal, as boto3's context writes it."""
    if not value.is_finite():
        raise refuse(value, "a non-finite number")
    try:
        return str(NUMBER_CONTEXT.create_decimal(value))
    except decimal.DecimalException:
        raise refuse(value, "a number beyond 38 digits or its exponent range") from None


def _exponent_text(text: str) -> str:
    """``str(Decimal(text))`` for a float ``repr`` in exponent form (``1.5e-07``)."""
    sign, body = ("-", text[1:]) if text[0] == "-" else ("", text)
    mantissa, _, exp = body.partition("e")
    adjusted = int(exp)  # repr writes one digit before the point
    digits = mantissa.replace(".", "")
    if not -120 <= adjusted <= 120:  # near DynamoDB's limits: let the context decide
        return decimal_text(Decimal(text))
    if -6 <= adjusted < 0:
        return f"{sign}0.{'0' * (-adjusted - 1)}{digits}"
    fraction = f".{digits[1:]}" if len(digits) > 1 else ""
    return f"{sign}{digits[0]}{fraction}E{'+' if adjusted > 0 else ''}{adjusted}"


def float_text(value: float) -> str:
    """Return the ``N`` text of a float as ``TypeSerializer(to_dynamodb_value(value))`` would.

    Args:
        value: A finite float.

    Returns:
        The shortest decimal that reads back as the same float, in Decimal's notation.

    Raises:
        ValidationError: For NaN, infinities and values beyond DynamoDB's range.

    Example:
        >>> float_text(0.1), float_text(2.0), float_text(1.5e-07), float_text(1e-05)
        ('0.1', '2', '1.5E-7', '0.00001')
    """
    if value.is_integer() and -MAX_EXACT < value < MAX_EXACT:
        return str(int(value))  # exact, even past 2**53 where repr() is not
    if not math.isfinite(value):
        raise refuse(value, "a non-finite number")
    text = repr(value)
    return _exponent_text(text) if "e" in text else text


def decode_number(text: str) -> int | float:
    """Decode a DynamoDB number string as ``from_dynamodb_value`` would.

    Args:
        text: The ``N`` payload (``"12"``, ``"0.5"``, ``"1E+40"``).

    Returns:
        An ``int`` when the number is integral and below 10**38, else a ``float``.

    Raises:
        ValidationError: If ``text`` is not a finite number of at most 38 digits.

    Example:
        >>> decode_number("12"), decode_number("0.5"), decode_number("1.0")
        (12, 0.5, 1)
    """
    if text.isdecimal():
        if len(text) <= 38:
            return int(text)
    elif text[:1] == "-" and text[1:].isdecimal():
        if len(text) <= 39:
            return int(text)
    else:
        # A short value well inside DynamoDB's range is exact in its context, and one
        # that is not integral as a float is not integral as a decimal either.
        try:
            quick = float(text)
        except ValueError:
            quick = 0.0
        if len(text) <= 38 and 1e-120 < abs(quick) < 1e120 and not quick.is_integer():
            return quick
    exact = raw_number(text)
    if -MAX_EXACT < exact < MAX_EXACT and exact == exact.to_integral_value():
        return int(exact)
    return float(exact)


def raw_number(text: object) -> Decimal:
    """Parse an ``N`` text as boto3's ``TypeDeserializer`` does (``ValidationError`` if bad)."""
    try:
        value = NUMBER_CONTEXT.create_decimal(text)  # type: ignore[arg-type]  # checked below
    except (decimal.DecimalException, TypeError, ValueError):
        raise ValidationError("malformed DynamoDB number", value=str(text)[:40]) from None
    if not value.is_finite():
        raise ValidationError("malformed DynamoDB number", value=str(text)[:40])
    return value


def float_decimal(value: float) -> Decimal:
    """The Decimal ``to_dynamodb_value`` makes of a float."""
    if not math.isfinite(value):
        raise refuse(value, "a non-finite number")
    if value.is_integer() and -MAX_EXACT < value < MAX_EXACT:
        return Decimal(int(value))
    return Decimal(repr(value))

"""Evaluate the subset of DynamoDB condition expressions the in-memory twin understands.

:func:`parse_condition` accepts exactly these forms, and refuses anything else with
:class:`~tradai.common.exceptions.ValidationError` (so a test against the twin never
silently passes a condition the twin could not check):

* ``attribute_exists(p)`` and ``attribute_not_exists(p)``;
* ``begins_with(p, :v)``;
* comparisons ``p = :v``, ``p <> :v``, ``p < :v``, ``p <= :v``, ``p > :v``, ``p >= :v``;
* any of those joined with ``AND`` (no ``OR``, ``NOT``, ``BETWEEN``, ``IN``, ``size``,
  parentheses or nested paths);

where ``p`` is a top-level attribute name or a ``#placeholder``. As in DynamoDB, a
comparison with a missing attribute is false except ``<>``, which is true; values of
different types are never equal, and only strings, numbers and binary are ordered.
DynamoDB's reserved words are not checked: use ``#placeholders`` for names, which works
everywhere. Sort-key conditions (:class:`~tradai.common.aws.dynamodb.expressions.
KeyCondition`) are evaluated by :func:`key_condition_matches`.

Example:
    >>> cond = parse_condition("#s = :s AND attribute_exists(pk)",
    ...                        {"#s": "status"}, {":s": "DONE"})
    >>> cond.evaluate({"pk": "a", "status": "DONE"}), cond.evaluate(None)
    (True, False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from tradai.common.aws.dynamodb.expressions import COMPARISONS, check_expression
from tradai.common.exceptions import ValidationError

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import KeyCondition

__all__ = ["Condition", "compare", "key_condition_matches", "parse_condition"]

_TOKEN_RE: Final = re.compile(
    r"\s*(<>|<=|>=|=|<|>|\(|\)|,|#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*)"
)
_EXISTENCE: Final = frozenset({"attribute_exists", "attribute_not_exists"})
_MISSING: Final = object()


def _kind(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    if isinstance(value, int | Decimal):
        return "N"
    if isinstance(value, str):
        return "S"
    if isinstance(value, bytes | bytearray):
        return "B"
    return type(value).__name__


def _equal(left: Any, right: Any) -> bool:
    return _kind(left) == _kind(right) and bool(left == right)


def compare(left: Any, op: str, right: Any) -> bool:
    """Compare a stored value with an operand the way DynamoDB conditions do.

    Args:
        left: The stored value.
        op: One of ``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=``.
        right: The operand.

    Returns:
        Whether the comparison holds; values of different types never compare.

    Example:
        >>> compare("b", ">", "a"), compare(Decimal(1), "=", True), compare(1, "<>", "1")
        (True, False, True)
    """
    if op == "=":
        return _equal(left, right)
    if op == "<>":
        return not _equal(left, right)
    if _kind(left) != _kind(right) or _kind(left) not in ("S", "N", "B"):
        return False
    ordered: dict[str, bool] = {
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }
    return ordered[op]


def _begins_with(value: Any, prefix: Any) -> bool:
    if isinstance(value, str) and isinstance(prefix, str):
        return value.startswith(prefix)
    if isinstance(value, bytes | bytearray) and isinstance(prefix, bytes | bytearray):
        return bytes(value).startswith(bytes(prefix))
    return False


def key_condition_matches(condition: KeyCondition, value: Any) -> bool:
    """Whether a stored sort-key ``value`` satisfies ``condition``.

    Args:
        condition: The sort-key condition.
        value: The stored sort key.

    Returns:
        Whether it matches.

    Example:
        >>> from tradai.common.aws.dynamodb.types import KeyCondition
        >>> key_condition_matches(KeyCondition.between("sk", "a", "c"), "b")
        True
    """
    if condition.op == "begins_with":
        return _begins_with(value, condition.operands[0])
    if condition.op == "between":
        low, high = condition.operands
        return compare(value, ">=", low) and compare(value, "<=", high)
    return compare(value, condition.op, condition.operands[0])


@dataclass(frozen=True, slots=True)
class _Term:
    kind: str
    attribute: str
    operand: Any = None

    def holds(self, item: Mapping[str, Any]) -> bool:
        value = item.get(self.attribute, _MISSING)
        if self.kind in _EXISTENCE:
            return (value is _MISSING) == (self.kind == "attribute_not_exists")
        if value is _MISSING:
            return self.kind == "<>"
        if self.kind == "begins_with":
            return _begins_with(value, self.operand)
        return compare(value, self.kind, self.operand)


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed condition: terms that must all hold.

    Attributes:
        terms: The ``AND``-ed terms.
    """

    terms: tuple[_Term, ...]

    def evaluate(self, item: Mapping[str, Any] | None) -> bool:
        """Whether the condition holds for ``item``.

        Args:
            item: The stored item, or ``None`` when no item is stored.

        Returns:
            Whether every term holds.
        """
        stored = item or {}
        return all(term.holds(stored) for term in self.terms)


def _unsupported(expression: str) -> ValidationError:
    return ValidationError(
        "the in-memory table understands only attribute_exists, attribute_not_exists, "
        "begins_with and comparisons joined with AND",
        field="condition",
        context={"expression": expression[:200]},
    )


def _tokens(expression: str) -> list[str]:
    tokens: list[str] = []
    text, pos = expression.rstrip(), 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            raise _unsupported(expression)
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def _split_and(tokens: list[str], expression: str) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for token in tokens:
        if token.upper() == "AND":
            chunks.append([])
        else:
            chunks[-1].append(token)
    if any(not chunk for chunk in chunks):
        raise _unsupported(expression)
    return chunks


def _term(
    chunk: list[str], names: Mapping[str, str], values: Mapping[str, Any], expression: str
) -> _Term:
    def path(token: str) -> str:
        if token.startswith("#"):
            return names[token]
        if token[0].isalpha() or token[0] == "_":
            return token
        raise _unsupported(expression)

    match chunk:
        case [function, "(", name, ")"] if function in _EXISTENCE:
            return _Term(function, path(name))
        case ["begins_with", "(", name, ",", value, ")"] if value.startswith(":"):
            return _Term("begins_with", path(name), values[value])
        case [name, op, value] if op in COMPARISONS and value.startswith(":"):
            return _Term(op, path(name), values[value])
    raise _unsupported(expression)


def parse_condition(
    expression: str, names: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None
) -> Condition:
    """Parse a condition of the supported subset (see the module docstring).

    Args:
        expression: The condition.
        names: Its ``ExpressionAttributeNames``.
        values: Its ``ExpressionAttributeValues``.

    Returns:
        The parsed :class:`Condition`.

    Raises:
        ValidationError: If the placeholders are inconsistent or the form is unsupported.

    Example:
        >>> cond = parse_condition("attribute_exists(pk) AND #v = :v",
        ...                        {"#v": "version"}, {":v": Decimal(2)})
        >>> cond.evaluate(None), cond.evaluate({"pk": "a", "version": Decimal(2)})
        (False, True)
        >>> parse_condition("a = :x OR b = :x", values={":x": 1})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        tradai.common.exceptions.ValidationError: the in-memory table understands only ...
    """
    check_expression(expression, names, values)
    given_names, given_values = names or {}, values or {}
    chunks = _split_and(_tokens(expression), expression)
    return Condition(tuple(_term(c, given_names, given_values, expression) for c in chunks))

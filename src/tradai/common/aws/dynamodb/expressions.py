"""Safe DynamoDB expressions and the argument checks shared by every table implementation.

Every attribute name and value that the adapters put into an expression goes through
``ExpressionAttributeNames``/``ExpressionAttributeValues`` (:class:`Placeholders`), so a
value holding ``#``, ``:``, quotes or words like ``AND`` is only ever data. Conditions and
filters written by callers are checked before any call (:func:`check_expression`): every
placeholder they use must be given and every placeholder given must be used, which is the
rule DynamoDB itself enforces. The in-memory twin evaluates a subset of these expressions
(:mod:`tradai.common.aws.dynamodb.conditions`).

Example:
    >>> ph = Placeholders()
    >>> update_expression({"status": "DONE"}, ["error"], ph)
    'SET #n0 = :v0 REMOVE #n1'
    >>> ph.names, ph.values
    ({'#n0': 'status', '#n1': 'error'}, {':v0': 'DONE'})
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from tradai.common.aws.constants import DYNAMODB_TRANSACT_MAX_ITEMS
from tradai.common.exceptions import ValidationError

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import KeyCondition

__all__ = [
    "COMPARISONS",
    "Placeholders",
    "check_count",
    "check_expression",
    "check_key_shape",
    "check_table_name",
    "check_transaction",
    "check_version",
    "join_conditions",
    "render_key_condition",
    "update_expression",
]

_NAME_RE: Final = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_RE: Final = re.compile(r":[A-Za-z0-9_]+")
_MAX_EXPRESSION: Final = 4096
#: The comparison operators of DynamoDB conditions.
COMPARISONS: Final = frozenset({"=", "<>", "<", "<=", ">", ">="})


@cache
def _table_name_adapter() -> Any:
    from pydantic import TypeAdapter

    from tradai.common.entities.identifiers import TableName

    return TypeAdapter(TableName)


def check_table_name(name: object) -> str:
    """Validate a DynamoDB table name (3-255 of ``A-Z a-z 0-9 _ . -``).

    Args:
        name: The candidate name.

    Returns:
        The name.

    Raises:
        ValidationError: If it is not a valid table name.

    Example:
        >>> check_table_name("tradai-jobs")
        'tradai-jobs'
    """
    from pydantic import ValidationError as PydanticValidationError

    try:
        return str(_table_name_adapter().validate_python(name, strict=True))
    except PydanticValidationError:
        raise ValidationError(
            "table_name must be 3-255 characters of letters, digits, '_', '.' and '-'",
            field="table_name",
        ) from None


def _check_maps(names: Mapping[str, str] | None, values: Mapping[str, Any] | None) -> None:
    for placeholder, attribute in (names or {}).items():
        if not isinstance(placeholder, str) or not _NAME_RE.fullmatch(placeholder):
            raise ValidationError(f"bad name placeholder {placeholder!r:.40}", field="names")
        if not isinstance(attribute, str) or not attribute:
            raise ValidationError(f"{placeholder} must name an attribute", field="names")
    for placeholder in values or {}:
        if not isinstance(placeholder, str) or not _VALUE_RE.fullmatch(placeholder):
            raise ValidationError(f"bad value placeholder {placeholder!r:.40}", field="values")


def check_expression(
    expression: str | None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    *,
    field: str = "condition",
) -> None:
    """Check a caller's expression and its placeholders before any call is made.

    Args:
        expression: The condition or filter expression (``None`` when there is none).
        names: ``ExpressionAttributeNames`` for it.
        values: ``ExpressionAttributeValues`` for it.
        field: The argument name to report.

    Raises:
        ValidationError: If the expression is empty or too long, a placeholder is badly
            formed, used but not given, or given but not used.

    Example:
        >>> check_expression("attribute_not_exists(#k)", {"#k": "pk"})
        >>> check_expression("#k = :v", {"#k": "pk"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        tradai.common.exceptions.ValidationError: condition uses :v, which is not given ...
    """
    if expression is None:
        if names or values:
            raise ValidationError(f"names/values given without a {field}", field=field)
        return
    if not isinstance(expression, str) or not expression.strip():
        raise ValidationError(f"{field} must be a non-empty string", field=field)
    if len(expression) > _MAX_EXPRESSION or "\x00" in expression:
        raise ValidationError(f"{field} is too long or holds NUL", field=field)
    _check_maps(names, values)
    for pattern, given in ((_NAME_RE, names or {}), (_VALUE_RE, values or {})):
        used = set(pattern.findall(expression))
        for placeholder in sorted(used - set(given)):
            raise ValidationError(f"{field} uses {placeholder}, which is not given", field=field)
        for placeholder in sorted(set(given) - used):
            raise ValidationError(f"{field} does not use {placeholder}", field=field)


def check_count(value: int | None, field: str, minimum: int) -> None:
    """Check an optional integer argument (``page_size``, ``limit``, ``expected_version``).

    Args:
        value: The argument (``None`` passes).
        field: Its name, for the error.
        minimum: The smallest accepted value.

    Raises:
        ValidationError: If it is not an integer (``bool`` is not) ``>= minimum``.
    """
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value < minimum
    ):
        raise ValidationError(f"{field} must be an integer >= {minimum}", field=field)


def check_key_shape(key: object, field: str = "key") -> Mapping[str, Any]:
    """Check that ``key`` is a mapping of one or two attributes.

    Args:
        key: The candidate key.
        field: The argument name, for the error.

    Returns:
        The key.

    Raises:
        ValidationError: If it is not.
    """
    if not isinstance(key, Mapping) or not 1 <= len(key) <= 2:
        raise ValidationError(f"{field} must be a mapping of 1 or 2 key attributes", field=field)
    return key


def check_version(expected: int | None, attribute: str, touched: Iterable[str]) -> None:
    """Check an optimistic-locking request.

    Args:
        expected: The expected version (``None``: no check).
        attribute: The version attribute's name.
        touched: The attributes the request sets or removes itself.

    Raises:
        ValidationError: If ``expected`` is not an integer ``>= 0`` or the request also
            changes the version attribute.
    """
    check_count(expected, "expected_version", 0)
    if expected is not None and attribute in set(touched):
        raise ValidationError(
            f"{attribute!r} is managed by expected_version", field="version_attribute"
        )


def check_transaction(actions: object, token: object) -> None:
    """Check the shape of a transaction: 1-100 actions and a usable request token.

    Args:
        actions: The actions (a sequence).
        token: The ``ClientRequestToken``: 1-36 printable characters, no spaces.

    Raises:
        ValidationError: If either is unusable.
    """
    count = len(actions) if isinstance(actions, list | tuple) else 0
    if not 1 <= count <= DYNAMODB_TRANSACT_MAX_ITEMS:
        raise ValidationError(
            f"a transaction holds 1-{DYNAMODB_TRANSACT_MAX_ITEMS} actions", field="actions"
        )
    if not (isinstance(token, str) and 1 <= len(token) <= 36 and token.isprintable()) or (
        " " in token
    ):
        raise ValidationError(
            "client_request_token must be 1-36 printable characters without spaces",
            field="client_request_token",
        )


class Placeholders:
    """Allocates ``#nX``/``:vX`` placeholders that never collide with the caller's own.

    Args:
        names: The caller's ``ExpressionAttributeNames`` (kept as given).
        values: The caller's ``ExpressionAttributeValues`` (kept as given).

    Attributes:
        names: Every name placeholder so far, the caller's included.
        values: Every value placeholder so far, the caller's included.
    """

    def __init__(
        self, names: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None
    ) -> None:
        self.names: dict[str, str] = dict(names or {})
        self.values: dict[str, Any] = dict(values or {})
        self._by_attribute: dict[str, str] = {}
        self._next = 0

    def _fresh(self, prefix: str, taken: Mapping[str, Any]) -> str:
        while f"{prefix}{self._next}" in taken:
            self._next += 1
        return f"{prefix}{self._next}"

    def name(self, attribute: str) -> str:
        """Return the placeholder standing for ``attribute`` (one per attribute).

        Args:
            attribute: A top-level attribute name (any string).

        Returns:
            ``#nX``.

        Raises:
            ValidationError: If ``attribute`` is not a non-empty string.
        """
        if not isinstance(attribute, str) or not attribute:
            raise ValidationError("attribute names must be non-empty strings", field="attribute")
        placeholder = self._by_attribute.get(attribute)
        if placeholder is None:
            placeholder = self._fresh("#n", self.names)
            self.names[placeholder] = attribute
            self._by_attribute[attribute] = placeholder
        return placeholder

    def value(self, value: Any) -> str:
        """Return a new placeholder standing for ``value``.

        Args:
            value: Any storable value.

        Returns:
            ``:vX``.
        """
        placeholder = self._fresh(":v", self.values)
        self.values[placeholder] = value
        return placeholder

    def params(self) -> dict[str, Any]:
        """Return the request parameters (empty maps are left out, as DynamoDB requires)."""
        params: dict[str, Any] = {}
        if self.names:
            params["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            params["ExpressionAttributeValues"] = dict(self.values)
        return params


def join_conditions(*parts: str | None) -> str | None:
    """Join conditions with ``AND`` (``None`` parts are skipped).

    Args:
        *parts: Conditions, each already valid on its own.

    Returns:
        The joined condition, or ``None`` when every part is ``None``.

    Example:
        >>> join_conditions("attribute_exists(#n0)", None, "#n1 = :v0")
        '(attribute_exists(#n0)) AND (#n1 = :v0)'
    """
    present = [part for part in parts if part]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return " AND ".join(f"({part})" for part in present)


def update_expression(
    changes: Mapping[str, Any], remove: Iterable[str], placeholders: Placeholders
) -> str:
    """Build ``SET ... REMOVE ...`` from a dict of new values and attributes to remove.

    Args:
        changes: Top-level attribute name -> new value.
        remove: Top-level attribute names to remove.
        placeholders: Where names and values are registered.

    Returns:
        The update expression.

    Raises:
        ValidationError: If there is nothing to do or an attribute is both set and removed.
    """
    removed = list(remove)
    both = sorted(set(changes) & set(removed))
    if both:
        raise ValidationError(f"{both[0]!r} is both set and removed", field="remove")
    if not changes and not removed:
        raise ValidationError("an update needs changes or attributes to remove", field="changes")
    clauses = []
    if changes:
        sets = (f"{placeholders.name(k)} = {placeholders.value(v)}" for k, v in changes.items())
        clauses.append("SET " + ", ".join(sets))
    if removed:
        clauses.append("REMOVE " + ", ".join(placeholders.name(k) for k in removed))
    return " ".join(clauses)


def render_key_condition(condition: KeyCondition, placeholders: Placeholders) -> str:
    """Return a sort-key condition's text, registering its name and values.

    Args:
        condition: The sort-key condition.
        placeholders: Where names and values are registered.

    Returns:
        The expression text.

    Example:
        >>> from tradai.common.aws.dynamodb.types import KeyCondition
        >>> render_key_condition(KeyCondition.between("sk", "a", "m"), Placeholders())
        '#n0 BETWEEN :v0 AND :v1'
    """
    name = placeholders.name(condition.name)
    values = [placeholders.value(v) for v in condition.operands]
    if condition.op == "between":
        return f"{name} BETWEEN {values[0]} AND {values[1]}"
    if condition.op == "begins_with":
        return f"begins_with({name}, {values[0]})"
    return f"{name} {condition.op} {values[0]}"

"""A subset of MLflow's run-search language, for the in-memory twin.

Supported (what tradai's callers use; anything else raises ``ValidationError`` rather
than silently matching differently from the server):

* clauses joined by ``AND`` (any case): ``<entity>.<key> <op> <value>``;
* entities ``metrics``/``metric``, ``params``/``param``, ``tags``/``tag`` and
  ``attributes``/``attribute``/``attr``/``run`` (``status``, ``run_name``, ``run_id``,
  ``start_time``, ``end_time``); keys plain (dots allowed) or in backticks/double quotes;
* operators ``= != > >= < <=`` and, for strings, ``LIKE``/``ILIKE`` (``%`` and ``_``);
* values: single- or double-quoted strings, numbers;
* ``order_by`` entries ``<entity>.<key> [ASC|DESC]``; runs missing the key sort last;
  ties (and the default order) are by ``start_time`` descending, then ``run_id``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tradai.common.entities.mlflow import ExperimentRun
from tradai.common.exceptions import ValidationError

__all__ = ["Clause", "matches", "parse_filter", "sort_runs"]

_ENTITY = {
    "metrics": "metrics",
    "metric": "metrics",
    "params": "params",
    "param": "params",
    "tags": "tags",
    "tag": "tags",
    "attributes": "attributes",
    "attribute": "attributes",
    "attr": "attributes",
    "run": "attributes",
}
_ATTRIBUTES = frozenset({"status", "run_name", "run_id", "start_time", "end_time"})
_IDENT = r"([A-Za-z]+)\.(`[^`]+`|\"[^\"]+\"|[A-Za-z0-9_.:/-]+)|([A-Za-z_]+)"
_CLAUSE_RE = re.compile(
    rf"\s*(?:{_IDENT})\s*(!=|>=|<=|=|>|<|(?i:I?LIKE)\b)\s*"
    r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*"
)
_AND_RE = re.compile(r"\s+(?i:AND)\s+")
_ORDER_RE = re.compile(rf"\s*(?:{_IDENT})(?:\s+(?i:(ASC|DESC)))?\s*")

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True, slots=True)
class Clause:
    """One ``<entity>.<key> <op> <value>`` comparison."""

    entity: str
    key: str
    op: str
    value: str | float


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, field="filter")


def _identifier(groups: Sequence[str | None]) -> tuple[str, str]:
    prefix, key, bare = groups
    if bare is not None:
        entity, name = "attributes", bare
    else:
        entity = _ENTITY.get(str(prefix).lower(), "")
        name = str(key)
        if name[:1] in {"`", '"'}:
            name = name[1:-1]
    if not entity:
        raise _invalid(f"unknown entity {prefix!r} (metrics, params, tags, attributes)")
    if entity == "attributes" and name not in _ATTRIBUTES:
        raise _invalid(f"unsupported attribute {name!r}")
    return entity, name


def _literal(text: str) -> str | float:
    if text[:1] in {"'", '"'}:
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return float(text)


def parse_filter(filter_string: str) -> list[Clause]:
    """Parse a filter string into clauses (all must hold).

    Args:
        filter_string: The filter, ``""`` for none.

    Returns:
        The clauses.

    Raises:
        ValidationError: If the filter uses anything outside the supported subset.
    """
    clauses: list[Clause] = []
    if not filter_string.strip():
        return clauses
    for part in _split_and(filter_string):
        match = _CLAUSE_RE.fullmatch(part)
        if match is None:
            raise _invalid(f"invalid clause {part.strip()[:80]!r}")
        entity, key = _identifier(match.group(1, 2, 3))
        op, value = match.group(4).upper(), _literal(match.group(5))
        numeric = entity == "metrics" or key in {"start_time", "end_time"}
        if numeric != isinstance(value, float) or (numeric and op in {"LIKE", "ILIKE"}):
            raise _invalid(f"clause {part.strip()[:80]!r} compares incompatible types")
        clauses.append(Clause(entity, key, op, value))
    return clauses


def _split_and(text: str) -> list[str]:
    if _inside_quotes(text, len(text)):
        raise _invalid("unterminated quote in filter")
    parts: list[str] = []
    start = 0
    for match in _AND_RE.finditer(text):
        if not _inside_quotes(text, match.start()):
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def _inside_quotes(text: str, position: int) -> bool:
    quote = ""
    for index, char in enumerate(text[:position]):
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
        elif char in {"'", '"', "`"}:
            quote = char
    return bool(quote)


def _value_of(run: ExperimentRun, entity: str, key: str) -> Any:
    if entity == "attributes":
        value = getattr(run, key)
        if key in {"start_time", "end_time"} and value is not None:
            return value.timestamp() * 1000
        return value
    return getattr(run, entity).get(key)


def _like(pattern: str, value: str, *, ignore_case: bool) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


def matches(run: ExperimentRun, clauses: Sequence[Clause]) -> bool:
    """Whether a run satisfies every clause.

    Args:
        run: The run.
        clauses: Parsed clauses.

    Returns:
        ``True`` if all hold (a missing key never matches).
    """
    for clause in clauses:
        actual = _value_of(run, clause.entity, clause.key)
        if actual is None:
            return False
        if clause.op in {"LIKE", "ILIKE"}:
            if not _like(str(clause.value), str(actual), ignore_case=clause.op == "ILIKE"):
                return False
        elif not _COMPARE[clause.op](actual, clause.value):
            return False
    return True


def _parse_order(entry: str) -> tuple[str, str, bool]:
    match = _ORDER_RE.fullmatch(entry)
    if match is None:
        raise ValidationError(f"invalid order_by entry {entry[:80]!r}", field="order_by")
    entity, key = _identifier(match.group(1, 2, 3))
    return entity, key, (match.group(4) or "ASC").upper() == "DESC"


def sort_runs(runs: Sequence[ExperimentRun], order_by: Sequence[str] | None) -> list[ExperimentRun]:
    """Sort runs as the server does for the supported ``order_by`` keys.

    Args:
        runs: The runs.
        order_by: Sort keys, most significant first.

    Returns:
        The sorted runs.

    Raises:
        ValidationError: If an entry is outside the supported subset.
    """
    keys = [_parse_order(entry) for entry in order_by or ()]
    ordered = sorted(runs, key=lambda r: r.run_id)
    ordered.sort(key=lambda r: -_value_of(r, "attributes", "start_time"))
    for entity, key, descending in reversed(keys):
        present = [r for r in ordered if _value_of(r, entity, key) is not None]
        missing = [r for r in ordered if _value_of(r, entity, key) is None]
        present.sort(key=lambda r: _value_of(r, entity, key), reverse=descending)
        ordered = present + missing
    return ordered

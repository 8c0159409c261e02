"""Hypothesis: the twin's ``IN`` terms, config deduplication and id validation.

* ``InMemoryTableWithIn`` applies a write conditioned on ``#s IN (...)`` exactly when the
  stored value is one of the operands (DynamoDB's rule: a missing attribute is in nothing,
  a number never equals a string).
* ``ConfigVersionRepository.create_if_absent`` returns one version per content, whatever
  the key order, and distinct contents get distinct, consecutive numbers.
* Near-miss strategy names and config ids are refused with the library's
  ``ValidationError`` and never another exception.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.config.repository import ConfigVersionRepository
from tradai.common.exceptions import ConflictError, ValidationError
from tradai.common.repositories._membership_table import InMemoryTableWithIn

_values = st.one_of(
    st.sampled_from(["pending", "running", "completed", "1"]), st.integers(0, 3).map(Decimal)
)
_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=6)
_json = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=4), children, max_size=3)
    ),
    max_leaves=10,
)
# DynamoDB cannot store empty map keys (see test_config_version_repository).
_configs = st.dictionaries(st.text(min_size=1, max_size=6), _json, max_size=5)


@settings(max_examples=100)
@given(stored=st.none() | _values, operands=st.lists(_values, min_size=1, max_size=4))
def test_an_in_term_holds_exactly_when_the_stored_value_is_an_operand(
    stored: Any, operands: list[Any]
) -> None:
    table = InMemoryTableWithIn("jobs", key_schema=KeySchema("pk"))
    table.put({"pk": "a"} if stored is None else {"pk": "a", "status": stored})
    values = {f":v{i}": v for i, v in enumerate(operands)}
    condition = f"#s IN ({', '.join(values)})"
    member = stored is not None and any(type(stored) is type(v) and stored == v for v in operands)
    try:
        table.update(
            {"pk": "a"}, {"n": 1}, condition=condition, names={"#s": "status"}, values=values
        )
    except ConflictError:
        applied = False
    else:
        applied = True
    assert applied is member


@settings(max_examples=50)
@given(st.lists(_configs, min_size=1, max_size=4, unique_by=repr), st.randoms())
def test_each_content_is_stored_once_whatever_the_key_order(
    configs: list[dict[str, Any]], rng: random.Random
) -> None:
    repo = ConfigVersionRepository.in_memory()
    distinct: dict[str, int] = {}
    for config in configs:
        version = repo.create_if_absent("PascalStrategy", config)
        distinct.setdefault(version.config_hash, version.version_number)
        shuffled = dict(rng.sample(list(config.items()), len(config)))
        assert repo.create_if_absent("PascalStrategy", shuffled) == version
    assert sorted(distinct.values()) == list(range(1, len(distinct) + 1))


_near_misses = st.one_of(
    st.sampled_from(["", " Pascal", "Pascal\n", "Pa\x00scal", "-Pascal", "Pas;cal", "Pаscal"]),
    st.text(max_size=12).filter(lambda s: not (s[:1].isascii() and s[:1].isalpha())),
)


@settings(max_examples=100)
@given(name=_near_misses)
def test_near_miss_strategy_names_are_validation_errors(name: str) -> None:
    repo = ConfigVersionRepository.in_memory()
    for call in (
        lambda: repo.get_version(name, "v000001"),
        lambda: repo.get_active(name),
        lambda: repo.list_versions(name),
    ):
        try:
            call()
        except ValidationError:
            continue
        raise AssertionError(f"{name!r} was accepted")


@settings(max_examples=100)
@given(config_id=st.sampled_from(["#active", "", " v1", "v1\n", "-v1", "v1;rm", "v１", "a/../b"]))
def test_near_miss_config_ids_are_validation_errors(config_id: str) -> None:
    repo = ConfigVersionRepository.in_memory()
    try:
        repo.get_version("PascalStrategy", config_id)
    except ValidationError:
        return
    raise AssertionError(f"{config_id!r} was accepted")

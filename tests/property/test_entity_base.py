"""Hypothesis: any JSON-like value survives the DynamoDB item form exactly."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.entities._base import DynamoDBSerializableMixin


class Bag(DynamoDBSerializableMixin):
    payload: dict[str, Any]
    values: list[float]


_finite = st.floats(allow_nan=False, allow_infinity=False)
_leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(10**38) + 1, 10**38 - 1)
    | _finite
    | st.text(max_size=8)
)
_json = st.recursive(
    _leaf,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def _same(a: Any, b: Any) -> bool:
    """Equal, with the documented exception: an integral float may come back as an int."""
    if isinstance(a, float) and isinstance(b, int) and not isinstance(b, bool):
        return a.is_integer() and a == b
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@settings(max_examples=150, deadline=None)
@given(
    payload=st.dictionaries(st.text(min_size=1, max_size=6), _json, max_size=5),
    values=st.lists(_finite, max_size=5),
)
def test_json_like_payloads_round_trip_with_types_kept(
    payload: dict[str, Any], values: list[float]
) -> None:
    bag = Bag(payload=payload, values=values)
    again = Bag.from_dynamodb_item(bag.to_dynamodb_item())
    assert _same(bag.payload, again.payload)
    assert again == bag
    assert all(type(v) is float for v in again.values)

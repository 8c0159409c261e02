"""Hypothesis: cursors round trip, and any edit of one is refused with ValidationError."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.exceptions import ValidationError
from tradai.common.repositories.pagination import CursorSigner

SIGNER = CursorSigner("property-cursor-secret")
_values = (
    st.text(min_size=1, max_size=40)
    | st.integers(-(10**30), 10**30).map(Decimal)
    | st.binary(min_size=1, max_size=20)
)
keys = st.dictionaries(st.text(min_size=1, max_size=10), _values, min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(key=keys, scope=st.text(max_size=20))
def test_cursors_round_trip(key: dict[str, Any], scope: str) -> None:
    assert SIGNER.decode(SIGNER.encode(key, scope=scope), scope=scope) == key


@settings(max_examples=200, deadline=None)
@given(key=keys, data=st.data())
def test_any_edit_is_refused(key: dict[str, Any], data: st.DataObject) -> None:
    cursor = SIGNER.encode(key, scope="s")
    position = data.draw(st.integers(0, len(cursor)))
    insert = data.draw(st.text(min_size=0, max_size=3))
    cut = data.draw(st.integers(0, 3))
    edited = cursor[:position] + insert + cursor[position + cut :]
    if edited == cursor:
        return
    try:
        decoded = SIGNER.decode(edited, scope="s")
    except ValidationError:
        return
    raise AssertionError(f"an edited cursor was accepted: {edited!r} -> {decoded!r}")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=50) | st.none() | st.integers())
def test_arbitrary_input_is_refused_with_validation_error_only(junk: Any) -> None:
    try:
        SIGNER.decode(junk, scope="s")
    except ValidationError:
        return
    raise AssertionError("junk was accepted as a cursor")

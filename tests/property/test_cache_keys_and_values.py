"""Generated cache keys, near-miss keys and JSON values against the in-memory cache."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.cache import InMemoryCache
from tradai.common.exceptions import ValidationError

CHARS = string.ascii_letters + string.digits + "_.:/-"
FIRST = string.ascii_letters + string.digits
BAD_CHARS = [*" \t\n\r\x00\x7f;|&$`'\"\\*?[]<>(){}!#%^~,@+=", "А", "ѕ", "１", "é", "\u200b"]

keys: st.SearchStrategy[str] = st.builds(
    lambda head, tail: head + tail, st.sampled_from(FIRST), st.text(CHARS, max_size=255)
).filter(lambda key: ".." not in key.split("/"))


@st.composite
def near_miss_keys(draw: st.DrawFn) -> str:
    key = draw(keys)
    kind = draw(st.sampled_from(["insert", "lead", "pad", "newline", "long", "empty"]))
    if kind == "insert":
        at = draw(st.integers(0, len(key)))
        bad: str = draw(st.sampled_from(BAD_CHARS))
        return key[:at] + bad + key[at:]
    if kind == "lead":
        return draw(st.sampled_from(["-", ".", "_", "/", ":"])) + key
    if kind == "pad":
        return draw(st.sampled_from([" ", "\t"])) + key + draw(st.sampled_from(["", " "]))
    if kind == "newline":
        return key + "\n"
    if kind == "long":
        return key + "x" * (257 - len(key))
    return ""


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100)
@given(key=keys, value=json_values)
def test_valid_keys_and_json_values_round_trip(key: str, value: Any) -> None:
    cache = InMemoryCache(prefix="p:")
    cache.set(key, value)
    assert cache.get(key) == value
    assert cache.exists(key)
    assert cache.delete(key)


@settings(max_examples=100)
@given(key=near_miss_keys())
def test_near_miss_keys_raise_validation_error_and_nothing_else(key: str) -> None:
    cache = InMemoryCache(prefix="p:")
    for call in (lambda: cache.set(key, 1), lambda: cache.get(key), lambda: cache.clear(key)):
        try:
            call()
        except ValidationError:
            continue
        raise AssertionError(f"accepted near-miss key {key!r}")
    assert len(cache) == 0

"""Properties of settings path types, correlation ids and log redaction."""

from __future__ import annotations

import json
import logging
from pathlib import Path, PurePosixPath

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.exceptions import ValidationError
from tradai.common.logger_mixin import JsonFormatter, set_correlation_id
from tradai.common.settings import SafePath, SafeRelativePath, Settings


class PathModel(Settings):
    ppt_abs: SafePath = Path("/srv")
    ppt_rel: SafeRelativePath = Path("data")


segments = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in {".", ".."} and not s.startswith("-"))
relative_paths = st.lists(segments, min_size=1, max_size=5).map("/".join)

bad_chars = st.sampled_from(["\x00", "\n", "\r", "\t", "\x1b", "\x7f"])


@st.composite
def near_miss_relative(draw: st.DrawFn) -> str:
    parts = draw(st.lists(segments, min_size=1, max_size=4))
    kind = draw(st.sampled_from(["dotdot", "control", "space", "dash", "absolute"]))
    index = draw(st.integers(min_value=0, max_value=len(parts)))
    if kind == "dotdot":
        parts.insert(index, "..")
        return "/".join(parts)
    if kind == "control":
        text = "/".join(parts)
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        return text[:cut] + draw(bad_chars) + text[cut:]
    if kind == "space":
        return draw(st.sampled_from([" ", "\u00a0", "  "])) + "/".join(parts)
    if kind == "dash":
        return "-" + "/".join(parts)
    return "/" + "/".join(parts)


@settings(max_examples=100)
@given(relative_paths)
def test_valid_relative_paths_are_accepted_and_round_trip(path: str) -> None:
    model = PathModel.load(ppt_rel=path, ppt_abs="/" + path)
    assert model.ppt_rel == Path(PurePosixPath(path))
    assert model.ppt_abs.is_absolute()
    again = PathModel.load(**model.model_dump())
    assert again == model


@settings(max_examples=100)
@given(near_miss_relative())
def test_relative_near_misses_raise_only_pydantic_validation_error(path: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="ppt_rel"):
        PathModel.load(ppt_rel=path)


@settings(max_examples=100)
@given(near_miss_relative().filter(lambda p: not p.startswith(("/", "-"))))
def test_absolute_near_misses_raise_only_pydantic_validation_error(path: str) -> None:
    absolute = path if path[0].isspace() else "/srv/" + path
    with pytest.raises(pydantic.ValidationError, match="ppt_abs"):
        PathModel.load(ppt_abs=absolute)


@settings(max_examples=100)
@given(st.text(max_size=140))
def test_correlation_ids_are_accepted_only_when_safe(value: str) -> None:
    safe = (
        0 < len(value) <= 128
        and value.isascii()
        and value[0].isalnum()
        and all(c.isalnum() or c in "._:-" for c in value)
    )
    try:
        set_correlation_id(value)
    except ValidationError:
        assert not safe
    else:
        assert safe
    finally:
        set_correlation_id(None)


secret_values = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=24)
secret_keys = st.sampled_from(
    ["password", "api_key", "X-Api-Key", "client_secret", "auth_token", "private_key", "DSN"]
)
plain_keys = st.sampled_from(["user", "pair", "job", "items", "meta"])


@st.composite
def nested_extra(draw: st.DrawFn) -> tuple[dict[str, object], str]:
    secret = draw(secret_values)
    payload: dict[str, object] = {draw(secret_keys): secret}
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        payload = {draw(plain_keys): draw(st.sampled_from([payload, [payload], (1, payload)]))}
    return {"ctx": payload}, secret


@settings(max_examples=100)
@given(nested_extra())
def test_secret_keyed_values_never_reach_a_json_line(case: tuple[dict[str, object], str]) -> None:
    extra, secret = case
    record = logging.LogRecord("tradai.p", logging.INFO, "", 0, "msg", (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    line = JsonFormatter().format(record)
    assert secret not in line
    json.loads(line)

"""Generated secret names and near-misses: plain validator, settings field and the stores."""

from __future__ import annotations

import string

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from tradai.common.aws.memory.secrets import InMemorySecretsStore
from tradai.common.aws.secrets_manager import SecretName, validate_secret_name
from tradai.common.exceptions import ValidationError

CHARS = string.ascii_letters + string.digits + "/_+=.@-"
FIRST = CHARS.replace("-", "")
BAD_CHARS = [*" \t\n\r\x00;|&$`'\"\\*?<>(){}[]!#%^~,:", "А", "ѕ", "１", "é", "\u200b"]

names: st.SearchStrategy[str] = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(FIRST),
    st.text(CHARS, max_size=511),
)
arns: st.SearchStrategy[str] = st.builds(
    lambda region, account, name, suffix: (
        f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-{suffix}"
    ),
    st.sampled_from(["us-east-1", "eu-central-1", "ap-southeast-2"]),
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9/_+=.@][A-Za-z0-9/_+=.@-]{0,40}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9]{6}", fullmatch=True),
)


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    name = draw(names)
    kind = draw(st.sampled_from(["insert", "lead", "pad", "newline", "long", "empty"]))
    if kind == "insert":
        at = draw(st.integers(0, len(name)))
        bad: str = draw(st.sampled_from(BAD_CHARS))
        return name[:at] + bad + name[at:]
    if kind == "lead":
        return "-" + name
    if kind == "pad":
        return draw(st.sampled_from([" ", "\t"])) + name
    if kind == "newline":
        return name + "\n"
    if kind == "long":
        return (name * 513)[:513]
    return ""


SETTING: TypeAdapter[str] = TypeAdapter(SecretName)


@settings(max_examples=80)
@given(st.one_of(names, arns))
def test_valid_names_are_accepted_unchanged_everywhere(name: str) -> None:
    assert validate_secret_name(name) == name
    assert SETTING.validate_python(name) == name
    store = InMemorySecretsStore({name: "v"})
    assert store.get_secret(name) == "v"


@settings(max_examples=100)
@given(near_misses())
def test_near_misses_are_rejected_and_never_raise_anything_else(name: str) -> None:
    with pytest.raises(ValueError, match="secret name or ARN"):
        validate_secret_name(name)
    with pytest.raises(pydantic.ValidationError):
        SETTING.validate_python(name)
    with pytest.raises(ValidationError) as info:
        InMemorySecretsStore().get_secret(name)
    assert info.value.field == "name"

"""Generated valid values and near-misses for every validator, plain and inside pydantic."""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from tradai.common import types as t
from tradai.common import validators as v
from tradai.common.exceptions import ValidationError

ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
REGIONS = ["us-east-1", "eu-central-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"]


def _num() -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=10**6).map(str)


def _prerelease_id() -> st.SearchStrategy[str]:
    alnum = st.from_regex(r"[0-9]*[A-Za-z-][0-9A-Za-z-]{0,8}", fullmatch=True)
    return st.one_of(_num(), alnum)


semvers = st.builds(
    lambda core, pre, build: (
        core + (f"-{'.'.join(pre)}" if pre else "") + (f"+{'.'.join(build)}" if build else "")
    ),
    st.builds(lambda a, b, c: f"{a}.{b}.{c}", _num(), _num(), _num()),
    st.lists(_prerelease_id(), max_size=3),
    st.lists(st.text(ALNUM + "-", min_size=1, max_size=8), max_size=3),
)
pairs = st.builds(
    lambda base, quote, settle: f"{base}/{quote}" + (f":{settle}" if settle else ""),
    st.text(ALNUM, min_size=1, max_size=20),
    st.text(ALNUM, min_size=1, max_size=20),
    st.one_of(st.none(), st.text(ALNUM, min_size=1, max_size=20)),
)
_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,12}[a-z0-9])?", fullmatch=True)
buckets = (
    st.lists(_label, min_size=1, max_size=4)
    .map(".".join)
    .filter(lambda b: 3 <= len(b) <= 63 and "--" not in b)
    .filter(lambda b: not all(part.isdigit() for part in b.split(".")))
    .filter(lambda b: not b.startswith(("xn--", "sthree-", "amzn-s3-demo-")))
    .filter(lambda b: not b.endswith(("-s3alias", ".mrap")))
)
s3_keys = (
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=300)
    .map(lambda k: "".join(c for c in k if not (c < " " or "\x7f" <= c <= "\x9f")))
    .map(lambda k: k.replace("\u2028", "").replace("\u2029", ""))
    .filter(lambda k: 1 <= len(k.encode()) <= 1024)
)
_repo = st.from_regex(
    r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*){0,2}", fullmatch=True
)
_tag = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)
ecr_urls = st.builds(
    lambda account, region, repo, ref: (
        f"{account}.dkr.ecr.{region}.amazonaws.com"
        + (".cn" if region.startswith("cn-") else "")
        + f"/{repo}{ref}"
    ),
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.sampled_from(REGIONS),
    _repo.filter(lambda r: len(r) <= 60),
    st.one_of(st.just(""), _tag.map(lambda tag: f":{tag}")),
)
arns = st.builds(
    lambda part, service, region, account, resource: (
        f"arn:{part}:{service}:{region}:{account}:{resource}"
    ),
    st.sampled_from(["aws", "aws-cn", "aws-us-gov"]),
    st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True),
    st.sampled_from(["", *REGIONS]),
    st.sampled_from(["", "aws", "123456789012"]),
    st.text(ALNUM + "_/+=,.@:*-", min_size=1, max_size=60),
)
sha256s = st.text("0123456789abcdefABCDEF", min_size=64, max_size=64)
families = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}", fullmatch=True)
timeframes = st.builds(
    lambda n, unit: f"{n}{unit}",
    st.integers(min_value=1, max_value=9999),
    st.sampled_from("smhdwM"),
)
dates = st.dates().map(lambda d: d.isoformat())
strategy_names = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,60}", fullmatch=True)
identifiers = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,80}", fullmatch=True)
actors = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:/@+=,-]{0,80}", fullmatch=True)
currencies = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=20)

# name -> (validator, valid strategy, expected normalisation, Annotated type or None)
VALIDATORS: dict[
    str, tuple[Callable[[str], str], st.SearchStrategy[str], Callable[[str], str], Any]
] = {
    "trading_pair": (v.validate_trading_pair, pairs, str.upper, t.TradingPair),
    "semver": (v.validate_semver, semvers, str, t.SemVer),
    "s3_bucket_name": (v.validate_s3_bucket_name, buckets, str, t.S3BucketName),
    "s3_key": (v.validate_s3_key, s3_keys, str, None),
    "ecr_image_url": (v.validate_ecr_image_url, ecr_urls, str, t.EcrImageUrl),
    "arn": (v.validate_arn, arns, str, t.ArnStr),
    "sha256": (v.validate_sha256, sha256s, str.lower, t.Sha256Hex),
    "ecs_task_family": (v.validate_ecs_task_family, families, str, t.EcsTaskFamily),
    "timeframe": (v.validate_timeframe, timeframes, str, t.Timeframe),
    "date_string": (v.validate_date_string, dates, str, t.DateStr),
    "strategy_name": (v.validate_strategy_name, strategy_names, str, t.StrategyName),
    "identifier": (v.validate_identifier, identifiers, str, t.Identifier),
    "actor": (v.validate_actor, actors, str, None),
    "currency": (v.validate_currency, currencies, str, None),
}
TYPED = [name for name, entry in VALIDATORS.items() if entry[3] is not None]

_CYRILLIC = str.maketrans("AaBEeKMHOoPpCcTyXx", "АаВЕеКМНОоРрСсТуХх")


def _look_alike(value: str, index: int) -> str:
    """Replace one ASCII letter/digit with a Cyrillic twin or a fullwidth form."""
    positions = [i for i, c in enumerate(value) if c.isascii() and c.isalnum()]
    i = positions[index % len(positions)]
    char = value[i]
    twin = char.translate(_CYRILLIC)
    return value[:i] + (twin if twin != char else chr(ord(char) + 0xFEE0)) + value[i + 1 :]


_SHELL = [";", "|", "&", "$", "`", "$(id)", "; rm -rf /", "&&", ">", "<"]
_CONTROL = ["\n", "\r", "\x00", "\x1b", "\x7f"]


@st.composite
def near_misses(draw: st.DrawFn, name: str) -> str:
    """A valid value damaged in one way every validator (but S3 keys) must refuse."""
    value = draw(VALIDATORS[name][1])
    kind = draw(st.sampled_from(["control", "space", "dash", "shell", "look-alike", "empty"]))
    if name == "s3_key":  # AWS allows spaces, '-' and metacharacters in keys
        kind = draw(st.sampled_from(["control", "empty"]))
    if kind == "control":
        where = draw(st.integers(min_value=0, max_value=len(value)))
        return value[:where] + draw(st.sampled_from(_CONTROL)) + value[where:]
    if kind == "space":
        return draw(st.sampled_from([f" {value}", f"{value} ", f" {value} ", f"{value}\t"]))
    if kind == "dash":
        return "-" + value
    if kind == "shell":
        return value + draw(st.sampled_from(_SHELL))
    if kind == "look-alike":
        return _look_alike(value, draw(st.integers(min_value=0, max_value=100)))
    return ""


@pytest.mark.parametrize("name", list(VALIDATORS))
@settings(max_examples=60)
@given(data=st.data())
def test_generated_valid_values_are_accepted_and_normalised(name: str, data: st.DataObject) -> None:
    func, strategy, normalise, _ = VALIDATORS[name]
    value = data.draw(strategy)
    assert func(value) == normalise(value)
    assert func(func(value)) == func(value)


@pytest.mark.parametrize("name", list(VALIDATORS))
@settings(max_examples=60)
@given(data=st.data())
def test_generated_near_misses_raise_value_error_and_nothing_else(
    name: str, data: st.DataObject
) -> None:
    func = VALIDATORS[name][0]
    value = data.draw(near_misses(name))
    with pytest.raises(ValueError) as info:
        func(value)
    assert type(info.value) is ValueError
    with pytest.raises(ValidationError) as wrapped:
        v.ensure(func, value, field=name)
    assert wrapped.value.field == name


@pytest.mark.parametrize("name", TYPED)
@settings(max_examples=40)
@given(data=st.data())
def test_annotated_types_round_trip_valid_values_through_a_model(
    name: str, data: st.DataObject
) -> None:
    _, strategy, normalise, annotated = VALIDATORS[name]
    model = pydantic.create_model("Model", value=(annotated, ...))
    raw = data.draw(strategy)
    instance = model(value=raw)
    assert instance.value == normalise(raw)  # type: ignore[attr-defined]  # dynamic model
    assert model.model_validate(instance.model_dump()) == instance
    assert model.model_validate_json(instance.model_dump_json()) == instance


@pytest.mark.parametrize("name", TYPED)
@settings(max_examples=40)
@given(data=st.data())
def test_annotated_types_raise_only_pydantic_validation_error_for_near_misses(
    name: str, data: st.DataObject
) -> None:
    annotated = VALIDATORS[name][3]
    value = data.draw(near_misses(name))
    with pytest.raises(pydantic.ValidationError):
        TypeAdapter(annotated).validate_python(value)


@pytest.mark.parametrize("name", list(VALIDATORS))
@settings(max_examples=40)
@given(value=st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.lists(st.text())))
def test_non_strings_raise_type_error(name: str, value: Any) -> None:
    with pytest.raises(TypeError):
        VALIDATORS[name][0](value)


@settings(max_examples=60)
@given(st.dates(), st.dates())
def test_date_range_accepts_ordered_dates_and_refuses_reversed_ones(a: Any, b: Any) -> None:
    start, end = sorted([a, b])
    v.validate_date_range(start.isoformat(), end.isoformat())  # must not raise
    assume(start != end)
    with pytest.raises(ValueError):
        v.validate_date_range(end.isoformat(), start.isoformat())


# ------------------------------------------------------------------- free text and JSON data

_BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
_visible_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc"], exclude_characters=_BIDI)
    | st.sampled_from("\n\t"),
    max_size=200,
)
_hidden = st.sampled_from(
    [chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]] + _BIDI
)


@settings(max_examples=60)
@given(_visible_text)
def test_free_text_accepts_visible_text_within_the_limit(text: str) -> None:
    assert v.validate_free_text(text, max_length=200) == text


@settings(max_examples=60)
@given(_visible_text, _hidden, st.integers(min_value=0))
def test_free_text_refuses_any_hidden_character_anywhere(text: str, bad: str, at: int) -> None:
    where = at % (len(text) + 1)
    with pytest.raises(ValueError) as info:
        v.validate_free_text(text[:where] + bad + text[where:], max_length=201)
    assert type(info.value) is ValueError


_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: f == 0 or 1e-130 <= abs(f) < 1e126
    ),
)
json_values = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_not_storable = st.one_of(
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e126, 1e-131, 10**38]),
    st.sets(st.integers(), max_size=2),
    st.binary(max_size=4),
    st.dictionaries(st.integers(), st.none(), min_size=1, max_size=2),
    st.decimals(allow_nan=False),
    st.complex_numbers(),
)


@settings(max_examples=60)
@given(json_values)
def test_json_data_accepts_storable_json_and_returns_an_equal_copy(value: Any) -> None:
    assert v.validate_json_data(value) == value


@settings(max_examples=60)
@given(json_values, _not_storable)
def test_json_data_refuses_an_unstorable_part_with_value_error_only(value: Any, bad: Any) -> None:
    with pytest.raises(ValueError) as info:
        v.validate_json_data({"ok": value, "bad": [bad]}, path="data")
    assert type(info.value) is ValueError
    assert str(info.value).startswith("data.bad[0]")

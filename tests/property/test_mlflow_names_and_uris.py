"""Generated valid values and near-misses for the MLflow rules and URI round trips."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from mlflow.utils.validation import _validate_model_alias_name, _validate_tag_name

from tradai.common.exceptions import ValidationError
from tradai.common.mlflow import _validation as rules
from tradai.common.mlflow.utils import MLflowURIConverter

SEGMENT = st.from_regex(r"[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,15}", fullmatch=True)
keys = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join).filter(lambda k: len(k) <= 250)
run_ids = st.from_regex(r"[0-9a-f]{32}", fullmatch=True)
aliases = st.from_regex(r"[A-Za-z_-][A-Za-z0-9_-]{0,30}", fullmatch=True).filter(
    lambda a: a.lower() != "latest"
)
model_names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,30}", fullmatch=True).filter(
    lambda n: ".." not in n
)
versions = st.integers(min_value=1, max_value=10**12)
artifact_paths = st.lists(
    st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.=+@-]{0,12}", fullmatch=True), min_size=1, max_size=4
).map("/".join)

DAMAGE: list[Callable[[str], str]] = [
    lambda s: s + "\n",
    lambda s: s + "\x00",
    lambda s: " " + s,
    lambda s: s + " ",
    lambda s: s + ";rm",
    lambda s: s + "|x",
    lambda s: s + "&x",
    lambda s: "$" + s,
    lambda s: s + "`",
    lambda s: s + "\u0410",  # Cyrillic A
    lambda s: s + "\uff11",  # fullwidth 1
]
damage = st.sampled_from(DAMAGE)


def _refused(validator: Callable[[str], str], value: str) -> None:
    with pytest.raises(ValidationError):
        rules.check(validator, value, field="x")


@settings(max_examples=100)
@given(keys)
def test_valid_keys_pass_ours_and_mlflows_checks(key: str) -> None:
    assume(not rules._path_is_ambiguous(key))
    assert rules.validate_entity_key(key) == key
    _validate_tag_name(key)


@settings(max_examples=100)
@given(keys, damage)
def test_damaged_keys_are_refused(key: str, hurt: Callable[[str], str]) -> None:
    _refused(rules.validate_entity_key, hurt(key))


@settings(max_examples=60)
@given(run_ids, damage)
def test_run_ids_and_their_near_misses(run_id: str, hurt: Callable[[str], str]) -> None:
    assert rules.validate_run_id(run_id) == run_id
    _refused(rules.validate_run_id, hurt(run_id))
    _refused(rules.validate_run_id, run_id.upper() if run_id != run_id.upper() else run_id[1:])


@settings(max_examples=60)
@given(aliases, damage)
def test_aliases_and_their_near_misses(alias: str, hurt: Callable[[str], str]) -> None:
    assume(not (alias[0] in "vV" and alias[1:].isdigit()))
    assert rules.validate_alias(alias) == alias
    _validate_model_alias_name(alias)
    _refused(rules.validate_alias, hurt(alias))


@settings(max_examples=60)
@given(model_names, damage)
def test_model_names_and_their_near_misses(name: str, hurt: Callable[[str], str]) -> None:
    assert rules.validate_model_name(name) == name
    _refused(rules.validate_model_name, hurt(name))


@settings(max_examples=60)
@given(model_names, versions, aliases)
def test_model_uris_round_trip(name: str, version: int, alias: str) -> None:
    assume(not (alias[0] in "vV" and alias[1:].isdigit()))
    by_version = MLflowURIConverter.build_model_uri(name, version=version)
    assert MLflowURIConverter.parse_model_uri(by_version).version == str(version)
    by_alias = MLflowURIConverter.parse_model_uri(
        MLflowURIConverter.build_model_uri(name, alias=alias)
    )
    assert (by_alias.name, by_alias.alias) == (name, alias)


@settings(max_examples=60)
@given(run_ids, artifact_paths, damage)
def test_run_uris_round_trip_and_damaged_paths_are_refused(
    run_id: str, path: str, hurt: Callable[[str], str]
) -> None:
    uri = MLflowURIConverter.build_run_uri(run_id, path)
    parsed = MLflowURIConverter.parse_run_uri(uri)
    assert (parsed.run_id, parsed.path) == (run_id, path)
    with pytest.raises(ValidationError):
        MLflowURIConverter.build_run_uri(run_id, hurt(path))


@settings(max_examples=60)
@given(st.text(max_size=40))
def test_arbitrary_text_never_raises_anything_but_validation_error(text: str) -> None:
    for parse in (
        MLflowURIConverter.parse_model_uri,
        MLflowURIConverter.parse_run_uri,
        MLflowURIConverter.artifact_path,
    ):
        with contextlib.suppress(ValidationError):
            parse(text)

"""Hypothesis: ConfigMergeService laws and StrategyConfigLoader argument validation.

Merging follows JSON Merge Patch applied layer by layer: the layers are never modified,
``None`` never survives as a mapping value, merging a layer onto itself changes nothing,
and an empty layer is neutral. The loader accepts exactly the names and versions the shared
validators accept, and rejects every near-miss with the library's ValidationError before
touching its source.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.config.loader import ConfigDocument, StrategyConfigLoader
from tradai.common.config.merge import ConfigMergeService
from tradai.common.exceptions import ValidationError
from tradai.common.validators import validate_semver, validate_strategy_name

MERGER = ConfigMergeService()

_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8)
_json = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=12,
)
_layers = st.dictionaries(st.text(max_size=4), _json, max_size=4)


def _has_none_mapping_value(value: Any) -> bool:
    """True if a mapping reached through mappings only holds None (lists are kept as is)."""
    if isinstance(value, dict):
        return any(v is None or _has_none_mapping_value(v) for v in value.values())
    return False


@settings(max_examples=75)
@given(st.lists(_layers, max_size=4))
def test_merge_never_modifies_layers_and_never_keeps_none_values(
    layers: list[dict[str, Any]],
) -> None:
    before = copy.deepcopy(layers)
    merged = MERGER.merge(*layers)
    assert layers == before
    assert not _has_none_mapping_value(merged)


@settings(max_examples=75)
@given(_layers, _layers)
def test_merging_a_layer_again_or_an_empty_layer_changes_nothing(
    base: dict[str, Any], override: dict[str, Any]
) -> None:
    merged = MERGER.merge(base, override)
    assert MERGER.merge(merged, override) == merged
    assert MERGER.merge(base, override, {}) == merged
    assert MERGER.merge(merged) == merged


@settings(max_examples=75)
@given(_layers, _layers)
def test_every_top_level_key_of_the_last_layer_decides_the_result(
    base: dict[str, Any], override: dict[str, Any]
) -> None:
    merged = MERGER.merge(base, override)
    for key, value in override.items():
        if value is None:
            assert key not in merged
        elif not isinstance(value, dict):
            assert merged[key] == value


class _NeverCalled:
    def fetch(self, strategy_name: str, version: str) -> ConfigDocument:
        raise AssertionError("the source must not be called for invalid arguments")


LOADER = StrategyConfigLoader(source=_NeverCalled())

_name_near_misses = st.sampled_from(
    [
        "",
        " Pascal",
        "Pascal ",
        "Pascal\n",
        "Pa\x00scal",
        "-Pascal",
        "Pascal;ls",
        "Pa|s",
        "Pa&s",
        "Pa$s",
        "Pa`s",
        "../etc",
        "Pascal/1",
        "Pascal\\1",
        "..",
        "Pаscal",
        "Ｐascal",
        "1Pascal",
        "_Pascal",
    ]
)
_version_near_misses = st.sampled_from(
    [
        "",
        "1",
        "1.0",
        "01.0.0",
        "1.0.0\n",
        " 1.0.0",
        "1.0.0 ",
        "v1.0.0",
        "-1.0.0",
        "1.0.0/../x",
        "１.0.0",
        "1.0.0;ls",
        "1.0.0|x",
        "1.0.0$",
        "1.0.0`",
        "Latest",
        "LATEST",
        "latest ",
        "1.0.0\x00",
        "../1.0.0",
        "1.0.0-",
        "1.0.0+",
    ]
)


@settings(max_examples=60)
@given(_name_near_misses | st.text(max_size=12).filter(lambda t: not _valid_name(t)))
def test_invalid_strategy_names_raise_validation_error_before_any_read(name: str) -> None:
    with pytest.raises(ValidationError) as info:
        LOADER.load_config(name, version="1.0.0")
    assert info.value.field == "strategy_name"


@settings(max_examples=60)
@given(_version_near_misses | st.text(max_size=12).filter(lambda t: not _valid_version(t)))
def test_invalid_versions_raise_validation_error_before_any_read(version: str) -> None:
    with pytest.raises(ValidationError) as info:
        LOADER.load_config("PascalStrategy", version=version)
    assert info.value.field == "version"


def _valid_name(text: str) -> bool:
    try:
        validate_strategy_name(text)
    except ValueError:
        return False
    return True


def _valid_version(text: str) -> bool:
    if text == "latest":
        return True
    try:
        validate_semver(text)
    except ValueError:
        return False
    return True

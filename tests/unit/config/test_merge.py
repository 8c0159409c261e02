"""ConfigMergeService: layered merge rules (design.md "config/")."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from tradai.common.config.catalog import StrategyConfig
from tradai.common.config.merge import ConfigMergeService
from tradai.common.exceptions import ValidationError

BASE: dict[str, Any] = {
    "name": "PascalStrategy",
    "version": "1.0.0",
    "timeframe": "1h",
    "pairs": ["BTC/USDT:USDT", "ETH/USDT:USDT"],
    "buy_params": {"rsi": 30, "ema": {"fast": 12, "slow": 26}},
}


@pytest.fixture
def merger() -> ConfigMergeService:
    return ConfigMergeService()


def test_later_layer_wins_for_scalars(merger: ConfigMergeService) -> None:
    merged = merger.merge({"timeframe": "1h"}, {"timeframe": "4h"}, {"timeframe": "1d"})
    assert merged == {"timeframe": "1d"}


def test_mappings_merge_recursively_key_by_key(merger: ConfigMergeService) -> None:
    merged = merger.merge(BASE, {"buy_params": {"ema": {"slow": 50}, "adx": 25}})
    assert merged["buy_params"] == {"rsi": 30, "ema": {"fast": 12, "slow": 50}, "adx": 25}
    assert merged["pairs"] == BASE["pairs"]


def test_lists_are_replaced_not_concatenated(merger: ConfigMergeService) -> None:
    merged = merger.merge(BASE, {"pairs": ["SOL/USDT:USDT"]})
    assert merged["pairs"] == ["SOL/USDT:USDT"]


def test_none_in_a_later_layer_deletes_the_key(merger: ConfigMergeService) -> None:
    merged = merger.merge(BASE, {"buy_params": {"ema": None}}, {"pairs": None})
    assert "pairs" not in merged
    assert merged["buy_params"] == {"rsi": 30}


def test_none_for_an_absent_key_is_a_no_op(merger: ConfigMergeService) -> None:
    assert merger.merge({"a": 1}, {"b": None}) == {"a": 1}


def test_none_in_the_first_layer_leaves_the_key_out(merger: ConfigMergeService) -> None:
    assert merger.merge({"a": 1, "freqai": None}) == {"a": 1}


def test_none_inside_a_list_is_kept(merger: ConfigMergeService) -> None:
    assert merger.merge({"a": [1]}, {"a": [None, 2]}) == {"a": [None, 2]}


def test_a_scalar_replaces_a_mapping_and_a_mapping_replaces_a_scalar(
    merger: ConfigMergeService,
) -> None:
    assert merger.merge({"a": {"b": 1}}, {"a": 5}) == {"a": 5}
    assert merger.merge({"a": 5}, {"a": {"b": 1, "c": None}}) == {"a": {"b": 1}}


def test_no_layers_give_an_empty_dict(merger: ConfigMergeService) -> None:
    assert merger.merge() == {}


def test_layers_are_never_modified(merger: ConfigMergeService) -> None:
    base = copy.deepcopy(BASE)
    override = {"buy_params": {"ema": {"fast": 5}}, "pairs": None}
    override_before = copy.deepcopy(override)
    merger.merge(base, override)
    assert base == BASE
    assert override == override_before


def test_result_shares_nothing_mutable_with_the_layers(merger: ConfigMergeService) -> None:
    base = copy.deepcopy(BASE)
    override = {"extra": {"list": [1, 2]}}
    merged = merger.merge(base, override)
    merged["pairs"].append("XRP/USDT")
    merged["buy_params"]["ema"]["fast"] = 1
    merged["extra"]["list"].append(3)
    assert base == BASE
    assert override == {"extra": {"list": [1, 2]}}


def test_interpolation_is_not_supported_values_are_kept_verbatim(
    merger: ConfigMergeService,
) -> None:
    merged = merger.merge({"a": "x"}, {"a": "${oc.env:HOME}", "b": "${a}"})
    assert merged == {"a": "${oc.env:HOME}", "b": "${a}"}


def test_tuples_become_lists(merger: ConfigMergeService) -> None:
    assert merger.merge({"pairs": ("BTC/USDT",)}) == {"pairs": ["BTC/USDT"]}


@pytest.mark.parametrize("layer", [["a", 1], "timeframe: 1h", None, 5])
def test_a_layer_that_is_not_a_mapping_is_rejected_naming_it(
    merger: ConfigMergeService, layer: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        merger.merge({"a": 1}, layer)
    assert info.value.field == "layers[1]"


@pytest.mark.parametrize(
    ("layer", "where"),
    [
        ({"start": dt.date(2024, 1, 1)}, "layers[0].start"),
        ({"pairs": {"BTC/USDT"}}, "layers[0].pairs"),
        ({"stoploss": float("nan")}, "layers[0].stoploss"),
        ({"roi": {1: 0.05}}, "layers[0].roi"),
        ({"nested": [{"x": float("inf")}]}, "layers[0].nested[0].x"),
    ],
)
def test_non_json_data_is_rejected_naming_its_path(
    merger: ConfigMergeService, layer: dict[str, Any], where: str
) -> None:
    with pytest.raises(ValidationError) as info:
        merger.merge(layer)
    assert info.value.field == "layers[0]"
    assert where in str(info.value)


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"k": value}
    return value


def test_nesting_deeper_than_max_depth_is_rejected() -> None:
    merger = ConfigMergeService(max_depth=3)
    assert merger.merge(_nested(3)) == _nested(3)
    with pytest.raises(ValidationError, match="deeper than 3"):
        merger.merge(_nested(5))


def test_the_default_depth_limit_stops_pathological_nesting(merger: ConfigMergeService) -> None:
    with pytest.raises(ValidationError, match="deeper than 32"):
        merger.merge(_nested(200))


@pytest.mark.parametrize("max_depth", [0, -1, 257, True, "3", 2.5])
def test_max_depth_must_be_a_bounded_positive_integer(max_depth: Any) -> None:
    with pytest.raises(ValueError, match="max_depth"):
        ConfigMergeService(max_depth=max_depth)


def test_max_depth_and_repr() -> None:
    merger = ConfigMergeService(max_depth=8)
    assert merger.max_depth == 8
    assert repr(merger) == "ConfigMergeService(max_depth=8)"


def test_merge_to_model_validates_base_environment_override(merger: ConfigMergeService) -> None:
    config = merger.merge_to_model(
        BASE, {"exchange": "binance_futures"}, {"timeframe": "4h", "pairs": ["sol/usdt"]}
    )
    assert isinstance(config, StrategyConfig)
    assert config.timeframe == "4h"
    assert config.exchange == "binance_futures"
    assert config.pairs == ["SOL/USDT"]
    assert config.buy_params == BASE["buy_params"]


def test_merge_to_model_names_the_bad_field_without_its_value(
    merger: ConfigMergeService,
) -> None:
    with pytest.raises(ValidationError) as info:
        merger.merge_to_model(BASE, {"timeframe": "sekret-value-1h"})
    assert info.value.field == "timeframe"
    assert "sekret-value" not in str(info.value)
    assert info.value.context["layers"] == 2


def test_merge_to_model_reports_a_deleted_required_field(merger: ConfigMergeService) -> None:
    with pytest.raises(ValidationError) as info:
        merger.merge_to_model(BASE, {"name": None})
    assert info.value.field == "name"
    assert "name: Field required" in str(info.value)


def test_merge_to_model_of_no_layers_reports_the_first_missing_field(
    merger: ConfigMergeService,
) -> None:
    with pytest.raises(ValidationError) as info:
        merger.merge_to_model()
    assert info.value.field == "name"

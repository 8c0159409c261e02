"""The standard tag keys: at least 40, unique, namespaced and valid MLflow tag keys."""

from __future__ import annotations

import pytest
from mlflow.utils.validation import _validate_tag_name

from tradai.common.mlflow import tags
from tradai.common.mlflow._validation import validate_entity_key

TAG_NAMES = [name for name in tags.__all__ if name.startswith("TAG_") and name != "TAG_PREFIX"]


def test_there_are_at_least_forty_tags_and_all_tags_lists_each_once() -> None:
    values = [getattr(tags, name) for name in TAG_NAMES]
    assert len(values) >= 40
    assert len(set(values)) == len(values)
    assert set(values) == tags.ALL_TAGS


@pytest.mark.parametrize("key", sorted(tags.ALL_TAGS))
def test_each_tag_is_a_namespaced_valid_mlflow_tag_key(key: str) -> None:
    assert key.startswith(tags.TAG_PREFIX)
    assert validate_entity_key(key) == key
    _validate_tag_name(key)  # MLflow's own check raises on an invalid key


def test_the_documented_constants_exist() -> None:
    assert tags.TAG_STRATEGY_NAME == "tradai.strategy.name"
    assert tags.TAG_GIT_COMMIT in tags.ALL_TAGS
    assert tags.TAG_SHARPE_RATIO in tags.ALL_TAGS


def test_run_types_are_string_enum_values() -> None:
    assert tags.RunType("backtest") is tags.RunType.BACKTEST
    assert {r.value for r in tags.RunType} >= {"backtest", "hyperopt", "training", "live"}
    with pytest.raises(ValueError):
        tags.RunType("Backtest")

"""InMemoryConfigSource: the in-memory twin of the storage config sources."""

from __future__ import annotations

from typing import Any

import pytest

from tradai.common.config.loader import StrategyConfigLoader
from tradai.common.config.sources import InMemoryConfigSource
from tradai.common.exceptions import ConfigurationError, NotFoundError, ValidationError

NAME = "PascalStrategy"


def test_documents_given_to_the_constructor_are_fetchable() -> None:
    source = InMemoryConfigSource({NAME: {"1.0.0": {"timeframe": "1h"}, "1.1.0": {}}})
    document = source.fetch(NAME, "1.0.0")
    assert (document.strategy_name, document.version) == (NAME, "1.0.0")
    assert document.location == "memory://PascalStrategy/1.0.0"
    assert document.data == {"timeframe": "1h"}
    assert source.fetch(NAME, "latest").version == "1.1.0"


def test_put_keeps_a_copy_and_fetch_returns_a_copy() -> None:
    data: dict[str, Any] = {"pairs": ["BTC/USDT"]}
    source = InMemoryConfigSource()
    source.put(NAME, "1.0.0", data)
    data["pairs"].append("ETH/USDT")
    fetched = source.fetch(NAME, "1.0.0")
    fetched.data["pairs"].append("SOL/USDT")
    assert source.fetch(NAME, "1.0.0").data == {"pairs": ["BTC/USDT"]}


def test_put_replaces_an_existing_version() -> None:
    source = InMemoryConfigSource({NAME: {"1.0.0": {"timeframe": "1h"}}})
    source.put(NAME, "1.0.0", {"timeframe": "4h"})
    assert source.fetch(NAME, "1.0.0").data == {"timeframe": "4h"}


def test_latest_skips_pre_releases_and_compares_numerically() -> None:
    source = InMemoryConfigSource(
        {NAME: {"1.9.0": {}, "1.10.0": {}, "2.0.0-rc.1": {}, "2.0.0+build.1": {}}}
    )
    assert source.fetch(NAME, "latest").version == "1.10.0"


@pytest.mark.parametrize(("name", "version"), [("Other", "1.0.0"), (NAME, "9.9.9")])
def test_unknown_strategy_or_version_is_not_found(name: str, version: str) -> None:
    source = InMemoryConfigSource({NAME: {"1.0.0": {}}})
    with pytest.raises(NotFoundError, match=f"'{name}' version '{version}'"):
        source.fetch(name, version)


@pytest.mark.parametrize(
    ("name", "version", "data", "field"),
    [
        ("bad name", "1.0.0", {}, "strategy_name"),
        (NAME, "1.0", {}, "version"),
        (NAME, "latest", {}, "version"),
        (NAME, "1.0.0", ["not", "a", "mapping"], "data"),
        (NAME, "1.0.0", {"x": float("nan")}, "data"),
        (NAME, "1.0.0", {"x": {1, 2}}, "data"),
    ],
)
def test_put_rejects_invalid_input(name: str, version: str, data: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        InMemoryConfigSource().put(name, version, data)
    assert info.value.field == field


def test_repr_lists_the_strategies() -> None:
    source = InMemoryConfigSource({"B": {"1.0.0": {}}, "A": {"1.0.0": {}}})
    assert repr(source) == "InMemoryConfigSource(strategies=['A', 'B'])"


def test_loader_over_the_twin_checks_the_document_name() -> None:
    source = InMemoryConfigSource({NAME: {"1.0.0": {"name": "Other"}}})
    with pytest.raises(ConfigurationError, match=r"memory://PascalStrategy/1\.0\.0 has name"):
        StrategyConfigLoader(source=source).load_config(NAME)

"""One contract, three config sources: the in-memory twin, a local directory, real S3.

Every :class:`~tradai.common.config.loader.ConfigSource` shipped with the library must
resolve versions and report missing configs the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tradai.common.config.loader import ConfigSource, StrategyConfigLoader
from tradai.common.config.sources import (
    InMemoryConfigSource,
    LocalDirectoryConfigSource,
    S3ConfigSource,
)
from tradai.common.exceptions import NotFoundError

NAME = "PascalStrategy"
BUCKET = "tradai-contract-configs"


@dataclass
class Backend:
    source: ConfigSource
    put: Callable[[str, str, dict[str, Any]], None]


def _memory(_: pytest.FixtureRequest, __: Path) -> Backend:
    source = InMemoryConfigSource()
    return Backend(source, source.put)


def _local(_: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    def put(name: str, version: str, data: dict[str, Any]) -> None:
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / f"{version}.json").write_text(json.dumps(data))

    return Backend(LocalDirectoryConfigSource(tmp_path), put)


def _s3(request: pytest.FixtureRequest, _: Path) -> Backend:
    request.getfixturevalue("aws")
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)

    def put(name: str, version: str, data: dict[str, Any]) -> None:
        key = f"configs/{name}/{version}.json"
        client.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(data).encode())

    return Backend(S3ConfigSource(f"s3://{BUCKET}/configs", s3_client=client), put)


@pytest.fixture(
    params=[
        pytest.param(_memory, id="memory"),
        pytest.param(_local, id="local"),
        pytest.param(_s3, id="s3", marks=pytest.mark.integration),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    factory: Callable[[pytest.FixtureRequest, Path], Backend] = request.param
    return factory(request, tmp_path)


def test_a_pinned_version_is_fetched_with_its_data(backend: Backend) -> None:
    backend.put(NAME, "1.0.0", {"timeframe": "1h", "buy_params": {"rsi": 30}})
    document = backend.source.fetch(NAME, "1.0.0")
    assert (document.strategy_name, document.version) == (NAME, "1.0.0")
    assert document.data == {"timeframe": "1h", "buy_params": {"rsi": 30}}
    assert "1.0.0" in document.location


def test_latest_is_the_numerically_highest_plain_release(backend: Backend) -> None:
    for version in ("1.2.0", "1.10.0", "1.9.3", "2.0.0-rc.1", "2.0.0+build.1"):
        backend.put(NAME, version, {"timeframe": "1h"})
    assert backend.source.fetch(NAME, "latest").version == "1.10.0"


def test_latest_ignores_pre_releases_even_when_they_are_all_there_is(backend: Backend) -> None:
    backend.put(NAME, "1.0.0-alpha", {})
    with pytest.raises(NotFoundError, match="pre-releases must be pinned"):
        backend.source.fetch(NAME, "latest")
    assert backend.source.fetch(NAME, "1.0.0-alpha").version == "1.0.0-alpha"


@pytest.mark.parametrize(("name", "version"), [("Absent", "latest"), (NAME, "3.0.0")])
def test_missing_configs_raise_not_found_naming_name_and_version(
    backend: Backend, name: str, version: str
) -> None:
    backend.put(NAME, "1.0.0", {})
    with pytest.raises(NotFoundError) as info:
        backend.source.fetch(name, version)
    assert info.value.key == f"{name}@{version}"
    assert f"{name!r} version {version!r}" in str(info.value)


def test_the_loader_fills_in_name_and_version_for_every_source(backend: Backend) -> None:
    backend.put(NAME, "1.0.0", {"timeframe": "1h", "pairs": ["BTC/USDT:USDT"]})
    config = StrategyConfigLoader(source=backend.source).load(NAME)
    assert (config.name, config.version, config.pairs) == (NAME, "1.0.0", ["BTC/USDT:USDT"])

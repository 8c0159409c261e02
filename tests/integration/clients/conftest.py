"""The fake data-collection service (one per session, reset per test) and client builders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from support.fake_data_collection import TOKEN, FakeDataCollection, FakeTime
from tradai.common.clients.data_collection_client import (
    DataCollectionClient,
    DataCollectionClientSettingsMixin,
)

MakeClient = Callable[..., DataCollectionClient]


@pytest.fixture(scope="session")
def _fake_service() -> Iterator[FakeDataCollection]:
    with FakeDataCollection() as fake:
        yield fake


@pytest.fixture
def fake_dc(_fake_service: FakeDataCollection) -> FakeDataCollection:
    """The fake, reset, with BTC/USDT (1m, 1h) and ETH/USDT (1h) on binance, SOL/USD on kraken."""
    _fake_service.reset()
    _fake_service.add_symbol("BTC/USDT", timeframes=("1m", "1h"))
    _fake_service.add_symbol("ETH/USDT", timeframes=("1h",))
    _fake_service.add_symbol("SOL/USD", exchange="kraken", timeframes=("1h",), active=False)
    return _fake_service


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake_dc: FakeDataCollection, fake_time: FakeTime) -> Iterator[MakeClient]:
    """Build clients of the fake; settings fields and client options as keywords."""
    clients: list[DataCollectionClient] = []

    def make(**options: Any) -> DataCollectionClient:
        fields = {k: options.pop(k) for k in list(options) if k.startswith("data_collection_")}
        fields.setdefault("data_collection_url", fake_dc.url)
        fields.setdefault("data_collection_token", TOKEN)
        settings = DataCollectionClientSettingsMixin(**fields)
        options.setdefault("sleep", fake_time.sleep)
        options.setdefault("clock", fake_time.clock)
        options.setdefault("rng", lambda: 0.0)
        client = DataCollectionClient(settings, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()

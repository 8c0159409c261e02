"""ConfigVersionService: register with deduplication, activate, active config, rollback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tradai.common.config import ConfigVersionService as Exported
from tradai.common.config.repository import ConfigVersionRepository
from tradai.common.config.service import ConfigVersionService
from tradai.common.entities.config_version import ConfigVersionStatus
from tradai.common.exceptions import NotFoundError
from tradai.common.repositories.pagination import CursorSigner

S = "PascalStrategy"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def service() -> ConfigVersionService:
    ticks: Iterator[int] = iter(range(1000))
    repo = ConfigVersionRepository.in_memory(cursor_signer=CursorSigner("service-cursor-secret"))
    return ConfigVersionService(repo, clock=lambda: T0 + dt.timedelta(minutes=next(ticks)))


def test_the_package_exports_the_service() -> None:
    assert Exported is ConfigVersionService


def test_registering_the_same_config_twice_returns_one_version(
    service: ConfigVersionService,
) -> None:
    first = service.register(S, {"timeframe": "1h", "pairs": ["BTC/USDT"]}, created_by="ci")
    again = service.register(S, {"pairs": ["BTC/USDT"], "timeframe": "1h"})
    assert again == first
    assert first.created_at == T0
    assert service.hash_config({"pairs": ["BTC/USDT"], "timeframe": "1h"}) == first.config_hash
    assert [v.config_id for v in service.history(S).items] == ["v000001"]


def test_register_and_activate_switch_the_active_config(service: ConfigVersionService) -> None:
    assert service.active_config(S) is None
    v1 = service.register(S, {"timeframe": "1h"}, activate=True)
    assert v1.status is ConfigVersionStatus.ACTIVE
    v2 = service.register(S, {"timeframe": "4h"})
    assert service.active_config(S) == {"timeframe": "1h"}
    service.activate(S, v2.config_id)
    assert service.active_config(S) == {"timeframe": "4h"}
    statuses = [v.status for v in service.history(S).items]
    assert statuses == [ConfigVersionStatus.ACTIVE, ConfigVersionStatus.DEPRECATED]


def test_rollback_reactivates_the_most_recently_deprecated(service: ConfigVersionService) -> None:
    versions = [service.register(S, {"n": n}, activate=True) for n in range(3)]
    rolled = service.rollback(S)
    assert rolled.config_id == versions[1].config_id
    assert rolled.ttl is None
    assert service.active_config(S) == {"n": 1}
    assert service.rollback(S).config_id == versions[2].config_id


def test_rollback_pages_through_long_histories(service: ConfigVersionService) -> None:
    for n in range(103):
        service.register(S, {"n": n})
    service.activate(S, "v000050")
    service.activate(S, "v000103")
    assert service.rollback(S).config_id == "v000050"


def test_rollback_without_a_previous_version_is_not_found(service: ConfigVersionService) -> None:
    with pytest.raises(NotFoundError):
        service.rollback(S)
    service.register(S, {"n": 1}, activate=True)
    with pytest.raises(NotFoundError):
        service.rollback(S)


def test_the_repr_names_the_repository(service: ConfigVersionService) -> None:
    assert repr(service) == (
        "ConfigVersionService(repository=ConfigVersionRepository(table='in-memory'))"
    )

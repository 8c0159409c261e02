"""ConfigVersionRepository over its twin: input checks, numbering, pointer, retries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tradai.common.config import ConfigVersionRepository as Exported
from tradai.common.config.repository import POINTER_ID, ConfigVersionRepository
from tradai.common.entities.config_version import ConfigVersion, ConfigVersionStatus
from tradai.common.exceptions import ConflictError, ValidationError
from tradai.common.repositories.query import Query

S = "PascalStrategy"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def repo() -> ConfigVersionRepository:
    return ConfigVersionRepository.in_memory()


def test_the_package_exports_the_repository() -> None:
    assert Exported is ConfigVersionRepository


def test_a_new_version_records_who_what_and_when(repo: ConfigVersionRepository) -> None:
    version = repo.create_if_absent(
        S, {"timeframe": "1h"}, created_by="ops@example.com", description="first", now=T0
    )
    assert version.model_dump(exclude={"config_data"}) == {
        "strategy_name": S, "config_id": "v000001",
        "config_hash": ConfigVersion.compute_hash({"timeframe": "1h"}),
        "version_number": 1, "status": ConfigVersionStatus.DRAFT, "created_at": T0,
        "deployed_at": None, "deprecated_at": None, "ttl": None,
        "created_by": "ops@example.com", "description": "first", "version": 1,
    }  # fmt: skip
    assert version.hash_matches_data


@pytest.mark.parametrize(
    ("name", "data", "extra"),
    [
        ("bad name", {"a": 1}, {}),
        (S, {"a": float("nan")}, {}),
        (S, {1: "a"}, {}),
        (S, {"a": 1}, {"created_by": "-rm"}),
        (S, {"a": 1}, {"now": dt.datetime(2026, 1, 1)}),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    repo: ConfigVersionRepository, name: str, data: Any, extra: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):  # pydantic's and the library's ValidationError
        repo.create_if_absent(name, data, **extra)
    assert repo.table.scan_page().items == ()


def test_a_config_dynamodb_cannot_store_is_refused_and_nothing_is_written(
    repo: ConfigVersionRepository,
) -> None:
    with pytest.raises(ValidationError):
        repo.create_if_absent(S, {"": 1})  # an empty map key: valid JSON, not a DynamoDB map
    assert repo.table.scan_page().items == ()


@pytest.mark.parametrize(
    "call",
    [
        lambda r: r.get_version("bad name", "v000001"),
        lambda r: r.get_version(S, POINTER_ID),
        lambda r: r.find_by_hash(S, "abc"),
        lambda r: r.list_versions("-x"),
        lambda r: r.get_active("bad name"),
        lambda r: r.activate(S, "../etc"),
    ],
)
def test_malformed_names_ids_and_hashes_are_validation_errors(
    repo: ConfigVersionRepository, call: Any
) -> None:
    with pytest.raises(ValidationError):
        call(repo)


def test_numbering_continues_after_the_highest_version(repo: ConfigVersionRepository) -> None:
    for n in range(1, 12):
        assert repo.create_if_absent(
            S, {"n": n}
        ).config_id == ConfigVersionRepository.config_id_for(n)
    assert repo.create_if_absent(S, {"n": 3}).version_number == 3
    assert ConfigVersionRepository.config_id_for(1_234_567) == "v1234567"


def test_the_consistent_read_finds_a_version_the_index_does_not_show_yet(
    repo: ConfigVersionRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = repo.create_if_absent(S, {"a": 1})
    monkeypatch.setattr(repo, "find_by_hash", lambda *_: None)  # the index lags
    assert repo.create_if_absent(S, {"a": 1}) == stored


def test_a_strategy_too_busy_to_number_gives_up_with_a_conflict(
    repo: ConfigVersionRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.create_if_absent(S, {"a": 1})
    monkeypatch.setattr(repo, "_all", lambda *_: [])  # every read misses version 1
    with pytest.raises(ConflictError, match="attempts"):
        repo.create_if_absent(S, {"b": 2})


def test_the_pointer_is_left_out_of_every_read(repo: ConfigVersionRepository) -> None:
    repo.create_if_absent(S, {"a": 1})
    repo.activate(S, "v000001", now=T0)
    page = repo.query(Query.on("strategy_name", S))
    assert [v.config_id for v in page.items] == ["v000001"]
    by_status = repo.query(Query.on("strategy_name", S).using(ConfigVersion.STATUS_INDEX))
    assert [v.status for v in by_status.items] == [ConfigVersionStatus.ACTIVE]


def test_a_dangling_pointer_means_no_active_version(repo: ConfigVersionRepository) -> None:
    v1 = repo.create_if_absent(S, {"a": 1})
    v2 = repo.create_if_absent(S, {"a": 2})
    active = repo.activate(S, v1.config_id, now=T0)
    assert repo.delete((S, v1.config_id), expected_version=active.version)
    assert repo.get_active(S, consistent_read=True) is None
    assert repo.activate(S, v2.config_id, now=T0).status is ConfigVersionStatus.ACTIVE
    assert repo.get_active(S, consistent_read=True) == repo.get_version(S, v2.config_id)


def test_a_pointer_to_a_version_deprecated_by_put_is_not_active(
    repo: ConfigVersionRepository,
) -> None:
    v1 = repo.create_if_absent(S, {"a": 1})
    v2 = repo.create_if_absent(S, {"a": 2})
    active = repo.activate(S, v1.config_id, now=T0)
    repo.put(active.with_status(ConfigVersionStatus.DEPRECATED, now=T0))
    assert repo.get_active(S, consistent_read=True) is None
    assert repo.get_active(S) is None
    assert repo.activate(S, v2.config_id, now=T0).version == 2
    assert repo.get_version(S, v1.config_id).status is ConfigVersionStatus.DEPRECATED  # type: ignore[union-attr]


def test_an_active_version_without_the_pointer_is_repaired_by_activate(
    repo: ConfigVersionRepository,
) -> None:
    v1 = repo.create_if_absent(S, {"a": 1})
    repo.batch_write(puts=[v1.with_status(ConfigVersionStatus.ACTIVE, now=T0)])  # bulk load
    stored = repo.get_version(S, v1.config_id)
    assert stored is not None
    assert repo.get_active(S, consistent_read=True) is None
    activated = repo.activate(S, v1.config_id, now=T0)
    assert activated.version == stored.version + 1
    assert repo.get_active(S, consistent_read=True) == activated

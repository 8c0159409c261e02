"""``ConfigVersionRepository``: content-addressed config versions, one ACTIVE per strategy.

Table (as ``entities-reference.md`` describes it; the names are constants of
:class:`~tradai.common.entities.config_version.ConfigVersion`): partition key
``strategy_name``, sort key ``config_id``; global secondary indexes ``status-index``
(``strategy_name``, ``status``) for :meth:`~ConfigVersionRepository.get_active` and
``config_hash-index`` (``config_hash``) for deduplication; TTL attribute ``ttl`` (set on
DEPRECATED versions by ``ConfigVersion.with_status``). Its name comes from
``settings.config_versions_table`` or the environment variable ``CONFIG_VERSIONS_TABLE``.

Decisions where the specification is silent:

* **Deduplication.** :meth:`~ConfigVersionRepository.create_if_absent` hashes the config
  (``ConfigVersion.compute_hash``: canonical JSON, SHA-256). The same config for the same
  strategy returns the stored version: first looked up on ``config_hash-index``, then
  (indexes lag) on a strongly consistent read of the strategy's versions. The same config
  for two strategies makes two versions.
* **Numbering.** A new version gets the next ``version_number`` and the id
  ``v<number, 6 digits>`` (``v000001``), so a strategy's versions sort by number in the
  table and two creators cannot take one number: the key is the number, the write is
  conditional, and the creator that lost either finds its own config (returned) or
  retries with the next number (at most :attr:`~ConfigVersionRepository.max_create_attempts`
  times).
* **Exactly one ACTIVE.** Each strategy has one extra item, its activation pointer (sort
  key ``#active``, which no config id can be; it has no ``status`` nor ``config_hash``, so
  neither index holds it, and every read of versions leaves it out). :meth:`activate`
  writes, in ONE transaction: the pointer (version-checked, or created if absent), the
  new version as ACTIVE (version-checked) and the previous ACTIVE version as DEPRECATED
  with its ``ttl`` (version- and status-checked). Two activations racing on one strategy
  both read the pointer at the same version, so exactly one commits; the other gets
  ``ConflictError`` whose ``current`` is the ACTIVE version that won. :meth:`put` refuses
  an ACTIVE version (only :meth:`activate` makes one); batch writes, which cannot be
  conditional, are for bulk loads.
* ``get_active`` reads the index (cheap, eventually consistent) unless
  ``consistent_read=True``, which follows the pointer.

Example:
    >>> repo = ConfigVersionRepository.in_memory()
    >>> first = repo.create_if_absent("PascalStrategy", {"timeframe": "1h"})
    >>> first.config_id, first.version_number
    ('v000001', 1)
    >>> repo.create_if_absent("PascalStrategy", {"timeframe": "1h"}) == first
    True
    >>> repo.activate("PascalStrategy", "v000001").status.value
    'active'
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

from tradai.common.aws.dynamodb.expressions import Placeholders
from tradai.common.aws.dynamodb.types import KeyCondition, KeySchema, TransactPut
from tradai.common.entities._base import utc_now
from tradai.common.entities.config_version import ConfigVersion, ConfigVersionStatus
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError
from tradai.common.repositories._tables import IndexSpec, SpecRepository
from tradai.common.repositories.query import Query
from tradai.common.validators import validate_identifier, validate_sha256, validate_strategy_name

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import Item
    from tradai.common.entities.pagination import PaginatedResponse

__all__ = ["POINTER_ID", "ConfigVersionRepository"]

#: Sort key of a strategy's activation pointer (never a valid config id).
POINTER_ID: Final = "#active"
_POINTER_TARGET: Final = "active_config_id"
_PK: Final = ConfigVersion.PARTITION_KEY
_SK: Final = ConfigVersion.SORT_KEY
_ACTIVE: Final = ConfigVersionStatus.ACTIVE


def _checked(check: Any, value: object, field: str) -> str:
    try:
        return str(check(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{field}: {exc}", field=field) from None


class ConfigVersionRepository(SpecRepository[ConfigVersion]):
    """Config versions in DynamoDB (or its in-memory twin), see the module doc.

    Constructor arguments: as for :class:`~tradai.common.repositories.base.DynamoDBRepository`.
    """

    entity = ConfigVersion
    keys = KeySchema(_PK, _SK)
    table_setting = "CONFIG_VERSIONS_TABLE"
    table_indexes: ClassVar[tuple[IndexSpec, ...]] = (
        IndexSpec(ConfigVersion.STATUS_INDEX, KeySchema(_PK, "status")),
        IndexSpec(ConfigVersion.CONFIG_HASH_INDEX, KeySchema("config_hash")),
    )
    ttl_attribute: ClassVar[str | None] = "ttl"
    #: Version numbers tried by one ``create_if_absent`` before giving up.
    max_create_attempts: ClassVar[int] = 8

    @staticmethod
    def config_id_for(version_number: int) -> str:
        """Return the config id of a version number.

        Args:
            version_number: 1, 2, ...

        Returns:
            ``"v"`` and the number on at least 6 digits.

        Example:
            >>> ConfigVersionRepository.config_id_for(42)
            'v000042'
        """
        return f"v{version_number:06d}"

    # ---------------------------------------------------------------- reads
    def get_version(self, strategy_name: str, config_id: str) -> ConfigVersion | None:
        """Return one version (strongly consistent), or ``None``.

        Args:
            strategy_name: The strategy.
            config_id: The version's id.

        Returns:
            The version, or ``None``.

        Raises:
            ValidationError: If the name or id is malformed.
        """
        name = _checked(validate_strategy_name, strategy_name, "strategy_name")
        return self.get((name, _checked(validate_identifier, config_id, "config_id")))

    def find_by_hash(self, strategy_name: str, config_hash: str) -> ConfigVersion | None:
        """Return the strategy's version with this content hash (``config_hash-index``).

        Args:
            strategy_name: The strategy.
            config_hash: The SHA-256 of the config (any case).

        Returns:
            The lowest-numbered such version, or ``None`` (the index is eventually
            consistent: a version written a moment ago may not be found yet).

        Raises:
            ValidationError: If the name or hash is malformed.
        """
        name = _checked(validate_strategy_name, strategy_name, "strategy_name")
        digest = _checked(validate_sha256, config_hash, "config_hash")
        query = Query.on("config_hash", digest).using(ConfigVersion.CONFIG_HASH_INDEX)
        found = self._all(query.where(_PK, "=", name))
        return min(found, key=lambda v: v.version_number, default=None)

    def list_versions(
        self,
        strategy_name: str,
        *,
        limit: int = 100,
        cursor: str | None = None,
        newest_first: bool = True,
    ) -> PaginatedResponse[ConfigVersion]:
        """Return one page of a strategy's versions, by config id (version number).

        Args:
            strategy_name: The strategy.
            limit: Page size (1-10,000).
            cursor: The previous page's ``next_cursor``.
            newest_first: Highest version first (the default).

        Returns:
            The page; ``next_cursor`` is ``None`` on the last one.

        Raises:
            ValidationError: If the name, limit or cursor is not valid.
        """
        name = _checked(validate_strategy_name, strategy_name, "strategy_name")
        query = self._versions_of(name).order(descending=newest_first).page_size(limit)
        return self.query(query, cursor=cursor)

    def get_active(
        self, strategy_name: str, *, consistent_read: bool = False
    ) -> ConfigVersion | None:
        """Return the strategy's ACTIVE version, or ``None``.

        Args:
            strategy_name: The strategy.
            consistent_read: Follow the activation pointer with strongly consistent
                reads instead of querying ``status-index`` (which may lag a moment).

        Returns:
            The version (from the index, the most recently deployed if it still lists
            two during an activation), or ``None``.

        Raises:
            ValidationError: If the name is malformed.
        """
        name = _checked(validate_strategy_name, strategy_name, "strategy_name")
        if consistent_read:
            pointer = self._table.get(self._pointer_key(name), consistent_read=True)
            if pointer is None:
                return None
            version = self.get((name, pointer[_POINTER_TARGET]))
            return version if version is not None and version.status is _ACTIVE else None
        query = Query.on(_PK, name).using(ConfigVersion.STATUS_INDEX)
        found = self._all(query.sort_key(KeyCondition.eq("status", _ACTIVE)))
        return max(
            found, key=lambda v: (v.deployed_at or v.created_at, v.version_number), default=None
        )

    def query(self, query: Query, *, cursor: str | None = None) -> PaginatedResponse[ConfigVersion]:
        """Return one page of a query, activation pointers left out.

        Args:
            query: The query.
            cursor: The previous page's ``next_cursor``.

        Returns:
            The page.
        """
        if query.index is None:
            query = query.where("config_hash", "attribute_exists")
        return super().query(query, cursor=cursor)

    # ---------------------------------------------------------------- writes
    def put(self, entity: ConfigVersion) -> ConfigVersion:
        """Save a DRAFT or DEPRECATED version (version-checked, as in the base class).

        Args:
            entity: The version.

        Returns:
            The version as stored.

        Raises:
            ValidationError: If it is ACTIVE (use :meth:`activate`).
            ConflictError: If another version of it is stored.
        """
        if isinstance(entity, ConfigVersion) and entity.status is _ACTIVE:
            raise ValidationError("only activate() makes a version ACTIVE", field="status")
        return super().put(entity)

    def create_if_absent(
        self,
        strategy_name: str,
        config_data: Mapping[str, Any],
        *,
        created_by: str | None = None,
        description: str | None = None,
        now: _dt.datetime | None = None,
    ) -> ConfigVersion:
        """Store ``config_data`` as the strategy's next DRAFT version, unless stored already.

        Args:
            strategy_name: The strategy.
            config_data: The configuration (JSON data).
            created_by: Who creates it (actor id).
            description: Free text.
            now: The creation time (aware; default: now).

        Returns:
            The new version, or the stored version with the same content.

        Raises:
            ValidationError: If any argument is invalid (before anything is read).
            ConflictError: If no version number could be taken in
                :attr:`max_create_attempts` tries (very busy strategy).
        """
        digest = ConfigVersion.compute_hash(config_data)
        draft = ConfigVersion.model_validate(
            {
                "strategy_name": strategy_name, "config_id": self.config_id_for(1),
                "config_hash": digest, "config_data": config_data, "version_number": 1,
                "created_at": now or utc_now(), "created_by": created_by,
                "description": description,
            }
        )  # fmt: skip
        found = self.find_by_hash(draft.strategy_name, digest)
        if found is not None:
            return found
        for _ in range(self.max_create_attempts):
            stored = self._all(self._versions_of(draft.strategy_name).consistent())
            same = [v for v in stored if v.config_hash == digest]
            if same:
                return min(same, key=lambda v: v.version_number)
            number = max((v.version_number for v in stored), default=0) + 1
            candidate = ConfigVersion.model_validate(
                {
                    **draft.model_dump(),
                    "version_number": number,
                    "config_id": self.config_id_for(number),
                }
            )
            try:
                return self._save(candidate, 0, create=True)
            except ConflictError as exc:
                if isinstance(exc.current, ConfigVersion) and exc.current.config_hash == digest:
                    return exc.current
        raise ConflictError(
            f"no free version number for {draft.strategy_name} after "
            f"{self.max_create_attempts} attempts",
            context={"table": self._table.table_name, "strategy_name": draft.strategy_name},
        )

    def activate(
        self, strategy_name: str, config_id: str, *, now: _dt.datetime | None = None
    ) -> ConfigVersion:
        """Make ``config_id`` the strategy's only ACTIVE version, atomically.

        The previous ACTIVE version becomes DEPRECATED (with its ``ttl``) in the same
        transaction. Activating the ACTIVE version again returns it unchanged.

        Args:
            strategy_name: The strategy.
            config_id: The version to activate (DRAFT, or DEPRECATED for a rollback).
            now: The activation time (aware; default: now).

        Returns:
            The activated version as stored.

        Raises:
            NotFoundError: If there is no such version.
            ConflictError: If another writer changed the pointer or either version
                first; ``current`` is the strategy's ACTIVE version now.
        """
        target = self.get_version(strategy_name, config_id)
        if target is None:
            raise NotFoundError(
                f"no config version {config_id!r} of {strategy_name}",
                resource="ConfigVersion",
                key=f"{strategy_name}/{config_id}",
            )
        name = target.strategy_name
        pointer = self._table.get(self._pointer_key(name), consistent_read=True)
        active_id = None if pointer is None else pointer.get(_POINTER_TARGET)
        if target.status is _ACTIVE and active_id == config_id:
            return target
        moment = now or utc_now()
        new = target.with_status(_ACTIVE, now=moment)
        actions = [
            self._pointer_write(name, config_id, pointer),
            self._guarded(new, target.version),
        ]
        old = None if active_id in (None, config_id) else self.get((name, active_id))
        if old is not None and old.status is _ACTIVE:
            deprecated = old.with_status(ConfigVersionStatus.DEPRECATED, now=moment)
            actions.append(self._guarded(deprecated, old.version, status=_ACTIVE))
        try:
            self._table.transact_write(actions)
        except ConflictError as exc:
            raise ConflictError(
                f"another writer changed {name}'s config versions first",
                current=self.get_active(name, consistent_read=True),
                context={**exc.context, "table": self._table.table_name},
            ) from exc
        return self.from_item(dict(actions[1].item))

    # ---------------------------------------------------------------- machinery
    @staticmethod
    def _versions_of(strategy_name: str) -> Query:
        return Query.on(_PK, strategy_name).sort_key(KeyCondition.gt(_SK, POINTER_ID))

    def _all(self, query: Query) -> list[ConfigVersion]:
        kwargs = query.table_kwargs()
        kwargs.pop("page_size")
        return [self.from_item(item) for item in self._table.query(**kwargs)]

    @staticmethod
    def _pointer_key(strategy_name: str) -> dict[str, Any]:
        return {_PK: strategy_name, _SK: POINTER_ID}

    def _pointer_write(
        self, strategy_name: str, config_id: str, pointer: Item | None
    ) -> TransactPut:
        current = 0 if pointer is None else int(pointer[self.version_attribute])
        item = self._pointer_key(strategy_name) | {
            _POINTER_TARGET: config_id,
            self.version_attribute: current + 1,
        }
        if pointer is None:
            return TransactPut(item, if_not_exists=True)
        ph = Placeholders()
        condition = f"{ph.name(self.version_attribute)} = {ph.value(current)}"
        return TransactPut(item, condition=condition, names=ph.names, values=ph.values)

    def _guarded(
        self, entity: ConfigVersion, expected: int, *, status: ConfigVersionStatus | None = None
    ) -> TransactPut:
        ph = Placeholders()
        condition = self._version_condition(ph, expected, True)
        if status is not None:
            condition = f"{condition} AND {ph.name('status')} = {ph.value(status.value)}"
        item = self._item(entity, expected)
        return TransactPut(item, condition=condition, names=ph.names, values=ph.values)

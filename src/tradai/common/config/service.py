"""``ConfigVersionService``: content-addressable config versioning with hash deduplication.

A thin orchestration over :class:`~tradai.common.config.repository.ConfigVersionRepository`
(design: "ConfigVersionService — Content-addressable config versioning with hash-based
deduplication"): registering the same configuration twice returns the same version,
activation keeps exactly one ACTIVE version per strategy, and a rollback re-activates the
version that was active before.

Decisions where the design document is silent: the service owns the clock (injected,
for tests); :meth:`ConfigVersionService.rollback` re-activates the most recently
deprecated version; :meth:`ConfigVersionService.active_config` reads with strongly
consistent reads (a deployment must not start with the previous config).

Example:
    >>> from tradai.common.config.repository import ConfigVersionRepository
    >>> service = ConfigVersionService(ConfigVersionRepository.in_memory())
    >>> v1 = service.register("PascalStrategy", {"timeframe": "1h"}, activate=True)
    >>> v2 = service.register("PascalStrategy", {"timeframe": "4h"}, activate=True)
    >>> service.active_config("PascalStrategy")
    {'timeframe': '4h'}
    >>> service.rollback("PascalStrategy").config_id == v1.config_id
    True
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from tradai.common.entities._base import utc_now
from tradai.common.entities.config_version import ConfigVersion, ConfigVersionStatus
from tradai.common.exceptions import NotFoundError

if TYPE_CHECKING:
    from tradai.common.config.repository import ConfigVersionRepository
    from tradai.common.entities.pagination import PaginatedResponse

__all__ = ["ConfigVersionService"]


class ConfigVersionService:
    """Register, activate and roll back a strategy's config versions.

    Args:
        repository: Where versions are stored.
        clock: Returns the current aware datetime (default: UTC now).
    """

    def __init__(
        self,
        repository: ConfigVersionRepository,
        *,
        clock: Callable[[], _dt.datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._clock = clock

    def __repr__(self) -> str:
        return f"ConfigVersionService(repository={self._repository!r})"

    @staticmethod
    def hash_config(config_data: Mapping[str, Any]) -> str:
        """Return the content hash a config is deduplicated by.

        Args:
            config_data: The configuration (JSON data).

        Returns:
            64 lower-case hex characters (SHA-256 of canonical JSON).

        Raises:
            ValidationError: If the config is not JSON data.

        Example:
            >>> ConfigVersionService.hash_config({"b": 1, "a": 2}) == (
            ...     ConfigVersionService.hash_config({"a": 2, "b": 1}))
            True
        """
        return ConfigVersion.compute_hash(config_data)

    def register(
        self,
        strategy_name: str,
        config_data: Mapping[str, Any],
        *,
        created_by: str | None = None,
        description: str | None = None,
        activate: bool = False,
    ) -> ConfigVersion:
        """Store a config as a version (or find the stored one) and optionally activate it.

        Args:
            strategy_name: The strategy.
            config_data: The configuration.
            created_by: Who registers it.
            description: Free text.
            activate: Make it the ACTIVE version too.

        Returns:
            The version (ACTIVE when ``activate``).

        Raises:
            ValidationError: If an argument is invalid.
            ConflictError: If a concurrent writer won the activation.
        """
        version = self._repository.create_if_absent(
            strategy_name, config_data, created_by=created_by, description=description,
            now=self._clock(),
        )  # fmt: skip
        if activate:
            return self.activate(version.strategy_name, version.config_id)
        return version

    def activate(self, strategy_name: str, config_id: str) -> ConfigVersion:
        """Make one version the strategy's only ACTIVE one.

        Args:
            strategy_name: The strategy.
            config_id: The version.

        Returns:
            The activated version.

        Raises:
            NotFoundError: If there is no such version.
            ConflictError: If a concurrent writer won.
        """
        return self._repository.activate(strategy_name, config_id, now=self._clock())

    def active_config(self, strategy_name: str) -> dict[str, Any] | None:
        """Return the ACTIVE configuration's data (strongly consistent), or ``None``.

        Args:
            strategy_name: The strategy.

        Returns:
            The config data, or ``None`` when no version is active.
        """
        version = self._repository.get_active(strategy_name, consistent_read=True)
        return None if version is None else dict(version.config_data)

    def history(
        self, strategy_name: str, *, limit: int = 100, cursor: str | None = None
    ) -> PaginatedResponse[ConfigVersion]:
        """Return one page of the strategy's versions, newest first.

        Args:
            strategy_name: The strategy.
            limit: Page size.
            cursor: The previous page's ``next_cursor``.

        Returns:
            The page.
        """
        return self._repository.list_versions(strategy_name, limit=limit, cursor=cursor)

    def rollback(self, strategy_name: str) -> ConfigVersion:
        """Re-activate the most recently deprecated version.

        Args:
            strategy_name: The strategy.

        Returns:
            The re-activated version.

        Raises:
            NotFoundError: If no version was ever deprecated.
            ConflictError: If a concurrent writer won.
        """
        deprecated: list[ConfigVersion] = []
        cursor: str | None = None
        while True:
            page = self._repository.list_versions(strategy_name, limit=100, cursor=cursor)
            deprecated += [v for v in page.items if v.status is ConfigVersionStatus.DEPRECATED]
            cursor = page.next_cursor
            if cursor is None:
                break
        if not deprecated:
            raise NotFoundError(
                f"{strategy_name} has no previous config version to roll back to",
                resource="ConfigVersion",
                key=strategy_name,
            )
        previous = max(
            deprecated, key=lambda v: (v.deprecated_at or v.created_at, v.version_number)
        )
        return self.activate(previous.strategy_name, previous.config_id)

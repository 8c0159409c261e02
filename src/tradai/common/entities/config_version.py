"""Content-addressed versions of a strategy's configuration.

Decisions where the specification is silent:

* Status values are lower-case: ``"draft"``, ``"active"``, ``"deprecated"``.
* ``with_status()`` takes an optional keyword-only ``now`` (an aware datetime) so callers
  and tests control the clock. Moving back to ``DRAFT`` from another status is refused;
  re-activating a deprecated version (a rollback) clears ``deprecated_at`` and ``ttl`` so
  DynamoDB's TTL never deletes an active config. Same-status moves keep the timestamps.
* ``version`` is the optimistic-lock counter; the repository bumps it on each write,
  ``with_status()`` leaves it alone.
* ``config_data`` must be JSON data (string keys, finite numbers); tuples become lists.
  ``config_hash`` is not forced to match ``config_data`` (the documented example does not);
  :attr:`ConfigVersion.hash_matches_data` tells whether it does.
* ``created_by`` is an actor id (letters, digits and ``_ . : / @ + = , -``: user names,
  e-mail addresses, IAM ARNs); ``description`` is free text of at most 1024 characters in
  which only control characters (but newline and tab) and bidi overrides are refused.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Mapping
from enum import Enum
from typing import Any, ClassVar, Self

from pydantic import Field, field_validator

from tradai.common.entities._base import DynamoDBSerializableMixin, utc_now
from tradai.common.exceptions import ValidationError
from tradai.common.types import Identifier, StrategyName, UtcDatetime
from tradai.common.validators import (
    validate_actor,
    validate_free_text,
    validate_json_data,
    validate_sha256,
)

__all__ = ["ConfigVersion", "ConfigVersionStatus"]

_MAX_JSON_DEPTH = 64


def _validate_actor(value: str | None) -> str | None:
    """Check an actor id (who created or deployed something); ``None`` passes."""
    return None if value is None else validate_actor(value)


def _validate_text(value: str | None, *, max_length: int) -> str | None:
    """Check optional free text (see :func:`validate_free_text`); ``None`` passes."""
    return None if value is None else validate_free_text(value, max_length=max_length)


def _resolve_now(now: _dt.datetime | None) -> _dt.datetime:
    """Return ``now`` in UTC (or the current time); naive datetimes are refused."""
    if now is None:
        return utc_now()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValidationError("now must be a timezone-aware datetime", field="now")
    return now.astimezone(_dt.UTC)


class ConfigVersionStatus(str, Enum):
    """Config version lifecycle status.

    Lifecycle: DRAFT → ACTIVE → DEPRECATED

    - DRAFT: Not yet validated/deployed
    - ACTIVE: Currently deployed (only one per strategy)
    - DEPRECATED: Superseded by newer version (auto-cleanup via TTL)
    """

    DRAFT = "draft"
    ACTIVE = "active"
    DEPRECATED = "deprecated"


class ConfigVersion(DynamoDBSerializableMixin):
    """Immutable config version entity with DynamoDB serialization.

    Content-addressable versioning using SHA256 hash for deduplication. ``with_status()``
    performs state transitions; ``to_dynamodb_item()``/``from_dynamodb_item()`` come from
    the mixin; constants are ClassVars.

    DynamoDB schema: PK ``strategy_name``, SK ``config_id``; GSIs ``status-index``
    (PK ``strategy_name``, SK ``status``) for get_active and ``config_hash-index``
    (PK ``config_hash``) for deduplication.

    Example:
        >>> version = ConfigVersion(
        ...     strategy_name="PascalStrategy",
        ...     config_id="v1-abc12345",
        ...     config_hash="a" * 64,
        ...     config_data={"timeframe": "1h"},
        ...     version_number=1,
        ... )
        >>> activated = version.with_status(ConfigVersionStatus.ACTIVE)
        >>> activated.deployed_at is not None  # Set automatically
        True
    """

    TTL_DAYS_AFTER_DEPRECATION: ClassVar[int] = 90
    PARTITION_KEY: ClassVar[str] = "strategy_name"
    SORT_KEY: ClassVar[str] = "config_id"
    STATUS_INDEX: ClassVar[str] = "status-index"
    CONFIG_HASH_INDEX: ClassVar[str] = "config_hash-index"

    strategy_name: StrategyName
    config_id: Identifier
    config_hash: str
    config_data: dict[str, Any]
    version_number: int = Field(ge=1, strict=True)
    status: ConfigVersionStatus = ConfigVersionStatus.DRAFT
    created_at: UtcDatetime = Field(default_factory=utc_now)
    deployed_at: UtcDatetime | None = None
    deprecated_at: UtcDatetime | None = None
    ttl: int | None = Field(default=None, ge=0, strict=True)
    created_by: str | None = None
    description: str | None = None
    version: int = Field(default=0, ge=0, strict=True)

    @field_validator("config_hash")
    @classmethod
    def validate_hash(cls, v: str) -> str:
        """Validate SHA256 format and normalize to lowercase.

        Args:
            v: Hash string to validate.

        Returns:
            Lowercase normalized hash.

        Raises:
            ValueError: If hash is not valid SHA256 (64 hex chars).
        """
        return validate_sha256(v)

    @field_validator("config_data")
    @classmethod
    def _check_config_data(cls, v: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = validate_json_data(
            v, path="config_data", max_depth=_MAX_JSON_DEPTH
        )
        return result

    @field_validator("created_by")
    @classmethod
    def _check_created_by(cls, v: str | None) -> str | None:
        return _validate_actor(v)

    @field_validator("description")
    @classmethod
    def _check_description(cls, v: str | None) -> str | None:
        return _validate_text(v, max_length=1024)

    @staticmethod
    def compute_hash(config_data: Mapping[str, Any]) -> str:
        """Return the SHA-256 of ``config_data`` as canonical JSON.

        Canonical JSON has sorted keys and no spaces, so equal configs hash equal whatever
        their key order. ``1`` and ``1.0`` are different JSON and hash differently.

        Args:
            config_data: The configuration (JSON data).

        Returns:
            64 lower-case hex characters.

        Raises:
            ValidationError: If ``config_data`` is not JSON data.

        Example:
            >>> ConfigVersion.compute_hash({})
            '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
            >>> ConfigVersion.compute_hash({"a": 1, "b": 2}) == ConfigVersion.compute_hash(
            ...     {"b": 2, "a": 1}
            ... )
            True
        """
        try:
            data = validate_json_data(config_data, path="config_data", max_depth=_MAX_JSON_DEPTH)
            canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
        except ValueError as exc:
            raise ValidationError(f"cannot hash config: {exc}", field="config_data") from exc
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def hash_matches_data(self) -> bool:
        """Whether ``config_hash`` is :meth:`compute_hash` of ``config_data``."""
        return self.compute_hash(self.config_data) == self.config_hash

    def with_status(self, status: ConfigVersionStatus, *, now: _dt.datetime | None = None) -> Self:
        """Return new instance with updated status (immutable update pattern).

        Automatically sets ``deployed_at`` when transitioning to ACTIVE (clearing
        ``deprecated_at`` and ``ttl`` of a re-activated version), and ``deprecated_at``
        and ``ttl`` (now + :attr:`TTL_DAYS_AFTER_DEPRECATION` days, epoch seconds) when
        transitioning to DEPRECATED.

        Args:
            status: New status.
            now: The transition time (aware); defaults to the current UTC time.

        Returns:
            New ConfigVersion with updated status.

        Raises:
            ValidationError: If moving back to DRAFT, or ``now`` is naive.
        """
        status = ConfigVersionStatus(status)
        moment = _resolve_now(now)
        if status is ConfigVersionStatus.DRAFT and self.status is not status:
            raise ValidationError(
                f"config version {self.config_id!r} cannot go back to draft from "
                f"{self.status.value}",
                field="status",
            )
        update: dict[str, Any] = {"status": status}
        if status is ConfigVersionStatus.ACTIVE and (
            self.status is not status or self.deployed_at is None
        ):
            update.update(deployed_at=moment, deprecated_at=None, ttl=None)
        elif status is ConfigVersionStatus.DEPRECATED and (
            self.status is not status or self.deprecated_at is None
        ):
            expiry = moment + _dt.timedelta(days=self.TTL_DAYS_AFTER_DEPRECATION)
            update.update(deprecated_at=moment, ttl=int(expiry.timestamp()))
        return self.model_validate({**self.model_dump(), **update})

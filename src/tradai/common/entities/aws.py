"""AWS value objects: job status lifecycle, S3 paths and client configuration.

* :class:`JobStatus` — lifecycle of a queued job, with its transition rules as data
  (:data:`JOB_STATUS_TRANSITIONS`, :data:`JOB_STATUS_SOURCES`).
* :class:`S3Path` — a validated ``s3://bucket/key`` location.
* :class:`AWSConfig` — region, optional endpoint and profile for building clients.

Decisions where the reference is silent:

* ``JobStatus`` values are lower-case (``"pending"``...). Same-state moves are allowed for
  every status, terminal ones included (``COMPLETED -> COMPLETED`` is an idempotent retry of
  the same write); a terminal status never moves to a *different* one.
* ``S3Path`` may have an empty key (``s3://bucket`` is the bucket root). A key must not
  start with ``/`` and no ``/``- or ``\\``-separated segment may be ``..``: such keys are
  legal in S3 but turn into absolute or escaping paths when downloaded to disk.
  ``S3Path.parse`` raises pydantic's ``ValidationError`` (a ``ValueError``), like the
  constructor. ``str(path)`` is its URI; ``model_dump()`` gives ``bucket`` and ``key``.
* ``AWSConfig`` has no defaults for anything naming infrastructure: the region is
  required; endpoint and profile are optional. An endpoint URL must be ``http(s)`` with
  no user info, query or fragment, so credentials can never ride inside it.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from tradai.common.entities._base import FrozenModel
from tradai.common.validators import validate_s3_bucket_name, validate_s3_key

__all__ = [
    "JOB_STATUS_SOURCES",
    "JOB_STATUS_TRANSITIONS",
    "AWSConfig",
    "JobStatus",
    "S3Path",
]

_S3_SCHEME = "s3://"
_REGION_PATTERN = r"^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$"
_PROFILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.+@-]{0,127}$"
_HOST_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"'`{}|^;$&]")


class JobStatus(str, enum.Enum):
    """Status of a backtest job in the queue.

    Lifecycle: ``PENDING -> RUNNING -> COMPLETED/FAILED/CANCELLED``. Terminal statuses
    (``COMPLETED``, ``FAILED``, ``CANCELLED``) never change to another status.

    Valid transitions (same-state allowed for idempotency):

    * ``PENDING`` -> ``PENDING``, ``RUNNING``, ``FAILED``, ``CANCELLED``
    * ``RUNNING`` -> ``RUNNING``, ``COMPLETED``, ``FAILED``, ``CANCELLED``
    * ``COMPLETED``, ``FAILED``, ``CANCELLED`` -> themselves only

    Example:
        >>> JobStatus.PENDING.can_transition_to(JobStatus.RUNNING)
        True
        >>> JobStatus.COMPLETED.can_transition_to(JobStatus.RUNNING)
        False
        >>> sorted(s.value for s in JobStatus.allowed_sources(JobStatus.COMPLETED))
        ['completed', 'running']
    """

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        """Whether the job has finished (completed, failed or cancelled).

        Returns:
            True if the status is final.
        """
        return self in _TERMINAL

    def can_transition_to(self, target: JobStatus) -> bool:
        """Check whether moving from this status to ``target`` is valid.

        Same-state transitions are allowed (idempotent). Terminal states cannot
        transition to any other state.

        Args:
            target: Status to move to.

        Returns:
            True if the transition is valid.
        """
        return target in JOB_STATUS_TRANSITIONS[self]

    @classmethod
    def allowed_sources(cls, target: JobStatus) -> frozenset[JobStatus]:
        """Return the statuses a job may be in to move to ``target``.

        A store uses it for a conditional write (``#status IN (:s1, :s2)``) so that a
        concurrent writer cannot move a job backwards.

        Args:
            target: The status being written.

        Returns:
            Every status from which ``target`` is reachable (``target`` itself included).
        """
        return JOB_STATUS_SOURCES[cls(target)]


_TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})

#: For each status, the statuses it may move to (itself included).
JOB_STATUS_TRANSITIONS: Mapping[JobStatus, frozenset[JobStatus]] = MappingProxyType(
    {
        JobStatus.PENDING: frozenset(
            {JobStatus.PENDING, JobStatus.RUNNING, JobStatus.FAILED, JobStatus.CANCELLED}
        ),
        JobStatus.RUNNING: frozenset(
            {JobStatus.RUNNING, JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}
        ),
        JobStatus.COMPLETED: frozenset({JobStatus.COMPLETED}),
        JobStatus.FAILED: frozenset({JobStatus.FAILED}),
        JobStatus.CANCELLED: frozenset({JobStatus.CANCELLED}),
    }
)

#: For each status, the statuses from which it may be reached (itself included).
JOB_STATUS_SOURCES: Mapping[JobStatus, frozenset[JobStatus]] = MappingProxyType(
    {
        target: frozenset(src for src, dests in JOB_STATUS_TRANSITIONS.items() if target in dests)
        for target in JobStatus
    }
)


def _validate_key(key: str) -> str:
    if not key:
        return key
    validate_s3_key(key)
    if key.startswith("/"):
        raise ValueError(f"S3 key {key!r} must not start with '/'")
    if ".." in re.split(r"[/\\]", key):
        raise ValueError(f"S3 key {key!r} must not contain '..' path segments")
    return key


class S3Path(FrozenModel):
    """A validated S3 location ``s3://<bucket>/<key>``.

    Args:
        bucket: Bucket name (AWS naming rules).
        key: Object key or prefix; empty for the bucket root.

    Example:
        >>> path = S3Path.parse("s3://tradai-data/results/run-1/")
        >>> path.bucket, path.key
        ('tradai-data', 'results/run-1/')
        >>> (path / "summary.json").uri
        's3://tradai-data/results/run-1/summary.json'
        >>> path.parent.uri, path.name
        ('s3://tradai-data/results', 'run-1')
    """

    bucket: str
    key: str = ""

    @model_validator(mode="before")
    @classmethod
    def _split_uri(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        if not data.startswith(_S3_SCHEME):
            raise ValueError(f"{data[:80]!r} is not an S3 URI (s3://bucket/key)")
        bucket, _, key = data[len(_S3_SCHEME) :].partition("/")
        return {"bucket": bucket, "key": key}

    @field_validator("bucket")
    @classmethod
    def _check_bucket(cls, v: str) -> str:
        return validate_s3_bucket_name(v)

    @field_validator("key")
    @classmethod
    def _check_key(cls, v: str) -> str:
        return _validate_key(v)

    @classmethod
    def parse(cls, uri: str) -> Self:
        """Parse an ``s3://bucket/key`` URI.

        Args:
            uri: The URI; the key part may be empty (``s3://bucket`` or ``s3://bucket/``).

        Returns:
            The path.

        Raises:
            pydantic.ValidationError: If the URI, bucket or key is malformed.
        """
        return cls.model_validate(uri)

    @classmethod
    def from_uri(cls, uri: str) -> Self:
        """Alias of :meth:`parse`.

        Args:
            uri: The ``s3://`` URI.

        Returns:
            The path.

        Raises:
            pydantic.ValidationError: If the URI, bucket or key is malformed.
        """
        return cls.parse(uri)

    @property
    def uri(self) -> str:
        """The ``s3://bucket/key`` form.

        Returns:
            The URI (``s3://bucket`` for the bucket root).
        """
        return f"{_S3_SCHEME}{self.bucket}/{self.key}" if self.key else f"{_S3_SCHEME}{self.bucket}"

    @property
    def name(self) -> str:
        """The last segment of the key (a trailing ``/`` is ignored).

        Returns:
            The final key segment, or ``""`` for the bucket root.
        """
        return self.key.rstrip("/").rpartition("/")[2]

    @property
    def parent(self) -> S3Path:
        """The path one segment up (the bucket root is its own parent).

        Returns:
            The parent path, without a trailing ``/``.
        """
        head = self.key.rstrip("/").rpartition("/")[0]
        return S3Path(bucket=self.bucket, key=head)

    def join(self, *parts: str) -> S3Path:
        """Append key segments, like :func:`posixpath.join` without absolute resets.

        Leading and trailing ``/`` of each part are dropped, except a trailing ``/`` on the
        last part, which is kept (it marks a prefix).

        Args:
            *parts: Segments (each may hold ``/``).

        Returns:
            The new path.

        Raises:
            pydantic.ValidationError: If the resulting key is invalid (``..``, control
                characters, longer than 1024 bytes).
        """
        if not parts:
            return self
        segments = [self.key.strip("/")] if self.key.strip("/") else []
        segments.extend(part.strip("/") for part in parts if part.strip("/"))
        key = "/".join(segments)
        if key and parts[-1].endswith("/"):
            key += "/"
        return S3Path(bucket=self.bucket, key=key)

    def __truediv__(self, other: str) -> S3Path:
        """Return ``self.join(other)``.

        Args:
            other: Key segment(s) to append.

        Returns:
            The new path.
        """
        return self.join(other)

    def __str__(self) -> str:
        """Return the URI."""
        return self.uri


def _is_host(host: str | None) -> bool:
    if not host:
        return False
    if _HOST_RE.fullmatch(host):
        return True
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def _check_endpoint_url(url: str) -> str:
    if not url.isascii() or _UNSAFE_URL_CHARS.search(url):
        raise ValueError("endpoint_url must be ASCII with no whitespace or shell characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError("endpoint_url must use http or https")
    if "@" in parts.netloc:
        raise ValueError("endpoint_url must not carry user info")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError("endpoint_url must not have a query or fragment")
    if not _is_host(parts.hostname):
        raise ValueError("endpoint_url must name a host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("endpoint_url has an invalid port") from None
    if port == 0 or parts.netloc.endswith(":"):
        raise ValueError("endpoint_url has an invalid port")
    return url


class AWSConfig(FrozenModel):
    """Where and how to reach AWS: region, optional endpoint and named profile.

    Nothing has an infrastructure default; values come from settings or the caller.

    Args:
        region: AWS region (``eu-central-1``).
        endpoint_url: Optional ``http(s)`` endpoint (a local emulator, a VPC endpoint).
        profile: Optional named profile of the shared AWS config.

    Example:
        >>> cfg = AWSConfig(region="eu-central-1", endpoint_url="http://localhost:4566")
        >>> cfg.client_kwargs()
        {'region_name': 'eu-central-1', 'endpoint_url': 'http://localhost:4566'}
    """

    region: str = Field(pattern=_REGION_PATTERN)
    endpoint_url: str | None = Field(default=None, max_length=2048)
    profile: str | None = Field(default=None, pattern=_PROFILE_PATTERN)

    @field_validator("endpoint_url")
    @classmethod
    def _check_endpoint(cls, v: str | None) -> str | None:
        return None if v is None else _check_endpoint_url(v)

    def client_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``session.client(...)`` / ``session.resource(...)``.

        Returns:
            ``region_name`` and, when set, ``endpoint_url``.
        """
        kwargs = {"region_name": self.region}
        if self.endpoint_url is not None:
            kwargs["endpoint_url"] = self.endpoint_url
        return kwargs

"""The object-store port: the :class:`ObjectStore` protocol and :class:`TransferSettings`.

Both are public through :mod:`tradai.common.aws.s3_utils`; they live here so the adapter
module stays small and the in-memory twin does not need the boto3 adapter.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from tradai.common.aws._s3_common import (
    LIST_MAX_KEYS,
    MIB,
    S3Location,
)
from tradai.common.aws.constants import S3_MIN_PART_SIZE
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.exceptions import ConfigurationError

__all__ = ["ObjectStore", "TransferSettings"]

_MAX_PART_SIZE = 5 * 1024 * MIB
_MAX_CONCURRENCY = 64


@dataclass(frozen=True, slots=True)
class TransferSettings:
    """How large objects move: when to go multipart, part size and parallelism.

    Attributes:
        multipart_threshold: Objects of at least this many bytes use multipart uploads and
            ranged downloads (≥ 5 MiB).
        part_size: Bytes per part or range (5 MiB to 5 GiB); grows automatically when an
            object would need more than 10,000 parts.
        max_concurrency: Parts in flight at once (1-64); keep it at or below the client's
            ``max_pool_connections``.

    Raises:
        ConfigurationError: If a value is out of range.

    Example:
        >>> TransferSettings().part_size // (1024 * 1024)
        16
    """

    multipart_threshold: int = 16 * MIB
    part_size: int = 16 * MIB
    max_concurrency: int = 8

    def __post_init__(self) -> None:
        limits = {
            "multipart_threshold": (S3_MIN_PART_SIZE, None),
            "part_size": (S3_MIN_PART_SIZE, _MAX_PART_SIZE),
            "max_concurrency": (1, _MAX_CONCURRENCY),
        }
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigurationError(f"{name} must be an int", setting=name)
            if value < low or (high is not None and value > high):
                bound = f"between {low} and {high}" if high is not None else f"at least {low}"
                raise ConfigurationError(f"{name} must be {bound}, got {value}", setting=name)


@runtime_checkable
class ObjectStore(Protocol):
    """Objects addressed by ``s3://bucket/key``: bytes, JSON, YAML, files, listing, URLs.

    Implementations: :class:`~tradai.common.aws.s3_utils.S3ObjectStore` (boto3),
    :class:`~tradai.common.aws.memory.object_store.InMemoryObjectStore` (tests) and, as
    coroutines, :class:`~tradai.common.aws.async_s3_utils.AsyncS3ObjectStore`. Their
    methods are documented here once. Every method may raise, from
    :mod:`tradai.common.exceptions`:

    * ``ValidationError`` — malformed input (location, data, content type, page size,
      cursor, lifetime, method, a value JSON/YAML cannot hold), before any request;
    * ``NotFoundError`` — a missing bucket, or a missing key for reads and copies; its
      ``resource`` (and its message) is the ``s3://`` URI;
    * ``TransientError`` — throttling, 5xx, timeouts, an unreachable endpoint (after the
      SDK's own retries): retrying later may help;
    * ``ExternalServiceError`` — another failure of the store, including downloaded bytes
      that do not match the object's checksum (``error_code="ChecksumMismatch"``);
    * ``AuthenticationError`` — credentials missing, refused or lacking a permission.
    """

    def put_bytes(
        self,
        location: S3Location,
        data: bytes | bytearray | memoryview,
        *,
        content_type: str | None = None,
    ) -> str:
        """Store ``data`` at ``location`` (replacing any object there).

        Args:
            location: Where to write.
            data: The bytes (``bytes``, ``bytearray`` or ``memoryview``).
            content_type: Optional media type.

        Returns:
            The SHA-256 of ``data``, hex.

        Raises:
            NotFoundError: If the bucket does not exist.
        """
        ...

    def get_bytes(self, location: S3Location) -> bytes:
        """Read a whole object and check it against the checksum S3 holds for it.

        Args:
            location: The object.

        Returns:
            Its bytes.

        Raises:
            NotFoundError: If the key or bucket does not exist.
            ExternalServiceError: ``ChecksumMismatch`` if the bytes are not the stored ones.
        """
        ...

    def put_json(self, location: S3Location, value: Any) -> str:
        """Store ``value`` as compact UTF-8 JSON (``application/json``).

        Args:
            location: Where to write.
            value: JSON-serialisable data.

        Returns:
            The SHA-256 of the encoded bytes, hex.
        """
        ...

    def get_json(self, location: S3Location) -> Any:
        """Read and decode a JSON object.

        Args:
            location: The object.

        Returns:
            The decoded value.

        Raises:
            NotFoundError: If the key or bucket does not exist.
            ValidationError: If the object is not UTF-8 JSON.
        """
        ...

    def put_yaml(self, location: S3Location, value: Any) -> str:
        """Store ``value`` as YAML (``application/yaml``; needs the ``yaml`` extra).

        Args:
            location: Where to write.
            value: Data made of plain types.

        Returns:
            The SHA-256 of the encoded bytes, hex.
        """
        ...

    def get_yaml(self, location: S3Location) -> Any:
        """Read and decode a YAML object (``safe_load``).

        Args:
            location: The object.

        Returns:
            The decoded value.

        Raises:
            NotFoundError: If the key or bucket does not exist.
            ValidationError: If the object is not UTF-8 YAML.
            MissingDependencyError: If PyYAML is not installed (extra ``yaml``).
        """
        ...

    def upload_file(
        self,
        source: str | os.PathLike[str],
        destination: S3Location,
        *,
        content_type: str | None = None,
    ) -> str:
        """Upload a local file.

        Args:
            source: The local file.
            destination: Where to write.
            content_type: Optional media type.

        Returns:
            The file's SHA-256, hex.

        Raises:
            OSError: If the local file cannot be read (``FileNotFoundError``...).
            ConflictError: If the file shrinks while it is uploaded.
            NotFoundError: If the bucket does not exist.
        """
        ...

    def download_file(self, source: S3Location, destination: str | os.PathLike[str]) -> str:
        """Download an object to a local file (atomically; parent folders are created).

        Args:
            source: The object.
            destination: The local path.

        Returns:
            The SHA-256 of the bytes written, hex.

        Raises:
            NotFoundError: If the key or bucket does not exist (nothing is written).
            ExternalServiceError: ``ChecksumMismatch`` (nothing is written), or the object
                changed during the download (HTTP 412).
        """
        ...

    def exists(self, location: S3Location) -> bool:
        """Whether an object exists (``False`` for a missing bucket too).

        Args:
            location: The object.

        Returns:
            True if it exists.
        """
        ...

    def delete(self, location: S3Location) -> None:
        """Delete an object; deleting a missing key is not an error.

        Args:
            location: The object.

        Raises:
            NotFoundError: If the bucket does not exist.
        """
        ...

    def copy(self, source: S3Location, destination: S3Location) -> None:
        """Copy an object (content type and metadata included).

        Args:
            source: The object to copy.
            destination: Where to write.

        Raises:
            NotFoundError: If the source, or the destination bucket, does not exist
                (``resource`` names which).
        """
        ...

    def list_page(
        self, prefix: S3Location, *, page_size: int = LIST_MAX_KEYS, cursor: str | None = None
    ) -> PaginatedResponse[str]:
        """Return one page of keys under ``prefix``, in S3's (UTF-8 binary) order.

        Args:
            prefix: ``s3://bucket/prefix`` (the prefix may be empty).
            page_size: Keys per page, 1-1000.
            cursor: The previous page's ``next_cursor``; ``None`` for the first page.

        Returns:
            The page; ``next_cursor`` is ``None`` on the last one.

        Raises:
            NotFoundError: If the bucket does not exist.
        """
        ...

    def list_keys(self, prefix: S3Location, *, page_size: int = LIST_MAX_KEYS) -> Iterator[str]:
        """Iterate over every key under ``prefix``, fetching ``page_size`` keys at a time.

        Args:
            prefix: ``s3://bucket/prefix`` (the prefix may be empty).
            page_size: Keys per request, 1-1000.

        Returns:
            An iterator of keys (without the bucket).
        """
        ...

    def presigned_url(
        self, location: S3Location, *, method: str = "GET", expires_in: int = 3600
    ) -> str:
        """Return a URL that lets its holder GET or PUT the object without credentials.

        Args:
            location: The object.
            method: ``"GET"`` or ``"PUT"``.
            expires_in: Lifetime in seconds, 1 to 604800 (7 days).

        Returns:
            The URL.
        """
        ...

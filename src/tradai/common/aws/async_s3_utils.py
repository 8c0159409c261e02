"""Async S3 object storage: :class:`AsyncS3ObjectStore`, the coroutine twin of ``S3ObjectStore``.

It has the same operations, input rules, errors, checksums and multipart behaviour as
:class:`~tradai.common.aws.s3_utils.S3ObjectStore` (see that module), as coroutines on an
aioboto3 client from :class:`~tradai.common.aws.AsyncClientFactory`, plus bulk operations
(:meth:`~AsyncS3ObjectStore.upload_many`, :meth:`~AsyncS3ObjectStore.download_many`,
:meth:`~AsyncS3ObjectStore.delete_many`).

Decisions where the design document is silent:

* One :class:`asyncio.Semaphore` of ``settings.max_concurrency`` slots is created per call
  (semaphores belong to one event loop) and every S3 request of that call holds a slot,
  so a bulk call never has more requests, or parts in memory, in flight than that; at most
  as many files are open at once.
* Bulk calls validate every location before the first request, return results in input
  order, and on the first failure cancel the rest and raise that failure (not an
  ``ExceptionGroup``). Multipart uploads cut short are aborted.
* ``delete_many`` groups keys by bucket, drops duplicates and sends ``DeleteObjects`` in
  batches of 1000 (S3's limit); a key S3 reports as not deleted raises the translated error
  of the first such key. Missing keys are not errors.
* ``list_keys`` is a plain method returning an async iterator, so bad input raises at the
  call, before any request: ``async for key in store.list_keys("s3://b/p/")``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any, TypeAlias

from tradai.common._files import atomic_destination
from tradai.common._lazy import require
from tradai.common.aws._async_client_factory import AsyncClientFactory, get_async_client
from tradai.common.aws._s3_async_transfer import AsyncTransfer, gather_all
from tradai.common.aws._s3_codecs import (
    JSON_CONTENT_TYPE,
    YAML_CONTENT_TYPE,
    dump_json,
    dump_yaml,
    load_json,
    load_yaml,
)
from tradai.common.aws._s3_common import (
    LIST_MAX_KEYS,
    S3Location,
    check_bytes,
    check_content_type,
    check_expiry,
    check_method,
    check_page_size,
    decode_cursor,
    encode_cursor,
    parse_location,
)
from tradai.common.aws._s3_integrity import (
    Digest,
    expected_checksum,
    verify_download,
)
from tradai.common.aws._s3_requests import (
    aws_boundary,
    keep_presign_sigv4,
)
from tradai.common.aws.errors import translate_aws_error
from tradai.common.aws.s3_utils import TransferSettings
from tradai.common.entities.aws import S3Path
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.exceptions import NotFoundError

__all__ = ["AsyncS3ObjectStore"]

FilePath: TypeAlias = str | os.PathLike[str]


class AsyncS3ObjectStore:
    """The operations of :class:`~tradai.common.aws.s3_utils.ObjectStore`, as coroutines.

    Args:
        client: An open aiobotocore S3 client. When omitted, each call asks ``factory``.
        factory: Where to get the client (per event loop); the process-wide
            :class:`AsyncClientFactory` when omitted.
        settings: Multipart and concurrency settings.

    Example:
        >>> store = AsyncS3ObjectStore()
        >>> store.settings.max_concurrency
        8
    """

    def __init__(
        self,
        *,
        client: Any | None = None,
        factory: AsyncClientFactory | None = None,
        settings: TransferSettings | None = None,
    ) -> None:
        self._client = client
        self._factory = factory
        self._settings = settings or TransferSettings()

    @property
    def settings(self) -> TransferSettings:
        """The transfer settings.

        Returns:
            The settings given at construction (or the defaults).
        """
        return self._settings

    async def client(self) -> Any:
        """Return the client calls go through in the running loop.

        Returns:
            The injected client, else the factory's cached one for this loop.
        """
        if self._client is not None:
            return self._client
        if self._factory is not None:
            return await self._factory.client("s3")
        return await get_async_client("s3")

    async def _engine(self) -> AsyncTransfer:
        s = self._settings
        limit = asyncio.Semaphore(s.max_concurrency)
        return AsyncTransfer(await self.client(), s.multipart_threshold, s.part_size, limit)

    async def put_bytes(
        self,
        location: S3Location,
        data: bytes | bytearray | memoryview,
        *,
        content_type: str | None = None,
    ) -> str:
        """See :meth:`ObjectStore.put_bytes <tradai.common.aws.s3_utils.ObjectStore.put_bytes>`."""
        path = parse_location(location)
        body = check_bytes(data)
        return await (await self._engine()).put(path, body, check_content_type(content_type))

    async def get_bytes(self, location: S3Location) -> bytes:
        """See :meth:`ObjectStore.get_bytes <tradai.common.aws.s3_utils.ObjectStore.get_bytes>`."""
        path = parse_location(location)
        client = await self.client()
        with aws_boundary("GetObject", path.uri):
            response = await client.get_object(
                Bucket=path.bucket, Key=path.key, ChecksumMode="ENABLED"
            )
            body = response["Body"]
            async with body:
                data: bytes = await body.read()
        digest = Digest(expected_checksum(response))
        await asyncio.to_thread(digest.update, data)
        verify_download(path, digest, operation="GetObject")
        return data

    async def put_json(self, location: S3Location, value: Any) -> str:
        """See :meth:`ObjectStore.put_json <tradai.common.aws.s3_utils.ObjectStore.put_json>`."""
        path = parse_location(location)
        return await self.put_bytes(path, dump_json(value), content_type=JSON_CONTENT_TYPE)

    async def get_json(self, location: S3Location) -> Any:
        """See :meth:`ObjectStore.get_json <tradai.common.aws.s3_utils.ObjectStore.get_json>`."""
        path = parse_location(location)
        return load_json(await self.get_bytes(path), path)

    async def put_yaml(self, location: S3Location, value: Any) -> str:
        """See :meth:`ObjectStore.put_yaml <tradai.common.aws.s3_utils.ObjectStore.put_yaml>`."""
        path = parse_location(location)
        return await self.put_bytes(path, dump_yaml(value), content_type=YAML_CONTENT_TYPE)

    async def get_yaml(self, location: S3Location) -> Any:
        """See :meth:`ObjectStore.get_yaml <tradai.common.aws.s3_utils.ObjectStore.get_yaml>`."""
        path = parse_location(location)
        return load_yaml(await self.get_bytes(path), path)

    async def upload_file(
        self, source: FilePath, destination: S3Location, *, content_type: str | None = None
    ) -> str:
        """See ``ObjectStore.upload_file``. A missing local file raises ``OSError``."""
        path = parse_location(destination, field="destination")
        engine = await self._engine()
        return await engine.upload_file(Path(source), path, check_content_type(content_type))

    async def download_file(self, source: S3Location, destination: FilePath) -> str:
        """See ``ObjectStore.download_file``."""
        path = parse_location(source, field="source")
        engine = await self._engine()
        with atomic_destination(destination) as temp:
            return await engine.download(path, temp)

    async def exists(self, location: S3Location) -> bool:
        """See :meth:`ObjectStore.exists <tradai.common.aws.s3_utils.ObjectStore.exists>`."""
        path = parse_location(location)
        client = await self.client()
        try:
            with aws_boundary("HeadObject", path.uri):
                await client.head_object(Bucket=path.bucket, Key=path.key)
        except NotFoundError:
            return False
        return True

    async def delete(self, location: S3Location) -> None:
        """See :meth:`ObjectStore.delete <tradai.common.aws.s3_utils.ObjectStore.delete>`."""
        path = parse_location(location)
        client = await self.client()
        with aws_boundary("DeleteObject", path.uri):
            await client.delete_object(Bucket=path.bucket, Key=path.key)

    async def copy(self, source: S3Location, destination: S3Location) -> None:
        """See :meth:`ObjectStore.copy <tradai.common.aws.s3_utils.ObjectStore.copy>`."""
        src = parse_location(source, field="source")
        dst = parse_location(destination, field="destination")
        await (await self._engine()).copy(src, dst)

    async def list_page(
        self, prefix: S3Location, *, page_size: int = LIST_MAX_KEYS, cursor: str | None = None
    ) -> PaginatedResponse[str]:
        """See :meth:`ObjectStore.list_page <tradai.common.aws.s3_utils.ObjectStore.list_page>`."""
        path = parse_location(prefix, field="prefix", key=False)
        limit = check_page_size(page_size)
        kwargs: dict[str, Any] = {"Bucket": path.bucket, "Prefix": path.key, "MaxKeys": limit}
        start_after = decode_cursor(cursor)
        if start_after is not None:
            kwargs["StartAfter"] = start_after
        client = await self.client()
        with aws_boundary("ListObjectsV2", path.uri):
            response = await client.list_objects_v2(**kwargs)
        keys = [item["Key"] for item in response.get("Contents", [])]
        more = bool(response.get("IsTruncated")) and bool(keys)
        return PaginatedResponse[str](
            items=keys, limit=limit, next_cursor=encode_cursor(keys[-1]) if more else None
        )

    def list_keys(
        self, prefix: S3Location, *, page_size: int = LIST_MAX_KEYS
    ) -> AsyncIterator[str]:
        """Iterate over every key under ``prefix`` (``async for``), page by page.

        Args:
            prefix: ``s3://bucket/prefix`` (the prefix may be empty).
            page_size: Keys per request, 1-1000.

        Returns:
            An async iterator of keys (without the bucket).

        Raises:
            ValidationError: At the call, for a malformed prefix or page size.
        """
        parse_location(prefix, field="prefix", key=False)
        check_page_size(page_size)
        return self._iter_keys(prefix, page_size)

    async def _iter_keys(self, prefix: S3Location, page_size: int) -> AsyncIterator[str]:
        cursor: str | None = None
        while True:
            page = await self.list_page(prefix, page_size=page_size, cursor=cursor)
            for key in page.items:
                yield key
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def presigned_url(
        self, location: S3Location, *, method: str = "GET", expires_in: int = 3600
    ) -> str:
        """See ``ObjectStore.presigned_url``. No request is sent."""
        path = parse_location(location)
        client_method = check_method(method)
        seconds = check_expiry(expires_in)
        client = await self.client()
        keep_presign_sigv4(client)
        with aws_boundary(client_method, path.uri):
            url: str = await client.generate_presigned_url(
                client_method,
                Params={"Bucket": path.bucket, "Key": path.key},
                ExpiresIn=seconds,
            )
        return url

    async def upload_many(self, items: Iterable[tuple[FilePath, S3Location]]) -> list[str]:
        """Upload many files concurrently (``max_concurrency`` requests at most).

        Args:
            items: ``(local file, destination)`` pairs.

        Returns:
            Each file's SHA-256 (hex), in input order.

        Raises:
            ValidationError: Before any upload, if a destination is malformed.
        """
        pairs = [(Path(src), parse_location(dst, field="destination")) for src, dst in items]
        engine = await self._engine()
        files = asyncio.Semaphore(self._settings.max_concurrency)

        async def one(source: Path, path: S3Path) -> str:
            async with files:
                return await engine.upload_file(source, path, None)

        return await gather_all(one(src, dst) for src, dst in pairs)

    async def download_many(self, items: Iterable[tuple[S3Location, FilePath]]) -> list[str]:
        """Download many objects concurrently (``max_concurrency`` requests at most).

        Args:
            items: ``(source, local file)`` pairs.

        Returns:
            The SHA-256 (hex) of each file written, in input order.

        Raises:
            ValidationError: Before any download, if a source is malformed.
        """
        pairs = [(parse_location(src, field="source"), dst) for src, dst in items]
        engine = await self._engine()
        files = asyncio.Semaphore(self._settings.max_concurrency)

        async def one(path: S3Path, destination: FilePath) -> str:
            async with files:
                with atomic_destination(destination) as temp:
                    return await engine.download(path, temp)

        return await gather_all(one(src, dst) for src, dst in pairs)

    async def delete_many(self, locations: Iterable[S3Location]) -> None:
        """Delete many objects with ``DeleteObjects``, 1000 keys per request.

        Args:
            locations: The objects (any buckets; duplicates are sent once).

        Raises:
            ValidationError: Before any request, if a location is malformed.
            TradAIError: The translated error of the first key S3 did not delete.
        """
        by_bucket: dict[str, dict[str, None]] = {}
        for location in locations:
            path = parse_location(location)
            by_bucket.setdefault(path.bucket, {})[path.key] = None
        engine = await self._engine()
        batches = [
            (bucket, list(keys)[start : start + LIST_MAX_KEYS])
            for bucket, keys in by_bucket.items()
            for start in range(0, len(keys), LIST_MAX_KEYS)
        ]
        await gather_all(self._delete_batch(engine, bucket, keys) for bucket, keys in batches)

    @staticmethod
    async def _delete_batch(engine: AsyncTransfer, bucket: str, keys: list[str]) -> None:
        response = await engine.call(
            "DeleteObjects",
            f"s3://{bucket}",
            "delete_objects",
            Bucket=bucket,
            Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
        )
        _raise_delete_errors(bucket, len(keys), response)


def _raise_delete_errors(bucket: str, sent: int, response: dict[str, Any]) -> None:
    """Raise the translated error of the first key a ``DeleteObjects`` call did not delete.

    Args:
        bucket: The bucket.
        sent: How many keys the request held.
        response: The ``DeleteObjects`` response.

    Raises:
        TradAIError: When ``response["Errors"]`` is not empty.
    """
    failures = response.get("Errors") or []
    if not failures:
        return
    first = failures[0]
    message = f"{len(failures)} of {sent} keys not deleted; first: {first.get('Message', '')}"
    error = require("botocore.exceptions", extra="aws").ClientError(
        {"Error": {"Code": first.get("Code", "InternalError"), "Message": message}},
        "DeleteObjects",
    )
    resource = f"s3://{bucket}/{first.get('Key', '')}"
    raise translate_aws_error(
        error, service="s3", operation="DeleteObjects", resource=resource
    ) from error

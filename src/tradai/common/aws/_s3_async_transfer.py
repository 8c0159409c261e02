"""The asyncio multipart engine behind ``AsyncS3ObjectStore``.

The same protocol as the threaded engine (:mod:`tradai.common.aws._s3_transfer`), with
tasks instead of threads: every S3 request holds one slot of an :class:`asyncio.Semaphore`
while it runs, so a bulk operation sharing one semaphore never has more than its limit of
requests (and of parts in memory) in flight. File reads, writes and hashing of large
blocks run in worker threads (:func:`asyncio.to_thread`) so the event loop stays free.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tradai.common.aws._s3_common import (
    MIB,
)
from tradai.common.aws._s3_integrity import (
    Digest,
    crc32_b64,
    expected_checksum,
    verify_download,
)
from tradai.common.aws._s3_requests import (
    Part,
    aws_boundary,
    byte_range,
    object_args,
    plan_parts,
)
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import ConflictError, TradAIError

__all__ = ["AsyncTransfer", "gather_all"]

T = TypeVar("T")

_CHUNK = MIB
_HASH_BLOCK = 8 * MIB
_CRC32 = {"ChecksumAlgorithm": "CRC32"}


async def gather_all(aws: Iterable[Awaitable[T]]) -> list[T]:
    """Await everything concurrently; on the first error cancel the rest and raise it.

    Args:
        aws: Coroutines or tasks.

    Returns:
        Their results, in order.
    """
    tasks = [asyncio.ensure_future(item) for item in aws]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _write_at(path: Path, offset: int, data: bytes | bytearray) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def _hash_range(path: Path, digest: Digest, offset: int, length: int) -> None:
    with path.open("rb") as handle:
        handle.seek(offset)
        while length > 0:
            block = handle.read(min(_HASH_BLOCK, length))
            digest.update(block)
            length -= len(block)


@dataclass(frozen=True, slots=True)
class AsyncTransfer:
    """Transfers bound to an open aiobotocore client, settings and a request limit.

    Attributes:
        client: The open aiobotocore S3 client.
        threshold: Bytes from which transfers go multipart.
        part_size: Bytes per part or range.
        limit: Requests in flight at once (shared by everything a bulk call starts).
    """

    client: Any
    threshold: int
    part_size: int
    limit: asyncio.Semaphore

    async def call(self, operation: str, resource: str, method: str, **kwargs: Any) -> Any:
        """Make one S3 call under the limit, translating its errors.

        Args:
            operation: The S3 operation name (for errors).
            resource: The ``s3://`` URI it is about.
            method: The client method.
            **kwargs: Its arguments.

        Returns:
            The response.
        """
        async with self.limit:
            with aws_boundary(operation, resource):
                return await getattr(self.client, method)(**kwargs)

    async def put(self, path: S3Path, data: bytes, content_type: str | None) -> str:
        """Upload bytes (multipart from the threshold on).

        Args:
            path: Destination.
            data: The bytes.
            content_type: Optional media type.

        Returns:
            The SHA-256 of ``data``, hex.
        """
        if len(data) >= self.threshold:
            view = memoryview(data)
            return await self._multipart(
                path, len(data), content_type, lambda o, n: bytes(view[o : o + n])
            )
        digest = Digest()
        await asyncio.to_thread(digest.update, data)
        await self.call(
            "PutObject",
            path.uri,
            "put_object",
            Body=data,
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=digest.sha256_b64,
            **object_args(path, content_type),
        )
        return digest.sha256_hex

    async def upload_file(self, source: Path, path: S3Path, content_type: str | None) -> str:
        """Upload a local file (multipart from the threshold on).

        Args:
            source: The file.
            path: Destination.
            content_type: Optional media type.

        Returns:
            The file's SHA-256, hex.
        """
        handle = await asyncio.to_thread(source.open, "rb")
        try:
            size = os.fstat(handle.fileno()).st_size
            if size < self.threshold:
                return await self.put(path, await asyncio.to_thread(handle.read), content_type)

            def read(offset: int, length: int) -> bytes:
                data: bytes = handle.read(length)
                if len(data) != length:
                    raise ConflictError(f"{source} changed while it was uploaded to {path.uri}")
                return data

            return await self._multipart(path, size, content_type, read)
        finally:
            handle.close()

    async def download(self, path: S3Path, temp: Path) -> str:
        """Download an object into ``temp`` and verify it.

        Args:
            path: The object.
            temp: The (existing, empty) file to fill.

        Returns:
            The SHA-256 of the bytes written, hex.
        """
        head = await self.call(
            "HeadObject",
            path.uri,
            "head_object",
            Bucket=path.bucket,
            Key=path.key,
            ChecksumMode="ENABLED",
        )
        size, etag = int(head["ContentLength"]), head["ETag"]
        digest = Digest(expected_checksum(head))
        parts = plan_parts(size, self.part_size) if size >= self.threshold else [(1, 0, size)]
        await asyncio.to_thread(os.truncate, temp, size)
        tasks = [asyncio.ensure_future(self._get_range(path, temp, etag, p, size)) for p in parts]
        try:
            for task, (_, offset, length) in zip(tasks, parts, strict=True):
                await task
                await asyncio.to_thread(_hash_range, temp, digest, offset, length)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return verify_download(path, digest, operation="GetObject")

    async def copy(self, src: S3Path, dst: S3Path) -> None:
        """Copy an object server-side (``UploadPartCopy`` parts from the threshold on).

        Args:
            src: The object to copy.
            dst: Where to write.
        """
        head = await self.call("HeadObject", src.uri, "head_object", Bucket=src.bucket, Key=src.key)
        source = {"Bucket": src.bucket, "Key": src.key}
        size, etag = int(head["ContentLength"]), head["ETag"]
        if size < self.threshold:
            await self.call(
                "CopyObject",
                dst.uri,
                "copy_object",
                CopySource=source,
                CopySourceIfMatch=etag,
                ChecksumAlgorithm="SHA256",
                **object_args(dst, None),
            )
            return
        parts = plan_parts(size, self.part_size)

        async def copy_part(upload_id: str, part: Part) -> dict[str, Any]:
            number, offset, length = part
            response = await self.call(
                "UploadPartCopy",
                dst.uri,
                "upload_part_copy",
                Bucket=dst.bucket,
                Key=dst.key,
                UploadId=upload_id,
                PartNumber=number,
                CopySource=source,
                CopySourceRange=byte_range(offset, length),
                CopySourceIfMatch=etag,
            )
            result = response["CopyPartResult"]
            # AWS returns the part's CRC32 (the upload asked for CRC32); moto does not.
            checksum = {k: v for k, v in result.items() if k == "ChecksumCRC32"}
            return {"PartNumber": number, "ETag": result["ETag"], **checksum}

        async def copy_parts(upload_id: str) -> list[dict[str, Any]]:
            return await gather_all(copy_part(upload_id, part) for part in parts)

        create = object_args(dst, head.get("ContentType"), head.get("Metadata"), parts)
        await self._in_upload(dst, create, copy_parts)

    async def _multipart(
        self, path: S3Path, size: int, content_type: str | None, read: Callable[[int, int], bytes]
    ) -> str:
        digest = Digest()
        parts = plan_parts(size, self.part_size)

        async def send(upload_id: str, number: int, data: bytes) -> dict[str, Any]:
            # The slot was taken by ``send_parts`` before reading; it is released here.
            try:
                with aws_boundary("UploadPart", path.uri):
                    response = await self.client.upload_part(
                        Bucket=path.bucket,
                        Key=path.key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=data,
                        **_CRC32,
                    )
            finally:
                self.limit.release()
            checksum = response.get("ChecksumCRC32") or crc32_b64(zlib.crc32(data))
            return {"PartNumber": number, "ETag": response["ETag"], "ChecksumCRC32": checksum}

        async def send_parts(upload_id: str) -> list[dict[str, Any]]:
            tasks: list[asyncio.Future[dict[str, Any]]] = []
            try:
                for number, offset, length in parts:
                    await self.limit.acquire()
                    if any(t.done() and not t.cancelled() and t.exception() for t in tasks):
                        self.limit.release()
                        break
                    try:
                        data = await asyncio.to_thread(read, offset, length)
                    except BaseException:
                        self.limit.release()
                        raise
                    tasks.append(asyncio.ensure_future(send(upload_id, number, data)))
                    await asyncio.to_thread(digest.update, data)  # while the part is sent
            except BaseException:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise
            return await gather_all(tasks)

        await self._in_upload(path, object_args(path, content_type, None, parts), send_parts)
        return digest.sha256_hex

    async def _in_upload(
        self,
        path: S3Path,
        create: dict[str, Any],
        send_parts: Callable[[str], Awaitable[list[dict[str, Any]]]],
    ) -> None:
        response = await self.call(
            "CreateMultipartUpload", path.uri, "create_multipart_upload", **create, **_CRC32
        )
        upload_id = response["UploadId"]
        try:
            parts = await send_parts(upload_id)
            await self.call(
                "CompleteMultipartUpload",
                path.uri,
                "complete_multipart_upload",
                Bucket=path.bucket,
                Key=path.key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            with contextlib.suppress(TradAIError, asyncio.CancelledError):
                await self.call(
                    "AbortMultipartUpload",
                    path.uri,
                    "abort_multipart_upload",
                    Bucket=path.bucket,
                    Key=path.key,
                    UploadId=upload_id,
                )
            raise

    async def _get_range(self, path: S3Path, temp: Path, etag: str, part: Part, size: int) -> None:
        _, offset, length = part
        kwargs: dict[str, Any] = {"Bucket": path.bucket, "Key": path.key, "IfMatch": etag}
        if length != size:
            kwargs["Range"] = byte_range(offset, length)
        async with self.limit:
            with aws_boundary("GetObject", path.uri):
                response = await self.client.get_object(**kwargs)
                body = response["Body"]
                async with body:
                    data = bytearray()
                    async for chunk in body.iter_chunks(_CHUNK):
                        data += chunk
            # Still holding the slot: at most ``limit`` ranges are ever in memory.
            await asyncio.to_thread(_write_at, temp, offset, data)

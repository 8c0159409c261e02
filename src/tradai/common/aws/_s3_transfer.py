"""The threaded multipart engine behind :class:`~tradai.common.aws.s3_utils.S3ObjectStore`.

* **Upload** below the threshold: one ``PutObject`` with the SHA-256 as ``ChecksumSHA256``.
  From the threshold on: a multipart upload with CRC32 checksums (S3's default composite
  type) and the part size in the ``tradai-part-size`` metadata. The caller's thread reads
  the parts in order, feeding the SHA-256, and hands each part to a pool of ``concurrency``
  threads that send it with the CRC32 the SDK computes as it streams (S3 refuses a
  corrupted part; over plain HTTP this also spares the SDK a SHA-256 of every part for
  the signature); at most ``concurrency`` parts wait in memory. Any failure aborts the
  upload.
* **Download**: ``HeadObject`` (size, ETag, checksum), then one GET below the threshold or
  ranged GETs pinned to the ETag (``If-Match``) that threads write in place while the
  caller's thread hashes the file in order as parts land; the bytes are then checked
  against the object's checksum (see :func:`~tradai.common.aws._s3_integrity.expected_checksum`).
* **Copy** from the threshold on: ``UploadPartCopy`` parts, server-side.

A full-object CRC32 (``ChecksumType=FULL_OBJECT``) would need no part-size metadata, but
moto copies the whole object once more to compute it, which made uploads ~40 % slower
against it; the composite checksum is what the AWS CLI and boto3 write too.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
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

__all__ = ["SyncTransfer", "run_parallel"]

T = TypeVar("T")
R = TypeVar("R")

_CHUNK = MIB
_HASH_BLOCK = 8 * MIB
_CRC32 = {"ChecksumAlgorithm": "CRC32"}


def run_parallel(func: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """Run ``func`` over ``items`` in threads; results in order; the first error cancels.

    Args:
        func: The work for one item.
        items: The items.
        workers: Most threads at once.

    Returns:
        ``func(item)`` for every item, in the items' order.
    """
    if workers <= 1 or len(items) <= 1:
        return [func(item) for item in items]
    with ThreadPoolExecutor(min(workers, len(items)), thread_name_prefix="tradai-s3") as pool:
        futures = [pool.submit(func, item) for item in items]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in done:
            if future.exception() is not None:
                future.result()
        return [future.result() for future in futures]


@dataclass(frozen=True, slots=True)
class SyncTransfer:
    """One store's transfer operations, bound to a client and its settings.

    Attributes:
        client: The boto3 S3 client.
        threshold: Bytes from which transfers go multipart.
        part_size: Bytes per part or range.
        concurrency: Parts in flight at once.
    """

    client: Any
    threshold: int
    part_size: int
    concurrency: int

    def put(self, path: S3Path, data: bytes, content_type: str | None) -> str:
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
            return self._multipart(path, len(data), content_type, lambda o, n: view[o : o + n])
        digest = Digest()
        digest.update(data)
        with aws_boundary("PutObject", path.uri):
            self.client.put_object(
                Body=data,
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=digest.sha256_b64,
                **object_args(path, content_type),
            )
        return digest.sha256_hex

    def upload_file(self, source: Path, path: S3Path, content_type: str | None) -> str:
        """Upload a local file (multipart from the threshold on).

        Args:
            source: The file.
            path: Destination.
            content_type: Optional media type.

        Returns:
            The file's SHA-256, hex.

        Raises:
            OSError: If the file cannot be read.
            ConflictError: If the file shrinks while it is uploaded.
        """
        with source.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < self.threshold:
                return self.put(path, handle.read(), content_type)

            def read(offset: int, length: int) -> bytes:
                data = handle.read(length)
                if len(data) != length:
                    raise ConflictError(f"{source} changed while it was uploaded to {path.uri}")
                return data

            return self._multipart(path, size, content_type, read)

    def download(self, path: S3Path, temp: Path) -> str:
        """Download an object into ``temp`` (ranged GETs from the threshold on) and verify it.

        Args:
            path: The object.
            temp: The (existing, empty) file to fill.

        Returns:
            The SHA-256 of the bytes written, hex.
        """
        with aws_boundary("HeadObject", path.uri):
            head = self.client.head_object(Bucket=path.bucket, Key=path.key, ChecksumMode="ENABLED")
        size, etag = int(head["ContentLength"]), head["ETag"]
        digest = Digest(expected_checksum(head))
        if size < self.threshold:
            self._get_whole(path, temp, etag, digest)
        else:
            self._get_ranges(path, temp, etag, size, digest)
        return verify_download(path, digest, operation="GetObject")

    def copy(self, src: S3Path, dst: S3Path) -> None:
        """Copy an object server-side (``UploadPartCopy`` parts from the threshold on).

        Args:
            src: The object to copy.
            dst: Where to write.
        """
        with aws_boundary("HeadObject", src.uri):
            head = self.client.head_object(Bucket=src.bucket, Key=src.key, ChecksumMode="ENABLED")
        source = {"Bucket": src.bucket, "Key": src.key}
        size, etag = int(head["ContentLength"]), head["ETag"]
        if size < self.threshold:
            with aws_boundary("CopyObject", dst.uri):
                self.client.copy_object(
                    CopySource=source,
                    CopySourceIfMatch=etag,
                    ChecksumAlgorithm="SHA256",
                    **object_args(dst, None),
                )
            return
        parts = plan_parts(size, self.part_size)
        create = object_args(dst, head.get("ContentType"), head.get("Metadata"), parts)

        def copy_parts(upload_id: str) -> list[dict[str, Any]]:
            def copy_part(part: Part) -> dict[str, Any]:
                number, offset, length = part
                with aws_boundary("UploadPartCopy", dst.uri):
                    result = self.client.upload_part_copy(
                        Bucket=dst.bucket,
                        Key=dst.key,
                        UploadId=upload_id,
                        PartNumber=number,
                        CopySource=source,
                        CopySourceRange=byte_range(offset, length),
                        CopySourceIfMatch=etag,
                    )["CopyPartResult"]
                # AWS returns the part's CRC32 (the upload asked for CRC32); moto does not.
                checksum = {k: v for k, v in result.items() if k == "ChecksumCRC32"}
                return {"PartNumber": number, "ETag": result["ETag"], **checksum}

            return run_parallel(copy_part, parts, self.concurrency)

        self._in_upload(dst, create, copy_parts)

    def _multipart(
        self,
        path: S3Path,
        size: int,
        content_type: str | None,
        read: Callable[[int, int], bytes | memoryview],
    ) -> str:
        digest = Digest()
        parts = plan_parts(size, self.part_size)

        def send_parts(upload_id: str) -> list[dict[str, Any]]:
            def send(number: int, data: bytes | memoryview) -> dict[str, Any]:
                body = bytes(data) if isinstance(data, memoryview) else data
                with aws_boundary("UploadPart", path.uri):
                    response = self.client.upload_part(
                        Bucket=path.bucket,
                        Key=path.key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=body,
                        ChecksumAlgorithm="CRC32",
                    )
                checksum = response.get("ChecksumCRC32") or crc32_b64(zlib.crc32(body))
                return {"PartNumber": number, "ETag": response["ETag"], "ChecksumCRC32": checksum}

            sent: list[dict[str, Any]] = []
            with ThreadPoolExecutor(self.concurrency, thread_name_prefix="tradai-s3") as pool:
                waiting: deque[Future[dict[str, Any]]] = deque()
                try:
                    for number, offset, length in parts:
                        if len(waiting) >= self.concurrency:
                            sent.append(waiting.popleft().result())
                        data = read(offset, length)
                        waiting.append(pool.submit(send, number, data))
                        digest.update(data)  # while the part is on its way
                    sent.extend(future.result() for future in waiting)
                finally:
                    for future in waiting:
                        future.cancel()
            return sent

        self._in_upload(path, object_args(path, content_type, None, parts), send_parts)
        return digest.sha256_hex

    def _in_upload(
        self,
        path: S3Path,
        create: dict[str, Any],
        send_parts: Callable[[str], list[dict[str, Any]]],
    ) -> None:
        with aws_boundary("CreateMultipartUpload", path.uri):
            upload_id = self.client.create_multipart_upload(**create, **_CRC32)["UploadId"]
        try:
            parts = send_parts(upload_id)
            with aws_boundary("CompleteMultipartUpload", path.uri):
                self.client.complete_multipart_upload(
                    Bucket=path.bucket,
                    Key=path.key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
        except BaseException:
            with contextlib.suppress(TradAIError), aws_boundary("AbortMultipartUpload", path.uri):
                self.client.abort_multipart_upload(
                    Bucket=path.bucket, Key=path.key, UploadId=upload_id
                )
            raise

    def _get_whole(self, path: S3Path, temp: Path, etag: str, digest: Digest) -> None:
        with aws_boundary("GetObject", path.uri):
            response = self.client.get_object(Bucket=path.bucket, Key=path.key, IfMatch=etag)
            with contextlib.closing(response["Body"]) as body, temp.open("wb") as out:
                for chunk in body.iter_chunks(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)

    def _get_range(self, path: S3Path, temp: Path, etag: str, part: Part) -> None:
        _, offset, length = part
        with aws_boundary("GetObject", path.uri):
            response = self.client.get_object(
                Bucket=path.bucket, Key=path.key, Range=byte_range(offset, length), IfMatch=etag
            )
            with contextlib.closing(response["Body"]) as body, temp.open("r+b") as out:
                out.seek(offset)
                for chunk in body.iter_chunks(_CHUNK):
                    out.write(chunk)

    def _get_ranges(self, path: S3Path, temp: Path, etag: str, size: int, digest: Digest) -> None:
        parts = plan_parts(size, self.part_size)
        os.truncate(temp, size)
        workers = min(self.concurrency, len(parts))
        with (
            ThreadPoolExecutor(workers, thread_name_prefix="tradai-s3") as pool,
            temp.open("rb") as reader,
        ):
            futures = [pool.submit(self._get_range, path, temp, etag, part) for part in parts]
            try:
                for future, (_, _, length) in zip(futures, parts, strict=True):
                    future.result()
                    remaining = length
                    while remaining > 0:
                        block = reader.read(min(_HASH_BLOCK, remaining))
                        digest.update(block)
                        remaining -= len(block)
            finally:
                for future in futures:
                    future.cancel()

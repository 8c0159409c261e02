"""S3 object storage: the :class:`ObjectStore` port and its boto3 adapter.

Every location is an :class:`~tradai.common.entities.aws.S3Path` or an ``"s3://bucket/key"``
string, parsed before any call; a malformed one raises
:class:`~tradai.common.exceptions.ValidationError`. S3 errors go through
:func:`~tradai.common.aws.errors.translate_aws_error` (a missing key or bucket is a
:class:`~tradai.common.exceptions.NotFoundError` whose ``resource`` is the ``s3://`` URI).

Decisions where the design document is silent:

* **Integrity.** Writes send S3's own checksums and downloads are checked against them.
  A single ``PutObject`` carries the SHA-256 as ``ChecksumSHA256`` (S3 rejects bytes that
  do not match). A multipart upload asks for CRC32 (S3 checks every part; the object gets
  the composite CRC32 of its parts' CRC32s, as with the AWS CLI) and records its part size
  in the ``tradai-part-size`` metadata, so a download can rebuild that composite value.
  Every read recomputes the checksum and raises
  :class:`~tradai.common.exceptions.ExternalServiceError` (``error_code="ChecksumMismatch"``)
  on a difference. Objects written by other tools are checked when they have a full-object
  checksum (SHA-256 or CRC32); a composite one without the part size cannot be rebuilt
  reliably and is not checked. moto stores the checksums it is sent without checking them,
  so against moto only the download side proves anything. Writes and downloads return the
  hex SHA-256 of the bytes (the same value in every store, whatever S3 keeps).
* **Transfers** (:class:`TransferSettings`): at or above ``multipart_threshold`` an upload
  is a multipart upload and a download a set of ranged GETs, ``max_concurrency`` at a time,
  in threads. The caller's thread reads and hashes the file once, in order, while the
  threads send; at most ``max_concurrency`` parts wait in memory. A failed multipart upload
  is aborted. Ranged GETs carry ``If-Match`` with the object's ETag, so an object replaced
  mid-download fails instead of mixing versions. Downloads go to a temporary file next to
  the destination and are moved into place only once verified. Defaults (16 MiB threshold
  and parts, 8 threads) halve the requests of boto3's 8 MiB defaults.
* **Listing** uses ``StartAfter``: a page's cursor is the URL-safe base64 of its last key,
  so cursors are the same in every store. ``delete`` of a missing key succeeds (as in S3).
* **Presigned URLs** (GET/PUT) last 1 s to 7 days and are always SigV4 (botocore would
  otherwise fall back to SigV2 in us-east-1, which buckets created since 2020 refuse).
* **Copies** keep content type and metadata; at or above the threshold they are
  ``UploadPartCopy`` parts, server-side, pinned to the source's ETag.
* ``get_bytes`` is one GET; use ``download_file`` for large objects.

Example:
    >>> settings = TransferSettings(part_size=8 * 1024 * 1024)
    >>> settings.max_concurrency
    8
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tradai.common._files import atomic_destination
from tradai.common.aws._client_factory import get_s3_client
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
from tradai.common.aws._s3_port import ObjectStore, TransferSettings
from tradai.common.aws._s3_requests import (
    aws_boundary,
    keep_presign_sigv4,
)
from tradai.common.aws._s3_transfer import SyncTransfer
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.exceptions import NotFoundError

__all__ = ["ObjectStore", "S3Location", "S3ObjectStore", "TransferSettings"]


class S3ObjectStore:
    """:class:`ObjectStore` on Amazon S3 (or any S3 API) through boto3.

    Args:
        client: A boto3 S3 client; the process-wide cached one (``get_s3_client()``, which
            follows ``AWS_ENDPOINT_URL``) when omitted.
        settings: Multipart and concurrency settings.

    Raises:
        MissingDependencyError: On first use, if boto3 is not installed (extra ``aws``).
    """

    def __init__(self, *, client: Any | None = None, settings: TransferSettings | None = None):
        self._client = client
        self._settings = settings or TransferSettings()

    @property
    def client(self) -> Any:
        """The boto3 client calls go through.

        Returns:
            The injected client, else the process-wide cached one.
        """
        return self._client if self._client is not None else get_s3_client()

    @property
    def settings(self) -> TransferSettings:
        """The transfer settings.

        Returns:
            The settings given at construction (or the defaults).
        """
        return self._settings

    def _transfer(self) -> SyncTransfer:
        s = self._settings
        return SyncTransfer(self.client, s.multipart_threshold, s.part_size, s.max_concurrency)

    def put_bytes(
        self,
        location: S3Location,
        data: bytes | bytearray | memoryview,
        *,
        content_type: str | None = None,
    ) -> str:
        """See :meth:`ObjectStore.put_bytes`."""
        path = parse_location(location)
        body = check_bytes(data)
        return self._transfer().put(path, body, check_content_type(content_type))

    def get_bytes(self, location: S3Location) -> bytes:
        """See :meth:`ObjectStore.get_bytes`."""
        path = parse_location(location)
        with aws_boundary("GetObject", path.uri):
            response = self.client.get_object(
                Bucket=path.bucket, Key=path.key, ChecksumMode="ENABLED"
            )
            with contextlib.closing(response["Body"]) as body:
                data: bytes = body.read()
        digest = Digest(expected_checksum(response))
        digest.update(data)
        verify_download(path, digest, operation="GetObject")
        return data

    def put_json(self, location: S3Location, value: Any) -> str:
        """See :meth:`ObjectStore.put_json`."""
        path = parse_location(location)
        return self.put_bytes(path, dump_json(value), content_type=JSON_CONTENT_TYPE)

    def get_json(self, location: S3Location) -> Any:
        """See :meth:`ObjectStore.get_json`."""
        path = parse_location(location)
        return load_json(self.get_bytes(path), path)

    def put_yaml(self, location: S3Location, value: Any) -> str:
        """See :meth:`ObjectStore.put_yaml`."""
        path = parse_location(location)
        return self.put_bytes(path, dump_yaml(value), content_type=YAML_CONTENT_TYPE)

    def get_yaml(self, location: S3Location) -> Any:
        """See :meth:`ObjectStore.get_yaml`."""
        path = parse_location(location)
        return load_yaml(self.get_bytes(path), path)

    def upload_file(
        self,
        source: str | os.PathLike[str],
        destination: S3Location,
        *,
        content_type: str | None = None,
    ) -> str:
        """See :meth:`ObjectStore.upload_file`. A missing local file raises ``OSError``."""
        path = parse_location(destination, field="destination")
        return self._transfer().upload_file(Path(source), path, check_content_type(content_type))

    def download_file(self, source: S3Location, destination: str | os.PathLike[str]) -> str:
        """See :meth:`ObjectStore.download_file`."""
        path = parse_location(source, field="source")
        with atomic_destination(destination) as temp:
            return self._transfer().download(path, temp)

    def exists(self, location: S3Location) -> bool:
        """See :meth:`ObjectStore.exists`."""
        path = parse_location(location)
        try:
            with aws_boundary("HeadObject", path.uri):
                self.client.head_object(Bucket=path.bucket, Key=path.key)
        except NotFoundError:
            return False
        return True

    def delete(self, location: S3Location) -> None:
        """See :meth:`ObjectStore.delete`."""
        path = parse_location(location)
        with aws_boundary("DeleteObject", path.uri):
            self.client.delete_object(Bucket=path.bucket, Key=path.key)

    def copy(self, source: S3Location, destination: S3Location) -> None:
        """See :meth:`ObjectStore.copy`. Large objects are copied part by part, server-side."""
        src = parse_location(source, field="source")
        dst = parse_location(destination, field="destination")
        self._transfer().copy(src, dst)

    def list_page(
        self, prefix: S3Location, *, page_size: int = LIST_MAX_KEYS, cursor: str | None = None
    ) -> PaginatedResponse[str]:
        """See :meth:`ObjectStore.list_page`."""
        path = parse_location(prefix, field="prefix", key=False)
        limit = check_page_size(page_size)
        kwargs: dict[str, Any] = {"Bucket": path.bucket, "Prefix": path.key, "MaxKeys": limit}
        start_after = decode_cursor(cursor)
        if start_after is not None:
            kwargs["StartAfter"] = start_after
        with aws_boundary("ListObjectsV2", path.uri):
            response = self.client.list_objects_v2(**kwargs)
        keys = [item["Key"] for item in response.get("Contents", [])]
        more = bool(response.get("IsTruncated")) and bool(keys)
        return PaginatedResponse[str](
            items=keys, limit=limit, next_cursor=encode_cursor(keys[-1]) if more else None
        )

    def list_keys(self, prefix: S3Location, *, page_size: int = LIST_MAX_KEYS) -> Iterator[str]:
        """See :meth:`ObjectStore.list_keys`. Input is checked before the first page."""
        parse_location(prefix, field="prefix", key=False)
        check_page_size(page_size)
        return self._iter_keys(prefix, page_size)

    def _iter_keys(self, prefix: S3Location, page_size: int) -> Iterator[str]:
        cursor: str | None = None
        while True:
            page = self.list_page(prefix, page_size=page_size, cursor=cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def presigned_url(
        self, location: S3Location, *, method: str = "GET", expires_in: int = 3600
    ) -> str:
        """See :meth:`ObjectStore.presigned_url`. No request is sent."""
        path = parse_location(location)
        client_method = check_method(method)
        seconds = check_expiry(expires_in)
        client = self.client
        keep_presign_sigv4(client)
        with aws_boundary(client_method, path.uri):
            url: str = client.generate_presigned_url(
                client_method,
                Params={"Bucket": path.bucket, "Key": path.key},
                ExpiresIn=seconds,
            )
        return url

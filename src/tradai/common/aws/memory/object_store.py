"""In-memory :class:`~tradai.common.aws.s3_utils.ObjectStore`: the S3 twin for tests.

It refuses the same input with the same :class:`~tradai.common.exceptions.ValidationError`
and fails the same way as :class:`~tradai.common.aws.s3_utils.S3ObjectStore` (one contract
suite runs against both): a missing bucket or key is a
:class:`~tradai.common.exceptions.NotFoundError` whose ``resource`` is the ``s3://`` URI
and whose context has ``error_code`` ``NoSuchBucket``/``NoSuchKey``; ``exists`` is
``False`` for both; deleting a missing key succeeds. Listing is in S3's order (UTF-8
binary, which is Python's ``str`` order) with the same cursors.

Decisions:

* Buckets must be created first (:meth:`InMemoryObjectStore.create_bucket` or
  ``buckets=``); creating an existing one is a no-op (as S3 answers its owner in
  us-east-1).
* ``presigned_url`` returns ``memory://bucket/key?method=GET&expires_in=N`` (key
  percent-encoded); nothing can fetch it.
* One lock guards all state, so the store is safe to share between threads; each call is
  atomic.

Example:
    >>> store = InMemoryObjectStore(buckets=["tradai-data"])
    >>> digest = store.put_json("s3://tradai-data/run/1.json", {"sharpe": 1.5})
    >>> store.get_json("s3://tradai-data/run/1.json")
    {'sharpe': 1.5}
    >>> list(store.list_keys("s3://tradai-data/run/"))
    ['run/1.json']
"""

from __future__ import annotations

import bisect
import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tradai.common._files import atomic_destination
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
    missing,
    parse_location,
)
from tradai.common.entities.aws import S3Path
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.validators import validate_s3_bucket_name

__all__ = ["InMemoryObjectStore"]

_DEFAULT_CONTENT_TYPE = "binary/octet-stream"


@dataclass(frozen=True, slots=True)
class _Object:
    data: bytes
    content_type: str
    sha256: str


class _Bucket:
    __slots__ = ("keys", "objects")

    def __init__(self) -> None:
        self.objects: dict[str, _Object] = {}
        self.keys: list[str] = []  # sorted, for listing

    def put(self, key: str, obj: _Object) -> None:
        if key not in self.objects:
            bisect.insort(self.keys, key)
        self.objects[key] = obj

    def delete(self, key: str) -> None:
        if self.objects.pop(key, None) is not None:
            del self.keys[bisect.bisect_left(self.keys, key)]


class InMemoryObjectStore:
    """An :class:`~tradai.common.aws.s3_utils.ObjectStore` kept in a dictionary.

    Args:
        buckets: Buckets that exist from the start.

    Raises:
        ValidationError: If a bucket name is malformed.
    """

    def __init__(self, *, buckets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        for bucket in buckets:
            self.create_bucket(bucket)

    def create_bucket(self, bucket: str) -> None:
        """Create a bucket (no-op if it exists).

        Args:
            bucket: The bucket name (AWS naming rules).

        Raises:
            ValidationError: If the name is malformed.
        """
        path = parse_location(f"s3://{bucket}", field="bucket", key=False)
        validate_s3_bucket_name(path.bucket)
        with self._lock:
            self._buckets.setdefault(path.bucket, _Bucket())

    def _bucket(self, operation: str, path: S3Path) -> _Bucket:
        bucket = self._buckets.get(path.bucket)
        if bucket is None:
            raise missing(operation, path, bucket_only=True)
        return bucket

    def _get(self, operation: str, path: S3Path) -> _Object:
        with self._lock:
            obj = self._bucket(operation, path).objects.get(path.key)
        if obj is None:
            raise missing(operation, path)
        return obj

    def _put(self, operation: str, path: S3Path, data: bytes, content_type: str | None) -> str:
        digest = hashlib.sha256(data).hexdigest()
        obj = _Object(data, content_type or _DEFAULT_CONTENT_TYPE, digest)
        with self._lock:
            self._bucket(operation, path).put(path.key, obj)
        return digest

    def put_bytes(
        self,
        location: S3Location,
        data: bytes | bytearray | memoryview,
        *,
        content_type: str | None = None,
    ) -> str:
        """See :meth:`ObjectStore.put_bytes <tradai.common.aws.s3_utils.ObjectStore.put_bytes>`."""
        path = parse_location(location)
        body = check_bytes(data)
        return self._put("PutObject", path, body, check_content_type(content_type))

    def get_bytes(self, location: S3Location) -> bytes:
        """See :meth:`ObjectStore.get_bytes <tradai.common.aws.s3_utils.ObjectStore.get_bytes>`."""
        return self._get("GetObject", parse_location(location)).data

    def put_json(self, location: S3Location, value: Any) -> str:
        """See :meth:`ObjectStore.put_json <tradai.common.aws.s3_utils.ObjectStore.put_json>`."""
        path = parse_location(location)
        return self._put("PutObject", path, dump_json(value), JSON_CONTENT_TYPE)

    def get_json(self, location: S3Location) -> Any:
        """See :meth:`ObjectStore.get_json <tradai.common.aws.s3_utils.ObjectStore.get_json>`."""
        path = parse_location(location)
        return load_json(self._get("GetObject", path).data, path)

    def put_yaml(self, location: S3Location, value: Any) -> str:
        """See :meth:`ObjectStore.put_yaml <tradai.common.aws.s3_utils.ObjectStore.put_yaml>`."""
        path = parse_location(location)
        return self._put("PutObject", path, dump_yaml(value), YAML_CONTENT_TYPE)

    def get_yaml(self, location: S3Location) -> Any:
        """See :meth:`ObjectStore.get_yaml <tradai.common.aws.s3_utils.ObjectStore.get_yaml>`."""
        path = parse_location(location)
        return load_yaml(self._get("GetObject", path).data, path)

    def upload_file(
        self,
        source: str | os.PathLike[str],
        destination: S3Location,
        *,
        content_type: str | None = None,
    ) -> str:
        """See ``ObjectStore.upload_file``. A missing local file raises ``OSError``."""
        path = parse_location(destination, field="destination")
        checked = check_content_type(content_type)
        return self._put("PutObject", path, Path(source).read_bytes(), checked)

    def download_file(self, source: S3Location, destination: str | os.PathLike[str]) -> str:
        """See ``ObjectStore.download_file``."""
        obj = self._get("HeadObject", parse_location(source, field="source"))
        with atomic_destination(destination) as temp:
            temp.write_bytes(obj.data)
        return obj.sha256

    def exists(self, location: S3Location) -> bool:
        """See :meth:`ObjectStore.exists <tradai.common.aws.s3_utils.ObjectStore.exists>`."""
        path = parse_location(location)
        with self._lock:
            bucket = self._buckets.get(path.bucket)
            return bucket is not None and path.key in bucket.objects

    def delete(self, location: S3Location) -> None:
        """See :meth:`ObjectStore.delete <tradai.common.aws.s3_utils.ObjectStore.delete>`."""
        path = parse_location(location)
        with self._lock:
            self._bucket("DeleteObject", path).delete(path.key)

    def copy(self, source: S3Location, destination: S3Location) -> None:
        """See :meth:`ObjectStore.copy <tradai.common.aws.s3_utils.ObjectStore.copy>`."""
        src = parse_location(source, field="source")
        dst = parse_location(destination, field="destination")
        obj = self._get("HeadObject", src)
        with self._lock:
            self._bucket("CopyObject", dst).put(dst.key, obj)

    def list_page(
        self, prefix: S3Location, *, page_size: int = LIST_MAX_KEYS, cursor: str | None = None
    ) -> PaginatedResponse[str]:
        """See :meth:`ObjectStore.list_page <tradai.common.aws.s3_utils.ObjectStore.list_page>`."""
        path = parse_location(prefix, field="prefix", key=False)
        limit = check_page_size(page_size)
        after = decode_cursor(cursor)
        with self._lock:
            keys = self._bucket("ListObjectsV2", path).keys
            start = bisect.bisect_right(keys, after) if after is not None else 0
            start = max(start, bisect.bisect_left(keys, path.key))
            page: list[str] = []
            for key in keys[start:]:
                if not key.startswith(path.key) or len(page) > limit:
                    break
                page.append(key)
        more = len(page) > limit
        page = page[:limit]
        return PaginatedResponse[str](
            items=page, limit=limit, next_cursor=encode_cursor(page[-1]) if more else None
        )

    def list_keys(self, prefix: S3Location, *, page_size: int = LIST_MAX_KEYS) -> Iterator[str]:
        """See :meth:`ObjectStore.list_keys <tradai.common.aws.s3_utils.ObjectStore.list_keys>`."""
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
        """Return ``memory://bucket/key?method=M&expires_in=N`` (validated like S3's).

        Args:
            location: The object.
            method: ``"GET"`` or ``"PUT"``.
            expires_in: Lifetime in seconds, 1 to 604800.

        Returns:
            The URL.
        """
        path = parse_location(location)
        check_method(method)
        seconds = check_expiry(expires_in)
        return f"memory://{path.bucket}/{quote(path.key)}?method={method}&expires_in={seconds}"

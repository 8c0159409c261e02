"""Rules shared by the S3 object stores (sync, async and in-memory). No boto3 import here.

Everything a store must decide *before* calling S3 lives here, so the three stores refuse
the same input with the same :class:`~tradai.common.exceptions.ValidationError`: location
parsing, content types, presign expiry and method, page sizes, list cursors. It also holds
the not-found error the twin raises (shaped like the adapters' translated one).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Final, TypeAlias

from pydantic import ValidationError as PydanticValidationError

from tradai.common.aws.constants import S3_PRESIGN_MAX_SECONDS
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import NotFoundError, ValidationError

__all__ = [
    "LIST_MAX_KEYS",
    "MIB",
    "PRESIGN_METHODS",
    "S3Location",
    "check_bytes",
    "check_content_type",
    "check_expiry",
    "check_method",
    "check_page_size",
    "decode_cursor",
    "encode_cursor",
    "missing",
    "parse_location",
]

MIB: Final = 1024 * 1024
#: Most keys one ``ListObjectsV2`` page returns, and most keys one ``DeleteObjects`` takes.
LIST_MAX_KEYS: Final = 1000
#: HTTP method -> the S3 client method a presigned URL is made for.
PRESIGN_METHODS: Final[Mapping[str, str]] = {"GET": "get_object", "PUT": "put_object"}

S3Location: TypeAlias = S3Path | str
"""An :class:`~tradai.common.entities.aws.S3Path` or an ``"s3://bucket/key"`` string."""


_CONTENT_TYPE_RE = re.compile(r"[A-Za-z0-9][\w.+-]*/[\w.+-]+(?:\s*;\s*[\w.+-]+=[\w.+\"-]+)*")


def parse_location(location: object, *, field: str = "location", key: bool = True) -> S3Path:
    """Turn a location argument into an :class:`S3Path`, or refuse it.

    Args:
        location: An ``S3Path`` or an ``s3://bucket/key`` string.
        field: The argument's name, used in the error.
        key: Whether an object key is required (``False`` for list prefixes).

    Returns:
        The parsed path.

    Raises:
        ValidationError: If it is not an S3 URI, the bucket or key is malformed, or a key is
            required and missing.

    Example:
        >>> parse_location("s3://tradai-data/a/b.json").key
        'a/b.json'
        >>> try:
        ...     parse_location("s3://tradai-data")
        ... except ValidationError as exc:
        ...     print(exc.field)
        location
    """
    if isinstance(location, S3Path):
        path = location
    elif isinstance(location, str):
        try:
            path = S3Path.parse(location)
        except PydanticValidationError as exc:
            reason = exc.errors()[0]["msg"]
            raise ValidationError(
                f"{field} {location[:200]!r} is not a valid S3 location: {reason}",
                field=field,
                value=location[:200],
            ) from exc
    else:
        raise ValidationError(
            f"{field} must be an S3Path or an 's3://bucket/key' string, "
            f"not {type(location).__name__}",
            field=field,
        )
    if key and not path.key:
        raise ValidationError(f"{field} {path.uri!r} names a bucket, not an object", field=field)
    return path


def check_bytes(data: object) -> bytes:
    """Return ``data`` as ``bytes``, refusing text and other types.

    Args:
        data: ``bytes``, ``bytearray`` or ``memoryview``.

    Returns:
        The bytes (``bytes`` input is returned as is, without a copy).

    Raises:
        ValidationError: For any other type (``str`` included: encode it first).
    """
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise ValidationError(
        f"data must be bytes, bytearray or memoryview, not {type(data).__name__}", field="data"
    )


def check_content_type(value: str | None) -> str | None:
    """Validate a ``Content-Type`` (``type/subtype[; name=value]``), or pass ``None``.

    Args:
        value: The media type.

    Returns:
        The value unchanged.

    Raises:
        ValidationError: If it is not a plain ASCII media type.

    Example:
        >>> check_content_type("application/json; charset=utf-8")
        'application/json; charset=utf-8'
    """
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 255 or not value.isascii():
        raise ValidationError("content_type must be an ASCII media type", field="content_type")
    if _CONTENT_TYPE_RE.fullmatch(value) is None:
        raise ValidationError(
            f"content_type {value[:80]!r} is not a media type (type/subtype)", field="content_type"
        )
    return value


def check_expiry(seconds: object) -> int:
    """Validate a presigned URL lifetime: whole seconds, 1 to 7 days (SigV4's ceiling).

    Args:
        seconds: The lifetime.

    Returns:
        The lifetime.

    Raises:
        ValidationError: If it is not an ``int`` in ``1..604800``.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValidationError("expires_in must be an int (seconds)", field="expires_in")
    if not 1 <= seconds <= S3_PRESIGN_MAX_SECONDS:
        raise ValidationError(
            f"expires_in must be between 1 and {S3_PRESIGN_MAX_SECONDS} seconds (7 days)",
            field="expires_in",
            value=seconds,
        )
    return seconds


def check_method(method: object) -> str:
    """Validate a presign HTTP method.

    Args:
        method: ``"GET"`` or ``"PUT"``.

    Returns:
        The S3 client method to presign (``get_object`` or ``put_object``).

    Raises:
        ValidationError: For any other value.
    """
    if not isinstance(method, str) or method not in PRESIGN_METHODS:
        raise ValidationError("method must be 'GET' or 'PUT'", field="method", value=method)
    return PRESIGN_METHODS[method]


def check_page_size(page_size: object) -> int:
    """Validate a list page size: 1 to 1000 keys (S3's ``MaxKeys`` ceiling).

    Args:
        page_size: Keys per page.

    Returns:
        The page size.

    Raises:
        ValidationError: If it is not an ``int`` in ``1..1000``.
    """
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise ValidationError("page_size must be an int", field="page_size")
    if not 1 <= page_size <= LIST_MAX_KEYS:
        raise ValidationError(
            f"page_size must be between 1 and {LIST_MAX_KEYS}", field="page_size", value=page_size
        )
    return page_size


def encode_cursor(last_key: str) -> str:
    """Return the opaque cursor that resumes a listing after ``last_key``.

    Args:
        last_key: The last key of the page.

    Returns:
        URL-safe base64 of the key (the same token in every store).

    Example:
        >>> decode_cursor(encode_cursor("runs/1.json"))
        'runs/1.json'
    """
    return base64.urlsafe_b64encode(last_key.encode("utf-8")).decode("ascii")


def decode_cursor(cursor: str | None) -> str | None:
    """Decode a cursor made by :func:`encode_cursor`.

    Args:
        cursor: The cursor, or ``None`` for the first page.

    Returns:
        The key to start after, or ``None``.

    Raises:
        ValidationError: If the cursor was not made by a store.
    """
    if cursor is None:
        return None
    try:
        key = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
        if encode_cursor(key) != cursor or not key:
            raise ValueError(cursor)
    except (AttributeError, ValueError, binascii.Error) as exc:
        raise ValidationError("cursor is not a listing cursor", field="cursor") from exc
    return key


def missing(operation: str, path: S3Path, *, bucket_only: bool = False) -> NotFoundError:
    """Build the error S3's adapters raise for a missing key or bucket (used by the twin).

    Args:
        operation: The S3 operation name.
        path: The object (or bucket) that is missing.
        bucket_only: Whether the bucket itself is missing.

    Returns:
        A :class:`NotFoundError` shaped like :func:`translate_aws_error`'s.
    """
    code, what = (
        ("NoSuchBucket", "The specified bucket does not exist")
        if bucket_only
        else ("NoSuchKey", "The specified key does not exist.")
    )
    context = {
        "service": "s3",
        "operation": operation,
        "resource": path.uri,
        "error_code": code,
        "status_code": 404,
    }
    return NotFoundError(
        f"s3 {operation} failed: {code}: {what}", resource=path.uri, context=context
    )

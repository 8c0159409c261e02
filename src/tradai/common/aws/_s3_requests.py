"""Request helpers shared by the S3 adapters (sync and async): the multipart part plan,
write arguments, byte ranges, the botocore error boundary and the SigV4 presign fix.

boto3/botocore are imported only inside the functions that need them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any, TypeAlias

from tradai.common._lazy import require
from tradai.common.aws._s3_integrity import PART_SIZE_METADATA_KEY, checksum_mismatch
from tradai.common.aws.constants import S3_MAX_PARTS
from tradai.common.aws.errors import translate_aws_error
from tradai.common.entities.aws import S3Path

__all__ = [
    "Part",
    "aws_boundary",
    "byte_range",
    "keep_presign_sigv4",
    "object_args",
    "plan_parts",
]

Part: TypeAlias = tuple[int, int, int]
"""``(part_number, offset, length)`` of one multipart part (numbers start at 1)."""


def plan_parts(size: int, part_size: int) -> list[Part]:
    """Split ``size`` bytes into multipart parts of ``part_size`` (the last one shorter).

    The part size grows when ``size`` would need more than S3's 10,000 parts.

    Args:
        size: Object size in bytes.
        part_size: Wanted part size in bytes.

    Returns:
        The parts, in order.

    Example:
        >>> plan_parts(12, 5)
        [(1, 0, 5), (2, 5, 5), (3, 10, 2)]
    """
    part_size = max(part_size, -(-size // S3_MAX_PARTS))
    return [
        (number, offset, min(part_size, size - offset))
        for number, offset in enumerate(range(0, size, part_size), start=1)
    ]


def byte_range(offset: int, length: int) -> str:
    """Return the HTTP ``Range`` value for ``length`` bytes from ``offset``.

    Args:
        offset: First byte.
        length: Number of bytes (at least 1).

    Returns:
        ``bytes=first-last``.

    Example:
        >>> byte_range(0, 5)
        'bytes=0-4'
    """
    return f"bytes={offset}-{offset + length - 1}"


def object_args(
    path: S3Path,
    content_type: str | None,
    metadata: Mapping[str, str] | None = None,
    parts: list[Part] | None = None,
) -> dict[str, Any]:
    """Build the ``Bucket``/``Key``/``ContentType``/``Metadata`` arguments of a write.

    Args:
        path: The object written.
        content_type: Its media type, if any.
        metadata: User metadata to keep (multipart writes).
        parts: The multipart plan; its part size is recorded in the metadata.

    Returns:
        Keyword arguments for ``PutObject``/``CreateMultipartUpload``/``CopyObject``.
    """
    kwargs: dict[str, Any] = {"Bucket": path.bucket, "Key": path.key}
    if content_type:
        kwargs["ContentType"] = content_type
    if parts is not None:
        kwargs["Metadata"] = {**(metadata or {}), PART_SIZE_METADATA_KEY: str(parts[0][2])}
    return kwargs


@contextlib.contextmanager
def aws_boundary(operation: str, resource: str) -> Iterator[None]:
    """Translate botocore errors raised inside the block (``raise ... from exc``).

    Args:
        operation: The S3 operation.
        resource: The ``s3://`` URI the call is about.

    Yields:
        Nothing.

    Raises:
        TradAIError: The translated error (see :func:`translate_aws_error`); botocore's
            own checksum failure becomes the ``ChecksumMismatch`` error downloads raise.
    """
    errors = require("botocore.exceptions", extra="aws")
    try:
        yield
    except errors.FlexibleChecksumError as exc:  # botocore's own response check
        raise checksum_mismatch(operation, resource, str(exc)) from exc
    except (errors.BotoCoreError, errors.ClientError) as exc:
        raise translate_aws_error(
            exc, service="s3", operation=operation, resource=resource
        ) from exc


def _keep_query_signer(signature_version: str, **_: Any) -> str | None:
    return signature_version if signature_version.endswith("-query") else None


def keep_presign_sigv4(client: Any) -> None:
    """Stop botocore downgrading the client's presigned URLs to SigV2.

    Without an explicit ``signature_version``, botocore presigns S3 URLs with SigV2 in
    us-east-1 and other old regions, which buckets created since 2020 refuse. This
    registers (once, by id) a ``choose-signer`` handler that keeps the client's own
    (SigV4) signer for presigned URLs; it changes nothing else.

    Args:
        client: A boto3 or aiobotocore S3 client.
    """
    client.meta.events.register_first(
        "choose-signer.s3", _keep_query_signer, unique_id="tradai-presign-sigv4"
    )

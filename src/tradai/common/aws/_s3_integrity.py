"""Download integrity for the S3 object stores: which checksum to check, and checking it.

Single-part objects written by the stores carry S3's full-object ``ChecksumSHA256``;
multipart ones a composite CRC32 (the CRC32 of their parts' CRC32s) plus the part size in
the ``tradai-part-size`` metadata, so a download can rebuild the composite value.
:func:`expected_checksum` picks what a download can be checked against, :class:`Digest`
computes it while the bytes stream past, :func:`verify_download` compares.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import ExternalServiceError

__all__ = [
    "PART_SIZE_METADATA_KEY",
    "Digest",
    "Expected",
    "checksum_mismatch",
    "crc32_b64",
    "expected_checksum",
    "verify_download",
]

#: User-metadata key (``x-amz-meta-tradai-part-size``) of a multipart object's part size,
#: which its composite CRC32 is built on.
PART_SIZE_METADATA_KEY: Final = "tradai-part-size"

_COMPOSITE_SUFFIX = re.compile(r"-\d+$")


@dataclass(frozen=True, slots=True)
class Expected:
    """The checksum S3 holds for an object, in a form a download can be checked against.

    Attributes:
        algorithm: ``"sha256"`` or ``"crc32"``.
        value: S3's base64 value (without a composite ``-N`` suffix).
        part_size: For a composite (multipart) checksum, the bytes per part it was built
            on; ``None`` for a full-object checksum.
    """

    algorithm: str
    value: str
    part_size: int | None = None


def expected_checksum(response: Mapping[str, Any]) -> Expected | None:
    """Return the checksum a download of this object can be checked against, if any.

    Full-object ``ChecksumSHA256``/``ChecksumCRC32`` are used as they are. A composite
    CRC32 (a multipart upload's checksum of its parts' checksums) is usable only when the
    object says how large its parts are (``tradai-part-size`` metadata, written by these
    stores): other composite checksums cannot be recomputed reliably and are skipped.

    Args:
        response: A ``HeadObject``/``GetObject`` response (asked with ``ChecksumMode``).

    Returns:
        What to check, or ``None``.
    """
    kind = response.get("ChecksumType")
    # A multipart object (ETag "...-N") whose checksum type is not reported is composite:
    # moto's HeadObject omits the type, and FULL_OBJECT always says so.
    multipart = _COMPOSITE_SUFFIX.search(str(response.get("ETag", "")).strip('"')) is not None
    composite = kind == "COMPOSITE" or (kind != "FULL_OBJECT" and multipart)
    for algorithm, field in (("sha256", "ChecksumSHA256"), ("crc32", "ChecksumCRC32")):
        value = response.get(field)
        if not value:
            continue
        if not composite and not _COMPOSITE_SUFFIX.search(value):
            return Expected(algorithm, value)
        raw_size = (response.get("Metadata") or {}).get(PART_SIZE_METADATA_KEY, "")
        if algorithm == "crc32" and raw_size.isdigit() and int(raw_size) > 0:
            return Expected(algorithm, _COMPOSITE_SUFFIX.sub("", value), int(raw_size))
    return None


class Digest:
    """SHA-256 of bytes fed in order, plus the CRC32 an :class:`Expected` needs.

    Args:
        expected: What the bytes will be checked against (decides which CRC32 to keep).

    Example:
        >>> d = Digest(Expected("crc32", "NhCmhg=="))
        >>> d.update(b"hello")
        >>> d.sha256_hex[:12], d.checksum()
        ('2cf24dba5fb0', 'NhCmhg==')
    """

    __slots__ = ("_crc", "_expected", "_in_part", "_part_crc", "_part_crcs", "_sha")

    def __init__(self, expected: Expected | None = None) -> None:
        self._sha = hashlib.sha256()
        self._expected = expected
        self._crc = 0
        self._part_crc = 0
        self._in_part = 0
        self._part_crcs = bytearray()

    def update(self, data: bytes | memoryview) -> None:
        """Feed the next bytes.

        Args:
            data: The bytes.
        """
        self._sha.update(data)
        expected = self._expected
        if expected is None or expected.algorithm != "crc32":
            return
        if expected.part_size is None:
            self._crc = zlib.crc32(data, self._crc)
            return
        view = memoryview(data)
        while view:
            take = min(len(view), expected.part_size - self._in_part)
            self._part_crc = zlib.crc32(view[:take], self._part_crc)
            self._in_part += take
            view = view[take:]
            if self._in_part == expected.part_size:
                self._part_crcs += self._part_crc.to_bytes(4, "big")
                self._part_crc = self._in_part = 0

    @property
    def expected(self) -> Expected | None:
        """What the bytes will be checked against."""
        return self._expected

    @property
    def sha256_hex(self) -> str:
        """The SHA-256 so far, hex."""
        return self._sha.hexdigest()

    @property
    def sha256_b64(self) -> str:
        """The SHA-256 so far, base64 (S3's ``ChecksumSHA256`` form)."""
        return base64.b64encode(self._sha.digest()).decode("ascii")

    def checksum(self) -> str | None:
        """The bytes' checksum in the expected form (``None`` if nothing is expected).

        Returns:
            Base64 SHA-256, full CRC32, or composite CRC32 of the parts' CRC32s.
        """
        expected = self._expected
        if expected is None:
            return None
        if expected.algorithm == "sha256":
            return self.sha256_b64
        if expected.part_size is None:
            return crc32_b64(self._crc)
        crcs = bytes(self._part_crcs)
        if self._in_part:
            crcs += self._part_crc.to_bytes(4, "big")
        return crc32_b64(zlib.crc32(crcs))


def crc32_b64(value: int) -> str:
    """Render a CRC32 the way S3 does (4 bytes big-endian, base64).

    Args:
        value: The CRC32.

    Returns:
        The base64 text.

    Example:
        >>> crc32_b64(0)
        'AAAAAA=='
    """
    return base64.b64encode(value.to_bytes(4, "big")).decode("ascii")


def verify_download(path: S3Path, digest: Digest, *, operation: str) -> str:
    """Check downloaded bytes against the checksum S3 holds for the object.

    Args:
        path: The object.
        digest: The digest of the bytes received, built with the object's :class:`Expected`.
        operation: The S3 operation, for the error.

    Returns:
        The SHA-256 of the bytes received, hex.

    Raises:
        ExternalServiceError: With ``error_code="ChecksumMismatch"`` when they differ.
    """
    expected = digest.expected
    actual = digest.checksum()
    if expected is not None and actual != expected.value:
        raise checksum_mismatch(
            operation, path.uri, f"{expected.algorithm} {actual} != stored {expected.value}"
        )
    return digest.sha256_hex


def checksum_mismatch(operation: str, resource: str, detail: str) -> ExternalServiceError:
    """Build the error for bytes that do not match their checksum.

    Args:
        operation: The S3 operation.
        resource: The ``s3://`` URI.
        detail: What differed.

    Returns:
        An :class:`ExternalServiceError` with ``error_code="ChecksumMismatch"``.
    """
    return ExternalServiceError(
        f"s3 {operation} of {resource} failed its integrity check: {detail}",
        service="s3",
        operation=operation,
        error_code="ChecksumMismatch",
        context={"resource": resource},
    )

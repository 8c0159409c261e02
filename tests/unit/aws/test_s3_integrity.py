"""Which checksum a download is checked against, and how it is recomputed."""

from __future__ import annotations

import base64
import hashlib
import os
import zlib
from typing import Any

import pytest

from tradai.common.aws._s3_integrity import (
    PART_SIZE_METADATA_KEY,
    Digest,
    Expected,
    crc32_b64,
    expected_checksum,
    verify_download,
)
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import ExternalServiceError

PATH = S3Path.parse("s3://tradai-data/obj.bin")


def _composite_crc32(data: bytes, part_size: int) -> str:
    crcs = b"".join(
        zlib.crc32(data[i : i + part_size]).to_bytes(4, "big")
        for i in range(0, len(data), part_size)
    )
    return crc32_b64(zlib.crc32(crcs))


def test_a_full_object_sha256_is_used_as_is() -> None:
    head = {"ChecksumSHA256": "abc=", "ETag": '"e"'}
    assert expected_checksum(head) == Expected("sha256", "abc=")


def test_a_full_object_crc32_is_used_as_is() -> None:
    head = {"ChecksumCRC32": "AAAAAA==", "ChecksumType": "FULL_OBJECT", "ETag": '"e-3"'}
    assert expected_checksum(head) == Expected("crc32", "AAAAAA==")


def test_a_composite_crc32_with_the_part_size_is_rebuilt_from_parts() -> None:
    head = {
        "ChecksumCRC32": "KtF0bA==-3",
        "ChecksumType": "COMPOSITE",
        "Metadata": {PART_SIZE_METADATA_KEY: "5242880"},
    }
    assert expected_checksum(head) == Expected("crc32", "KtF0bA==", 5242880)


def test_a_multipart_etag_without_a_checksum_type_counts_as_composite() -> None:
    # moto's HeadObject omits ChecksumType and the -N suffix.
    head = {"ChecksumCRC32": "KtF0bA==", "ETag": '"abc-3"', "Metadata": {}}
    assert expected_checksum(head) is None


@pytest.mark.parametrize(
    "head",
    [
        {},
        {"ChecksumCRC32": "x==-2", "Metadata": {PART_SIZE_METADATA_KEY: "0"}},
        {"ChecksumCRC32": "x==-2", "Metadata": {PART_SIZE_METADATA_KEY: "-5"}},
        {"ChecksumCRC32": "x==-2", "Metadata": {PART_SIZE_METADATA_KEY: "5MiB"}},
        {"ChecksumSHA256": "x==-2", "Metadata": {PART_SIZE_METADATA_KEY: "5242880"}},
        {"ChecksumCRC32C": "x=="},
    ],
)
def test_checksums_that_cannot_be_rebuilt_are_skipped(head: dict[str, Any]) -> None:
    assert expected_checksum(head) is None


def test_digest_without_expectation_gives_only_the_sha256() -> None:
    digest = Digest()
    digest.update(b"hello")
    assert digest.sha256_hex == hashlib.sha256(b"hello").hexdigest()
    assert digest.checksum() is None


def test_digest_full_crc32_matches_zlib_over_split_updates() -> None:
    data = os.urandom(10_000)
    digest = Digest(Expected("crc32", ""))
    digest.update(data[:3333])
    digest.update(memoryview(data)[3333:])
    assert digest.checksum() == crc32_b64(zlib.crc32(data))


@pytest.mark.parametrize("chunk", [1, 7, 100, 4096])
@pytest.mark.parametrize("size", [0, 99, 100, 101, 1000])
def test_digest_composite_crc32_matches_s3_whatever_the_chunking(chunk: int, size: int) -> None:
    data = os.urandom(size)
    digest = Digest(Expected("crc32", "", part_size=100))
    for start in range(0, size, chunk):
        digest.update(data[start : start + chunk])
    assert digest.checksum() == _composite_crc32(data, 100)


def test_digest_sha256_checksum_is_base64() -> None:
    digest = Digest(Expected("sha256", ""))
    digest.update(b"hello")
    assert digest.checksum() == base64.b64encode(hashlib.sha256(b"hello").digest()).decode()


def test_verify_download_returns_the_hex_sha256_when_it_matches() -> None:
    digest = Digest(Expected("crc32", crc32_b64(zlib.crc32(b"data"))))
    digest.update(b"data")
    assert (
        verify_download(PATH, digest, operation="GetObject") == hashlib.sha256(b"data").hexdigest()
    )


def test_verify_download_raises_checksum_mismatch_naming_the_object() -> None:
    digest = Digest(Expected("crc32", crc32_b64(zlib.crc32(b"good"))))
    digest.update(b"evil")
    with pytest.raises(ExternalServiceError) as info:
        verify_download(PATH, digest, operation="GetObject")
    assert info.value.error_code == "ChecksumMismatch"
    assert info.value.context["resource"] == "s3://tradai-data/obj.bin"
    assert not info.value.retryable

"""One ObjectStore contract, run against the in-memory twin and S3ObjectStore on moto."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from tradai.common.aws.memory.object_store import InMemoryObjectStore
from tradai.common.aws.s3_utils import ObjectStore, S3ObjectStore, TransferSettings
from tradai.common.exceptions import NotFoundError, ValidationError

BUCKET = "tradai-contract"
MISSING_BUCKET = "tradai-contract-missing"
MIB = 1024 * 1024


@pytest.fixture(params=["memory", pytest.param("moto", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    if request.param == "memory":
        return InMemoryObjectStore(buckets=[BUCKET])
    request.getfixturevalue("aws")
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    settings = TransferSettings(multipart_threshold=5 * MIB, part_size=5 * MIB)
    return S3ObjectStore(settings=settings)


def uri(key: str, bucket: str = BUCKET) -> str:
    return f"s3://{bucket}/{key}"


def test_bytes_round_trip_and_return_the_sha256(store: ObjectStore) -> None:
    data = bytes(range(256)) * 100
    assert store.put_bytes(uri("b/1.bin"), data) == hashlib.sha256(data).hexdigest()
    assert store.get_bytes(uri("b/1.bin")) == data
    store.put_bytes(uri("b/1.bin"), b"")
    assert store.get_bytes(uri("b/1.bin")) == b""


def test_json_and_yaml_round_trip(store: ObjectStore) -> None:
    value = {"strategy": "Pascal", "pairs": ["BTC/USDT"], "score": 1.25, "ü": None}
    store.put_json(uri("c.json"), value)
    store.put_yaml(uri("c.yaml"), value)
    assert store.get_json(uri("c.json")) == value
    assert store.get_yaml(uri("c.yaml")) == value


def test_reading_non_json_is_a_validation_error(store: ObjectStore) -> None:
    store.put_bytes(uri("bad.json"), b"{not json")
    with pytest.raises(ValidationError, match="does not hold valid JSON"):
        store.get_json(uri("bad.json"))


READS: dict[str, Callable[[ObjectStore, str, Path], object]] = {
    "get_bytes": lambda s, u, _: s.get_bytes(u),
    "get_json": lambda s, u, _: s.get_json(u),
    "download_file": lambda s, u, tmp: s.download_file(u, tmp / "out" / "x.bin"),
    "copy": lambda s, u, _: s.copy(u, uri("copy-target")),
}


@pytest.mark.parametrize("operation", sorted(READS))
@pytest.mark.parametrize("bucket", [BUCKET, MISSING_BUCKET])
def test_reading_a_missing_object_is_not_found_naming_its_uri(
    store: ObjectStore, operation: str, bucket: str, tmp_path: Path
) -> None:
    missing = uri("nope/x.bin", bucket)
    with pytest.raises(NotFoundError) as info:
        READS[operation](store, missing, tmp_path)
    assert info.value.context["resource"] == missing
    assert info.value.context["service"] == "s3"
    assert missing in str(info.value)
    assert list(tmp_path.iterdir()) == []


WRITES: dict[str, Callable[[ObjectStore, str], object]] = {
    "put_bytes": lambda s, u: s.put_bytes(u, b"x"),
    "put_json": lambda s, u: s.put_json(u, [1]),
    "delete": lambda s, u: s.delete(u),
    "copy_into": lambda s, u: s.copy(uri("src"), u),
}


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_writing_into_a_missing_bucket_is_not_found(store: ObjectStore, operation: str) -> None:
    store.put_bytes(uri("src"), b"source")
    target = uri("k", MISSING_BUCKET)
    with pytest.raises(NotFoundError) as info:
        WRITES[operation](store, target)
    assert info.value.context["resource"] == target


def test_listing_a_missing_bucket_is_not_found(store: ObjectStore) -> None:
    with pytest.raises(NotFoundError):
        store.list_page(f"s3://{MISSING_BUCKET}/p/")


def test_exists_and_idempotent_delete(store: ObjectStore) -> None:
    store.put_bytes(uri("e"), b"x")
    assert store.exists(uri("e"))
    assert not store.exists(uri("e2"))
    assert not store.exists(uri("e", MISSING_BUCKET))
    store.delete(uri("e"))
    store.delete(uri("e"))
    assert not store.exists(uri("e"))


def test_copy_duplicates_an_object(store: ObjectStore) -> None:
    store.put_json(uri("a.json"), {"a": 1})
    store.copy(uri("a.json"), uri("sub/a.json"))
    assert store.get_json(uri("sub/a.json")) == {"a": 1}
    assert store.exists(uri("a.json"))


def test_files_round_trip_small_and_multipart(store: ObjectStore, tmp_path: Path) -> None:
    for name, size in (("small.bin", 1000), ("large.bin", 11 * MIB)):
        source = tmp_path / name
        source.write_bytes(hashlib.sha256(name.encode()).digest() * (size // 32))
        digest = store.upload_file(source, uri(f"f/{name}"))
        assert digest == hashlib.sha256(source.read_bytes()).hexdigest()
        target = tmp_path / "out" / name
        assert store.download_file(uri(f"f/{name}"), target) == digest
        assert target.read_bytes() == source.read_bytes()


def test_uploading_a_missing_local_file_raises_file_not_found(
    store: ObjectStore, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError):
        store.upload_file(tmp_path / "nope.bin", uri("k"))


KEYS = ["p/a", "p/B", "p/z", "p/ä", "p/~", "p/a/b", "q/x", "p"]


def test_listing_has_s3s_order_pages_and_cursors(store: ObjectStore) -> None:
    for key in KEYS:
        store.put_bytes(uri(key), b"")
    expected = sorted(k for k in KEYS if k.startswith("p/"))  # UTF-8 binary order
    pages: list[tuple[list[str], str | None]] = []
    cursor: str | None = None
    while True:
        page = store.list_page(f"s3://{BUCKET}/p/", page_size=2, cursor=cursor)
        pages.append((page.items, page.next_cursor))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert [key for items, _ in pages for key in items] == expected
    assert [len(items) for items, _ in pages] == [2, 2, 2]
    assert list(store.list_keys(f"s3://{BUCKET}", page_size=3)) == sorted(KEYS)
    assert list(store.list_keys(f"s3://{BUCKET}/none/")) == []


def test_cursors_are_the_same_token_in_every_store(store: ObjectStore) -> None:
    for key in ("k1", "k2", "k3"):
        store.put_bytes(uri(key), b"")
    first = store.list_page(f"s3://{BUCKET}/k", page_size=1)
    assert first.next_cursor == "azE="  # base64url("k1")
    assert store.list_page(f"s3://{BUCKET}/k", page_size=5, cursor="azI=").items == ["k3"]


BAD_CALLS: dict[str, Callable[[ObjectStore], object]] = {
    "uri": lambda s: s.get_bytes("s3://tradai-contract/../etc"),
    "bucket_only": lambda s: s.put_bytes("s3://tradai-contract", b"x"),
    "not_a_uri": lambda s: s.exists("/tmp/x"),
    "text_data": lambda s: s.put_bytes(uri("k"), "text"),  # type: ignore[arg-type]
    "content_type": lambda s: s.put_bytes(uri("k"), b"x", content_type="text"),
    "json_value": lambda s: s.put_json(uri("k"), {1, 2}),
    "page_size": lambda s: s.list_page(f"s3://{BUCKET}/", page_size=0),
    "list_keys_page_size": lambda s: s.list_keys(f"s3://{BUCKET}/", page_size=5000),
    "cursor": lambda s: s.list_page(f"s3://{BUCKET}/", cursor="%%%"),
    "expiry": lambda s: s.presigned_url(uri("k"), expires_in=7 * 24 * 3600 + 1),
    "method": lambda s: s.presigned_url(uri("k"), method="DELETE"),
    "copy_destination": lambda s: s.copy(uri("k"), "s3://UPPER/k"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_malformed_input_is_a_validation_error_and_writes_nothing(
    store: ObjectStore, case: str
) -> None:
    with pytest.raises(ValidationError):
        BAD_CALLS[case](store)
    assert list(store.list_keys(f"s3://{BUCKET}")) == []


def test_presigned_urls_name_the_object_and_lifetime(store: ObjectStore) -> None:
    url: Any = store.presigned_url(uri("dir/file.json"), method="PUT", expires_in=90)
    assert isinstance(url, str)
    assert "/dir/file.json?" in url
    assert "90" in url

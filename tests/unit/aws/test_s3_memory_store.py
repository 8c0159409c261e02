"""The in-memory object store twin: S3's behaviour, thread-safety, memory:// URLs."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from tradai.common.aws.memory.object_store import InMemoryObjectStore
from tradai.common.aws.s3_utils import ObjectStore
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import NotFoundError, ValidationError

BUCKET = "tradai-twin"


@pytest.fixture
def store() -> InMemoryObjectStore:
    return InMemoryObjectStore(buckets=[BUCKET])


def test_the_twin_satisfies_the_object_store_protocol(store: InMemoryObjectStore) -> None:
    assert isinstance(store, ObjectStore)


def test_module_example_runs() -> None:
    store = InMemoryObjectStore(buckets=["tradai-data"])
    store.put_json("s3://tradai-data/run/1.json", {"sharpe": 1.5})
    assert store.get_json("s3://tradai-data/run/1.json") == {"sharpe": 1.5}
    assert list(store.list_keys("s3://tradai-data/run/")) == ["run/1.json"]


def test_create_bucket_is_idempotent_and_validates_the_name() -> None:
    store = InMemoryObjectStore()
    store.create_bucket(BUCKET)
    store.put_bytes(f"s3://{BUCKET}/k", b"x")
    store.create_bucket(BUCKET)
    assert store.get_bytes(f"s3://{BUCKET}/k") == b"x"
    for bad in ("Bad_Bucket", "ab", "bucket\n", "trаdai"):
        with pytest.raises(ValidationError):
            store.create_bucket(bad)


def test_put_returns_the_sha256_and_overwrites(store: InMemoryObjectStore) -> None:
    assert store.put_bytes(f"s3://{BUCKET}/k", b"one") == hashlib.sha256(b"one").hexdigest()
    store.put_bytes(S3Path(bucket=BUCKET, key="k"), bytearray(b"two"))
    assert store.get_bytes(f"s3://{BUCKET}/k") == b"two"


def test_missing_key_and_bucket_raise_not_found_naming_the_uri(
    store: InMemoryObjectStore,
) -> None:
    with pytest.raises(NotFoundError) as info:
        store.get_bytes(f"s3://{BUCKET}/nope")
    assert info.value.resource == f"s3://{BUCKET}/nope"
    assert info.value.context["error_code"] == "NoSuchKey"
    with pytest.raises(NotFoundError) as bucket:
        store.put_bytes("s3://no-such-bucket/k", b"x")
    assert bucket.value.context["error_code"] == "NoSuchBucket"


def test_exists_is_false_for_missing_key_and_bucket(store: InMemoryObjectStore) -> None:
    store.put_bytes(f"s3://{BUCKET}/k", b"x")
    assert store.exists(f"s3://{BUCKET}/k")
    assert not store.exists(f"s3://{BUCKET}/other")
    assert not store.exists("s3://no-such-bucket/k")


def test_delete_is_idempotent_but_needs_the_bucket(store: InMemoryObjectStore) -> None:
    store.put_bytes(f"s3://{BUCKET}/k", b"x")
    store.delete(f"s3://{BUCKET}/k")
    store.delete(f"s3://{BUCKET}/k")
    assert list(store.list_keys(f"s3://{BUCKET}")) == []
    with pytest.raises(NotFoundError):
        store.delete("s3://no-such-bucket/k")


def test_copy_needs_the_source_and_the_destination_bucket(store: InMemoryObjectStore) -> None:
    store.put_yaml(f"s3://{BUCKET}/a.yaml", {"a": 1})
    store.copy(f"s3://{BUCKET}/a.yaml", f"s3://{BUCKET}/b.yaml")
    assert store.get_yaml(f"s3://{BUCKET}/b.yaml") == {"a": 1}
    with pytest.raises(NotFoundError) as src:
        store.copy(f"s3://{BUCKET}/nope", f"s3://{BUCKET}/c")
    assert src.value.resource == f"s3://{BUCKET}/nope"
    with pytest.raises(NotFoundError) as dst:
        store.copy(f"s3://{BUCKET}/a.yaml", "s3://no-such-bucket/c")
    assert dst.value.resource == "s3://no-such-bucket/c"


def test_files_round_trip_with_the_same_checksum(
    store: InMemoryObjectStore, tmp_path: Path
) -> None:
    source = tmp_path / "in.bin"
    source.write_bytes(b"\x00" * 1000)
    digest = store.upload_file(source, f"s3://{BUCKET}/f.bin", content_type="text/plain")
    assert store.download_file(f"s3://{BUCKET}/f.bin", tmp_path / "out" / "f.bin") == digest
    assert (tmp_path / "out" / "f.bin").read_bytes() == source.read_bytes()


def test_missing_local_file_raises_oserror(store: InMemoryObjectStore, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        store.upload_file(tmp_path / "nope", f"s3://{BUCKET}/k")


def test_listing_is_sorted_prefixed_and_paged(store: InMemoryObjectStore) -> None:
    for key in ("b/2", "a/1", "b/1", "b/10", "c", "b"):
        store.put_bytes(f"s3://{BUCKET}/{key}", b"")
    first = store.list_page(f"s3://{BUCKET}/b/", page_size=2)
    assert (first.items, first.has_more) == (["b/1", "b/10"], True)
    second = store.list_page(f"s3://{BUCKET}/b/", page_size=2, cursor=first.next_cursor)
    assert (second.items, second.next_cursor) == (["b/2"], None)
    assert list(store.list_keys(f"s3://{BUCKET}", page_size=1)) == [
        "a/1",
        "b",
        "b/1",
        "b/10",
        "b/2",
        "c",
    ]


def test_a_full_last_page_has_no_cursor(store: InMemoryObjectStore) -> None:
    for key in ("x1", "x2"):
        store.put_bytes(f"s3://{BUCKET}/{key}", b"")
    page = store.list_page(f"s3://{BUCKET}/x", page_size=2)
    assert (page.items, page.next_cursor) == (["x1", "x2"], None)


def test_list_keys_validates_before_iterating(store: InMemoryObjectStore) -> None:
    with pytest.raises(ValidationError):
        store.list_keys(f"s3://{BUCKET}", page_size=0)
    with pytest.raises(NotFoundError):
        list(store.list_keys("s3://no-such-bucket/"))


def test_presigned_url_is_a_memory_url_validated_like_s3(store: InMemoryObjectStore) -> None:
    url = store.presigned_url(f"s3://{BUCKET}/a b/ü.json", method="PUT", expires_in=60)
    assert url == f"memory://{BUCKET}/a%20b/%C3%BC.json?method=PUT&expires_in=60"
    with pytest.raises(ValidationError):
        store.presigned_url(f"s3://{BUCKET}/k", expires_in=604_801)


def test_concurrent_writers_from_threads_lose_nothing(store: InMemoryObjectStore) -> None:
    def writer(n: int) -> None:
        for i in range(50):
            store.put_bytes(f"s3://{BUCKET}/t{n}/{i:03d}", b"x")
            store.list_page(f"s3://{BUCKET}/t{n}/", page_size=5)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(list(store.list_keys(f"s3://{BUCKET}/"))) == 400


def test_bad_input_is_refused_before_touching_state(store: InMemoryObjectStore) -> None:
    with pytest.raises(ValidationError):
        store.put_bytes(f"s3://{BUCKET}/k", "text")  # type: ignore[arg-type]  # proving refusal
    with pytest.raises(ValidationError):
        store.put_bytes(f"s3://{BUCKET}/k", b"x", content_type="nope")
    with pytest.raises(ValidationError):
        store.put_json(f"s3://{BUCKET}/k", {1, 2})
    assert not store.exists(f"s3://{BUCKET}/k")

"""S3ObjectStore against the moto server: multipart, checksums, copies, listing, URLs."""

from __future__ import annotations

import base64
import hashlib
import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig

from support.faults import inject_aws_error
from support.services import Service
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws._s3_integrity import PART_SIZE_METADATA_KEY, expected_checksum
from tradai.common.aws.s3_utils import S3ObjectStore, TransferSettings
from tradai.common.exceptions import ConflictError, ExternalServiceError, TransientError

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
BUCKET = "tradai-s3-it"
SMALL_PARTS = TransferSettings(multipart_threshold=5 * MIB, part_size=5 * MIB, max_concurrency=4)


@pytest.fixture
def s3(aws: Service) -> Any:
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def _head(s3: Any, key: str) -> dict[str, Any]:
    head: dict[str, Any] = s3.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")
    return head


def test_64_mib_file_goes_up_and_down_in_parts_with_verified_checksums(
    s3: Any, tmp_path: Path
) -> None:
    data = os.urandom(64 * MIB)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    settings = TransferSettings(multipart_threshold=8 * MIB, part_size=8 * MIB, max_concurrency=4)
    store = S3ObjectStore(settings=settings)
    want = hashlib.sha256(data).hexdigest()

    assert store.upload_file(source, f"s3://{BUCKET}/big.bin") == want
    head = _head(s3, "big.bin")
    assert head["ETag"].endswith('-8"')
    assert head["Metadata"][PART_SIZE_METADATA_KEY] == str(8 * MIB)
    assert expected_checksum(head) is not None  # the download below is really checked

    target = tmp_path / "out" / "big.bin"
    assert store.download_file(f"s3://{BUCKET}/big.bin", target) == want
    assert target.read_bytes() == data


def test_bytes_above_the_threshold_go_multipart_and_read_back_verified(s3: Any) -> None:
    data = os.urandom(12 * MIB + 3)
    store = S3ObjectStore(settings=SMALL_PARTS)
    assert store.put_bytes(f"s3://{BUCKET}/b.bin", data) == hashlib.sha256(data).hexdigest()
    assert _head(s3, "b.bin")["ETag"].endswith('-3"')
    assert store.get_bytes(f"s3://{BUCKET}/b.bin") == data


def test_a_single_put_stores_the_sha256_as_s3s_checksum(s3: Any) -> None:
    S3ObjectStore().put_bytes(f"s3://{BUCKET}/s.txt", b"hello", content_type="text/plain")
    head = _head(s3, "s.txt")
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"hello").digest()).decode()
    assert head["ContentType"] == "text/plain"


def test_json_and_yaml_round_trip_with_their_content_types(s3: Any) -> None:
    store = S3ObjectStore()
    store.put_json(f"s3://{BUCKET}/c.json", {"pairs": ["BTC/USDT"], "n": 1})
    store.put_yaml(f"s3://{BUCKET}/c.yaml", {"pairs": ["ETH/USDT"]})
    assert store.get_json(f"s3://{BUCKET}/c.json") == {"pairs": ["BTC/USDT"], "n": 1}
    assert store.get_yaml(f"s3://{BUCKET}/c.yaml") == {"pairs": ["ETH/USDT"]}
    assert _head(s3, "c.json")["ContentType"] == "application/json"
    assert _head(s3, "c.yaml")["ContentType"] == "application/yaml"


def test_an_object_whose_bytes_do_not_match_its_checksum_is_refused(
    s3: Any, tmp_path: Path
) -> None:
    lie = base64.b64encode(hashlib.sha256(b"good").digest()).decode()
    # moto stores the checksum it is given without checking it: a stand-in for corruption.
    s3.put_object(
        Bucket=BUCKET, Key="t.bin", Body=b"evil", ChecksumAlgorithm="SHA256", ChecksumSHA256=lie
    )
    store = S3ObjectStore()
    with pytest.raises(ExternalServiceError) as info:
        store.get_bytes(f"s3://{BUCKET}/t.bin")
    assert info.value.error_code == "ChecksumMismatch"
    with pytest.raises(ExternalServiceError, match="integrity check"):
        store.download_file(f"s3://{BUCKET}/t.bin", tmp_path / "t.bin")
    assert list(tmp_path.iterdir()) == []


def test_a_multipart_object_whose_parts_do_not_match_is_refused(s3: Any, tmp_path: Path) -> None:
    data = os.urandom(11 * MIB)
    store = S3ObjectStore(settings=SMALL_PARTS)
    store.put_bytes(f"s3://{BUCKET}/m.bin", data)
    # Same bytes, but the recorded part layout no longer matches the composite checksum.
    s3.copy_object(
        Bucket=BUCKET,
        Key="m2.bin",
        CopySource={"Bucket": BUCKET, "Key": "m.bin"},
        MetadataDirective="REPLACE",
        Metadata={PART_SIZE_METADATA_KEY: str(6 * MIB)},
    )
    assert expected_checksum(_head(s3, "m2.bin")) is not None  # still composite
    with pytest.raises(ExternalServiceError, match="integrity check"):
        store.download_file(f"s3://{BUCKET}/m2.bin", tmp_path / "m2.bin")


def test_objects_written_by_plain_boto3_download_with_the_right_digest(
    s3: Any, tmp_path: Path
) -> None:
    data = os.urandom(12 * MIB)
    source = tmp_path / "plain.bin"
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_file(str(source), BUCKET, "plain.bin", Config=config)
    s3.put_object(Bucket=BUCKET, Key="plain.txt", Body=b"plain")
    store = S3ObjectStore(settings=SMALL_PARTS)
    want = hashlib.sha256(data).hexdigest()
    assert store.download_file(f"s3://{BUCKET}/plain.bin", tmp_path / "d.bin") == want
    assert expected_checksum(_head(s3, "plain.txt")) is not None
    assert store.get_bytes(f"s3://{BUCKET}/plain.txt") == b"plain"


def test_copies_keep_bytes_content_type_and_stay_verifiable(s3: Any, tmp_path: Path) -> None:
    store = S3ObjectStore(settings=SMALL_PARTS)
    store.put_json(f"s3://{BUCKET}/small.json", {"a": 1})
    store.copy(f"s3://{BUCKET}/small.json", f"s3://{BUCKET}/copy/small.json")
    assert store.get_json(f"s3://{BUCKET}/copy/small.json") == {"a": 1}
    assert _head(s3, "copy/small.json")["ContentType"] == "application/json"

    data = os.urandom(11 * MIB)
    store.put_bytes(f"s3://{BUCKET}/large.bin", data, content_type="application/x-parquet")
    store.copy(f"s3://{BUCKET}/large.bin", f"s3://{BUCKET}/copy/large.bin")
    head = _head(s3, "copy/large.bin")
    assert head["ETag"].endswith('-3"')
    assert head["ContentType"] == "application/x-parquet"
    digest = store.download_file(f"s3://{BUCKET}/copy/large.bin", tmp_path / "c.bin")
    assert digest == hashlib.sha256(data).hexdigest()


def test_exists_and_delete(s3: Any) -> None:
    store = S3ObjectStore()
    store.put_bytes(f"s3://{BUCKET}/e", b"x")
    assert store.exists(f"s3://{BUCKET}/e")
    store.delete(f"s3://{BUCKET}/e")
    store.delete(f"s3://{BUCKET}/e")
    assert not store.exists(f"s3://{BUCKET}/e")
    assert not store.exists("s3://no-such-bucket-it/e")


def test_listing_over_a_thousand_keys_pages_through_every_key(s3: Any) -> None:
    keys = [f"many/{i:05d}" for i in range(1005)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=BUCKET, Key=k, Body=b""), keys))
    s3.put_object(Bucket=BUCKET, Key="other", Body=b"")
    client = ClientFactory().client("s3")
    calls: list[int] = []
    client.meta.events.register(
        "before-parameter-build.s3.ListObjectsV2",
        lambda params, **_: calls.append(params["MaxKeys"]),
    )
    store = S3ObjectStore(client=client)
    assert list(store.list_keys(f"s3://{BUCKET}/many/")) == keys
    assert calls == [1000, 1000]
    calls.clear()
    assert list(store.list_keys(f"s3://{BUCKET}/many/", page_size=250)) == keys
    assert len(calls) == 5
    page = store.list_page(f"s3://{BUCKET}/many/", page_size=1000)
    last = store.list_page(f"s3://{BUCKET}/many/", cursor=page.next_cursor)
    assert (last.items, last.next_cursor) == (keys[1000:], None)


def test_presigned_urls_let_urllib_get_and_put(s3: Any) -> None:
    store = S3ObjectStore()
    store.put_bytes(f"s3://{BUCKET}/p.txt", b"presigned")
    get_url = store.presigned_url(f"s3://{BUCKET}/p.txt", expires_in=120)
    assert "X-Amz-Expires=120" in get_url
    assert "X-Amz-Signature=" in get_url
    with urllib.request.urlopen(get_url, timeout=10) as response:
        assert response.read() == b"presigned"

    put_url = store.presigned_url(f"s3://{BUCKET}/up.txt", method="PUT")
    request = urllib.request.Request(
        put_url,
        data=b"uploaded",
        method="PUT",
        headers={"Content-Type": "application/octet-stream"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass
    assert store.get_bytes(f"s3://{BUCKET}/up.txt") == b"uploaded"


def test_a_failed_part_aborts_the_multipart_upload(s3: Any) -> None:
    client = ClientFactory(config=ClientConfig(max_attempts=1)).client("s3")
    store = S3ObjectStore(client=client, settings=SMALL_PARTS)
    with (
        inject_aws_error(client, code="InternalError", status=500, operation="UploadPart"),
        pytest.raises(TransientError) as info,
    ):
        store.put_bytes(f"s3://{BUCKET}/aborted.bin", os.urandom(11 * MIB))
    assert info.value.context["operation"] == "UploadPart"
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert not store.exists(f"s3://{BUCKET}/aborted.bin")


def test_an_object_replaced_mid_download_fails_instead_of_mixing_versions(
    s3: Any, tmp_path: Path
) -> None:
    settings = TransferSettings(multipart_threshold=5 * MIB, part_size=5 * MIB, max_concurrency=1)
    client = ClientFactory().client("s3")
    store = S3ObjectStore(client=client, settings=settings)
    store.put_bytes(f"s3://{BUCKET}/moving.bin", os.urandom(11 * MIB))
    replaced: list[bool] = []

    def replace_once(**_: Any) -> None:
        if not replaced:
            replaced.append(True)
            s3.put_object(Bucket=BUCKET, Key="moving.bin", Body=os.urandom(11 * MIB))

    client.meta.events.register("after-call.s3.GetObject", replace_once)
    with pytest.raises(ConflictError) as info:
        store.download_file(f"s3://{BUCKET}/moving.bin", tmp_path / "moving.bin")
    assert info.value.context["status_code"] == 412
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_shrinks_during_upload_is_refused_and_the_upload_aborted(
    s3: Any, tmp_path: Path
) -> None:
    source = tmp_path / "shrinking.bin"
    source.write_bytes(os.urandom(11 * MIB))
    client = ClientFactory().client("s3")
    client.meta.events.register(
        "after-call.s3.CreateMultipartUpload", lambda **_: os.truncate(source, 6 * MIB)
    )
    store = S3ObjectStore(client=client, settings=SMALL_PARTS)
    with pytest.raises(ConflictError, match="changed while it was uploaded"):
        store.upload_file(source, f"s3://{BUCKET}/shrinking.bin")
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


@pytest.mark.parametrize("concurrency", [1, 2])
def test_a_failed_part_copy_aborts_the_copy(s3: Any, concurrency: int) -> None:
    client = ClientFactory(config=ClientConfig(max_attempts=1)).client("s3")
    settings = TransferSettings(
        multipart_threshold=5 * MIB, part_size=5 * MIB, max_concurrency=concurrency
    )
    store = S3ObjectStore(client=client, settings=settings)
    store.put_bytes(f"s3://{BUCKET}/src.bin", os.urandom(11 * MIB))
    with (
        inject_aws_error(client, code="InternalError", status=500, operation="UploadPartCopy"),
        pytest.raises(TransientError) as info,
    ):
        store.copy(f"s3://{BUCKET}/src.bin", f"s3://{BUCKET}/dst.bin")
    assert info.value.context["resource"] == f"s3://{BUCKET}/dst.bin"
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert not store.exists(f"s3://{BUCKET}/dst.bin")

"""AsyncS3ObjectStore against the moto server: the sync store's behaviour, plus bulk calls."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import urllib.request
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest

from support.faults import inject_aws_error
from support.services import Service
from tradai.common.aws._async_client_factory import AsyncClientFactory, close_async_clients
from tradai.common.aws._client_factory import ClientConfig
from tradai.common.aws.async_s3_utils import AsyncS3ObjectStore
from tradai.common.aws.s3_utils import TransferSettings
from tradai.common.exceptions import (
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
BUCKET = "tradai-s3-async"
SMALL_PARTS = TransferSettings(multipart_threshold=5 * MIB, part_size=5 * MIB, max_concurrency=3)
T = TypeVar("T")


@pytest.fixture
def s3(aws: Service) -> Any:
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def run(
    body: Callable[[AsyncS3ObjectStore, Any], Coroutine[Any, Any, T]],
    settings: TransferSettings | None = None,
    config: ClientConfig | None = None,
) -> T:
    """Run ``body(store, client)`` in a fresh loop with its own factory, closed after."""

    async def main() -> T:
        factory = AsyncClientFactory(config=config)
        try:
            client = await factory.client("s3")
            return await body(AsyncS3ObjectStore(factory=factory, settings=settings), client)
        finally:
            await factory.aclose()

    return asyncio.run(main())


def test_bytes_json_yaml_exists_delete_and_copy(s3: Any) -> None:
    async def body(store: AsyncS3ObjectStore, _: Any) -> None:
        digest = await store.put_bytes(f"s3://{BUCKET}/a.bin", b"abc", content_type="text/plain")
        assert digest == hashlib.sha256(b"abc").hexdigest()
        assert await store.get_bytes(f"s3://{BUCKET}/a.bin") == b"abc"
        await store.put_json(f"s3://{BUCKET}/c.json", {"x": [1, 2]})
        assert await store.get_json(f"s3://{BUCKET}/c.json") == {"x": [1, 2]}
        await store.put_yaml(f"s3://{BUCKET}/c.yaml", {"y": "z"})
        assert await store.get_yaml(f"s3://{BUCKET}/c.yaml") == {"y": "z"}
        await store.copy(f"s3://{BUCKET}/c.json", f"s3://{BUCKET}/d.json")
        assert await store.get_json(f"s3://{BUCKET}/d.json") == {"x": [1, 2]}
        assert await store.exists(f"s3://{BUCKET}/d.json")
        await store.delete(f"s3://{BUCKET}/d.json")
        assert not await store.exists(f"s3://{BUCKET}/d.json")
        with pytest.raises(NotFoundError) as info:
            await store.get_bytes(f"s3://{BUCKET}/d.json")
        assert info.value.resource == f"s3://{BUCKET}/d.json"

    run(body)
    assert s3.head_object(Bucket=BUCKET, Key="c.json")["ContentType"] == "application/json"


def test_multipart_file_upload_download_and_copy_verify_checksums(s3: Any, tmp_path: Path) -> None:
    data = os.urandom(12 * MIB + 1)
    source = tmp_path / "in.bin"
    source.write_bytes(data)
    want = hashlib.sha256(data).hexdigest()

    async def body(store: AsyncS3ObjectStore, _: Any) -> list[str]:
        digests = [
            await store.upload_file(source, f"s3://{BUCKET}/big.bin"),
            await store.download_file(f"s3://{BUCKET}/big.bin", tmp_path / "out.bin"),
            await store.put_bytes(f"s3://{BUCKET}/big2.bin", data),
            hashlib.sha256(await store.get_bytes(f"s3://{BUCKET}/big2.bin")).hexdigest(),
        ]
        await store.copy(f"s3://{BUCKET}/big.bin", f"s3://{BUCKET}/big3.bin")
        digests.append(await store.download_file(f"s3://{BUCKET}/big3.bin", tmp_path / "o3"))
        return digests

    assert run(body, SMALL_PARTS) == [want] * 5
    assert s3.head_object(Bucket=BUCKET, Key="big3.bin")["ETag"].endswith('-3"')
    assert (tmp_path / "out.bin").read_bytes() == data


def test_a_tampered_object_is_refused_and_no_file_is_left(s3: Any, tmp_path: Path) -> None:
    lie = base64.b64encode(hashlib.sha256(b"good").digest()).decode()
    s3.put_object(
        Bucket=BUCKET, Key="t.bin", Body=b"evil", ChecksumAlgorithm="SHA256", ChecksumSHA256=lie
    )

    async def body(store: AsyncS3ObjectStore, _: Any) -> None:
        with pytest.raises(ExternalServiceError, match="integrity check"):
            await store.download_file(f"s3://{BUCKET}/t.bin", tmp_path / "t.bin")
        with pytest.raises(ExternalServiceError, match="integrity check"):
            await store.get_bytes(f"s3://{BUCKET}/t.bin")

    run(body)
    assert list(tmp_path.iterdir()) == []


def test_list_pages_and_presigned_url(s3: Any) -> None:
    for key in ("p/1", "p/2", "p/3", "q"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())

    async def body(store: AsyncS3ObjectStore, _: Any) -> tuple[list[str], str]:
        page = await store.list_page(f"s3://{BUCKET}/p/", page_size=2)
        assert (page.items, page.has_more) == (["p/1", "p/2"], True)
        last = await store.list_page(f"s3://{BUCKET}/p/", page_size=2, cursor=page.next_cursor)
        assert (last.items, last.next_cursor) == (["p/3"], None)
        keys = [key async for key in store.list_keys(f"s3://{BUCKET}", page_size=1)]
        return keys, await store.presigned_url(f"s3://{BUCKET}/q", expires_in=30)

    keys, url = run(body)
    assert keys == ["p/1", "p/2", "p/3", "q"]
    assert "X-Amz-Expires=30" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"q"


def _track_in_flight(client: Any) -> list[int]:
    state = [0, 0]  # in flight, peak

    def sent(**_: Any) -> None:
        state[0] += 1
        state[1] = max(state[1], state[0])

    def received(**_: Any) -> None:
        state[0] -= 1

    client.meta.events.register("before-send.s3", sent)
    client.meta.events.register("response-received.s3", received)
    return state


def test_upload_many_and_download_many_stay_within_the_concurrency_limit(
    s3: Any, tmp_path: Path
) -> None:
    files = []
    for i in range(6):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(os.urandom(6 * MIB if i % 2 else 1000))
        files.append(path)

    async def body(store: AsyncS3ObjectStore, client: Any) -> tuple[list[str], list[str], int]:
        state = _track_in_flight(client)
        up = await store.upload_many((f, f"s3://{BUCKET}/many/{f.name}") for f in files)
        down = await store.download_many(
            (f"s3://{BUCKET}/many/{f.name}", tmp_path / "out" / f.name) for f in files
        )
        return up, down, state[1]

    up, down, peak = run(body, SMALL_PARTS)
    want = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert up == want
    assert down == want
    assert 1 < peak <= SMALL_PARTS.max_concurrency


def test_bulk_calls_validate_every_location_before_any_request(s3: Any, tmp_path: Path) -> None:
    s3.put_object(Bucket=BUCKET, Key="keep", Body=b"x")

    async def body(store: AsyncS3ObjectStore, _: Any) -> None:
        with pytest.raises(ValidationError):
            await store.delete_many([f"s3://{BUCKET}/keep", "s3://Bad_Bucket/x"])
        with pytest.raises(ValidationError):
            await store.upload_many([(tmp_path / "nope", "s3://tradai/../x")])
        with pytest.raises(ValidationError):
            await store.download_many([("not-a-uri", tmp_path / "x")])
        with pytest.raises(ValidationError):
            store.list_keys(f"s3://{BUCKET}", page_size=1001)

    run(body)
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1


def test_delete_many_sends_batches_of_a_thousand_per_bucket(s3: Any) -> None:
    s3.create_bucket(Bucket=f"{BUCKET}-2")
    keys = [f"d/{i:04d}" for i in range(1003)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=BUCKET, Key=k, Body=b""), keys))
    s3.put_object(Bucket=f"{BUCKET}-2", Key="other", Body=b"")
    s3.put_object(Bucket=BUCKET, Key="survivor", Body=b"")

    async def body(store: AsyncS3ObjectStore, client: Any) -> list[int]:
        sizes: list[int] = []
        client.meta.events.register(
            "before-parameter-build.s3.DeleteObjects",
            lambda params, **_: sizes.append(len(params["Delete"]["Objects"])),
        )
        locations = [f"s3://{BUCKET}/{k}" for k in keys]
        await store.delete_many([*locations, locations[0], f"s3://{BUCKET}-2/other"])
        await store.delete_many([])
        return sorted(sizes)

    assert run(body) == [1, 3, 1000]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["survivor"]
    assert s3.list_objects_v2(Bucket=f"{BUCKET}-2")["KeyCount"] == 0


def test_async_throttling_is_retried_then_transient_naming_operation_and_resource(
    s3: Any,
) -> None:
    async def body(store: AsyncS3ObjectStore, client: Any) -> tuple[int, dict[str, Any]]:
        with inject_aws_error(client, code="SlowDown", status=503) as record:
            with pytest.raises(TransientError) as info:
                await store.put_bytes(f"s3://{BUCKET}/slow", b"x")
        return record.injected, info.value.context

    attempts, context = run(body, config=ClientConfig(max_attempts=2))
    assert attempts == 2
    assert (context["operation"], context["resource"]) == ("PutObject", f"s3://{BUCKET}/slow")


def test_a_failed_part_aborts_the_async_multipart_upload(s3: Any) -> None:
    async def body(store: AsyncS3ObjectStore, client: Any) -> None:
        with (
            inject_aws_error(client, code="InternalError", status=500, operation="UploadPart"),
            pytest.raises(TransientError),
        ):
            await store.put_bytes(f"s3://{BUCKET}/aborted", os.urandom(11 * MIB))

    run(body, SMALL_PARTS, ClientConfig(max_attempts=1))
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_a_file_that_shrinks_during_an_async_upload_is_refused(s3: Any, tmp_path: Path) -> None:
    source = tmp_path / "shrinking.bin"
    source.write_bytes(os.urandom(11 * MIB))

    async def body(store: AsyncS3ObjectStore, client: Any) -> None:
        client.meta.events.register(
            "after-call.s3.CreateMultipartUpload", lambda **_: os.truncate(source, 6 * MIB)
        )
        with pytest.raises(ConflictError, match="changed while it was uploaded"):
            await store.upload_file(source, f"s3://{BUCKET}/shrinking.bin")

    run(body, SMALL_PARTS)
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_a_failed_part_stops_reading_further_parts(s3: Any) -> None:
    settings = TransferSettings(multipart_threshold=5 * MIB, part_size=5 * MIB, max_concurrency=1)

    async def body(store: AsyncS3ObjectStore, client: Any) -> list[str]:
        fault = inject_aws_error(client, code="InternalError", status=500, operation="UploadPart")
        with fault as record, pytest.raises(TransientError):
            await store.put_bytes(f"s3://{BUCKET}/stop", os.urandom(21 * MIB))
        return record.seen_operations

    seen = run(body, settings, ClientConfig(max_attempts=1))
    assert seen.count("UploadPart") == 1  # parts 2-5 were never read or sent
    assert seen[-1] == "AbortMultipartUpload"


def test_the_process_wide_client_is_used_when_nothing_is_injected(s3: Any) -> None:
    async def main() -> bytes:
        store = AsyncS3ObjectStore()
        try:
            await store.put_bytes(f"s3://{BUCKET}/default", b"via default")
            return await store.get_bytes(f"s3://{BUCKET}/default")
        finally:
            await close_async_clients()

    assert asyncio.run(main()) == b"via default"
    assert AsyncS3ObjectStore().settings == TransferSettings()

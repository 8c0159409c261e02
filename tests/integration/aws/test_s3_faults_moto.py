"""S3 stores under faults: throttling retried then translated, a dead endpoint fails fast."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from support.faults import inject_aws_error
from support.services import Service, start_moto_server
from tradai.common.aws._async_client_factory import AsyncClientFactory
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.async_s3_utils import AsyncS3ObjectStore
from tradai.common.aws.s3_utils import S3ObjectStore
from tradai.common.exceptions import AuthenticationError, ExternalServiceError, TransientError

pytestmark = pytest.mark.integration

BUCKET = "tradai-s3-faults"
URI = f"s3://{BUCKET}/obj.json"
FAST_FAIL = ClientConfig(max_attempts=2, connect_timeout=0.5, read_timeout=1)


@pytest.fixture
def store(aws: Service) -> S3ObjectStore:
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    client = ClientFactory(config=ClientConfig(max_attempts=2)).client("s3")
    s3 = S3ObjectStore(client=client)
    s3.put_json(URI, {"ok": True})
    return s3


CALLS: dict[str, Callable[[S3ObjectStore], object]] = {
    "PutObject": lambda s: s.put_json(URI, {"v": 2}),
    "GetObject": lambda s: s.get_json(URI),
    "HeadObject": lambda s: s.exists(URI),
    "DeleteObject": lambda s: s.delete(URI),
    "ListObjectsV2": lambda s: list(s.list_keys(f"s3://{BUCKET}/")),
}


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_slowdown_is_retried_then_surfaces_as_transient_naming_operation_and_resource(
    store: S3ObjectStore, operation: str
) -> None:
    with inject_aws_error(store.client, code="SlowDown", status=503) as record:
        with pytest.raises(TransientError) as info:
            CALLS[operation](store)
    assert record.injected == 2  # max_attempts=2: the SDK retried once
    assert info.value.retryable
    assert info.value.context["operation"] == operation
    assert info.value.context["resource"].startswith(f"s3://{BUCKET}")


def test_a_slowdown_that_clears_is_absorbed_by_the_sdk(store: S3ObjectStore) -> None:
    with inject_aws_error(store.client, code="SlowDown", status=503, times=1) as record:
        assert store.get_json(URI) == {"ok": True}
    assert record.injected == 1


def test_access_denied_surfaces_at_once_as_authentication_error(store: S3ObjectStore) -> None:
    with inject_aws_error(store.client, code="AccessDenied", status=403) as record:
        with pytest.raises(AuthenticationError) as info:
            store.get_bytes(URI)
    assert record.injected == 1
    assert info.value.context["resource"] == URI


@pytest.fixture
def stopped_server() -> Any:
    service = start_moto_server()
    try:
        client = ClientFactory(config=FAST_FAIL).client("s3", endpoint_url=service.url)
        client.create_bucket(Bucket=BUCKET)
        client.put_object(Bucket=BUCKET, Key="obj.json", Body=b"{}")
    finally:
        service.stop()
    return service


def test_a_stopped_server_fails_with_external_service_error_within_the_timeout(
    stopped_server: Service, tmp_path: Path
) -> None:
    client = ClientFactory(config=FAST_FAIL).client("s3", endpoint_url=stopped_server.url)
    store = S3ObjectStore(client=client)
    for call in (
        lambda: store.get_bytes(URI),
        lambda: store.download_file(URI, tmp_path / "x.json"),
        lambda: store.put_bytes(URI, b"x"),
    ):
        start = time.monotonic()
        with pytest.raises(ExternalServiceError) as info:
            call()
        assert time.monotonic() - start < 5
        assert isinstance(info.value, TransientError)
        assert info.value.context["resource"] == URI
    assert list(tmp_path.iterdir()) == []


def test_the_async_store_fails_fast_too_against_a_stopped_server(stopped_server: Service) -> None:
    async def main() -> float:
        factory = AsyncClientFactory(config=FAST_FAIL)
        client = await factory.client("s3", endpoint_url=stopped_server.url)
        store = AsyncS3ObjectStore(client=client)
        start = time.monotonic()
        try:
            with pytest.raises(TransientError):
                await store.get_bytes(URI)
        finally:
            await factory.aclose()
        return time.monotonic() - start

    assert asyncio.run(main()) < 5

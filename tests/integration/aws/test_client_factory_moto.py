"""The client factory against the real moto server."""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import ClientError

from support.services import Service
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.errors import translate_aws_error
from tradai.common.exceptions import ConflictError, NotFoundError, TransientError

pytestmark = pytest.mark.integration


def test_thirty_two_threads_get_one_client(aws: Service) -> None:
    factory = ClientFactory()
    barrier = threading.Barrier(32)
    seen: list[object] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        client = factory.client("s3")
        with lock:
            seen.append(client)

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 32
    assert len({id(c) for c in seen}) == 1
    assert factory.cached_count == 1
    client = seen[0]
    client.create_bucket(Bucket="one-client")  # type: ignore[attr-defined]  # boto3 client
    assert client.meta.endpoint_url == aws.url  # type: ignore[attr-defined]


def test_real_errors_translate(aws: Service) -> None:
    factory = ClientFactory()
    s3 = factory.client("s3")
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket="missing-bucket", Key="k")
    assert isinstance(translate_aws_error(info.value, service="s3"), NotFoundError)

    ddb = factory.client("dynamodb")
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    with pytest.raises(ClientError) as info:
        ddb.put_item(
            TableName="t",
            Item={"pk": {"S": "a"}, "v": {"N": "2"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    conflict = translate_aws_error(info.value, service="dynamodb", resource="t")
    assert isinstance(conflict, ConflictError)
    assert conflict.current == {"pk": {"S": "a"}, "v": {"N": "1"}}


def test_stopped_endpoint_fails_fast_as_transient_error() -> None:
    from support.services import free_port

    config = ClientConfig(max_attempts=2, connect_timeout=0.5, read_timeout=0.5)
    factory = ClientFactory(config=config)
    s3 = factory.client("s3", endpoint_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(Exception) as info:
        s3.list_buckets()
    assert isinstance(translate_aws_error(info.value, service="s3"), TransientError)

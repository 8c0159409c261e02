"""The fault injector drives the SDK's real retry logic; errors translate as documented."""

from __future__ import annotations

import asyncio

import pytest
from botocore.exceptions import ClientError

from support.faults import inject_aws_error
from support.services import Service
from tradai.common.aws._async_client_factory import AsyncClientFactory
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.errors import translate_aws_error
from tradai.common.exceptions import TransientError, ValidationError

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("service", "call", "code", "status"),
    [
        ("dynamodb", lambda c: c.list_tables(), "ThrottlingException", 400),
        ("s3", lambda c: c.list_buckets(), "SlowDown", 503),
        ("sqs", lambda c: c.list_queues(), "ServiceUnavailable", 503),
        ("sns", lambda c: c.list_topics(), "Throttling", 400),
    ],
)
def test_throttling_is_retried_by_the_sdk_then_surfaces_as_transient(
    aws: Service, service: str, call: object, code: str, status: int
) -> None:
    factory = ClientFactory(config=ClientConfig(max_attempts=3))
    client = factory.client(service)
    with inject_aws_error(client, code=code, status=status) as record:
        with pytest.raises(ClientError) as info:
            call(client)  # type: ignore[operator]  # lambda from the table
    assert record.injected == 3  # the SDK's standard mode retried twice
    error = translate_aws_error(info.value, service=service, resource="r")
    assert isinstance(error, TransientError)
    assert error.context["resource"] == "r"
    assert error.context["operation"]


def test_a_transient_fault_that_clears_is_absorbed_by_sdk_retries(aws: Service) -> None:
    client = ClientFactory(config=ClientConfig(max_attempts=3)).client("dynamodb")
    with inject_aws_error(client, code="ThrottlingException", status=400, times=2) as record:
        assert client.list_tables()["TableNames"] == []
    assert record.injected == 2


def test_non_retryable_errors_surface_at_once(aws: Service) -> None:
    client = ClientFactory(config=ClientConfig(max_attempts=5)).client("dynamodb")
    with inject_aws_error(client, code="ValidationException", status=400) as record:
        with pytest.raises(ClientError) as info:
            client.list_tables()
    assert record.injected == 1
    assert isinstance(translate_aws_error(info.value, service="dynamodb"), ValidationError)


def test_throttling_on_an_async_client_is_retried_by_the_sdk_then_surfaces_as_transient(
    aws: Service,
) -> None:
    async def main() -> tuple[int, ClientError]:
        factory = AsyncClientFactory(config=ClientConfig(max_attempts=2))
        try:
            client = await factory.client("dynamodb")
            with inject_aws_error(client, code="ThrottlingException", status=400) as record:
                with pytest.raises(ClientError) as info:
                    await client.list_tables()
            return record.injected, info.value
        finally:
            await factory.aclose()

    injected, exc = asyncio.run(main())
    assert injected == 2  # the SDK's standard mode retried once
    error = translate_aws_error(exc, service="dynamodb", resource="r")
    assert isinstance(error, TransientError)
    assert error.context["resource"] == "r"
    assert error.context["operation"] == "ListTables"

"""AsyncS3ObjectStore without a server: client resolution, eager validation, delete errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tradai.common.aws._s3_async_transfer import gather_all
from tradai.common.aws.async_s3_utils import AsyncS3ObjectStore, _raise_delete_errors
from tradai.common.exceptions import AuthenticationError, TransientError, ValidationError


class _Factory:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def client(self, service: str) -> str:
        self.asked.append(service)
        return f"{service}-client"


def test_an_injected_client_wins_over_the_factory() -> None:
    store = AsyncS3ObjectStore(client="mine", factory=_Factory())  # type: ignore[arg-type]
    assert asyncio.run(store.client()) == "mine"


def test_the_factory_is_asked_for_an_s3_client_each_call() -> None:
    factory = _Factory()
    store = AsyncS3ObjectStore(factory=factory)  # type: ignore[arg-type]  # duck-typed factory
    assert asyncio.run(store.client()) == "s3-client"
    assert factory.asked == ["s3"]


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.list_keys("s3://tradai-data/", page_size=0),
        lambda s: s.list_keys("s3://BAD/"),
    ],
)
def test_list_keys_validates_at_the_call(call: Any) -> None:
    store = AsyncS3ObjectStore(client=object())
    with pytest.raises(ValidationError):
        call(store)


def test_single_calls_validate_before_asking_for_a_client() -> None:
    store = AsyncS3ObjectStore(factory=_Factory())  # type: ignore[arg-type]

    async def main() -> None:
        with pytest.raises(ValidationError):
            await store.put_bytes("s3://tradai-data/k", "text")  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            await store.presigned_url("s3://tradai-data/k", expires_in=0)
        with pytest.raises(ValidationError):
            await store.copy("s3://tradai-data/k", "s3://tradai-data")

    asyncio.run(main())


def test_a_clean_delete_response_raises_nothing() -> None:
    _raise_delete_errors("tradai-data", 3, {"Deleted": [{"Key": "a"}]})


def test_keys_s3_did_not_delete_raise_the_translated_error_of_the_first() -> None:
    response = {
        "Errors": [
            {"Key": "a/1", "Code": "AccessDenied", "Message": "denied"},
            {"Key": "a/2", "Code": "InternalError", "Message": "oops"},
        ]
    }
    with pytest.raises(AuthenticationError) as info:
        _raise_delete_errors("tradai-data", 10, response)
    assert info.value.context["resource"] == "s3://tradai-data/a/1"
    assert info.value.context["operation"] == "DeleteObjects"
    assert "2 of 10 keys not deleted" in str(info.value)


def test_gather_all_cancels_the_rest_on_the_first_error() -> None:
    cancelled: list[bool] = []

    async def slow() -> int:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return 1

    async def fail() -> int:
        raise TransientError("boom")

    async def main() -> None:
        with pytest.raises(TransientError):
            await gather_all([slow(), fail(), slow()])

    asyncio.run(main())
    assert cancelled == [True, True]

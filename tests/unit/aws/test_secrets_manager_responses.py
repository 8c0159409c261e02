"""Responses no emulator produces, through a stand-in client (AWS always sends a value)."""

from __future__ import annotations

from typing import Any

import pytest

from tradai.common.aws.secrets_manager import SecretsManagerCache
from tradai.common.exceptions import NotFoundError


class StandInClient:
    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response

    def get_secret_value(self, **params: Any) -> dict[str, Any]:
        return self.response


def test_a_response_without_a_value_is_not_found() -> None:
    cache = SecretsManagerCache(client=StandInClient({"Name": "tradai/s"}))
    with pytest.raises(NotFoundError, match="has no current value") as info:
        cache.get_secret("tradai/s")
    assert info.value.context["operation"] == "GetSecretValue"


def test_a_bytearray_binary_value_is_decoded() -> None:
    cache = SecretsManagerCache(client=StandInClient({"SecretBinary": bytearray(b"v")}))
    assert cache.get_secret("tradai/s") == "v"

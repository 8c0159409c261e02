"""State shared by the sync and async DynamoDB adapters (everything but the I/O).

Both adapters take the same constructor arguments (documented on
:class:`~tradai.common.aws.dynamodb.adapter.DynamoDBTable`); only how they call the
client, sleep and read the key schema differs.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from tradai.common.aws.dynamodb._batch import Backoff
from tradai.common.aws.dynamodb._requests import Codec, Requests
from tradai.common.aws.dynamodb.types import BatchRetryPolicy, Item, KeySchema

if TYPE_CHECKING:
    from tradai.common.aws._async_client_factory import AsyncClientFactory
    from tradai.common.aws._client_factory import ClientFactory

__all__ = ["TableBase"]


class TableBase:
    """Validated table name, request builder, client source, key schema and retry knobs.

    Args:
        table_name: The table's name (validated).
        client: A low-level client, or a service resource whose ``meta.client`` is used
            (that client serializes values itself: the codec is told so). Pass the
            resource itself, never ``resource.meta.client``.
        factory: A client factory (used when ``client`` is ``None``).
        key_schema: The table's key, when known.
        retry: The batch retry policy.
        sleep: The sleep used between batch retries; the subclass default when ``None``.
        clock: Monotonic clock bounding the total retry time.
        jitter: Returns a random number in ``[0, 1)``.
    """

    _default_sleep: ClassVar[Callable[[float], Any]] = staticmethod(time.sleep)

    def __init__(
        self,
        table_name: str,
        *,
        client: Any = None,
        factory: ClientFactory | AsyncClientFactory | None = None,
        key_schema: KeySchema | None = None,
        retry: BatchRetryPolicy | None = None,
        sleep: Callable[[float], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        resource_client = getattr(getattr(client, "meta", None), "client", None)
        self._requests = Requests(table_name, Codec(transformed=resource_client is not None))
        self._client_obj = client if resource_client is None else resource_client
        self._factory = factory
        self._schema = key_schema
        self._schema_lock = threading.Lock()
        self._backoff = Backoff(retry or BatchRetryPolicy(), clock, jitter)
        self._sleep = sleep or type(self)._default_sleep

    def __repr__(self) -> str:
        return f"{type(self).__name__}(table_name={self.table_name!r})"

    @property
    def table_name(self) -> str:
        """The table's name."""
        return self._requests.table_name

    def _decode(self, wire: Mapping[str, Any] | None) -> Item | None:
        return self._requests.codec.decode(wire) if wire else None

    @staticmethod
    def _attributes(remove: Iterable[str]) -> tuple[str, ...]:
        return (remove,) if isinstance(remove, str) else tuple(remove)

"""Cached aioboto3 clients and resources: the async twin of the client factory.

aiobotocore clients are async context managers bound to the event loop that opened them,
so the cache is kept per running loop: within one loop every caller gets the same client
(creation is guarded by an :class:`asyncio.Lock`, so N tasks asking at once open exactly
one), and :meth:`AsyncClientFactory.aclose` closes the loop's clients. Keys, retry/timeout
defaults and endpoint resolution are exactly those of
:class:`~tradai.common.aws._client_factory.ClientFactory`.

Example:
    >>> import asyncio
    >>> async def main():  # doctest: +SKIP
    ...     factory = AsyncClientFactory()
    ...     s3 = await factory.client("s3")
    ...     await s3.list_buckets()
    ...     await factory.aclose()
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from dataclasses import dataclass, field
from typing import Any

from tradai.common._lazy import require
from tradai.common.aws._client_factory import CacheKey, ClientConfig, cache_key

__all__ = ["AsyncClientFactory", "close_async_clients", "get_async_client", "get_async_resource"]


@dataclass
class _LoopState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    cache: dict[CacheKey, Any] = field(default_factory=dict)
    sessions: dict[tuple[str | None, str | None], Any] = field(default_factory=dict)


def _aio_config(config: ClientConfig, region: str | None) -> Any:
    aio = require("aiobotocore.config", extra="aws")
    return aio.AioConfig(
        region_name=region,
        retries={"mode": config.retry_mode, "total_max_attempts": config.max_attempts},
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        max_pool_connections=config.max_pool_connections,
        user_agent_extra="tradai-common",
    )


class AsyncClientFactory:
    """A per-event-loop cache of aioboto3 clients and resources.

    Args:
        config: Retry/timeout settings; read from the environment when omitted.
    """

    def __init__(self, *, config: ClientConfig | None = None) -> None:
        self._config = config
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            state = _LoopState()
            self._loops[loop] = state
        return state

    def _key(
        self,
        kind: str,
        service: str,
        *,
        region: str | None,
        endpoint_url: str | None,
        profile: str | None,
        config: ClientConfig | None,
    ) -> CacheKey:
        return cache_key(
            kind,
            service,
            region=region,
            endpoint_url=endpoint_url,
            profile=profile,
            config=config or self._config or ClientConfig.from_env(),
        )

    async def _get(self, key: CacheKey) -> Any:
        state = self._state()
        cached = state.cache.get(key)
        if cached is not None:
            return cached
        async with state.lock:
            cached = state.cache.get(key)
            if cached is None:
                kind, service, region, endpoint, profile, config = key
                session = state.sessions.get((region, profile))
                if session is None:
                    aioboto3 = require("aioboto3", extra="aws")
                    session = aioboto3.Session(region_name=region, profile_name=profile)
                    state.sessions[(region, profile)] = session
                make = session.client if kind == "client" else session.resource
                context = make(service, endpoint_url=endpoint, config=_aio_config(config, region))
                cached = await state.stack.enter_async_context(context)
                state.cache[key] = cached
            return cached

    async def client(
        self,
        service: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        profile: str | None = None,
        config: ClientConfig | None = None,
    ) -> Any:
        """Return this loop's cached aiobotocore client for ``service``, opening it once.

        Args:
            service: botocore client name.
            region: Region; ``AWS_REGION``/``AWS_DEFAULT_REGION`` when omitted.
            endpoint_url: Endpoint; the ``AWS_ENDPOINT_URL*`` variables when omitted.
            profile: Profile; ``AWS_PROFILE`` when omitted.
            config: Retry/timeout settings for this client.

        Returns:
            An open aiobotocore client; it stays open until :meth:`aclose`.

        Raises:
            MissingDependencyError: If aioboto3 is not installed (extra ``aws``).
        """
        return await self._get(
            self._key(
                "client",
                service,
                region=region,
                endpoint_url=endpoint_url,
                profile=profile,
                config=config,
            )
        )

    async def resource(
        self,
        service: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        profile: str | None = None,
        config: ClientConfig | None = None,
    ) -> Any:
        """Return this loop's cached aioboto3 resource (``"dynamodb"``, ``"s3"``).

        Args:
            service: The resource's service name.
            region: As for :meth:`client`.
            endpoint_url: As for :meth:`client`.
            profile: As for :meth:`client`.
            config: As for :meth:`client`.

        Returns:
            An open aioboto3 service resource.
        """
        return await self._get(
            self._key(
                "resource",
                service,
                region=region,
                endpoint_url=endpoint_url,
                profile=profile,
                config=config,
            )
        )

    def cached_count(self) -> int:
        """How many clients and resources are open in the running loop."""
        return len(self._state().cache)

    async def aclose(self) -> None:
        """Close every client and resource opened in the running loop."""
        loop = asyncio.get_running_loop()
        state = self._loops.pop(loop, None)
        if state is not None:
            await state.stack.aclose()


_default = AsyncClientFactory()


async def get_async_client(service: str, **kwargs: Any) -> Any:
    """Return the process-wide factory's client for ``service`` in the running loop.

    Args:
        service: botocore client name.
        **kwargs: ``region``, ``endpoint_url``, ``profile``, ``config``.

    Returns:
        The open aiobotocore client.
    """
    return await _default.client(service, **kwargs)


async def get_async_resource(service: str, **kwargs: Any) -> Any:
    """Return the process-wide factory's resource for ``service`` in the running loop.

    Args:
        service: The resource's service name.
        **kwargs: ``region``, ``endpoint_url``, ``profile``, ``config``.

    Returns:
        The open aioboto3 resource.
    """
    return await _default.resource(service, **kwargs)


async def close_async_clients() -> None:
    """Close the process-wide factory's clients opened in the running loop."""
    await _default.aclose()

"""Resilience patterns: retry with backoff, circuit breaker, and policies combining them.

* :mod:`~tradai.common.resilience.retry` — :func:`retry` / :class:`Retrying`: full-jitter
  exponential backoff bounded by attempts *and* a deadline, server-provided delays,
  sync/async/generator functions, a block API, and a test mode (:func:`set_testing`).
* :mod:`~tradai.common.resilience.circuit_breaker` — :class:`CircuitBreaker`: closed →
  open → half-open with exactly one probe, thread-safe and async-native, state in memory
  or shared through Redis (:mod:`~tradai.common.resilience.redis_store`).
* :mod:`~tradai.common.resilience.policy` — :class:`ResiliencePolicy`: per-attempt
  timeout, retry inside the breaker, fallback; run it with
  :mod:`~tradai.common.resilience.execution` (:func:`execute`, :func:`aexecute`,
  :func:`resilient`).

Names load on first use, except :func:`retry`: the decorator shares its name with the
``retry`` submodule, and Python binds a submodule to its package's attribute whenever the
submodule is first imported (by ``policy``, say), which would hide a lazily exported
function. So the package imports ``retry`` (the decorator) eagerly and binds it last.
redis-py is imported only when a :class:`RedisBreakerStore` is built.

Example:
    >>> import tradai.common.resilience as resilience
    >>> with resilience.set_testing(attempts=1):
    ...     resilience.is_testing()
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradai.common._lazy import lazy_exports

if TYPE_CHECKING:
    from tradai.common.resilience.circuit_breaker import (
        BreakerSnapshot,
        BreakerStore,
        CircuitBreaker,
        CircuitOpenError,
        CircuitState,
        InMemoryBreakerStore,
        StateChange,
        StateListener,
    )
    from tradai.common.resilience.execution import aexecute, execute, resilient
    from tradai.common.resilience.policy import (
        DEFAULT_FALLBACK_ON,
        CallTimeoutError,
        ResiliencePolicy,
    )
    from tradai.common.resilience.redis_store import RedisBreakerStore, StoreFailurePolicy
    from tradai.common.resilience.retry import (
        Attempt,
        RetryConfig,
        Retrying,
        full_jitter_backoff,
        is_testing,
        reset_testing,
        retry_after_attribute,
        set_testing,
    )

_RETRY = "tradai.common.resilience.retry"
_BREAKER = "tradai.common.resilience.circuit_breaker"
_POLICY = "tradai.common.resilience.policy"
_EXECUTION = "tradai.common.resilience.execution"
_REDIS = "tradai.common.resilience.redis_store"
_EXPORTS = {
    "Attempt": _RETRY,
    "RetryConfig": _RETRY,
    "Retrying": _RETRY,
    "full_jitter_backoff": _RETRY,
    "is_testing": _RETRY,
    "reset_testing": _RETRY,
    "retry_after_attribute": _RETRY,
    "set_testing": _RETRY,
    "BreakerSnapshot": _BREAKER,
    "BreakerStore": _BREAKER,
    "CircuitBreaker": _BREAKER,
    "CircuitOpenError": _BREAKER,
    "CircuitState": _BREAKER,
    "InMemoryBreakerStore": _BREAKER,
    "StateChange": _BREAKER,
    "StateListener": _BREAKER,
    "DEFAULT_FALLBACK_ON": _POLICY,
    "CallTimeoutError": _POLICY,
    "ResiliencePolicy": _POLICY,
    "aexecute": _EXECUTION,
    "execute": _EXECUTION,
    "resilient": _EXECUTION,
    "RedisBreakerStore": _REDIS,
    "StoreFailurePolicy": _REDIS,
}

__all__ = [
    "DEFAULT_FALLBACK_ON",
    "Attempt",
    "BreakerSnapshot",
    "BreakerStore",
    "CallTimeoutError",
    "CircuitBreaker",
    "CircuitOpenError",
    "CircuitState",
    "InMemoryBreakerStore",
    "RedisBreakerStore",
    "ResiliencePolicy",
    "RetryConfig",
    "Retrying",
    "StateChange",
    "StateListener",
    "StoreFailurePolicy",
    "aexecute",
    "execute",
    "full_jitter_backoff",
    "is_testing",
    "reset_testing",
    "resilient",
    "retry",
    "retry_after_attribute",
    "set_testing",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

# Imported last and eagerly (see the module docs): this rebinds the package attribute
# ``retry`` from the submodule to the decorator factory.
from tradai.common.resilience.retry import retry  # noqa: E402

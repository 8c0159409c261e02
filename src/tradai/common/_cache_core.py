"""Keys, TTLs and values shared by the cache backends, plus single flight.

Private module; :mod:`tradai.common.cache` (the public path) documents the rules these
helpers enforce and re-exports the public names.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import threading
from collections.abc import Callable
from typing import Any, Final, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from tradai.common.exceptions import ValidationError
from tradai.common.validators import ensure, validate_identifier

__all__ = [
    "DEFAULT_MAX_VALUE_BYTES",
    "DEFAULT_PREFIX",
    "DEFAULT_TTL",
    "MAX_TTL",
    "MISSING",
    "SingleFlight",
    "coerce_result",
    "decode_value",
    "default_ttl_ms",
    "encode_value",
    "positive_int",
    "ttl_to_ms",
    "validate_cache_key",
]

_T = TypeVar("_T")

#: Lifetime of a value set without an explicit ``ttl`` (seconds).
DEFAULT_TTL: Final = 300.0
#: The longest lifetime a value may be given (seconds): 366 days.
MAX_TTL: Final = 366 * 24 * 3600.0
#: The namespace every key is stored under unless the cache is given another one.
DEFAULT_PREFIX: Final = "tradai:cache:"
#: The largest encoded value a cache accepts unless given another bound (1 MiB).
DEFAULT_MAX_VALUE_BYTES: Final = 1024 * 1024

_MAX_DEPTH: Final = 64
_US_PER_MS: Final = 1000


class _Missing:
    """The type of :data:`MISSING`: a miss, distinct from a cached ``None``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def validate_cache_key(key: str, *, field: str = "key") -> str:
    """Check a cache key (or key prefix) and return it unchanged.

    Keys follow :func:`~tradai.common.validators.validate_identifier`: 1-256 ASCII letters,
    digits and ``_ . : / -``, starting with a letter or digit (no spaces, control
    characters, glob characters or look-alike unicode).

    Args:
        key: The key, without the cache's namespace prefix.
        field: The argument name to report in the error.

    Returns:
        The key.

    Raises:
        ValidationError: If the key does not qualify.

    Example:
        >>> validate_cache_key("ohlcv:BTC/USDT:1h")
        'ohlcv:BTC/USDT:1h'
    """
    return ensure(validate_identifier, key, field=field)


def _is_seconds(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def ttl_to_ms(ttl: float | _dt.timedelta | None, *, default_ms: int) -> int:
    """Turn a TTL into whole milliseconds (rounded up), the unit both backends store.

    Args:
        ttl: Seconds (``int``/``float``) or a ``timedelta``; ``None`` for the default.
        default_ms: The cache's default TTL in milliseconds.

    Returns:
        The TTL in milliseconds, at least 1.

    Raises:
        ValidationError: If the TTL is not positive, not finite, above :data:`MAX_TTL`,
            or not a number (``bool`` is refused).
    """
    if ttl is None:
        return default_ms
    if isinstance(ttl, _dt.timedelta):
        micros = ttl // _dt.timedelta(microseconds=1)
    elif _is_seconds(ttl):
        micros = round(ttl * 1_000_000)
    else:
        raise ValidationError("ttl must be a finite number of seconds or a timedelta", field="ttl")
    if micros <= 0 or micros > MAX_TTL * 1_000_000:
        raise ValidationError(f"ttl must be > 0 and at most {MAX_TTL:.0f} s", field="ttl")
    return -(-micros // _US_PER_MS)


def default_ttl_ms(value: float | _dt.timedelta | None) -> int:
    """Validate a cache's ``default_ttl`` and return it in milliseconds.

    Args:
        value: Seconds or a ``timedelta`` (``None`` is refused: every value expires).

    Returns:
        The TTL in milliseconds.

    Raises:
        ValidationError: If the TTL is missing or invalid.
    """
    if value is None:
        raise ValidationError("default_ttl is required: every cached value expires", field="ttl")
    return ttl_to_ms(value, default_ms=1)


def positive_int(value: int, field: str) -> int:
    """Check a size bound.

    Args:
        value: The bound.
        field: The argument name to report.

    Returns:
        The bound.

    Raises:
        ValidationError: If it is not an ``int`` of at least 1 (``bool`` is refused).
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"{field} must be a positive integer", field=field)
    return value


def _check_json(value: Any, path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ValidationError(f"{path}: nested deeper than {_MAX_DEPTH} levels", field="value")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(f"{path}: non-finite number {value!r}", field="value")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for name, item in value.items():
            if not isinstance(name, str):
                raise ValidationError(
                    f"{path}: keys must be strings, got {name!r:.40}", field="value"
                )
            _check_json(item, f"{path}.{name}", depth + 1)
        return
    raise ValidationError(
        f"{path}: {type(value).__name__} is not JSON data (cache a pydantic model instead)",
        field="value",
    )


def encode_value(value: Any, *, max_bytes: int) -> bytes:
    """Encode a value as the UTF-8 JSON both backends store.

    Args:
        value: JSON data (``dict`` with ``str`` keys, ``list``/``tuple``, ``str``, ``int``,
            finite ``float``, ``bool``, ``None``) or a pydantic model (``model_dump_json``).
        max_bytes: The largest encoding accepted.

    Returns:
        The encoded bytes.

    Raises:
        ValidationError: If the value is not JSON data or its encoding is too large.

    Example:
        >>> encode_value({"a": [1, 2.5, None]}, max_bytes=100)
        b'{"a":[1,2.5,null]}'
    """
    try:
        if isinstance(value, BaseModel):
            text = value.model_dump_json()
        else:
            _check_json(value, "value", 0)
            text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        data = text.encode("utf-8")
    except (ValueError, PydanticSerializationError) as exc:  # lone surrogates, huge ints
        raise ValidationError(f"value cannot be encoded as JSON: {exc}", field="value") from exc
    if len(data) > max_bytes:
        raise ValidationError(
            f"encoded value is {len(data)} bytes; the limit is {max_bytes}", field="value"
        )
    return data


def decode_value(raw: bytes | str, model: type[BaseModel] | None) -> Any:
    """Decode a stored value.

    Args:
        raw: The stored JSON.
        model: Decode into this pydantic model; plain JSON data when ``None``.

    Returns:
        The decoded value.

    Raises:
        ValueError: If the stored value is not JSON or does not fit ``model``.
    """
    if model is None:
        return json.loads(raw)
    return model.model_validate_json(raw)


def coerce_result(value: Any, model: type[BaseModel] | None) -> Any:
    """Return a factory's result, validated into ``model`` when one is given.

    Args:
        value: What the factory returned.
        model: The model ``get_or_set`` was asked for, if any.

    Returns:
        ``value`` itself, or ``model.model_validate(value)`` when it is not already one.

    Raises:
        ValidationError: If the result does not fit ``model``.
    """
    if model is None or isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ValidationError(
            f"factory result does not fit {model.__name__}", field="value"
        ) from exc


class _Call:
    __slots__ = ("done", "error", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class SingleFlight:
    """Run one call per key at a time; concurrent callers share its outcome.

    The leader's function must publish its result (e.g. store it in the cache) before it
    returns: a caller arriving after the flight ended starts a new one.

    Example:
        >>> SingleFlight().do("k", lambda: 42)
        42
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, _Call] = {}

    def do(self, key: str, fn: Callable[[], _T]) -> _T:
        """Run ``fn`` unless a call for ``key`` is in progress; then wait for that one.

        Args:
            key: What the call is about.
            fn: The work; run by the first caller only.

        Returns:
            The leader's result (the same object for every caller of one flight).

        Raises:
            BaseException: Whatever the leader's ``fn`` raised, re-raised in every caller.
        """
        with self._lock:
            call = self._calls.get(key)
            lead = call is None
            if call is None:
                call = self._calls[key] = _Call()
        if not lead:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return call.value  # type: ignore[no-any-return]  # the leader's fn returned a _T
        try:
            call.value = fn()
        except BaseException as exc:  # handed to every waiter, then re-raised here
            call.error = exc
            raise
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()
        return call.value  # type: ignore[no-any-return]  # fn returned a _T

"""Paginated reads: opaque, tamper-evident cursors over DynamoDB's ``LastEvaluatedKey``.

A cursor is ``<body>.<mac>``, both URL-safe base64 without padding: the body holds the
``LastEvaluatedKey`` (key attributes as ``S``/``N``/``B`` values, zlib-compressed when
that is shorter), the mac is HMAC-SHA256 over a version tag, the *scope* and the body.
The scope names what the cursor belongs to (the table and the query), so a cursor of
another table or query, a cursor signed with another key, and any edited cursor are
refused with :class:`~tradai.common.exceptions.ValidationError` (``field="cursor"``)
before anything is read. Callers see an opaque string; nothing in it can steer a read.

The signing key is injected (:class:`CursorSigner`) or read from the environment variable
``TRADAI_CURSOR_SECRET`` (a ``SecretStr``, see
:class:`~tradai.common.repositories._cursor_settings.CursorSettings`) the first time a
cursor must be made or read; without one, that raises
:class:`~tradai.common.exceptions.ConfigurationError` (a single page needs no key).

:func:`read_page` follows DynamoDB's rules: a page's ``Limit`` counts items *before* the
filter, so a page can come back empty yet carry a ``LastEvaluatedKey``. Such pages are
skipped (the next one is read at once) up to ``max_empty_pages`` reads per call; if every
one of them was empty, the caller gets an empty page whose cursor continues the scan.
Pages may hold fewer than ``limit`` items; only a missing cursor means the end.

Example:
    >>> signer = CursorSigner("a signing key of at least 16 chars")
    >>> cursor = signer.encode({"pk": "job-7"}, scope="jobs|scan")
    >>> signer.decode(cursor, scope="jobs|scan")
    {'pk': 'job-7'}
    >>> signer.decode(cursor, scope="other|scan")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tradai.common.exceptions.ValidationError: cursor is not valid here ...
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import zlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from pydantic import SecretStr

from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.repositories._numbers import decode_number
from tradai.common.repositories._wire import encode_wire

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import Item, Page
    from tradai.common.repositories._cursor_settings import CursorSettings

__all__ = ["CursorSigner", "read_page"]

T = TypeVar("T")

_MAX_CURSOR: Final = 4096  # PaginatedResponse.next_cursor's limit
_MAX_BODY: Final = 64 * 1024
_MIN_SECRET: Final = 16
_TAG: Final = b"tradai-cursor-v1\x00"
_PART: Final = re.compile(r"[A-Za-z0-9_-]+")
_PLAIN, _ZLIB = b"\x00", b"\x01"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not _PART.fullmatch(text):
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:  # one text per body: no malleable padding bits
        raise ValueError("non-canonical base64url")
    return data


def _key_to_json(key: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in key.items():
        ((tag, payload),) = encode_wire(value).items()
        if tag == "B":
            payload = _b64(payload)
        elif tag not in ("S", "N"):
            raise ValidationError("a cursor key holds only strings, numbers and binary")
        out[str(name)] = [tag, payload]
    return out


def _key_from_json(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not 1 <= len(data) <= 4:
        raise ValueError("bad key")
    key: dict[str, Any] = {}
    for name, (tag, payload) in data.items():
        if tag == "S" and isinstance(payload, str):
            key[name] = payload
        elif tag == "N" and isinstance(payload, str):
            decode_number(payload)  # refuses anything DynamoDB would not hold
            key[name] = Decimal(payload)
        elif tag == "B" and isinstance(payload, str):
            key[name] = _unb64(payload)
        else:
            raise ValueError("bad key value")
    return key


def _invalid() -> ValidationError:
    return ValidationError("cursor is not valid here", field="cursor")


class CursorSigner:
    """Makes and checks cursors with one HMAC-SHA256 key.

    Args:
        secret: The key (at least 16 characters or bytes); a ``SecretStr`` keeps it out of
            logs. Every process serving the same cursors needs the same key.

    Raises:
        ConfigurationError: If the key is shorter than 16 bytes.

    Example:
        >>> CursorSigner(SecretStr("another key, 16+ chars"))
        CursorSigner(secret='**********')
    """

    __slots__ = ("_key",)

    def __init__(self, secret: SecretStr | str | bytes) -> None:
        raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        key = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        if len(key) < _MIN_SECRET:
            raise ConfigurationError(
                f"the cursor secret must hold at least {_MIN_SECRET} bytes",
                setting="TRADAI_CURSOR_SECRET",
            )
        self._key = key

    def __repr__(self) -> str:
        return "CursorSigner(secret='**********')"

    @classmethod
    def from_settings(cls, settings: CursorSettings | None = None) -> CursorSigner:
        """Build a signer from ``settings`` (default: ``TRADAI_CURSOR_SECRET``).

        Args:
            settings: Cursor settings; loaded from the environment when omitted.

        Returns:
            The signer.

        Raises:
            ConfigurationError: If no secret is configured or it is too short.
        """
        if settings is None:
            from tradai.common.repositories._cursor_settings import CursorSettings

            settings = CursorSettings.load()
        if settings.cursor_secret is None:
            raise ConfigurationError(
                "set TRADAI_CURSOR_SECRET (or inject a CursorSigner) to page through results",
                setting="TRADAI_CURSOR_SECRET",
            )
        return cls(settings.cursor_secret)

    def _mac(self, scope: str, body: bytes) -> bytes:
        message = _TAG + scope.encode("utf-8") + b"\x00" + body
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def encode(self, key: Mapping[str, Any], *, scope: str) -> str:
        """Return the cursor that resumes a read after ``key``.

        Args:
            key: A ``LastEvaluatedKey`` in the resource form (strings, numbers, bytes).
            scope: What the cursor belongs to (the table and the query).

        Returns:
            The opaque cursor (at most 4,096 printable ASCII characters).

        Raises:
            ValidationError: If the key holds other values or is too large for a cursor.
        """
        text = json.dumps(_key_to_json(key), separators=(",", ":"), sort_keys=True)
        plain = text.encode("utf-8")
        packed = zlib.compress(plain, 9)
        body = _ZLIB + packed if len(packed) < len(plain) else _PLAIN + plain
        cursor = f"{_b64(body)}.{_b64(self._mac(scope, body))}"
        if len(cursor) > _MAX_CURSOR:
            raise ValidationError("the key is too large for a cursor", field="cursor")
        return cursor

    def decode(self, cursor: object, *, scope: str) -> dict[str, Any]:
        """Check a cursor and return the key it resumes after.

        Args:
            cursor: A cursor made by :meth:`encode` with the same key and scope.
            scope: The scope of the read being resumed.

        Returns:
            The ``ExclusiveStartKey`` (resource form).

        Raises:
            ValidationError: If the cursor was edited, made with another key, belongs to
                another scope, or is not a cursor at all.
        """
        if not isinstance(cursor, str) or len(cursor) > _MAX_CURSOR or cursor.count(".") != 1:
            raise _invalid()
        try:
            body_text, mac_text = cursor.split(".")
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (ValueError, binascii.Error):
            raise _invalid() from None
        if not hmac.compare_digest(mac, self._mac(scope, body)):
            raise _invalid()
        try:
            return _key_from_json(json.loads(self._unpack(body)))
        except (ValueError, TypeError, zlib.error, ValidationError):
            raise _invalid() from None

    @staticmethod
    def _unpack(body: bytes) -> bytes:
        flag, data = body[:1], body[1:]
        if flag == _PLAIN:
            return data
        if flag != _ZLIB:
            raise ValueError("unknown cursor body")
        inflater = zlib.decompressobj()
        plain = inflater.decompress(data, _MAX_BODY)
        if inflater.unconsumed_tail:
            raise ValueError("cursor body too large")
        return plain


def read_page(
    fetch: Callable[[Mapping[str, Any] | None], Page],
    decode: Callable[[Item], T],
    *,
    limit: int,
    cursor: str | None,
    scope: str,
    signer: Callable[[], CursorSigner],
    max_empty_pages: int = 16,
) -> PaginatedResponse[T]:
    """Read one page of entities, skipping empty pages that still carry a cursor.

    Args:
        fetch: Reads one page of at most ``limit`` evaluated items from a start key.
        decode: Turns a stored item into an entity.
        limit: Page size (1-10,000).
        cursor: The previous page's ``next_cursor``; ``None`` for the first page.
        scope: What cursors of this read belong to.
        signer: Returns the cursor signer (called only when a cursor is read or made).
        max_empty_pages: Reads per call before an empty page is returned with its cursor.

    Returns:
        The page; ``next_cursor`` is ``None`` only when the read is complete.

    Raises:
        ValidationError: If ``limit`` is out of range or the cursor is not valid here.
        ConfigurationError: If a cursor is needed and no signing key is configured.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
        raise ValidationError("limit must be an integer from 1 to 10000", field="limit")
    start = None if cursor is None else signer().decode(cursor, scope=scope)
    page = fetch(start)
    for _ in range(max_empty_pages - 1):
        if page.items or page.last_key is None:
            break
        page = fetch(page.last_key)
    items = [decode(item) for item in page.items]
    next_cursor = None
    if page.last_key is not None:
        next_cursor = signer().encode(page.last_key, scope=scope)
    return cast(
        "PaginatedResponse[T]",
        PaginatedResponse[Any](items=items, limit=limit, next_cursor=next_cursor),
    )

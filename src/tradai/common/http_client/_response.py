"""``HttpResponse`` and its read-only, case-insensitive ``HttpHeaders``.

A response is fully read (within the size limit) before it is returned, so it holds no
connection and can be passed around freely. Its repr shows the status, method, redacted
URL and size — never headers (``Set-Cookie``) or the body.
"""

from __future__ import annotations

import json as _json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tradai.common.exceptions import ExternalServiceError

__all__ = ["HttpHeaders", "HttpResponse"]


class HttpHeaders(Mapping[str, str]):
    """Immutable HTTP headers; lookups ignore case.

    Args:
        items: ``(name, value)`` pairs; a repeated name keeps the values joined by ``", "``.

    Example:
        >>> headers = HttpHeaders([("Content-Type", "application/json")])
        >>> headers["content-type"], "CONTENT-TYPE" in headers, len(headers)
        ('application/json', True, 1)
    """

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        merged: dict[str, tuple[str, str]] = {}
        for name, value in items:
            key = name.lower()
            if key in merged:
                merged[key] = (merged[key][0], f"{merged[key][1]}, {value}")
            else:
                merged[key] = (name, value)
        self._items = merged

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"HttpHeaders({sorted(self)!r})"


@dataclass(frozen=True, slots=True, repr=False)
class HttpResponse:
    """A complete HTTP response.

    Args:
        status: The HTTP status code.
        headers: The response headers.
        body: The body bytes (decompressed).
        method: The request method.
        url: The request URL with credentials redacted.
        elapsed: Seconds from sending the request to reading the last byte.
        service: The dependency's name (used in errors).

    Example:
        >>> response = HttpResponse(200, HttpHeaders(), b'{"ok": true}', "GET", "http://h/x")
        >>> response.ok, response.json(), response.text
        (True, {'ok': True}, '{"ok": true}')
        >>> response
        HttpResponse(200, GET http://h/x, 12 bytes)
    """

    status: int
    headers: HttpHeaders
    body: bytes
    method: str
    url: str
    elapsed: float = 0.0
    service: str = "http"

    def __repr__(self) -> str:
        return f"HttpResponse({self.status}, {self.method} {self.url}, {len(self.body)} bytes)"

    @property
    def ok(self) -> bool:
        """Whether the status is below 400."""
        return self.status < 400

    @property
    def encoding(self) -> str:
        """The charset of ``Content-Type`` (``utf-8`` when absent)."""
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"')
        return "utf-8"

    @property
    def text(self) -> str:
        """The body decoded with :attr:`encoding` (undecodable bytes replaced)."""
        try:
            return self.body.decode(self.encoding, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Parse the body as JSON.

        Returns:
            The decoded value.

        Raises:
            ExternalServiceError: If the body is not valid JSON (the service broke its
                contract; the body is not quoted in the error).
        """
        try:
            return _json.loads(self.body)
        except ValueError as exc:
            raise ExternalServiceError(
                f"{self.service}: {self.method} response is not valid JSON",
                service=self.service,
                status_code=self.status,
                error_code="InvalidJson",
                context={"url": self.url},
            ) from exc

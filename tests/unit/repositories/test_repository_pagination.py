"""Signed cursors and page reading: tampered or foreign cursors never steer a read."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from tradai.common.aws.dynamodb.types import Page
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.repositories._cursor_settings import CursorSettings
from tradai.common.repositories.pagination import CursorSigner, read_page

SIGNER = CursorSigner(SecretStr("0123456789abcdef-secret"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_cursor_round_trips_strings_numbers_and_binary() -> None:
    key = {"pk": "job#1:x", "sk": Decimal("12.5"), "raw": b"\x00\xff"}
    cursor = SIGNER.encode(key, scope="t|list")
    assert SIGNER.decode(cursor, scope="t|list") == key
    assert all(c.isascii() and c.isprintable() and c != " " for c in cursor)


def test_a_long_key_is_compressed_and_still_round_trips() -> None:
    key = {"pk": "a" * 2000, "sk": "b" * 1000}
    cursor = SIGNER.encode(key, scope="s")
    assert len(cursor) < 400
    assert SIGNER.decode(cursor, scope="s") == key


def test_a_key_too_large_for_a_cursor_is_refused() -> None:
    key = {"pk": base64.b64encode(random.Random(7).randbytes(3000)).decode()}
    with pytest.raises(ValidationError, match="too large"):
        SIGNER.encode(key, scope="s")


def test_a_cursor_of_another_scope_is_refused() -> None:
    cursor = SIGNER.encode({"pk": "a"}, scope="jobs|list")
    with pytest.raises(ValidationError) as info:
        SIGNER.decode(cursor, scope="deployments|list")
    assert info.value.field == "cursor"


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    cursor = CursorSigner("another secret of 16+ bytes").encode({"pk": "a"}, scope="s")
    with pytest.raises(ValidationError):
        SIGNER.decode(cursor, scope="s")


def test_every_single_character_edit_is_refused() -> None:
    cursor = SIGNER.encode({"pk": "job-1", "sk": Decimal(3)}, scope="s")
    for index, char in enumerate(cursor):
        for replacement in {"A", "B", "_", "-", "."} - {char}:
            edited = cursor[:index] + replacement + cursor[index + 1 :]
            with pytest.raises(ValidationError):
                SIGNER.decode(edited, scope="s")


def test_a_forged_body_with_a_guessed_mac_is_refused() -> None:
    body = b"\x00" + json.dumps({"pk": ["S", "admin"]}).encode()
    forged = f"{_b64(body)}.{_b64(b'0' * 32)}"
    with pytest.raises(ValidationError):
        SIGNER.decode(forged, scope="s")


@pytest.mark.parametrize(
    "cursor",
    [None, 5, "", ".", "a.b.c", "abc", "a" * 5000, "é.x", "YQ==.YQ", "YQ.YQ==", "a b.c"],
)
def test_garbage_is_refused_as_validation_error(cursor: Any) -> None:
    with pytest.raises(ValidationError):
        SIGNER.decode(cursor, scope="s")


class _Signed:
    """Signs arbitrary bodies with SIGNER's key, to prove the body parser is strict too."""

    @staticmethod
    def cursor(body: bytes, scope: str = "s") -> str:
        return f"{_b64(body)}.{_b64(SIGNER._mac(scope, body))}"


@pytest.mark.parametrize(
    "body",
    [
        b"\x02{}",
        b"\x00not json",
        b"\x00[]",
        b"\x00{}",
        b"\x00" + json.dumps({"pk": ["X", "a"]}).encode(),
        b"\x00" + json.dumps({"pk": ["N", "not a number"]}).encode(),
        b"\x00" + json.dumps({"pk": ["B", "***"]}).encode(),
        b"\x00" + json.dumps({"pk": "flat"}).encode(),
        b"\x01" + b"not zlib",
    ],
)
def test_a_validly_signed_but_malformed_body_is_refused(body: bytes) -> None:
    with pytest.raises(ValidationError):
        SIGNER.decode(_Signed.cursor(body), scope="s")


def test_a_signed_zip_bomb_is_refused() -> None:
    import zlib

    body = b"\x01" + zlib.compress(b"{" + b" " * (1024 * 1024) + b"}")
    with pytest.raises(ValidationError):
        SIGNER.decode(_Signed.cursor(body), scope="s")


@pytest.mark.parametrize("value", [{"a"}, [1], {"m": 1}, None, True])
def test_a_key_holding_other_values_cannot_become_a_cursor(value: Any) -> None:
    with pytest.raises(ValidationError):
        SIGNER.encode({"pk": value}, scope="s")


@pytest.mark.parametrize("secret", ["short", b"0123456789", SecretStr("")])
def test_a_short_secret_is_a_configuration_error(secret: Any) -> None:
    with pytest.raises(ConfigurationError):
        CursorSigner(secret)


def test_the_secret_never_shows() -> None:
    signer = CursorSigner("super-secret-value-123")
    assert "super" not in repr(signer)
    assert "super" not in str(CursorSettings(cursor_secret=SecretStr("super-secret-value-123")))


def test_the_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADAI_CURSOR_SECRET", "from-the-environment-1")
    signer = CursorSigner.from_settings()
    assert signer.decode(signer.encode({"pk": "a"}, scope="s"), scope="s") == {"pk": "a"}
    explicit = CursorSigner.from_settings(CursorSettings(cursor_secret="explicit-secret-12345"))
    with pytest.raises(ValidationError):
        explicit.decode(signer.encode({"pk": "a"}, scope="s"), scope="s")


def test_no_secret_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRADAI_CURSOR_SECRET", raising=False)
    with pytest.raises(ConfigurationError, match="TRADAI_CURSOR_SECRET"):
        CursorSigner.from_settings()


# ---------------------------------------------------------------- read_page
class _Pages:
    """A scripted table: each call returns the next page and records its start key."""

    def __init__(self, *pages: Page) -> None:
        self.pages = list(pages)
        self.starts: list[Mapping[str, Any] | None] = []

    def __call__(self, start: Mapping[str, Any] | None) -> Page:
        self.starts.append(start)
        return self.pages.pop(0)


def _never() -> CursorSigner:
    raise AssertionError("no cursor should be needed")


def test_a_single_last_page_needs_no_signer() -> None:
    pages = _Pages(Page(items=({"n": 1},)))
    page = read_page(pages, lambda i: i["n"], limit=5, cursor=None, scope="s", signer=_never)
    assert page.items == [1]
    assert page.next_cursor is None


def test_empty_pages_with_a_cursor_are_skipped() -> None:
    pages = _Pages(
        Page(items=(), last_key={"pk": "a"}),
        Page(items=(), last_key={"pk": "b"}),
        Page(items=({"n": 3},), last_key={"pk": "c"}),
    )
    page = read_page(pages, lambda i: i["n"], limit=5, cursor=None, scope="s",
                     signer=lambda: SIGNER)  # fmt: skip
    assert page.items == [3]
    assert pages.starts == [None, {"pk": "a"}, {"pk": "b"}]
    assert page.next_cursor is not None
    assert SIGNER.decode(page.next_cursor, scope="s") == {"pk": "c"}


def test_skipping_is_bounded_and_returns_an_empty_page_that_continues() -> None:
    pages = _Pages(*[Page(items=(), last_key={"pk": str(i)}) for i in range(10)])
    page = read_page(pages, lambda i: i, limit=5, cursor=None, scope="s",
                     signer=lambda: SIGNER, max_empty_pages=3)  # fmt: skip
    assert page.items == []
    assert len(pages.starts) == 3
    assert page.next_cursor is not None
    assert SIGNER.decode(page.next_cursor, scope="s") == {"pk": "2"}


def test_a_cursor_resumes_from_its_key() -> None:
    pages = _Pages(Page(items=({"n": 1},)))
    cursor = SIGNER.encode({"pk": "k"}, scope="s")
    read_page(pages, lambda i: i, limit=1, cursor=cursor, scope="s", signer=lambda: SIGNER)
    assert pages.starts == [{"pk": "k"}]


@pytest.mark.parametrize("limit", [0, -1, 10_001, True, 2.0, "5"])
def test_limit_out_of_range_is_refused(limit: Any) -> None:
    with pytest.raises(ValidationError):
        read_page(_Pages(), lambda i: i, limit=limit, cursor=None, scope="s", signer=_never)

"""Input rules shared by every object store: locations, checks, cursors, not-found."""

from __future__ import annotations

from typing import Any

import pytest

from tradai.common.aws._s3_common import (
    check_bytes,
    check_content_type,
    check_expiry,
    check_method,
    check_page_size,
    decode_cursor,
    encode_cursor,
    missing,
    parse_location,
)
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import NotFoundError, ValidationError


def test_parse_location_accepts_an_s3path_unchanged() -> None:
    path = S3Path(bucket="tradai-data", key="a/b.json")
    assert parse_location(path) is path


def test_parse_location_parses_an_s3_uri_string() -> None:
    path = parse_location("s3://tradai-data/runs/1/result.json")
    assert (path.bucket, path.key) == ("tradai-data", "runs/1/result.json")


@pytest.mark.parametrize(
    "uri",
    [
        "s3://tradai-data/key\n",
        "s3://tradai-data/k\x00ey",
        " s3://tradai-data/key",
        "s3://tradai-data /key",
        "s3://-tradai/key",
        "s3://tradai;rm/key",
        "s3://tradai$(x)/key",
        "s3://trаdai-data/key",  # Cyrillic 'а'
        "s3://tradai-data１/key",  # fullwidth digit
        "s3://Tradai-Data/key",
        "s3://tradai-data/../etc/passwd",
        "s3://tradai-data//abs",
        "https://tradai-data/key",
        "tradai-data/key",
        "s3://",
        "",
    ],
)
def test_parse_location_refuses_near_misses_with_a_validation_error(uri: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_location(uri)
    assert info.value.field == "location"


def test_parse_location_refuses_a_bucket_without_key_for_object_operations() -> None:
    with pytest.raises(ValidationError, match="names a bucket, not an object"):
        parse_location("s3://tradai-data/")


def test_parse_location_allows_an_empty_key_for_prefixes() -> None:
    assert parse_location("s3://tradai-data", key=False).key == ""


@pytest.mark.parametrize("value", [None, 42, b"s3://tradai-data/k", ["s3://tradai-data/k"]])
def test_parse_location_refuses_other_types_naming_the_field(value: object) -> None:
    with pytest.raises(ValidationError, match="destination must be an S3Path") as info:
        parse_location(value, field="destination")
    assert info.value.field == "destination"


def test_check_bytes_keeps_bytes_and_copies_buffers() -> None:
    data = b"abc"
    assert check_bytes(data) is data
    assert check_bytes(bytearray(b"xy")) == b"xy"
    assert check_bytes(memoryview(b"zz")) == b"zz"


@pytest.mark.parametrize("value", ["text", 1, None])
def test_check_bytes_refuses_text_and_other_types(value: object) -> None:
    with pytest.raises(ValidationError, match="data must be bytes"):
        check_bytes(value)


@pytest.mark.parametrize(
    "value", ["application/json", "text/csv; charset=utf-8", "application/vnd.api+json", None]
)
def test_check_content_type_accepts_media_types(value: str | None) -> None:
    assert check_content_type(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "json",
        "application/json\n",
        " application/json",
        "application/json; x",
        "text/plain;\x00",
        "tеxt/plain",  # Cyrillic 'е'
        "a/b; c=d;rm -rf",
        "x" * 300 + "/y",
        5,
    ],
)
def test_check_content_type_refuses_near_misses(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        check_content_type(value)
    assert info.value.field == "content_type"


@pytest.mark.parametrize("seconds", [1, 3600, 604_800])
def test_check_expiry_accepts_one_second_to_seven_days(seconds: int) -> None:
    assert check_expiry(seconds) == seconds


@pytest.mark.parametrize("seconds", [0, -1, 604_801, 3600.0, True, "60", None])
def test_check_expiry_refuses_out_of_range_and_non_int(seconds: Any) -> None:
    with pytest.raises(ValidationError) as info:
        check_expiry(seconds)
    assert info.value.field == "expires_in"


def test_check_method_maps_get_and_put_to_client_methods() -> None:
    assert (check_method("GET"), check_method("PUT")) == ("get_object", "put_object")


@pytest.mark.parametrize("method", ["get", "DELETE", "GET ", None])
def test_check_method_refuses_anything_else(method: Any) -> None:
    with pytest.raises(ValidationError, match="method must be"):
        check_method(method)


@pytest.mark.parametrize("size", [0, 1001, True, 2.0])
def test_check_page_size_refuses_outside_one_to_a_thousand(size: Any) -> None:
    with pytest.raises(ValidationError):
        check_page_size(size)


def test_cursor_round_trips_unicode_keys() -> None:
    key = "runs/ü/ключ/🙂.json"
    assert decode_cursor(encode_cursor(key)) == key
    assert decode_cursor(None) is None


@pytest.mark.parametrize("cursor", ["!!!", "YQ", "", "YWJj\n", "/w==", 5])
def test_decode_cursor_refuses_foreign_tokens(cursor: Any) -> None:
    with pytest.raises(ValidationError, match="not a listing cursor"):
        decode_cursor(cursor)


def test_missing_builds_the_translated_not_found_shape() -> None:
    err = missing("GetObject", S3Path.parse("s3://tradai-data/a.json"))
    assert isinstance(err, NotFoundError)
    assert err.resource == "s3://tradai-data/a.json"
    assert err.context["error_code"] == "NoSuchKey"
    bucket_err = missing("PutObject", S3Path.parse("s3://tradai-data/a"), bucket_only=True)
    assert bucket_err.context["error_code"] == "NoSuchBucket"

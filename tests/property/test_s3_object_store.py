"""Hypothesis: S3 keys and URIs through the object stores, cursors and composite checksums."""

from __future__ import annotations

import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.aws._s3_common import (
    decode_cursor,
    encode_cursor,
    parse_location,
)
from tradai.common.aws._s3_integrity import Digest, Expected, crc32_b64
from tradai.common.aws.memory.object_store import InMemoryObjectStore
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import ValidationError

BUCKET = "tradai-prop"

_bucket = st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True).filter(
    lambda b: not b.startswith(("xn--", "sthree-")) and not b.endswith("-s3alias")
)
_segment = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/\\\u2028\u2029"),
    min_size=1,
    max_size=8,
).filter(lambda s: s != "..")
_key = st.lists(_segment, min_size=1, max_size=4).map("/".join)
_near_miss_char = st.sampled_from(
    ["\n", "\x00", " ", "\t", "\x7f", "\u2028", "А", "１", ";", "|", "&", "$", "`", "/..", "-"]
)


@settings(max_examples=75)
@given(_bucket, _key)
def test_valid_uris_parse_to_the_same_path_as_the_entity(bucket: str, key: str) -> None:
    uri = f"s3://{bucket}/{key}"
    path = parse_location(uri)
    assert path == S3Path(bucket=bucket, key=key)
    assert parse_location(path) is path


@settings(max_examples=75)
@given(_bucket, _key, _near_miss_char, st.sampled_from(["bucket_end", "bucket_start", "key"]))
def test_near_miss_uris_raise_only_validation_error(
    bucket: str, key: str, bad: str, where: str
) -> None:
    if where == "bucket_end":
        uri = f"s3://{bucket}{bad}/{key}"
    elif where == "bucket_start":
        uri = f"s3://{bad}{bucket}/{key}"
    else:
        uri = f"s3://{bucket}/{key}{bad}"
    try:
        parse_location(uri)
    except ValidationError:
        return
    # Some characters are legal inside keys (spaces, shell characters, '-').
    assert where == "key"
    assert bad in {" ", ";", "|", "&", "$", "`", "-", "А", "１"}


@settings(max_examples=75)
@given(st.text(max_size=60))
def test_arbitrary_text_as_a_location_is_accepted_or_a_validation_error(text: str) -> None:
    store = InMemoryObjectStore(buckets=[BUCKET])
    try:
        store.exists(text)
    except ValidationError:
        return
    assert text.startswith("s3://")


@settings(max_examples=60, deadline=None)
@given(st.lists(_key, min_size=1, max_size=12, unique=True), st.integers(1, 5))
def test_any_valid_keys_round_trip_and_list_in_utf8_order(keys: list[str], page: int) -> None:
    store = InMemoryObjectStore(buckets=[BUCKET])
    for key in keys:
        store.put_bytes(f"s3://{BUCKET}/{key}", key.encode())
    for key in keys:
        assert store.get_bytes(S3Path(bucket=BUCKET, key=key)) == key.encode()
    listed = list(store.list_keys(f"s3://{BUCKET}", page_size=page))
    assert listed == sorted(keys, key=lambda k: k.encode("utf-8"))


@settings(max_examples=100)
@given(_key)
def test_cursors_round_trip_any_key_and_are_printable_ascii(key: str) -> None:
    cursor = encode_cursor(key)
    assert cursor.isascii()
    assert cursor.isprintable()
    assert " " not in cursor
    assert decode_cursor(cursor) == key


@settings(max_examples=60)
@given(st.binary(max_size=3000), st.integers(1, 700), st.integers(1, 900))
def test_composite_crc32_does_not_depend_on_how_bytes_arrive(
    data: bytes, part_size: int, chunk: int
) -> None:
    digest = Digest(Expected("crc32", "", part_size=part_size))
    for start in range(0, len(data), chunk):
        digest.update(data[start : start + chunk])
    parts = b"".join(
        zlib.crc32(data[i : i + part_size]).to_bytes(4, "big")
        for i in range(0, len(data), part_size)
    )
    assert digest.checksum() == crc32_b64(zlib.crc32(parts))

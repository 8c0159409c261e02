"""Request helpers of the S3 adapters: part plans, write arguments, errors, presigning."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tradai.common.aws._s3_integrity import PART_SIZE_METADATA_KEY
from tradai.common.aws._s3_requests import (
    aws_boundary,
    byte_range,
    keep_presign_sigv4,
    object_args,
    plan_parts,
)
from tradai.common.aws.constants import S3_MAX_PARTS
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import NotFoundError, TransientError

PATH = S3Path.parse("s3://tradai-data/a.bin")


def test_plan_parts_covers_the_object_in_order() -> None:
    parts = plan_parts(10 * 1024**2 + 1, 5 * 1024**2)
    assert [p[0] for p in parts] == [1, 2, 3]
    assert sum(p[2] for p in parts) == 10 * 1024**2 + 1
    assert parts[-1] == (3, 10 * 1024**2, 1)


def test_plan_parts_grows_the_part_size_to_stay_within_ten_thousand_parts() -> None:
    size = 5 * 1024**2 * S3_MAX_PARTS + 7
    parts = plan_parts(size, 5 * 1024**2)
    assert len(parts) <= S3_MAX_PARTS
    assert sum(p[2] for p in parts) == size


def test_plan_parts_of_an_empty_object_is_empty() -> None:
    assert plan_parts(0, 5) == []


def test_byte_range_is_inclusive() -> None:
    assert byte_range(10, 1) == "bytes=10-10"


def test_object_args_record_the_part_size_and_keep_metadata() -> None:
    parts = plan_parts(12, 5)
    args = object_args(PATH, "text/csv", {"owner": "me"}, parts)
    assert args == {
        "Bucket": "tradai-data",
        "Key": "a.bin",
        "ContentType": "text/csv",
        "Metadata": {"owner": "me", PART_SIZE_METADATA_KEY: "5"},
    }
    assert object_args(PATH, None) == {"Bucket": "tradai-data", "Key": "a.bin"}


def test_aws_boundary_translates_client_errors_naming_operation_and_resource() -> None:
    error = ClientError(
        {"Error": {"Code": "NoSuchKey", "Message": "gone"}},
        "GetObject",
    )
    with pytest.raises(NotFoundError) as info, aws_boundary("GetObject", "s3://b1/k"):
        raise error
    assert info.value.__cause__ is error
    assert info.value.context["resource"] == "s3://b1/k"


def test_aws_boundary_translates_connection_failures_to_transient() -> None:
    with pytest.raises(TransientError), aws_boundary("PutObject", "s3://b1/k"):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")


def test_aws_boundary_lets_other_errors_through() -> None:
    with pytest.raises(KeyError), aws_boundary("PutObject", "s3://b1/k"):
        raise KeyError("x")


def _presign(client: Any) -> str:
    url: str = client.generate_presigned_url(
        "get_object", Params={"Bucket": "tradai-data", "Key": "k"}, ExpiresIn=60
    )
    return url


def test_keep_presign_sigv4_stops_botocore_downgrading_to_sigv2_in_us_east_1() -> None:
    client = boto3.session.Session(
        aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1"
    ).client("s3")
    assert "AWSAccessKeyId=" in _presign(client)  # botocore's legacy default
    keep_presign_sigv4(client)
    keep_presign_sigv4(client)  # idempotent
    url = _presign(client)
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url
    assert "X-Amz-Expires=60" in url

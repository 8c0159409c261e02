"""The session harness really starts its components and points clients at them."""

from __future__ import annotations

import os

import boto3
import pytest
import redis

from support.services import Service

pytestmark = pytest.mark.integration


def test_moto_server_serves_s3_through_aws_endpoint_url(aws: Service) -> None:
    assert os.environ["AWS_ENDPOINT_URL"] == aws.url
    s3 = boto3.client("s3")  # endpoint comes from AWS_ENDPOINT_URL, as in production code
    s3.create_bucket(Bucket="harness-check")
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert names == ["harness-check"]


def test_moto_reset_wipes_state_between_tests(aws: Service) -> None:
    assert boto3.client("s3").list_buckets()["Buckets"] == []


def test_redis_server_answers_on_redis_url(redis_server: Service) -> None:
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert client.ping() is True
    client.set("k", "v")
    assert client.get("k") == b"v"

"""JobStatus transition rules, S3Path parsing/joining, AWSConfig validation."""

from __future__ import annotations

import itertools
from types import MappingProxyType

import pydantic
import pytest

from tradai.common.entities.aws import (
    JOB_STATUS_SOURCES,
    JOB_STATUS_TRANSITIONS,
    AWSConfig,
    JobStatus,
    S3Path,
)

P, R, C, F, X = (
    JobStatus.PENDING,
    JobStatus.RUNNING,
    JobStatus.COMPLETED,
    JobStatus.FAILED,
    JobStatus.CANCELLED,
)

# The reference's table, literally: "PENDING -> PENDING, RUNNING, FAILED, CANCELLED" ...
REFERENCE_TABLE = {
    P: {P, R, F, X},
    R: {R, C, F, X},
    C: set(),
    F: set(),
    X: set(),
}


# --- JobStatus --------------------------------------------------------------------


def test_job_status_is_a_str_enum_with_lower_case_values() -> None:
    assert [s.value for s in JobStatus] == [
        "pending",
        "running",
        "completed",
        "failed",
        "cancelled",
    ]
    assert JobStatus("running") is R
    assert isinstance(R, str)


def test_terminal_statuses_are_completed_failed_and_cancelled() -> None:
    assert {s for s in JobStatus if s.is_terminal} == {C, F, X}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(JobStatus, JobStatus)))
def test_can_transition_to_follows_the_reference_table(
    source: JobStatus, target: JobStatus
) -> None:
    expected = target in REFERENCE_TABLE[source] or source is target
    assert source.can_transition_to(target) is expected


def test_terminal_statuses_never_move_to_another_status() -> None:
    for source in (C, F, X):
        assert [t for t in JobStatus if source.can_transition_to(t)] == [source]


def test_allowed_sources_inverts_the_transition_table() -> None:
    for target in JobStatus:
        expected = {s for s in JobStatus if s.can_transition_to(target)}
        assert JobStatus.allowed_sources(target) == expected
        assert JOB_STATUS_SOURCES[target] == expected
    assert JobStatus.allowed_sources(C) == {R, C}
    assert JobStatus.allowed_sources(R) == {P, R}
    assert JobStatus.allowed_sources(P) == {P}


def test_allowed_sources_accepts_the_plain_value() -> None:
    assert JobStatus.allowed_sources("failed") == {P, R, F}  # type: ignore[arg-type]  # str values are accepted


def test_transition_tables_are_read_only() -> None:
    assert isinstance(JOB_STATUS_TRANSITIONS, MappingProxyType)
    assert isinstance(JOB_STATUS_SOURCES, MappingProxyType)
    with pytest.raises(TypeError):
        JOB_STATUS_TRANSITIONS[P] = frozenset()  # type: ignore[index]  # proving read-only


# --- S3Path -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "bucket", "key"),
    [
        (
            "s3://tradai-data/results/run-1/summary.json",
            "tradai-data",
            "results/run-1/summary.json",
        ),
        ("s3://tradai-data/prefix/", "tradai-data", "prefix/"),
        ("s3://tradai-data", "tradai-data", ""),
        ("s3://tradai-data/", "tradai-data", ""),
        ("s3://my.bucket.1/a b/ü.txt", "my.bucket.1", "a b/ü.txt"),
    ],
)
def test_parse_splits_bucket_and_key(uri: str, bucket: str, key: str) -> None:
    path = S3Path.parse(uri)
    assert (path.bucket, path.key) == (bucket, key)
    assert S3Path.from_uri(uri) == path


def test_uri_and_str_render_the_s3_form() -> None:
    assert S3Path(bucket="b-1", key="a/b").uri == "s3://b-1/a/b"
    assert str(S3Path(bucket="b-1", key="a/b")) == "s3://b-1/a/b"
    assert S3Path(bucket="b-1").uri == "s3://b-1"


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "s3://",
        "s3:///key",
        "s3:/bucket/key",
        "S3://bucket/key",
        "http://bucket/key",
        " s3://bucket/key",
        "s3://Bucket/key",
        "s3://bu/key",
        "s3://bucket_name/key",
        "s3://bucket..name/key",
        "s3://192.168.1.1/key",
        "s3://xn--bucket/key",
        "s3://bucket-s3alias/key",
        "s3://bucket;rm/key",
        "s3://bucket/key\n",
        "s3://bucket/a\x00b",
        "s3://bucket/a\x7fb",
        "s3://bucket/../etc/passwd",
        "s3://bucket/a/../../b",
        "s3://bucket/a/..",
        "s3://bucket/..\\windows",
        "s3://bucket//absolute",
        "s3://bucket/" + "k" * 1025,
    ],
)
def test_parse_rejects_malformed_uris_buckets_and_keys(uri: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        S3Path.parse(uri)


def test_dots_inside_segments_are_not_traversal() -> None:
    assert S3Path.parse("s3://bucket/a..b/..c/d..").key == "a..b/..c/d.."


def test_join_and_slash_operator_append_segments() -> None:
    root = S3Path.parse("s3://bucket/results/")
    assert root.join("run-1", "summary.json").uri == "s3://bucket/results/run-1/summary.json"
    assert (root / "run-1" / "summary.json").uri == "s3://bucket/results/run-1/summary.json"
    assert root.join("/run-1/", "/logs/").uri == "s3://bucket/results/run-1/logs/"
    assert S3Path(bucket="bucket").join("a").uri == "s3://bucket/a"
    assert root.join() is root
    assert root.join("", "/").key == "results/"
    assert root.join("", "x").key == "results/x"


def test_join_refuses_traversal_segments() -> None:
    with pytest.raises(pydantic.ValidationError):
        S3Path.parse("s3://bucket/results") / "../secrets"


def test_parent_and_name_ignore_a_trailing_slash() -> None:
    path = S3Path.parse("s3://bucket/a/b/c.txt")
    assert path.name == "c.txt"
    assert path.parent.uri == "s3://bucket/a/b"
    assert S3Path.parse("s3://bucket/a/b/").name == "b"
    assert S3Path.parse("s3://bucket/a/b/").parent.uri == "s3://bucket/a"
    assert S3Path.parse("s3://bucket/a").parent.uri == "s3://bucket"
    root = S3Path.parse("s3://bucket")
    assert root.parent == root
    assert root.name == ""


def test_s3path_is_frozen_and_round_trips_through_dump() -> None:
    path = S3Path.parse("s3://bucket/a/b")
    with pytest.raises(pydantic.ValidationError):
        path.key = "x"  # type: ignore[misc]  # proving the model is frozen
    assert path.model_dump() == {"bucket": "bucket", "key": "a/b"}
    assert S3Path.model_validate(path.model_dump()) == path
    assert S3Path.model_validate_json(path.model_dump_json()) == path


def test_s3path_validates_a_uri_string_as_a_field_value() -> None:
    class Holder(pydantic.BaseModel):
        location: S3Path

    assert Holder.model_validate({"location": "s3://bucket/k"}).location.key == "k"


def test_s3path_rejects_non_string_non_mapping_input() -> None:
    with pytest.raises(pydantic.ValidationError):
        S3Path.model_validate(42)


# --- AWSConfig --------------------------------------------------------------------


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "us-gov-west-1", "ap-southeast-4"])
def test_aws_regions_are_accepted(region: str) -> None:
    assert AWSConfig(region=region).region == region


@pytest.mark.parametrize(
    "region", ["", "us-east", "US-EAST-1", "us-east-1\n", " us-east-1", "us_east_1", "us-еast-1"]
)
def test_malformed_regions_are_rejected(region: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="region"):
        AWSConfig(region=region)


def test_region_has_no_default_and_other_fields_default_to_none() -> None:
    with pytest.raises(pydantic.ValidationError, match="region"):
        AWSConfig()  # type: ignore[call-arg]  # region is required on purpose
    config = AWSConfig(region="us-east-1")
    assert config.endpoint_url is None
    assert config.profile is None


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:4566",
        "https://s3.eu-central-1.amazonaws.com",
        "http://127.0.0.1:5000/",
        "http://[::1]:4566",
        "https://vpce-1.s3.us-east-1.vpce.amazonaws.com/path",
    ],
)
def test_http_endpoint_urls_are_accepted(url: str) -> None:
    assert AWSConfig(region="us-east-1", endpoint_url=url).endpoint_url == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://localhost",
        "localhost:4566",
        "http://",
        "http://user:secret@localhost:4566",
        "http://localhost:4566?x=1",
        "http://localhost:4566#frag",
        "http://localhost:99999",
        "http://localhost:0",
        "http://localhost:",
        "http://local host",
        "http://localhost\n",
        "http://localhost;rm",
        "http://lоcalhost",
        "http://-bad-.com",
        "http://[zz::1]",
    ],
)
def test_unsafe_or_non_http_endpoint_urls_are_rejected(url: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="endpoint_url"):
        AWSConfig(region="us-east-1", endpoint_url=url)


def test_credentials_in_a_rejected_endpoint_never_reach_the_error_message() -> None:
    with pytest.raises(pydantic.ValidationError) as excinfo:
        AWSConfig(region="us-east-1", endpoint_url="http://user:hunter2@host")
    assert "user info" in str(excinfo.value)


@pytest.mark.parametrize("profile", ["default", "tradai-dev", "team.prod_1", "a@b+c"])
def test_profiles_are_accepted(profile: str) -> None:
    assert AWSConfig(region="us-east-1", profile=profile).profile == profile


@pytest.mark.parametrize("profile", ["", "-x", "a b", "a;b", "a\n", "prod/admin"])
def test_malformed_profiles_are_rejected(profile: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="profile"):
        AWSConfig(region="us-east-1", profile=profile)


def test_client_kwargs_include_endpoint_only_when_set() -> None:
    assert AWSConfig(region="us-east-1").client_kwargs() == {"region_name": "us-east-1"}
    config = AWSConfig(region="us-east-1", endpoint_url="http://localhost:4566", profile="dev")
    assert config.client_kwargs() == {
        "region_name": "us-east-1",
        "endpoint_url": "http://localhost:4566",
    }

"""Strategy: the documented example, name/version/ECR URL/tag rules, immutability."""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest

from tradai.common.entities.strategy import Strategy

ECR = "123456789.dkr.ecr.eu-central-1.amazonaws.com/tradai-strategies:pascal-2.0.0"


def test_documented_example_builds_a_strategy_with_a_nine_digit_account_id() -> None:
    strategy = Strategy(
        name="PascalStrategy",
        version="2.0.0",
        ecr_url="123456789.dkr.ecr.eu-central-1.amazonaws.com/tradai-strategies:pascal-2.0.0",
    )
    assert strategy.name == "PascalStrategy"
    assert strategy.ecr_url == ECR
    assert strategy.tags == {}


def test_created_at_defaults_to_now_in_utc() -> None:
    before = dt.datetime.now(dt.UTC)
    strategy = Strategy(name="S", version="1.0.0", ecr_url=ECR)
    assert strategy.created_at.tzinfo is not None
    assert strategy.created_at.utcoffset() == dt.timedelta(0)
    assert before <= strategy.created_at <= dt.datetime.now(dt.UTC)


def test_created_at_given_with_an_offset_is_converted_to_utc() -> None:
    cet = dt.timezone(dt.timedelta(hours=1))
    strategy = Strategy(
        name="S", version="1.0.0", ecr_url=ECR, created_at=dt.datetime(2024, 1, 1, 1, tzinfo=cet)
    )
    assert strategy.created_at == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert strategy.created_at.utcoffset() == dt.timedelta(0)


def test_naive_created_at_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError, match="created_at"):
        Strategy(name="S", version="1.0.0", ecr_url=ECR, created_at=dt.datetime(2024, 1, 1))


@pytest.mark.parametrize("version", ["1.0.0", "v1.0.0", "2.10.3-rc.1", "v0.0.1+build.5"])
def test_semantic_versions_with_or_without_v_prefix_are_kept_as_given(version: str) -> None:
    assert Strategy(name="S", version=version, ecr_url=ECR).version == version


@pytest.mark.parametrize(
    "version", ["1.0", "V1.0.0", "vv1.0.0", "1.0.0\n", " 1.0.0", "1.0.0;", "01.0.0", "１.0.0", ""]
)
def test_malformed_versions_are_rejected_naming_the_field(version: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="version"):
        Strategy(name="S", version=version, ecr_url=ECR)


@pytest.mark.parametrize(
    "name", ["", "1Strategy", "-S", "S ", "S\n", "S;rm", "S$x", "Strаtegy", "S\x00", "a" * 129]
)
def test_strategy_name_near_misses_are_rejected(name: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="name"):
        Strategy(name=name, version="1.0.0", ecr_url=ECR)


@pytest.mark.parametrize(
    "url",
    [
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.2.3",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a" * 64,
    ],
)
def test_ecr_urls_with_repository_tag_or_digest_are_accepted(url: str) -> None:
    assert Strategy(name="S", version="1.0.0", ecr_url=url).ecr_url == url


@pytest.mark.parametrize(
    "url",
    [
        "docker.io/library/python:3.11",
        "https://123456789.dkr.ecr.eu-central-1.amazonaws.com/app",
        ECR + "\n",
        " " + ECR,
        ECR + ";rm -rf /",
        "1234567890123.dkr.ecr.eu-central-1.amazonaws.com/app",
        "123456789.dkr.ecr.eu-central-1.amazonaws.com/App",
        "１23456789.dkr.ecr.eu-central-1.amazonaws.com/app",
    ],
)
def test_non_ecr_urls_are_rejected_by_validate_ecr_url(url: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="ecr_url"):
        Strategy(name="S", version="1.0.0", ecr_url=url)


def test_validate_ecr_url_is_a_callable_classmethod() -> None:
    assert Strategy.validate_ecr_url(ECR) == ECR
    with pytest.raises(ValueError, match="ECR"):
        Strategy.validate_ecr_url("nope")


def test_tags_accept_aws_style_keys_and_free_text_values() -> None:
    tags = {"team": "quant", "aws:cost-center": "R&D / 42", "owner@x": ""}
    assert Strategy(name="S", version="1.0.0", ecr_url=ECR, tags=tags).tags == tags


@pytest.mark.parametrize(
    "tags",
    [{"": "v"}, {"bad key": "v"}, {"k\n": "v"}, {"k": "v\x00"}, {"k": "x" * 257}, {"k" * 129: "v"}],
)
def test_invalid_tags_are_rejected(tags: dict[str, str]) -> None:
    with pytest.raises(pydantic.ValidationError, match="tags"):
        Strategy(name="S", version="1.0.0", ecr_url=ECR, tags=tags)


def test_strategy_is_frozen_and_forbids_unknown_fields() -> None:
    strategy = Strategy(name="S", version="1.0.0", ecr_url=ECR)
    with pytest.raises(pydantic.ValidationError):
        strategy.name = "Other"  # type: ignore[misc]  # proving the model is frozen
    with pytest.raises(pydantic.ValidationError, match="extra"):
        Strategy(name="S", version="1.0.0", ecr_url=ECR, owner="me")  # type: ignore[call-arg]  # unknown field on purpose


def test_dump_and_validate_round_trip_exactly() -> None:
    strategy = Strategy(name="S", version="v1.2.3", ecr_url=ECR, tags={"a": "b"})
    assert Strategy.model_validate(strategy.model_dump()) == strategy
    assert Strategy.model_validate_json(strategy.model_dump_json()) == strategy

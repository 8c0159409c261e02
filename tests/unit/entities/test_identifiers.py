"""Arn, TableName and ExperimentName accept valid identifiers and refuse near-misses."""

from __future__ import annotations

import pydantic
import pytest
from pydantic import TypeAdapter

from tradai.common.entities.identifiers import Arn, ExperimentName, TableName

ARN = TypeAdapter(Arn)
TABLE = TypeAdapter(TableName)
EXPERIMENT = TypeAdapter(ExperimentName)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sns:us-east-1:123456789012:alerts",
        "arn:aws:ecs:eu-central-1:123456789012:task-definition/tradai-strategy:3",
        "arn:aws:s3:::tradai-data",
        "arn:aws-us-gov:iam::123456789012:role/x",
    ],
)
def test_arn_accepts_amazon_resource_names(arn: str) -> None:
    assert ARN.validate_python(arn) == arn


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "arn:aws:sns",
        "arn:aws:sns:us-east-1:123:alerts",
        "arn:aws:sns:us-east-1:123456789012:alerts\n",
        " arn:aws:sns:us-east-1:123456789012:alerts",
        "arn:aws:sns:us-east-1:123456789012:alerts;rm",
        "arn:aws:sns:us-east-1:12345678901２:alerts",
        "аrn:aws:sns:us-east-1:123456789012:alerts",
    ],
)
def test_arn_rejects_near_misses(arn: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        ARN.validate_python(arn)


@pytest.mark.parametrize("name", ["abc", "tradai-backtest-jobs", "Tradai_Jobs.v2", "a" * 255])
def test_table_name_accepts_dynamodb_names(name: str) -> None:
    assert TABLE.validate_python(name) == name


@pytest.mark.parametrize(
    "name", ["", "ab", "a" * 256, "jobs table", "jobs\n", "jobs;drop", "jobs/x", "jоbs", "jobs$"]
)
def test_table_name_rejects_other_names(name: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        TABLE.validate_python(name)


@pytest.mark.parametrize(
    "name", ["x", "backtests", "backtests/PascalStrategy", "Pascal strategy (v2)", "é" * 500]
)
def test_experiment_name_accepts_mlflow_names(name: str) -> None:
    assert EXPERIMENT.validate_python(name) == name


@pytest.mark.parametrize(
    "name",
    ["", " x", "x ", "x\n", "\tx", "a\x00b", "a\x7fb", "a\x85b", "a\u2028b", "\u00a0x", "x" * 501],
)
def test_experiment_name_rejects_control_characters_edges_and_overlong_names(name: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        EXPERIMENT.validate_python(name)


def test_identifiers_work_as_model_field_types() -> None:
    class Target(pydantic.BaseModel):
        table: TableName
        topic: Arn
        experiment: ExperimentName

    target = Target(
        table="jobs", topic="arn:aws:sns:us-east-1:123456789012:t", experiment="backtests"
    )
    assert target.table == "jobs"
    with pytest.raises(pydantic.ValidationError, match="table"):
        Target(table="j", topic=target.topic, experiment="e")

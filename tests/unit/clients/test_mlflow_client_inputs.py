"""Bad names, ids, aliases, keys, paths and URIs are refused before any request is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support.http_server import LocalHttpServer
from tradai.common.clients.mlflow_client import MLflowRestClient, MLflowRestConfig
from tradai.common.exceptions import ValidationError
from tradai.common.mlflow.adapter import Metric

RUN = "b" * 32
Call = Callable[[MLflowRestClient, Path], Any]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalHttpServer]:
    with LocalHttpServer() as local:
        yield local


@pytest.fixture
def client(server: LocalHttpServer) -> Iterator[MLflowRestClient]:
    server.reset()
    with MLflowRestClient.from_uri(f"{server.url}/echo") as rest:
        yield rest


NEAR_MISSES = ["x\n", "x\x00", " x", "x ", "a;b", "a|b", "a&b", "$x", "`x`", "\u0410x", "\uff11"]

BAD_CALLS: dict[str, Call] = {
    "run id with a newline": lambda c, _: c.get_run(RUN + "\n"),
    "upper-case run id": lambda c, _: c.get_run(RUN.upper()),
    "short run id": lambda c, _: c.end_run(RUN[:-1]),
    "fullwidth experiment id": lambda c, _: c.get_experiment("\uff11"),
    "negative experiment id": lambda c, _: c.create_run("-1"),
    "experiment name with NUL": lambda c, _: c.create_experiment("a\x00b"),
    "padded experiment name": lambda c, _: c.get_experiment_by_name(" exp"),
    "run name with a newline": lambda c, _: c.create_run("1", run_name="r\n"),
    "tag key with a semicolon": lambda c, _: c.set_experiment_tag("1", "a;b", "v"),
    "non-terminal status": lambda c, _: c.end_run(RUN, status="RUNNING"),  # type: ignore[arg-type]
    "Cyrillic metric key": lambda c, _: c.log_batch(RUN, metrics=[Metric("\u0410", 1.0)]),
    "NaN metric": lambda c, _: c.log_batch(RUN, metrics=[Metric("m", float("nan"))]),
    "101 params": lambda c, _: c.log_batch(RUN, params={f"p{i}": "v" for i in range(101)}),
    "tag with a pipe": lambda c, _: c.set_tags(RUN, {"a|b": "v"}),
    "empty experiment list": lambda c, _: c.search_runs([]),
    "filter with NUL": lambda c, _: c.search_runs(["1"], filter_string="a\x00"),
    "too many results": lambda c, _: c.search_runs(["1"], max_results=1001),
    "model name with a slash": lambda c, _: c.create_registered_model("a/b"),
    "model name with a dollar": lambda c, _: c.get_registered_model("$model"),
    "model name starting with a dash": lambda c, _: c.get_latest_versions("-m"),
    "version zero": lambda c, _: c.get_model_version("M", "0"),
    "fullwidth version": lambda c, _: c.get_model_version("M", "\uff11"),
    "unknown stage": lambda c, _: c.transition_stage("M", "1", "Live"),  # type: ignore[arg-type]
    "lower-case stage": lambda c, _: c.get_latest_versions("M", ["production"]),  # type: ignore[list-item]
    "reserved alias": lambda c, _: c.set_alias("M", "latest", "1"),
    "alias with a space": lambda c, _: c.get_version_by_alias("M", "a b"),
    "Cyrillic alias": lambda c, _: c.delete_alias("M", "\u0410"),
    "source with a space": lambda c, _: c.create_model_version("M", source="s3://a b"),
    "source of another run": lambda c, _: c.create_model_version(
        "M", source=f"runs:/{'c' * 32}/m", run_id=RUN
    ),
    "runs source without run id": lambda c, _: c.create_model_version("M", source=f"runs:/{RUN}/m"),
    "model version run id": lambda c, _: c.create_model_version("M", source="s3://b/k", run_id="x"),
    "artifact path going up": lambda c, tmp: c.list_artifacts(RUN, "../x"),
    "absolute artifact path": lambda c, tmp: c.download_artifact(RUN, "/etc/passwd", tmp),
    "artifact dir with a shell char": lambda c, tmp: c.log_artifact(
        RUN, tmp / "f.txt", artifact_path="a;rm"
    ),
    "missing local file": lambda c, tmp: c.log_artifact(RUN, tmp / "absent.txt"),
    "missing destination": lambda c, tmp: c.download_artifact(RUN, "a.txt", tmp / "absent"),
    "metric history key": lambda c, _: c.get_metric_history(RUN, "a//b"),
    "metric history run id": lambda c, _: c.get_metric_history("x", "m"),
}


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_input_is_refused_before_any_request(
    client: MLflowRestClient, server: LocalHttpServer, tmp_path: Path, call: Call
) -> None:
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(ValidationError):
        call(client, tmp_path)
    assert server.requests == []


@pytest.mark.parametrize("value", NEAR_MISSES)
def test_near_miss_identifiers_are_refused_everywhere(
    client: MLflowRestClient, server: LocalHttpServer, value: str
) -> None:
    for call in (
        lambda: client.get_run(value),
        lambda: client.get_experiment(value),
        lambda: client.get_registered_model(value),
        lambda: client.get_version_by_alias("M", value),
        lambda: client.get_model_version("M", value),
        lambda: client.log_batch(RUN, params={value: "v"}),
    ):
        with pytest.raises(ValidationError):
            call()
    assert server.requests == []


def test_an_artifact_over_the_size_limit_is_refused_before_sending(
    server: LocalHttpServer, tmp_path: Path
) -> None:
    server.reset()
    source = tmp_path / "big.bin"
    source.write_bytes(b"x" * 2048)
    config = MLflowRestConfig(max_artifact_bytes=1024)
    with MLflowRestClient.from_uri(f"{server.url}/echo", config=config) as client:
        with pytest.raises(ValidationError) as info:
            client.log_artifact(RUN, source)
    assert info.value.field == "local_path"
    assert server.requests == []


def test_an_empty_batch_sends_nothing(client: MLflowRestClient, server: LocalHttpServer) -> None:
    client.log_batch(RUN)
    client.set_tags(RUN, {})
    assert server.requests == []

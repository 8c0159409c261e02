"""MetricsPublisher batches PutMetricData against the moto server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.cloudwatch_metrics import MetricDatum, MetricsPublisher, MetricUnit
from tradai.common.exceptions import TransientError

pytestmark = pytest.mark.integration

NAMESPACE = "TradAI/Test"


def cloudwatch(**config: Any) -> Any:
    return ClientFactory(config=ClientConfig(**config)).client("cloudwatch")


def record_batches(client: Any) -> list[int]:
    sizes: list[int] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sizes.append(len(params["MetricData"]))

    client.meta.events.register("provide-client-params.cloudwatch.PutMetricData", record)
    return sizes


def sample_count(client: Any, name: str, dimensions: list[dict[str, str]]) -> float:
    now = datetime.now(UTC)
    answer = client.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=name,
        Dimensions=dimensions,
        StartTime=now - timedelta(minutes=10),
        EndTime=now + timedelta(minutes=10),
        Period=3600,
        Statistics=["SampleCount", "Sum"],
    )
    return float(sum(point["SampleCount"] for point in answer["Datapoints"]))


def test_datums_are_sent_in_calls_of_at_most_1000(aws: Service) -> None:
    client = cloudwatch()
    sizes = record_batches(client)
    publisher = MetricsPublisher(NAMESPACE, client=client, default_dimensions={"env": "test"})
    stamp = datetime.now(UTC)
    for i in range(1001):
        publisher.put("trades", i % 7, unit=MetricUnit.COUNT, timestamp=stamp)
    assert sizes == [1000]  # flushed when the buffer reached the API limit
    assert publisher.pending == 1
    assert publisher.flush() == 1
    assert sizes == [1000, 1]
    assert sample_count(client, "trades", [{"Name": "env", "Value": "test"}]) == 1001


def test_a_smaller_batch_size_flushes_more_often(aws: Service) -> None:
    client = cloudwatch()
    sizes = record_batches(client)
    publisher = MetricsPublisher(NAMESPACE, client=client, batch_size=100)
    for i in range(250):
        publisher.add(MetricDatum("fills", i, unit=MetricUnit.COUNT))
    assert sizes == [100, 100]
    assert publisher.flush() == 50
    assert sizes == [100, 100, 50]


def test_context_manager_flushes_on_exit_and_metrics_are_listed(aws: Service) -> None:
    client = cloudwatch()
    with MetricsPublisher(NAMESPACE, client=client, batch_size=10) as publisher:
        publisher.put("latency", 12.5, unit="Milliseconds", dimensions={"service": "api"})
        publisher.add(MetricDatum("errors", 1, unit=MetricUnit.COUNT))
        assert publisher.pending == 2
    listed = client.list_metrics(Namespace=NAMESPACE)["Metrics"]
    assert {m["MetricName"] for m in listed} == {"latency", "errors"}
    latency = next(m for m in listed if m["MetricName"] == "latency")
    assert latency["Dimensions"] == [{"Name": "service", "Value": "api"}]


def test_throttling_surfaces_as_transient_and_keeps_the_datums(aws: Service) -> None:
    client = cloudwatch(max_attempts=2)
    publisher = MetricsPublisher(NAMESPACE, client=client)
    publisher.put("m", 1)
    with inject_aws_error(client, code="Throttling", status=400) as record:
        with pytest.raises(TransientError) as info:
            publisher.flush()
    assert record.injected == 2
    assert info.value.context["operation"] == "PutMetricData"
    assert info.value.context["resource"] == NAMESPACE
    assert publisher.pending == 1
    assert publisher.flush() == 1  # the fault cleared: the kept datum goes out


def test_default_client_comes_from_the_factory(aws: Service) -> None:
    factory = ClientFactory(config=ClientConfig(max_attempts=1))
    publisher = MetricsPublisher(NAMESPACE, factory=factory)
    publisher.put("m", 2)
    assert publisher.flush() == 1
    assert factory.cached_count == 1


def test_the_library_client_is_used_when_none_is_given(aws: Service) -> None:
    publisher = MetricsPublisher(NAMESPACE)
    publisher.put("m", 3)
    assert publisher.flush() == 1

"""The MLflow server dies mid-run and comes back: the breaker fails fast, then recovers.

A PRIVATE server is started (the session one is shared), some metrics are logged, the
server is killed (SIGKILL, data kept), calls fail until the breaker opens and then fail
fast without touching the network; the server restarts on the same port, the one
half-open probe closes the breaker, logging resumes, and the metric history holds every
point exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from support.mlflow_server import MLflowService, start_mlflow_server
from tradai.common.clients.mlflow_client import MLflowRestClient, MLflowRestConfig
from tradai.common.exceptions import ExternalServiceError, TransientError
from tradai.common.http_client.client import HttpRetryConfig
from tradai.common.mlflow.adapter import Metric
from tradai.common.resilience.circuit_breaker import (
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    StateChange,
)

pytestmark = pytest.mark.integration

THRESHOLD = 3
RECOVERY_S = 2.0
FAST_CALLS = 100
FAST_BUDGET_S = 0.050
BASE_MS = 1_700_000_000_000
CLOSED, OPEN, HALF_OPEN = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN


@pytest.fixture
def server() -> Iterator[MLflowService]:
    service = start_mlflow_server()
    try:
        yield service
    finally:
        service.stop()


def _points(first: int, count: int) -> list[Metric]:
    return [
        Metric("equity", 1000.0 + i, step=i, timestamp_ms=BASE_MS + i)
        for i in range(first, first + count)
    ]


def _client(url: str, breaker: CircuitBreaker) -> MLflowRestClient:
    config = MLflowRestConfig(
        connect_timeout=0.5,
        read_timeout=5,
        total_timeout=10,
        retry=HttpRetryConfig(max_attempts=2, backoff_initial=0.01, backoff_max=0.05, deadline=2),
    )
    return MLflowRestClient.from_uri(url, config=config, breaker=breaker)


def _fail_until_open(client: MLflowRestClient, run_id: str, batch: list[Metric]) -> int:
    failures = 0
    while client.breaker.state is not OPEN:
        assert failures < THRESHOLD, "the breaker should have opened by now"
        started = time.perf_counter()
        with pytest.raises(TransientError) as info:
            client.log_batch(run_id, metrics=batch)
        assert info.value.context["error_code"] == "CONNECTION_ERROR"
        assert time.perf_counter() - started < 2.0  # refused at once, no timeout waited
        failures += 1
    return failures


def test_a_killed_server_opens_the_breaker_and_a_restart_loses_and_duplicates_nothing(
    server: MLflowService,
) -> None:
    events: list[StateChange] = []
    breaker = CircuitBreaker(
        "mlflow-outage",
        failure_threshold=THRESHOLD,
        recovery_timeout=RECOVERY_S,
        listeners=[events.append],
    )
    with _client(server.url, breaker) as client:
        run_id = client.create_run(client.create_experiment("outage")).run_id
        before, during, after = _points(0, 20), _points(20, 5), _points(25, 5)
        client.log_batch(run_id, metrics=before[:10])
        client.log_batch(run_id, metrics=before[10:])

        server.kill()
        assert _fail_until_open(client, run_id, during) == THRESHOLD

        started = time.perf_counter()
        for _ in range(FAST_CALLS):
            with pytest.raises(CircuitOpenError):
                client.log_batch(run_id, metrics=during)
        elapsed = time.perf_counter() - started
        assert elapsed < FAST_BUDGET_S, f"{FAST_CALLS} refused calls took {elapsed * 1000:.1f} ms"
        with pytest.raises(ExternalServiceError) as info:
            client.get_run(run_id)
        assert isinstance(info.value, CircuitOpenError)
        assert info.value.context["service"] == "mlflow-outage"

        assert server.restart is not None
        server.restart()  # same port, same backend store
        opened_at = breaker.snapshot().opened_at
        assert opened_at is not None
        while time.monotonic() < opened_at + RECOVERY_S:
            time.sleep(0.05)
        client.log_batch(run_id, metrics=during)  # the single half-open probe
        assert breaker.state is CLOSED
        assert [(e.old, e.new) for e in events] == [
            (CLOSED, OPEN),
            (OPEN, HALF_OPEN),
            (HALF_OPEN, CLOSED),
        ]

        client.log_batch(run_id, metrics=during)  # a caller re-sending: no duplicate
        client.log_batch(run_id, metrics=after)
        client.end_run(run_id)
        history = client.get_metric_history(run_id, "equity")
        expected = before + during + after
        assert [(m.step, m.timestamp_ms, m.value) for m in history] == [
            (m.step, m.timestamp_ms, m.value) for m in expected
        ]
        assert client.get_run(run_id).status == "FINISHED"

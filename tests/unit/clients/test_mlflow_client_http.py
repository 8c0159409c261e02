"""MLflowRestClient over a local misbehaving HTTP server: retries, breaker, error table, auth.

The server (tests/support/http_server.py) routes on the first path segment, so a client
whose tracking URI is ``<server>/status/503`` gets 503 for every MLflow endpoint.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from support.http_server import LocalHttpServer
from tradai.common.clients.mlflow_client import MLflowRestClient, MLflowRestConfig
from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)
from tradai.common.http_client.errors import ResponseTooLargeError
from tradai.common.mlflow.adapter import Metric
from tradai.common.protocols import ManualClock
from tradai.common.resilience.circuit_breaker import CircuitOpenError, CircuitState
from tradai.common.settings_mixins import MLflowSettingsMixin

RUN = "a" * 32
PASSWORD = "pw-never-shown-42"
NOW = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
MakeClient = Callable[..., MLflowRestClient]


@pytest.fixture(scope="module")
def _server() -> Iterator[LocalHttpServer]:
    with LocalHttpServer() as server:
        yield server


@pytest.fixture
def server(_server: LocalHttpServer) -> LocalHttpServer:
    _server.reset()
    return _server


@pytest.fixture
def make(server: LocalHttpServer) -> Iterator[MakeClient]:
    clients: list[MLflowRestClient] = []

    def build(route: str, **options: Any) -> MLflowRestClient:
        settings = MLflowSettingsMixin(
            mlflow_tracking_uri=f"{server.url}/{route}",
            mlflow_username="bot",
            mlflow_password=SecretStr(PASSWORD),
        )
        options.setdefault("config", MLflowRestConfig(read_timeout=5))
        client = MLflowRestClient(settings, clock=ManualClock(NOW), sleep=lambda s: None, **options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


def _bodies(server: LocalHttpServer) -> list[Any]:
    return [json.loads(r.body) for r in server.requests]


def test_requests_carry_basic_auth_and_errors_never_show_the_password(
    server: LocalHttpServer, make: MakeClient
) -> None:
    client = make("echo")
    with pytest.raises(ExternalServiceError) as info:
        client.get_run(RUN)  # the echo is not a run: the server broke the contract
    assert info.value.context["error_code"] == "INVALID_RESPONSE"
    sent = server.requests[-1]
    assert sent.path == "/echo/api/2.0/mlflow/runs/get"
    assert sent.query == {"run_id": [RUN]}
    token = base64.b64encode(f"bot:{PASSWORD}".encode()).decode()
    assert sent.headers["Authorization"] == f"Basic {token}"
    assert PASSWORD not in str(info.value)
    assert token not in str(info.value)


def test_log_batch_is_retried_with_identical_points_stamped_once(
    server: LocalHttpServer, make: MakeClient
) -> None:
    client = make("flaky/log-batch")  # 503 once, then 200
    client.log_batch(RUN, metrics=[Metric("sharpe", 1.5), Metric("n", 2, step=1, timestamp_ms=7)])
    first, second = _bodies(server)
    assert first == second
    stamp = int(NOW.timestamp() * 1000)
    assert first["metrics"] == [
        {"key": "sharpe", "value": 1.5, "timestamp": stamp, "step": 0},
        {"key": "n", "value": 2.0, "timestamp": 7, "step": 1},
    ]
    assert client.breaker.state is CircuitState.CLOSED


def test_log_batch_is_sent_once_when_its_retry_is_turned_off(
    server: LocalHttpServer, make: MakeClient
) -> None:
    client = make("flaky/no-retry", config=MLflowRestConfig(retry_log_batch=False))
    with pytest.raises(TransientError):
        client.log_batch(RUN, params={"p": "1"})
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda c: c.create_run("1"), "create_run"),
        (lambda c: c.create_experiment("e"), "create_experiment"),
        (lambda c: c.create_registered_model("M"), "create_registered_model"),
        (
            lambda c: c.create_model_version("M", source=f"runs:/{RUN}/m", run_id=RUN),
            "create_model_version",
        ),
    ],
)
def test_creating_calls_are_never_retried(
    server: LocalHttpServer, make: MakeClient, call: Callable[[MLflowRestClient], Any], name: str
) -> None:
    client = make(f"flaky/{name}")
    with pytest.raises(TransientError) as info:
        call(client)
    assert len(server.requests) == 1
    assert info.value.context["operation"] == name


@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda c: c.end_run(RUN), "POST"),
        (lambda c: c.set_experiment_tag("1", "k", "v"), "POST"),
        (lambda c: c.set_alias("M", "champion", "1"), "POST"),
        (lambda c: c.delete_alias("M", "champion"), "DELETE"),
        (lambda c: c.search_runs(["1"]), "POST"),
    ],
)
def test_idempotent_calls_are_retried(
    server: LocalHttpServer, make: MakeClient, call: Callable[[MLflowRestClient], Any], method: str
) -> None:
    client = make(f"flaky/idem-{method}-{id(call)}")
    call(client)
    assert [r.method for r in server.requests] == [method, method]


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (400, ValidationError, "BAD_REQUEST"),
        (401, AuthenticationError, "UNAUTHENTICATED"),
        (403, AuthenticationError, "PERMISSION_DENIED"),
        (404, NotFoundError, "RESOURCE_DOES_NOT_EXIST"),
        (409, ConflictError, "RESOURCE_CONFLICT"),
        (429, TransientError, "REQUEST_LIMIT_EXCEEDED"),
        (500, ExternalServiceError, "INTERNAL_ERROR"),
        (503, TransientError, "TEMPORARILY_UNAVAILABLE"),
    ],
)
def test_statuses_map_through_the_mlflow_error_table(
    make: MakeClient, status: int, error: type[Exception], code: str
) -> None:
    client = make(f"status/{status}")
    with pytest.raises(error) as info:
        client.get_registered_model("PascalStrategy")
    context = info.value.context  # type: ignore[attr-defined]
    assert context["error_code"] == code
    assert context["status_code"] == status
    assert context["operation"] == "get_registered_model"
    assert context["service"] == "mlflow"
    if status == 500:
        assert type(info.value) is ExternalServiceError


def test_a_bare_404_is_not_taken_for_a_missing_experiment(make: MakeClient) -> None:
    with pytest.raises(NotFoundError):
        make("status/404").get_experiment_by_name("backtests/x")


def test_a_dropped_connection_is_a_transient_connection_error(make: MakeClient) -> None:
    with pytest.raises(TransientError) as info:
        make("reset").get_run(RUN)
    assert info.value.context["error_code"] == "CONNECTION_ERROR"
    assert info.value.context["resource"] == RUN


def test_a_transport_failure_with_an_answer_keeps_its_own_code(make: MakeClient) -> None:
    with pytest.raises(ExternalServiceError) as info:
        make("bad-gzip").get_run(RUN)
    assert not isinstance(info.value, TransientError)
    assert info.value.context["error_code"] == "ContentDecodingError"


def test_a_body_that_is_not_json_is_an_invalid_response(make: MakeClient) -> None:
    with pytest.raises(ExternalServiceError) as info:
        make("gzip").get_run(RUN)
    assert info.value.context["error_code"] == "INVALID_RESPONSE"


def test_a_response_over_the_limit_passes_through_unchanged(make: MakeClient) -> None:
    client = make("huge", config=MLflowRestConfig(max_response_bytes=1024))
    with pytest.raises(ResponseTooLargeError):
        client.get_run(RUN)


def test_the_breaker_opens_after_the_threshold_and_then_sends_nothing(
    server: LocalHttpServer, make: MakeClient
) -> None:
    client = make("status/503", config=MLflowRestConfig(failure_threshold=2))
    for _ in range(2):
        with pytest.raises(TransientError):
            client.get_run(RUN)
    sent = len(server.requests)
    assert sent == 2 * client.config.retry.max_attempts
    for _ in range(5):
        with pytest.raises(CircuitOpenError):
            client.log_batch(RUN, metrics=[Metric("m", 1.0)])
    assert len(server.requests) == sent
    assert client.breaker.state is CircuitState.OPEN


def test_client_errors_do_not_count_against_the_breaker(make: MakeClient) -> None:
    client = make("status/404", config=MLflowRestConfig(failure_threshold=2))
    for _ in range(5):
        with pytest.raises(NotFoundError):
            client.get_run(RUN)
    assert client.breaker.state is CircuitState.CLOSED


def test_search_sends_the_documented_body(server: LocalHttpServer, make: MakeClient) -> None:
    page = make("echo").search_runs(
        ["1", "2"],
        filter_string="metrics.sharpe > 1",
        order_by=["metrics.sharpe DESC"],
        max_results=10,
        page_token="tok",
    )
    assert page.items == []
    assert page.next_cursor is None
    assert _bodies(server)[0] == {
        "experiment_ids": ["1", "2"],
        "filter": "metrics.sharpe > 1",
        "max_results": 10,
        "order_by": ["metrics.sharpe DESC"],
        "run_view_type": "ACTIVE_ONLY",
        "page_token": "tok",
    }


def test_create_experiment_needs_an_id_in_the_answer(make: MakeClient) -> None:
    with pytest.raises(ExternalServiceError) as info:
        make("echo").create_experiment("x")
    assert info.value.context["error_code"] == "INVALID_RESPONSE"


def test_debug_logs_never_hold_the_credentials(
    make: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make("status/503", config=MLflowRestConfig(failure_threshold=1))
    with pytest.raises(TransientError):
        client.get_run(RUN)
    with pytest.raises(CircuitOpenError):
        client.get_run(RUN)
    token = base64.b64encode(f"bot:{PASSWORD}".encode()).decode()
    assert caplog.records  # the requests and the breaker were logged
    assert PASSWORD not in caplog.text
    assert token not in caplog.text

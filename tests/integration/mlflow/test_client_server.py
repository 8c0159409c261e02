"""MLflowSDKClient against real servers: scoped credentials, translated errors, dead server."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import SecretStr

from support.mlflow_server import MLflowService, start_mlflow_server
from support.services import Service
from tradai.common.exceptions import ConfigurationError, NotFoundError, TransientError
from tradai.common.mlflow.client import MLflowClientConfig, MLflowSDKClient
from tradai.common.settings_mixins import MLflowSettingsMixin

pytestmark = pytest.mark.integration

PASSWORD = "s3cr3t-Pa55"


class _Recorder(BaseHTTPRequestHandler):
    """A tiny real HTTP server that answers experiments/get-by-name and records headers."""

    seen: list[dict[str, str]] = []  # noqa: RUF012 - per-server class built in the fixture

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers))
        body = {"experiment": {"experiment_id": "7", "name": "x", "lifecycle_stage": "active"}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[dict[str, str]]]]:
    handler = type("Recorder", (_Recorder,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.seen
    server.shutdown()
    server.server_close()


def _settings(uri: str, **kwargs: object) -> MLflowSettingsMixin:
    return MLflowSettingsMixin(mlflow_tracking_uri=uri, **kwargs)  # type: ignore[arg-type]


def test_credentials_go_as_basic_auth_only_for_the_call(
    recorder: tuple[str, list[dict[str, str]]], caplog: pytest.LogCaptureFixture
) -> None:
    url, seen = recorder
    settings = _settings(url, mlflow_username="quant", mlflow_password=SecretStr(PASSWORD))
    client = MLflowSDKClient(settings)
    caplog.set_level(logging.DEBUG)
    inside = client.call("probe", lambda c: dict(os.environ))
    experiment = client.call("get", lambda c: c.get_experiment_by_name("x"))
    assert experiment.experiment_id == "7"
    assert seen[-1]["Authorization"].startswith("Basic ")
    assert inside["MLFLOW_TRACKING_USERNAME"] == "quant"
    assert inside["MLFLOW_TRACKING_PASSWORD"] == PASSWORD
    assert "MLFLOW_TRACKING_PASSWORD" not in os.environ
    assert "MLFLOW_TRACKING_USERNAME" not in os.environ
    assert PASSWORD not in repr(client)
    assert PASSWORD not in caplog.text


def test_settings_without_credentials_hide_ambient_ones_and_restore_them(
    recorder: tuple[str, list[dict[str, str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = recorder
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "ambient")
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ambient")
    client = MLflowSDKClient(_settings(url, mlflow_verify_ssl=False))
    inside = client.call("probe", lambda c: dict(os.environ))
    client.call("get", lambda c: c.get_experiment_by_name("x"))
    assert "Authorization" not in seen[-1]
    assert "MLFLOW_TRACKING_PASSWORD" not in inside
    assert inside["MLFLOW_TRACKING_INSECURE_TLS"] == "true"
    assert inside["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] == "2"
    assert os.environ["MLFLOW_TRACKING_PASSWORD"] == "ambient"
    assert "MLFLOW_TRACKING_INSECURE_TLS" not in os.environ


def test_an_unconfigured_tracking_uri_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as info:
        MLflowSDKClient(MLflowSettingsMixin())
    assert info.value.setting == "mlflow_tracking_uri"


def test_server_errors_are_translated_with_context(mlflow_server: Service) -> None:
    client = MLflowSDKClient.from_uri(mlflow_server.url)
    with pytest.raises(NotFoundError) as info:
        client.call("get_run", lambda c: c.get_run("0" * 32), resource="0" * 32)
    assert info.value.context["operation"] == "get_run"
    assert info.value.context["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert info.value.context["status_code"] == 404
    assert info.value.resource == "0" * 32


def test_non_mlflow_errors_from_the_callback_pass_through(mlflow_server: Service) -> None:
    client = MLflowSDKClient.from_uri(mlflow_server.url)

    def boom(_: object) -> None:
        raise KeyError("not mlflow")

    with pytest.raises(KeyError):
        client.call("boom", boom)


@pytest.fixture(scope="module")
def private_server() -> Iterator[MLflowService]:
    service = start_mlflow_server()
    yield service
    service.stop()


def test_a_killed_server_fails_fast_as_transient_then_recovers_on_restart(
    private_server: MLflowService,
) -> None:
    config = MLflowClientConfig(max_retries=1, backoff_factor=0, timeout_s=2)
    client = MLflowSDKClient.from_uri(private_server.url, config=config)
    experiment_id = client.call("create", lambda c: c.create_experiment("survives-restart"))
    private_server.kill()
    started = time.monotonic()
    with pytest.raises(TransientError) as info:
        client.call("get_experiment", lambda c: c.get_experiment(experiment_id))
    assert time.monotonic() - started < 10
    assert info.value.error_code == "CONNECTION_ERROR"
    assert info.value.retryable
    assert private_server.restart is not None
    private_server.restart()
    assert client.call("get", lambda c: c.get_experiment(experiment_id)).name == "survives-restart"

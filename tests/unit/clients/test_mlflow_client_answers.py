"""MLflowRestClient against scripted answers a real server gives rarely or never.

A tiny stdlib HTTP server replays, per ``(method, path)``, the answers a test scripts
(the last one repeats): pending registrations, odd artifact roots, unsafe listings,
repeating page tokens, bodies of the wrong shape.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tradai.common.clients import _mlflow_artifacts as artifacts_module
from tradai.common.clients.mlflow_client import MLflowRestClient, MLflowRestConfig
from tradai.common.exceptions import ConfigurationError, ExternalServiceError, NotFoundError

RUN = "d" * 32
API = "/api/2.0/mlflow"
FILES = "/api/2.0/mlflow-artifacts/artifacts"
ROOT = f"1/{RUN}/artifacts"


class _Script(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: dict[tuple[str, str], list[tuple[int, Any]]] = {}
        self.seen: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()

    def answer(self, method: str, path: str, *replies: tuple[int, Any]) -> None:
        self.answers[(method, path)] = list(replies)

    def next_reply(self, method: str, path: str, query: str) -> tuple[int, Any]:
        with self.lock:
            self.seen.append((method, path, query))
            replies = self.answers.get((method, path))
            if not replies:
                return 404, {"error_code": "ENDPOINT_NOT_FOUND", "message": path}
            return replies.pop(0) if len(replies) > 1 else replies[0]


class _Handler(BaseHTTPRequestHandler):
    server: _Script

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def _reply(self) -> None:
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status, payload = self.server.next_reply(self.command, path, query)
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _reply  # noqa: N815


@pytest.fixture(scope="module")
def _stub_server() -> Iterator[_Script]:
    server = _Script()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def stub(_stub_server: _Script) -> _Script:
    with _stub_server.lock:
        _stub_server.answers.clear()
        _stub_server.seen.clear()
    return _stub_server


@pytest.fixture
def client(stub: _Script) -> Iterator[MLflowRestClient]:
    url = f"http://127.0.0.1:{stub.server_address[1]}"
    config = MLflowRestConfig(registration_timeout=5, read_timeout=5)
    with MLflowRestClient.from_uri(url, config=config) as rest:
        rest._sleep = lambda seconds: None
        yield rest


def _version(status: str) -> dict[str, Any]:
    return {"model_version": {"name": "M", "version": "1", "status": status, "description": ""}}


def _run(artifact_uri: str | None) -> dict[str, Any]:
    info: dict[str, Any] = {"run_id": RUN, "experiment_id": "1", "status": "RUNNING"}
    if artifact_uri is not None:
        info["artifact_uri"] = artifact_uri
    return {"run": {"info": info, "data": {}}}


def test_a_pending_registration_is_awaited_until_ready(
    stub: _Script, client: MLflowRestClient
) -> None:
    stub.answer("POST", f"{API}/model-versions/create", (200, _version("PENDING_REGISTRATION")))
    stub.answer(
        "GET",
        f"{API}/model-versions/get",
        (200, _version("PENDING_REGISTRATION")),
        (200, _version("READY")),
    )
    version = client.create_model_version("M", source="s3://bucket/model")
    assert version.status == "READY"
    assert version.description is None
    assert [s[1] for s in stub.seen].count(f"{API}/model-versions/get") == 2


def test_a_failed_registration_is_an_external_service_error(
    stub: _Script, client: MLflowRestClient
) -> None:
    stub.answer("POST", f"{API}/model-versions/create", (200, _version("FAILED_REGISTRATION")))
    with pytest.raises(ExternalServiceError) as info:
        client.create_model_version("M", source="s3://bucket/model")
    assert info.value.context["resource"] == "M/1"


def test_a_registration_still_pending_at_the_deadline_is_returned_pending(
    stub: _Script, client: MLflowRestClient
) -> None:
    ticks = iter(range(0, 1000, 3))
    client._monotonic = lambda: float(next(ticks))
    stub.answer("POST", f"{API}/model-versions/create", (200, _version("PENDING_REGISTRATION")))
    stub.answer("GET", f"{API}/model-versions/get", (200, _version("PENDING_REGISTRATION")))
    assert client.create_model_version("M", source="s3://b/m").status == "PENDING_REGISTRATION"


def test_artifacts_outside_the_proxied_store_are_a_configuration_error(
    stub: _Script, client: MLflowRestClient, tmp_path: Path
) -> None:
    stub.answer("GET", f"{API}/runs/get", (200, _run("s3://bucket/1/run/artifacts")))
    with pytest.raises(ConfigurationError) as info:
        client.list_artifacts(RUN)
    assert "'s3'" in info.value.message


@pytest.mark.parametrize("uri", [None, "mlflow-artifacts:/1/../x", "mlflow-artifacts://h//a"])
def test_a_missing_or_malformed_artifact_root_is_an_invalid_response(
    stub: _Script, client: MLflowRestClient, uri: str | None
) -> None:
    stub.answer("GET", f"{API}/runs/get", (200, _run(uri)))
    with pytest.raises(ExternalServiceError) as info:
        client.list_artifacts(RUN)
    assert info.value.context["error_code"] == "INVALID_RESPONSE"


def test_the_artifact_root_is_read_once_per_run_and_a_host_is_ignored(
    stub: _Script, client: MLflowRestClient
) -> None:
    stub.answer("GET", f"{API}/runs/get", (200, _run(f"mlflow-artifacts://other:5000/{ROOT}")))
    stub.answer("GET", FILES, (200, {"files": [{"path": "a.txt", "file_size": 3}]}))
    for _ in range(3):
        assert client.list_artifacts(RUN)[0].path == "a.txt"
    paths = [s[1] for s in stub.seen]
    assert paths.count(f"{API}/runs/get") == 1
    assert stub.seen[-1][2] == f"path={ROOT.replace('/', '%2F')}"


@pytest.mark.parametrize("name", ["..", ".", "a/b", "", None])
def test_unsafe_names_in_a_listing_are_refused(
    stub: _Script, client: MLflowRestClient, tmp_path: Path, name: str | None
) -> None:
    stub.answer("GET", f"{API}/runs/get", (200, _run(f"mlflow-artifacts:/{ROOT}")))
    stub.answer("GET", FILES, (200, {"files": [{"path": name, "is_dir": True}]}))
    with pytest.raises(ExternalServiceError):
        client.download_artifact(RUN, "dir", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_endless_tree_stops_at_the_depth_limit(
    stub: _Script, client: MLflowRestClient, tmp_path: Path
) -> None:
    stub.answer("GET", f"{API}/runs/get", (200, _run(f"mlflow-artifacts:/{ROOT}")))
    stub.answer("GET", FILES, (200, {"files": [{"path": "again", "is_dir": True}]}))
    with pytest.raises(ExternalServiceError) as info:
        client.download_artifact(RUN, "loop", tmp_path)
    assert "deeper" in info.value.message


def test_a_files_entry_that_is_not_a_list_is_an_invalid_response(
    stub: _Script, client: MLflowRestClient
) -> None:
    stub.answer("GET", f"{API}/runs/get", (200, _run(f"mlflow-artifacts:/{ROOT}")))
    stub.answer("GET", FILES, (200, {"files": "nope"}))
    with pytest.raises(ExternalServiceError):
        client.list_artifacts(RUN)


@pytest.mark.parametrize(
    ("method", "path", "payload", "call"),
    [
        ("GET", "runs/get", [1, 2], lambda c: c.get_run(RUN)),
        ("GET", "runs/get", b"", lambda c: c.get_run(RUN)),
        ("GET", "runs/get", {"run": {"info": {"status": "WEIRD"}}}, lambda c: c.get_run(RUN)),
        ("GET", "experiments/get", {"experiment": {"name": "x"}}, lambda c: c.get_experiment("1")),
        ("POST", "experiments/create", {"experiment_id": True}, lambda c: c.create_experiment("e")),
        (
            "GET",
            "registered-models/get",
            {"registered_model": {}},
            lambda c: c.get_registered_model("M"),
        ),
        (
            "GET",
            "model-versions/get",
            {"model_version": {"name": "M"}},
            lambda c: c.get_model_version("M", "1"),
        ),
        (
            "GET",
            "metrics/get-history",
            {"metrics": [{"key": "m"}]},
            lambda c: c.get_metric_history(RUN, "m"),
        ),
    ],
)
def test_bodies_of_the_wrong_shape_are_invalid_responses(
    stub: _Script, client: MLflowRestClient, method: str, path: str, payload: Any, call: Any
) -> None:
    stub.answer(method, f"{API}/{path}", (200, payload))
    with pytest.raises(ExternalServiceError) as info:
        call(client)
    assert info.value.context["error_code"] == "INVALID_RESPONSE"


def test_a_repeating_history_page_token_stops_the_walk(
    stub: _Script, client: MLflowRestClient
) -> None:
    point = {"key": "m", "value": 1.0, "timestamp": 1, "step": 0}
    stub.answer(
        "GET", f"{API}/metrics/get-history", (200, {"metrics": [point], "next_page_token": "t"})
    )
    with pytest.raises(ExternalServiceError) as info:
        client.get_metric_history(RUN, "m")
    assert "repeated" in info.value.message


def test_an_unknown_endpoint_is_not_found_not_a_missing_experiment(
    stub: _Script, client: MLflowRestClient
) -> None:
    with pytest.raises(NotFoundError) as info:
        client.get_experiment_by_name("anything")
    assert info.value.context["error_code"] == "ENDPOINT_NOT_FOUND"


def test_latest_versions_are_sorted_by_number(stub: _Script, client: MLflowRestClient) -> None:
    versions = [
        {"name": "M", "version": v, "current_stage": s}
        for v, s in (("10", "None"), ("9", "Staging"))
    ]
    stub.answer(
        "GET", f"{API}/registered-models/get-latest-versions", (200, {"model_versions": versions})
    )
    assert [v.version for v in client.get_latest_versions("M")] == ["9", "10"]


def test_descriptions_and_tags_of_a_new_version_are_sent(
    stub: _Script, client: MLflowRestClient
) -> None:
    stub.answer("POST", f"{API}/model-versions/create", (200, _version("READY")))
    client.create_model_version("M", source="s3://b/m", tags={"k": "v"}, description="d")
    assert stub.seen[-1][1] == f"{API}/model-versions/create"


def test_the_artifact_root_cache_is_bounded(
    stub: _Script, client: MLflowRestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(artifacts_module, "_MAX_CACHED_ROOTS", 1)
    stub.answer("GET", f"{API}/runs/get", (200, _run(f"mlflow-artifacts:/{ROOT}")))
    stub.answer("GET", FILES, (200, {}))
    for run_id in (RUN, "e" * 32, RUN):
        assert client.list_artifacts(run_id) == []
    assert [s[1] for s in stub.seen].count(f"{API}/runs/get") == 3


def test_a_download_that_cannot_be_written_leaves_no_partial_file(
    stub: _Script, client: MLflowRestClient, tmp_path: Path
) -> None:
    stub.answer("GET", f"{API}/runs/get", (200, _run(f"mlflow-artifacts:/{ROOT}")))
    stub.answer("GET", FILES, (200, {}))
    stub.answer("GET", f"{FILES}/{ROOT}/x.json", (200, b'{"a": 1}'))
    (tmp_path / "x.json").mkdir()  # the destination name is taken by a directory
    with pytest.raises(OSError):
        client.download_artifact(RUN, "x.json", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
    assert list((tmp_path / "x.json").iterdir()) == []

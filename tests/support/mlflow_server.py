"""Start a REAL ``mlflow server`` subprocess for the tests (and the benchmark).

``mlflow server`` runs uvicorn as a child process, so the server is started in its own
process group and stopped by signalling the whole group: nothing is left holding the port.
A :class:`MLflowService` can be killed mid-test (:meth:`MLflowService.kill`, data kept)
and started again on the same port with its backend store intact (``service.restart()``).

Artifacts go to a local directory by default, or to ``s3://bucket/prefix`` when the
environment given points the server at an S3 endpoint (``AWS_ENDPOINT_URL`` /
``MLFLOW_S3_ENDPOINT_URL`` and credentials).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from support.services import Service, ServiceStartError, _venv_bin, _wait_until, free_port

__all__ = ["MLflowService", "start_mlflow_server"]

START_TIMEOUT_S = 90.0  # ~5-6 s alone; much more on a busy 2-core machine


@dataclass
class MLflowService(Service):
    """A running ``mlflow server``: :class:`Service` plus :meth:`kill` (keeps its data)."""

    def kill(self) -> None:
        """Kill the server's whole process group at once (SIGKILL); the work dir stays."""
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server's process group gracefully, then remove its work directory."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def is_running(self) -> bool:
        """Whether the server process is alive."""
        return self.process is not None and self.process.poll() is None


def _healthy(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/health", timeout=1) as resp:
        return bool(resp.status == 200)


def _launch(argv: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )


def start_mlflow_server(
    *, artifacts: str | None = None, env: Mapping[str, str] | None = None
) -> MLflowService:
    """Start ``mlflow server`` on a free loopback port and wait until ``/health`` answers.

    Args:
        artifacts: ``--artifacts-destination``: a directory or ``s3://bucket/prefix``;
            default: ``<workdir>/artifacts``.
        env: Extra environment for the server process (S3 endpoint, credentials...).

    Returns:
        The running service; ``service.env`` holds ``MLFLOW_TRACKING_URI``.

    Raises:
        ServiceStartError: If the server does not answer within ``START_TIMEOUT_S``.
    """
    workdir = Path(tempfile.mkdtemp(prefix="tradai-mlflow-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        _venv_bin("mlflow"),
        "server",
        "--backend-store-uri",
        f"sqlite:///{workdir}/mlflow.db",
        "--artifacts-destination",
        artifacts or str(workdir / "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    server_env = {
        **os.environ,
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        **dict(env or {}),
    }
    log_path = workdir / "mlflow.log"
    service = MLflowService(
        "mlflow", url, {"MLFLOW_TRACKING_URI": url}, process=None, workdir=workdir
    )

    def restart() -> None:
        service.kill()
        service.process = _launch(argv, server_env, log_path)
        _wait_ready(service, log_path)

    service.restart = restart
    restart()
    return service


def _wait_ready(service: MLflowService, log_path: Path) -> None:
    try:
        _wait_until(
            lambda: _healthy(service.url),
            timeout=START_TIMEOUT_S,
            what="mlflow server",
            proc=service.process,
        )
    except ServiceStartError as exc:
        tail = log_path.read_text(errors="replace")[-2000:]
        service.stop()
        raise ServiceStartError(f"{exc}\n--- mlflow.log (tail) ---\n{tail}") from exc

"""Session-wide test configuration.

Real components are started once per test session, on demand, by the session fixtures
below; they export the standard environment variables so library code needs no test
hooks. A component that cannot start is an error, never a skip (``make unit`` runs the
tests that need none).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from support.services import Service, moto_reset, start_moto_server, start_redis

# A job started in the background by a non-interactive shell (``nohup make test &``, some CI
# runners) inherits SIGINT as "ignored", and Python then installs no KeyboardInterrupt
# handler. The Ctrl-C tests need Python's own handler, as in a terminal (and the programs
# they start then get SIGINT's default disposition again: exec resets handled signals).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Never let a test reach a real AWS account or a developer's profile.
for _var in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(_var, None)
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[Service]:
    """A moto server subprocess; ``AWS_ENDPOINT_URL`` etc. are exported for the session."""
    service = start_moto_server()
    saved = {k: os.environ.get(k) for k in service.env}
    os.environ.update(service.env)
    yield service
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    service.stop()


@pytest.fixture
def aws(moto_server: Service) -> Service:
    """The moto server, wiped clean before the test."""
    moto_reset(moto_server.url)
    return moto_server


@pytest.fixture(autouse=True)
def _fresh_default_secrets_store() -> Iterator[None]:
    """Each test starts with an empty process-wide secrets cache (no cross-test leaks)."""
    yield
    from tradai.common.aws.secrets_manager import reset_default_store

    reset_default_store()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Service]:
    """A throwaway redis-server; ``REDIS_URL`` is exported for the session."""
    service = start_redis()
    os.environ["REDIS_URL"] = service.url
    yield service
    os.environ.pop("REDIS_URL", None)
    service.stop()


@pytest.fixture(scope="session")
def mlflow_server() -> Iterator[Service]:
    """A real ``mlflow server`` (SQLite store, artifacts on local disk), started on first use.

    ``mlflow_server.env["MLFLOW_TRACKING_URI"]`` is its URL (not exported: tests pass it).
    """
    from support.mlflow_server import start_mlflow_server

    service = start_mlflow_server()
    yield service
    service.stop()


MLFLOW_S3_BUCKET = "tradai-mlflow-artifacts"


@pytest.fixture(scope="session")
def _mlflow_server_s3_session(moto_server: Service) -> Iterator[Service]:
    from support.mlflow_server import start_mlflow_server

    _create_mlflow_bucket()
    server_env = {
        "AWS_ENDPOINT_URL": moto_server.url,
        "MLFLOW_S3_ENDPOINT_URL": moto_server.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    service = start_mlflow_server(artifacts=f"s3://{MLFLOW_S3_BUCKET}/mlflow", env=server_env)
    yield service
    service.stop()


def _create_mlflow_bucket() -> None:
    import boto3

    s3 = boto3.client("s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if MLFLOW_S3_BUCKET not in existing:
        s3.create_bucket(Bucket=MLFLOW_S3_BUCKET)


@pytest.fixture
def mlflow_server_s3(_mlflow_server_s3_session: Service) -> Service:
    """A real ``mlflow server`` whose artifacts live on the moto S3 (started once per session).

    The bucket (``MLFLOW_S3_BUCKET``) is re-created before each test, since ``aws`` wipes moto.
    """
    _create_mlflow_bucket()
    return _mlflow_server_s3_session

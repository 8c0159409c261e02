"""The tracking backends every MLflow contract test runs against: the twin, the SDK and REST."""

from __future__ import annotations

import uuid

import pytest

from support.services import Service
from tradai.common.clients.mlflow_client import MLflowRestClient
from tradai.common.mlflow.adapter import SDKTrackingBackend, TrackingBackend
from tradai.common.mlflow.client import MLflowClientConfig
from tradai.common.mlflow.memory import InMemoryTrackingBackend


@pytest.fixture(
    params=[
        "twin",
        pytest.param("sdk", marks=pytest.mark.integration),
        pytest.param("rest", marks=pytest.mark.integration),
    ]
)
def backend(request: pytest.FixtureRequest) -> TrackingBackend:
    """The in-memory twin, or the SDK or REST backend on a real ``mlflow server``."""
    if request.param == "twin":
        return InMemoryTrackingBackend()
    server: Service = request.getfixturevalue("mlflow_server")
    if request.param == "rest":
        return MLflowRestClient.from_uri(server.url)
    return SDKTrackingBackend.from_uri(server.url, config=MLflowClientConfig(max_retries=1))


@pytest.fixture
def unique() -> str:
    """A suffix that keeps names apart on the shared session server."""
    return uuid.uuid4().hex[:12]

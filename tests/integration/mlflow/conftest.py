"""Fixtures for the MLflow integration tests: an SDK backend on the session server."""

from __future__ import annotations

import uuid

import pytest

from support.services import Service
from tradai.common.mlflow.adapter import SDKTrackingBackend
from tradai.common.mlflow.client import MLflowClientConfig


@pytest.fixture
def sdk(mlflow_server: Service) -> SDKTrackingBackend:
    """The SDK backend on the shared session ``mlflow server``."""
    return SDKTrackingBackend.from_uri(mlflow_server.url, config=MLflowClientConfig(max_retries=1))


@pytest.fixture
def unique() -> str:
    """A suffix that keeps names apart on the shared session server."""
    return uuid.uuid4().hex[:12]

"""MLflowRestClient configuration: tracking URI rules, basic auth kept secret, limits."""

from __future__ import annotations

import base64
import subprocess
import sys

import pydantic
import pytest
from pydantic import SecretStr

from tradai.common.clients._mlflow_config import MLflowRestConfig, http_configs, rest_base_url
from tradai.common.clients.mlflow_client import MLflowRestClient, rest_backend
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.mlflow.adapter import MLflowAdapter, TrackingBackend
from tradai.common.resilience.circuit_breaker import CircuitBreaker
from tradai.common.settings_mixins import MLflowSettingsMixin

PASSWORD = "s3cr3t-Pa55"


def _settings(**fields: object) -> MLflowSettingsMixin:
    fields.setdefault("mlflow_tracking_uri", "https://mlflow.internal")
    return MLflowSettingsMixin(**fields)  # type: ignore[arg-type]


def test_defaults_bound_every_wait_and_size() -> None:
    config = MLflowRestConfig()
    assert (config.connect_timeout, config.read_timeout, config.total_timeout) == (3.05, 30, 120)
    assert config.retry.max_attempts == 3
    assert (config.failure_threshold, config.recovery_timeout) == (5, 30.0)
    assert config.max_response_bytes == 64 * 1024 * 1024
    assert config.retry_log_batch is True


@pytest.mark.parametrize(
    "fields",
    [
        {"read_timeout": 0},
        {"connect_timeout": -1},
        {"failure_threshold": 0},
        {"recovery_timeout": 0},
        {"max_artifact_bytes": 0},
        {"registration_timeout": -1},
        {"unknown": 1},
    ],
)
def test_out_of_range_config_is_refused(fields: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        MLflowRestConfig(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "file:///tmp/mlruns",
        "sqlite:///mlflow.db",
        "databricks",
        "https://mlflow.internal/?token=x",
        "https://mlflow.internal/#frag",
        "http://mlflow.internal:99999",
    ],
)
def test_unusable_tracking_uris_are_configuration_errors(uri: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        MLflowRestClient(_settings(mlflow_tracking_uri=uri))
    assert info.value.setting == "mlflow_tracking_uri"


def test_a_tracking_uri_with_a_path_prefix_keeps_it_without_the_trailing_slash() -> None:
    assert rest_base_url("https://gw.internal/mlflow/") == "https://gw.internal/mlflow"


def test_credentials_in_the_uri_are_refused_by_the_settings() -> None:
    with pytest.raises(pydantic.ValidationError):
        MLflowRestClient.from_uri(f"https://user:{PASSWORD}@mlflow.internal")


def test_settings_without_the_mlflow_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        MLflowRestClient(object())  # type: ignore[arg-type]


def test_basic_auth_is_a_secret_header_built_from_the_settings() -> None:
    settings = _settings(mlflow_username="bot", mlflow_password=SecretStr(PASSWORD))
    api, artifacts = http_configs(settings, MLflowRestConfig())
    expected = "Basic " + base64.b64encode(f"bot:{PASSWORD}".encode()).decode()
    assert api.secret_headers["Authorization"].get_secret_value() == expected
    assert artifacts.secret_headers["Authorization"].get_secret_value() == expected
    assert "Authorization" not in api.headers
    for shown in (repr(api), str(api.model_dump(mode="json")), repr(artifacts)):
        assert PASSWORD not in shown
        assert expected.split()[1] not in shown


def test_the_client_repr_shows_neither_the_password_nor_the_header() -> None:
    settings = _settings(mlflow_username="bot", mlflow_password=SecretStr(PASSWORD))
    with MLflowRestClient(settings) as client:
        assert PASSWORD not in repr(client)
        assert repr(client) == (
            "MLflowRestClient(tracking_uri='https://mlflow.internal', breaker='closed')"
        )


def test_a_user_name_with_a_colon_cannot_be_sent_as_basic_auth() -> None:
    settings = _settings(mlflow_username="a:b", mlflow_password=SecretStr(PASSWORD))
    with pytest.raises(ConfigurationError) as info:
        MLflowRestClient(settings)
    assert PASSWORD not in str(info.value)


def test_tls_verification_and_limits_reach_the_http_configs() -> None:
    config = MLflowRestConfig(max_response_bytes=1000, max_artifact_bytes=5000, read_timeout=7)
    api, artifacts = http_configs(_settings(mlflow_verify_ssl=False), config)
    assert (api.verify, artifacts.verify) == (False, False)
    assert (api.max_response_bytes, artifacts.max_response_bytes) == (1000, 5000)
    assert api.read_timeout == artifacts.read_timeout == 7
    assert api.service == "mlflow"


def test_the_default_breaker_follows_the_config_and_a_shared_one_is_used_as_is() -> None:
    client = MLflowRestClient(
        _settings(), config=MLflowRestConfig(failure_threshold=2, recovery_timeout=4)
    )
    assert client.breaker.name == "mlflow"
    assert (client.breaker.params.failure_threshold, client.breaker.params.recovery_timeout) == (
        2,
        4.0,
    )
    shared = CircuitBreaker("mlflow-shared")
    other = MLflowRestClient(_settings(), breaker=shared)
    assert other.breaker is shared
    assert client.config.failure_threshold == 2
    client.close()
    other.close()


def test_rest_backend_plugs_into_the_adapter_as_a_tracking_backend() -> None:
    backend = rest_backend(_settings())
    assert isinstance(backend, TrackingBackend)
    adapter = MLflowAdapter(backend)
    assert adapter.backend is backend
    assert backend.tracking_uri == "https://mlflow.internal"
    backend.close()


def test_importing_the_module_loads_neither_requests_nor_mlflow() -> None:
    code = (
        "import sys, tradai.common.clients.mlflow_client as m; "
        "print(sorted(x for x in ('requests', 'mlflow', 'pandas', 'urllib3') if x in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

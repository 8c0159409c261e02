"""MLflowClientConfig bounds and the lazy import of the package."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.mlflow.client import MLflowClientConfig, MLflowSDKClient


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": 11},
        {"max_retries": True},
        {"backoff_factor": 0.5},
        {"backoff_factor": 11},
        {"timeout_s": 0},
        {"timeout_s": 601},
    ],
)
def test_out_of_range_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        MLflowClientConfig(**kwargs)  # type: ignore[arg-type]


def test_the_defaults_are_bounded() -> None:
    config = MLflowClientConfig()
    assert (config.max_retries, config.backoff_factor, config.timeout_s) == (2, 1, 30)
    client = MLflowSDKClient.from_uri("http://mlflow.internal:5000", config=config)
    assert client.config is config
    assert repr(client) == "MLflowSDKClient(tracking_uri='http://mlflow.internal:5000')"


@pytest.mark.parametrize(
    "statement",
    [
        "import tradai.common.mlflow",
        "import tradai.common.mlflow.adapter",
        "from tradai.common.mlflow import MLflowAdapter, BacktestMLflowLogger",
    ],
)
def test_importing_the_package_does_not_import_mlflow(statement: str) -> None:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert not [m for m in json.loads(out) if m.split(".")[0] in {"mlflow", "requests"}]


def test_every_exported_name_resolves() -> None:
    import tradai.common.mlflow as package

    for name in package.__all__:
        assert getattr(package, name) is not None
    assert set(package.__all__) <= set(dir(package))

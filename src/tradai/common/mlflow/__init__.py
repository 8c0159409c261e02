"""MLflow integration: tracking, registry, artifacts and backtest logging.

Importing this package loads nothing else (no mlflow, no pydantic); each name is imported
on first use. The Python SDK (``mlflow-skinny``, extra ``mlflow``) is imported only when a
call reaches the server.

Example:
    >>> import tradai.common.mlflow as tm
    >>> tm.TAG_STRATEGY_NAME
    'tradai.strategy.name'
    >>> "MLflowAdapter" in tm.__all__
    True
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from tradai.common.mlflow.adapter import (
        ArtifactInfo,
        ExperimentInfo,
        Metric,
        MLflowAdapter,
        SDKTrackingBackend,
        TrackingBackend,
    )
    from tradai.common.mlflow.artifacts import ArtifactManager
    from tradai.common.mlflow.backtest_logger import (
        TRUNCATION_MARKER,
        BacktestMLflowLogger,
        LoggedBacktest,
    )
    from tradai.common.mlflow.client import MLflowClientConfig, MLflowSDKClient
    from tradai.common.mlflow.errors import translate_mlflow_error
    from tradai.common.mlflow.experiments import ExperimentManager
    from tradai.common.mlflow.memory import InMemoryTrackingBackend
    from tradai.common.mlflow.registry import ALIAS_CHALLENGER, ALIAS_CHAMPION, ModelRegistry
    from tradai.common.mlflow.tags import (
        ALL_TAGS,
        TAG_GIT_COMMIT,
        TAG_SHARPE_RATIO,
        TAG_STRATEGY_NAME,
        RunType,
    )
    from tradai.common.mlflow.utils import MLflowURIConverter, ModelURI, RunURI

__all__ = [
    "ALIAS_CHALLENGER",
    "ALIAS_CHAMPION",
    "ALL_TAGS",
    "TAG_GIT_COMMIT",
    "TAG_SHARPE_RATIO",
    "TAG_STRATEGY_NAME",
    "TRUNCATION_MARKER",
    "ArtifactInfo",
    "ArtifactManager",
    "BacktestMLflowLogger",
    "ExperimentInfo",
    "ExperimentManager",
    "InMemoryTrackingBackend",
    "LoggedBacktest",
    "MLflowAdapter",
    "MLflowClientConfig",
    "MLflowSDKClient",
    "MLflowURIConverter",
    "Metric",
    "ModelRegistry",
    "ModelURI",
    "RunType",
    "RunURI",
    "SDKTrackingBackend",
    "TrackingBackend",
    "translate_mlflow_error",
]

_ADAPTER = "tradai.common.mlflow.adapter"
_LOGGER = "tradai.common.mlflow.backtest_logger"
_REGISTRY = "tradai.common.mlflow.registry"
_TAGS = "tradai.common.mlflow.tags"
_UTILS = "tradai.common.mlflow.utils"
_CLIENT = "tradai.common.mlflow.client"

_EXPORTS = {
    "ALIAS_CHALLENGER": _REGISTRY,
    "ALIAS_CHAMPION": _REGISTRY,
    "ALL_TAGS": _TAGS,
    "TAG_GIT_COMMIT": _TAGS,
    "TAG_SHARPE_RATIO": _TAGS,
    "TAG_STRATEGY_NAME": _TAGS,
    "TRUNCATION_MARKER": _LOGGER,
    "ArtifactInfo": _ADAPTER,
    "ArtifactManager": "tradai.common.mlflow.artifacts",
    "BacktestMLflowLogger": _LOGGER,
    "ExperimentInfo": _ADAPTER,
    "ExperimentManager": "tradai.common.mlflow.experiments",
    "InMemoryTrackingBackend": "tradai.common.mlflow.memory",
    "LoggedBacktest": _LOGGER,
    "MLflowAdapter": _ADAPTER,
    "MLflowClientConfig": _CLIENT,
    "MLflowSDKClient": _CLIENT,
    "MLflowURIConverter": _UTILS,
    "Metric": _ADAPTER,
    "ModelRegistry": _REGISTRY,
    "ModelURI": _UTILS,
    "RunType": _TAGS,
    "RunURI": _UTILS,
    "SDKTrackingBackend": _ADAPTER,
    "TrackingBackend": _ADAPTER,
    "translate_mlflow_error": "tradai.common.mlflow.errors",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

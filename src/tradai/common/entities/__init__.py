"""Domain entities: frozen, validated pydantic models (barrel, imported lazily).

Every entity is importable from its own module (``tradai.common.entities.backtest``...) and
from here. Importing this package is cheap: an entity module is imported, and its models
built, only when one of its names is first used.

Example:
    >>> from tradai.common.entities import JobStatus
    >>> JobStatus.PENDING.can_transition_to(JobStatus.RUNNING)
    True
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from tradai.common.entities.aws import (
        JOB_STATUS_SOURCES,
        JOB_STATUS_TRANSITIONS,
        AWSConfig,
        JobStatus,
        S3Path,
    )
    from tradai.common.entities.backtest import (
        BacktestConfig,
        BacktestJobMessage,
        BacktestJobStatus,
        BacktestResult,
    )
    from tradai.common.entities.config_version import (
        ConfigVersion,
        ConfigVersionStatus,
    )
    from tradai.common.entities.deployment import (
        DeploymentDiff,
        DeploymentRecord,
        DeploymentStatus,
    )
    from tradai.common.entities.exchange import (
        AuthType,
        ExchangeConfig,
        OperatingMode,
        TradingMode,
    )
    from tradai.common.entities.hyperopt import (
        HyperoptLoss,
        HyperoptSampler,
        HyperoptSpace,
        HyperparamSearchSpace,
        OptunaHyperoptConfig,
        ParamKind,
        ParamValue,
        TrialResult,
        TrialState,
    )
    from tradai.common.entities.identifiers import (
        Arn,
        ExperimentName,
        TableName,
    )
    from tradai.common.entities.mlflow import (
        ExperimentRun,
        ModelStage,
        ModelVersion,
        RegisteredModel,
    )
    from tradai.common.entities.pagination import (
        PaginatedResponse,
    )
    from tradai.common.entities.retraining import (
        RetrainingDecision,
        RetrainingReason,
        RetrainingState,
        RetrainingStatus,
    )
    from tradai.common.entities.risk_limits import (
        HARD_MAX_LEVERAGE,
        HARD_MAX_OPEN_TRADES,
        BreachAction,
        BreachSeverity,
        RiskBreach,
        RiskCheckResult,
        RiskLimits,
    )
    from tradai.common.entities.strategy import (
        Strategy,
    )
    from tradai.common.entities.trading_state import (
        LiveTrade,
        StrategyPnL,
        TradingState,
        TradingStatus,
    )

__all__ = [
    "HARD_MAX_LEVERAGE",
    "HARD_MAX_OPEN_TRADES",
    "JOB_STATUS_SOURCES",
    "JOB_STATUS_TRANSITIONS",
    "AWSConfig",
    "Arn",
    "AuthType",
    "BacktestConfig",
    "BacktestJobMessage",
    "BacktestJobStatus",
    "BacktestResult",
    "BreachAction",
    "BreachSeverity",
    "ConfigVersion",
    "ConfigVersionStatus",
    "DeploymentDiff",
    "DeploymentRecord",
    "DeploymentStatus",
    "ExchangeConfig",
    "ExperimentName",
    "ExperimentRun",
    "HyperoptLoss",
    "HyperoptSampler",
    "HyperoptSpace",
    "HyperparamSearchSpace",
    "JobStatus",
    "LiveTrade",
    "ModelStage",
    "ModelVersion",
    "OperatingMode",
    "OptunaHyperoptConfig",
    "PaginatedResponse",
    "ParamKind",
    "ParamValue",
    "RegisteredModel",
    "RetrainingDecision",
    "RetrainingReason",
    "RetrainingState",
    "RetrainingStatus",
    "RiskBreach",
    "RiskCheckResult",
    "RiskLimits",
    "S3Path",
    "Strategy",
    "StrategyPnL",
    "TableName",
    "TradingMode",
    "TradingState",
    "TradingStatus",
    "TrialResult",
    "TrialState",
]

_EXPORTS = {
    "AWSConfig": "tradai.common.entities.aws",
    "Arn": "tradai.common.entities.identifiers",
    "AuthType": "tradai.common.entities.exchange",
    "BacktestConfig": "tradai.common.entities.backtest",
    "BacktestJobMessage": "tradai.common.entities.backtest",
    "BacktestJobStatus": "tradai.common.entities.backtest",
    "BacktestResult": "tradai.common.entities.backtest",
    "BreachAction": "tradai.common.entities.risk_limits",
    "BreachSeverity": "tradai.common.entities.risk_limits",
    "ConfigVersion": "tradai.common.entities.config_version",
    "ConfigVersionStatus": "tradai.common.entities.config_version",
    "DeploymentDiff": "tradai.common.entities.deployment",
    "DeploymentRecord": "tradai.common.entities.deployment",
    "DeploymentStatus": "tradai.common.entities.deployment",
    "ExchangeConfig": "tradai.common.entities.exchange",
    "ExperimentName": "tradai.common.entities.identifiers",
    "ExperimentRun": "tradai.common.entities.mlflow",
    "HARD_MAX_LEVERAGE": "tradai.common.entities.risk_limits",
    "HARD_MAX_OPEN_TRADES": "tradai.common.entities.risk_limits",
    "HyperoptLoss": "tradai.common.entities.hyperopt",
    "HyperoptSampler": "tradai.common.entities.hyperopt",
    "HyperoptSpace": "tradai.common.entities.hyperopt",
    "HyperparamSearchSpace": "tradai.common.entities.hyperopt",
    "JOB_STATUS_SOURCES": "tradai.common.entities.aws",
    "JOB_STATUS_TRANSITIONS": "tradai.common.entities.aws",
    "JobStatus": "tradai.common.entities.aws",
    "LiveTrade": "tradai.common.entities.trading_state",
    "ModelStage": "tradai.common.entities.mlflow",
    "ModelVersion": "tradai.common.entities.mlflow",
    "OperatingMode": "tradai.common.entities.exchange",
    "OptunaHyperoptConfig": "tradai.common.entities.hyperopt",
    "PaginatedResponse": "tradai.common.entities.pagination",
    "ParamKind": "tradai.common.entities.hyperopt",
    "ParamValue": "tradai.common.entities.hyperopt",
    "RegisteredModel": "tradai.common.entities.mlflow",
    "RetrainingDecision": "tradai.common.entities.retraining",
    "RetrainingReason": "tradai.common.entities.retraining",
    "RetrainingState": "tradai.common.entities.retraining",
    "RetrainingStatus": "tradai.common.entities.retraining",
    "RiskBreach": "tradai.common.entities.risk_limits",
    "RiskCheckResult": "tradai.common.entities.risk_limits",
    "RiskLimits": "tradai.common.entities.risk_limits",
    "S3Path": "tradai.common.entities.aws",
    "Strategy": "tradai.common.entities.strategy",
    "StrategyPnL": "tradai.common.entities.trading_state",
    "TableName": "tradai.common.entities.identifiers",
    "TradingMode": "tradai.common.entities.exchange",
    "TradingState": "tradai.common.entities.trading_state",
    "TradingStatus": "tradai.common.entities.trading_state",
    "TrialResult": "tradai.common.entities.hyperopt",
    "TrialState": "tradai.common.entities.hyperopt",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""Settings of a strategy process, and its trading mode.

``TradingMode`` here *is* :class:`tradai.common.entities.exchange.OperatingMode` (the same
object under the name the design document uses): ``BACKTEST``, ``HYPEROPT``, ``TRAIN``,
``DRY_RUN``, ``LIVE``. It is not the market type ``entities.exchange.TradingMode``.

Decisions where the specification is silent (fields of :class:`EntrypointSettings`, read
from the upper-case environment variables of the same names, e.g. ``TRADING_MODE``):

* ``strategy_name`` (required): the strategy class name.
* ``trading_mode`` defaults to ``DRY_RUN`` so nothing trades real money unless told to;
  the value is parsed case-insensitively (``TRADING_MODE=LIVE`` works).
* ``strategy_version`` defaults to ``"latest"``; it is an MLflow version specifier:
  ``"latest"``, a stage name (``"Production"``, ``"Staging"``, ``"Archived"``, ``"None"``)
  or a version number.
* ``config_path`` (optional): where the strategy config lives, a local path (made absolute;
  no ``..``) or an ``s3://bucket/key`` URI.
* ``config_version`` (optional): the id of a stored config version, for reproducibility.

Example:
    >>> settings = EntrypointSettings.load(strategy_name="PascalStrategy")
    >>> settings.trading_mode is TradingMode.DRY_RUN, settings.strategy_version
    (True, 'latest')
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator

from tradai.common._paths import validate_safe_path
from tradai.common.entities.exchange import OperatingMode
from tradai.common.settings import Settings
from tradai.common.types import Identifier, StrategyName
from tradai.common.validators import validate_s3_bucket_name, validate_s3_key

__all__ = [
    "STRATEGY_VERSION_STAGES",
    "EntrypointSettings",
    "TradingMode",
    "validate_strategy_version",
]

TradingMode = OperatingMode
"""What a strategy process does: the same enum as ``entities.exchange.OperatingMode``."""

#: The non-numeric MLflow version specifiers accepted as ``strategy_version``.
STRATEGY_VERSION_STAGES = frozenset({"latest", "Production", "Staging", "Archived", "None"})

_VERSION_NUMBER_RE = re.compile(r"[1-9][0-9]{0,9}")


def validate_strategy_version(value: str) -> str:
    """Validate an MLflow version specifier: ``latest``, a stage name or a version number.

    Args:
        value: The specifier.

    Returns:
        The specifier unchanged.

    Raises:
        ValueError: If it is none of those (case and spacing must be exact).

    Example:
        >>> validate_strategy_version("Production"), validate_strategy_version("12")
        ('Production', '12')
    """
    if not isinstance(value, str) or not (
        value in STRATEGY_VERSION_STAGES
        or (value.isascii() and _VERSION_NUMBER_RE.fullmatch(value) is not None)
    ):
        stages = ", ".join(sorted(STRATEGY_VERSION_STAGES))
        raise ValueError(
            f"strategy version {value!r:.40} must be one of {stages} or a version number"
        )
    return value


class EntrypointSettings(Settings):
    """Settings every strategy entrypoint needs.

    Attributes:
        strategy_name: The strategy class name.
        trading_mode: What the process does (default ``DRY_RUN``).
        strategy_version: MLflow version specifier (default ``"latest"``).
        config_path: Local path or ``s3://`` URI of the strategy config, if any.
        config_version: Stored config version id, if pinned.
    """

    strategy_name: StrategyName
    trading_mode: TradingMode = Field(default=TradingMode.DRY_RUN)
    strategy_version: str = Field(default="latest")
    config_path: str | None = Field(default=None)
    config_version: Identifier | None = Field(default=None)

    @field_validator("trading_mode", mode="before")
    @classmethod
    def _parse_mode(cls, value: Any) -> Any:
        return TradingMode.from_string(value) if isinstance(value, str) else value

    @field_validator("strategy_version")
    @classmethod
    def _check_version(cls, value: str) -> str:
        return validate_strategy_version(value)

    @field_validator("config_path")
    @classmethod
    def _check_config_path(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith("s3://"):
            bucket, _, key = value.removeprefix("s3://").partition("/")
            validate_s3_bucket_name(bucket)
            validate_s3_key(key)
            return value
        return str(validate_safe_path(value))

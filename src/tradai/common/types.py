"""Type aliases shared across tradai-common.

Annotated string types run the matching function of :mod:`tradai.common.validators`, so
a field declared as ``TradingPair`` is validated (and normalised) wherever it is used.

Example:
    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(TradingPair).validate_python("eth/usdt")
    'ETH/USDT'
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any, TypeAlias

from pydantic import AfterValidator, AwareDatetime, Field

from tradai.common.validators import (
    validate_arn,
    validate_date_string,
    validate_ecr_image_url,
    validate_ecs_task_family,
    validate_identifier,
    validate_s3_bucket_name,
    validate_semver,
    validate_sha256,
    validate_strategy_name,
    validate_timeframe,
    validate_trading_pair,
)

__all__ = [
    "ArnStr",
    "DateStr",
    "EcrImageUrl",
    "EcsTaskFamily",
    "Identifier",
    "JSONDict",
    "JSONValue",
    "NonEmptyStr",
    "S3BucketName",
    "SemVer",
    "Sha256Hex",
    "StrategyName",
    "Timeframe",
    "TradingPair",
    "UtcDatetime",
]


def _to_utc(value: _dt.datetime) -> _dt.datetime:
    try:
        return value.astimezone(_dt.UTC)
    except OverflowError:  # e.g. 0001-01-01 at +05:00 has no UTC equivalent
        raise ValueError(f"{value.isoformat()} cannot be expressed in UTC") from None


JSONValue: TypeAlias = Any
"""A value that survives ``json.dumps`` (kept as ``Any`` for pydantic's sake)."""

JSONDict: TypeAlias = dict[str, Any]
"""A JSON object."""

TradingPair = Annotated[str, AfterValidator(validate_trading_pair)]
"""``BASE/QUOTE[:SETTLE]``, upper-cased."""

SemVer = Annotated[str, AfterValidator(validate_semver)]
"""``MAJOR.MINOR.PATCH`` with optional pre-release and build parts."""

S3BucketName = Annotated[str, AfterValidator(validate_s3_bucket_name)]
"""An S3 bucket name following AWS's naming rules."""

EcrImageUrl = Annotated[str, AfterValidator(validate_ecr_image_url)]
"""An ECR image URL."""

ArnStr = Annotated[str, AfterValidator(validate_arn)]
"""An Amazon Resource Name."""

Sha256Hex = Annotated[str, AfterValidator(validate_sha256)]
"""A SHA-256 digest, 64 lower-case hex characters."""

EcsTaskFamily = Annotated[str, AfterValidator(validate_ecs_task_family)]
"""An ECS task definition family."""

Timeframe = Annotated[str, AfterValidator(validate_timeframe)]
"""A candle timeframe such as ``1h``."""

DateStr = Annotated[str, AfterValidator(validate_date_string)]
"""A real calendar date as ``YYYY-MM-DD``."""

StrategyName = Annotated[str, AfterValidator(validate_strategy_name)]
"""A strategy name (letter first, then letters, digits, ``_``, ``-``)."""

Identifier = Annotated[str, AfterValidator(validate_identifier)]
"""A safe resource identifier."""

NonEmptyStr = Annotated[str, Field(min_length=1)]
"""A string of at least one character."""

UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware datetime, converted to UTC. Naive datetimes are rejected."""

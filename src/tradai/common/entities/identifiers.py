"""Type-safe AWS and MLflow identifiers as validated ``Annotated`` string types.

Use them as field types (``table: TableName``) or with ``pydantic.TypeAdapter``.

* :data:`Arn` — an Amazon Resource Name (:func:`~tradai.common.validators.validate_arn`).
* :data:`TableName` — a DynamoDB table name: 3-255 characters of ``A-Z a-z 0-9 _ . -``.
* :data:`ExperimentName` — an MLflow experiment name: 1-500 characters, no control
  characters (C0, DEL, C1) or line/paragraph separators, no leading or trailing
  whitespace.

The table and experiment rules run as schema patterns inside pydantic-core.

Example:
    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(TableName).validate_python("tradai-backtest-jobs")
    'tradai-backtest-jobs'
    >>> TypeAdapter(ExperimentName).validate_python("backtests/PascalStrategy")
    'backtests/PascalStrategy'
"""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import Field

from tradai.common.types import ArnStr

__all__ = ["Arn", "ExperimentName", "TableName"]

Arn: TypeAlias = ArnStr
"""An Amazon Resource Name ``arn:partition:service:region:account:resource``."""

TableName: TypeAlias = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{3,255}$")]
"""A DynamoDB table name: 3-255 characters of letters, digits, ``_``, ``.`` and ``-``."""

ExperimentName: TypeAlias = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        pattern=r"^(?:[^\p{Cc}\s]|[^\p{Cc}\s][^\p{Cc}\p{Zl}\p{Zp}]*[^\p{Cc}\s])$",
    ),
]
"""An MLflow experiment name: 1-500 characters, no control characters, no edge spaces."""

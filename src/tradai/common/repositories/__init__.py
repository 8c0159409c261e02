"""Generic repositories: protocols, entity codecs, cursors, queries, DynamoDB and in-memory.

Importing this package imports nothing else; each name is imported on first use.

Example:
    >>> import tradai.common.repositories as repositories
    >>> repositories.Query.on("job_id", "j-1").partition
    ('job_id', 'j-1')
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tradai.common.data.series import SeriesKey
    from tradai.common.data.sources import DataSource, SourceFactory
    from tradai.common.repositories._cursor_settings import CursorSettings
    from tradai.common.repositories._tables import (
        IndexSpec,
        SpecRepository,
        TableSpec,
        ensure_table,
    )
    from tradai.common.repositories.base import DynamoDBRepository
    from tradai.common.repositories.codecs import (
        CodecRegistry,
        EntityCodec,
        codec_for,
        reset_codecs,
    )
    from tradai.common.repositories.crud import CrudDynamoDBRepository
    from tradai.common.repositories.deployment import DeploymentRepository
    from tradai.common.repositories.in_memory import (
        InMemoryCrudRepository,
        InMemoryStatefulRepository,
    )
    from tradai.common.repositories.market_data import ArcticDBDataRepository, DataRepository
    from tradai.common.repositories.memory_market_data import InMemoryDataRepository
    from tradai.common.repositories.pagination import CursorSigner, read_page
    from tradai.common.repositories.protocols import (
        CrudRepository,
        PaginatedRepository,
        Repository,
        StatefulRepository,
        VersionedState,
    )
    from tradai.common.repositories.query import Filter, Query
    from tradai.common.repositories.trading_state import TradingStateRepository

_CODECS = "tradai.common.repositories.codecs"
_PROTOCOLS = "tradai.common.repositories.protocols"
_EXPORTS = {
    "DeploymentRepository": "tradai.common.repositories.deployment",
    "TradingStateRepository": "tradai.common.repositories.trading_state",
    "TableSpec": "tradai.common.repositories._tables",
    "IndexSpec": "tradai.common.repositories._tables",
    "ensure_table": "tradai.common.repositories._tables",
    "SpecRepository": "tradai.common.repositories._tables",
    "ArcticDBDataRepository": "tradai.common.repositories.market_data",
    "DataRepository": "tradai.common.repositories.market_data",
    "InMemoryDataRepository": "tradai.common.repositories.memory_market_data",
    "SeriesKey": "tradai.common.data.series",
    "SourceFactory": "tradai.common.data.sources",
    "DataSource": "tradai.common.data.sources",
    "CodecRegistry": _CODECS,
    "CrudDynamoDBRepository": "tradai.common.repositories.crud",
    "CrudRepository": _PROTOCOLS,
    "CursorSettings": "tradai.common.repositories._cursor_settings",
    "CursorSigner": "tradai.common.repositories.pagination",
    "DynamoDBRepository": "tradai.common.repositories.base",
    "EntityCodec": _CODECS,
    "Filter": "tradai.common.repositories.query",
    "InMemoryCrudRepository": "tradai.common.repositories.in_memory",
    "InMemoryStatefulRepository": "tradai.common.repositories.in_memory",
    "PaginatedRepository": _PROTOCOLS,
    "Query": "tradai.common.repositories.query",
    "Repository": _PROTOCOLS,
    "StatefulRepository": _PROTOCOLS,
    "VersionedState": _PROTOCOLS,
    "codec_for": _CODECS,
    "read_page": "tradai.common.repositories.pagination",
    "reset_codecs": _CODECS,
}

__all__ = [
    "ArcticDBDataRepository",
    "CodecRegistry",
    "CrudDynamoDBRepository",
    "CrudRepository",
    "CursorSettings",
    "CursorSigner",
    "DataRepository",
    "DataSource",
    "DeploymentRepository",
    "DynamoDBRepository",
    "EntityCodec",
    "Filter",
    "InMemoryCrudRepository",
    "InMemoryDataRepository",
    "InMemoryStatefulRepository",
    "IndexSpec",
    "PaginatedRepository",
    "Query",
    "Repository",
    "SeriesKey",
    "SourceFactory",
    "SpecRepository",
    "StatefulRepository",
    "TableSpec",
    "TradingStateRepository",
    "VersionedState",
    "codec_for",
    "ensure_table",
    "read_page",
    "reset_codecs",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

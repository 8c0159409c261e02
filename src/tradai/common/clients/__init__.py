"""Clients of TradAI's own services (design.md ``clients/``).

* :mod:`~tradai.common.clients.data_collection_client` — the data-collection REST API:
  :class:`DataCollectionClient` (symbols, candles, coverage, sync jobs), its settings and
  response models, and :class:`DataCollectionSource` (a market-data ``DataSource``).

Names load on first use: importing this package imports neither requests nor pandas.
To add a client module, list its public names in ``_MODULES`` (and ``__all__``).

Example:
    >>> import tradai.common.clients as clients
    >>> clients.DataCollectionClient.__name__
    'DataCollectionClient'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradai.common._lazy import lazy_exports

if TYPE_CHECKING:
    from tradai.common.clients.data_collection_client import (
        Coverage,
        CoverageGap,
        DataCollectionClient,
        DataCollectionClientSettings,
        DataCollectionClientSettingsMixin,
        DataCollectionSource,
        SymbolInfo,
        SyncJob,
        derive_idempotency_key,
    )
    from tradai.common.clients.mlflow_client import MLflowRestClient, MLflowRestConfig, rest_backend

#: Module → the public names it exports through this package.
_MODULES: dict[str, tuple[str, ...]] = {
    "tradai.common.clients.data_collection_client": (
        "Coverage",
        "CoverageGap",
        "DataCollectionClient",
        "DataCollectionClientSettings",
        "DataCollectionClientSettingsMixin",
        "DataCollectionSource",
        "SymbolInfo",
        "SyncJob",
        "derive_idempotency_key",
    ),
    "tradai.common.clients.mlflow_client": (
        "MLflowRestClient",
        "MLflowRestConfig",
        "rest_backend",
    ),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "Coverage",
    "CoverageGap",
    "DataCollectionClient",
    "DataCollectionClientSettings",
    "DataCollectionClientSettingsMixin",
    "DataCollectionSource",
    "MLflowRestClient",
    "MLflowRestConfig",
    "SymbolInfo",
    "SyncJob",
    "derive_idempotency_key",
    "rest_backend",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""Strategy configuration management.

* :class:`StrategyConfig` -- the canonical schema;
* :class:`StrategyConfigLoader` -- loads a config by strategy name and version from a
  :class:`ConfigSource` (:class:`LocalDirectoryConfigSource`, :class:`S3ConfigSource` or
  the in-memory twin :class:`InMemoryConfigSource`);
* :class:`ConfigMergeService` -- merges config layers (base -> environment -> override);
* :class:`ConfigVersionRepository` / :class:`ConfigVersionService` -- content-addressed
  config versions, exactly one ACTIVE per strategy.

Importing this package loads nothing else (not even pydantic); each name is imported on
first use.

Example:
    >>> from tradai.common.config import StrategyConfig
    >>> StrategyConfig(name="PascalStrategy", version="1.0.0", timeframe="1h").exchange
    'binance'
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from tradai.common.config.catalog import StrategyConfig
    from tradai.common.config.loader import ConfigDocument, ConfigSource, StrategyConfigLoader
    from tradai.common.config.merge import ConfigMergeService
    from tradai.common.config.repository import ConfigVersionRepository
    from tradai.common.config.service import ConfigVersionService
    from tradai.common.config.sources import (
        InMemoryConfigSource,
        LocalDirectoryConfigSource,
        S3ConfigSource,
    )

__all__ = [
    "ConfigDocument",
    "ConfigMergeService",
    "ConfigSource",
    "ConfigVersionRepository",
    "ConfigVersionService",
    "InMemoryConfigSource",
    "LocalDirectoryConfigSource",
    "S3ConfigSource",
    "StrategyConfig",
    "StrategyConfigLoader",
]

_LOADER = "tradai.common.config.loader"
_SOURCES = "tradai.common.config.sources"
_EXPORTS = {
    "ConfigDocument": _LOADER,
    "ConfigMergeService": "tradai.common.config.merge",
    "ConfigSource": _LOADER,
    "ConfigVersionRepository": "tradai.common.config.repository",
    "ConfigVersionService": "tradai.common.config.service",
    "InMemoryConfigSource": _SOURCES,
    "LocalDirectoryConfigSource": _SOURCES,
    "S3ConfigSource": _SOURCES,
    "StrategyConfig": "tradai.common.config.catalog",
    "StrategyConfigLoader": _LOADER,
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

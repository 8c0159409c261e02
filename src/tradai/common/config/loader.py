"""Loading strategy configs by name and version: :class:`StrategyConfigLoader`.

The loader validates the request, asks a pluggable :class:`ConfigSource` for the document
and checks what came back. Three sources ship with the library, all using the layout::

    {root}/{strategy_name}/{version}.yaml      (or .yml, or .json)

* :class:`~tradai.common.config.sources.LocalDirectoryConfigSource` -- a local directory;
* :class:`~tradai.common.config.sources.S3ConfigSource` -- an S3 prefix
  (``s3://bucket/strategies``); boto3 is imported only when it is used (the ``aws`` extra);
* :class:`~tradai.common.config.sources.InMemoryConfigSource` -- the in-memory twin.

MLflow is an extension point, not code: a source that reads a config logged with a
registered model implements :class:`ConfigSource` (``fetch(strategy_name, version)``).

Decisions where the specification is silent:

* **Validation first.** ``strategy_name`` must pass
  :func:`~tradai.common.validators.validate_strategy_name` and ``version`` must be
  ``"latest"`` or pass :func:`~tradai.common.validators.validate_semver`, before any storage
  is touched (library ``ValidationError`` naming the argument). Neither can hold ``/``,
  ``\\`` or ``..``; local paths are also resolved with
  :func:`~tradai.common.settings.resolve_within`, so a symlink cannot lead out of the root.
* **"latest"** is the highest plain ``MAJOR.MINOR.PATCH`` version present (compared as
  numbers: ``1.10.0`` beats ``1.9.0``). Pre-release and build-tagged files
  (``2.0.0-rc.1.yaml``) are never picked by ``latest``: they load only when pinned (and
  :meth:`StrategyConfigLoader.load` refuses them, as ``StrategyConfig.version`` is plain
  ``MAJOR.MINOR.PATCH``). Other files in the folder are ignored.
* **Missing** strategy folder or version: ``NotFoundError`` naming name and version.
  A missing local root or S3 bucket is a deployment error: ``ConfigurationError``. Two
  files for one version (``1.0.0.yaml`` and ``1.0.0.json``) are ambiguous:
  ``ConfigurationError``. Other S3 failures are translated by the library's AWS table.
* **Content checks.** The document must be JSON data (YAML dates must be quoted). Its
  ``name`` and ``version``, when present, must equal the requested name and the resolved
  version (a file copied to a new version without editing is caught), else
  ``ConfigurationError``; when absent they are filled in from the location.

Example:
    >>> from tradai.common.config.sources import InMemoryConfigSource
    >>> source = InMemoryConfigSource()
    >>> source.put("PascalStrategy", "1.2.0", {"timeframe": "1h"})
    >>> source.put("PascalStrategy", "1.10.0", {"timeframe": "4h"})
    >>> StrategyConfigLoader(source=source).load_config("PascalStrategy")
    {'timeframe': '4h', 'name': 'PascalStrategy', 'version': '1.10.0'}
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Final, Protocol

from tradai.common.config.catalog import StrategyConfig
from tradai.common.config.merge import _to_strategy_config
from tradai.common.exceptions import ConfigurationError
from tradai.common.logger_mixin import LoggerMixin
from tradai.common.validators import (
    ensure,
    validate_json_data,
    validate_semver,
    validate_strategy_name,
)

__all__ = ["LATEST", "ConfigDocument", "ConfigSource", "StrategyConfigLoader"]

#: The version specifier resolving to the highest plain ``MAJOR.MINOR.PATCH`` present.
LATEST: Final = "latest"


@dataclass(frozen=True, slots=True)
class ConfigDocument:
    """A config document as a source returns it.

    Attributes:
        strategy_name: The strategy it belongs to.
        version: The concrete version (``"latest"`` already resolved).
        location: Where it was read (path, ``s3://`` URI or ``memory://``).
        data: The parsed top-level mapping.
    """

    strategy_name: str
    version: str
    location: str
    data: dict[str, Any]


class ConfigSource(Protocol):
    """Where strategy configs are stored (a directory, an S3 prefix; MLflow could be one).

    An MLflow source would map ``version`` to a registered model version and return the
    config logged with it; tradai-common ships no MLflow code.
    """

    def fetch(self, strategy_name: str, version: str) -> ConfigDocument:
        """Return the config document of a strategy version.

        Args:
            strategy_name: A validated strategy name.
            version: A validated semantic version, or ``"latest"`` (to be resolved).

        Returns:
            The document, with the resolved version.

        Raises:
            NotFoundError: If the strategy or version does not exist.
        """
        ...


class StrategyConfigLoader(LoggerMixin):
    """Load strategy configs by name and version from a :class:`ConfigSource`.

    Args:
        source: Where configs are stored.

    Example:
        >>> from tradai.common.config.sources import InMemoryConfigSource
        >>> loader = StrategyConfigLoader(
        ...     source=InMemoryConfigSource(
        ...         {"PascalStrategy": {"1.0.0": {"version": "1.0.0", "timeframe": "1h"}}}
        ...     )
        ... )
        >>> loader.load("PascalStrategy", version="1.0.0").timeframe
        '1h'
    """

    def __init__(self, *, source: ConfigSource) -> None:
        self._source = source

    @classmethod
    def from_location(
        cls, root: str | os.PathLike[str], *, s3_client: Any = None
    ) -> StrategyConfigLoader:
        """Build a loader over an ``s3://bucket/prefix`` URI or a local directory.

        Args:
            root: The root holding one folder per strategy.
            s3_client: A boto3 S3 client for an ``s3://`` root (default: the cached one).

        Returns:
            A loader over an ``S3ConfigSource`` or a ``LocalDirectoryConfigSource``.

        Raises:
            ValidationError: If ``root`` is not a valid URI or path.
        """
        from tradai.common.config.sources import LocalDirectoryConfigSource, S3ConfigSource

        if isinstance(root, str) and root.startswith("s3://"):
            return cls(source=S3ConfigSource(root, s3_client=s3_client))
        return cls(source=LocalDirectoryConfigSource(root))

    @property
    def source(self) -> ConfigSource:
        """The config source.

        Returns:
            The source given to the constructor.
        """
        return self._source

    def load_config(self, strategy_name: str, version: str = LATEST) -> dict[str, Any]:
        """Load a strategy config as a dict (what ``TradingConfigLoader`` calls).

        Args:
            strategy_name: The strategy name.
            version: A semantic version, or ``"latest"``.

        Returns:
            A new dict, with ``name`` and ``version`` filled in when the file omits them.

        Raises:
            ValidationError: If the name or version is invalid (nothing was read).
            NotFoundError: If the strategy or version does not exist.
            ConfigurationError: If the document is ambiguous, unreadable, not JSON data,
                or names another strategy or version.
        """
        name = ensure(validate_strategy_name, strategy_name, field="strategy_name")
        if version != LATEST:
            version = ensure(validate_semver, version, field="version")
        document = self._source.fetch(name, version)
        data = self._checked(name, document)
        self.logger.debug(
            "loaded strategy config %s@%s from %s", name, data["version"], document.location
        )
        return data

    def load(self, strategy_name: str, version: str = LATEST) -> StrategyConfig:
        """Load a strategy config and validate it as a :class:`StrategyConfig`.

        Args:
            strategy_name: The strategy name.
            version: A semantic version, or ``"latest"``.

        Returns:
            The validated config.

        Raises:
            ValidationError: If the arguments are invalid, or the document is not a valid
                ``StrategyConfig`` (``field`` names the first bad field).
            NotFoundError: If the strategy or version does not exist.
            ConfigurationError: As for :meth:`load_config`.
        """
        data = self.load_config(strategy_name, version=version)
        context = {"strategy_name": data["name"], "version": data["version"]}
        return _to_strategy_config(data, context=context)

    @staticmethod
    def _checked(strategy_name: str, document: ConfigDocument) -> dict[str, Any]:
        where = document.location
        try:
            data: dict[str, Any] = validate_json_data(document.data, path="config")
        except ValueError as exc:
            raise ConfigurationError(
                f"strategy config at {where} is not JSON data (quote YAML dates): {exc}",
                setting="strategy_config",
            ) from exc
        for key, expected in (("name", strategy_name), ("version", document.version)):
            found = data.setdefault(key, expected)
            if found != expected:
                raise ConfigurationError(
                    f"strategy config at {where} has {key} {found!r:.60}, expected {expected!r}",
                    setting="strategy_config",
                    context={"location": where, key: expected},
                )
        return data

    def __repr__(self) -> str:
        """Return ``StrategyConfigLoader(source=...)``."""
        return f"{type(self).__name__}(source={self._source!r})"

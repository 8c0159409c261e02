"""Where strategy configs are stored: the :class:`~tradai.common.config.loader.ConfigSource`
implementations shipped with the library.

All use the layout ``{root}/{strategy_name}/{version}.yaml`` (or ``.yml``, or ``.json``):

* :class:`LocalDirectoryConfigSource` -- a local directory; every path is resolved with
  :func:`~tradai.common.settings.resolve_within`, so a symlink cannot lead out of the root;
* :class:`S3ConfigSource` -- an S3 prefix (``s3://bucket/strategies``), listed with
  ``ListObjectsV2``; boto3 is imported only when it is used (the ``aws`` extra);
* :class:`InMemoryConfigSource` -- the in-memory twin, for tests.

Files are read with :func:`~tradai.common.settings.read_config_file`. See
:mod:`tradai.common.config.loader` for how versions resolve and which errors are raised.

Example:
    >>> source = InMemoryConfigSource({"PascalStrategy": {"1.0.0": {"timeframe": "1h"}}})
    >>> source.fetch("PascalStrategy", "latest").version
    '1.0.0'
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from tradai.common._lazy import require
from tradai.common.config.loader import LATEST, ConfigDocument
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import ConfigurationError, NotFoundError, ValidationError
from tradai.common.settings import read_config_file, resolve_within, validate_safe_path
from tradai.common.validators import (
    ensure,
    validate_json_data,
    validate_semver,
    validate_strategy_name,
)

__all__ = [
    "CONFIG_SUFFIXES",
    "InMemoryConfigSource",
    "LocalDirectoryConfigSource",
    "S3ConfigSource",
]

#: File suffixes a config document may have.
CONFIG_SUFFIXES: Final = (".yaml", ".yml", ".json")


def _not_found(strategy_name: str, version: str, where: str, detail: str = "") -> NotFoundError:
    return NotFoundError(
        f"strategy config {strategy_name!r} version {version!r} not found under {where}{detail}",
        resource="strategy_config",
        key=f"{strategy_name}@{version}",
        context={"strategy_name": strategy_name, "version": version, "location": where},
    )


def _release_key(version: str) -> tuple[int, ...] | None:
    if "-" in version or "+" in version:
        return None
    return tuple(int(part) for part in version.split("."))


def _index(names: Iterable[str]) -> dict[str, list[str]]:
    """Group file names ``<semver><suffix>`` by version; other names are ignored."""
    found: dict[str, list[str]] = {}
    for name in names:
        stem, dot, suffix = name.rpartition(".")
        if not dot or f".{suffix}" not in CONFIG_SUFFIXES:
            continue
        try:
            validate_semver(stem)
        except ValueError:
            continue
        found.setdefault(stem, []).append(name)
    return found


def _choose(strategy_name: str, version: str, found: Mapping[str, list[str]], where: str) -> str:
    """Return the one entry of ``found`` for ``version`` (``"latest"`` resolved)."""
    if version == LATEST:
        releases = {v: key for v in found if (key := _release_key(v)) is not None}
        if not releases:
            raise _not_found(strategy_name, version, where, " (pre-releases must be pinned)")
        version = max(releases, key=releases.__getitem__)
    entries = sorted(found.get(version, ()))
    if not entries:
        raise _not_found(strategy_name, version, where)
    if len(entries) > 1:
        raise ConfigurationError(
            f"strategy config {strategy_name!r} version {version!r} is ambiguous under "
            f"{where}: {', '.join(entries)}",
            setting="strategy_config",
        )
    return entries[0]


class _FolderSource(ABC):
    """The shared fetch of the storage sources: list the folder, choose, read."""

    def fetch(self, strategy_name: str, version: str) -> ConfigDocument:
        """Read a strategy version's file (see :meth:`ConfigSource.fetch`).

        Args:
            strategy_name: A validated strategy name.
            version: A validated semantic version, or ``"latest"``.

        Returns:
            The document.

        Raises:
            NotFoundError: If no file exists for the strategy or version.
            ConfigurationError: If the root is missing, the version ambiguous, or the file
                cannot be read or parsed.
            ValidationError: If a local path resolves outside the root (a symlink).
            AuthenticationError: If S3 refuses access.
            TransientError: If S3 failed in a way retrying may fix.
            MissingDependencyError: If boto3 (the ``aws`` extra) is needed and missing.
        """
        names = self._list(strategy_name)
        filename = _choose(strategy_name, version, _index(names), self._where(strategy_name))
        location = self._locate(strategy_name, filename)
        data = read_config_file(location, s3_client=self._client_for_read())
        return ConfigDocument(strategy_name, filename.rpartition(".")[0], location, data)

    @abstractmethod
    def _where(self, strategy_name: str) -> str:
        """Return the folder of a strategy, for messages."""

    @abstractmethod
    def _list(self, strategy_name: str) -> list[str]:
        """Return the file names in a strategy's folder."""

    @abstractmethod
    def _locate(self, strategy_name: str, filename: str) -> str:
        """Return the path or URI of a file to read."""

    def _client_for_read(self) -> Any:
        return None


class LocalDirectoryConfigSource(_FolderSource):
    """Configs in a local directory: ``{root}/{strategy_name}/{version}.yaml|.yml|.json``.

    Args:
        root: The directory (made absolute; it is checked when configs are fetched).

    Raises:
        ValidationError: If ``root`` is empty, holds control characters or ``..``.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        try:
            self._root = validate_safe_path(root)
        except ValueError as exc:
            raise ValidationError(f"invalid config root: {exc}", field="root") from exc

    @property
    def root(self) -> Path:
        """The absolute root directory.

        Returns:
            The path given to the constructor, made absolute.
        """
        return self._root

    def _where(self, strategy_name: str) -> str:
        return str(self._root / strategy_name)

    def _list(self, strategy_name: str) -> list[str]:
        if not self._root.is_dir():
            raise ConfigurationError(
                f"config root is not a directory: {self._root}", setting="config_root"
            )
        folder = resolve_within(self._root, strategy_name)
        try:
            with os.scandir(folder) as entries:
                return [entry.name for entry in entries if entry.is_file()]
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise ConfigurationError(
                f"cannot list {folder}: {exc.strerror or type(exc).__name__}",
                setting="config_root",
            ) from exc

    def _locate(self, strategy_name: str, filename: str) -> str:
        return str(resolve_within(self._root, f"{strategy_name}/{filename}"))

    def __repr__(self) -> str:
        """Return ``LocalDirectoryConfigSource('/abs/root')``."""
        return f"{type(self).__name__}({str(self._root)!r})"


class S3ConfigSource(_FolderSource):
    """Configs under an S3 prefix: ``{root}/{strategy_name}/{version}.yaml|.yml|.json``.

    Args:
        root: The prefix, as an :class:`~tradai.common.entities.aws.S3Path` or an
            ``s3://bucket/prefix`` URI (an empty key is the bucket root).
        s3_client: A boto3 S3 client; by default the library's cached client
            (:func:`tradai.common.aws.get_s3_client`), created on first use.

    Raises:
        ValidationError: If ``root`` is not a valid S3 URI.
    """

    def __init__(self, root: S3Path | str, *, s3_client: Any = None) -> None:
        if not isinstance(root, S3Path):
            try:
                root = S3Path.parse(root)
            except ValueError as exc:
                raise ValidationError(f"invalid S3 config root: {exc}", field="root") from exc
        self._root = root
        self._client = s3_client

    @property
    def root(self) -> S3Path:
        """The S3 prefix holding one folder per strategy.

        Returns:
            The root given to the constructor.
        """
        return self._root

    def _client_for_read(self) -> Any:
        return self._s3()

    def _s3(self) -> Any:
        if self._client is None:
            from tradai.common.aws import get_s3_client

            self._client = get_s3_client()
        return self._client

    def _where(self, strategy_name: str) -> str:
        return f"{(self._root / strategy_name).uri}/"

    def _list(self, strategy_name: str) -> list[str]:
        botocore_exceptions = require("botocore.exceptions", extra="aws")
        folder = self._root / strategy_name
        prefix = f"{folder.key}/"
        names: list[str] = []
        try:
            pages = (
                self._s3()
                .get_paginator("list_objects_v2")
                .paginate(Bucket=folder.bucket, Prefix=prefix, Delimiter="/")
            )
            for page in pages:
                names.extend(item["Key"][len(prefix) :] for item in page.get("Contents", ()))
        except (botocore_exceptions.ClientError, botocore_exceptions.BotoCoreError) as exc:
            from tradai.common.aws.errors import translate_aws_error

            error = translate_aws_error(
                exc, service="s3", operation="ListObjectsV2", resource=f"{folder.uri}/"
            )
            if isinstance(error, NotFoundError):
                raise ConfigurationError(
                    f"config root bucket not found: {folder.bucket}",
                    setting="config_root",
                    context=error.context,
                ) from exc
            raise error from exc
        return names

    def _locate(self, strategy_name: str, filename: str) -> str:
        return (self._root / strategy_name / filename).uri

    def __repr__(self) -> str:
        """Return ``S3ConfigSource('s3://bucket/prefix')``."""
        return f"{type(self).__name__}({self._root.uri!r})"


class InMemoryConfigSource:
    """The in-memory twin of the storage sources, for tests and examples.

    Args:
        configs: Initial documents, ``{strategy_name: {version: data}}``.

    Raises:
        ValidationError: If a name, version or document is invalid.

    Example:
        >>> source = InMemoryConfigSource({"PascalStrategy": {"1.0.0": {"timeframe": "1h"}}})
        >>> source.fetch("PascalStrategy", "latest").location
        'memory://PascalStrategy/1.0.0'
    """

    def __init__(
        self, configs: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None
    ) -> None:
        self._configs: dict[str, dict[str, dict[str, Any]]] = {}
        for strategy_name, versions in (configs or {}).items():
            for version, data in versions.items():
                self.put(strategy_name, version, data)

    def put(self, strategy_name: str, version: str, data: Mapping[str, Any]) -> None:
        """Store (or replace) a document; a copy is kept.

        Args:
            strategy_name: The strategy name.
            version: A semantic version.
            data: The config, a mapping of JSON data.

        Raises:
            ValidationError: If the name, version or data is invalid.
        """
        name = ensure(validate_strategy_name, strategy_name, field="strategy_name")
        version = ensure(validate_semver, version, field="version")
        if not isinstance(data, Mapping):
            raise ValidationError("config data must be a mapping", field="data")
        try:
            copy: dict[str, Any] = validate_json_data(data, path="data")
        except ValueError as exc:
            raise ValidationError(f"invalid config data: {exc}", field="data") from exc
        self._configs.setdefault(name, {})[version] = copy

    def fetch(self, strategy_name: str, version: str) -> ConfigDocument:
        """Return a copy of a stored document (see :meth:`ConfigSource.fetch`).

        Args:
            strategy_name: A validated strategy name.
            version: A validated semantic version, or ``"latest"``.

        Returns:
            The document (a copy).

        Raises:
            NotFoundError: If the strategy or version was never stored.
        """
        versions = self._configs.get(strategy_name, {})
        where = f"memory://{strategy_name}/"
        resolved = _choose(strategy_name, version, {v: [v] for v in versions}, where)
        data: dict[str, Any] = validate_json_data(versions[resolved])
        return ConfigDocument(strategy_name, resolved, f"{where}{resolved}", data)

    def __repr__(self) -> str:
        """Return ``InMemoryConfigSource(strategies=[...])``."""
        return f"{type(self).__name__}(strategies={sorted(self._configs)!r})"

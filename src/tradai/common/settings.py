"""The settings base class: strict, frozen, layered pydantic-settings.

Every service's settings subclass :class:`Settings` (usually together with the mixins of
:mod:`tradai.common.settings_mixins`) and is loaded with :meth:`Settings.load`, which layers
its sources in this order of precedence (first wins)::

    explicit overrides  >  environment variables  >  config file  >  field defaults

Decisions where the specification is silent:

* **Environment variables** are the upper-case field names (matching is case-insensitive),
  optionally behind a per-class ``env_prefix`` set in the subclass's ``model_config``.
  String values from the environment are coerced to the field's type even though the model is
  strict (``"5"`` becomes ``5``, ``"true"`` becomes ``True``, ``'["a"]'`` a list), as
  pydantic-settings does for strict models.
* **Strict mode** applies to explicit overrides: Python callers must pass correctly typed
  values (``port=5``, not ``port="5"``); path fields declared with the types below also take
  ``str``.
* **Config files** are YAML (``.yaml``/``.yml``) or JSON (``.json``), chosen by suffix, local
  or ``s3://bucket/key``, at most :data:`MAX_CONFIG_FILE_BYTES`. The top level must be a
  mapping whose keys are field names (case-sensitive); unknown keys are rejected
  (``extra="forbid"``), which catches typos. Values are validated as pydantic validates JSON
  in strict mode: a string is accepted for paths, enums, dates and secrets, but not ``"5"``
  for an integer.
* **Errors**: a missing, unreadable, oversized or unparsable config file raises
  :class:`~tradai.common.exceptions.ConfigurationError` naming it (parse errors give line
  and column, never file content); other S3 failures are translated by the library's AWS
  error table (see :func:`read_config_file`); invalid values raise pydantic's
  ``ValidationError`` naming the field, with the input hidden.
* **Path types**: :data:`SafePath` rejects NUL/control characters, surrounding whitespace
  and ``..`` components and resolves to an absolute path; :data:`SafeRelativePath` stays
  relative (and may not start with ``-``); :data:`ExistingFile`/:data:`ExistingDir` also
  require the path to exist; :func:`resolve_within` joins a relative path under a base
  directory and refuses to escape it (symlinks included).

Example:
    >>> from pydantic import Field
    >>> class WorkerSettings(Settings):
    ...     worker_count: int = Field(default=2, ge=1)
    >>> WorkerSettings.load(worker_count=4).worker_count
    4
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, Self

from pydantic import TypeAdapter
from pydantic.fields import FieldInfo
from pydantic_core import to_json
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from tradai.common._config_file import MAX_CONFIG_FILE_BYTES, read_config_file
from tradai.common._paths import (
    ExistingDir,
    ExistingFile,
    SafePath,
    SafeRelativePath,
    resolve_within,
    validate_existing_dir,
    validate_existing_file,
    validate_safe_path,
    validate_safe_relative_path,
)

__all__ = [
    "MAX_CONFIG_FILE_BYTES",
    "ConfigFileSettingsSource",
    "ExistingDir",
    "ExistingFile",
    "SafePath",
    "SafeRelativePath",
    "Settings",
    "read_config_file",
    "resolve_within",
    "validate_existing_dir",
    "validate_existing_file",
    "validate_safe_path",
    "validate_safe_relative_path",
]

_LOG = logging.getLogger(__name__)

# The config file data of the Settings.load() call in progress in this context.
_ACTIVE_CONFIG: ContextVar[Mapping[str, Any] | None] = ContextVar(
    "tradai_settings_config_file", default=None
)


class ConfigFileSettingsSource(PydanticBaseSettingsSource):
    """A pydantic-settings source serving the values read from a config file.

    Values of known fields are validated with pydantic's strict JSON rules (strings for
    paths, enums, datetimes and secrets are accepted); a value that does not fit is passed
    on unchanged so the model reports it with the field's name. Unknown keys are passed on
    too, so ``extra="forbid"`` rejects them.

    Args:
        settings_cls: The settings class being built.
        data: The parsed config file.
    """

    def __init__(self, settings_cls: type[BaseSettings], data: Mapping[str, Any]) -> None:
        super().__init__(settings_cls)
        self._data = dict(data)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Return the file's value for one field.

        Args:
            field: The field's info.
            field_name: The field's name.

        Returns:
            ``(value, key, is_complex)`` as pydantic-settings expects; ``value`` is ``None``
            when the file does not set the field.
        """
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        """Return the file's values, coerced where they fit their field.

        Returns:
            A dict keyed by field name (plus any unknown keys of the file).
        """
        fields = self.settings_cls.model_fields
        return {
            key: self._coerce(fields[key], value) if key in fields else value
            for key, value in self._data.items()
        }

    @staticmethod
    def _coerce(field: FieldInfo, value: Any) -> Any:
        if field.annotation is None:
            return value
        try:
            adapter: TypeAdapter[Any] = TypeAdapter(field.annotation)
            return adapter.validate_json(to_json(value), strict=True)
        except Exception:  # the model reports the failure, naming the field
            return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(keys={sorted(self._data)!r})"


class Settings(BaseSettings):
    """Base class of every settings class: strict, frozen, layered.

    Subclasses declare fields (and may set ``model_config = SettingsConfigDict(
    env_prefix="MYSVC_")``). Build instances with :meth:`load`; calling the class directly
    reads overrides, environment variables and defaults, but no config file.

    Example:
        >>> class ApiSettings(Settings):
        ...     api_port: int = 8000
        >>> ApiSettings.load(api_port=9000).api_port
        9000
    """

    model_config = SettingsConfigDict(
        strict=True,
        frozen=True,
        extra="forbid",
        hide_input_in_errors=True,
        case_sensitive=False,
        env_prefix="",
        validate_default=True,
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Order the sources: overrides, environment, dotenv, secrets dir, config file.

        Args:
            settings_cls: The settings class being built.
            init_settings: Keyword arguments (the explicit overrides).
            env_settings: Environment variables.
            dotenv_settings: A ``.env`` file, if the subclass configures one.
            file_secret_settings: A secrets directory, if the subclass configures one.

        Returns:
            The sources, highest precedence first.
        """
        config_file = ConfigFileSettingsSource(settings_cls, _ACTIVE_CONFIG.get() or {})
        return init_settings, env_settings, dotenv_settings, file_secret_settings, config_file

    @classmethod
    def load(
        cls,
        config_file: str | os.PathLike[str] | None = None,
        *,
        s3_client: Any = None,
        **overrides: Any,
    ) -> Self:
        """Build the settings from overrides, environment, a config file and defaults.

        Args:
            config_file: A YAML/JSON file, local or ``s3://bucket/key``; ``None`` for none.
            s3_client: A boto3 S3 client for an ``s3://`` config file (default: the
                library's cached client).
            **overrides: Field values that beat every other source (strictly typed). A
                field named ``config_file`` or ``s3_client`` cannot be set this way; pass
                it to the class directly.

        Returns:
            The validated, frozen settings.

        Raises:
            ConfigurationError: If the config file is missing or cannot be parsed.
            pydantic.ValidationError: If a value is invalid (input hidden).

        Example:
            >>> class JobSettings(Settings):
            ...     job_retries: int = 3
            >>> JobSettings.load().job_retries
            3
        """
        data: Mapping[str, Any] = {}
        if config_file is not None:
            data = read_config_file(config_file, s3_client=s3_client)
        token = _ACTIVE_CONFIG.set(data)
        try:
            settings = cls(**overrides)
        finally:
            _ACTIVE_CONFIG.reset(token)
        if config_file is not None:
            _LOG.debug("loaded %s with config file %s", cls.__name__, os.fspath(config_file))
        return settings

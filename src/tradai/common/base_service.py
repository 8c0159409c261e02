"""The base class of every tradai service: settings plus a logger.

A service declares which settings it needs with the class attribute ``settings_class``
(checked when the subclass is defined) and is built either from a ready settings object or
by the layered loader (:meth:`tradai.common.settings.Settings.load`): environment variables,
an optional YAML/JSON config file (local or ``s3://``) and defaults.

Decisions where the specification is silent:

* A subclass without a ``settings_class`` that is a :class:`~tradai.common.settings.Settings`
  subclass fails at definition with ``TypeError`` (a programming error, found at import).
  An intermediate base may opt out with ``class MyBase(BaseService, abstract=True)``; such
  classes (and ``BaseService`` itself) cannot be instantiated.
* Passing both ``settings`` and ``config_file`` is refused (``ConfigurationError``): the
  caller meant one of them. A ``settings`` object of the wrong class is a ``TypeError``.
* ``settings`` is a plain attribute typed ``Settings``; subclasses narrow it with an
  annotation (``settings: MySettings``) for type checkers.

Example:
    >>> from tradai.common.settings import Settings
    >>> class PingSettings(Settings):
    ...     ping_interval_s: int = 30
    >>> class PingService(BaseService):
    ...     settings_class = PingSettings
    ...     settings: PingSettings
    >>> PingService().settings.ping_interval_s
    30
    >>> PingService(settings=PingSettings(ping_interval_s=5)).settings.ping_interval_s
    5
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from tradai.common.exceptions import ConfigurationError
from tradai.common.logger_mixin import LoggerMixin
from tradai.common.settings import Settings

__all__ = ["BaseService"]


class BaseService(LoggerMixin):
    """Base class for services: validated ``settings_class``, layered settings, a logger.

    Args:
        settings: Ready settings (an instance of ``settings_class``); skips loading.
        config_file: A YAML/JSON config file, local or ``s3://bucket/key``, layered under
            the environment variables when ``settings`` is not given.

    Attributes:
        settings_class: The :class:`~tradai.common.settings.Settings` subclass the service
            needs (set by every concrete subclass).
        settings: The service's settings.

    Raises:
        TypeError: If the class is abstract, or ``settings`` has the wrong class.
        ConfigurationError: If both arguments are given, or the config file is missing or
            unparsable.
        pydantic.ValidationError: If the loaded settings are invalid.
    """

    settings_class: ClassVar[type[Settings]]
    settings: Settings
    _abstract_service: ClassVar[bool] = True

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._abstract_service = abstract
        if abstract:
            return
        settings_class = getattr(cls, "settings_class", None)
        if not (isinstance(settings_class, type) and issubclass(settings_class, Settings)):
            raise TypeError(
                f"{cls.__qualname__} must set the class attribute settings_class to a "
                f"subclass of tradai.common.settings.Settings (got {settings_class!r:.80})"
            )

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        config_file: str | os.PathLike[str] | None = None,
    ) -> None:
        cls = type(self)
        if cls._abstract_service:
            raise TypeError(f"{cls.__qualname__} is abstract; subclass it with a settings_class")
        if settings is not None and config_file is not None:
            raise ConfigurationError(
                "pass either settings or config_file, not both", setting="config_file"
            )
        if settings is None:
            settings = cls.settings_class.load(config_file)
        elif not isinstance(settings, cls.settings_class):
            raise TypeError(
                f"{cls.__qualname__} needs settings of type {cls.settings_class.__qualname__}, "
                f"got {type(settings).__qualname__}"
            )
        self.settings = settings

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(settings={self.settings!r})"

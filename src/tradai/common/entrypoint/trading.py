"""Trading-mode safety: LIVE never trades with an empty or invalid strategy config.

:class:`TradingConfigLoader` loads the strategy config through an injected loader and
validates it for the trading mode, following the design document's fail-fast rule::

    LIVE     any load or validation failure -> TradingError (raised from the cause)
    DRY_RUN  any failure -> a warning is logged and {} is returned (development/testing)

Decisions where the specification is silent:

* The loader is any object with ``load_config(strategy_name, version=...)`` returning a
  mapping or a pydantic model (``StrategyConfigLoader`` of :mod:`tradai.common.config`);
  it is called with the settings' ``strategy_name`` and ``strategy_version``.
* ``BACKTEST``, ``HYPEROPT`` and ``TRAIN`` are not lenient: a failure raises
  ``ConfigurationError`` (a backtest of an empty config would publish meaningless
  results). Which modes are lenient is a constructor argument; ``LIVE`` can never be.
* :func:`validate_config_for_mode` (the default validator; another can be injected) requires
  for ``LIVE`` a non-empty config with a non-empty ``name``, a valid ``timeframe`` and a
  non-empty list of valid ``pairs``; in every mode, ``timeframe`` and ``pairs`` must be
  valid when present.

Example:
    >>> from types import SimpleNamespace
    >>> class StaticLoader:
    ...     def load_config(self, strategy_name: str, version: str) -> dict[str, object]:
    ...         return {"name": strategy_name, "timeframe": "1h", "pairs": ["BTC/USDT:USDT"]}
    >>> settings = SimpleNamespace(
    ...     trading_mode=TradingMode.LIVE, strategy_name="PascalStrategy", strategy_version="3"
    ... )
    >>> TradingConfigLoader(loader=StaticLoader(), settings=settings).load()["pairs"]
    ['BTC/USDT:USDT']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from tradai.common.entrypoint.settings import TradingMode
from tradai.common.exceptions import ConfigurationError, TradingError, ValidationError
from tradai.common.logger_mixin import LoggerMixin
from tradai.common.validators import validate_timeframe, validate_trading_pair

__all__ = [
    "ConfigValidator",
    "StrategyConfigSource",
    "TradingConfigLoader",
    "TradingModeSettings",
    "validate_config_for_mode",
]

ConfigValidator = Callable[[Mapping[str, Any], TradingMode], None]
"""Checks a config for a mode; raises (any exception) if it is not acceptable."""


class StrategyConfigSource(Protocol):
    """Loads a strategy config (for example ``tradai.common.config.StrategyConfigLoader``)."""

    def load_config(self, strategy_name: str, version: str) -> Any:
        """Load a strategy's config.

        Args:
            strategy_name: The strategy name.
            version: The version specifier.

        Returns:
            A mapping or a pydantic model.
        """
        ...


class TradingModeSettings(Protocol):
    """The settings :class:`TradingConfigLoader` reads (``EntrypointSettings`` fits)."""

    @property
    def trading_mode(self) -> TradingMode:
        """What the process does."""
        ...

    @property
    def strategy_name(self) -> str:
        """The strategy name."""
        ...

    @property
    def strategy_version(self) -> str:
        """The version specifier to load."""
        ...


def _check_pairs(pairs: object, *, required: bool) -> None:
    if pairs is None and not required:
        return
    if not isinstance(pairs, list | tuple) or (required and not pairs):
        raise ValidationError("pairs must be a non-empty list of trading pairs", field="pairs")
    for pair in pairs:
        try:
            validate_trading_pair(pair)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"invalid pair: {exc}", field="pairs") from exc


def validate_config_for_mode(config: Mapping[str, Any], mode: TradingMode) -> None:
    """Check that a strategy config is acceptable for a trading mode.

    Args:
        config: The strategy config.
        mode: The trading mode.

    Raises:
        ValidationError: Naming the first field that is missing or invalid.

    Example:
        >>> validate_config_for_mode({}, TradingMode.DRY_RUN)
        >>> try:
        ...     validate_config_for_mode({}, TradingMode.LIVE)
        ... except ValidationError as exc:
        ...     print(exc.field)
        config
    """
    live = mode is TradingMode.LIVE
    if live and not config:
        raise ValidationError("LIVE trading needs a non-empty strategy config", field="config")
    name = config.get("name")
    if (live or name is not None) and (not isinstance(name, str) or not name.strip()):
        raise ValidationError("name must be a non-empty string", field="name")
    timeframe = config.get("timeframe")
    if live or timeframe is not None:
        if not isinstance(timeframe, str):
            raise ValidationError("timeframe must be a string such as '1h'", field="timeframe")
        try:
            validate_timeframe(timeframe)
        except ValueError as exc:
            raise ValidationError(f"invalid timeframe: {exc}", field="timeframe") from exc
    _check_pairs(config.get("pairs"), required=live)


def _as_dict(config: object) -> dict[str, Any]:
    if isinstance(config, Mapping):
        return dict(config)
    dump = getattr(config, "model_dump", None)
    if callable(dump):
        dumped = dump()
        if isinstance(dumped, dict):
            return dumped
    raise TypeError(f"the loader returned a {type(config).__qualname__}, not a mapping")


class TradingConfigLoader(LoggerMixin):
    """Load and validate the strategy config, failing fast in LIVE mode.

    Args:
        loader: The config source (``load_config(strategy_name, version=...)``).
        settings: Settings with ``trading_mode``, ``strategy_name`` and ``strategy_version``.
        validator: Checks the config for the mode (default :func:`validate_config_for_mode`).
        lenient_modes: Modes in which a failure yields ``{}`` and a warning (default
            ``DRY_RUN`` only).

    Raises:
        ValueError: If ``lenient_modes`` includes ``LIVE``.
    """

    def __init__(
        self,
        *,
        loader: StrategyConfigSource,
        settings: TradingModeSettings,
        validator: ConfigValidator = validate_config_for_mode,
        lenient_modes: Iterable[TradingMode] = (TradingMode.DRY_RUN,),
    ) -> None:
        self._loader = loader
        self._settings = settings
        self._validator = validator
        self._lenient_modes = frozenset(lenient_modes)
        if TradingMode.LIVE in self._lenient_modes:
            raise ValueError("LIVE mode can never be lenient about its strategy config")

    def load(self) -> dict[str, Any]:
        """Load the strategy config for the configured trading mode.

        Returns:
            The validated config, or ``{}`` after a failure in a lenient mode.

        Raises:
            TradingError: In LIVE mode, if loading or validation failed.
            ConfigurationError: In other strict modes, if loading or validation failed.
        """
        return self._load_strategy_config()

    def _validate_config_for_mode(self, config_dict: Mapping[str, Any]) -> None:
        self._validator(config_dict, self._settings.trading_mode)

    def _load_strategy_config(self) -> dict[str, Any]:
        mode = self._settings.trading_mode
        is_live = mode is TradingMode.LIVE
        try:
            config_dict = _as_dict(
                self._loader.load_config(
                    self._settings.strategy_name, version=self._settings.strategy_version
                )
            )
            self._validate_config_for_mode(config_dict)
            return config_dict
        except Exception as e:
            context = {"mode": mode.value, "strategy": self._settings.strategy_name}
            if is_live:
                # LIVE mode: fail immediately - never trade with empty config
                raise TradingError(
                    f"Failed to load strategy config for LIVE trading: {e}", context=context
                ) from e
            if mode not in self._lenient_modes:
                raise ConfigurationError(
                    f"Failed to load strategy config for {mode.value}: {e}",
                    setting="strategy_config",
                    context=context,
                ) from e
            # DRY_RUN: warn and continue (for development/testing)
            self.logger.warning("Config load failed, using empty config: %s", e)
            return {}

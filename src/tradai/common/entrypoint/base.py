"""The strategy entrypoint and its handler registry.

Services register one handler per trading mode with a decorator, and the entrypoint
dispatches to it at run time, so ``tradai-common`` never imports the services' code
(dependency inversion, no circular imports)::

    @StrategyEntrypoint.register_handler(TradingMode.BACKTEST)
    class BacktestHandler:
        def __init__(self, entrypoint: StrategyEntrypoint) -> None:
            self._ep = entrypoint

        def run(self) -> int:
            return 0

Decisions where the specification is silent:

* Each class has its own registry object (one lock and one dict, created per class by
  ``__init_subclass__``), never a mutable attribute shared with subclasses by accident.
  Registering on a subclass affects only that subclass (and its own subclasses); lookups
  search the class, then its bases, so handlers registered on ``StrategyEntrypoint`` serve
  every subclass that does not override them.
* Registering a *different* handler for a mode that already has one raises
  :class:`~tradai.common.exceptions.ConflictError` (pass ``replace=True`` to mean it);
  registering the same object again is a no-op. :meth:`StrategyEntrypoint.reset_handlers`
  clears one class's registry (for tests).
* An unregistered mode raises :class:`HandlerNotRegisteredError`, which is both a
  ``ConfigurationError`` (the deployment forgot to import its handlers) and a
  ``NotFoundError``.
* Modes may be given as ``TradingMode`` members or their values (case-insensitive).
* ``run()`` requires the handler to return an ``int`` exit code (``TypeError`` otherwise).

Example:
    >>> class DemoEntrypoint(StrategyEntrypoint):
    ...     pass
    >>> @DemoEntrypoint.register_handler("backtest")
    ... class Demo:
    ...     def __init__(self, entrypoint: StrategyEntrypoint) -> None:
    ...         self._ep = entrypoint
    ...     def run(self) -> int:
    ...         return 0
    >>> settings = EntrypointSettings(strategy_name="PascalStrategy", trading_mode="backtest")
    >>> DemoEntrypoint(settings=settings).run()
    0
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from tradai.common.base_service import BaseService
from tradai.common.entrypoint.settings import EntrypointSettings, TradingMode
from tradai.common.exceptions import ConfigurationError, ConflictError, NotFoundError
from tradai.common.protocols import ModeHandlerFactory

__all__ = ["HandlerNotRegisteredError", "StrategyEntrypoint"]

_FactoryT = TypeVar("_FactoryT", bound=ModeHandlerFactory)


class HandlerNotRegisteredError(ConfigurationError, NotFoundError):
    """No handler is registered for the requested trading mode.

    Args:
        mode: The trading mode that has no handler.
        entrypoint: The entrypoint class that was asked.
    """

    def __init__(self, mode: TradingMode, entrypoint: type[StrategyEntrypoint]) -> None:
        super().__init__(
            f"no handler registered for trading mode {mode.value!r} on "
            f"{entrypoint.__qualname__}; import the module that registers it",
            setting="trading_mode",
            context={"mode": mode.value},
        )
        self.resource = "mode_handler"
        self.key = mode.value
        self.mode = mode


class _HandlerRegistry:
    """One class's handlers: a dict guarded by a lock."""

    __slots__ = ("_handlers", "_lock")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handlers: dict[TradingMode, ModeHandlerFactory] = {}

    def register(self, mode: TradingMode, factory: ModeHandlerFactory, *, replace: bool) -> None:
        with self._lock:
            current = self._handlers.get(mode)
            if current is not None and current is not factory and not replace:
                raise ConflictError(
                    f"a handler is already registered for trading mode {mode.value!r}: "
                    f"{getattr(current, '__qualname__', current)!r}",
                    context={"mode": mode.value},
                )
            self._handlers[mode] = factory

    def get(self, mode: TradingMode) -> ModeHandlerFactory | None:
        with self._lock:
            return self._handlers.get(mode)

    def modes(self) -> frozenset[TradingMode]:
        with self._lock:
            return frozenset(self._handlers)

    def clear(self) -> None:
        with self._lock:
            self._handlers.clear()


def _as_mode(mode: TradingMode | str) -> TradingMode:
    if isinstance(mode, TradingMode):
        return mode
    return TradingMode.from_string(mode)


class StrategyEntrypoint(BaseService):
    """Runs a strategy in the trading mode its settings name, through registered handlers.

    Args:
        settings: Ready :class:`EntrypointSettings` (skips loading).
        config_file: A YAML/JSON config file layered under the environment variables.

    Attributes:
        settings: The entrypoint's settings.
    """

    settings_class: ClassVar[type[EntrypointSettings]] = EntrypointSettings
    settings: EntrypointSettings
    _handler_registry: ClassVar[_HandlerRegistry] = _HandlerRegistry()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handler_registry = _HandlerRegistry()

    @classmethod
    def _registries(cls) -> list[_HandlerRegistry]:
        found = (klass.__dict__.get("_handler_registry") for klass in cls.__mro__)
        return [registry for registry in found if isinstance(registry, _HandlerRegistry)]

    @classmethod
    def register_handler(
        cls, mode: TradingMode | str, *, replace: bool = False
    ) -> Callable[[_FactoryT], _FactoryT]:
        """Return a decorator registering a handler factory (usually a class) for ``mode``.

        Args:
            mode: The trading mode the handler runs.
            replace: Replace a different handler already registered for ``mode``.

        Returns:
            A decorator that registers its argument and returns it unchanged.

        Raises:
            ValueError: If ``mode`` is not a trading mode.
            TypeError: If the decorated object is not callable.
            ConflictError: If another handler is registered for ``mode`` on this class
                and ``replace`` is false.
        """
        trading_mode = _as_mode(mode)

        def decorator(factory: _FactoryT) -> _FactoryT:
            if not callable(factory):
                raise TypeError("a mode handler factory must be callable")
            cls._handler_registry.register(trading_mode, factory, replace=replace)
            return factory

        return decorator

    @classmethod
    def get_handler(cls, mode: TradingMode | str) -> ModeHandlerFactory:
        """Return the handler factory for ``mode`` (this class first, then its bases).

        Args:
            mode: The trading mode.

        Returns:
            The factory; call it with the entrypoint to get a handler.

        Raises:
            HandlerNotRegisteredError: If no handler is registered for ``mode``.
            ValueError: If ``mode`` is not a trading mode.
        """
        trading_mode = _as_mode(mode)
        for registry in cls._registries():
            factory = registry.get(trading_mode)
            if factory is not None:
                return factory
        raise HandlerNotRegisteredError(trading_mode, cls)

    @classmethod
    def registered_modes(cls) -> frozenset[TradingMode]:
        """Return the modes that have a handler for this class (its own or inherited).

        Returns:
            The set of modes.
        """
        return frozenset().union(*(registry.modes() for registry in cls._registries()))

    @classmethod
    def reset_handlers(cls) -> None:
        """Forget the handlers registered on this class (not those of its bases); for tests."""
        cls._handler_registry.clear()

    def run(self) -> int:
        """Build the handler for the configured trading mode and run it.

        Returns:
            The handler's exit code.

        Raises:
            HandlerNotRegisteredError: If no handler is registered for the mode.
            TypeError: If the handler does not return an ``int``.
        """
        mode = self.settings.trading_mode
        handler = type(self).get_handler(mode)(self)
        self.logger.info(
            "running %s handler for strategy %s", mode.value, self.settings.strategy_name
        )
        code = handler.run()
        if isinstance(code, bool) or not isinstance(code, int):
            raise TypeError(
                f"{type(handler).__qualname__}.run() must return an int exit code, "
                f"got {type(code).__qualname__}"
            )
        return code

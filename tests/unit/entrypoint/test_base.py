"""StrategyEntrypoint's handler registry: design.md's example, isolation, errors, dispatch."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tradai.common.entities.exchange import OperatingMode
from tradai.common.entrypoint.base import HandlerNotRegisteredError, StrategyEntrypoint
from tradai.common.entrypoint.settings import EntrypointSettings, TradingMode
from tradai.common.exceptions import ConfigurationError, ConflictError, NotFoundError
from tradai.common.protocols import ModeHandler


class ChildEntrypoint(StrategyEntrypoint):
    pass


@pytest.fixture(autouse=True)
def _fresh_registries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("STRATEGY_NAME", "TRADING_MODE", "STRATEGY_VERSION"):
        monkeypatch.delenv(name, raising=False)
    StrategyEntrypoint.reset_handlers()
    ChildEntrypoint.reset_handlers()
    yield
    StrategyEntrypoint.reset_handlers()
    ChildEntrypoint.reset_handlers()


def _entrypoint(
    mode: TradingMode = TradingMode.BACKTEST, cls: type[StrategyEntrypoint] = StrategyEntrypoint
) -> StrategyEntrypoint:
    return cls(settings=EntrypointSettings(strategy_name="PascalStrategy", trading_mode=mode))


class _Returns:
    """A handler factory returning a handler whose run() returns a fixed value."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __call__(self, entrypoint: StrategyEntrypoint) -> _Returns:
        return self

    def run(self) -> object:
        return self.value


def test_design_example_handler_registry() -> None:
    entrypoint = _entrypoint()

    def main() -> int:
        # Services register handlers using decorator
        @StrategyEntrypoint.register_handler(TradingMode.BACKTEST)
        class BacktestHandler:
            def __init__(self, entrypoint: StrategyEntrypoint) -> None:
                self._ep = entrypoint

            def run(self) -> int:
                # Execute backtest logic
                return 0

        # Handler is invoked via registry lookup (no direct import)
        handler_factory = StrategyEntrypoint.get_handler(TradingMode.BACKTEST)
        handler = handler_factory(entrypoint)
        assert isinstance(handler, ModeHandler)
        assert handler._ep is entrypoint  # type: ignore[attr-defined]  # the example's attr
        return handler.run()

    assert main() == 0


def test_trading_mode_is_the_operating_mode_enum() -> None:
    assert TradingMode is OperatingMode
    assert [m.value for m in TradingMode] == ["backtest", "hyperopt", "train", "dry_run", "live"]


def test_unregistered_mode_raises_configuration_and_not_found_error() -> None:
    with pytest.raises(HandlerNotRegisteredError) as info:
        StrategyEntrypoint.get_handler(TradingMode.LIVE)
    error = info.value
    assert isinstance(error, ConfigurationError)
    assert isinstance(error, NotFoundError)
    assert (error.mode, error.key, error.setting) == (TradingMode.LIVE, "live", "trading_mode")
    assert "live" in str(error)


def test_modes_may_be_given_by_value_case_insensitively() -> None:
    factory = _Returns(0)
    StrategyEntrypoint.register_handler("DRY_RUN")(factory)
    assert StrategyEntrypoint.get_handler("dry_run") is factory
    assert StrategyEntrypoint.get_handler(TradingMode.DRY_RUN) is factory


@pytest.mark.parametrize("bad", ["paper", "live ", "LIVЕ", ""])  # Cyrillic 'Е'
def test_unknown_modes_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown"):
        StrategyEntrypoint.register_handler(bad)
    with pytest.raises(ValueError, match="unknown"):
        StrategyEntrypoint.get_handler(bad)


def test_registering_a_different_handler_for_a_mode_conflicts() -> None:
    first, second = _Returns(0), _Returns(1)
    StrategyEntrypoint.register_handler(TradingMode.TRAIN)(first)
    StrategyEntrypoint.register_handler(TradingMode.TRAIN)(first)  # same object: a no-op
    with pytest.raises(ConflictError, match="train"):
        StrategyEntrypoint.register_handler(TradingMode.TRAIN)(second)
    StrategyEntrypoint.register_handler(TradingMode.TRAIN, replace=True)(second)
    assert StrategyEntrypoint.get_handler(TradingMode.TRAIN) is second


def test_non_callable_handlers_are_refused() -> None:
    with pytest.raises(TypeError, match="callable"):
        StrategyEntrypoint.register_handler(TradingMode.TRAIN)(42)  # type: ignore[type-var]


def test_each_class_has_its_own_registry_object() -> None:
    own = ChildEntrypoint.__dict__["_handler_registry"]
    assert own is not StrategyEntrypoint.__dict__["_handler_registry"]


def test_subclass_registrations_do_not_leak_to_the_base() -> None:
    child_handler = _Returns(7)
    ChildEntrypoint.register_handler(TradingMode.HYPEROPT)(child_handler)
    assert ChildEntrypoint.get_handler(TradingMode.HYPEROPT) is child_handler
    with pytest.raises(HandlerNotRegisteredError):
        StrategyEntrypoint.get_handler(TradingMode.HYPEROPT)


def test_subclasses_inherit_and_may_override_base_handlers() -> None:
    base_handler, child_handler = _Returns(0), _Returns(1)
    StrategyEntrypoint.register_handler(TradingMode.BACKTEST)(base_handler)
    assert ChildEntrypoint.get_handler(TradingMode.BACKTEST) is base_handler
    ChildEntrypoint.register_handler(TradingMode.BACKTEST)(child_handler)
    assert ChildEntrypoint.get_handler(TradingMode.BACKTEST) is child_handler
    assert StrategyEntrypoint.get_handler(TradingMode.BACKTEST) is base_handler
    assert ChildEntrypoint.registered_modes() == frozenset({TradingMode.BACKTEST})


def test_reset_handlers_clears_only_that_class() -> None:
    StrategyEntrypoint.register_handler(TradingMode.BACKTEST)(_Returns(0))
    ChildEntrypoint.register_handler(TradingMode.LIVE)(_Returns(0))
    ChildEntrypoint.reset_handlers()
    assert ChildEntrypoint.registered_modes() == frozenset({TradingMode.BACKTEST})
    StrategyEntrypoint.reset_handlers()
    assert ChildEntrypoint.registered_modes() == frozenset()


def test_concurrent_registrations_are_all_kept() -> None:
    modes = list(TradingMode)
    barrier = threading.Barrier(len(modes))

    def register(mode: TradingMode) -> None:
        barrier.wait()
        StrategyEntrypoint.register_handler(mode)(_Returns(0))

    threads = [threading.Thread(target=register, args=(mode,)) for mode in modes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert StrategyEntrypoint.registered_modes() == frozenset(modes)


def test_run_dispatches_to_the_handler_of_the_configured_mode() -> None:
    StrategyEntrypoint.register_handler(TradingMode.BACKTEST)(_Returns(0))
    StrategyEntrypoint.register_handler(TradingMode.DRY_RUN)(_Returns(3))
    assert _entrypoint(TradingMode.BACKTEST).run() == 0
    assert _entrypoint(TradingMode.DRY_RUN).run() == 3
    with pytest.raises(HandlerNotRegisteredError):
        _entrypoint(TradingMode.LIVE).run()


def test_run_uses_the_subclass_registry() -> None:
    ChildEntrypoint.register_handler(TradingMode.BACKTEST)(_Returns(5))
    assert _entrypoint(cls=ChildEntrypoint).run() == 5


@pytest.mark.parametrize("bad", [None, "0", True, 1.0])
def test_run_requires_an_int_exit_code(bad: object) -> None:
    StrategyEntrypoint.register_handler(TradingMode.BACKTEST)(_Returns(bad))
    with pytest.raises(TypeError, match="int exit code"):
        _entrypoint().run()


def test_entrypoint_loads_its_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRATEGY_NAME", "PascalStrategy")
    monkeypatch.setenv("TRADING_MODE", "LIVE")
    entrypoint = StrategyEntrypoint()
    assert entrypoint.settings.trading_mode is TradingMode.LIVE
    assert entrypoint.settings.strategy_name == "PascalStrategy"

"""LIVE fail-fast config loading (design.md "Trading Mode Safety")."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel

from tradai.common.entrypoint.settings import EntrypointSettings, TradingMode
from tradai.common.entrypoint.trading import TradingConfigLoader, validate_config_for_mode
from tradai.common.exceptions import ConfigurationError, TradingError, ValidationError

GOOD = {"name": "PascalStrategy", "timeframe": "1h", "pairs": ["BTC/USDT:USDT", "ETH/USDT"]}


@dataclass
class FakeLoader:
    """An in-memory config source recording its calls."""

    result: Any = None
    error: Exception | None = None

    def __post_init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def load_config(self, strategy_name: str, version: str) -> Any:
        self.calls.append((strategy_name, version))
        if self.error is not None:
            raise self.error
        return self.result


def _settings(mode: TradingMode) -> EntrypointSettings:
    return EntrypointSettings(
        strategy_name="PascalStrategy", trading_mode=mode, strategy_version="7"
    )


def _loader(mode: TradingMode, source: FakeLoader, **kwargs: Any) -> TradingConfigLoader:
    return TradingConfigLoader(loader=source, settings=_settings(mode), **kwargs)


@pytest.mark.parametrize("mode", list(TradingMode))
def test_valid_config_is_returned_in_every_mode(mode: TradingMode) -> None:
    source = FakeLoader(result=GOOD)
    assert _loader(mode, source).load() == GOOD
    assert source.calls == [("PascalStrategy", "7")]


def test_pydantic_model_results_are_dumped_to_a_dict() -> None:
    class Config(BaseModel):
        name: str
        timeframe: str
        pairs: list[str]

    source = FakeLoader(result=Config(**GOOD))
    assert _loader(TradingMode.LIVE, source).load() == GOOD


@pytest.mark.parametrize(
    "source",
    [
        FakeLoader(error=RuntimeError("s3 unreachable")),
        FakeLoader(result={}),
        FakeLoader(result=None),
        FakeLoader(result={**GOOD, "pairs": []}),
        FakeLoader(result={**GOOD, "pairs": ["BTC-USDT"]}),
        FakeLoader(result={**GOOD, "timeframe": "1 hour"}),
        FakeLoader(result={"timeframe": "1h", "pairs": ["BTC/USDT"]}),
    ],
)
def test_live_mode_fails_fast_with_trading_error(source: FakeLoader) -> None:
    with pytest.raises(
        TradingError, match="Failed to load strategy config for LIVE trading"
    ) as info:
        _loader(TradingMode.LIVE, source).load()
    assert info.value.__cause__ is not None
    assert info.value.context["mode"] == "live"


def test_dry_run_failure_logs_a_warning_and_returns_empty(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = FakeLoader(error=RuntimeError("s3 unreachable"))
    with caplog.at_level(logging.WARNING):
        assert _loader(TradingMode.DRY_RUN, source).load() == {}
    assert "Config load failed, using empty config: s3 unreachable" in caplog.text


def test_dry_run_accepts_a_partial_config() -> None:
    assert _loader(TradingMode.DRY_RUN, FakeLoader(result={"timeframe": "5m"})).load() == {
        "timeframe": "5m"
    }


@pytest.mark.parametrize("mode", [TradingMode.BACKTEST, TradingMode.HYPEROPT, TradingMode.TRAIN])
def test_other_modes_raise_configuration_error(mode: TradingMode) -> None:
    with pytest.raises(ConfigurationError, match=f"for {mode.value}"):
        _loader(mode, FakeLoader(error=KeyError("x"))).load()


def test_lenient_modes_are_configurable_but_never_include_live() -> None:
    lenient = _loader(
        TradingMode.BACKTEST,
        FakeLoader(error=RuntimeError("x")),
        lenient_modes=[TradingMode.BACKTEST, TradingMode.DRY_RUN],
    )
    assert lenient.load() == {}
    with pytest.raises(ValueError, match="LIVE"):
        _loader(TradingMode.LIVE, FakeLoader(), lenient_modes=[TradingMode.LIVE])


def test_an_injected_validator_is_used() -> None:
    seen: list[tuple[Mapping[str, Any], TradingMode]] = []

    def strict(config: Mapping[str, Any], mode: TradingMode) -> None:
        seen.append((config, mode))
        raise ValueError("stake_currency is required")

    with pytest.raises(TradingError, match="stake_currency"):
        _loader(TradingMode.LIVE, FakeLoader(result=GOOD), validator=strict).load()
    assert seen == [(GOOD, TradingMode.LIVE)]


def test_design_method_name_is_kept() -> None:
    loader = _loader(TradingMode.LIVE, FakeLoader(result=GOOD))
    assert loader._load_strategy_config() == GOOD


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({}, "config"),
        ({"timeframe": "1h", "pairs": ["BTC/USDT"]}, "name"),
        ({"name": "  ", "timeframe": "1h", "pairs": ["BTC/USDT"]}, "name"),
        ({"name": "S", "pairs": ["BTC/USDT"]}, "timeframe"),
        ({"name": "S", "timeframe": 60, "pairs": ["BTC/USDT"]}, "timeframe"),
        ({"name": "S", "timeframe": "1h\n", "pairs": ["BTC/USDT"]}, "timeframe"),
        ({"name": "S", "timeframe": "1h"}, "pairs"),
        ({"name": "S", "timeframe": "1h", "pairs": "BTC/USDT"}, "pairs"),
        ({"name": "S", "timeframe": "1h", "pairs": ["BTC/USDT;rm"]}, "pairs"),
        ({"name": "S", "timeframe": "1h", "pairs": [None]}, "pairs"),
    ],
)
def test_live_validation_names_the_offending_field(config: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_config_for_mode(config, TradingMode.LIVE)
    assert info.value.field == field


@pytest.mark.parametrize(
    "config", [{"timeframe": "1 h"}, {"pairs": ["btc-usdt"]}, {"name": ""}, {"pairs": "BTC/USDT"}]
)
def test_present_fields_are_validated_off_live_too(config: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        validate_config_for_mode(config, TradingMode.BACKTEST)


@pytest.mark.parametrize("config", [{"pairs": []}, {"pairs": None}, {"name": None}])
def test_empty_or_unset_fields_are_fine_off_live(config: dict[str, Any]) -> None:
    validate_config_for_mode(config, TradingMode.DRY_RUN)

"""StrategyConfig: the design document's schema, its patterns and the stricter checks."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pydantic
import pytest

from tradai.common.config.catalog import StrategyConfig

REQUIRED = {"name": "PascalStrategy", "version": "1.0.0", "timeframe": "1h"}


def _config(**overrides: Any) -> StrategyConfig:
    return StrategyConfig(**{**REQUIRED, **overrides})


def test_design_document_services_import_from_tradai_common() -> None:
    from tradai.common import StrategyConfig as Canonical  # Canonical schema

    assert Canonical is StrategyConfig


def test_defaults_follow_the_design_document() -> None:
    config = _config()
    assert config.pairs == []
    assert config.stake_currency == "USDT"
    assert config.exchange == "binance"
    assert (config.parameters, config.buy_params, config.sell_params) == ({}, {}, {})
    assert config.freqai is None


def test_schema_is_frozen_and_keeps_unknown_fields() -> None:
    config = _config(minimal_roi={"0": 0.05}, stoploss=-0.1)
    assert config.model_extra == {"minimal_roi": {"0": 0.05}, "stoploss": -0.1}
    with pytest.raises(pydantic.ValidationError):
        config.name = "Other"  # type: ignore[misc]  # frozen on purpose


@pytest.mark.parametrize("field", ["name", "version", "timeframe"])
def test_required_fields(field: str) -> None:
    data: dict[str, Any] = {k: v for k, v in REQUIRED.items() if k != field}
    with pytest.raises(pydantic.ValidationError, match=field):
        StrategyConfig(**data)


def test_pairs_are_validated_and_upper_cased() -> None:
    assert _config(pairs=["btc/usdt:usdt", "ETH/USDT"]).pairs == ["BTC/USDT:USDT", "ETH/USDT"]


def test_currency_and_exchange_are_normalised() -> None:
    config = _config(stake_currency="usdc", exchange="Binance_Futures")
    assert (config.stake_currency, config.exchange) == ("USDC", "binance_futures")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", " PascalStrategy"),
        ("name", "PascalStrategy\n"),
        ("name", "Pascal;Strategy"),
        ("name", "-Pascal"),
        ("name", "Pаscal"),
        ("version", "1.0"),
        ("version", "v1.0.0"),
        ("version", "1.0.0\n"),
        ("version", " 1.0.0"),
        ("version", "1.0.0-rc1"),
        ("version", "01.0.0"),
        ("version", "１.0.0"),
        ("timeframe", "1w"),
        ("timeframe", "0h"),
        ("timeframe", "01h"),
        ("timeframe", "1h\n"),
        ("timeframe", "１h"),
        ("timeframe", "h"),
        ("pairs", ["BTC/USDT", "btc/usdt"]),
        ("pairs", ["BTCUSDT"]),
        ("pairs", ["BTC/USDT "]),
        ("pairs", ["BTC/USDT;ls"]),
        ("pairs", ["ВТС/USDT"]),
        ("pairs", "BTC/USDT"),
        ("stake_currency", ""),
        ("stake_currency", "US DT"),
        ("stake_currency", "USDТ"),
        ("stake_currency", "USDT\n"),
        ("exchange", "bin ance"),
        ("exchange", "-binance"),
        ("exchange", "binance|x"),
        ("freqai", "yes"),
        ("parameters", ["a"]),
    ],
)
def test_near_misses_are_rejected(field: str, value: object) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        _config(**{field: value})


def test_round_trips_through_python_and_json_dumps() -> None:
    config = _config(pairs=["BTC/USDT"], freqai={"enabled": True}, custom=1)
    assert StrategyConfig.model_validate(config.model_dump()) == config
    assert StrategyConfig.model_validate(json.loads(config.model_dump_json())) == config


def test_importing_the_config_package_does_not_import_pydantic() -> None:
    code = (
        "import sys, tradai.common.config as c\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported eagerly'\n"
        "assert 'StrategyConfig' in dir(c) and 'StrategyConfig' in c.__all__\n"
        "c.StrategyConfig\n"
        "assert 'pydantic' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_config_package_exports_resolve_and_unknown_names_raise() -> None:
    import tradai.common.config as package

    assert package.StrategyConfig is StrategyConfig
    with pytest.raises(AttributeError, match="Nope"):
        package.Nope  # noqa: B018 - attribute access is the test

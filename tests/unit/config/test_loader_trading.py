"""TradingConfigLoader (entrypoint/trading.py) over a real StrategyConfigLoader."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradai.common.config.loader import StrategyConfigLoader
from tradai.common.entrypoint.settings import EntrypointSettings, TradingMode
from tradai.common.entrypoint.trading import TradingConfigLoader
from tradai.common.exceptions import NotFoundError, TradingError, ValidationError

NAME = "PascalStrategy"


def _trading(root: Path, mode: TradingMode, version: str = "latest") -> TradingConfigLoader:
    settings = EntrypointSettings(strategy_name=NAME, trading_mode=mode, strategy_version=version)
    return TradingConfigLoader(loader=StrategyConfigLoader.from_location(root), settings=settings)


def test_live_with_a_missing_config_raises_trading_error(tmp_path: Path) -> None:
    with pytest.raises(TradingError, match="LIVE") as info:
        _trading(tmp_path, TradingMode.LIVE).load()
    assert isinstance(info.value.__cause__, NotFoundError)


def test_dry_run_with_a_missing_config_continues_with_an_empty_config(tmp_path: Path) -> None:
    assert _trading(tmp_path, TradingMode.DRY_RUN).load() == {}


def test_live_loads_the_latest_config(tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    (tmp_path / NAME / "1.0.0.yaml").write_text("timeframe: 1h\npairs: [BTC/USDT:USDT]\n")
    (tmp_path / NAME / "1.1.0.yaml").write_text("timeframe: 4h\npairs: [ETH/USDT:USDT]\n")
    config = _trading(tmp_path, TradingMode.LIVE).load()
    assert config == {
        "timeframe": "4h",
        "pairs": ["ETH/USDT:USDT"],
        "name": NAME,
        "version": "1.1.0",
    }


def test_live_with_an_mlflow_version_number_fails_fast(tmp_path: Path) -> None:
    # EntrypointSettings accepts MLflow specifiers ("7"); configs are semantic versions.
    with pytest.raises(TradingError) as info:
        _trading(tmp_path, TradingMode.LIVE, version="7").load()
    assert isinstance(info.value.__cause__, ValidationError)
    assert info.value.__cause__.field == "version"


def test_live_with_a_config_lacking_pairs_fails_fast(tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    (tmp_path / NAME / "1.0.0.yaml").write_text("timeframe: 1h\n")
    with pytest.raises(TradingError, match="pairs"):
        _trading(tmp_path, TradingMode.LIVE).load()

"""Run layout, strategy copying, errors and the backtester's up-front validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradai.common.entities.backtest import BacktestConfig
from tradai.common.exceptions import ExternalServiceError, ValidationError
from tradai.common.freqtrade._workspace import (
    RunLayout,
    copy_strategy,
    parse_startup_candles,
)
from tradai.common.freqtrade.backtester import FreqtradeBacktester
from tradai.common.freqtrade.errors import FreqtradeError, MissingCandlesError
from tradai.common.freqtrade.hyperopt import FreqtradeHyperopter
from tradai.common.freqtrade.strategies import SAMPLE_STRATEGY
from tradai.common.repositories.memory_market_data import InMemoryDataRepository


def config(**overrides: object) -> BacktestConfig:
    values: dict[str, object] = {
        "strategy": SAMPLE_STRATEGY,
        "timeframe": "1h",
        "start_date": "2024-02-01",
        "end_date": "2024-03-01",
        "symbols": ["BTC/USDT"],
        "exchange": "binance",
        **overrides,
    }
    return BacktestConfig(**values)  # type: ignore[arg-type]


def test_each_layout_gets_a_fresh_results_directory(tmp_path: Path) -> None:
    first, second = RunLayout.create(tmp_path), RunLayout.create(tmp_path)
    assert first.results != second.results
    assert first.results.is_dir()
    assert first.datadir == tmp_path.resolve() / "data" / "binance"
    assert first.config_file.name == "config.json"


def test_copy_strategy_from_a_file_and_from_the_bundle(tmp_path: Path) -> None:
    source = tmp_path / "mine.py"
    source.write_text("class Mine(IStrategy):\n    startup_candle_count = 12\n")
    dest = tmp_path / "dest"
    dest.mkdir()
    copied = copy_strategy("Mine", source, dest)
    assert copied == dest / "mine.py"
    assert parse_startup_candles(copied) == 12
    bundled = copy_strategy(SAMPLE_STRATEGY, None, dest)
    assert parse_startup_candles(bundled) == 100
    assert not (dest / "__init__.py").exists()


def test_copy_strategy_refusals(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        copy_strategy("X", tmp_path / "missing.py", tmp_path)
    assert info.value.field == "strategy_path"
    text = tmp_path / "notes.txt"
    text.write_text("class X: pass\n")
    with pytest.raises(ValidationError) as info:
        copy_strategy("X", text, tmp_path)
    assert info.value.field == "strategy_path"
    with pytest.raises(ValidationError) as info:
        copy_strategy("Nope", None, tmp_path)
    assert info.value.field == "strategy"
    assert "bundled" in str(info.value)


def test_freqtrade_error_describe_and_context() -> None:
    err = FreqtradeError(
        "backtesting failed", exit_code=2, stderr_tail="x" * 5000 + "\nlast line", command="bt"
    )
    assert isinstance(err, ExternalServiceError)
    assert len(err.stderr_tail) == 4000
    assert err.describe().endswith("last line")
    assert "exit code 2" in err.describe()
    killed = FreqtradeError("timed out", reason="timeout")
    assert killed.describe() == "timed out (killed, timeout)"
    assert killed.context["reason"] == "timeout"
    missing = MissingCandlesError("gaps", missing={"BTC/USDT": ["a..b"]})
    assert missing.field == "symbols"
    assert missing.missing == {"BTC/USDT": ["a..b"]}


def test_backtester_refuses_bad_input_before_anything_runs(tmp_path: Path) -> None:
    repo = InMemoryDataRepository()
    with pytest.raises(ValidationError):
        FreqtradeBacktester(repo, workdir=tmp_path, timeout=0)
    with pytest.raises(ValidationError):
        FreqtradeHyperopter(repo, workdir=tmp_path, timeout=-1)
    backtester = FreqtradeBacktester(repo, workdir=tmp_path / "w")
    with pytest.raises(ValidationError) as info:
        backtester.run(config(), freqai_model="../evil")
    assert info.value.field == "freqai_model"
    with pytest.raises(ValidationError) as info:
        backtester.run(config(end_date="2024-02-01"))
    assert info.value.field == "end_date"
    with pytest.raises(MissingCandlesError):
        backtester.run(config())
    assert not (tmp_path / "w" / "config.json").exists()

"""The training entrypoint's result parser: the Freqtrade parser under the training name."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import tradai.common.entrypoint.training as training
import tradai.common.freqtrade.results as results
from tradai.common.entrypoint.training import (
    ParsedBacktest,
    parse_backtest_result,
    parse_training_backtest,
    result_from_stats,
)
from tradai.common.exceptions import NotFoundError, ValidationError

RESULTS = Path(__file__).resolve().parents[2] / "fixtures" / "freqtrade" / "backtest_results"
FUTURES = RESULTS / "backtest-result-2026-11-21_11-19-26.zip"


def test_names_are_the_freqtrade_parser_itself() -> None:
    assert parse_backtest_result is results.parse_backtest_result
    assert result_from_stats is results.result_from_stats
    assert ParsedBacktest is results.ParsedBacktest
    assert set(training.__all__) <= set(dir(training))


def test_training_backtest_reads_the_latest_result_of_a_directory() -> None:
    parsed = parse_training_backtest(RESULTS)
    assert parsed == parse_backtest_result(FUTURES)
    assert parsed.result_file == FUTURES
    assert parsed.result.total_trades == 45


def test_training_backtest_passes_the_strategy_choice(tmp_path: Path) -> None:
    stats = {"total_trades": 2, "wins": 1, "losses": 1, "draws": 0, "trades": []}
    path = tmp_path / "backtest-result-x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        document = {"strategy": {"FreqAIA": stats, "FreqAIB": {**stats, "total_trades": 4}}}
        archive.writestr("backtest-result-x.json", json.dumps(document))
    assert parse_training_backtest(path, strategy="FreqAIB").result.total_trades == 4
    with pytest.raises(ValidationError) as info:
        parse_training_backtest(path)
    assert info.value.field == "strategy"


def test_training_backtest_without_result_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        parse_training_backtest(tmp_path)


def test_importing_the_package_loads_no_parser_until_used() -> None:
    code = (
        "import sys, tradai.common.entrypoint.training as t\n"
        "before = 'tradai.common.freqtrade.results' in sys.modules\n"
        "t.parse_training_backtest\n"
        "print(before, 'tradai.common.freqtrade.results' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.split() == ["False", "True"]

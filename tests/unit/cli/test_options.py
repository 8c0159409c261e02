"""Multi-value options and option-named errors."""

from __future__ import annotations

import pydantic
import pytest

from tradai.common.cli._options import expand_multi_values, option_error, split_values
from tradai.common.entities.backtest import BacktestConfig
from tradai.common.entities.hyperopt import OptunaHyperoptConfig

MULTI = {"--pairs", "-p"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--pairs", "A/B", "C/D"], ["--pairs", "A/B", "--pairs", "C/D"]),
        (["-p", "A/B", "C/D", "-t", "1h"], ["-p", "A/B", "-p", "C/D", "-t", "1h"]),
        (["--pairs", "A/B", "--stoploss", "-0.05"], ["--pairs", "A/B", "--stoploss", "-0.05"]),
        (["--timeframe", "1h", "extra"], ["--timeframe", "1h", "extra"]),
        (["--pairs=A/B", "C/D"], ["--pairs=A/B", "C/D"]),
        (["--pairs", "A/B", "--", "C/D", "-x"], ["--pairs", "A/B", "--", "C/D", "-x"]),
        ([], []),
    ],
)
def test_expand_multi_values(args: list[str], expected: list[str]) -> None:
    assert expand_multi_values(args, MULTI) == expected


def test_split_values_accepts_commas_and_drops_blanks() -> None:
    assert split_values([" A/B , C/D", ",", "E/F"]) == ["A/B", "C/D", "E/F"]


def _config_error(**changes: object) -> pydantic.ValidationError:
    values: dict[str, object] = {
        "strategy": "S",
        "timeframe": "1h",
        "start_date": "2024-01-01",
        "end_date": "2024-02-01",
        "symbols": ["BTC/USDT"],
    }
    values.update(changes)
    with pytest.raises(pydantic.ValidationError) as caught:
        BacktestConfig(**values)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"symbols": ["BTCUSDT"]}, "--pairs", "invalid --pairs 'BTCUSDT': has an invalid format"),
        ({"start_date": "2024-02-30"}, "--start", "invalid --start '2024-02-30'"),
        ({"stake_amount": -1.0}, "--stake-amount", "greater than 0"),
        ({"end_date": "2023-01-01"}, "--start/--end", "is before start date"),
        ({"strategy_version": "x"}, "--strategy-version", "invalid --strategy-version"),
    ],
)
def test_option_error_names_the_option(changes: dict[str, object], field: str, text: str) -> None:
    error = option_error(_config_error(**changes))
    assert error.field == field
    assert text in error.message
    assert "Value error," not in error.message


def test_option_error_maps_hyperopt_fields() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        OptunaHyperoptConfig(
            strategy="S", timeframe="1h", start_date="2024-01-01", end_date="2024-02-01",
            pairs=["BTC/USDT"], loss_function="NoSuchLoss",  # type: ignore[arg-type]
        )  # fmt: skip
    assert option_error(caught.value).field == "--loss"

"""The generated hyperopt strategy subclass."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from tradai.common.data import SyntheticSource
from tradai.common.entities.hyperopt import (
    HyperoptSampler,
    HyperoptSpace,
    HyperparamSearchSpace,
    OptunaHyperoptConfig,
    ParamKind,
)
from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade._workspace import RunLayout
from tradai.common.freqtrade.hyperopt import (
    FreqtradeHyperopter,
    _command,
    render_hyperopt_strategy,
)
from tradai.common.repositories.memory_market_data import InMemoryDataRepository


def make(**overrides: object) -> OptunaHyperoptConfig:
    values: dict[str, object] = {
        "strategy": "Sma",
        "timeframe": "1h",
        "timerange": "20240101-20240301",
        "pairs": ["BTC/USDT"],
        "spaces": [HyperoptSpace.BUY, HyperoptSpace.SELL],
        **overrides,
    }
    return OptunaHyperoptConfig(**values)  # type: ignore[arg-type]


def test_every_kind_of_search_space_is_rendered_as_a_freqtrade_parameter() -> None:
    spaces = [
        HyperparamSearchSpace(name="a", kind=ParamKind.INT, space=HyperoptSpace.BUY, low=1, high=9),
        HyperparamSearchSpace(
            name="b", kind=ParamKind.FLOAT, space=HyperoptSpace.BUY, low=0.1, high=0.9, step=0.05
        ),
        HyperparamSearchSpace(
            name="c", kind=ParamKind.FLOAT, space=HyperoptSpace.SELL, low=1, high=2, default=1.5
        ),
        HyperparamSearchSpace(
            name="d", kind=ParamKind.CATEGORICAL, space=HyperoptSpace.SELL, choices=["x", "y"]
        ),
        HyperparamSearchSpace(name="e", kind=ParamKind.BOOL, space=HyperoptSpace.BUY),
    ]
    source = render_hyperopt_strategy(make(search_spaces=spaces), "Sma.py")
    ast.parse(source)
    assert "a = IntParameter(1, 9, default=1, space='buy', optimize=True)" in source
    assert "DecimalParameter(0.1, 0.9, default=0.1, decimals=2" in source
    assert "c = RealParameter(1.0, 2.0, default=1.5, space='sell'" in source
    assert "d = CategoricalParameter(['x', 'y'], default='x'" in source
    assert "e = BooleanParameter(default=False" in source
    assert "return 'TPESampler'" in source


def test_samplers() -> None:
    random = render_hyperopt_strategy(make(sampler=HyperoptSampler.RANDOM), "Sma.py")
    assert "RandomSampler(seed=kwargs.get('random_state'))" in random
    cmaes = render_hyperopt_strategy(make(sampler=HyperoptSampler.CMAES), "Sma.py")
    assert "return 'CmaEsSampler'" in cmaes


@pytest.mark.parametrize("name", ["Sma.txt", "../Sma.py", "a\\Sma.py"])
def test_base_file_must_be_a_plain_python_file_name(name: str) -> None:
    with pytest.raises(ValidationError):
        render_hyperopt_strategy(make(), name)


def test_zero_seed_and_min_trades_go_to_the_config_file(tmp_path: Path) -> None:
    layout = RunLayout.create(tmp_path)
    args, overrides = _command(make(seed=0, min_trades=0), layout, "Sma", "20240101-20240301")
    assert "--random-state" not in args
    assert "--min-trades" not in args
    assert overrides == {"hyperopt_random_state": 0, "hyperopt_min_trades": 0}
    args, overrides = _command(make(seed=5, min_trades=2), layout, "Sma", "20240101-20240301")
    assert args[args.index("--random-state") + 1] == "5"
    assert overrides == {}


def test_open_timeranges_cover_the_days_every_pair_has(tmp_path: Path) -> None:
    repo = InMemoryDataRepository()
    source = SyntheticSource(seed=1)
    start = dt.datetime(2024, 1, 1, 5, tzinfo=dt.UTC)
    repo.write(
        "BTC/USDT", "1h", source.fetch_ohlcv("BTC/USDT", "1h", start, start + dt.timedelta(days=20))
    )
    later = start + dt.timedelta(days=2)
    repo.write(
        "ETH/USDT", "1h", source.fetch_ohlcv("ETH/USDT", "1h", later, later + dt.timedelta(days=30))
    )
    hyperopter = FreqtradeHyperopter(repo, workdir=tmp_path)
    both = make(pairs=["BTC/USDT", "ETH/USDT"], timerange="-20240110")
    assert hyperopter._date_range(both) == ("2024-01-04", "2024-01-10")
    assert hyperopter._date_range(make(pairs=["BTC/USDT", "ETH/USDT"], timerange="20240105-")) == (
        "2024-01-05",
        "2024-01-21",
    )
    with pytest.raises(ValidationError) as info:
        hyperopter.run(make(), exchange="kraken!")
    assert info.value.field == "config"

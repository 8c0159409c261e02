"""FreqtradeHyperopter against the real Freqtrade hyperopt (a few epochs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support.freqtrade_data import SPOT_PAIRS, arctic_repo, seed, wait_no_processes
from tradai.common.entities.hyperopt import (
    HyperoptLoss,
    HyperoptSampler,
    HyperoptSpace,
    HyperparamSearchSpace,
    OptunaHyperoptConfig,
    ParamKind,
)
from tradai.common.freqtrade.errors import FreqtradeError
from tradai.common.freqtrade.hyperopt import FreqtradeHyperopter
from tradai.common.freqtrade.strategies import sample_strategy_dir
from tradai.common.repositories.market_data import ArcticDBDataRepository

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> ArcticDBDataRepository:
    store = arctic_repo(tmp_path_factory.mktemp("arctic"))
    seed(store, SPOT_PAIRS)
    return store


def test_hyperopt_returns_trials_and_best_params_and_leaves_no_param_file(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    user_dir = tmp_path / "my_strategies"
    shutil.copytree(sample_strategy_dir(), user_dir, ignore=shutil.ignore_patterns("__*"))
    before = sorted(p.name for p in user_dir.iterdir())
    config = OptunaHyperoptConfig(
        strategy="SampleSmaCrossover",
        timeframe="1h",
        start_date="2024-02-01",
        end_date="2024-04-01",
        pairs=list(SPOT_PAIRS),
        epochs=5,
        spaces=[HyperoptSpace.BUY],
        loss_function=HyperoptLoss.SHARPE,
        sampler=HyperoptSampler.RANDOM,
        seed=42,
        search_spaces=[
            HyperparamSearchSpace(
                name="fast_period", kind=ParamKind.INT, space=HyperoptSpace.BUY, low=5, high=12
            ),
        ],
    )
    run = FreqtradeHyperopter(repo, workdir=tmp_path / "run").run(config, strategy_path=user_dir)
    assert len(run.trials) == 5
    assert [t.number for t in run.trials] == sorted(t.number for t in run.trials)
    assert run.best.loss == min(t.loss for t in run.trials)
    assert set(run.best_params) == {"fast_period", "slow_period"}
    assert all(5 <= t.params["fast_period"] <= 12 for t in run.trials)
    assert run.results_file.suffix == ".fthypt"
    assert sorted(p.name for p in user_dir.iterdir()) == before
    assert not list((tmp_path / "run" / "strategies").glob("*.json"))
    assert wait_no_processes(str(tmp_path)) == []


def test_a_hyperopt_without_any_complete_trial_is_a_clear_error(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    config = OptunaHyperoptConfig(
        strategy="SampleSmaCrossover",
        timeframe="1h",
        timerange="20240201-20240301",
        pairs=["BTC/USDT"],
        epochs=2,
        spaces=[HyperoptSpace.BUY],
        seed=0,
        min_trades=100_000,
    )
    with pytest.raises(FreqtradeError) as info:
        FreqtradeHyperopter(repo, workdir=tmp_path).run(config)
    assert info.value.reason == "no_result"
    assert "no complete trial" in str(info.value)
    written = json.loads((tmp_path / "config.json").read_text())
    assert written["hyperopt_random_state"] == 0

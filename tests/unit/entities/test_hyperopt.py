"""HyperparamSearchSpace, OptunaHyperoptConfig and TrialResult."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from tradai.common.entities.hyperopt import (
    HyperoptLoss,
    HyperoptSampler,
    HyperoptSpace,
    HyperparamSearchSpace,
    OptunaHyperoptConfig,
    ParamKind,
    TrialResult,
    TrialState,
)
from tradai.common.exceptions import ValidationError


def _space(**kw: Any) -> HyperparamSearchSpace:
    base: dict[str, Any] = {"name": "buy_rsi", "kind": "int", "low": 10, "high": 40, "space": "buy"}
    return HyperparamSearchSpace(**{**base, **kw})


def _config(**kw: Any) -> OptunaHyperoptConfig:
    base: dict[str, Any] = {
        "strategy": "PascalStrategy",
        "timeframe": "1h",
        "start_date": "2024-01-01",
        "end_date": "2024-06-30",
        "pairs": ["BTC/USDT:USDT"],
    }
    return OptunaHyperoptConfig(**{**base, **kw})


def _trial(number: int, loss: float, state: str = "COMPLETE") -> TrialResult:
    return TrialResult(number=number, params={"buy_rsi": 30}, loss=loss, state=TrialState(state))


# --- HyperparamSearchSpace --------------------------------------------------------------


def test_int_space_with_step_and_default() -> None:
    space = _space(step=2, default=20)
    assert (space.kind, space.space, space.step, space.default) == (
        ParamKind.INT,
        HyperoptSpace.BUY,
        2,
        20,
    )


def test_float_space_accepts_ints_and_floats_and_log_scale_with_positive_low() -> None:
    space = _space(kind="float", low=0.001, high=1, log=True, default=0.01, space="stoploss")
    assert space.contains(0.5)
    assert not space.contains(2.0)
    assert not space.contains("x")


def test_categorical_and_bool_spaces() -> None:
    cat = _space(kind="categorical", low=None, high=None, choices=["ema", "sma", 3], default=3)
    assert cat.contains("ema")
    assert cat.contains(3)
    assert not cat.contains(3.0)
    flag = _space(kind="bool", low=None, high=None, default=False, space="protection")
    assert flag.contains(True)
    assert not flag.contains(1)


@pytest.mark.parametrize(
    "changes",
    [
        {"low": 40, "high": 10},
        {"low": 10, "high": 10},
        {"low": None},
        {"step": 0},
        {"step": -1},
        {"step": 1.5},
        {"low": 1.5},
        {"default": 50},
        {"default": 20.0},
        {"default": True},
        {"log": True, "low": 0},
        {"log": True, "step": 2},
        {"kind": "float", "low": 0.1, "high": 1.0, "log": True, "step": 0.1},
        {"choices": ["a"]},
        {"low": float("nan")},
        {"high": float("inf")},
        {"low": True},
        {"low": "10"},
        {"kind": "INT"},
        {"kind": "integer"},
        {"space": "Buy"},
        {"space": "buy "},
        {"space": "trades"},
        {"name": "1rsi"},
        {"name": "buy rsi"},
        {"name": "buy_rsi\n"},
        {"name": "bуy_rsi"},
        {"name": ""},
        {"name": "a" * 65},
    ],
)
def test_numeric_space_near_misses_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        _space(**changes)


def test_int_space_contains_only_integers_within_bounds() -> None:
    space = _space()
    assert space.contains(10)
    assert space.contains(40)
    assert not space.contains(20.0)
    assert not space.contains(True)
    assert not space.contains(41)


def test_int_log_scale_allows_step_one_as_in_optuna() -> None:
    assert _space(log=True, step=1).log


@pytest.mark.parametrize(
    "changes",
    [
        {"choices": None},
        {"choices": []},
        {"choices": ["ema", "ema"]},
        {"choices": ["ema", "sma"], "default": "wma"},
        {"choices": ["ema", " sma"]},
        {"choices": ["ema", "sma;rm"]},
        {"choices": ["ema", "-x"]},
        {"choices": ["ema"], "log": True},
        {"choices": ["ema"], "low": 1},
        {"choices": ["ema"], "step": 1},
    ],
)
def test_categorical_near_misses_are_rejected(changes: dict[str, Any]) -> None:
    base = {"kind": "categorical", "low": None, "high": None}
    with pytest.raises(pydantic.ValidationError):
        _space(**{**base, **changes})


def test_categorical_choices_are_unique_by_type_so_one_and_true_differ() -> None:
    space = _space(kind="categorical", low=None, high=None, choices=[1, True, 1.0])
    assert space.choices == [1, True, 1.0]


@pytest.mark.parametrize(
    "changes", [{"low": 0}, {"choices": [True]}, {"log": True}, {"default": 1}, {"step": 1}]
)
def test_bool_space_near_misses_are_rejected(changes: dict[str, Any]) -> None:
    base = {"kind": "bool", "low": None, "high": None}
    with pytest.raises(pydantic.ValidationError):
        _space(**{**base, **changes})


def test_space_round_trips_through_model_dump_keeping_types() -> None:
    space = _space(kind="categorical", low=None, high=None, choices=["ema", 2, 2.5, False])
    assert HyperparamSearchSpace.model_validate(space.model_dump()) == space
    assert HyperparamSearchSpace.model_validate_json(space.model_dump_json()) == space


# --- OptunaHyperoptConfig --------------------------------------------------------------


def test_config_defaults_follow_freqtrade() -> None:
    cfg = _config()
    assert cfg.epochs == 100
    assert cfg.spaces == [HyperoptSpace.BUY, HyperoptSpace.SELL, HyperoptSpace.ROI, "stoploss"]
    assert cfg.loss_function is HyperoptLoss.SHARPE
    assert cfg.sampler is HyperoptSampler.TPE
    assert (cfg.seed, cfg.min_trades, cfg.n_jobs) == (None, 1, 1)
    assert cfg.freqtrade_timerange == "20240101-20240630"


def test_all_documented_freqtrade_losses_are_known() -> None:
    documented = {
        "SharpeHyperOptLoss",
        "SortinoHyperOptLoss",
        "CalmarHyperOptLoss",
        "MaxDrawDownHyperOptLoss",
        "OnlyProfitHyperOptLoss",
        "ShortTradeDurHyperOptLoss",
        "ProfitDrawDownHyperOptLoss",
        "SharpeHyperOptLossDaily",
        "SortinoHyperOptLossDaily",
        "MaxDrawDownRelativeHyperOptLoss",
        "MultiMetricHyperOptLoss",
    }
    assert documented <= {loss.value for loss in HyperoptLoss}
    for name in documented:
        assert _config(loss_function=name).loss_function.value == name


def test_every_sampler_names_an_optuna_class() -> None:
    assert {s.optuna_class_name for s in HyperoptSampler} == {
        "TPESampler",
        "RandomSampler",
        "CmaEsSampler",
        "NSGAIISampler",
        "NSGAIIISampler",
        "QMCSampler",
        "GPSampler",
    }


@pytest.mark.parametrize(
    ("timerange", "expected"),
    [("20240101-20240301", "20240101-20240301"), ("20240101-", "20240101-"), ("-20240301", None)],
)
def test_timerange_forms_are_accepted(timerange: str, expected: str | None) -> None:
    cfg = _config(start_date=None, end_date=None, timerange=timerange)
    assert cfg.freqtrade_timerange == (expected or timerange)


@pytest.mark.parametrize(
    "changes",
    [
        {"timerange": "20240101-20240301"},
        {"start_date": None, "end_date": None},
        {"end_date": None},
        {"start_date": "2024-07-01"},
        {"end_date": "2024-01-01"},
        {"start_date": "2024-02-30"},
        {"start_date": None, "end_date": None, "timerange": "-"},
        {"start_date": None, "end_date": None, "timerange": "20240301-20240101"},
        {"start_date": None, "end_date": None, "timerange": "20240101-20240101"},
        {"start_date": None, "end_date": None, "timerange": "20240230-"},
        {"start_date": None, "end_date": None, "timerange": "20240101-20240301\n"},
        {"start_date": None, "end_date": None, "timerange": " 20240101-"},
        {"start_date": None, "end_date": None, "timerange": "２0240101-"},
        {"start_date": None, "end_date": None, "timerange": "2024-01-01"},
    ],
)
def test_date_range_near_misses_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        _config(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"strategy": "1Pascal"},
        {"strategy": "Pascal;rm"},
        {"timeframe": "1x"},
        {"timeframe": " 1h"},
        {"pairs": []},
        {"pairs": ["BTC/USDT", "btc/usdt"]},
        {"pairs": ["BTC-USDT"]},
        {"pairs": ["BTC/USDT\n"]},
        {"epochs": 0},
        {"epochs": 10001},
        {"epochs": "100"},
        {"epochs": 1.0},
        {"spaces": []},
        {"spaces": ["buy", "buy"]},
        {"spaces": ["all"]},
        {"loss_function": "sharpehyperoptloss"},
        {"loss_function": "SharpeHyperOptLoss "},
        {"sampler": "TPE"},
        {"sampler": "grid"},
        {"seed": -1},
        {"seed": 2**32},
        {"min_trades": -1},
        {"n_jobs": 0},
        {"n_jobs": -2},
        {"n_jobs": 65},
        {"unknown": 1},
    ],
)
def test_config_near_misses_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        _config(**changes)


def test_config_pairs_are_upper_cased() -> None:
    assert _config(pairs=["eth/usdt"]).pairs == ["ETH/USDT"]


def test_search_spaces_must_have_unique_names_in_configured_spaces() -> None:
    rsi = _space()
    cfg = _config(search_spaces=[rsi, _space(name="sell_rsi", space="sell")], n_jobs=-1)
    assert [s.name for s in cfg.search_spaces] == ["buy_rsi", "sell_rsi"]
    with pytest.raises(pydantic.ValidationError, match="unique names"):
        _config(search_spaces=[rsi, rsi])
    with pytest.raises(pydantic.ValidationError, match="not in the configured spaces"):
        _config(spaces=["sell"], search_spaces=[rsi])


def test_config_round_trips_through_model_dump() -> None:
    cfg = _config(search_spaces=[_space()], seed=42, sampler="nsga2")
    assert OptunaHyperoptConfig.model_validate(cfg.model_dump()) == cfg
    assert OptunaHyperoptConfig.model_validate_json(cfg.model_dump_json()) == cfg


# --- TrialResult -------------------------------------------------------------------


def test_best_picks_lowest_loss_among_complete_trials() -> None:
    trials = [_trial(0, -1.0), _trial(1, -5.0, "PRUNED"), _trial(2, -3.0), _trial(3, -9, "FAIL")]
    assert TrialResult.best(trials).number == 2


def test_best_breaks_ties_on_lowest_trial_number_and_accepts_any_iterable() -> None:
    assert TrialResult.best(iter([_trial(5, -2.0), _trial(4, -2.0)])).number == 4


@pytest.mark.parametrize("trials", [[], [_trial(0, 1.0, "PRUNED"), _trial(1, 0.0, "FAIL")]])
def test_best_without_complete_trials_raises_value_error(trials: list[TrialResult]) -> None:
    with pytest.raises(ValueError, match="no complete trial") as info:
        TrialResult.best(trials)
    assert isinstance(info.value, ValidationError)


def test_trial_result_fields_and_defaults() -> None:
    trial = TrialResult(
        number=0,
        params={"buy_rsi": 30, "sell_ma": "ema", "trailing_stop": True, "stoploss": -0.1},
        loss=-1.25,
        total_trades=40,
        total_profit_pct=12.5,
        max_drawdown_pct=4.0,
        duration_seconds=3.5,
        is_best=True,
    )
    assert trial.state is TrialState.COMPLETE
    assert trial.params["trailing_stop"] is True
    assert TrialResult.model_validate_json(trial.model_dump_json()) == trial


@pytest.mark.parametrize(
    "changes",
    [
        {"number": -1},
        {"loss": float("nan")},
        {"loss": float("inf")},
        {"loss": "1.0"},
        {"total_trades": -1},
        {"duration_seconds": -0.1},
        {"max_drawdown_pct": 101.0},
        {"state": "complete"},
        {"state": "RUNNING"},
        {"params": {"bad name": 1}},
        {"params": {"x": [1]}},
        {"params": {"x": None}},
    ],
)
def test_trial_result_near_misses_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        TrialResult(**{"number": 0, "loss": 0.5, **changes})

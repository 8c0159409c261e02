"""config_builder: trading mode, the Freqtrade config, the parameter file and atomic writes."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from tradai.common.config.catalog import StrategyConfig
from tradai.common.entities.backtest import BacktestConfig
from tradai.common.entities.exchange import TradingMode
from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade.config_builder import (
    STRATEGY_CONFIG_KEYS,
    build_freqtrade_config,
    trading_mode_for,
    write_config,
    write_strategy_params,
)

CCXT = {"urls": {"api": {"public": "http://127.0.0.1:1/api/v3"}}, "options": {"x": [1]}}
PRICING = {"price_side": "same", "use_order_book": True, "order_book_top": 1}


def _config(**kw: Any) -> BacktestConfig:
    values: dict[str, Any] = {
        "strategy": "SampleSmaCrossover",
        "timeframe": "1h",
        "start_date": "2024-02-01",
        "end_date": "2024-06-01",
        "symbols": ["BTC/USDT:USDT", "ETH/USDT:USDT"],
        "exchange": "binance_futures",
    }
    return BacktestConfig(**(values | kw))


def _spot(**kw: Any) -> BacktestConfig:
    return _config(
        **({"symbols": ["BTC/USDT", "ETH/USDT", "SOL/USDT"], "exchange": "binance"} | kw)
    )


def _strategy(**kw: Any) -> StrategyConfig:
    return StrategyConfig(
        **({"name": "SampleSmaCrossover", "version": "1.0.0", "timeframe": "1h"} | kw)
    )


def _build(config: BacktestConfig | None = None, **kw: Any) -> dict[str, Any]:
    return build_freqtrade_config(config or _config(), user_data_dir=Path("/srv/ud"), **kw)


def _field(call: Any, *args: Any, **kw: Any) -> str | None:
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    return info.value.field


# ------------------------------------------------------------------ trading mode
@pytest.mark.parametrize(
    ("exchange", "symbols", "mode"),
    [
        ("binance", ["BTC/USDT"], TradingMode.SPOT),
        ("binance_spot", ["BTC/USDT"], TradingMode.SPOT),
        ("binance_futures", ["BTC/USDT:USDT"], TradingMode.FUTURES),
    ],
)
def test_binance_exchange_keys_map_to_trading_modes(
    exchange: str, symbols: list[str], mode: TradingMode
) -> None:
    assert trading_mode_for(_config(exchange=exchange, symbols=symbols)) is mode


@pytest.mark.parametrize(
    ("exchange", "symbols", "field"),
    [
        ("binance_margin", ["BTC/USDT"], "exchange"),
        ("kraken", ["BTC/USDT"], "exchange"),
        ("bybit_futures", ["BTC/USDT:USDT"], "exchange"),
        ("binance_futures", ["BTC/USDT"], "symbols"),
        ("binance_futures", ["BTC/USDT:USDT", "ETH/USDT"], "symbols"),
        ("binance", ["BTC/USDT:USDT"], "symbols"),
    ],
)
def test_unsupported_exchanges_and_mismatched_symbols_are_refused(
    exchange: str, symbols: list[str], field: str
) -> None:
    assert _field(trading_mode_for, _config(exchange=exchange, symbols=symbols)) == field


def test_trading_mode_needs_a_backtest_config() -> None:
    assert _field(trading_mode_for, {"exchange": "binance"}) == "config"


# ------------------------------------------------------------------ config
def test_spot_config_is_the_working_freqtrade_config() -> None:
    assert _build(_spot(stake_amount=500.0), ccxt_config=CCXT) == {
        "bot_name": "tradai",
        "trading_mode": "spot",
        "margin_mode": "",
        "stake_currency": "USDT",
        "stake_amount": 500.0,
        "max_open_trades": 3,
        "dry_run": True,
        "dry_run_wallet": 1575.0,
        "timeframe": "1h",
        "exchange": {
            "name": "binance",
            "key": "",
            "secret": "",
            "pair_whitelist": ["BTC/USDT", "ETH/USDT", "SOL/USDT"],
            "ccxt_config": CCXT,
            "ccxt_async_config": CCXT,
        },
        "pairlists": [{"method": "StaticPairList"}],
        "entry_pricing": PRICING,
        "exit_pricing": PRICING,
        "dataformat_ohlcv": "feather",
        "user_data_dir": str(Path("/srv/ud").resolve()),
    }


def test_futures_config_uses_isolated_margin_and_the_settle_currency() -> None:
    built = _build(_config(symbols=["BTC/USDC:USDC"], stoploss=-0.1))
    assert (built["trading_mode"], built["margin_mode"]) == ("futures", "isolated")
    assert built["stake_currency"] == "USDC"
    assert built["stoploss"] == -0.1
    assert "ccxt_config" not in built["exchange"]
    assert "stoploss" not in _build()
    json.dumps(built, allow_nan=False)


def test_ccxt_configs_are_independent_copies() -> None:
    source = json.loads(json.dumps(CCXT))
    built = _build(ccxt_config=source)
    built["exchange"]["ccxt_config"]["options"]["x"].append(2)
    assert built["exchange"]["ccxt_async_config"] == CCXT
    assert source == CCXT


def test_wallet_covers_every_slot_with_five_percent_headroom_in_cents() -> None:
    assert _build(_spot(stake_amount=333.33))["dry_run_wallet"] == 1049.99


def test_user_data_dir_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    built = build_freqtrade_config(_config(), user_data_dir=Path("ud"))
    assert built["user_data_dir"] == str(tmp_path.resolve() / "ud")


@pytest.mark.parametrize("value", ["", None, "a\x00b", b"/srv"])
def test_user_data_dir_must_be_a_text_path(value: Any) -> None:
    assert _field(build_freqtrade_config, _config(), user_data_dir=value) == "user_data_dir"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (_spot(symbols=["BTC/USDT", "ETH/BTC"]), "symbols"),
        (_spot(symbols=["BTC/USDT", "btc/usdt"]), "symbols"),
        (_config(symbols=["BTC/USD:BTC"]), "symbols"),
        (_config(symbols=["BTC/USDT:USDT-240329"]), "symbols"),
        (_config(stoploss=0.0), "stoploss"),
        (_config(exchange="binance_margin", symbols=["BTC/USDT"]), "exchange"),
    ],
)
def test_configs_freqtrade_cannot_backtest_are_refused(config: BacktestConfig, field: str) -> None:
    assert _field(_build, config) == field


# ------------------------------------------------------------------ strategy config
def test_allow_listed_parameters_become_freqtrade_settings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    strategy = _strategy(
        parameters={
            "minimal_roi": {"0": 0.2, "60.5": 0.0},
            "trailing_stop": True,
            "trailing_stop_positive": 0.01,
            "fee": 0.001,
            "timeframe_detail": "5m",
            "rsi_period": 14,
            "protection": {"cooldown": 2},
        },
        minimal_roi={"0": 0.5},
        use_exit_signal=False,
        comment="kept out",
    )
    with caplog.at_level(logging.WARNING, logger="tradai.common.freqtrade.config_builder"):
        built = _build(strategy_config=strategy)
    assert built["minimal_roi"] == {"0": 0.2, "60.5": 0.0}  # parameters win over extras
    assert built["use_exit_signal"] is False
    assert (built["trailing_stop"], built["trailing_stop_positive"]) == (True, 0.01)
    assert (built["fee"], built["timeframe_detail"]) == (0.001, "5m")
    assert not {"rsi_period", "protection", "comment"} & set(built)
    assert "parameters rsi_period are neither Freqtrade settings" in caplog.text


def test_backtest_stoploss_wins_over_the_strategys() -> None:
    strategy = _strategy(parameters={"stoploss": -0.2})
    assert _build(strategy_config=strategy)["stoploss"] == -0.2
    assert _build(_config(stoploss=-0.03), strategy_config=strategy)["stoploss"] == -0.03


def test_wallet_follows_the_strategys_slots_unless_it_sets_the_wallet() -> None:
    one = _build(strategy_config=_strategy(parameters={"max_open_trades": 1}))
    assert (one["max_open_trades"], one["dry_run_wallet"]) == (1, 1050.0)
    unlimited = _build(strategy_config=_strategy(parameters={"max_open_trades": -1}))
    assert unlimited["dry_run_wallet"] == 2100.0
    wallet = _build(strategy_config=_strategy(parameters={"dry_run_wallet": 50_000}))
    assert wallet["dry_run_wallet"] == 50_000


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"max_open_trades": -2}, "parameters.max_open_trades"),
        ({"max_open_trades": True}, "parameters.max_open_trades"),
        ({"dry_run_wallet": 0}, "parameters.dry_run_wallet"),
        ({"minimal_roi": {}}, "parameters.minimal_roi"),
        ({"minimal_roi": {"zero": 0.1}}, "parameters.minimal_roi"),
        ({"minimal_roi": {"\u0661": 0.1}}, "parameters.minimal_roi"),
        ({"minimal_roi": [0.1]}, "parameters.minimal_roi"),
        ({"stoploss": 0.0}, "parameters.stoploss"),
        ({"stoploss": -1.5}, "parameters.stoploss"),
        ({"trailing_stop": "yes"}, "parameters.trailing_stop"),
        ({"trailing_stop_positive": 2}, "parameters.trailing_stop_positive"),
        ({"fee": 0.5}, "parameters.fee"),
        ({"timeframe_detail": "fast"}, "parameters.timeframe_detail"),
        ({"timeframe_detail": "1h"}, "parameters.timeframe_detail"),
        ({"stoploss": float("nan")}, "parameters"),
        ({"minimal_roi": {"0": float("inf")}}, "parameters"),
    ],
)
def test_bad_strategy_settings_are_refused_naming_the_key(
    parameters: dict[str, Any], field: str
) -> None:
    assert _field(_build, strategy_config=_strategy(parameters=parameters)) == field


def test_a_bad_extra_setting_is_refused_naming_the_strategy_config() -> None:
    strategy = _strategy(trailing_stop="no")
    assert _field(_build, strategy_config=strategy) == "strategy_config.trailing_stop"


def test_strategy_timeframe_must_match_the_backtest() -> None:
    assert _field(_build, strategy_config=_strategy(timeframe="4h")) == "timeframe"


def test_strategy_config_must_be_a_strategy_config() -> None:
    assert _field(_build, strategy_config={"timeframe": "1h"}) == "strategy_config"


def test_freqai_is_copied_and_enabled_unless_said_otherwise() -> None:
    freqai = {"identifier": "run-1", "feature_parameters": {"include_timeframes": ["1h"]}}
    strategy = _strategy(freqai=freqai)
    built = _build(strategy_config=strategy)
    assert built["freqai"] == {**freqai, "enabled": True}
    built["freqai"]["feature_parameters"]["include_timeframes"].append("4h")
    assert strategy.freqai == freqai
    disabled = _build(strategy_config=_strategy(freqai={"enabled": False}))
    assert disabled["freqai"] == {"enabled": False}
    assert "freqai" not in _build(strategy_config=_strategy())


@pytest.mark.parametrize(
    "freqai",
    [{"enabled": "yes"}, {"identifier": float("nan")}, {"token": "abc"}, ["enabled"], {1: 2}],
)
def test_bad_freqai_sections_are_refused(freqai: Any) -> None:
    strategy = _strategy().model_copy(update={"freqai": freqai})
    assert _field(_build, strategy_config=strategy) == "freqai"


# ------------------------------------------------------------------ overrides and secrets
def test_overrides_are_deep_merged_last() -> None:
    overrides = {
        "exchange": {"skip_pair_validation": True},
        "pairlists": [{"method": "StaticPairList", "allow_inactive": True}],
        "stoploss": -0.02,
    }
    built = _build(
        _config(stoploss=-0.05),
        strategy_config=_strategy(parameters={"stoploss": -0.2}),
        overrides=overrides,
    )
    assert built["exchange"]["skip_pair_validation"] is True
    assert built["exchange"]["pair_whitelist"] == ["BTC/USDT:USDT", "ETH/USDT:USDT"]
    assert built["pairlists"] == [{"method": "StaticPairList", "allow_inactive": True}]
    assert built["stoploss"] == -0.02
    overrides["pairlists"][0]["method"] = "changed"
    assert built["pairlists"][0]["method"] == "StaticPairList"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"dry_run": False}, "overrides"),
        ({"trading_mode": "spot"}, "overrides"),
        ({"exchange": {"name": "kraken"}}, "overrides"),
        ({"exchange": "binance"}, "overrides"),
        ({"timeframe": "5m"}, "overrides"),
        ({"dry_run_wallet": 100}, "dry_run_wallet"),
        ({"stoploss": 0.5}, "overrides.stoploss"),
        ({"exchange": {"key": "AKIA", "secret": "s3cr3t"}}, "overrides"),
        ({"api_server": {"password": "hunter2"}}, "overrides"),
        ({"telegram": {"chat": [{"token": "123:abc"}]}}, "overrides"),
        ({"fee": float("nan")}, "overrides"),
        ({"when": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)}, "overrides"),
        (["dry_run"], "overrides"),
    ],
)
def test_overrides_cannot_break_a_safe_offline_backtest(overrides: Any, field: str) -> None:
    assert _field(_build, overrides=overrides) == field


def test_credentials_in_the_ccxt_config_are_refused_but_empty_ones_pass() -> None:
    assert _field(_build, ccxt_config={"apiKey": "abc"}) == "ccxt_config"
    assert _field(_build, ccxt_config={"options": {"private_key": "0x1"}}) == "ccxt_config"
    built = _build(ccxt_config={"apiKey": "", "secret": None})
    assert built["exchange"]["ccxt_config"] == {"apiKey": "", "secret": None}


def test_the_allow_list_is_the_documented_one() -> None:
    assert {
        "max_open_trades",
        "dry_run_wallet",
        "minimal_roi",
        "stoploss",
        "trailing_stop",
        "trailing_stop_positive",
        "trailing_stop_positive_offset",
        "trailing_only_offset_is_reached",
        "use_exit_signal",
        "exit_profit_only",
        "ignore_roi_if_entry_signal",
        "position_adjustment_enable",
        "fee",
        "timeframe_detail",
    } == STRATEGY_CONFIG_KEYS


# ------------------------------------------------------------------ write_config
def test_write_config_writes_indented_json_atomically(tmp_path: Path) -> None:
    target = tmp_path / "run" / "config.json"
    config = _build()
    written = write_config(target, config)
    assert written == target.resolve()
    text = target.read_text()
    assert text == json.dumps(config, indent=2) + "\n"
    write_config(target, {"dry_run": True})
    assert json.loads(target.read_text()) == {"dry_run": True}
    assert [p.name for p in target.parent.iterdir()] == ["config.json"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"stake_amount": float("nan")}, "config"),
        ({"stake_amount": float("inf")}, "config"),
        ({"path": Path("/x")}, "config"),
        ({"exchange": {"secret": "s3cr3t"}}, "config"),
        (["dry_run"], "config"),
    ],
)
def test_write_config_refuses_what_json_or_safety_cannot_carry(
    tmp_path: Path, config: Any, field: str
) -> None:
    target = tmp_path / "config.json"
    assert _field(write_config, target, config) == field
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["", None, "dir"])
def test_write_config_needs_a_file_path(tmp_path: Path, path: Any) -> None:
    if path == "dir":
        path = tmp_path
    assert _field(write_config, path, {"dry_run": True}) == "path"


# ------------------------------------------------------------------ strategy params
def test_strategy_params_use_freqtrades_parameter_file_format(tmp_path: Path) -> None:
    strategy = _strategy(
        buy_params={"fast_period": 7},
        sell_params={"exit_rsi": 70},
        parameters={"buy": {"slow_period": 60, "fast_period": 5}, "protection": {"cool": 3}},
    )
    before = dt.datetime.now(dt.UTC)
    path = write_strategy_params(tmp_path, "SampleSmaCrossover", strategy)
    assert path == (tmp_path / "SampleSmaCrossover.json").resolve()
    payload = json.loads(path.read_text())
    exported = dt.datetime.fromisoformat(payload.pop("export_time"))
    assert before <= exported <= dt.datetime.now(dt.UTC)
    assert payload == {
        "strategy_name": "SampleSmaCrossover",
        "params": {
            "buy": {"slow_period": 60, "fast_period": 7},
            "protection": {"cool": 3},
            "sell": {"exit_rsi": 70},
        },
        "ft_stratparam_v": 1,
    }


def test_settings_and_scalars_never_reach_the_parameter_file(tmp_path: Path) -> None:
    strategy = _strategy(
        buy_params={"fast_period": 7},
        parameters={"minimal_roi": {"0": 0.1}, "rsi": 14, "bad-space": {"a": 1}, "empty": {}},
    )
    path = write_strategy_params(tmp_path, "SampleSmaCrossover", strategy)
    assert path is not None
    assert json.loads(path.read_text())["params"] == {"buy": {"fast_period": 7}}


def test_no_parameters_means_no_file_and_an_existing_one_is_left_alone(tmp_path: Path) -> None:
    assert write_strategy_params(tmp_path, "SampleSmaCrossover", _strategy()) is None
    assert list(tmp_path.iterdir()) == []
    existing = tmp_path / "SampleSmaCrossover.json"
    existing.write_text("{}")
    strategy = _strategy(parameters={"stoploss": -0.1})
    assert write_strategy_params(tmp_path, "SampleSmaCrossover", strategy) is None
    assert existing.read_text() == "{}"


@pytest.mark.parametrize(
    ("strategy", "config", "field"),
    [
        ("My-Strategy", _strategy(buy_params={"a": 1}), "strategy"),
        ("1Strategy", _strategy(buy_params={"a": 1}), "strategy"),
        (None, _strategy(buy_params={"a": 1}), "strategy"),
        ("S", {"buy_params": {"a": 1}}, "strategy_config"),
        ("S", _strategy(buy_params={"a": float("nan")}), "buy_params"),
        ("S", _strategy(sell_params={"a": object()}), "sell_params"),
        ("S", _strategy(parameters={"protection": {"a": float("inf")}}), "parameters"),
    ],
)
def test_strategy_params_refuse_bad_input(
    tmp_path: Path, strategy: Any, config: Any, field: str
) -> None:
    assert _field(write_strategy_params, tmp_path, strategy, config) == field
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("directory", ["missing", None])
def test_strategy_params_need_an_existing_directory(tmp_path: Path, directory: Any) -> None:
    target = tmp_path / "missing" if directory else directory
    strategy = _strategy(buy_params={"a": 1})
    assert _field(write_strategy_params, target, "S", strategy) == "strategy_dir"


def test_a_failed_parameter_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    blocker = tmp_path / "S.json"
    blocker.mkdir()
    (blocker / "keep").write_text("x")
    with pytest.raises(OSError):
        write_strategy_params(tmp_path, "S", _strategy(buy_params={"a": 1}))
    assert [p.name for p in tmp_path.iterdir()] == ["S.json"]

"""FreqtradeCLIBuilder: argv lists only, every value validated, options tied to commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tradai.common.entities.hyperopt import HyperoptLoss, HyperoptSpace
from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade.cli import COMMANDS, SPACE_NAMES, FreqtradeCLIBuilder


@pytest.fixture
def builder(tmp_path: Path) -> FreqtradeCLIBuilder:
    return FreqtradeCLIBuilder(tmp_path)


def _refused(field: str, call: Any, *args: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args)
    assert info.value.field == field
    return info.value


# ---------------------------------------------------------------- commands and order


@pytest.mark.parametrize(
    ("method", "command"),
    [
        ("backtesting", "backtesting"),
        ("hyperopt", "hyperopt"),
        ("download_data", "download-data"),
        ("list_data", "list-data"),
        ("show_config", "show-config"),
        ("lookahead_analysis", "lookahead-analysis"),
    ],
)
def test_each_command_method_builds_its_freqtrade_command(
    builder: FreqtradeCLIBuilder, method: str, command: str
) -> None:
    assert builder.command is None
    assert getattr(builder, method)().build() == [command]
    assert builder.command == command
    assert command in COMMANDS


def test_build_without_a_command_is_refused(builder: FreqtradeCLIBuilder) -> None:
    builder.config("cfg.json")
    _refused("command", builder.build)


def test_a_second_command_is_refused(builder: FreqtradeCLIBuilder) -> None:
    builder.backtesting()
    err = _refused("command", builder.hyperopt)
    assert "backtesting is already chosen" in err.message


def test_options_come_out_in_one_fixed_order_whatever_the_call_order(tmp_path: Path) -> None:
    first = (
        FreqtradeCLIBuilder(tmp_path)
        .backtesting()
        .export("trades")
        .timerange("20240201-20240601")
        .strategy("SampleSmaCrossover")
        .config("cfg.json")
        .cache()
        .build()
    )
    second = (
        FreqtradeCLIBuilder(tmp_path)
        .cache("none")
        .config(tmp_path / "cfg.json")
        .strategy("SampleSmaCrossover")
        .backtesting()
        .timerange("20240201-20240601")
        .export()
        .build()
    )
    assert first == second
    assert first == [
        "backtesting",
        "--config",
        str(tmp_path.resolve() / "cfg.json"),
        "--strategy",
        "SampleSmaCrossover",
        "--timerange",
        "20240201-20240601",
        "--export",
        "trades",
        "--cache",
        "none",
    ]


def test_setting_an_option_twice_keeps_the_last_value(builder: FreqtradeCLIBuilder) -> None:
    argv = builder.hyperopt().epochs(5).epochs(7).no_color().no_color().build()
    assert argv == ["hyperopt", "--epochs", "7", "--no-color"]


def test_build_does_not_change_the_builder(builder: FreqtradeCLIBuilder) -> None:
    builder.hyperopt().epochs(3)
    assert builder.build() == builder.build() == ["hyperopt", "--epochs", "3"]


# ---------------------------------------------------------------- per-command allow-lists


@pytest.mark.parametrize(
    ("command", "option", "args"),
    [
        ("backtesting", "epochs", (10,)),
        ("backtesting", "spaces", (["buy"],)),
        ("backtesting", "hyperopt_loss", ("SharpeHyperOptLoss",)),
        ("backtesting", "print_json", ()),
        ("hyperopt", "cache", ("none",)),
        ("hyperopt", "export", ("trades",)),
        ("hyperopt", "backtest_directory", ("results",)),
        ("show_config", "datadir", ("data",)),
        ("show_config", "strategy", ("X",)),
        ("show_config", "verbosity", (1,)),
        ("show_config", "no_color", ()),
        ("list_data", "strategy", ("X",)),
        ("list_data", "timerange", ("20240101-",)),
        ("download_data", "strategy_path", ("strategies",)),
        ("download_data", "stake_amount", (10,)),
        ("lookahead_analysis", "cache", ("day",)),
        ("lookahead_analysis", "jobs", (1,)),
    ],
)
def test_an_option_of_another_command_is_refused_in_either_order(
    tmp_path: Path, command: str, option: str, args: tuple[Any, ...]
) -> None:
    after = getattr(FreqtradeCLIBuilder(tmp_path), command)()
    err = _refused(option, getattr(after, option), *args)
    assert "is not an option of freqtrade" in err.message
    before = getattr(FreqtradeCLIBuilder(tmp_path), option)(*args)
    _refused(option, getattr(before, command))


def test_download_data_spells_timeframe_as_timeframes(builder: FreqtradeCLIBuilder) -> None:
    argv = builder.download_data().timeframe("1h").pairs(["BTC/USDT"]).build()
    assert argv == ["download-data", "--timeframes", "1h", "--pairs", "BTC/USDT"]


def test_show_config_takes_config_and_userdir(builder: FreqtradeCLIBuilder, tmp_path: Path) -> None:
    argv = builder.show_config().user_data_dir("ud").config("c.json").build()
    root = tmp_path.resolve()
    assert argv == ["show-config", "--config", str(root / "c.json"), "--userdir", str(root / "ud")]


# ---------------------------------------------------------------- paths


def test_relative_paths_resolve_under_the_workdir(tmp_path: Path) -> None:
    builder = FreqtradeCLIBuilder(tmp_path).backtesting()
    argv = (
        builder.config("./a/../cfg.json")
        .strategy_path("strategies")
        .user_data_dir("user_data")
        .datadir(tmp_path / "data" / "binance")
        .backtest_directory("results")
        .logfile("ft.log")
        .build()
    )
    root = tmp_path.resolve()
    assert argv == [
        "backtesting",
        "--config",
        str(root / "cfg.json"),
        "--userdir",
        str(root / "user_data"),
        "--datadir",
        str(root / "data" / "binance"),
        "--strategy-path",
        str(root / "strategies"),
        "--backtest-directory",
        str(root / "results"),
        "--logfile",
        str(root / "ft.log"),
    ]
    assert builder.workdir == root


def test_the_workdir_itself_is_inside_the_workdir(tmp_path: Path) -> None:
    argv = FreqtradeCLIBuilder(tmp_path).list_data().user_data_dir(tmp_path).build()
    assert argv == ["list-data", "--userdir", str(tmp_path.resolve())]


@pytest.mark.parametrize(
    "path",
    ["../cfg.json", "a/../../cfg.json", "/etc/passwd", "/", "..", "sub/../../x"],
)
def test_paths_that_leave_the_workdir_are_refused(builder: FreqtradeCLIBuilder, path: str) -> None:
    err = _refused("config", builder.config, path)
    assert "outside the working directory" in err.message


def test_a_symlink_out_of_the_workdir_is_refused(tmp_path: Path) -> None:
    work = tmp_path / "work"
    outside = tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    (work / "link").symlink_to(outside, target_is_directory=True)
    builder = FreqtradeCLIBuilder(work).backtesting()
    _refused("strategy_path", builder.strategy_path, "link")
    _refused("config", builder.config, work / "link" / "cfg.json")


def test_a_symlink_staying_inside_the_workdir_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    argv = FreqtradeCLIBuilder(tmp_path).backtesting().strategy_path("alias").build()
    assert argv[-1] == str((tmp_path / "real").resolve())


@pytest.mark.parametrize(
    "path", ["", "-cfg.json", "--config", "cfg\x00.json", "cfg\n.json", "a\r", 42, None]
)
def test_unsafe_or_mistyped_paths_are_refused(builder: FreqtradeCLIBuilder, path: Any) -> None:
    _refused("logfile", builder.logfile, path)


@pytest.mark.parametrize("workdir", ["", "a\x00b", "a\nb", 3])
def test_a_bad_workdir_is_refused(workdir: Any) -> None:
    _refused("workdir", FreqtradeCLIBuilder, workdir)


def test_a_pathlike_workdir_is_accepted(tmp_path: Path) -> None:
    assert FreqtradeCLIBuilder(os.fspath(tmp_path)).workdir == tmp_path.resolve()


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["SampleSmaCrossover", "a", "My_Strat-2"])
def test_valid_strategy_names_pass(builder: FreqtradeCLIBuilder, name: str) -> None:
    assert builder.backtesting().strategy(name).build() == ["backtesting", "--strategy", name]


@pytest.mark.parametrize(
    "name",
    ["", "-s", "--strategy", "1Strat", "Strat;rm", "Strat\n", "a b", "Ѕtrat", "x" * 129, None],
)
def test_invalid_strategy_names_are_refused(builder: FreqtradeCLIBuilder, name: Any) -> None:
    _refused("strategy", builder.strategy, name)


def test_freqai_model_is_a_class_name(builder: FreqtradeCLIBuilder) -> None:
    argv = builder.backtesting().freqai_model("LightGBMRegressor").build()
    assert argv == ["backtesting", "--freqaimodel", "LightGBMRegressor"]
    for bad in ["Light-GBM", "-x", "a.b", "ＬightGBM", "", 5]:
        _refused("freqai_model", builder.freqai_model, bad)


# ---------------------------------------------------------------- timerange and timeframe


@pytest.mark.parametrize(
    ("value", "tokens"),
    [
        ("20240101-20240630", ["--timerange", "20240101-20240630"]),
        ("20240101-20240101", ["--timerange", "20240101-20240101"]),
        ("20240229-", ["--timerange", "20240229-"]),
        ("-20240601", ["--timerange=-20240601"]),
    ],
)
def test_timeranges_with_open_sides_are_accepted(
    builder: FreqtradeCLIBuilder, value: str, tokens: list[str]
) -> None:
    assert builder.hyperopt().timerange(value).build() == ["hyperopt", *tokens]


@pytest.mark.parametrize(
    "value",
    [
        "-",
        "",
        "20240101",
        "2024-01-01-2024-06-30",
        "20240230-",
        "20230229-20230301",
        "20241301-",
        "00000101-",
        "20240601-20240101",
        "20240101-20240630\n",
        " 20240101-",
        "２０２４０１０１-",
        "1704067200-1719705600",
        "20240101-20240630; rm -rf /",
        None,
        20240101,
    ],
)
def test_bad_timeranges_are_refused(builder: FreqtradeCLIBuilder, value: Any) -> None:
    _refused("timerange", builder.timerange, value)


@pytest.mark.parametrize("value", ["1h", "5m", "1d", "1M"])
def test_timeframes_pass(builder: FreqtradeCLIBuilder, value: str) -> None:
    assert builder.backtesting().timeframe(value).build() == ["backtesting", "--timeframe", value]


@pytest.mark.parametrize("value", ["", "1H", "h", "-1h", "0h", "1h\n", "1 h", None])
def test_bad_timeframes_are_refused(builder: FreqtradeCLIBuilder, value: Any) -> None:
    _refused("timeframe", builder.timeframe, value)


# ---------------------------------------------------------------- pairs and spaces


def test_pairs_are_upper_cased_and_kept_in_order(builder: FreqtradeCLIBuilder) -> None:
    argv = builder.backtesting().pairs(("eth/usdt", "BTC/USDT:USDT")).build()
    assert argv == ["backtesting", "--pairs", "ETH/USDT", "BTC/USDT:USDT"]


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        "BTC/USDT",
        ["BTC/USDT", "btc/usdt"],
        ["BTC-USDT"],
        ["-BTC/USDT"],
        ["BTC/USDT\n"],
        ["BTC/USDT", 3],
        None,
    ],
)
def test_bad_pairs_are_refused(builder: FreqtradeCLIBuilder, pairs: Any) -> None:
    _refused("pairs", builder.pairs, pairs)


def test_spaces_take_enum_members_and_freqtrade_names(builder: FreqtradeCLIBuilder) -> None:
    argv = builder.hyperopt().spaces([HyperoptSpace.BUY, "roi", "trailing", "default"]).build()
    assert argv == ["hyperopt", "--spaces", "buy", "roi", "trailing", "default"]
    assert {s.value for s in HyperoptSpace} <= SPACE_NAMES


@pytest.mark.parametrize(
    "spaces", [[], "buy", ["buy", HyperoptSpace.BUY], ["bogus"], ["-buy"], ["Buy"], [1]]
)
def test_bad_spaces_are_refused(builder: FreqtradeCLIBuilder, spaces: Any) -> None:
    _refused("spaces", builder.spaces, spaces)


# ---------------------------------------------------------------- choices


@pytest.mark.parametrize("kind", ["none", "trades", "signals"])
def test_export_kinds(builder: FreqtradeCLIBuilder, kind: str) -> None:
    assert builder.backtesting().export(kind).build() == ["backtesting", "--export", kind]


@pytest.mark.parametrize("value", ["none", "day", "week", "month"])
def test_cache_ages(builder: FreqtradeCLIBuilder, value: str) -> None:
    assert builder.backtesting().cache(value).build() == ["backtesting", "--cache", value]


@pytest.mark.parametrize(("method", "value"), [("export", "all"), ("export", "Trades"),
                                               ("export", "-trades"), ("cache", "year"),
                                               ("cache", ""), ("cache", None)])  # fmt: skip
def test_values_outside_the_choices_are_refused(
    builder: FreqtradeCLIBuilder, method: str, value: Any
) -> None:
    _refused(method, getattr(builder, method), value)


def test_hyperopt_loss_takes_a_member_or_its_value(tmp_path: Path) -> None:
    for loss in (HyperoptLoss.CALMAR, "CalmarHyperOptLoss"):
        argv = FreqtradeCLIBuilder(tmp_path).hyperopt().hyperopt_loss(loss).build()
        assert argv == ["hyperopt", "--hyperopt-loss", "CalmarHyperOptLoss"]


@pytest.mark.parametrize("loss", ["CALMAR", "MyCustomLoss", "-x", "", None])
def test_unknown_hyperopt_losses_are_refused(builder: FreqtradeCLIBuilder, loss: Any) -> None:
    _refused("hyperopt_loss", builder.hyperopt_loss, loss)


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("method", "value", "tokens"),
    [
        ("epochs", 1, ["--epochs", "1"]),
        ("epochs", 10_000, ["--epochs", "10000"]),
        ("jobs", -1, ["--job-workers=-1"]),
        ("jobs", 1, ["--job-workers", "1"]),
        ("jobs", 64, ["--job-workers", "64"]),
        ("random_state", 1, ["--random-state", "1"]),
        ("random_state", 2**32 - 1, ["--random-state", "4294967295"]),
        ("min_trades", 1, ["--min-trades", "1"]),
        ("min_trades", 1_000_000, ["--min-trades", "1000000"]),
        ("max_open_trades", -1, ["--max-open-trades=-1"]),
        ("max_open_trades", 3, ["--max-open-trades", "3"]),
        ("stake_amount", 1000, ["--stake-amount", "1000"]),
        ("stake_amount", 12.5, ["--stake-amount", "12.5"]),
        ("stake_amount", 1e-5, ["--stake-amount", "1e-05"]),
        ("stake_amount", "unlimited", ["--stake-amount", "unlimited"]),
        ("verbosity", 0, []),
        ("verbosity", 2, ["-v", "-v"]),
    ],
)
def test_numbers_in_range_are_emitted(
    builder: FreqtradeCLIBuilder, method: str, value: Any, tokens: list[str]
) -> None:
    assert getattr(builder.hyperopt(), method)(value).build() == ["hyperopt", *tokens]


@pytest.mark.parametrize(
    ("method", "value"),
    [
        ("epochs", 0),
        ("epochs", 10_001),
        ("epochs", True),
        ("epochs", 5.0),
        ("epochs", "5"),
        ("jobs", 0),
        ("jobs", -2),
        ("jobs", 65),
        ("jobs", -1.0),
        ("jobs", True),
        ("random_state", 0),  # freqtrade's --random-state refuses 0
        ("random_state", -1),
        ("random_state", 2**32),
        ("min_trades", 0),  # freqtrade's --min-trades refuses 0
        ("min_trades", -1),
        ("min_trades", 1_000_001),
        ("max_open_trades", 0),
        ("max_open_trades", -2),
        ("max_open_trades", -1.0),
        ("max_open_trades", None),
        ("stake_amount", 0),
        ("stake_amount", -5),
        ("stake_amount", float("nan")),
        ("stake_amount", float("inf")),
        ("stake_amount", True),
        ("stake_amount", "100"),
        ("stake_amount", "Unlimited"),
        ("stake_amount", None),
        ("verbosity", -1),
        ("verbosity", 4),
    ],
)
def test_numbers_out_of_range_or_mistyped_are_refused(
    builder: FreqtradeCLIBuilder, method: str, value: Any
) -> None:
    _refused(method, getattr(builder, method), value)


def test_hyperopt_flags(builder: FreqtradeCLIBuilder) -> None:
    argv = builder.print_json().print_all().disable_param_export().hyperopt().build()
    assert argv == ["hyperopt", "--disable-param-export", "--print-all", "--print-json"]


# ---------------------------------------------------------------- Freqtrade's own parser


def _everything(builder: FreqtradeCLIBuilder, command: str) -> FreqtradeCLIBuilder:
    """Set every option the command accepts (by trying them all)."""
    setters: list[tuple[str, tuple[Any, ...]]] = [
        ("config", ("cfg.json",)),
        ("user_data_dir", ("ud",)),
        ("datadir", ("data/binance",)),
        ("strategy", ("SampleSmaCrossover",)),
        ("strategy_path", ("strategies",)),
        ("freqai_model", ("LightGBMRegressor",)),
        ("timeframe", ("1h",)),
        ("timerange", ("-20240601",)),
        ("pairs", (["BTC/USDT", "ETH/USDT"],)),
        ("max_open_trades", (-1,)),
        ("stake_amount", (12.5,)),
        ("backtest_directory", ("results",)),
        ("export", ("signals",)),
        ("cache", ("week",)),
        ("hyperopt_loss", (HyperoptLoss.SORTINO,)),
        ("spaces", (["buy", "sell"],)),
        ("epochs", (6,)),
        ("jobs", (-1,)),
        ("random_state", (42,)),
        ("min_trades", (2,)),
        ("disable_param_export", ()),
        ("print_all", ()),
        ("print_json", ()),
        ("no_color", ()),
        ("logfile", ("ft.log",)),
        ("verbosity", (2,)),
    ]
    getattr(builder, command.replace("-", "_"))()
    refused = []
    for name, args in setters:
        try:
            getattr(builder, name)(*args)
        except ValidationError as exc:
            refused.append(exc.message)
    assert all("is not an option of freqtrade" in message for message in refused)
    return builder


@pytest.mark.parametrize("command", COMMANDS)
def test_freqtrades_own_parser_reads_what_the_builder_writes(tmp_path: Path, command: str) -> None:
    from freqtrade.commands import Arguments

    argv = _everything(FreqtradeCLIBuilder(tmp_path), command).build()
    parsed = Arguments(argv).get_parsed_arg()
    root = tmp_path.resolve()
    assert parsed["command"] == command
    assert parsed["config"] == [str(root / "cfg.json")]
    assert parsed["user_data_dir"] == str(root / "ud")
    expected: dict[str, Any] = {
        "datadir": str(root / "data" / "binance"),
        "strategy": "SampleSmaCrossover",
        "strategy_path": str(root / "strategies"),
        "freqaimodel": "LightGBMRegressor",
        "timerange": "-20240601",
        "pairs": ["BTC/USDT", "ETH/USDT"],
        "max_open_trades": -1,
        "stake_amount": "12.5",
        "exportdirectory": str(root / "results"),
        "export": "signals",
        "backtest_cache": "week",
        "hyperopt_loss": "SortinoHyperOptLoss",
        "spaces": ["buy", "sell"],
        "epochs": 6,
        "hyperopt_jobs": -1,
        "hyperopt_random_state": 42,
        "hyperopt_min_trades": 2,
        "disableparamexport": True,
        "print_all": True,
        "print_json": True,
        "print_colorized": False,
        "logfile": str(root / "ft.log"),
        "verbosity": 2,
        "timeframe": "1h",
        "timeframes": ["1h"],
    }
    checked = {key: value for key, value in expected.items() if key in parsed}
    assert {key: parsed[key] for key in checked} == checked
    assert checked or command == "show-config"


def test_a_symlink_to_a_name_with_a_newline_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad\nname").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "bad\nname", target_is_directory=True)
    builder = FreqtradeCLIBuilder(tmp_path).backtesting()
    err = _refused("strategy_path", builder.strategy_path, "alias")
    assert "control characters" in err.message

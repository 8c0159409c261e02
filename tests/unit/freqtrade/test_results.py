"""Freqtrade backtest and hyperopt result parsing, on real Freqtrade output files."""

from __future__ import annotations

import json
import logging
import math
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tradai.common.entities.hyperopt import TrialResult, TrialState
from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.freqtrade.results import (
    MAX_LOSS,
    latest_result_file,
    parse_backtest_result,
    parse_hyperopt_results,
    parse_stats_json,
    result_from_stats,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "freqtrade"
RESULTS = FIXTURES / "backtest_results"
SPOT = RESULTS / "backtest-result-2026-11-21_11-19-22.zip"
FUTURES = RESULTS / "backtest-result-2026-11-21_11-19-26.zip"
FTHYPT = FIXTURES / "strategy_SampleSmaCrossover_2026-11-21_11-19-44.fthypt"
MAPPED = {
    "total_trades", "wins", "losses", "draws", "profit_total_abs", "profit_total",
    "profit_factor", "sharpe", "sortino", "calmar", "sqn", "cagr", "max_drawdown_abs",
    "max_drawdown_account", "winrate", "trades",
}  # fmt: skip


def _document(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(f"{path.stem}.json"))


def _only_stats(path: Path) -> dict[str, Any]:
    (stats,) = _document(path)["strategy"].values()
    return stats  # type: ignore[no-any-return]  # json gives Any


def _stats(total_trades: int = 3, **extra: Any) -> dict[str, Any]:
    return {
        "total_trades": total_trades, "wins": 2, "losses": 1, "draws": 0,
        "profit_total": 0.01, "profit_total_abs": 100.0, "winrate": 2 / 3,
        "trades": [{"pair": "BTC/USDT", "profit_ratio": 0.01}], **extra,
    }  # fmt: skip


def _write_zip(
    directory: Path, stem: str, document: dict[str, Any] | str, meta: Any = None
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}.zip"
    text = document if isinstance(document, str) else json.dumps(document)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.json", text)
        archive.writestr(f"{stem}_config.json", "{}")
    if meta is not None:
        (directory / f"{stem}.meta.json").write_text(json.dumps(meta))
    return path


# ---------------------------------------------------------------- real files, field by field


@pytest.mark.parametrize(("path", "mode"), [(SPOT, "spot"), (FUTURES, "futures")])
def test_every_metric_equals_the_mapped_freqtrade_stat(path: Path, mode: str) -> None:
    stats = _only_stats(path)
    assert stats["trading_mode"] == mode
    parsed = parse_backtest_result(path)
    result = parsed.result
    assert parsed.strategy == "SampleSmaCrossover"
    assert parsed.result_file == path
    assert result.total_trades == stats["total_trades"] > 0
    assert result.winning_trades == stats["wins"]
    assert result.losing_trades == stats["losses"]
    assert result.draw_trades == stats["draws"]
    assert result.total_profit == stats["profit_total_abs"]
    assert result.total_profit_pct == stats["profit_total"] * 100
    assert result.profit_factor == stats["profit_factor"]
    assert result.sharpe_ratio == stats["sharpe"]
    assert result.sortino_ratio == stats["sortino"]
    assert result.calmar_ratio == stats["calmar"]
    assert result.sqn == stats["sqn"]
    assert result.cagr == stats["cagr"]
    assert result.max_drawdown == stats["max_drawdown_abs"]
    assert result.max_drawdown_pct == stats["max_drawdown_account"] * 100
    assert result.win_rate == stats["winrate"] * 100
    assert result.trades == stats["trades"]
    assert len(result.trades) == stats["total_trades"]
    assert result.raw_stats == {k: v for k, v in stats.items() if k != "trades"}
    numeric = {
        k: float(v)
        for k, v in stats.items()
        if k not in MAPPED and type(v) in (int, float) and math.isfinite(v)
    }
    assert result.metrics == numeric
    assert {"expectancy", "final_balance", "market_change"} <= result.metrics.keys()
    assert parsed.stats == stats


@pytest.mark.parametrize("path", [SPOT, FUTURES])
def test_meta_is_the_strategy_entry_of_the_sibling_meta_file(path: Path) -> None:
    meta = json.loads(path.with_name(f"{path.stem}.meta.json").read_text())
    parsed = parse_backtest_result(path)
    assert parsed.meta == meta["SampleSmaCrossover"]
    assert parsed.meta is not None
    assert parsed.meta["backtest_start_ts"] == 1706745600  # seconds, kept as written


def test_fast_path_equals_the_fully_validated_mapping() -> None:
    parsed = parse_backtest_result(SPOT)
    assert parsed.result == result_from_stats(_only_stats(SPOT))
    json.dumps(parsed.result.model_dump(mode="json"), allow_nan=False)


def test_str_path_is_accepted() -> None:
    assert parse_backtest_result(str(SPOT)).result_file == SPOT


# ---------------------------------------------------------------- directories


def test_directory_reads_the_result_last_result_json_names() -> None:
    assert latest_result_file(RESULTS) == FUTURES
    parsed = parse_backtest_result(RESULTS)
    assert parsed.result_file == FUTURES
    assert parsed.result.total_trades == _only_stats(FUTURES)["total_trades"]


def test_directory_without_marker_reads_the_newest_zip_by_name(tmp_path: Path) -> None:
    for source in (FUTURES, SPOT):
        shutil.copy(source, tmp_path)
    assert latest_result_file(tmp_path) == tmp_path / FUTURES.name
    assert parse_backtest_result(tmp_path).result_file == tmp_path / FUTURES.name


@pytest.mark.parametrize(
    "marker",
    [
        '{"latest_backtest": "backtest-result-gone.zip"}',
        '{"latest_backtest": "../backtest-result-2026-11-21_11-19-22.zip"}',
        '{"latest_backtest": ".."}',
        '{"latest_backtest": 7}',
        "{not json",
    ],
)
def test_unusable_marker_falls_back_to_the_newest_zip(tmp_path: Path, marker: str) -> None:
    shutil.copy(SPOT, tmp_path)
    (tmp_path / ".last_result.json").write_text(marker)
    assert latest_result_file(tmp_path) == tmp_path / SPOT.name


def test_marker_naming_an_older_result_wins_over_names(tmp_path: Path) -> None:
    for source in (FUTURES, SPOT):
        shutil.copy(source, tmp_path)
    (tmp_path / ".last_result.json").write_text(json.dumps({"latest_backtest": SPOT.name}))
    assert latest_result_file(tmp_path) == tmp_path / SPOT.name


def test_empty_or_missing_directory_has_no_result(tmp_path: Path) -> None:
    assert latest_result_file(tmp_path) is None
    assert latest_result_file(tmp_path / "missing") is None
    with pytest.raises(NotFoundError, match="no backtest result in") as info:
        parse_backtest_result(tmp_path)
    assert info.value.key == str(tmp_path)


def test_missing_file_is_not_found_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "backtest-result-x.zip"
    with pytest.raises(NotFoundError, match="does not exist") as info:
        parse_backtest_result(missing)
    assert str(missing) in info.value.message
    assert info.value.resource == "backtest result"


# ---------------------------------------------------------------- plain stats json


def test_plain_stats_json_reads_like_the_zip_with_its_meta(tmp_path: Path) -> None:
    target = tmp_path / f"{SPOT.stem}.json"
    with zipfile.ZipFile(SPOT) as archive:
        target.write_bytes(archive.read(f"{SPOT.stem}.json"))
    shutil.copy(SPOT.with_name(f"{SPOT.stem}.meta.json"), tmp_path)
    from_json = parse_backtest_result(target)
    from_zip = parse_backtest_result(SPOT)
    assert from_json.result == from_zip.result
    assert from_json.meta == from_zip.meta
    assert from_json.result_file == target


def test_result_without_meta_file_has_no_meta(tmp_path: Path) -> None:
    path = _write_zip(tmp_path, "backtest-result-a", {"strategy": {"S": _stats()}})
    assert parse_backtest_result(path).meta is None


def test_unreadable_meta_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write_zip(tmp_path, "backtest-result-a", {"strategy": {"S": _stats()}})
    (tmp_path / "backtest-result-a.meta.json").write_text("{broken")
    with caplog.at_level(logging.WARNING, logger="tradai.common.freqtrade.results"):
        assert parse_backtest_result(path).meta is None
    assert "backtest-result-a.meta.json" in caplog.text


def test_meta_directory_in_place_of_the_file_is_ignored(tmp_path: Path) -> None:
    path = _write_zip(tmp_path, "backtest-result-a", {"strategy": {"S": _stats()}})
    (tmp_path / "backtest-result-a.meta.json").mkdir()
    assert parse_backtest_result(path).meta is None


def test_meta_without_the_strategy_is_none(tmp_path: Path) -> None:
    path = _write_zip(
        tmp_path, "backtest-result-a", {"strategy": {"S": _stats()}}, meta={"Other": {"a": 1}}
    )
    assert parse_backtest_result(path).meta is None


# ---------------------------------------------------------------- non-finite numbers


def test_nan_and_infinity_become_none_everywhere(tmp_path: Path) -> None:
    text = (
        '{"strategy": {"S": {"total_trades": 1, "wins": 1, "losses": 0, "draws": 0,'
        ' "profit_total": 0.5, "profit_total_abs": NaN, "sharpe": NaN, "sortino": Infinity,'
        ' "calmar": -Infinity, "winrate": 1.0, "expectancy": NaN, "final_balance": 10.5,'
        ' "wallet_stats": {"sharpe": NaN},'
        ' "trades": [{"pair": "BTC/USDT", "profit_ratio": NaN, "orders": [{"cost": Infinity}]}]'
        "}}}"
    )
    parsed = parse_backtest_result(_write_zip(tmp_path, "backtest-result-n", text))
    result = parsed.result
    assert result.total_profit == 0.0  # non-finite count/profit: the field's default
    assert (result.sharpe_ratio, result.sortino_ratio, result.calmar_ratio) == (None,) * 3
    assert result.metrics == {"final_balance": 10.5}
    assert result.trades == [{"pair": "BTC/USDT", "profit_ratio": None, "orders": [{"cost": None}]}]
    assert result.raw_stats["wallet_stats"] == {"sharpe": None}
    json.dumps(result.model_dump(mode="json"), allow_nan=False)


def test_numbers_beyond_the_float_range_become_none() -> None:
    digits = "9" * 400
    document = parse_stats_json(
        f'{{"a": 1e999, "b": -2E+400, "c": {digits}.5, "d": 1e+30, "e": 1e-400, "f": {digits}}}'
    )
    assert document == {"a": None, "b": None, "c": None, "d": 1e30, "e": 0.0, "f": int(digits)}


def test_overflowing_number_in_a_trade_reads_as_none(tmp_path: Path) -> None:
    stats = _stats()
    text = json.dumps({"strategy": {"S": stats}}).replace(
        '"profit_ratio": 0.01', '"profit_ratio": 1e999'
    )
    parsed = parse_backtest_result(_write_zip(tmp_path, "backtest-result-o", text))
    assert parsed.result.trades[0]["profit_ratio"] is None


# ---------------------------------------------------------------- several strategies


def _two_strategies(tmp_path: Path) -> Path:
    document = {
        "strategy": {"Alpha": _stats(3), "Beta": _stats(5)},
        "strategy_comparison": [{"key": "Alpha"}, {"key": "Beta"}],
    }
    meta = {"Alpha": {"run_id": "a"}, "Beta": {"run_id": "b"}}
    return _write_zip(tmp_path, "backtest-result-2", document, meta=meta)


def test_several_strategies_need_a_choice(tmp_path: Path) -> None:
    path = _two_strategies(tmp_path)
    with pytest.raises(ValidationError, match="several strategies") as info:
        parse_backtest_result(path)
    assert info.value.field == "strategy"
    assert str(path) in info.value.message


def test_strategy_picks_one_of_several(tmp_path: Path) -> None:
    parsed = parse_backtest_result(_two_strategies(tmp_path), strategy="Beta")
    assert (parsed.strategy, parsed.result.total_trades, parsed.meta) == (
        "Beta", 5, {"run_id": "b"},
    )  # fmt: skip


def test_unknown_strategy_is_refused_listing_the_present_ones(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"no strategy 'Gamma'.*Alpha") as info:
        parse_backtest_result(_two_strategies(tmp_path), strategy="Gamma")
    assert info.value.field == "strategy"


@pytest.mark.parametrize("strategy", ["", 7])
def test_malformed_strategy_argument_is_refused(strategy: Any) -> None:
    with pytest.raises(ValidationError) as info:
        parse_backtest_result(SPOT, strategy=strategy)
    assert info.value.field == "strategy"


# ---------------------------------------------------------------- broken files


def test_corrupt_zip_is_refused_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "backtest-result-bad.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationError, match="not a readable zip") as info:
        parse_backtest_result(path)
    assert (info.value.field, str(path) in info.value.message) == ("path", True)


def test_zip_with_a_corrupted_member_is_refused(tmp_path: Path) -> None:
    data = bytearray(SPOT.read_bytes())
    with zipfile.ZipFile(SPOT) as archive:
        info = archive.getinfo(f"{SPOT.stem}.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    data[start : start + 64] = bytes(64)  # damage the deflate stream of the stats member
    path = tmp_path / SPOT.name
    path.write_bytes(bytes(data))
    with pytest.raises(ValidationError) as exc_info:
        parse_backtest_result(path)
    assert exc_info.value.field == "path"
    assert str(path) in exc_info.value.message


def test_zip_without_stats_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "backtest-result-x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("backtest-result-x_config.json", "{}")
        archive.writestr("backtest-result-x.meta.json", "{}")
    with pytest.raises(ValidationError, match=r"no stats member 'backtest-result-x\.json'") as info:
        parse_backtest_result(path)
    assert info.value.field == "path"


def test_renamed_zip_uses_its_only_stats_member(tmp_path: Path) -> None:
    path = tmp_path / "renamed.zip"
    shutil.copy(SPOT, path)
    assert parse_backtest_result(path).result == parse_backtest_result(SPOT).result


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not an object"),
        ('{"strategy_comparison": []}', "holds no strategy results"),
        ('{"strategy": {}}', "holds no strategy results"),
        ('{"strategy": {"S": [1]}}', "are not an object"),
    ],
)
def test_malformed_stats_documents_are_refused(tmp_path: Path, text: str, match: str) -> None:
    path = _write_zip(tmp_path, "backtest-result-m", text)
    with pytest.raises(ValidationError, match=match) as info:
        parse_backtest_result(path)
    assert info.value.field == "path"
    assert str(path) in info.value.message


@pytest.mark.parametrize(
    ("stats", "field"),
    [
        ({"wins": 1}, "stats"),
        (_stats(trades="x"), "trades"),
        (_stats(trades=[1, 2]), "trades"),
        (_stats(wins=9), "wins"),
        (_stats(losses=-1), "losses"),
        (_stats(profit_total="12%"), "profit_total"),
        (_stats(winrate=3.0), "winrate"),
    ],
)
def test_invalid_stats_values_are_refused_naming_the_stat(
    tmp_path: Path, stats: dict[str, Any], field: str
) -> None:
    path = _write_zip(tmp_path, "backtest-result-v", {"strategy": {"S": stats}})
    with pytest.raises(ValidationError) as info:
        parse_backtest_result(path)
    assert info.value.field == field
    assert str(path) in info.value.message


def test_null_trades_read_as_no_trades(tmp_path: Path) -> None:
    path = _write_zip(tmp_path, "backtest-result-t", {"strategy": {"S": _stats(trades=None)}})
    assert parse_backtest_result(path).result.trades == []


def test_other_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "result.feather"
    path.write_bytes(b"x")
    with pytest.raises(ValidationError, match=r"\.zip, \.json or a directory") as info:
        parse_backtest_result(path)
    assert info.value.field == "path"


def test_path_must_be_a_path() -> None:
    with pytest.raises(ValidationError) as info:
        parse_backtest_result(42)  # type: ignore[arg-type]  # proving it is refused
    assert info.value.field == "path"


# ---------------------------------------------------------------- parse_stats_json


def test_parse_stats_json_accepts_str_and_other_unicode_encodings() -> None:
    text = '{"pair": "BTC/USDT", "x": NaN}'
    expected = {"pair": "BTC/USDT", "x": None}
    assert parse_stats_json(text) == expected
    assert parse_stats_json(text.encode("utf-16")) == expected
    assert parse_stats_json(text.encode("utf-32-le")) == expected
    assert parse_stats_json(b"\xef\xbb\xbf" + text.encode()) == expected
    assert parse_stats_json(bytearray(text.encode())) == expected


@pytest.mark.parametrize(
    "data",
    ["\ud800", b'{"a": "\xff"}', "\ufeff" + "x" * 3, b"\x00{\x00", 42, "[]", '"s"'],
)
def test_parse_stats_json_refuses_what_is_not_a_json_object(data: Any) -> None:
    with pytest.raises(ValidationError) as info:
        parse_stats_json(data)
    assert info.value.field == "data"


def test_parse_stats_json_refuses_invalid_utf16() -> None:
    with pytest.raises(ValidationError, match="utf-16"):
        parse_stats_json(b"{\x00" + b"\x00\xd8" + b"}\x00")


# ---------------------------------------------------------------- result_from_stats


def test_result_from_stats_cleans_non_finite_values_at_any_depth() -> None:
    stats = _stats(
        sharpe=float("nan"),
        wallet_stats={"x": (1.0, float("inf"))},
        trades=[{"pair": "BTC/USDT", "orders": ({"cost": float("-inf")},)}],
    )
    result = result_from_stats(stats)
    assert result.sharpe_ratio is None
    assert result.raw_stats["wallet_stats"] == {"x": [1.0, None]}
    assert result.trades == [{"pair": "BTC/USDT", "orders": [{"cost": None}]}]


def test_result_from_stats_keeps_only_finite_numbers_in_metrics() -> None:
    result = result_from_stats(
        _stats(expectancy=1, flag=True, huge=10**400, name="x", ratio=0.5, gone=None)
    )
    assert result.metrics == {"expectancy": 1.0, "ratio": 0.5}


def test_result_from_stats_without_trades_has_none() -> None:
    stats = _stats()
    del stats["trades"]
    assert result_from_stats(stats).trades == []


@pytest.mark.parametrize(
    ("stats", "field"),
    [
        ({"wins": 1}, "stats"),
        ([1, 2], "stats"),
        (_stats(trades=[{"pair": object()}]), "trades"),
        (_stats(extra={1, 2}), "stats"),
        (_stats(total_trades=1, wins=2), "wins"),
    ],
)
def test_result_from_stats_refuses_invalid_stats(stats: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        result_from_stats(stats)
    assert info.value.field == field


# ---------------------------------------------------------------- hyperopt


def _epochs() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FTHYPT.read_text().splitlines()]


def test_hyperopt_trials_map_field_by_field() -> None:
    trials = parse_hyperopt_results(FTHYPT)
    epochs = _epochs()
    assert len(trials) == len(epochs) == 3
    for trial, epoch in zip(trials, epochs, strict=True):
        metrics = epoch["results_metrics"]
        assert trial.number == epoch["current_epoch"] - 1
        assert trial.params == epoch["params_dict"]
        assert trial.loss == epoch["loss"]
        assert trial.total_trades == metrics["total_trades"]
        assert trial.total_profit_abs == metrics["profit_total_abs"]
        assert trial.total_profit_pct == metrics["profit_total"] * 100
        assert trial.avg_profit_pct == metrics["profit_mean"] * 100
        assert trial.max_drawdown_pct == metrics["max_drawdown_account"] * 100
        assert trial.is_best is epoch["is_best"]
        assert trial.duration_seconds == (
            metrics["backtest_run_end_ts"] - metrics["backtest_run_start_ts"]
        )
        assert trial.state is TrialState.COMPLETE
    assert TrialResult.best(trials).number == 1


def _write_fthypt(tmp_path: Path, *epochs: dict[str, Any] | str, end: str = "\n") -> Path:
    path = tmp_path / "strategy_S_2026-01-01_00-00-00.fthypt"
    lines = [e if isinstance(e, str) else json.dumps(e) for e in epochs]
    path.write_text("\n".join(lines) + end)
    return path


def _epoch(number: int, loss: Any = -1.0, **extra: Any) -> dict[str, Any]:
    return {
        "loss": loss, "params_dict": {"fast": 10, "slow": 50.5, "ma": "ema", "on": True},
        "results_metrics": {
            "total_trades": 12, "profit_total_abs": 5, "profit_total": 0.005,
            "profit_mean": 0.001, "max_drawdown_account": 0.02,
            "backtest_run_start_ts": 100, "backtest_run_end_ts": 103,
        },
        "current_epoch": number, "is_best": False, **extra,
    }  # fmt: skip


def test_hyperopt_bad_losses_make_failed_trials(tmp_path: Path) -> None:
    text = json.dumps(_epoch(1)).replace("-1.0", "NaN", 1)
    path = _write_fthypt(tmp_path, text, _epoch(2, loss=MAX_LOSS), _epoch(3, loss=-0.5))
    trials = parse_hyperopt_results(path)
    assert [(t.state, t.loss) for t in trials] == [
        (TrialState.FAIL, MAX_LOSS),
        (TrialState.FAIL, MAX_LOSS),
        (TrialState.COMPLETE, -0.5),
    ]
    assert TrialResult.best(trials).number == 2
    assert trials[0].total_profit_abs == 5.0
    assert trials[0].duration_seconds == 3.0


def test_hyperopt_tolerates_sparse_epochs(tmp_path: Path) -> None:
    sparse = {"loss": -2, "params_dict": {"a": None, "b": [1], "c": 2}, "current_epoch": "x"}
    odd = _epoch(9, results_metrics={"total_trades": 4.0, "max_drawdown_account": 1.7})
    path = _write_fthypt(tmp_path, sparse, "", odd)
    first, second = parse_hyperopt_results(path)
    assert (first.number, first.params, first.total_trades, first.loss) == (0, {"c": 2}, 0, -2.0)
    assert first.total_profit_pct is None
    assert first.duration_seconds == 0.0
    assert (second.number, second.total_trades, second.max_drawdown_pct) == (8, 4, 100.0)


def test_hyperopt_ignores_an_unfinished_last_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write_fthypt(tmp_path, _epoch(1), json.dumps(_epoch(2))[:40], end="")
    with caplog.at_level(logging.WARNING, logger="tradai.common.freqtrade.results"):
        assert [t.number for t in parse_hyperopt_results(path)] == [0]
    assert "unfinished last line" in caplog.text


def test_hyperopt_refuses_a_corrupt_line_naming_it(tmp_path: Path) -> None:
    path = _write_fthypt(tmp_path, _epoch(1), "{broken", _epoch(3))
    with pytest.raises(ValidationError, match="line 2") as info:
        parse_hyperopt_results(path)
    assert info.value.field == "path"
    assert str(path) in info.value.message


def test_hyperopt_refuses_an_invalid_epoch(tmp_path: Path) -> None:
    bad = _epoch(1, params_dict={"not-an-identifier": 1})
    with pytest.raises(ValidationError, match="line 1: not a valid hyperopt epoch"):
        parse_hyperopt_results(_write_fthypt(tmp_path, bad))


def test_hyperopt_missing_file_or_directory(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        parse_hyperopt_results(tmp_path / "missing.fthypt")
    assert info.value.resource == "hyperopt results"
    with pytest.raises(ValidationError, match="is not a file") as refused:
        parse_hyperopt_results(tmp_path)
    assert refused.value.field == "path"

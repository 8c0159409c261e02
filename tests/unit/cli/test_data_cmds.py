"""``tradai data seed|import|list`` on a real LMDB store in a temporary workspace."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import Result

from tradai.common.data.sources import SyntheticSource
from tradai.common.repositories.market_data import ArcticDBDataRepository
from tradai.common.settings_mixins import ArcticSettingsMixin

Tradai = Callable[..., Result]
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _store(home: Path) -> ArcticDBDataRepository:
    return ArcticDBDataRepository(ArcticSettingsMixin(), lmdb_path=home / "arcticdb")


def _listed(tradai: Tradai, home: Path) -> dict[str, dict[str, object]]:
    result = tradai("data", "list", "--home", str(home), "--json")
    assert result.exit_code == 0, result.output
    return {f"{row['pair']} {row['timeframe']}": row for row in json.loads(result.stdout)["series"]}


def test_seed_writes_deterministic_candles_for_every_pair(tradai: Tradai, home: Path) -> None:
    result = tradai(
        "data", "seed", "--pairs", "BTC/USDT", "ETH/USDT", "btc/usdt:usdt",
        "--timeframe", "1h", "--start", "2024-01-01", "--end", "2024-01-03",
        "--seed", "7", "--home", str(home),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Seeded (seed 7)" in result.stdout
    assert "BTC/USDT:USDT" in result.stdout
    listed = _listed(tradai, home)
    assert sorted(listed) == ["BTC/USDT 1h", "BTC/USDT:USDT 1h", "ETH/USDT 1h"]
    assert listed["BTC/USDT 1h"]["candles"] == 48
    assert listed["BTC/USDT 1h"]["first"] == "2024-01-01T00:00:00+00:00"
    assert listed["BTC/USDT 1h"]["last"] == "2024-01-02T23:00:00+00:00"
    expected = SyntheticSource(seed=7, volatility=0.01).fetch_ohlcv(
        "BTC/USDT", "1h", START, START + dt.timedelta(days=2)
    )
    stored = _store(home).get_ohlcv("BTC/USDT", "1h")
    pd.testing.assert_frame_equal(stored, expected, check_freq=False)


def test_seeding_again_extends_the_series_without_duplicates(tradai: Tradai, home: Path) -> None:
    for end in ("2024-01-02", "2024-01-03", "2024-01-03"):
        result = tradai("data", "seed", "-p", "BTC/USDT", "--start", "2024-01-01",
                        "--end", end, "--home", str(home))  # fmt: skip
        assert result.exit_code == 0, result.output
    assert _listed(tradai, home)["BTC/USDT 1h"]["candles"] == 48


def test_the_workspace_comes_from_tradai_home(
    tradai: Tradai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADAI_HOME", str(tmp_path / "envhome"))
    result = tradai("data", "seed", "--pairs", "BTC/USDT", "--end", "2024-01-02")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "envhome" / "arcticdb").is_dir()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pairs", "BTCUSDT"], "--pairs: invalid symbol"),
        (["--pairs", ","], "--pairs: give at least one pair"),
        (["--pairs", "BTC/USDT", "--timeframe", "1hour"], "--timeframe: invalid timeframe"),
        (["--pairs", "BTC/USDT", "--start", "2024-02-30"], "invalid --start"),
        (["--pairs", "BTC/USDT", "--end", "2023-12-31"], "--end must be after --start"),
        (["--pairs", "BTC/USDT", "--volatility", "0.5"], "--volatility: volatility must be"),
        (["--pairs", "BTC/USDT", "--seed", "-1"], "--seed: seed must be"),
    ],
)
def test_bad_seed_options_exit_2_and_write_nothing(
    tradai: Tradai, home: Path, args: list[str], message: str
) -> None:
    result = tradai("data", "seed", *args, "--home", str(home))
    assert result.exit_code == 2
    assert message in result.stderr
    assert not home.exists()


def test_a_workspace_that_is_a_file_exits_2(tradai: Tradai, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    result = tradai("data", "list", "--home", str(tmp_path / "f"))
    assert result.exit_code == 2
    assert "is not a directory" in result.stderr


def test_store_failures_exit_1(tradai: Tradai, home: Path) -> None:
    home.mkdir()
    (home / "arcticdb").write_text("in the way")
    seeded = tradai("data", "seed", "--pairs", "BTC/USDT", "--end", "2024-01-02",
                    "--home", str(home))  # fmt: skip
    assert seeded.exit_code == 1
    assert "cannot write the candles" in seeded.stderr
    listed = tradai("data", "list", "--home", str(home))
    assert listed.exit_code == 1
    assert "cannot read the store" in listed.stderr


def test_list_of_an_empty_store_says_how_to_fill_it(tradai: Tradai, home: Path) -> None:
    result = tradai("data", "list", "--home", str(home))
    assert result.exit_code == 0
    assert "tradai data seed" in result.stderr
    assert _listed(tradai, home) == {}


def test_list_shows_a_table(tradai: Tradai, home: Path) -> None:
    tradai("data", "seed", "--pairs", "ETH/USDT", "--end", "2024-01-02", "--home", str(home))
    result = tradai("data", "list", "--home", str(home))
    assert "Stored series" in result.stdout
    assert "ETH/USDT" in result.stdout
    assert "2024-01-01 23:00" in result.stdout


def _candles(days: int, start: dt.datetime = START) -> pd.DataFrame:
    return SyntheticSource(seed=3).fetch_ohlcv("BTC/USDT", "1h", start, start + dt.timedelta(days))


def test_import_parquet_and_csv_files_of_one_pair(
    tradai: Tradai, home: Path, tmp_path: Path
) -> None:
    first = _candles(1)
    second = _candles(1, START + dt.timedelta(days=1))
    parquet = tmp_path / "jan1.parquet"
    first.to_parquet(parquet)
    csv = tmp_path / "jan2.CSV"
    frame = second.reset_index(names="date")
    frame["date"] = frame["date"].map(lambda t: t.isoformat())
    frame.to_csv(csv, index=False)
    result = tradai("data", "import", str(parquet), str(csv), "--pair", "btc/usdt",
                    "--timeframe", "1h", "--home", str(home))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Imported 48 candles" in result.stdout
    stored = _store(home).get_ohlcv("BTC/USDT", "1h")
    pd.testing.assert_frame_equal(stored, pd.concat([first, second]), check_freq=False)


def test_import_validates_every_file_before_writing_any(
    tradai: Tradai, home: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.parquet"
    _candles(1).to_parquet(good)
    broken = _candles(1, START + dt.timedelta(days=1))
    broken.iloc[3, broken.columns.get_loc("high")] = -5.0  # high below low
    bad = tmp_path / "bad.parquet"
    broken.to_parquet(bad)
    result = tradai("data", "import", str(good), str(bad), "--pair", "BTC/USDT",
                    "--home", str(home))  # fmt: skip
    assert result.exit_code == 2
    assert "bad.parquet" in result.stderr
    assert not home.exists()


@pytest.mark.parametrize(
    ("name", "pair", "message"),
    [
        ("data.json", "BTC/USDT", "unsupported file type"),
        ("data.csv", "BTC-USDT", "--pair: invalid symbol"),
    ],
)
def test_import_refuses_bad_input_with_exit_2(
    tradai: Tradai, home: Path, tmp_path: Path, name: str, pair: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text("{}")
    result = tradai("data", "import", str(path), "--pair", pair, "--home", str(home))
    assert result.exit_code == 2
    assert message in result.stderr


def test_import_of_a_missing_file_is_a_usage_error(tradai: Tradai, tmp_path: Path) -> None:
    result = tradai("data", "import", str(tmp_path / "nope.csv"), "--pair", "BTC/USDT")
    assert result.exit_code == 2


def test_import_reports_a_conflict_with_stored_candles_as_refused(
    tradai: Tradai, home: Path, tmp_path: Path
) -> None:
    tradai("data", "seed", "--pairs", "BTC/USDT", "--end", "2024-01-02", "--home", str(home))
    far = tmp_path / "later.parquet"
    _candles(1, START + dt.timedelta(days=30)).to_parquet(far)
    result = tradai("data", "import", str(far), "--pair", "BTC/USDT", "--home", str(home))
    # the default policy allows gaps: the later day is stored after the seeded one
    assert result.exit_code == 0, result.output
    assert _listed(tradai, home)["BTC/USDT 1h"]["candles"] == 48


def test_import_store_failures_exit_1(tradai: Tradai, home: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.parquet"
    _candles(1).to_parquet(good)
    home.mkdir()
    (home / "arcticdb").write_text("in the way")
    result = tradai("data", "import", str(good), "--pair", "BTC/USDT", "--home", str(home))
    assert result.exit_code == 1
    assert "cannot import the candles" in result.stderr

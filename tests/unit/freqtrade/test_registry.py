"""FreqAIModelRegistry on synthetic ``models/`` trees shaped like FreqAI's own output."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade.registry import FreqAIModel, FreqAIModelRegistry

T1, T2, T3 = 1709251200, 1711843200, 1714435200  # 2024-03-01, 03-31, 04-30 (UTC)


def _training(
    identifier_dir: Path,
    coin: str,
    stamp: int,
    *,
    model_suffix: str | None = ".joblib",
    metadata: dict[str, Any] | str | None = None,
) -> Path:
    """A ``sub-train-<COIN>_<ts>`` directory with FreqAI's files."""
    directory = identifier_dir / f"sub-train-{coin}_{stamp}"
    directory.mkdir(parents=True)
    prefix = f"cb_{coin.lower()}_{stamp}"
    if model_suffix is not None:
        (directory / f"{prefix}_model{model_suffix}").write_bytes(b"model")
    for name in ("trained_df.pkl", "feature_pipeline.pkl", "label_pipeline.pkl"):
        (directory / f"{prefix}_{name}").write_bytes(b"pkl")
    (directory / f"{prefix}_trained_dates_df.pkl").write_bytes(b"pkl")
    if metadata is None:
        metadata = {
            "data_path": str(directory),
            "model_filename": prefix,
            "labels_mean": {"&-s_close": 0.004},
            "training_features_list": [f"%-pct_change_10_{coin}/USDT_1h"],
            "label_list": ["&-s_close"],
        }
    text = metadata if isinstance(metadata, str) else json.dumps(metadata)
    (directory / f"{prefix}_metadata.json").write_text(text)
    return directory


def _pair_dictionary(identifier_dir: Path, entries: dict[str, int] | str) -> None:
    identifier_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(entries, str):
        (identifier_dir / "pair_dictionary.json").write_text(entries)
        return
    document = {
        pair: {
            "model_filename": f"cb_{pair.split('/')[0].lower()}_{stamp}",
            "trained_timestamp": stamp,
            # FreqAI writes absolute paths; the tree may have moved since
            "data_path": f"/elsewhere/models/x/sub-train-{pair.split('/')[0]}_{stamp}",
            "extras": {},
        }
        for pair, stamp in entries.items()
    }
    (identifier_dir / "pair_dictionary.json").write_text(json.dumps(document))


def _run_params(identifier_dir: Path, pairs: Any) -> None:
    identifier_dir.mkdir(parents=True, exist_ok=True)
    document = {"freqai": {"identifier": identifier_dir.name}, "timeframe": "1h", "pairs": pairs}
    (identifier_dir / "run_params.json").write_text(json.dumps(document))


@pytest.fixture
def models(tmp_path: Path) -> Path:
    """``models/proto1`` as FreqAI left it (three BTC trainings) plus one ETH training."""
    root = tmp_path / "models"
    proto = root / "proto1"
    for stamp in (T1, T2, T3):
        _training(proto, "BTC", stamp)
    _training(proto, "ETH", T2)
    _pair_dictionary(proto, {"BTC/USDT": T3, "ETH/USDT": T2})
    _run_params(proto, ["BTC/USDT", "ETH/USDT"])
    predictions = proto / "backtesting_predictions"
    predictions.mkdir()
    (predictions / f"cb_btc_{T1}_prediction.feather").write_bytes(b"f")
    return root


def _names(models: list[FreqAIModel]) -> list[str]:
    return [m.path.name for m in models]


# ---------------------------------------------------------------- discovery


def test_models_carry_pair_coin_time_files_and_metadata(models: Path) -> None:
    registry = FreqAIModelRegistry(models)
    found = registry.list_models("proto1")
    assert _names(found) == [
        f"sub-train-BTC_{T1}", f"sub-train-BTC_{T2}", f"sub-train-BTC_{T3}", f"sub-train-ETH_{T2}",
    ]  # fmt: skip
    first = found[0]
    assert (first.identifier, first.pair, first.coin) == ("proto1", "BTC/USDT", "BTC")
    assert first.trained_at == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert first.path == models / "proto1" / f"sub-train-BTC_{T1}"
    assert first.model_files == (first.path / f"cb_btc_{T1}_model.joblib",)
    assert first.metadata["model_filename"] == f"cb_btc_{T1}"
    assert found[3].pair == "ETH/USDT"
    assert hash(first) == hash(found[0])


def test_identifiers_ignore_unrelated_entries(models: Path) -> None:
    (models / "empty").mkdir()
    (models / "notes.txt").write_text("x")
    (models / "bad name").mkdir()
    _training(models / "bad name", "BTC", T1)
    (models / "a..b").mkdir()
    _run_params(models / "a..b", ["BTC/USDT"])
    (models / "link").symlink_to(models / "proto1", target_is_directory=True)
    _run_params(models / "only-params", ["BTC/USDT"])
    _training(models / "v2.lgbm", "SOL", T1)
    _pair_dictionary(models / "dict-only", {"BTC/USDT": T1})
    assert FreqAIModelRegistry(models).identifiers() == [
        "dict-only", "only-params", "proto1", "v2.lgbm",
    ]  # fmt: skip


def test_all_identifiers_are_listed_by_default(models: Path) -> None:
    _training(models / "other", "SOL", T1)
    found = FreqAIModelRegistry(models).list_models()
    assert [(m.identifier, m.coin) for m in found] == [
        ("other", "SOL"), *[("proto1", "BTC")] * 3, ("proto1", "ETH"),
    ]  # fmt: skip


def test_unrelated_entries_in_an_identifier_are_ignored(models: Path) -> None:
    proto = models / "proto1"
    (proto / "sub-train-BTC_123").mkdir()  # not FreqAI's 10-digit timestamp
    (proto / f"sub-train-XRP_{T1}").write_text("a file, not a training")
    (proto / f"sub-train-ADA_{T1}").symlink_to(proto / f"sub-train-BTC_{T1}")
    (proto / "historic_predictions.pkl").write_bytes(b"x")
    assert len(FreqAIModelRegistry(models).list_models("proto1")) == 4


def test_symlinked_identifier_has_no_models(models: Path) -> None:
    (models / "alias").symlink_to(models / "proto1", target_is_directory=True)
    assert FreqAIModelRegistry(models).list_models("alias") == []


def test_model_files_of_every_framework_are_found(tmp_path: Path) -> None:
    proto = tmp_path / "m" / "rl"
    sb3 = _training(proto, "BTC", T1, model_suffix=".zip")
    (sb3 / f"cb_btc_{T1}_model.h5").write_bytes(b"k")
    _training(proto, "ETH", T1, model_suffix=None)
    btc, eth = FreqAIModelRegistry(tmp_path / "m").list_models("rl")
    assert [p.name for p in btc.model_files] == [f"cb_btc_{T1}_model.h5", f"cb_btc_{T1}_model.zip"]
    assert eth.model_files == ()


# ---------------------------------------------------------------- pairs


def test_pair_of_a_futures_model_comes_from_the_pair_dictionary(tmp_path: Path) -> None:
    proto = tmp_path / "proto1"
    _training(proto, "BTC", T1)
    _training(proto, "BTC", T2)
    _pair_dictionary(proto, {"BTC/USDT:USDT": T2})
    models = FreqAIModelRegistry(tmp_path).list_models("proto1")
    assert [m.pair for m in models] == ["BTC/USDT:USDT", "BTC/USDT:USDT"]


def test_pair_dictionary_data_path_wins_when_a_coin_is_ambiguous(tmp_path: Path) -> None:
    proto = tmp_path / "proto1"
    _training(proto, "BTC", T1)
    _training(proto, "BTC", T2)
    _pair_dictionary(proto, {"BTC/USDT": T2, "BTC/BUSD": T3})
    first, second = FreqAIModelRegistry(tmp_path).list_models("proto1")
    assert (first.pair, second.pair) == ("BTC", "BTC/USDT")  # T1: no unique source left


def test_pair_falls_back_to_metadata_then_run_params_then_coin(tmp_path: Path) -> None:
    proto = tmp_path / "proto1"
    _training(proto, "BTC", T1, metadata={"pair": "BTC/USDC"})
    _training(proto, "ETH", T1)
    _training(proto, "SOL", T1)
    _run_params(proto, ["ETH/USDT", "ETH/USDT", 7])
    pairs = {m.coin: m.pair for m in FreqAIModelRegistry(tmp_path).list_models("proto1")}
    assert pairs == {"BTC": "BTC/USDC", "ETH": "ETH/USDT", "SOL": "SOL"}


def test_unreadable_pair_files_are_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    proto = tmp_path / "proto1"
    _training(proto, "BTC", T1)
    _pair_dictionary(proto, "{broken")
    _run_params(proto, "BTC/USDT")  # not a list
    with caplog.at_level(logging.WARNING):
        (model,) = FreqAIModelRegistry(tmp_path).list_models("proto1")
    assert model.pair == "BTC"
    assert "pair_dictionary.json" in caplog.text


def test_odd_pair_dictionary_entries_are_skipped(tmp_path: Path) -> None:
    proto = tmp_path / "proto1"
    _training(proto, "BTC", T1)
    (proto / "pair_dictionary.json").write_text(
        json.dumps({"ETH/USDT": [1], "BTC/USDT": {"data_path": ""}, "SOL/USDT": {}})
    )
    (model,) = FreqAIModelRegistry(tmp_path).list_models("proto1")
    assert model.pair == "BTC/USDT"  # by coin


def test_pair_filter_is_case_insensitive(models: Path) -> None:
    registry = FreqAIModelRegistry(models)
    assert _names(registry.list_models("proto1", " eth/usdt ")) == [f"sub-train-ETH_{T2}"]
    assert registry.list_models(pair="DOGE/USDT") == []


# ---------------------------------------------------------------- metadata


def test_metadata_reads_nan_as_none_and_tolerates_other_names(tmp_path: Path) -> None:
    proto = tmp_path / "proto1"
    nan = _training(proto, "BTC", T1, metadata='{"labels_std": {"&-s": NaN}}')
    renamed = _training(proto, "ETH", T1)
    (renamed / f"cb_eth_{T1}_metadata.json").rename(renamed / "custom_metadata.json")
    missing = _training(proto, "SOL", T1)
    (missing / f"cb_sol_{T1}_metadata.json").unlink()
    by_coin = {m.coin: m for m in FreqAIModelRegistry(tmp_path).list_models("proto1")}
    assert nan.name == by_coin["BTC"].path.name
    assert by_coin["BTC"].metadata == {"labels_std": {"&-s": None}}
    assert by_coin["ETH"].metadata["model_filename"] == f"cb_eth_{T1}"
    assert by_coin["SOL"].metadata == {}


def test_corrupt_metadata_is_empty_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _training(tmp_path / "proto1", "BTC", T1, metadata="{not json")
    with caplog.at_level(logging.WARNING):
        (model,) = FreqAIModelRegistry(tmp_path).list_models("proto1")
    assert model.metadata == {}
    assert f"cb_btc_{T1}_metadata.json" in caplog.text


# ---------------------------------------------------------------- latest


def test_latest_is_the_newest_training_of_the_pair(models: Path) -> None:
    registry = FreqAIModelRegistry(models)
    latest = registry.latest("proto1", "BTC/USDT")
    assert latest is not None
    assert latest.trained_at == dt.datetime(2024, 4, 30, tzinfo=dt.UTC)
    assert registry.latest("proto1", "DOGE/USDT") is None


def test_latest_per_pair_maps_each_pair_to_its_newest(models: Path) -> None:
    latest = FreqAIModelRegistry(models).latest_per_pair("proto1")
    assert {pair: m.path.name for pair, m in latest.items()} == {
        "BTC/USDT": f"sub-train-BTC_{T3}",
        "ETH/USDT": f"sub-train-ETH_{T2}",
    }


def test_missing_directories_give_empty_results(tmp_path: Path) -> None:
    registry = FreqAIModelRegistry(tmp_path / "nope")
    assert registry.identifiers() == []
    assert registry.list_models() == []
    assert registry.latest("proto1", "BTC/USDT") is None
    assert registry.latest_per_pair("proto1") == {}
    assert registry.cleanup("proto1") == []
    assert FreqAIModelRegistry(tmp_path).list_models("absent") == []


# ---------------------------------------------------------------- cleanup


def test_cleanup_dry_run_reports_without_removing(models: Path) -> None:
    proto = models / "proto1"
    doomed = FreqAIModelRegistry(models).cleanup("proto1", dry_run=True)
    assert doomed == [proto / f"sub-train-BTC_{T1}", proto / f"sub-train-BTC_{T2}"]
    assert all(path.is_dir() for path in doomed)


def test_cleanup_keeps_the_newest_per_pair_and_nothing_else_is_touched(models: Path) -> None:
    proto = models / "proto1"
    (proto / "sub-train-BTC_123").mkdir()
    before = {p.name for p in proto.iterdir()}
    removed = FreqAIModelRegistry(models).cleanup("proto1", keep=1)
    assert removed == [proto / f"sub-train-BTC_{T1}", proto / f"sub-train-BTC_{T2}"]
    assert {p.name for p in proto.iterdir()} == before - {p.name for p in removed}
    assert _names(FreqAIModelRegistry(models).list_models("proto1")) == [
        f"sub-train-BTC_{T3}", f"sub-train-ETH_{T2}",
    ]  # fmt: skip


def test_cleanup_keep_two_and_keep_more_than_there_are(models: Path) -> None:
    registry = FreqAIModelRegistry(models)
    assert registry.cleanup("proto1", keep=5) == []
    assert registry.cleanup("proto1", keep=2) == [models / "proto1" / f"sub-train-BTC_{T1}"]


def test_cleanup_never_removes_the_model_the_pair_dictionary_points_at(tmp_path: Path) -> None:
    proto = tmp_path / "proto1"
    for stamp in (T1, T2, T3):
        _training(proto, "BTC", stamp)
    _pair_dictionary(proto, {"BTC/USDT": T1})  # FreqAI still loads the oldest one
    removed = FreqAIModelRegistry(tmp_path).cleanup("proto1")
    assert removed == [proto / f"sub-train-BTC_{T2}"]
    assert (proto / f"sub-train-BTC_{T1}").is_dir()


@pytest.mark.parametrize("keep", [0, -1, True, 1.5, "1"])
def test_cleanup_keep_must_be_at_least_one(models: Path, keep: Any) -> None:
    with pytest.raises(ValidationError) as info:
        FreqAIModelRegistry(models).cleanup("proto1", keep=keep)
    assert info.value.field == "keep"
    assert len(FreqAIModelRegistry(models).list_models("proto1")) == 4


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "identifier", ["a/b", "..", "../proto1", "a..b", "", ".hidden", "x" * 129, 5, "sp ace"]
)
def test_malformed_identifiers_are_refused(models: Path, identifier: Any) -> None:
    registry = FreqAIModelRegistry(models)
    calls = [
        lambda: registry.list_models(identifier),
        lambda: registry.latest(identifier, "BTC/USDT"),
        lambda: registry.latest_per_pair(identifier),
        lambda: registry.cleanup(identifier),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == "identifier"


@pytest.mark.parametrize("pair", ["", "   ", 7])
def test_malformed_pair_is_refused(models: Path, pair: Any) -> None:
    with pytest.raises(ValidationError) as info:
        FreqAIModelRegistry(models).list_models("proto1", pair)
    assert info.value.field == "pair"


def test_models_dir_must_be_a_path() -> None:
    with pytest.raises(ValidationError) as info:
        FreqAIModelRegistry(3.5)  # type: ignore[arg-type]  # proving it is refused
    assert info.value.field == "models_dir"

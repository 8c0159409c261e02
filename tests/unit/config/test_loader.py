"""StrategyConfigLoader over a local directory ({root}/{name}/{version}.yaml|.yml|.json)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from tradai.common.config.catalog import StrategyConfig
from tradai.common.config.loader import ConfigDocument, ConfigSource, StrategyConfigLoader
from tradai.common.config.sources import (
    InMemoryConfigSource,
    LocalDirectoryConfigSource,
    S3ConfigSource,
)
from tradai.common.entrypoint.trading import StrategyConfigSource
from tradai.common.exceptions import ConfigurationError, NotFoundError, ValidationError

NAME = "PascalStrategy"
GOOD_YAML = "timeframe: 1h\npairs:\n  - BTC/USDT:USDT\nbuy_params:\n  rsi: 30\n"


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    base = tmp_path / "strategies"
    _write(base, f"{NAME}/1.2.0.yaml", GOOD_YAML)
    _write(base, f"{NAME}/1.9.0.yml", "timeframe: 4h\n")
    _write(base, f"{NAME}/1.10.0.json", json.dumps({"timeframe": "1d", "version": "1.10.0"}))
    _write(base, f"{NAME}/2.0.0-rc.1.yaml", "timeframe: 15m\n")
    _write(base, f"{NAME}/3.0.0+build.7.yaml", "timeframe: 5m\n")
    _write(base, f"{NAME}/README.md", "# notes\n")
    _write(base, f"{NAME}/9.0.yaml", "timeframe: 1m\n")
    _write(base, f"{NAME}/9.9.9.txt", "timeframe: 1m\n")
    (base / NAME / "8.0.0.yaml").mkdir()  # a directory is not a config
    return base


@pytest.fixture
def loader(root: Path) -> StrategyConfigLoader:
    return StrategyConfigLoader(source=LocalDirectoryConfigSource(root))


def test_specific_version_loads_as_a_dict_with_name_and_version_filled_in(
    loader: StrategyConfigLoader,
) -> None:
    config = loader.load_config(NAME, version="1.2.0")
    assert config == {
        "timeframe": "1h",
        "pairs": ["BTC/USDT:USDT"],
        "buy_params": {"rsi": 30},
        "name": NAME,
        "version": "1.2.0",
    }


def test_yml_and_json_files_load_too(loader: StrategyConfigLoader) -> None:
    assert loader.load_config(NAME, version="1.9.0")["timeframe"] == "4h"
    assert loader.load_config(NAME, version="1.10.0")["timeframe"] == "1d"


def test_latest_is_the_numerically_highest_release_ignoring_other_files(
    loader: StrategyConfigLoader,
) -> None:
    config = loader.load_config(NAME, version="latest")
    assert config["version"] == "1.10.0"
    assert loader.load_config(NAME)["version"] == "1.10.0"


def test_pre_release_and_build_versions_load_only_when_pinned(
    loader: StrategyConfigLoader,
) -> None:
    assert loader.load_config(NAME, version="2.0.0-rc.1")["timeframe"] == "15m"
    assert loader.load_config(NAME, version="3.0.0+build.7")["timeframe"] == "5m"


def test_latest_with_only_pre_releases_is_not_found(root: Path) -> None:
    _write(root, "Beta/1.0.0-beta.1.yaml", "timeframe: 1h\n")
    loader = StrategyConfigLoader(source=LocalDirectoryConfigSource(root))
    with pytest.raises(NotFoundError, match="pre-releases must be pinned") as info:
        loader.load_config("Beta")
    assert info.value.key == "Beta@latest"


def test_load_returns_a_validated_strategy_config(loader: StrategyConfigLoader) -> None:
    config = loader.load(NAME, version="1.2.0")
    assert isinstance(config, StrategyConfig)
    assert (config.name, config.version, config.timeframe) == (NAME, "1.2.0", "1h")
    assert config.buy_params == {"rsi": 30}
    assert loader.load(NAME).version == "1.10.0"


def test_load_of_a_pre_release_fails_strategy_config_validation(
    loader: StrategyConfigLoader,
) -> None:
    with pytest.raises(ValidationError) as info:
        loader.load(NAME, version="2.0.0-rc.1")
    assert info.value.field == "version"


def test_load_names_the_invalid_field(root: Path, loader: StrategyConfigLoader) -> None:
    _write(root, f"{NAME}/4.0.0.yaml", "timeframe: 1h\npairs: [NOT-A-PAIR]\n")
    with pytest.raises(ValidationError) as info:
        loader.load(NAME, version="4.0.0")
    assert info.value.field == "pairs"
    assert info.value.context == {"field": "pairs", "strategy_name": NAME, "version": "4.0.0"}
    assert "NOT-A-PAIR" not in str(info.value).split(":", 1)[0]


def test_missing_strategy_raises_not_found_naming_name_and_version(
    loader: StrategyConfigLoader,
) -> None:
    with pytest.raises(NotFoundError) as info:
        loader.load_config("OtherStrategy", version="1.0.0")
    assert "'OtherStrategy'" in str(info.value)
    assert "'1.0.0'" in str(info.value)
    assert info.value.resource == "strategy_config"
    assert info.value.key == "OtherStrategy@1.0.0"


def test_missing_version_raises_not_found(loader: StrategyConfigLoader) -> None:
    with pytest.raises(NotFoundError, match=r"'PascalStrategy' version '7\.0\.0' not found"):
        loader.load_config(NAME, version="7.0.0")


def test_a_strategy_path_that_is_a_file_is_not_found(root: Path) -> None:
    _write(root, "Flat", "not a folder")
    loader = StrategyConfigLoader(source=LocalDirectoryConfigSource(root))
    with pytest.raises(NotFoundError):
        loader.load_config("Flat")


def test_latest_of_an_empty_strategy_folder_is_not_found(root: Path) -> None:
    (root / "Empty").mkdir()
    loader = StrategyConfigLoader(source=LocalDirectoryConfigSource(root))
    with pytest.raises(NotFoundError, match="'Empty' version 'latest'"):
        loader.load_config("Empty")


def test_missing_root_is_a_configuration_error(tmp_path: Path) -> None:
    loader = StrategyConfigLoader(source=LocalDirectoryConfigSource(tmp_path / "absent"))
    with pytest.raises(ConfigurationError, match="config root is not a directory"):
        loader.load_config(NAME)


def test_two_files_for_one_version_are_ambiguous(root: Path, loader: StrategyConfigLoader) -> None:
    _write(root, f"{NAME}/1.10.0.yaml", "timeframe: 1d\n")
    with pytest.raises(ConfigurationError, match=r"ambiguous.*1\.10\.0\.json, 1\.10\.0\.yaml"):
        loader.load_config(NAME)


def test_a_file_naming_another_strategy_is_refused(
    root: Path, loader: StrategyConfigLoader
) -> None:
    _write(root, f"{NAME}/5.0.0.yaml", "name: OtherStrategy\ntimeframe: 1h\n")
    with pytest.raises(ConfigurationError, match="has name 'OtherStrategy'"):
        loader.load_config(NAME, version="5.0.0")


def test_a_file_copied_to_a_new_version_without_editing_is_refused(
    root: Path, loader: StrategyConfigLoader
) -> None:
    _write(root, f"{NAME}/5.0.0.yaml", "version: 1.2.0\ntimeframe: 1h\n")
    with pytest.raises(ConfigurationError, match=r"has version '1\.2\.0', expected '5\.0\.0'"):
        loader.load_config(NAME)


def test_unquoted_yaml_dates_are_refused_as_not_json_data(
    root: Path, loader: StrategyConfigLoader
) -> None:
    _write(root, f"{NAME}/5.0.0.yaml", "timeframe: 1h\nstart: 2024-01-01\n")
    with pytest.raises(ConfigurationError, match=r"not JSON data.*config\.start"):
        loader.load_config(NAME, version="5.0.0")


def test_unparsable_yaml_is_a_configuration_error(root: Path, loader: StrategyConfigLoader) -> None:
    _write(root, f"{NAME}/5.0.0.yaml", "timeframe: [1h\n")
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        loader.load_config(NAME, version="5.0.0")


def test_each_call_returns_a_new_dict(loader: StrategyConfigLoader) -> None:
    first = loader.load_config(NAME, version="1.2.0")
    first["pairs"].append("ETH/USDT")
    assert loader.load_config(NAME, version="1.2.0")["pairs"] == ["BTC/USDT:USDT"]


def test_a_symlinked_strategy_folder_leading_out_of_the_root_is_refused(
    tmp_path: Path, root: Path
) -> None:
    outside = tmp_path / "outside"
    _write(outside, "1.0.0.yaml", "timeframe: 1h\n")
    (root / "Escape").symlink_to(outside, target_is_directory=True)
    loader = StrategyConfigLoader(source=LocalDirectoryConfigSource(root))
    with pytest.raises(ValidationError, match="outside its base directory"):
        loader.load_config("Escape")


def test_a_symlinked_file_leading_out_of_the_root_is_refused(tmp_path: Path, root: Path) -> None:
    secret = _write(tmp_path, "secret.yaml", "timeframe: 1h\n")
    (root / NAME / "6.0.0.yaml").symlink_to(secret)
    loader = StrategyConfigLoader(source=LocalDirectoryConfigSource(root))
    with pytest.raises(ValidationError, match="outside its base directory"):
        loader.load_config(NAME, version="6.0.0")


def test_an_unlistable_folder_is_a_configuration_error(
    loader: StrategyConfigLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Any) -> Any:  # root bypasses permissions, so simulate EACCES
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "scandir", refuse)
    with pytest.raises(ConfigurationError, match=r"cannot list .*Permission denied"):
        loader.load_config(NAME)


@pytest.mark.parametrize(
    "name",
    [
        "../etc",
        "Pascal/Strategy",
        "PascalStrategy\n",
        " PascalStrategy",
        "-x",
        "Pascal;rm",
        "Pаscal",
        "",
        "..",
    ],
)
def test_invalid_names_are_rejected_before_storage_is_touched(tmp_path: Path, name: str) -> None:
    loader = StrategyConfigLoader(source=LocalDirectoryConfigSource(tmp_path / "absent"))
    with pytest.raises(ValidationError) as info:  # not ConfigurationError: root never checked
        loader.load_config(name, version="1.0.0")
    assert info.value.field == "strategy_name"


@pytest.mark.parametrize(
    "version",
    [
        "1.0",
        "01.0.0",
        "1.0.0\n",
        " 1.0.0",
        "v1.0.0",
        "1.0.0/../x",
        "１.0.0",
        "Latest",
        "Production",
        "7",
        "1.0.0;rm",
        "",
    ],
)
def test_invalid_versions_are_rejected_before_storage_is_touched(
    tmp_path: Path, version: str
) -> None:
    loader = StrategyConfigLoader(source=LocalDirectoryConfigSource(tmp_path / "absent"))
    with pytest.raises(ValidationError) as info:
        loader.load_config(NAME, version=version)
    assert info.value.field == "version"


@pytest.mark.parametrize("bad_root", ["", "/srv/../etc", "/srv/a\x00b", " /srv"])
def test_an_unsafe_local_root_is_rejected(bad_root: str) -> None:
    with pytest.raises(ValidationError) as info:
        LocalDirectoryConfigSource(bad_root)
    assert info.value.field == "root"


def test_local_source_root_is_absolute_and_shown_in_repr(tmp_path: Path) -> None:
    source = LocalDirectoryConfigSource(tmp_path)
    assert source.root == tmp_path.resolve()
    assert repr(source) == f"LocalDirectoryConfigSource({str(tmp_path.resolve())!r})"


def test_from_location_picks_the_source_by_scheme(tmp_path: Path) -> None:
    local = StrategyConfigLoader.from_location(tmp_path)
    assert isinstance(local.source, LocalDirectoryConfigSource)
    remote = StrategyConfigLoader.from_location("s3://tradai-configs/strategies")
    assert isinstance(remote.source, S3ConfigSource)
    assert (
        repr(remote)
        == "StrategyConfigLoader(source=S3ConfigSource('s3://tradai-configs/strategies'))"
    )


def test_debug_log_names_what_was_loaded(
    loader: StrategyConfigLoader, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="tradai.common.config.loader"):
        loader.load_config(NAME)
    assert "loaded strategy config PascalStrategy@1.10.0 from" in caplog.text


def test_loader_fits_the_trading_and_source_protocols() -> None:
    source: ConfigSource = InMemoryConfigSource({NAME: {"1.0.0": {"timeframe": "1h"}}})
    trading_source: StrategyConfigSource = StrategyConfigLoader(source=source)
    assert trading_source.load_config(NAME, version="latest")["version"] == "1.0.0"


def test_a_custom_source_plugs_in() -> None:
    class MlflowLikeSource:
        """What an MLflow source would do: resolve and return a document."""

        def fetch(self, strategy_name: str, version: str) -> ConfigDocument:
            return ConfigDocument(
                strategy_name, "2.1.0", "mlflow://models/x/3", {"timeframe": "1h"}
            )

    loader = StrategyConfigLoader(source=MlflowLikeSource())
    assert loader.load(NAME).version == "2.1.0"

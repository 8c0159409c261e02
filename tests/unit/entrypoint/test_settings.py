"""EntrypointSettings: defaults, environment parsing and near-miss rejection."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from tradai.common.entrypoint.settings import (
    EntrypointSettings,
    TradingMode,
    validate_strategy_version,
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in EntrypointSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def test_defaults_are_safe() -> None:
    settings = EntrypointSettings(strategy_name="PascalStrategy")
    assert settings.trading_mode is TradingMode.DRY_RUN
    assert settings.strategy_version == "latest"
    assert settings.config_path is None
    assert settings.config_version is None


def test_strategy_name_is_required() -> None:
    with pytest.raises(pydantic.ValidationError, match="strategy_name"):
        EntrypointSettings.load()


@pytest.mark.parametrize("raw", ["live", "LIVE", "Live"])
def test_trading_mode_env_is_case_insensitive(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("STRATEGY_NAME", "PascalStrategy")
    monkeypatch.setenv("TRADING_MODE", raw)
    assert EntrypointSettings.load().trading_mode is TradingMode.LIVE


@pytest.mark.parametrize("raw", ["paper", "live ", " live", "LIVЕ", "dry-run", ""])
def test_unknown_trading_modes_are_rejected(raw: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="trading_mode"):
        EntrypointSettings(strategy_name="S", trading_mode=raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "version", ["latest", "Production", "Staging", "Archived", "None", "1", "42"]
)
def test_strategy_version_accepts_mlflow_specifiers(version: str) -> None:
    assert validate_strategy_version(version) == version


@pytest.mark.parametrize(
    "version", ["", "0", "01", "production", "Production ", "1.0", "-1", "１", "latest\n", 3]
)
def test_strategy_version_rejects_near_misses(version: object) -> None:
    with pytest.raises(ValueError, match="strategy version"):
        validate_strategy_version(version)  # type: ignore[arg-type]


def test_strategy_version_field_is_validated() -> None:
    with pytest.raises(pydantic.ValidationError, match="strategy_version"):
        EntrypointSettings(strategy_name="S", strategy_version="v1")


@pytest.mark.parametrize("name", ["1Strategy", "Pascal Strategy", "-x", "Pascal;rm"])
def test_strategy_name_near_misses_are_rejected(name: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="strategy_name"):
        EntrypointSettings(strategy_name=name)


def test_config_path_accepts_s3_uris_and_makes_local_paths_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    s3 = EntrypointSettings(strategy_name="S", config_path="s3://configs-bucket/s/v1.yaml")
    assert s3.config_path == "s3://configs-bucket/s/v1.yaml"
    local = EntrypointSettings(strategy_name="S", config_path="conf/s.yaml")
    assert local.config_path == str(tmp_path.resolve() / "conf" / "s.yaml")


@pytest.mark.parametrize(
    "path", ["../etc/passwd", "/srv/../x", "a\x00b", "s3://Bad_Bucket/x", "s3://bucket-ok/", " x"]
)
def test_config_path_near_misses_are_rejected(path: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="config_path"):
        EntrypointSettings(strategy_name="S", config_path=path)


@pytest.mark.parametrize("version", ["cfg-1", "a1b2c3"])
def test_config_version_is_an_identifier(version: str) -> None:
    assert EntrypointSettings(strategy_name="S", config_version=version).config_version == version
    with pytest.raises(pydantic.ValidationError, match="config_version"):
        EntrypointSettings(strategy_name="S", config_version=f"{version};rm")

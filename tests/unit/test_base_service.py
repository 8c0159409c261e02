"""BaseService: settings_class validated at definition, layered settings, a logger."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
from pydantic import Field

from tradai.common.base_service import BaseService
from tradai.common.exceptions import ConfigurationError
from tradai.common.logger_mixin import LoggerMixin
from tradai.common.settings import Settings


class QuoteSettings(Settings):
    bsq_symbols: list[str] = Field(default_factory=lambda: ["BTC/USDT"])
    bsq_interval_s: int = 60


class QuoteService(BaseService):
    settings_class = QuoteSettings
    settings: QuoteSettings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in QuoteSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def test_service_loads_its_settings_from_env_and_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BSQ_INTERVAL_S", "5")
    service = QuoteService()
    assert isinstance(service.settings, QuoteSettings)
    assert service.settings.bsq_interval_s == 5
    assert service.settings.bsq_symbols == ["BTC/USDT"]


def test_service_layers_a_config_file_under_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "quotes.yaml"
    config.write_text("bsq_interval_s: 10\nbsq_symbols: [ETH/USDT]\n")
    monkeypatch.setenv("BSQ_INTERVAL_S", "20")
    service = QuoteService(config_file=config)
    assert service.settings.bsq_interval_s == 20
    assert service.settings.bsq_symbols == ["ETH/USDT"]


def test_service_accepts_ready_settings() -> None:
    settings = QuoteSettings(bsq_interval_s=1)
    assert QuoteService(settings=settings).settings is settings


def test_settings_of_the_wrong_class_are_refused() -> None:
    class OtherSettings(Settings):
        pass

    with pytest.raises(TypeError, match="QuoteSettings"):
        QuoteService(settings=OtherSettings())


def test_settings_and_config_file_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        QuoteService(settings=QuoteSettings(), config_file=tmp_path / "x.yaml")


def test_missing_config_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        QuoteService(config_file=tmp_path / "absent.yaml")


def test_invalid_settings_raise_pydantic_validation_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BSQ_INTERVAL_S", "soon")
    with pytest.raises(pydantic.ValidationError):
        QuoteService()


def test_subclass_without_settings_class_fails_at_definition() -> None:
    with pytest.raises(TypeError, match="settings_class"):

        class Broken(BaseService):
            pass


@pytest.mark.parametrize("bad", [dict, object(), "QuoteSettings", pydantic.BaseModel, None])
def test_settings_class_must_be_a_settings_subclass(bad: object) -> None:
    with pytest.raises(TypeError, match="settings_class"):

        class Broken(BaseService):
            settings_class = bad  # type: ignore[assignment]  # the mistake under test


def test_abstract_intermediate_bases_are_allowed_but_not_instantiable() -> None:
    class Intermediate(BaseService, abstract=True):
        pass

    class Concrete(Intermediate):
        settings_class = QuoteSettings

    with pytest.raises(TypeError, match="abstract"):
        Intermediate()
    with pytest.raises(TypeError, match="abstract"):
        BaseService()
    assert isinstance(Concrete().settings, QuoteSettings)


def test_subclasses_inherit_a_valid_settings_class() -> None:
    class Child(QuoteService):
        pass

    assert Child().settings.bsq_interval_s == 60


def test_service_has_a_logger_and_a_secret_safe_repr() -> None:
    service = QuoteService()
    assert isinstance(service, LoggerMixin)
    assert service.logger.name.endswith("QuoteService")
    assert repr(service).startswith("QuoteService(settings=QuoteSettings(")

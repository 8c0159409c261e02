"""Settings: strict/frozen config, env coercion, layered loading and config-file errors."""

from __future__ import annotations

import enum
import json
from pathlib import Path

import pydantic
import pytest
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from tradai.common.exceptions import ConfigurationError
from tradai.common.settings import (
    MAX_CONFIG_FILE_BYTES,
    ConfigFileSettingsSource,
    SafePath,
    Settings,
)


class Colour(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class DemoSettings(Settings):
    tsx_workers: int = 2
    tsx_enabled: bool = False
    tsx_tags: list[str] = Field(default_factory=list)
    tsx_ratio: float = 0.5
    tsx_colour: Colour = Colour.RED
    tsx_home: SafePath = Path("/srv")
    tsx_password: SecretStr | None = None
    tsx_name: str = "default"


class PrefixedSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="TSXP_")

    port: int = 8000


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in DemoSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("TSXP_PORT", raising=False)
    monkeypatch.delenv("PORT", raising=False)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- model configuration


def test_settings_are_strict_frozen_forbid_extra_and_hide_input() -> None:
    config = Settings.model_config
    assert config["strict"] is True
    assert config["frozen"] is True
    assert config["extra"] == "forbid"
    assert config["hide_input_in_errors"] is True


def test_defaults_apply_when_no_source_sets_a_field() -> None:
    settings = DemoSettings.load()
    assert settings.tsx_workers == 2
    assert settings.tsx_home == Path("/srv")


def test_settings_are_immutable() -> None:
    settings = DemoSettings.load()
    with pytest.raises(pydantic.ValidationError):
        settings.tsx_workers = 3  # type: ignore[misc]  # proving the model is frozen


def test_strict_mode_refuses_a_string_for_an_int_override() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        DemoSettings.load(tsx_workers="5")
    assert "tsx_workers" in str(info.value)


def test_unknown_override_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        DemoSettings.load(tsx_unknown=1)
    assert "tsx_unknown" in str(info.value)


def test_errors_hide_the_rejected_input() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        DemoSettings.load(tsx_workers="hunter2-secret")
    assert "hunter2-secret" not in str(info.value)


def test_secret_field_is_masked_in_repr_and_json_dump() -> None:
    settings = DemoSettings.load(tsx_password=SecretStr("hunter2"))
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in settings.model_dump_json()
    assert settings.tsx_password is not None
    assert settings.tsx_password.get_secret_value() == "hunter2"


# ---------------------------------------------------------------- environment variables


@pytest.mark.parametrize(
    ("variable", "raw", "field", "expected"),
    [
        ("TSX_WORKERS", "5", "tsx_workers", 5),
        ("TSX_ENABLED", "true", "tsx_enabled", True),
        ("TSX_ENABLED", "1", "tsx_enabled", True),
        ("TSX_ENABLED", "false", "tsx_enabled", False),
        ("TSX_TAGS", '["a", "b"]', "tsx_tags", ["a", "b"]),
        ("TSX_RATIO", "0.25", "tsx_ratio", 0.25),
        ("TSX_COLOUR", "blue", "tsx_colour", Colour.BLUE),
        ("TSX_HOME", "/var/lib", "tsx_home", Path("/var/lib")),
    ],
)
def test_env_strings_are_coerced_despite_strict_mode(
    monkeypatch: pytest.MonkeyPatch, variable: str, raw: str, field: str, expected: object
) -> None:
    monkeypatch.setenv(variable, raw)
    assert getattr(DemoSettings.load(), field) == expected


def test_env_secret_becomes_secretstr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TSX_PASSWORD", "hunter2")
    settings = DemoSettings.load()
    assert isinstance(settings.tsx_password, SecretStr)
    assert "hunter2" not in repr(settings)


def test_env_variable_names_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("tsx_workers", "7")
    assert DemoSettings.load().tsx_workers == 7


def test_invalid_env_value_raises_validation_error_naming_the_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TSX_WORKERS", "many")
    with pytest.raises(pydantic.ValidationError) as info:
        DemoSettings.load()
    assert "tsx_workers" in str(info.value)
    assert "many" not in str(info.value)


def test_env_path_with_traversal_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TSX_HOME", "/srv/../etc")
    with pytest.raises(pydantic.ValidationError):
        DemoSettings.load()


def test_subclass_env_prefix_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "1")
    monkeypatch.setenv("TSXP_PORT", "9001")
    assert PrefixedSettings.load().port == 9001
    assert PrefixedSettings.model_config["strict"] is True


# ---------------------------------------------------------------- layered loading


def test_precedence_is_override_then_env_then_file_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _write(tmp_path, "c.yaml", "tsx_workers: 3\ntsx_name: from-file\ntsx_ratio: 0.9\n")
    monkeypatch.setenv("TSX_WORKERS", "4")
    monkeypatch.setenv("TSX_NAME", "from-env")
    settings = DemoSettings.load(config, tsx_name="from-override")
    assert settings.tsx_name == "from-override"
    assert settings.tsx_workers == 4
    assert settings.tsx_ratio == 0.9
    assert settings.tsx_enabled is False


def test_yaml_file_values_are_validated_with_json_rules(tmp_path: Path) -> None:
    config = _write(
        tmp_path,
        "c.yml",
        "tsx_colour: blue\ntsx_home: /opt/x\ntsx_password: hunter2\ntsx_tags: [a]\n",
    )
    settings = DemoSettings.load(config_file=config)
    assert settings.tsx_colour is Colour.BLUE
    assert settings.tsx_home == Path("/opt/x")
    assert settings.tsx_tags == ["a"]
    assert isinstance(settings.tsx_password, SecretStr)


def test_json_file_is_loaded(tmp_path: Path) -> None:
    config = _write(tmp_path, "c.json", json.dumps({"tsx_workers": 8, "tsx_enabled": True}))
    settings = DemoSettings.load(str(config))
    assert (settings.tsx_workers, settings.tsx_enabled) == (8, True)


def test_file_string_for_int_field_is_rejected_naming_the_field(tmp_path: Path) -> None:
    config = _write(tmp_path, "c.yaml", "tsx_workers: '5'\n")
    with pytest.raises(pydantic.ValidationError) as info:
        DemoSettings.load(config)
    assert "tsx_workers" in str(info.value)


def test_unknown_key_in_file_is_rejected(tmp_path: Path) -> None:
    config = _write(tmp_path, "c.yaml", "tsx_wokers: 3\n")
    with pytest.raises(pydantic.ValidationError) as info:
        DemoSettings.load(config)
    assert "tsx_wokers" in str(info.value)


def test_empty_yaml_file_means_defaults(tmp_path: Path) -> None:
    config = _write(tmp_path, "c.yaml", "")
    assert DemoSettings.load(config).tsx_workers == 2


def test_config_file_applies_only_to_its_own_load_call(tmp_path: Path) -> None:
    config = _write(tmp_path, "c.yaml", "tsx_workers: 3\n")
    assert DemoSettings.load(config).tsx_workers == 3
    assert DemoSettings().tsx_workers == 2


def test_required_field_missing_everywhere_raises_validation_error() -> None:
    class NeedsBucket(Settings):
        tsx_bucket: str

    with pytest.raises(pydantic.ValidationError) as info:
        NeedsBucket.load()
    assert "tsx_bucket" in str(info.value)


# ---------------------------------------------------------------- config file errors


def test_missing_config_file_raises_configuration_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    with pytest.raises(ConfigurationError) as info:
        DemoSettings.load(missing)
    assert str(missing) in str(info.value)
    assert info.value.setting == "config_file"


def test_directory_as_config_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(ConfigurationError, match="not a regular file"):
        DemoSettings.load(folder)


@pytest.mark.parametrize("name", ["c.toml", "c", "c.yaml.bak"])
def test_unsupported_config_file_type_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigurationError, match=r"\.yaml, \.yml or \.json"):
        DemoSettings.load(_write(tmp_path, name, "x"))


def test_unparsable_yaml_reports_position_but_not_content(tmp_path: Path) -> None:
    config = _write(tmp_path, "c.yaml", "tsx_name: ok\ntsx_password: [hunter2-secret\n")
    with pytest.raises(ConfigurationError) as info:
        DemoSettings.load(config)
    message = str(info.value)
    assert "not valid YAML at line" in message
    assert "hunter2-secret" not in message


def test_unparsable_json_reports_position(tmp_path: Path) -> None:
    config = _write(tmp_path, "c.json", '{"tsx_workers": }')
    with pytest.raises(ConfigurationError, match="not valid JSON at line 1, column 17"):
        DemoSettings.load(config)


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "1: one\n"])
def test_top_level_must_be_a_mapping_with_string_keys(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigurationError, match="mapping with string keys"):
        DemoSettings.load(_write(tmp_path, "c.yaml", text))


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"tsx_name: \xff\xfe\n")
    with pytest.raises(ConfigurationError, match="not UTF-8"):
        DemoSettings.load(path)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"#" * (MAX_CONFIG_FILE_BYTES + 1))
    with pytest.raises(ConfigurationError, match="larger than"):
        DemoSettings.load(path)


@pytest.mark.parametrize("name", ["", "c\x00.yaml", "c\n.yaml"])
def test_config_path_that_is_empty_or_has_control_characters_is_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match="non-empty string"):
        DemoSettings.load(name)


def test_unreadable_file_raises_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _write(tmp_path, "c.yaml", "tsx_workers: 3\n")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(ConfigurationError, match="Permission denied"):
        DemoSettings.load(config)


# ---------------------------------------------------------------- the source itself


def test_config_file_source_serves_field_values_and_has_a_safe_repr() -> None:
    source = ConfigFileSettingsSource(DemoSettings, {"tsx_workers": 3, "tsx_password": "pw"})
    field = DemoSettings.model_fields["tsx_workers"]
    assert source.get_field_value(field, "tsx_workers") == (3, "tsx_workers", False)
    assert source()["tsx_workers"] == 3
    assert "pw" not in repr(source).replace("password", "")


def test_config_file_source_passes_misfits_through_for_the_model_to_report() -> None:
    source = ConfigFileSettingsSource(DemoSettings, {"tsx_workers": "3", "other": 1})
    assert source() == {"tsx_workers": "3", "other": 1}

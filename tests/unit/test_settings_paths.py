"""Path types of the settings module: traversal, control characters, existence, containment."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.settings import (
    ExistingDir,
    ExistingFile,
    SafePath,
    SafeRelativePath,
    Settings,
    resolve_within,
    validate_safe_path,
    validate_safe_relative_path,
)


class PathSettings(Settings):
    tsp_any: SafePath = Path("/srv")
    tsp_rel: SafeRelativePath = Path("data")


NEAR_MISSES = [
    "",
    "/srv/../etc/passwd",
    "../x",
    "a/../../b",
    "/srv/x\x00y",
    "/srv/x\n",
    " /srv/x",
    "/srv/x ",
    "/srv/\tx",
    "/srv/x\x7f",
]


@pytest.mark.parametrize("value", ["/srv/data", Path("/srv/data"), "/srv/./data//"])
def test_safe_path_accepts_str_and_path_and_normalises(value: str | Path) -> None:
    assert validate_safe_path(value) == Path("/srv/data")


def test_safe_path_makes_relative_paths_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert validate_safe_path("sub/file.txt") == tmp_path.resolve() / "sub" / "file.txt"


@pytest.mark.parametrize("value", NEAR_MISSES)
def test_safe_path_rejects_near_misses(value: str) -> None:
    with pytest.raises(ValueError, match="path"):
        validate_safe_path(value)


@pytest.mark.parametrize("value", [42, b"/srv", None])
def test_safe_path_rejects_non_strings(value: object) -> None:
    with pytest.raises(ValueError, match="expected a path string"):
        validate_safe_path(value)


def test_safe_path_field_works_in_strict_settings_from_python_str() -> None:
    assert PathSettings.load(tsp_any="/opt/app").tsp_any == Path("/opt/app")


@pytest.mark.parametrize("value", NEAR_MISSES)
def test_safe_path_field_near_misses_raise_pydantic_validation_error(value: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        PathSettings.load(tsp_any=value)
    assert "tsp_any" in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"), [("a/b", "a/b"), ("./a//b", "a/b"), (".", "."), ("x.csv", "x.csv")]
)
def test_safe_relative_path_accepts_and_normalises(value: str, expected: str) -> None:
    assert validate_safe_relative_path(value).as_posix() == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("/abs", "relative"),
        ("\\\\server\\share", "relative"),
        ("a/../b", "'..'"),
        ("-rf", "'-'"),
        ("a\x00", "control"),
        ("", "empty"),
    ],
)
def test_safe_relative_path_rejects(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validate_safe_relative_path(value)


def test_safe_relative_path_field_stays_relative() -> None:
    assert PathSettings.load(tsp_rel="models/v1").tsp_rel == Path("models/v1")


def test_existing_file_and_dir_types_check_existence(tmp_path: Path) -> None:
    file = tmp_path / "f.txt"
    file.write_text("x")

    class Needs(Settings):
        tsp_file: ExistingFile
        tsp_dir: ExistingDir

    ok = Needs.load(tsp_file=str(file), tsp_dir=tmp_path)
    assert ok.tsp_file == file.resolve()
    assert ok.tsp_dir == tmp_path.resolve()
    with pytest.raises(pydantic.ValidationError, match="not a regular file"):
        Needs.load(tsp_file=tmp_path, tsp_dir=tmp_path)
    with pytest.raises(pydantic.ValidationError, match="not a directory"):
        Needs.load(tsp_file=file, tsp_dir=file)


def test_resolve_within_joins_under_base(tmp_path: Path) -> None:
    assert resolve_within(tmp_path, "a/b.csv") == tmp_path.resolve() / "a" / "b.csv"


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "a\x00", "-x"])
def test_resolve_within_rejects_unsafe_relative_paths(tmp_path: Path, relative: str) -> None:
    with pytest.raises(ValidationError) as info:
        resolve_within(tmp_path, relative)
    assert info.value.field == "path"


def test_resolve_within_rejects_symlink_escape(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "link").symlink_to(tmp_path)
    with pytest.raises(ValidationError, match="outside its base"):
        resolve_within(base, "link/secret.txt")

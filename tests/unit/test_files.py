"""Atomic file writes (tradai.common._files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tradai.common._files import atomic_destination, write_text_atomic


def test_atomic_destination_moves_the_file_into_place_and_creates_parents(
    tmp_path: Path,
) -> None:
    final = tmp_path / "deep" / "dir" / "out.bin"
    with atomic_destination(final) as temp:
        assert temp.parent == final.parent
        temp.write_bytes(b"done")
        assert not final.exists()
    assert final.read_bytes() == b"done"
    assert list(final.parent.iterdir()) == [final]


def test_atomic_destination_leaves_nothing_behind_on_error(tmp_path: Path) -> None:
    final = tmp_path / "out.bin"
    final.write_bytes(b"old")

    def fail_halfway() -> None:
        with atomic_destination(final) as temp:
            temp.write_bytes(b"half")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_halfway()
    assert final.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [final]


def test_atomic_destination_removes_the_directories_it_created_on_error(tmp_path: Path) -> None:
    final = tmp_path / "a" / "b" / "out.bin"

    def fail() -> None:
        with atomic_destination(final):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail()
    assert list(tmp_path.iterdir()) == []


def test_written_files_get_the_umask_permissions_like_open(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        written = write_text_atomic(tmp_path / "report.html", "<html></html>")
    finally:
        os.umask(old)
    assert written.read_text() == "<html></html>"
    assert written.stat().st_mode & 0o777 == 0o644

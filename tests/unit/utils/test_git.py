"""Behaviour of tradai.common.utils.git against real temporary git repositories."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tradai.common.utils import git as ugit

IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git config, and no repository above the test's tmp_path."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *IDENTITY, "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def make_repo(path: Path, *, commit: bool = True, object_format: str | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    extra = [f"--object-format={object_format}"] if object_format else []
    git(path, "init", "-q", "-b", "main", *extra)
    if commit:
        (path / "tracked.txt").write_text("one\n")
        git(path, "add", "tracked.txt")
        git(path, "commit", "-q", "-m", "first")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def fake_git(directory: Path, script: str) -> Path:
    """Put an executable named ``git`` (a shell script) in ``directory``."""
    directory.mkdir(exist_ok=True)
    exe = directory / "git"
    exe.write_text(f"#!/bin/sh\n{script}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return directory


# ------------------------------------------------------------------------------------ commit


def test_commit_is_the_full_hash_of_head(repo: Path) -> None:
    commit = ugit.get_git_commit(repo)
    assert commit == git(repo, "rev-parse", "HEAD")
    assert commit is not None
    assert re.fullmatch(r"[0-9a-f]{40}", commit)


def test_short_commit_is_the_first_seven_hex_digits(repo: Path) -> None:
    full = ugit.get_git_commit(repo)
    assert full is not None
    assert ugit.get_git_commit(repo, short=True) == full[:7]
    assert ugit.get_git_commit(repo, True) == full[:7]


def test_commit_works_from_a_subdirectory_and_the_current_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = git(repo, "rev-parse", "HEAD")
    sub = repo / "deep" / "er"
    sub.mkdir(parents=True)
    assert ugit.get_git_commit(sub) == expected
    assert ugit.get_git_commit(str(sub)) == expected
    monkeypatch.chdir(sub)
    assert ugit.get_git_commit() == expected


def test_commit_of_a_sha256_repository_is_64_hex_digits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "sha256", object_format="sha256")
    commit = ugit.get_git_commit(repo)
    assert commit is not None
    assert re.fullmatch(r"[0-9a-f]{64}", commit)


def test_commit_is_none_in_a_repository_without_commits(tmp_path: Path) -> None:
    assert ugit.get_git_commit(make_repo(tmp_path / "empty", commit=False)) is None


def test_a_path_with_shell_metacharacters_is_passed_literally(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "a;b $(touch pwned) `id` | c")
    assert ugit.get_git_commit(repo) == git(repo, "rev-parse", "HEAD")
    assert not (tmp_path / "pwned").exists()


def test_git_dir_in_the_environment_does_not_redirect_the_lookup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_repo(tmp_path / "first")
    second = make_repo(tmp_path / "second")
    (second / "tracked.txt").write_text("different\n")
    git(second, "commit", "-q", "-am", "second")
    monkeypatch.setenv("GIT_DIR", str(first / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(first))
    assert ugit.get_git_commit(second) == git(second, "--git-dir", ".git", "rev-parse", "HEAD")


# ------------------------------------------------------------------------------------ branch


def test_branch_names_the_checked_out_branch(repo: Path) -> None:
    assert ugit.get_git_branch(repo) == "main"
    git(repo, "checkout", "-q", "-b", "feature/x")
    assert ugit.get_git_branch(repo) == "feature/x"


def test_branch_is_none_for_a_detached_head(repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach")
    assert ugit.get_git_branch(repo) is None
    assert ugit.get_git_commit(repo) is not None


def test_branch_names_the_unborn_branch_of_an_empty_repository(tmp_path: Path) -> None:
    assert ugit.get_git_branch(make_repo(tmp_path / "empty", commit=False)) == "main"


# ------------------------------------------------------------------------------------- dirty


def test_a_fresh_checkout_is_clean(repo: Path) -> None:
    assert ugit.is_git_dirty(repo) is False
    assert ugit.is_git_dirty(repo, untracked=True) is False


def test_modified_or_staged_tracked_files_make_it_dirty(repo: Path) -> None:
    (repo / "tracked.txt").write_text("two\n")
    assert ugit.is_git_dirty(repo) is True
    git(repo, "add", "tracked.txt")
    assert ugit.is_git_dirty(repo) is True


def test_untracked_files_count_only_when_asked(repo: Path) -> None:
    (repo / "new.py").write_text("x = 1\n")
    assert ugit.is_git_dirty(repo) is False
    assert ugit.is_git_dirty(repo, untracked=True) is True


def test_dirty_check_leaves_no_index_lock_behind(repo: Path) -> None:
    ugit.is_git_dirty(repo)
    assert not (repo / ".git" / "index.lock").exists()


# ------------------------------------------------------------------------------------ remote


def test_remote_is_none_when_there_is_no_origin(repo: Path) -> None:
    assert ugit.get_git_remote(repo) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/strategies.git", "https://github.com/acme/strategies.git"),
        ("https://user:s3cr3t-token@github.com/acme/s.git", "https://github.com/acme/s.git"),
        ("https://x-access-token@github.com/acme/s.git", "https://github.com/acme/s.git"),
        ("ssh://git@host:22/acme/s.git", "ssh://host:22/acme/s.git"),
        ("git@github.com:acme/strategies.git", "git@github.com:acme/strategies.git"),
    ],
)
def test_remote_url_never_carries_credentials(repo: Path, url: str, expected: str) -> None:
    git(repo, "remote", "add", "origin", url)
    assert ugit.get_git_remote(repo) == expected


def test_remote_can_be_read_by_name_and_odd_names_are_not_passed_to_git(repo: Path) -> None:
    git(repo, "remote", "add", "upstream", "https://example.com/u.git")
    assert ugit.get_git_remote(repo, "upstream") == "https://example.com/u.git"
    for name in ("", "-v", "--help", "up\nstream", "nope"):
        assert ugit.get_git_remote(repo, name) is None


# -------------------------------------------------------------------------------------- info


def test_git_info_collects_every_field(repo: Path) -> None:
    git(repo, "remote", "add", "origin", "https://tok@example.com/r.git")
    info = ugit.get_git_info(repo)
    commit = git(repo, "rev-parse", "HEAD")
    assert info == ugit.GitInfo(
        commit=commit, branch="main", dirty=False, remote="https://example.com/r.git"
    )
    assert info.short_commit == commit[:7]


def test_git_info_is_frozen() -> None:
    info = ugit.GitInfo(commit=None, branch=None, dirty=None, remote=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.commit = "abc"  # type: ignore[misc]  # proving immutability
    assert info.short_commit is None


# ------------------------------------------------------------------------------- unavailable


def test_outside_a_repository_every_answer_is_none(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert ugit.get_git_commit(plain) is None
    assert ugit.get_git_branch(plain) is None
    assert ugit.is_git_dirty(plain) is None
    assert ugit.get_git_remote(plain) is None
    assert ugit.get_git_info(plain) == ugit.GitInfo(None, None, None, None)


@pytest.mark.parametrize("path", ["/definitely/not/here", "bad\x00path"])
def test_a_missing_or_invalid_path_gives_none(path: str) -> None:
    assert ugit.get_git_commit(path) is None
    assert ugit.get_git_info(path) == ugit.GitInfo(None, None, None, None)


def test_without_git_installed_every_answer_is_none(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    assert ugit.get_git_info(repo) == ugit.GitInfo(None, None, None, None)


def test_a_git_that_hangs_is_abandoned_after_the_timeout(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(fake_git(tmp_path / "slow-bin", "exec sleep 30")))
    started = time.monotonic()
    assert ugit.get_git_commit(repo, timeout=0.3) is None
    assert ugit.is_git_dirty(repo, timeout=0.3) is None
    assert time.monotonic() - started < 10


def test_output_that_is_not_a_hash_is_not_reported_as_a_commit(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(fake_git(tmp_path / "odd-bin", "echo 'not-a-sha'")))
    assert ugit.get_git_commit(repo) is None

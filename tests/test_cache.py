"""The compiled pattern cache: where it goes, who can read it, and what happens when it cannot be written."""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

import pytest

import cleaner
from cleaner import _prefilter
from cleaner._prefilter import CACHE_ENV, CacheWarning, build_scanner, cache_folder

pytest.importorskip("hyperscan", reason="the cache holds Hyperscan databases; without Hyperscan there is none")

EXPRESSIONS = ["^(?:subscribe)$", "donate"]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cleaner._prefilter._LOADED", {})
    monkeypatch.setattr("cleaner._prefilter._WARNED", set())
    monkeypatch.delenv(CACHE_ENV, raising=False)


def test_cache_folder_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "cleaner"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "env"))
    assert cache_folder() == tmp_path / "env"
    assert cache_folder(tmp_path / "arg") == tmp_path / "arg"


def test_cache_file_is_readable_by_other_users(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert build_scanner(EXPRESSIONS, tmp_path) is not None
    finally:
        os.umask(old)
    (db,) = tmp_path.glob("chrome-prefilter-*.db")
    assert stat.S_IMODE(db.stat().st_mode) == 0o644
    assert not list(tmp_path.glob(".tmp-*"))


def test_unwritable_cache_warns_once_and_still_scans(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scanner = build_scanner(EXPRESSIONS, blocked / "cache")
        _prefilter._LOADED.clear()
        build_scanner(EXPRESSIONS, blocked / "cache")
    assert scanner is not None and scanner.scan(["Subscribe"]) == [{0}]
    said = [w for w in caught if issubclass(w.category, CacheWarning)]
    assert len(said) == 1, "warned once per folder and process"
    assert str(blocked / "cache") in str(said[0].message) and CACHE_ENV in str(said[0].message)


def test_cleaners_share_compiled_patterns(tmp_path: Path) -> None:
    first, second = cleaner.Cleaner(cache_dir=tmp_path), cleaner.Cleaner(cache_dir=tmp_path, mode="text")
    assert first.matcher is second.matcher


def test_warm_writes_the_database_where_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "env"))
    path = cleaner.warm()
    assert path is not None and path.parent == tmp_path / "env" and path.is_file()
    # already compiled in this process: warming another folder still writes it there
    other = cleaner.warm(tmp_path / "image")
    assert other is not None and other.parent == tmp_path / "image" and other.read_bytes() == path.read_bytes()


def test_warm_raises_when_the_folder_cannot_be_written(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheWarning)
        with pytest.raises(OSError):
            cleaner.warm(blocked / "cache")


def test_warm_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cleaner.cli import app

    done = CliRunner().invoke(app, ["warm", "--cache-dir", str(tmp_path / "c")])
    assert done.exit_code == 0, done.output
    assert "pattern database ready" in done.output and len(list((tmp_path / "c").glob("*.db"))) == 1
    blocked = tmp_path / "file"
    blocked.write_text("x")
    failed = CliRunner().invoke(app, ["warm", "--cache-dir", str(blocked / "c")])
    assert failed.exit_code == 1 and "cannot write the cache" in failed.output

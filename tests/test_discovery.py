"""Folder discovery: cleaner's own files are never inputs; unreadable folders are reported, not skipped."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

Cli = Callable[..., Result]


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_an_output_folder_can_be_cleaned_again(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("clean", seed_tree, "-o", out, "-j", "1").exit_code == 0
    (out / ".page.txt.pid1.abcd.cleaner-tmp").write_text("half")
    res = cli("clean", out, "-j", "1", "--report", tmp_path / "again.jsonl")
    assert res.exit_code == 0, res.output
    paths = [str(r["path"]) for r in rows(tmp_path / "again.jsonl")]
    assert len(paths) == 5 and all(p.endswith(".txt.txt") for p in paths)  # the texts, not the report or temps


def locked(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make listing ``folder`` fail as chmod 000 does (also when running as root)."""
    real = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> Iterator[os.DirEntry[str]]:
        if os.path.abspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subfolder_is_a_failure(
    cli: Cli, seed_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked(monkeypatch, seed_tree / "a" / "b")
    res = cli("clean", seed_tree, "-o", tmp_path / "out", "-j", "1")
    assert res.exit_code == 1, res.output
    failed = [r for r in rows(tmp_path / "out" / "_report.jsonl") if r["status"] != "ok"]
    assert [(r["path"], r["status"]) for r in failed] == [(str(seed_tree / "a" / "b"), "error")]
    assert "Permission denied" in str(failed[0]["error"])


def test_an_unreadable_folder_argument_is_not_an_empty_one(
    cli: Cli, seed_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked(monkeypatch, seed_tree)
    res = cli("clean", seed_tree, "--report", tmp_path / "r.jsonl")
    assert res.exit_code == 1 and "no input files found" not in res.stderr
    assert [r["status"] for r in rows(tmp_path / "r.jsonl")] == ["error"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads chmod 000 folders")
def test_chmod_000_folder(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    locked_dir = seed_tree / "a"
    locked_dir.chmod(0)
    try:
        res = cli("clean", seed_tree, "--report", tmp_path / "r.jsonl", "-j", "1")
    finally:
        locked_dir.chmod(0o755)
    assert res.exit_code == 1
    assert [r["path"] for r in rows(tmp_path / "r.jsonl") if r["status"] == "error"] == [str(locked_dir)]


def test_the_report_of_a_run_is_never_an_input(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seeds[0], folder)
    (folder / "_report.jsonl").write_text('{"id": "x", "path": "y", "status": "ok"}\n')
    res = cli("clean", folder)
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 1

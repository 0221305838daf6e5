"""Output names depend on the input path alone, so a rerun pairs outputs with the right inputs."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.test_warc_filter import build_mixed_warc, plain

Cli = Callable[..., Result]


def test_same_stem_different_extensions_resume_without_mixing(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(seeds[0], folder / "a.txt")
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in seeds[1].read_text().split("\n\n")) + "</article>"
    (folder / "a.html").write_text(html + "</body></html>")
    assert cli("clean", folder, "-o", out, "-j", "1").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "_report.jsonl",
        "a.html.json",
        "a.html.txt",
        "a.txt.json",
        "a.txt.txt",
    ]
    first = {p.name: p.read_text() for p in out.glob("*.txt")}
    shutil.copy(folder / "a.html", folder / "a.htm")  # sorts between a.html and a.txt
    res = cli("clean", folder, "-o", out, "-j", "1")
    assert res.exit_code == 0 and "2 skipped (already done)" in res.stderr
    assert {p.name: p.read_text() for p in out.glob("*.txt") if p.name != "a.htm.txt"} == first
    sidecars = {p.name: json.loads(p.read_text())["path"] for p in out.glob("*.json")}
    assert sidecars == {n: str(folder / n.removesuffix(".json")) for n in sidecars}  # each output names its input


def test_container_records_go_below_the_file_name(cli: Cli, tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    (folder / "crawl").mkdir(parents=True)
    build_mixed_warc(folder / "crawl.warc")
    (folder / "crawl" / "1.html").write_text("<html><body><p>" + "A sentence about a harbour town. " * 30 + "</p>")
    assert cli("clean", folder, "-o", out, "-j", "1").exit_code == 0
    assert (out / "crawl.warc" / "3.txt").is_file() and (out / "crawl" / "1.html.txt").is_file()


def test_two_inputs_for_one_output_are_refused(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    page = seed_tree / "000_cc0ab38538eaacaa.txt"
    res = cli("clean", seed_tree, page, "-o", tmp_path / "out")
    assert res.exit_code == 2 and "would both be written to" in plain(res.stderr)
    assert not (tmp_path / "out").exists()


def test_an_output_path_that_is_an_input_is_refused(
    cli: Cli, seeds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    page = shutil.copy(seeds[0], tmp_path / "b.html")
    dump = tmp_path / "x.jsonl"
    dump.write_text(json.dumps({"text": seeds[1].read_text()}) + "\n")
    before = dump.read_bytes()
    res = cli("clean", dump, "-o", "x.jsonl")
    assert res.exit_code == 2 and "also an input" in plain(res.stderr) and dump.read_bytes() == before
    res = cli("clean", dump, page, "--report", page)
    assert res.exit_code == 2 and "also an input" in plain(res.stderr)
    res = cli("clean", page, "-o", "all.jsonl", "--report", "all.jsonl")
    assert res.exit_code == 2 and "cannot be the same file" in plain(res.stderr)
    bare = shutil.copy(seeds[0], tmp_path / "page")  # no extension: its output is page.txt
    shutil.copy(seeds[1], tmp_path / "page.txt")
    res = cli("clean", bare, tmp_path / "page.txt", "-o", ".")
    assert res.exit_code == 2 and "would replace an input" in plain(res.stderr)
    assert (tmp_path / "page.txt").read_bytes() == seeds[1].read_bytes()


def test_an_output_that_looks_like_a_file_is_refused(
    cli: Cli, seeds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    res = cli("clean", seeds[0], "-o", "out.txt")
    assert res.exit_code == 2 and not (tmp_path / "out.txt").exists()
    assert "-o out/ or -o out.jsonl" in plain(res.stderr)
    (tmp_path / "made.txt").mkdir()  # an existing folder is what it is
    assert cli("clean", seeds[0], "-o", tmp_path / "made.txt").exit_code == 0
    assert cli("clean", seeds[0], "-o", f"{tmp_path / 'v1.0'}/").exit_code == 0  # a trailing slash says folder
    assert (tmp_path / "v1.0" / f"{seeds[0].name}.txt").is_file()


def test_stale_temp_files_of_a_jsonl_output_are_removed(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    dead = tmp_path / ".all.jsonl.pid999999999.k2j3.cleaner-tmp"  # no such pid: a kill -9'd run
    alive = tmp_path / f".all.jsonl.pid{os.getppid()}.x7y8.cleaner-tmp"  # a run still going on
    other = tmp_path / ".other.jsonl.pid999999999.k2j3.cleaner-tmp"  # another output's
    for path in (dead, alive, other):
        path.write_text("half")
    assert cli("clean", seeds[0], seeds[1], "-o", out, "-j", "1").exit_code == 0
    assert not dead.exists() and alive.exists() and other.exists()
    assert len(out.read_text().splitlines()) == 2


def test_outputs_in_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cleaner.cli import app

    page = tmp_path / "page.txt"
    page.write_text("The council met on Tuesday to discuss the new budget for the schools of the town.\n" * 3)
    out, report = tmp_path / "new" / "out.jsonl", tmp_path / "other" / "r.jsonl"
    done = CliRunner().invoke(app, ["clean", str(page), "-o", str(out), "--format", "jsonl", "--report", str(report)])
    assert done.exit_code == 0, done.output
    assert out.read_text().count("\n") == 1 and report.is_file()

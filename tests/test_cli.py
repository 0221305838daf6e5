"""End-to-end tests of ``cleaner clean``: trees, resume, bad files, exit codes, stdout."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

import cleaner
from cleaner._model import Metadata

Cli = Callable[..., Result]


def report(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def test_tree_is_mirrored_with_sidecars_and_report(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    before = tree_digest(seed_tree)
    out = tmp_path / "out"
    res = cli("clean", seed_tree, "-o", out, "-j", "1")
    assert res.exit_code == 0, res.output
    assert res.stdout == ""  # data went to files; stdout stays empty
    page = out / "a" / "b" / "004_a47c7595b554120a.txt.txt"  # the name keeps the input's extension
    assert page.read_text().strip() and (out / "000_cc0ab38538eaacaa.txt.txt").is_file()
    sidecar = json.loads(page.with_suffix(".json").read_text())
    assert sidecar["id"] == "a/b/004_a47c7595b554120a" and "text" not in sidecar
    assert sidecar["status"] == "ok" and sidecar["removed"]
    lines = report(out / "_report.jsonl")
    assert [r["id"] for r in lines][:2] == ["000_cc0ab38538eaacaa", "001_5c830fc63e033197"]
    assert {r["status"] for r in lines} == {"ok"} and len(lines) == 5
    assert "ok 5" in res.stderr and "pages/s" in res.stderr
    assert tree_digest(seed_tree) == before  # inputs are never modified


def test_rerun_skips_done_outputs_and_overwrite_redoes_them(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("clean", seed_tree, "-o", out, "-j", "1").exit_code == 0
    done = out / "000_cc0ab38538eaacaa.txt.txt"
    done.write_text("SENTINEL")  # a complete output from an earlier run
    missing = out / "a" / "b" / "003_d080a7a09b64997d.txt.txt"
    missing.unlink()  # the run "crashed" before this one was published
    leftover = out / "a" / "b" / ".003_d080a7a09b64997d.txt.txt.x1.cleaner-tmp"
    leftover.write_text("half a pa")
    res = cli("clean", seed_tree, "-o", out, "-j", "1")
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in report(out / "_report.jsonl")}
    assert rows["a/b/003_d080a7a09b64997d"]["status"] == "ok" and not rows["a/b/003_d080a7a09b64997d"]["resumed"]
    assert sum(r["resumed"] for r in rows.values()) == 4  # skipped this run, earlier status kept
    assert {r["status"] for r in rows.values()} == {"ok"} and "4 skipped (already done)" in res.stderr
    assert done.read_text() == "SENTINEL" and missing.read_text().strip()
    assert not leftover.exists()
    assert cli("clean", seed_tree, "-o", out, "-j", "1", "--overwrite").exit_code == 0
    assert done.read_text() != "SENTINEL"


def test_bad_files_are_reported_and_the_rest_is_done(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    (seed_tree / "logo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (seed_tree / "broken.txt.gz").write_bytes(b"this is not gzip")
    (seed_tree / "empty.txt").write_bytes(b"")
    (seed_tree / "gone.txt").symlink_to(seed_tree / "nowhere.txt")  # unreadable
    out = tmp_path / "out"
    res = cli("clean", seed_tree, "-o", out, "-j", "2", "--follow-symlinks")  # the broken link is read
    assert res.exit_code == 1, res.output
    statuses = {r["id"]: (r["status"], r["error"]) for r in report(out / "_report.jsonl")}
    assert statuses["logo"][0] == "binary"
    assert statuses["broken"][0] == "error" and "gzip" in str(statuses["broken"][1]).lower()
    assert statuses["empty"][0] == "empty"
    assert statuses["gone"][0] == "error"
    assert sum(s == "ok" for s, _ in statuses.values()) == 5
    assert (out / "a" / "b" / "002_cda58cf3099d18d8.txt.txt").is_file() and not (out / "logo.html.txt").exists()
    assert "failed 3" in res.stderr and "binary: logo" in res.stderr


def test_jsonl_layout_on_the_seed_pages(cli: Cli, seeds: list[Path]) -> None:
    res = cli("clean", seeds[0].parent, "-j", "2")
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["id"] for r in records] == [p.stem for p in seeds]  # input order, ids without extension
    first = records[0]
    # one shape: the library's Result.to_dict() with id and path in front
    assert list(first)[:2] == ["id", "path"] and first["id"] == "000_cc0ab38538eaacaa"
    assert set(first) - {"id", "path"} == set(cleaner.clean("x").to_dict())
    meta = first["metadata"]
    assert set(Metadata.__dataclass_fields__) == set(meta)
    assert first["path"].endswith("000_cc0ab38538eaacaa.txt") and first["mode"] == "text"
    assert first["status"] == "ok" and first["error"] is None and first["text"] and first["truncated"] is False
    assert all(set(r) == {"text", "category", "reason"} for r in first["removed"]) and first["removed"]


def test_stdin_to_stdout(cli: Cli, seeds: list[Path]) -> None:
    page = seeds[1].read_bytes()
    res = cli("clean", "-", "--url", "https://www.example.com/story", input=page)
    assert res.exit_code == 0, res.output
    (record,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert record["id"] == "stdin" and record["metadata"]["url"] == "https://www.example.com/story"
    assert record["metadata"]["domain"] == "example.com"
    txt = cli("clean", "-", "--format", "txt", input=page)
    assert txt.stdout.strip() == record["text"].strip() and "==>" not in txt.stdout


def test_several_texts_to_stdout_are_separated(cli: Cli, seeds: list[Path]) -> None:
    res = cli("clean", seeds[0], seeds[1], "--format", "txt", "-j", "1")
    assert res.exit_code == 0
    assert res.stdout.startswith("==> 000_cc0ab38538eaacaa <==\n") and "\n==> 001_5c830fc63e033197 <==\n" in res.stdout
    as_json = json.loads(cli("clean", seeds[0], seeds[1], "--format", "json", "-j", "1").stdout)
    assert [r["id"] for r in as_json] == ["000_cc0ab38538eaacaa", "001_5c830fc63e033197"]


def test_formats_md_and_json_in_a_tree(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    assert cli("clean", seed_tree, "-o", tmp_path / "md", "--format", "md", "-j", "1").exit_code == 0
    assert (tmp_path / "md" / "000_cc0ab38538eaacaa.txt.md").read_text().strip()
    assert (tmp_path / "md" / "000_cc0ab38538eaacaa.txt.json").is_file()
    assert cli("clean", seed_tree, "-o", tmp_path / "js", "--format", "json", "-j", "1").exit_code == 0
    record = json.loads((tmp_path / "js" / "a" / "b" / "002_cda58cf3099d18d8.txt.json").read_text())
    assert record["id"] == "a/b/002_cda58cf3099d18d8" and record["text"]


def test_gzip_file_and_id_without_extensions(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    packed = tmp_path / "x.html.gz"
    packed.write_bytes(gzip.compress(seeds[0].read_bytes()))
    res = cli("clean", packed, "--mode", "text")
    (record,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert record["id"] == "x" and record["status"] == "ok" and record["mode"] == "text"


def test_max_bytes(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    bomb = seed_tree / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"word " * 100_000))
    res = cli("clean", seed_tree, "-o", tmp_path / "out", "--max-bytes", "10000", "-j", "1")
    assert res.exit_code == 1
    statuses = {r["id"]: r["status"] for r in report(tmp_path / "out" / "_report.jsonl")}
    assert statuses["bomb"] == "too_large" and statuses["000_cc0ab38538eaacaa"] == "ok"


@pytest.mark.parametrize(
    "args",
    [
        ["clean", "does/not/exist.html"],
        ["clean", "{seeds}", "--format", "bogus"],
        ["clean", "{seeds}", "--jobs", "0"],
        ["clean", "{seeds}", "-o", "{tmp}/out", "--format", "jsonl"],
        ["clean", "{seeds}", "--url", "https://example.com/"],
        ["clean", "{seeds}", "-o", "{tmp}/x.jsonl", "--format", "txt"],
        ["explain", "does/not/exist.html"],
        ["clean", "{seeds}", "--site", "no-such-site"],
        ["clean", "{seeds}", "--engine", "no-such-engine"],
        ["explain", "{seeds}", "--engine", "no-such-engine"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, seeds: list[Path], tmp_path: Path, args: list[str]) -> None:
    argv = [a.format(seeds=seeds[0].parent, tmp=tmp_path) for a in args]
    res = cli(*argv)
    assert res.exit_code == 2, res.output
    assert not (tmp_path / "out").exists()


def test_output_folder_cannot_be_the_input_folder(cli: Cli, seed_tree: Path) -> None:
    res = cli("clean", seed_tree, "-o", seed_tree, "-j", "1")
    assert res.exit_code == 2 and not (seed_tree / "_report.jsonl").exists()


def test_help_version_and_python_m(cli: Cli) -> None:
    assert "Exit codes" in cli("--help").stdout
    clean_help = cli("clean", "--help").stdout
    assert "Examples" in clean_help and "--jobs" in clean_help and "Exit codes" in clean_help
    assert "Examples" in cli("explain", "--help").stdout
    from cleaner import __version__

    assert cli("--version").stdout.strip() == f"cleaner {__version__}"
    run = subprocess.run([sys.executable, "-m", "cleaner", "--version"], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == f"cleaner {__version__}"


def test_core_and_batch_do_not_import_typer_or_rich() -> None:
    code = "import sys, cleaner, cleaner.batch.runner; print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_output_inside_the_input_folder_is_not_read_back(cli: Cli, seed_tree: Path) -> None:
    out = seed_tree / "cleaned"
    assert cli("clean", seed_tree, "-o", out, "-j", "1").exit_code == 0
    res = cli("clean", seed_tree, "-o", out, "-j", "1")
    ids = [r["id"] for r in report(out / "_report.jsonl")]
    assert res.exit_code == 0 and len(ids) == 5 and not any(i.startswith("cleaned") for i in ids)


def test_an_input_file_is_never_overwritten(cli: Cli, seed_tree: Path) -> None:
    page = seed_tree / "000_cc0ab38538eaacaa.txt"
    before = page.read_bytes()
    res = cli("clean", page, "-o", seed_tree, "-j", "1", "--overwrite")
    assert res.exit_code == 0 and (seed_tree / "000_cc0ab38538eaacaa.txt.txt").is_file()  # the name keeps .txt
    assert page.read_bytes() == before


def test_gzipped_jsonl_output_file(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl.gz"
    assert cli("clean", *seeds, "-o", out, "-j", "2", "-q").exit_code == 0
    lines = gzip.decompress(out.read_bytes()).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [p.stem for p in seeds]


def test_site_rule_options_reach_the_cleaner(
    cli: Cli, seeds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleaner import Cleaner

    seen: list[dict[str, object]] = []
    original = Cleaner.__init__

    def spy(self: Cleaner, **kwargs: object) -> None:
        seen.append(kwargs)
        original(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Cleaner, "__init__", spy)
    rules = tmp_path / "myrules"
    rules.mkdir()
    args = ["--no-site-rules", "--rules", rules, "--site", "news24", "--max-bytes", "12345", "--mode", "text"]
    args += ["--max-page-text", "777", "--engine", "accurate", "--include-comments"]
    assert cli("clean", seeds[0], *args).exit_code == 0
    assert seen[-1] == {
        "mode": "text",
        "engine": "accurate",
        "site_rules": False,
        "rules_dirs": (str(rules),),
        "site": "news24",
        "max_bytes": 12345,
        "list_all_removed": False,
        "max_page_text_chars": 777,
        "site_model": None,
        "include_comments": True,
    }
    assert cli("clean", seeds[0], "--rules", tmp_path / "missing").exit_code == 2


def test_empty_folder_and_unwritable_output(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    res = cli("clean", tmp_path / "empty")
    assert res.exit_code == 0 and res.stdout == "" and "no input files" in res.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = cli("clean", seeds[0], seeds[1], "-o", blocker / "out", "-j", "1")
    assert res.exit_code == 1 and "Not a directory" in res.stderr

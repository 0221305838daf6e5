"""The run report is merged across reruns and says, per document, time, words, mode and truncation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result as CliResult

from cleaner import Cleaner
from cleaner._model import Result

Cli = Callable[..., CliResult]


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_rows_have_time_words_and_mode(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    (seed_tree / "logo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    out = tmp_path / "out"
    assert cli("clean", seed_tree, "-o", out, "-j", "1").exit_code == 1
    by_id = {r["id"]: r for r in rows(out / "_report.jsonl")}
    page = by_id["000_cc0ab38538eaacaa"]
    text = (out / "000_cc0ab38538eaacaa.txt.txt").read_text()
    assert page["words"] == len(text.split()) > 0 and page["mode"] == "text" and page["seconds"] > 0
    assert page["truncated"] is False and page["resumed"] is False
    assert by_id["logo"]["status"] == "binary" and by_id["logo"]["words"] == 0


def test_a_rerun_keeps_earlier_statuses(cli: Cli, seed_tree: Path, tmp_path: Path) -> None:
    (seed_tree / "logo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    out = tmp_path / "out"
    cli("clean", seed_tree, "-o", out, "-j", "1")
    first = {r["path"]: r for r in rows(out / "_report.jsonl")}
    with (out / "_report.jsonl").open("a") as fh:
        fh.write("not json: kept as it is\n")
    (seed_tree / "logo.html").unlink()  # an input gone since: its row stays
    res = cli("clean", seed_tree, "-o", out, "-j", "1")
    assert res.exit_code == 0
    again = rows_or_text(out / "_report.jsonl")
    assert again[-1] == "not json: kept as it is"
    merged = {r["path"]: r for r in again if isinstance(r, dict)}
    assert merged.keys() == first.keys()
    for path, row in merged.items():
        if row["status"] == "ok":
            assert row["resumed"] and {**row, "resumed": False} == first[path]  # the earlier row, marked
    assert merged[str(seed_tree / "logo.html")] == first[str(seed_tree / "logo.html")]
    assert "5 skipped (already done)" in res.stderr and "pages/s" not in res.stderr  # nothing cleaned: no rate


def rows_or_text(path: Path) -> list[Any]:
    out: list[Any] = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append(line)
    return out


def test_truncated_results_are_counted(
    cli: Cli, seed_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Cleaner.clean

    def cut(self: Cleaner, data: str | bytes, **kwargs: Any) -> Result:
        result = original(self, data, **kwargs)
        result.truncated = len(data) % 2 == 0  # about half the pages, known from their sizes
        return result

    monkeypatch.setattr(Cleaner, "clean", cut)
    out = tmp_path / "out"
    res = cli("clean", seed_tree, "-o", out, "-j", "1")
    assert res.exit_code == 0
    truncated = sum(r["truncated"] for r in rows(out / "_report.jsonl"))
    sizes = [len(p.read_bytes()) for p in seed_tree.rglob("*.txt")]
    assert truncated == sum(1 for n in sizes if n % 2 == 0) > 0
    assert f"{truncated} truncated: text cut at the size limit" in res.stderr

"""``cleaner explain``: terminal listing, HTML report; and the ``rules`` sub-command hook."""

from __future__ import annotations

import io
import re
import sys
import types
from collections.abc import Callable
from html import escape
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import Result

from cleaner import Cleaner
from cleaner.batch.document import Document

Cli = Callable[..., Result]


def test_explain_lists_every_block_with_decision_and_rule(cli: Cli, seeds: list[Path]) -> None:
    result = Cleaner().clean(seeds[1].read_bytes(), mode="text")
    res = cli("explain", seeds[1])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "\x1b[" not in out  # plain when stdout is not a terminal
    headers = re.findall(r"^\[(\d{3})\] (KEEP|DROP)  (\S+)  (\S+)", out, flags=re.M)
    assert len(headers) == len(result.blocks) > 3
    for (index, label, category, reason), block in zip(headers, result.blocks, strict=True):
        assert int(index) == block.index and label == ("KEEP" if block.kept else "DROP")
        assert (category, reason) == (block.category or "-", block.reason or "-")
    assert {"KEEP", "DROP"} == {h[1] for h in headers}
    if result.metadata.title:
        assert f"title:       {result.metadata.title}" in out


def test_explain_is_coloured_on_a_terminal(seeds: list[Path]) -> None:
    from cleaner.cli._explain import print_explanation

    result = Cleaner().clean(seeds[0].read_bytes(), mode="text")
    buffer = io.StringIO()
    print_explanation(result, Document("x", "x.txt", "x"), Console(file=buffer, force_terminal=True))
    assert "\x1b[" in buffer.getvalue() and "KEEP" in buffer.getvalue()


def test_html_report_is_self_contained_and_two_columned(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(seeds[0].read_text() + "\n\nClick <script>alert(1)</script> & share this story\n")
    report = tmp_path / "report.html"
    res = cli("explain", page, "--html", report, "--no-site-rules")
    assert res.exit_code == 0, res.output
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and html.rstrip().endswith("</html>")
    assert not re.search(r"<link|<script|src=|@import|url\(", html)  # no external assets, markup escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    result = Cleaner(site_rules=False).clean(page.read_bytes(), mode="text")
    for block in result.blocks:
        side = "keep" if block.kept else "drop"
        pattern = f'<td class="{side}"><div class="why"><span class="n">#{block.index}</span>'
        assert pattern in html and escape(block.text) in html
    assert "<th>Kept</th><th>Removed</th>" in html


def test_explain_failures_exit_1(cli: Cli, tmp_path: Path) -> None:
    binary = tmp_path / "logo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    res = cli("explain", binary)
    assert res.exit_code == 1 and "status=binary" in res.stdout
    bad = tmp_path / "bad.txt.gz"
    bad.write_bytes(b"not gzip")
    assert cli("explain", bad).exit_code == 1


def test_explain_stdin(cli: Cli, seeds: list[Path]) -> None:
    res = cli("explain", "-", "--mode", "text", input=seeds[2].read_bytes())
    assert res.exit_code == 0 and res.stdout.startswith("stdin  (-)  mode=text")


def test_rules_group_is_mounted_when_its_module_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.cli as cli_module

    fake = types.ModuleType("cleaner.cli.rules")
    fake.app = typer.Typer()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cleaner.cli.rules", fake)
    monkeypatch.setattr(cli_module.app, "registered_groups", list(cli_module.app.registered_groups))
    cli_module._add_rules_group()
    assert [g.name for g in cli_module.app.registered_groups][-1] == "rules"
    assert cli_module.app.registered_groups[-1].typer_instance is fake.app


def test_progress_bar_and_summary(tmp_path: Path) -> None:
    from cleaner.batch.document import Outcome
    from cleaner.batch.runner import Stats
    from cleaner.cli._console import RichProgress, summary_lines

    buffer = io.StringIO()
    progress = RichProgress(Console(file=buffer, force_terminal=True, width=100))
    progress.start(3)
    stats = Stats()
    for outcome in (
        Outcome("a", "a.txt", "ok"),
        Outcome("b", "b.txt", "binary", "not text"),
        Outcome("c", "c", "skipped", reason="already done"),
    ):
        progress.advance(outcome)
        stats.add(outcome)
    progress.stop()
    assert "cleaning" in buffer.getvalue()
    stats.elapsed = 2.0
    lines = summary_lines(stats, tmp_path / "_report.jsonl")
    assert (
        lines[0]
        == "cleaner: 3 documents in 2.0 s (1.0 pages/s): ok 1, empty 0, failed 1 (binary 1); 1 skipped (already done)"
    )
    assert lines[1] == "  binary: b (b.txt): not text" and lines[-1].endswith("_report.jsonl")

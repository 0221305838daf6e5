"""The HTML report of ``cleaner explain --html``: summary per category, folded runs of drops, jump to the article."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from pathlib import Path

from typer.testing import Result as CliResult

from cleaner._model import Block, Metadata, Result
from cleaner.batch.document import Document
from cleaner.cli._report_html import html_report

Cli = Callable[..., CliResult]
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'


def block(index: int, kept: bool, category: str, text: str = "some words here", reason: str = "r") -> Block:
    b = Block(index, text, tag="p")
    (b.keep if kept else b.drop)(category, reason)
    return b


def page(*specs: tuple[bool, str]) -> Result:
    blocks = [block(i, kept, cat, f"block {i} text") for i, (kept, cat) in enumerate(specs)]
    return Result(text="", metadata=Metadata(title="T"), blocks=blocks, mode="text")


DOC = Document("doc", "doc.txt", "doc")


def test_summary_table_counts_blocks_and_words_per_category() -> None:
    result = page((False, "navigation"), (True, "body"), (True, "body"), (False, "footer"), (False, "navigation"))
    result.blocks[1].text = "one two three four"
    html = html_report(result, DOC)
    table = re.search(r'<table class="summary">(.*?)</table>', html, flags=re.S)
    assert table is not None
    rows = re.findall(
        r"<tr(?: class=\"total\")?><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", table[1]
    )
    assert rows == [
        ("body", "2", "7", "0", "0"),  # 4 + 3 words
        ("navigation", "0", "0", "2", "6"),
        ("footer", "0", "0", "1", "3"),
        ("all", "2", "7", "3", "9"),
    ]
    assert html.index('<table class="summary">') < html.index('<table class="blocks">')  # at the top


def test_runs_of_drops_are_folded_into_details() -> None:
    specs = [(False, "navigation")] * 8 + [(False, "share")] * 4 + [(True, "body")] + [(False, "footer")] * 2
    html = html_report(page(*specs), DOC, collapse=3)
    assert html.count("<details>") == 1  # the run of 2 footers stays open
    details = re.search(r"<details><summary>(.*?)</summary>(.*?)</details>", html, flags=re.S)
    assert details is not None
    assert details[1].startswith("12 dropped blocks: navigation 8, share 4")
    assert "#0–#11" in details[1]
    assert [int(n) for n in re.findall(r'<span class="n">#(\d+)</span>', details[2])] == list(range(12))
    after = html[details.end() :]
    assert [int(n) for n in re.findall(r'<span class="n">#(\d+)</span>', after)] == [12, 13, 14]
    assert "<details>" not in html_report(page(*specs), DOC, collapse=0)
    assert html_report(page(*specs), DOC, collapse=13).count("<details>") == 0
    assert html_report(page(*specs), DOC, collapse=2).count("<details>") == 2


def test_link_jumps_to_the_first_kept_block() -> None:
    html = html_report(page((False, "navigation"), (False, "navigation"), (True, "title"), (True, "body")), DOC)
    assert '<a href="#article-start">Jump to the article start (block #2)</a>' in html
    assert html.count('id="article-start"') == 1
    row = re.search(r'<tr id="article-start">(.*?)</tr>', html)
    assert row is not None and '<span class="n">#2</span>' in row[1] and row[1].startswith('<td class="keep">')
    nothing = html_report(page((False, "navigation")), DOC)
    assert "No block was kept." in nothing and 'article-start"' not in nothing.replace("#article-start{", "")


def test_new_parts_escape_page_derived_text() -> None:
    blocks = [block(i, False, EVIL, EVIL, reason=EVIL) for i in range(6)] + [block(6, True, EVIL, EVIL, EVIL)]
    result = Result(text="", metadata=Metadata(title=EVIL, author=EVIL), blocks=blocks, mode="text")
    html = html_report(result, Document(EVIL, EVIL, EVIL), collapse=3)
    assert "<details>" in html and '<table class="summary">' in html
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert f"<td>{escape(EVIL)}</td><td>1</td>" in html  # the summary table's category cell
    assert f"<summary>6 dropped blocks: {escape(EVIL)} 6 " in html  # the folded run's label
    tags = set(re.findall(r"</?([a-zA-Z!][a-zA-Z0-9]*)", html))
    allowed = (
        "!DOCTYPE html head meta title style body header h1 p a table thead tbody tr th td div span details summary"
    )
    assert tags <= set(allowed.split()), tags - set(allowed.split())  # the page's markup never becomes markup


def test_cli_collapse_option(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    assert cli("explain", seeds[0], "--html", report, "--summary").exit_code == 0
    folded = report.read_text().count("<details>")
    assert folded >= 1  # seed 0 ends in a run of 100 dropped blocks
    assert cli("explain", seeds[0], "--html", report, "--collapse", "0", "--summary").exit_code == 0
    assert "<details>" not in report.read_text()

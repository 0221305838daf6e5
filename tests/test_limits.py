"""Size limits are never silent: a cut text says so in Result.truncated."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.frontends import cut_at_line
from cleaner.html._parse import MAX_EXTRACT_TEXT

PARAGRAPH = (
    "<p>The council met again on Tuesday evening, meeting number {}, and agreed another part "
    "of the budget after a long debate about the state of the roads.</p>\n"
)


def huge_page(chars: int) -> str:
    """A page with more than ``chars`` characters of distinct paragraphs (repeats would be dropped as chrome)."""
    paragraphs: list[str] = []
    size = 0
    while size <= chars:
        paragraphs.append(PARAGRAPH.format(len(paragraphs)))
        size += len(paragraphs[-1]) - len("<p></p>\n")
    return "<html><body>" + "".join(paragraphs) + "</body></html>"


@pytest.fixture(scope="module")
def beyond_extract() -> str:
    return huge_page(MAX_EXTRACT_TEXT + 10_000)


def test_page_beyond_the_text_cap_is_marked_truncated(beyond_extract: str) -> None:
    result = Cleaner(mode="html", site_rules=False).clean(beyond_extract)
    assert result.ok and result.truncated
    assert 0 < len(result.text) <= 500_000
    assert result.to_dict()["truncated"] is True
    assert all(b.reason.endswith(";fallback:too-large") for b in result.blocks)


def test_no_cap_keeps_the_whole_text(beyond_extract: str) -> None:
    result = Cleaner(mode="html", site_rules=False, max_page_text_chars=None).clean(beyond_extract)
    assert result.ok and not result.truncated
    assert len(result.text) > MAX_EXTRACT_TEXT


@pytest.mark.parametrize("cap", [5_000, 120_000])
def test_cap_is_configurable(beyond_extract: str, cap: int) -> None:
    result = Cleaner(mode="html", site_rules=False, max_page_text_chars=cap).clean(beyond_extract)
    assert result.truncated
    assert cap // 2 < len(result.text) <= cap


def test_page_within_the_cap_is_not_truncated() -> None:
    page = huge_page(20_000)
    result = Cleaner(mode="html", site_rules=False).clean(page)
    assert result.ok and not result.truncated


def test_cap_survives_pickling() -> None:
    c = pickle.loads(pickle.dumps(Cleaner(mode="text", site_rules=False, max_page_text_chars=123)))
    assert c.max_page_text_chars == 123


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("one\ntwo\nthree\n", None, ("one\ntwo\nthree\n", False)),
        ("one\ntwo\nthree\n", 14, ("one\ntwo\nthree\n", False)),
        ("one\ntwo\nthree\n", 10, ("one\ntwo\n", True)),  # at the last line break before the limit
        ("onelongline", 4, ("onel", True)),  # no line break: cut mid-line
    ],
)
def test_cut_at_line(text: str, limit: int | None, expected: tuple[str, bool]) -> None:
    assert cut_at_line(text, limit) == expected


LEAD = (
    "<p>The council met on Tuesday evening and agreed the budget for the coming year after a long debate. "
    "Officials said the record would probably stand for years, and the mayor thanked the staff.</p>"
)


@pytest.mark.parametrize(
    "buried",
    ["<p>" + "word " * 2_200_000 + "</p>"],  # libxml2's cap on one text node: 10 MB
    ids=["text-node"],
)
def test_parser_limits_mark_the_result_truncated(buried: str) -> None:
    page = f"<html><body><article>{LEAD}{buried}<p>The end.</p></article></body></html>"
    result = Cleaner(mode="html", site_rules=False, max_bytes=None).clean(page)
    assert result.ok and "The council met" in result.text
    assert result.truncated


def test_depth_cap_is_flattened_not_truncated() -> None:
    # libxml2 stops at 256 levels; the page is flattened and parsed again, so nothing is lost
    page = "<html><body>" + "<div>" * 300 + LEAD + "</div>" * 300 + "<p>The end of the page.</p></body></html>"
    result = Cleaner(mode="html", site_rules=False).clean(page)
    assert result.ok and not result.truncated
    assert "The council met" in result.text


def test_cli_max_page_text_cuts_and_the_summary_says_so(beyond_extract: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cleaner.cli import app

    page = tmp_path / "huge.html"
    page.write_text(beyond_extract, encoding="utf-8")
    res = CliRunner().invoke(app, ["clean", str(page), "--max-page-text", "5000", "--no-site-rules"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)
    assert record["truncated"] is True and record["status"] == "ok" and len(record["text"]) <= 5000
    assert "1 truncated" in res.stderr
    whole = CliRunner().invoke(app, ["clean", str(page), "--max-page-text", "0", "--no-site-rules"])
    assert json.loads(whole.stdout)["truncated"] is False

"""HTML mode on golden pages: chrome that trafilatura keeps is dropped, prose stays."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from cleaner._model import Result
from cleaner._pipeline import Cleaner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "chrome_expected.json").read_text(encoding="utf-8"))
CASES = sorted(EXPECTED)


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(site_rules=False, mode="html")


def _clean(cleaner: Cleaner, name: str) -> Result:
    return cleaner.clean((FIXTURES / name).read_bytes(), url="https://gazette.example/news/story")


@pytest.mark.parametrize("name", CASES)
def test_chrome_block_is_dropped_with_its_category(cleaner: Cleaner, name: str) -> None:
    exp = EXPECTED[name]
    result = _clean(cleaner, name)
    assert result.ok, result.error
    assert exp["drop"] not in result.text
    removed = {b.text: b for b in result.removed}
    assert exp["drop"] in removed, f"not reported as removed: {sorted(removed)}"
    assert removed[exp["drop"]].category == exp["category"]
    assert removed[exp["drop"]].reason.startswith(f"generic:{exp['category']}:")


@pytest.mark.parametrize("name", CASES)
def test_prose_is_kept_in_order(cleaner: Cleaner, name: str) -> None:
    result = _clean(cleaner, name)
    positions = [result.text.find(p) for p in EXPECTED[name]["keep"]]
    assert -1 not in positions
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", CASES)
def test_page_chrome_outside_the_article_is_gone(cleaner: Cleaner, name: str) -> None:
    text = _clean(cleaner, name).text
    for chrome in ("Home", "Sport", "All rights reserved"):
        assert chrome not in text


@pytest.mark.parametrize("name", CASES)
def test_trafilatura_alone_keeps_the_chrome(name: str) -> None:
    """The reason this layer exists: the extractor underneath keeps these blocks."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    text = trafilatura.extract((FIXTURES / name).read_bytes(), include_comments=False) or ""
    assert EXPECTED[name]["drop"] in text


@pytest.mark.parametrize("name", CASES)
def test_metadata_from_markup(cleaner: Cleaner, name: str) -> None:
    exp = EXPECTED[name]
    meta = _clean(cleaner, name).metadata
    # "<title>Headline | Riverside Gazette</title>": the site name is stripped
    assert meta.title == exp["title"]
    assert meta.author == exp["author"]
    assert meta.date is not None and meta.date.startswith(exp["date"])
    assert meta.site == "Riverside Gazette"
    assert meta.language == "en"
    assert meta.domain == "gazette.example"


def test_blocks_keep_heading_and_list_tags(cleaner: Cleaner) -> None:
    prose = "The committee met on Tuesday to discuss how the new budget would be spent over the coming years, and agreed on most points."
    markup = (
        "<html><head><title>Budget</title></head><body><article>"
        f"<p>{prose}</p><h2>What changes</h2><ul><li>More buses on the night routes of the city</li>"
        f"<li>Longer opening hours for the public libraries</li></ul><p>{prose.replace('Tuesday', 'Friday')}</p>"
        "</article></body></html>"
    )
    result = cleaner.clean(markup)
    tags = {b.text: b.tag for b in result.blocks if b.kept}
    assert tags["What changes"] == "h2"
    assert tags["More buses on the night routes of the city"] == "li"
    assert tags[prose] == "p"


def test_fallback_when_extractor_finds_too_little(cleaner: Cleaner) -> None:
    # the story sits in an <aside>, which trafilatura discards as a sidebar
    result = _clean(cleaner, "fallback_aside.html")
    assert result.ok
    assert "The river had been rising for three days" in result.text
    assert "Shop owners on the main street" in result.text
    assert all(";fallback:" in b.reason for b in result.blocks)
    assert "Menu" not in result.text


def test_no_fallback_on_a_normal_page(cleaner: Cleaner) -> None:
    result = _clean(cleaner, CASES[0])
    assert not any(";fallback" in b.reason for b in result.blocks)


def test_repeated_short_lines_inside_the_extraction_are_kept(cleaner: Cleaner) -> None:
    # "Meal 1" / "Eat every two hours" recur, but as the article's own structure, not as menus
    result = _clean(cleaner, "repeated_labels.html")
    assert result.text.count("Eat every two hours") == 4
    assert result.text.count("Meal 2") == 2
    labels = [b for b in result.blocks if b.text == "Eat every two hours"]
    assert len(labels) == 4 and all(b.reason == "generic:in-main-text:short" for b in labels)
    assert "Recipes" not in result.text

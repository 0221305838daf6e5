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


PROSE = (
    "The committee met on Tuesday to discuss how the new budget would be spent over the coming years, "
    "and agreed on most points after a long debate about the state of the roads and the bridges."
)


def _page(head: str, body: str) -> str:
    return f"<html><head><title>Trail Runner 2 | Shop</title>{head}</head><body><main>{body}</main></body></html>"


def test_headline_stays_on_a_page_that_is_not_an_article(cleaner: Cleaner) -> None:
    # on a product page the name at the top is content; only declared articles lose their headline
    body = f"<h1>Trail Runner 2</h1><p>{PROSE}</p><p>{PROSE.replace('Tuesday', 'Friday')}</p>"
    product = cleaner.clean(_page("", body))
    assert product.text.startswith("Trail Runner 2")
    article = cleaner.clean(_page('<meta property="og:type" content="article">', body))
    assert not article.text.startswith("Trail Runner 2")
    assert article.metadata.title == "Trail Runner 2"
    assert [b.reason for b in article.removed if b.text == "Trail Runner 2"] == ["generic:title:headline"]


def test_table_rows_are_data_not_section_labels(cleaner: Cleaner) -> None:
    # cells are joined with " | ", which must not read as a "SECTION | headline" teaser line
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in [("Weight", "220 g"), ("Drop", "8 mm")])
    result = cleaner.clean(_page("", f"<p>{PROSE}</p><table>{rows}</table><p>{PROSE.replace('Tuesday', 'May')}</p>"))
    assert "Weight | 220 g" in result.text
    assert "Drop | 8 mm" in result.text


def _items(n: int) -> str:
    return "".join(f'<li><a href="/r/{i}">Reading list entry number {i}</a> of the course</li>' for i in range(n))


def test_link_lists_inside_the_text_or_on_a_link_page_stay(cleaner: Cleaner) -> None:
    # a reading list between paragraphs is content
    inside = cleaner.clean(_page("", f"<p>{PROSE}</p><ul>{_items(6)}</ul><p>{PROSE.replace('Tuesday', 'May')}</p>"))
    assert "Reading list entry number 3 of the course" in inside.text, "trafilatura dropped it"
    intro = "".join(f"<p>{PROSE.replace('Tuesday', day)}</p>" for day in ("Monday", "Tuesday", "Friday"))
    # after the article, a short list of linked teasers goes
    teasers = cleaner.clean(_page("", f"{intro}<ul>{_items(3)}</ul>"))
    assert "Reading list entry number 1 of the course" not in teasers.text
    assert [b.reason for b in teasers.removed if "entry number 1 " in b.text] == ["generic:related:trailing-link-list"]
    # a list longer than the text above it is what the page is for
    hub = cleaner.clean(_page("", f"{intro}<ul>{_items(20)}</ul>"))
    assert "Reading list entry number 13 of the course" in hub.text


def test_inline_scripts_do_not_count_towards_the_size_limit(cleaner: Cleaner) -> None:
    # a megabyte-sized JSON state blob is common; the page is still extracted, not sent to the fallback
    blob = '{"state": "' + "x" * 1_200_000 + '"}'
    markup = _page(
        f"<script>{blob}</script>", f"<article><p>{PROSE}</p><p>{PROSE.replace('Tuesday', 'May')}</p></article>"
    )
    result = cleaner.clean(markup)
    assert PROSE in result.text
    assert not any(";fallback" in b.reason for b in result.blocks)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:type" content="article">', "article"),
        ('<meta property="og:type" content="Article">', "article"),
        ('<meta property="article:published_time" content="2024-01-02">', "article"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x"}</script>', "article"),
        ('<script type="application/ld+json">{"@type": ["BlogPosting"]}</script>', "article"),
        ('<script type="application/ld+json">{"@type": "Product", "name": "Desk"}</script>', "product"),
        ('<meta property="og:type" content="product">', "product"),
        # a product page with a review article on it is read as an article
        ('<script type="application/ld+json">[{"@type": "Product"}, {"@type": "Article"}]</script>', "article"),
        ('<meta property="og:type" content="website">', None),
        ('<script type="application/ld+json">{"@type": "Organization"}</script>', None),
        ("", None),
    ],
)
def test_what_the_page_declares_itself(head: str, expected: str | None) -> None:
    from lxml import html as lxml_html

    from cleaner.html._kind import page_kind

    root = lxml_html.fromstring(f"<html><head>{head}</head><body><p>Text</p></body></html>")
    assert page_kind(root) == expected


def test_a_page_that_is_not_an_article_takes_the_full_page_result_when_it_keeps_more(cleaner: Cleaner) -> None:
    # a service page: one box of prose that trafilatura takes for the article, and two more
    # boxes of offers beside it that it leaves out; the full-page engine keeps all three
    offers = "".join(
        f"<div class='card'><h3>Plan {n}</h3><p>{PROSE.replace('committee', n + ' team')}</p></div>"
        for n in ("Basic", "Family", "Business", "Enterprise")
    )
    menu = "".join(f"<li><a href='/{n}'>Our {n} services for every household in the region</a></li>" for n in range(12))
    body = (
        f"<nav><ul>{menu}</ul></nav><div class='intro'><p>{PROSE}</p><p>{PROSE.replace('Tuesday', 'Friday')}</p></div>"
        f"<div class='sidebar'>{offers}</div><footer><p>{PROSE.replace('committee', 'footer board')}</p></footer>"
    )
    service = cleaner.clean(_page("", body))
    assert "Enterprise team met" in service.text
    # the page's landmarks are not rendered for the full-page engine
    assert "household" not in service.text
    assert "footer board" not in service.text
    assert all(b.reason.endswith(";fallback:not-an-article") for b in service.blocks)
    # declared as an article or a product, the same page keeps trafilatura's choice
    for kind in ("article", "product"):
        declared = cleaner.clean(_page(f'<meta property="og:type" content="{kind}">', body))
        assert not any(";fallback" in b.reason for b in declared.blocks)
        assert "Enterprise team met" not in declared.text


@pytest.mark.parametrize(
    "chrome",
    [
        "<nav>Sections</nav>",
        "<header>Masthead</header>",
        "<footer>Footer</footer>",
        "<aside>Sidebar</aside>",
        "<div role='navigation'>Sections</div>",
        "<div role='contentinfo'>Footer</div>",
        "<div hidden>Hidden</div>",
        "<div aria-hidden='true'>Hidden</div>",
    ],
)
def test_full_page_rendering_can_leave_out_landmarks(chrome: str) -> None:
    from lxml import html as lxml_html

    from cleaner._html_text import tree_to_text

    root = lxml_html.fromstring(f"<html><body><p>Before</p>{chrome}<p>After</p></body></html>")
    assert tree_to_text(root, skip_landmarks=True).split() == ["Before", "After"]
    assert len(tree_to_text(root).split()) == 3


def test_link_share_is_read_off_the_page_anchors() -> None:
    from lxml import html as lxml_html

    from cleaner.html._links import AnchorIndex

    root = lxml_html.fromstring(
        "<html><body><p>Read more: <a href='/a'>Levee report warns of ageing walls</a>.</p>"
        "<a href='/b'>Levee</a><a href='/c'>Home</a></body></html>"
    )
    index = AnchorIndex(root)
    assert index.share("Levee report warns of ageing walls") == 1.0
    # the longest link text wins; the label and the punctuation around it are not link text
    assert 0.7 < index.share("Read more: Levee report warns of ageing walls.") < 0.9
    assert index.share("The levee held overnight, engineers said") < 0.2
    assert index.share("") == 0.0
    # a teaser opens with a linked headline; a line that merely contains a menu word does not count
    assert index.teaser_share("Levee report warns of ageing walls Inspectors found cracks") > 0.5
    assert index.teaser_share("Home improvement loans are up") == 0.0
    assert index.teaser_share("Read more: Levee report warns of ageing walls") == 0.0

"""The fast engine (issue 15): ``Cleaner(engine="fast")``, ``clean(engine="fast")``, ``--engine fast``.

One lxml walk segments the page into blocks with tree paths and link shares;
the container stage finds the article (``cleaner/frontends/_fast.py``,
``cleaner/_container.py``). Here: the hostile-HTML fixtures (a status, never
an exception, deterministic, no invented text, truncation flagged as the
accurate engine flags it), small pages for each behaviour, what the page
declares, and the engine's plumbing (API, pickling, CLI).
"""

from __future__ import annotations

import json
import pickle
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import cleaner  # noqa: E402
from bench.invariants import violations  # noqa: E402
from cleaner import Cleaner, Result  # noqa: E402
from cleaner._model import STATUS_BINARY, STATUS_EMPTY, STATUS_INVALID, STATUS_OK, STATUS_TOO_LARGE  # noqa: E402

FIXTURES = sorted((REPO / "fixtures" / "html").glob("*.html"))
SEEDS = sorted((REPO / "fixtures" / "seeds" / "pages").glob("*.txt"))
STATUSES = {STATUS_OK, STATUS_EMPTY, STATUS_BINARY, STATUS_TOO_LARGE, STATUS_INVALID}
# the full-page rendering of a too-large page is cut here (kept small: the test stays quick)
PAGE_TEXT_CAP = 20_000

PARAS = [
    "The river had been rising for three days before the town council finally agreed to open the old flood gates.",
    "Residents who had lived along the water for most of their lives said they could not remember such a spring.",
    "Engineers from the regional authority spent the night checking the levees and were confident they would hold.",
    "Shop owners on the main street moved their stock upstairs, while volunteers filled sandbags until dawn.",
    "By the end of the week the water had fallen back below the warning mark, and the council promised a review.",
]
ARTICLE = "".join(f"<p>{p}</p>" for p in PARAS)
TEASERS = [
    "Levee report warns of ageing walls in the old quarter of the town",
    "Ten photographs of the week the river rose above the warning mark",
    "Council budget sets aside money for two new pumps at the harbour",
    "How the old flood gates were built by hand in the winter of 1911",
]
TEASER_LIST = "<ul>" + "".join(f'<li><a href="/story/{i}">{t}</a></li>' for i, t in enumerate(TEASERS)) + "</ul>"
BLURB = (
    "Our weekend magazine travels along the coast to find the best small harbours, where fishermen still mend "
    "their nets by hand and sell the catch from the quay."
)
MOST_READ = "<h3>Most read</h3>" + TEASER_LIST
# og:type article: the page declares an article, so no "not-an-article" fallback stands in for the container
DECLARED_ARTICLE = '<meta property="og:type" content="article">'


def page(body: str, head: str = DECLARED_ARTICLE) -> str:
    return f"<!doctype html><html lang=en><head><title>Flood</title>{head}</head><body>{body}</body></html>"


@pytest.fixture(scope="module")
def fast() -> Cleaner:
    return Cleaner(mode="html", site_rules=False, engine="fast", max_page_text_chars=PAGE_TEXT_CAP)


@pytest.fixture(scope="module")
def accurate() -> Cleaner:
    return Cleaner(mode="html", site_rules=False, max_page_text_chars=PAGE_TEXT_CAP)


def decisions(result: Result) -> list[tuple[str | None, str, str, str]]:
    return [(b.decision, b.category, b.reason, b.text) for b in result.blocks]


def block(result: Result, text: str) -> Any:
    found = [b for b in result.blocks if b.text == text]
    assert len(found) == 1, [b.text for b in result.blocks]
    return found[0]


# --- the hostile-HTML fixtures -------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_gives_a_status_and_the_same_result_twice(fast: Cleaner, path: Path) -> None:
    data = path.read_bytes()
    first, second = fast.clean(data), fast.clean(data)
    assert first.status in STATUSES
    assert (first.error is None) == (first.status == STATUS_OK), (first.status, first.error)
    assert first.text == second.text and first.status == second.status
    assert decisions(first) == decisions(second)
    assert first.metadata.to_dict() == second.metadata.to_dict()


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_invents_no_text(fast: Cleaner, path: Path) -> None:
    # bench/invariants.py's check: every kept block is made of the page's own text rendering
    # (also paragraphs in page order and well-formed metadata)
    data = path.read_bytes()
    found = list(violations(data, fast.clean(data), "html"))
    assert not found, found[:5]


SENTENCE = "The harbour handled more cargo this spring than in any year since the new cranes were installed."


def _huge_text_node() -> bytes:
    # libxml2 stops at 10 MB in one text node: the page is cut, and must say so
    words = "word " * 2_200_000
    return f"<html><body><article><p>{SENTENCE}</p><p>{words}</p></article></body></html>".encode()


def _too_large_page() -> bytes:
    # over a million characters of text: the full-page rendering, cut at PAGE_TEXT_CAP
    paras = "".join(f"<p>Report {i}: {SENTENCE}</p>\n" for i in range(12_000))
    return f"<html><body><article>{paras}</article></body></html>".encode()


TRUNCATION_CASES: list[tuple[str, Callable[[], bytes], bool]] = [
    *((p.stem, p.read_bytes, False) for p in FIXTURES),
    ("huge-text-node", _huge_text_node, True),
    ("too-large-page", _too_large_page, True),
]


@pytest.mark.parametrize(("name", "make", "truncated"), TRUNCATION_CASES, ids=[c[0] for c in TRUNCATION_CASES])
def test_truncation_is_flagged_where_the_accurate_engine_flags_it(
    fast: Cleaner, accurate: Cleaner, name: str, make: Callable[[], bytes], truncated: bool
) -> None:
    data = make()
    reference = accurate.clean(data)
    assert reference.truncated is truncated  # the case does what it is named for
    result = fast.clean(data)
    assert result.truncated is reference.truncated
    if truncated:  # cut, not lost
        assert result.ok and SENTENCE in result.text


# --- behaviours, on small pages ---------------------------------------------------------------


def test_a_teaser_list_after_the_article_is_dropped_as_link_text(fast: Cleaner) -> None:
    result = fast.clean(page(f"<article>{ARTICLE}</article>{TEASER_LIST}"))
    assert result.text == "\n\n".join(PARAS)
    for teaser in TEASERS:
        b = block(result, teaser)
        assert (b.decision, b.category, b.reason) == ("drop", "navigation", "dom:link-text")


def test_a_bullet_list_inside_the_article_body_is_kept(fast: Cleaner) -> None:
    bullets = ["Sandbags at the library", "Bridge closed to cars", "Boil tap water"]
    items = "<ul>" + "".join(f"<li>{b}</li>" for b in bullets) + "</ul>"
    body = "".join(f"<p>{p}</p>" for p in PARAS[:3]) + items + "".join(f"<p>{p}</p>" for p in PARAS[3:])
    result = fast.clean(page(f"<article>{body}</article>"))
    assert result.text == "\n\n".join([*PARAS[:3], *bullets, *PARAS[3:]])
    assert all(block(result, b).tag == "li" for b in bullets)


@pytest.mark.parametrize(
    "body",
    [
        f"<div class=wrap><div class=story>{ARTICLE}</div><div class=rail><p>{BLURB}</p>{MOST_READ}</div></div>",
        f"<div class=wrap><div class=rail>{MOST_READ}<p>{BLURB}</p></div><div class=story>{ARTICLE}</div></div>",
    ],
    ids=["after", "before"],
)
def test_prose_in_a_sidebar_outside_the_article_container_is_dropped(fast: Cleaner, body: str) -> None:
    result = fast.clean(page(body))
    assert result.text == "\n\n".join(PARAS)
    b = block(result, BLURB)
    assert (b.decision, b.reason) == ("drop", "dom:outside-article-container")


@pytest.mark.parametrize("landmark", ["header", "nav", "footer", "aside", 'div role="banner"'])
def test_a_page_whose_content_sits_in_one_landmark_still_gives_its_text(fast: Cleaner, landmark: str) -> None:
    close = landmark.split()[0]
    result = fast.clean(page(f"<{landmark}><h1>Flood gates open</h1>{ARTICLE}</{close}>"))
    assert result.ok and result.text == "\n\n".join(PARAS)


def test_landmarks_beside_the_article_are_left_out(fast: Cleaner) -> None:
    chrome = "Our newsroom brings you the stories that matter to the town, every morning and every night of the week."
    body = f"<header><p>{chrome}</p></header><article>{ARTICLE}</article><footer><p>{chrome}</p></footer>"
    result = fast.clean(page(body))
    assert result.text == "\n\n".join(PARAS)
    assert not any(chrome in b.text for b in result.blocks)


HIDDEN = "Nobody should ever read this sentence, which the page keeps out of sight of its readers."


@pytest.mark.parametrize(
    "hidden",
    [
        f"<p hidden>{HIDDEN}</p>",
        f'<p hidden="hidden">{HIDDEN}</p>',
        f'<div aria-hidden="true"><p>{HIDDEN}</p></div>',
        f"<div hidden><div><h2>Hidden box</h2><p>{HIDDEN}</p></div></div>",
    ],
    ids=["hidden", "hidden-value", "aria-hidden", "hidden-box"],
)
@pytest.mark.parametrize("container", ["article", "header"])  # header: the landmark that holds the whole page
def test_hidden_elements_never_appear(fast: Cleaner, hidden: str, container: str) -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAS[:2]) + hidden + "".join(f"<p>{p}</p>" for p in PARAS[2:])
    result = fast.clean(page(f"<{container}>{body}</{container}>"))
    assert result.text == "\n\n".join(PARAS)
    assert not any("Nobody should" in b.text or "Hidden box" in b.text for b in result.blocks)


NOFRAMES_PAGE = (
    "<html><head><title>Frames</title></head><frameset><frame src=a.html>"
    f"<noframes>{PARAS[0]} {PARAS[1]}</noframes></frameset></html>"
)


@pytest.mark.parametrize(
    ("markup", "status", "text", "title"),
    [
        # no <body> in the tree at all: the walk starts at the root
        (NOFRAMES_PAGE, STATUS_OK, f"{PARAS[0]} {PARAS[1]}", "Frames"),
        ("<html><head><title>Only a title</title></head></html>", STATUS_EMPTY, "", "Only a title"),
        (
            "<html><head><title>Frames</title></head><frameset><frame src=a.html></frameset></html>",
            STATUS_EMPTY,
            "",
            "Frames",
        ),
        # no <body> tag in the markup: the parser supplies one
        (f"<html><head><title>Flood</title></head>{ARTICLE}</html>", STATUS_OK, "\n\n".join(PARAS), "Flood"),
    ],
    ids=["frameset-noframes", "head-only", "frameset-empty", "no-body-tag"],
)
def test_a_page_without_body(fast: Cleaner, markup: str, status: str, text: str, title: str) -> None:
    result = fast.clean(markup)
    assert (result.status, result.text, result.metadata.title) == (status, text, title)
    assert (result.error is None) == (status == STATUS_OK)


def _ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


HEADLINE = "Flood gates opened as the river rises"
DEEP_JSON_LD = '<script type="application/ld+json">' + "[" * 5000 + "</script>"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (f'<title>Gazette | News</title><meta property="og:title" content="{HEADLINE}">', {"title": HEADLINE}),
        (
            "<title>Gazette | News</title>"
            + _ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE}),
            {"title": HEADLINE},
        ),
        (_ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Marsh"}}), {"author": "Jane Marsh"}),
        (
            _ld(
                {
                    "@graph": [
                        {"@type": "WebPage"},
                        {"@type": "NewsArticle", "author": [{"name": "Jane Marsh"}, "Tom Reed"]},
                    ]
                }
            ),
            {"author": "Jane Marsh, Tom Reed"},
        ),
        ('<meta property="article:published_time" content="2024-04-18T09:30:00+02:00">', {"date": "2024-04-18"}),
        # a JSON-LD block nested deeper than the parser's stack is skipped; the rest of the head still counts
        (
            f'<meta property="og:title" content="{HEADLINE}"><meta name="author" content="Jane Marsh">'
            f'<meta property="article:published_time" content="2024-04-18">{DEEP_JSON_LD}',
            {"title": HEADLINE, "author": "Jane Marsh", "date": "2024-04-18"},
        ),
    ],
    ids=["og-title", "json-ld-headline", "json-ld-author", "json-ld-graph-authors", "published-time", "deep-json-ld"],
)
def test_declared_metadata(fast: Cleaner, head: str, expected: dict[str, str]) -> None:
    result = fast.clean(page(f"<article>{ARTICLE}</article>", head), url="https://gazette.example/news/story")
    assert result.ok
    assert {name: getattr(result.metadata, name) for name in expected} == expected


# --- plumbing ---------------------------------------------------------------------------------

TEASER_PAGE = page(f"<article>{ARTICLE}</article>{TEASER_LIST}")


def _dom_reasons(result: Result) -> set[str]:
    return {b.reason for b in result.blocks if b.reason.startswith("dom:")}


def test_clean_takes_the_engine() -> None:
    fast = cleaner.clean(TEASER_PAGE, engine="fast")
    assert fast.ok and fast.text == "\n\n".join(PARAS)
    assert _dom_reasons(fast) == {"dom:link-text"}
    assert not _dom_reasons(cleaner.clean(TEASER_PAGE))  # the default engine is still the accurate one


@pytest.mark.parametrize("engine", ["nope", "FAST", " fast", "", None, "text"])
@pytest.mark.parametrize(
    "build",
    [
        lambda engine: cleaner.clean("<p>x</p>", engine=engine),
        lambda engine: Cleaner(mode="html", site_rules=False, engine=engine),
    ],
    ids=["clean", "Cleaner"],
)
def test_an_unknown_engine_is_a_value_error(build: Callable[[Any], object], engine: object) -> None:
    with pytest.raises(ValueError, match="engine must be one of 'accurate'"):
        build(engine)


def test_a_pickled_fast_cleaner_is_rebuilt(fast: Cleaner) -> None:
    copy = pickle.loads(pickle.dumps(fast))
    assert copy is not fast and copy.engine == "fast"
    assert copy.max_page_text_chars == PAGE_TEXT_CAP
    result = copy.clean(TEASER_PAGE)
    assert decisions(result) == decisions(fast.clean(TEASER_PAGE))
    assert _dom_reasons(result) == {"dom:link-text"}


def test_cli_clean_with_the_fast_engine(cli: Callable[..., Any], tmp_path: Path) -> None:
    # the bundled example pages (text dumps: the text front-end, whatever the engine) and the HTML fixtures
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for path in [*SEEDS, *FIXTURES]:
        shutil.copyfile(path, src / path.name)
    result = cli("clean", src, "-o", out, "--engine", "fast", "-q")
    assert result.exit_code == 0, result.output
    for path in [*SEEDS, *FIXTURES]:
        assert (out / f"{path.name}.txt").is_file() and (out / f"{path.name}.json").is_file(), path.name
    report = json.loads((out / "chrome_link_list.html.json").read_text(encoding="utf-8"))
    assert report["status"] == STATUS_OK
    assert {r["reason"] for r in report["removed"]} >= {"dom:link-text"}


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_the_accurate_engine_never_reaches_the_container_stage(accurate: Cleaner, path: Path) -> None:
    result = accurate.clean(path.read_bytes())
    assert all(b.path is None and b.link_share is None for b in result.blocks)
    assert not _dom_reasons(result)


def test_deep_nesting_changes_nothing(fast: Cleaner) -> None:
    """The same article under 200 wrappers: the container stage (subtree sums by element, not by
    every block's whole path) finds the same text."""
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    flat = fast.clean(page(f"<article>{body}</article>"))
    deep = fast.clean(page("<div>" * 200 + f"<article>{body}</article>" + "</div>" * 200))
    assert flat.ok and deep.text == flat.text
    assert [b.reason for b in deep.blocks] == [b.reason for b in flat.blocks]

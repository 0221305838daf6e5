"""HTML metadata helpers: site-name stripping, author markup, declared dates, merging."""

from __future__ import annotations

import pytest

from cleaner._model import Metadata
from cleaner.html._meta import html_metadata, merge, page_language, strip_site_name
from cleaner.html._parse import parse_markup


@pytest.mark.parametrize(
    ("title", "site", "domain", "expected"),
    [
        ("Flood gates opened | Riverside Gazette", "Riverside Gazette", "gazette.example", "Flood gates opened"),
        ("Riverside Gazette - Flood gates opened", "Riverside Gazette", None, "Flood gates opened"),
        ("Flood gates opened – GAZETTE", None, "gazette.example", "Flood gates opened"),
        # a separator inside the headline, no site name: untouched
        (
            "Paris - Berlin: the night train returns",
            "Rail News",
            "railnews.example",
            "Paris - Berlin: the night train returns",
        ),
        ("Just a headline", "Site", "site.example", "Just a headline"),
        ("Site | Site", "Site", None, "Site | Site"),
    ],
)
def test_strip_site_name(title: str, site: str | None, domain: str | None, expected: str) -> None:
    assert strip_site_name(title, site, domain) == expected


def meta_of(head: str, body: str = "") -> Metadata:
    parsed = parse_markup(f"<html lang='de-AT'><head>{head}</head><body>{body}</body></html>")
    assert parsed is not None
    return html_metadata(parsed.root, "https://www.example.co.uk/a/b")


@pytest.mark.parametrize(
    ("body", "author"),
    [
        ('<article><span class="author-name">Jane Marsh</span><p>x</p></article>', "Jane Marsh"),
        ('<div class="byline">By <a rel="author" href="/j">Jane Marsh</a></div>', "Jane Marsh"),
        ('<div class="byline">By<span>Jane Marsh</span></div>', "Jane Marsh"),
        # a commenter's name is not the author
        ('<div id="comments"><span class="author">Troll Person</span></div>', None),
        # a date label inside the byline box is not a name
        ('<div class="page-byline">Last Updated: 2025-02-22</div>', None),
    ],
)
def test_author_from_markup(body: str, author: str | None) -> None:
    assert meta_of("<title>T</title>", body).author == author


def test_meta_tag_author_wins_over_markup() -> None:
    meta = meta_of('<meta name="author" content="Tom Reed">', '<span class="author-name">Jane Marsh</span>')
    assert meta.author == "Tom Reed"


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2024-04-18T09:30:00Z">',
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-04-18T09:30:00+02:00"}</script>',
    ],
)
def test_declared_publication_date(head: str) -> None:
    assert meta_of(head).date == "2024-04-18"


@pytest.mark.parametrize(
    "body",
    [
        '<time itemprop="datePublished" datetime="2024-04-18T09:30">18 April</time>',
        '<span itemprop="datePublished" content="2024-04-18">Thursday</span>',
    ],
)
def test_microdata_publication_date(body: str) -> None:
    assert meta_of("<title>T</title>", body).date == "2024-04-18"


def test_declared_date_skips_htmldate(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.html import _meta

    def boom(*args: object, **kwargs: object) -> str:
        raise AssertionError("htmldate must not run when the page declares its date")

    monkeypatch.setattr(_meta, "_markup_date", boom)
    assert meta_of('<meta property="article:published_time" content="2024-04-18T09:30:00Z">').date == "2024-04-18"


@pytest.mark.parametrize(
    ("body", "date"),
    [
        # a printed date line, no markup for machines: the first full date in a short segment
        ("<p>A long paragraph of prose about nothing in particular.</p><div><b>March 3, 2024</b></div>", "2024-03-03"),
        ("<div><b>Posted 12 June 2023</b></div><div><b>Updated 14 June 2023</b></div>", "2023-06-12"),
        # dates inside prose or in scripts are not date lines
        (
            "<p>The treaty, signed on March 3, 2024 after years of talks, changed the region for good.</p>"
            "<script>var d = 'March 3, 2024';</script>",
            None,
        ),
        ("<div><b>Copyright 2024</b></div>", None),
    ],
)
def test_date_from_a_printed_date_line(body: str, date: str | None) -> None:
    assert meta_of("<title>T</title>", body).date == date


def test_date_line_skips_htmldate(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.html import _meta

    def boom(*args: object, **kwargs: object) -> str:
        raise AssertionError("htmldate must not run when the page prints a date line")

    monkeypatch.setattr(_meta, "_markup_date", boom)
    assert meta_of("<title>T</title>", "<p class='meta'>Posted on 12 June 2023</p>").date == "2023-06-12"


@pytest.mark.parametrize(
    ("url", "body", "date"),
    [
        # htmldate's structured steps: the URL, then <time datetime>
        ("https://example.com/2023/05/17/a-story", "<p>Text.</p>", "2023-05-17"),
        (None, '<p>Text.</p><time datetime="2023-05-17T08:00:00">Wednesday</time>', "2023-05-17"),
        # a timestamp somewhere in the serialised page or a date-ish class name is no publication date
        (None, '<p>Text.</p><script>var built = "2023-05-17 10:00:00";</script>', None),
        (None, '<p>Text.</p><div class="date-widget" data-x="2023-05-17 10:00:00">Today</div>', None),
    ],
)
def test_date_from_structured_markup(url: str | None, body: str, date: str | None) -> None:
    parsed = parse_markup(f"<html><head><title>T</title></head><body>{body}</body></html>")
    assert parsed is not None
    assert html_metadata(parsed.root, url).date == date


def test_future_dates_are_ignored() -> None:
    assert meta_of('<meta property="article:published_time" content="2999-01-01">').date is None


def test_language_domain_and_site() -> None:
    meta = meta_of('<meta property="og:site_name" content="Example News"><title>A headline here | Example News</title>')
    assert meta.language == "de"
    assert meta.domain == "example.co.uk"
    assert meta.site == "Example News"
    assert meta.title == "A headline here"


@pytest.mark.parametrize(("lang", "expected"), [("en-US", "en"), ("PT_br", "pt"), ("", None), ("12", None)])
def test_page_language(lang: str, expected: str | None) -> None:
    parsed = parse_markup(f"<html lang='{lang}'><body><p>x</p></body></html>")
    assert parsed is not None
    assert page_language(parsed.root) == expected


def test_merge_prefers_html_and_fills_gaps() -> None:
    html_meta = Metadata(title="From HTML", author=None, date="2024-01-02")
    text_meta = Metadata(title="From text", author="Text Author", date="2023-01-01", description="Standfirst")
    merged = merge(html_meta, text_meta)
    assert (merged.title, merged.author, merged.date, merged.description) == (
        "From HTML",
        "Text Author",
        "2024-01-02",
        "Standfirst",
    )


def _titled(head: str, body: str, *, article: bool = False) -> str | None:
    parsed = parse_markup(f"<html><head>{head}</head><body>{body}</body></html>")
    assert parsed is not None
    return html_metadata(parsed.root, "https://shop.example/p", article=article).title


@pytest.mark.parametrize(
    ("head", "body", "article", "title"),
    [
        # the search-engine title confirms the headline: the reader's version wins
        (
            "<title>Sleeping Bags | Outdoor Co-op</title>",
            "<h1>Sleeping Bags</h1><p>x</p>",
            False,
            "Sleeping Bags",
        ),
        (
            '<meta property="og:title" content="Best Tax Preparation Software of 2025 (Tested)">',
            "<h1>The Best Tax Prep Software of 2025</h1>",
            False,
            "The Best Tax Prep Software of 2025",
        ),
        # a slogan in the <h1> of a service page does not replace its name
        (
            '<meta property="og:title" content="Progressive Web App Development Company">',
            "<h1>Apps you can count on</h1>",
            False,
            "Progressive Web App Development Company",
        ),
        # ... but an article's headline is its title, however the page titles itself
        (
            '<meta property="og:title" content="5 Dentist-Backed Brushes To Make Brushing Easier">',
            "<h1>After Testing 40 Toothbrushes, These Are the Best</h1>",
            True,
            "After Testing 40 Toothbrushes, These Are the Best",
        ),
        # several <h1>: no single headline, the declared title stays
        ('<meta property="og:title" content="Science News">', "<h1>Science</h1><h1>Space</h1>", True, "Science News"),
        # no declared title at all: the headline
        ("", "<h1>Camping Tents</h1>", False, "Camping Tents"),
        # line breaks separate words, permalink marks and scripts are not part of the headline
        (
            "<title>T</title>",
            "<h1>Rebuilding the Legacy<br>of <b>American</b> Made<script>x()</script> <a>¶</a></h1>",
            True,
            "Rebuilding the Legacy of American Made",
        ),
    ],
)
def test_title_prefers_the_visible_headline(head: str, body: str, article: bool, title: str) -> None:
    assert _titled(head, body, article=article) == title


@pytest.mark.parametrize(
    ("head", "author"),
    [
        (
            '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Chase Bernath">',
            "Chase Bernath",
        ),
        # the label decides, not the position: reading time is not a name
        (
            '<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="7 minutes">'
            '<meta name="twitter:label2" content="Written by"><meta name="twitter:data2" content="Nawaz Dhandala">',
            "Nawaz Dhandala",
        ),
        (
            '<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="7 minutes">',
            None,
        ),
        # a declared author still wins
        (
            '<meta name="author" content="Tom Reed"><meta name="twitter:label1" content="Written by">'
            '<meta name="twitter:data1" content="Someone Else">',
            "Tom Reed",
        ),
    ],
)
def test_author_from_share_card_labels(head: str, author: str | None) -> None:
    assert meta_of(head, "<p>x</p>").author == author

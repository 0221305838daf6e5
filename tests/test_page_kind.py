"""What a page shows when it declares nothing: an article's dated headline, and what that changes."""

from __future__ import annotations

import math

import pytest

from cleaner.frontends import Settings
from cleaner.frontends._page import FALLBACK_GAIN, NOT_ARTICLE_GAIN, SHOWN_ARTICLE_GAIN
from cleaner.frontends._trafilatura import _not_an_article, segment
from cleaner.html._kind import dated_path, page_kind, shows_article, shows_post
from cleaner.html._parse import parse_markup

PROSE = "<p>" + "The storm that hit the coast on Monday left thousands of homes without power. " * 8 + "</p>"


def _page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def _root(markup: str) -> object:
    parsed = parse_markup(markup)
    assert parsed is not None
    return parsed.root


DATED_POSTS = "".join(
    f"<div class='post'><span class='date'>May {i}, 2008</span><p>Reply {i}</p></div>" for i in range(1, 12)
)


@pytest.mark.parametrize(
    ("title", "body", "shown"),
    [
        # a headline the title repeats, a byline under it
        ("Storm hits coast - The Daily", "<h1>Storm hits coast</h1><p>By Ann Smith</p>" + PROSE, True),
        # ... a dateline in plain text (no markup naming it)
        ("Storm hits coast | The Daily", "<h2>Storm hits coast</h2><div>May 12, 2008</div>" + PROSE, True),
        # ... a date in the markup's class names, above the headline
        ("Storm hits coast", "<div class='meta'>12.05.2008</div><h1>Storm hits coast</h1>" + PROSE, True),
        # ... a <time> element
        ("Storm hits coast", "<h1>Storm hits coast</h1><time>yesterday</time>" + PROSE, True),
        # a headline with neither date nor byline: a service page's "Contact us"
        ("Contact us - Acme", "<h1>Contact us</h1><p>Write to us at any time of the day.</p>" + PROSE, False),
        # the site's name as its <h1>: a small part of every title of the site
        ("Storm hits coast on Monday - The Daily", "<h1>The Daily</h1><p>By Ann Smith</p>" + PROSE, False),
        # a headline the title does not repeat
        ("The Daily - Home", "<h1>Storm hits coast</h1><p>By Ann Smith</p>" + PROSE, False),
        # a thread: the headline is dated, and so is every post under it
        ("Storm hits coast - Forum", "<h1>Storm hits coast</h1><p>By Ann Smith</p>" + DATED_POSTS, False),
        # the date is far below the headline, past a long run of text
        ("Storm hits coast", "<h1>Storm hits coast</h1>" + PROSE + "<p>May 12, 2008</p>", False),
    ],
)
def test_shows_article(title: str, body: str, shown: bool) -> None:
    root = _root(_page(title, body))
    assert page_kind(root) is None  # nothing declared: what the page shows is all there is
    assert shows_article(root) is shown


def test_a_page_that_shows_an_article_needs_a_larger_gain_to_take_the_full_page() -> None:
    """The not-an-article swap: 1.5x the words on a service page, far more on an undeclared article."""
    lists = "<ul>" + "<li>Another story that happened somewhere else today</li>" * 60 + "</ul>"
    article = _root(
        _page("Storm hits coast - The Daily", "<h1>Storm hits coast</h1><p>By Ann Smith</p>" + PROSE + lists)
    )
    service = _root(_page("Opening hours - Acme", "<h1>Opening hours</h1>" + PROSE + lists))
    words = 100
    assert _not_an_article(article, Settings()).needed(words) == math.ceil(SHOWN_ARTICLE_GAIN * words)
    assert _not_an_article(service, Settings()).needed(words) == math.ceil(NOT_ARTICLE_GAIN * words)
    # a page whose text could never reach the gain is not rendered at all
    assert _not_an_article(service, Settings()).needed(10_000) is None


@pytest.mark.parametrize(
    "markup",
    [
        "<div class='entry-content'>{}</div>",  # WordPress
        "<div class='post-body entry'>{}</div>",  # Blogger
        "<article><div class='article-body'>{}</div></article>",
        "<div id='main'>{}</div><div id='comments'><h3>2 Responses</h3></div>",  # the comments box under a post
    ],
)
def test_a_page_whose_markup_holds_a_post_never_takes_the_full_page(markup: str) -> None:
    lists = "<ul>" + "<li>Another story that happened somewhere else today</li>" * 60 + "</ul>"
    root = _root(_page("Opening hours - Acme", markup.format(PROSE) + lists))
    assert shows_post(root)
    assert _not_an_article(root, Settings()).needed(100) is None


def test_a_service_page_shows_no_post() -> None:
    root = _root(_page("Opening hours - Acme", "<div class='content'>" + PROSE + "</div><div id='contact'>x</div>"))
    assert not shows_post(root)


@pytest.mark.parametrize(
    ("url", "dated"),
    [
        ("http://blog.example.com/2012/08/gtd-for-founders/", True),
        ("https://news.example.com/2012/8/9/storm", True),
        ("https://example.com/news/2012-08-09-storm-hits-coast", True),
        ("https://example.com/products/2012", False),  # a year alone files nothing
        ("https://example.com/2012/13/x", False),  # no month 13
        ("https://example.com/search?from=/2012/08/", False),  # in the query, not the path
        ("http://[/", False),
        (None, False),
    ],
)
def test_a_url_filed_under_a_date(url: str | None, dated: bool) -> None:
    assert dated_path(url) is dated


def test_a_dated_url_never_takes_the_full_page() -> None:
    lists = "<ul>" + "<li>Another story that happened somewhere else today</li>" * 60 + "</ul>"
    markup = _page("Opening hours - Acme", "<h1>Opening hours</h1>" + PROSE + lists)
    dated = segment(markup, url="https://example.com/2012/08/opening-hours/", rules=None, settings=Settings())
    undated = segment(markup, url="https://example.com/opening-hours/", rules=None, settings=Settings())
    assert [a.why for a in dated.alternatives] == ["short-extraction"]
    assert [a.why for a in undated.alternatives] == ["short-extraction", "not-an-article"]


def test_a_post_keeps_its_short_extraction() -> None:
    """The short-extraction fallback: not for a post (dated URL or post markup), still for an empty one."""
    lists = "<ul>" + "<li>Another story that happened somewhere else today</li>" * 60 + "</ul>"
    short = "<p>A short note: the shop is closed on Monday for the holiday.</p>"
    post = _page("Closed on Monday - Acme", f"<div class='entry-content'>{short}</div>{lists}")
    plain = _page("Closed on Monday - Acme", f"<div class='content'>{short}</div>{lists}")
    kept = segment(post, url="https://example.com/closed/", rules=None, settings=Settings())
    swapped = segment(plain, url="https://example.com/closed/", rules=None, settings=Settings())
    short_words = len(short.split())  # what a short extraction of the note keeps
    assert kept.alternatives[0].needed(short_words) is None
    assert swapped.alternatives[0].needed(short_words) == math.ceil(FALLBACK_GAIN * short_words)
    assert kept.alternatives[0].needed(0) == 1  # nothing extracted: the full page still replaces nothing

"""What a page shows when it declares nothing: an article's dated headline, and what that changes."""

from __future__ import annotations

import math

import pytest

from cleaner.frontends import Settings
from cleaner.frontends._page import NOT_ARTICLE_GAIN, SHOWN_ARTICLE_GAIN
from cleaner.frontends._trafilatura import _not_an_article
from cleaner.html._kind import page_kind, shows_article
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

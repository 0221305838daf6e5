"""The copy-free author search returns what trafilatura's extract_author returns."""

from __future__ import annotations

import copy

import pytest
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.metadata import extract_metainfo
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from cleaner.html._author import find_author
from cleaner.html._parse import parse_markup

BODIES = [
    "<p>No author markup at all.</p>",
    "<div class='post'><span class='author-name'>Jane Marsh</span></div>",
    "<div><a rel='author' href='/j'>Jane Marsh</a></div>",
    "<div class='byline'>By <b>Jane</b> Marsh</div>",
    "<h4 class='BBL'>Tom Reed</h4>",
    "<section class='entry'><div data-component='Byline'>Written by Tom Reed</div></section>",
    "<div id='xiaobian'>Li Wei</div>",
    "<div class='meta-writer'>Ana Lopez</div>",
    "<author>Jane Marsh</author>",
    # discarded sections: comments, sidebars, dates, figures
    "<div id='comments'><span class='author'>Troll Person</span></div><p class='writer'>Real Writer</p>",
    "<div class='sidebar'><span class='author-name'>Side Bar</span></div>",
    "<div class='byline'><span>Jane Marsh</span><time>2024-01-01</time></div>",
    "<figure><figcaption class='author'>Photo Person</figcaption></figure><span class='author'>Text Person</span>",
    "<span class='comment-list'><span class='author'>A Commenter</span></span>",
    # tier order beats document order
    "<div class='writer'>Third Tier</div><span class='author-name'>First Tier</span>",
    # too long or too short
    "<div class='author'>" + "x" * 150 + "</div><span class='byline'>Jo</span><span class='writer'>Jane Marsh</span>",
    # the query only asks for the cues present on the page: one cue inside another, or ids alone
    "<div class='Byline'>Jane Marsh</div>",
    "<div class='post-byline'><span class='screenname'>jmarsh</span></div>",
    "<div id='author-box'>Jane Marsh</div>",
]


def trafilatura_raw_author(markup: str) -> str | None:
    parsed = parse_markup(markup)
    assert parsed is not None
    subtree = prune_unwanted_nodes(copy.deepcopy(parsed.root), AUTHOR_DISCARD_XPATHS)
    found = extract_metainfo(subtree, AUTHOR_XPATHS, len_limit=120)
    return found if isinstance(found, str) else None


@pytest.mark.parametrize("body", BODIES)
def test_same_author_as_trafilatura(body: str) -> None:
    markup = f"<html><head><title>T</title></head><body>{body}</body></html>"
    parsed = parse_markup(markup)
    assert parsed is not None
    assert find_author(parsed.root) == trafilatura_raw_author(markup)


def test_known_answers() -> None:
    def author(body: str) -> str | None:
        parsed = parse_markup(f"<html><body>{body}</body></html>")
        assert parsed is not None
        return find_author(parsed.root)

    assert author(BODIES[0]) is None
    assert author(BODIES[9]) == "Real Writer"
    assert author(BODIES[12]) == "Text Person"
    assert author(BODIES[14]) == "First Tier"

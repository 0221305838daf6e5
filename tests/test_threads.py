"""Forum threads and Q&A pages: declared as such, their posts are the content and go into the text."""

from __future__ import annotations

import json

import pytest

import cleaner
from cleaner._comments import thread_posts
from cleaner._html_text import parse_html
from cleaner.html._kind import declares_thread

QUESTION = "How do I keep the hinges of an old oak door from squeaking every time it opens in the cold months?"
ANSWER = "Take the pins out, clean them with steel wool, then put a thin coat of white lithium grease on them."
REMARK = "Thanks, that worked."
OTHER = "Graphite powder works too, and it does not gather dust the way an oily grease does over a winter."


def _post(kind: str, body: str, author: str, date: str, css: str = "post-body") -> str:
    return (
        f"<div itemscope itemtype='https://schema.org/{kind}'>"
        f"<span itemprop='author' itemscope itemtype='https://schema.org/Person'><span itemprop='name'>{author}</span>"
        f"</span><meta itemprop='datePublished' content='{date}'>"
        f"<div class='{css}' itemprop='text'><p>{body}</p></div></div>"
    )


def qa_page(declared: str) -> str:
    return (
        f"<html><head><title>Squeaky hinges</title>{declared}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/tags'>Tags</a></nav>"
        f"<h1>Squeaky hinges</h1>{_post('Question', QUESTION, 'ann', '2024-01-02')}"
        f"<div class='answers'>{_post('Answer', ANSWER, 'bo', '2024-01-03')}"
        f"<ul><li itemscope itemtype='https://schema.org/Comment'><span class='copy' itemprop='text'>{REMARK}</span>"
        f"</li></ul>{_post('Answer', OTHER, 'cy', '2024-01-04')}</div>"
        "<footer>Copyright 2024 Example Answers</footer></body></html>"
    )


LD_QA = (
    "<script type='application/ld+json'>"
    + json.dumps({"@context": "https://schema.org", "@type": "QAPage"})
    + "</script>"
)
LD_FORUM = "<script type='application/ld+json'>" + json.dumps({"@type": ["DiscussionForumPosting"]}) + "</script>"
MICRODATA = "<meta itemscope itemtype='http://schema.org/DiscussionForumPosting'>"


@pytest.mark.parametrize("declared", [LD_QA, LD_FORUM, MICRODATA])
def test_a_page_declares_itself_a_thread(declared: str) -> None:
    assert declares_thread(parse_html(qa_page(declared)))


@pytest.mark.parametrize(
    "declared",
    [
        "",
        # an FAQ block on an article declares Questions, not a thread
        "<script type='application/ld+json'>"
        + json.dumps({"@type": "FAQPage", "mainEntity": [{"@type": "Question"}]})
        + "</script>",
        "<script type='application/ld+json'>" + json.dumps({"@type": "NewsArticle"}) + "</script>",
    ],
)
def test_other_pages_do_not(declared: str) -> None:
    assert not declares_thread(parse_html(qa_page(declared)))


def test_the_posts_are_the_largest_group_of_bodies_with_their_authors_and_dates() -> None:
    posts = thread_posts(parse_html(qa_page(LD_QA)))
    assert [(p.text, p.author, p.date) for p in posts] == [
        (QUESTION, "ann", "2024-01-02"),
        (ANSWER, "bo", "2024-01-03"),
        (OTHER, "cy", "2024-01-04"),
    ]  # the one-line remark under an answer is another group, and not a post


def test_a_declared_thread_keeps_every_post_in_the_text() -> None:
    result = cleaner.clean(qa_page(LD_QA), mode="html")
    for body in (QUESTION, ANSWER, OTHER):
        assert body in result.text
    assert [c.author for c in result.comments] == ["ann", "bo", "cy"]
    assert "Copyright" not in result.text

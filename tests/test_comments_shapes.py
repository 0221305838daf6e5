"""Reader comments in shapes the class names do not give away: definition lists, and header-less runs."""

from __future__ import annotations

import pytest

from cleaner import Comment
from cleaner._comments import COMMENTS_REASON, block_comments, tree_comments
from cleaner._html_text import parse_html
from cleaner._model import Block

FIRST = "The old bridge set always seemed empty to me, with too few seats and hardly any stations."
SECOND = "It is still the one I grew up with, and I would love to walk around it one day."


def dl_page(box: str) -> str:
    return (
        f"<html><body><article><p>{'The set was rebuilt by fans. ' * 20}</p></article>"
        f"<div {box}><h2>Comments</h2><dl>"
        f"<dt><a href='#1'>1.</a> Ann Smith - October 26, 2012</dt><dd><p>{FIRST}</p></dd>"
        "<dd class='comment-footer'><span>10:31 AM</span></dd>"
        f"<dt><a href='#2'>2.</a> Bo Lee - October 27, 2012</dt><dd><p>{SECOND}</p></dd>"
        "</dl></div></body></html>"
    )


@pytest.mark.parametrize("box", ["id='comments'", "class='comments-block'", "id='commentlist'"])
def test_a_definition_list_in_the_comments_box_is_a_thread(box: str) -> None:
    found = tree_comments(parse_html(dl_page(box)))
    assert [c.text for c in found] == [FIRST, SECOND]  # the footer <dd> is not a comment
    assert [c.date for c in found] == ["October 26, 2012", "October 27, 2012"]


@pytest.mark.parametrize("box", ["id='sidebar'", "class='glossary'", "id='comments' style='display:none'"])
def test_a_definition_list_elsewhere_is_not(box: str) -> None:
    assert tree_comments(parse_html(dl_page(box))) == []


def _blocks(lines: list[str]) -> list[Block]:
    return [Block(i, t, reason=COMMENTS_REASON, words=len(t.split())) for i, t in enumerate(lines)]


def test_lines_after_a_comments_heading_need_a_header_to_be_a_comment() -> None:
    sidebar = ["Recent Comments", "Skelly on Startup ideas that stick around", "Labels", "education (75)"]
    assert block_comments(_blocks(sidebar)) == []


def test_a_header_line_opens_a_comment_after_a_header_less_run() -> None:
    lines = ["12 Comments", "Subscribe to the thread below", "Ann Smith — July 10th, 2012, 1:26 am", FIRST]
    assert block_comments(_blocks(lines)) == [Comment(FIRST, "Ann Smith", "July 10th, 2012, 1:26 am")]


def test_a_header_less_reply_that_reads_as_prose_is_kept() -> None:
    answer = [f"{FIRST} {SECOND}", FIRST, SECOND, "Share"]
    found = block_comments(_blocks(["3 Comments", *answer]))
    assert [c.text for c in found] == ["\n\n".join(answer[:3])]


def test_a_comment_named_count_link_does_not_hide_the_definition_list() -> None:
    page = dl_page("id='comments'").replace("<article>", "<article><ul><li class='comment'><a>2 Comments</a></li></ul>")
    assert [c.text for c in tree_comments(parse_html(page))] == [FIRST, SECOND]


def test_the_comments_not_the_boxes_that_wrap_them() -> None:
    items = "".join(
        f"<div class='comment' id='comment-{i}'><p>{t}</p></div>" for i, t in enumerate([FIRST, SECOND, FIRST[::-1]])
    )
    box = f"<div class='comments-content'>{items}</div>"
    page = f"<html><body><p>{'The set was rebuilt by fans. ' * 20}</p>{box}<div class='comments-content'></div></body></html>"
    assert [c.text for c in tree_comments(parse_html(page))] == [FIRST, SECOND, FIRST[::-1]]

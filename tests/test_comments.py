"""Reader comments: found in the markup and in text dumps, kept out of the text unless asked, never lost."""

from __future__ import annotations

import pytest

import cleaner
from cleaner import RECORD_SCHEMA, Comment
from cleaner._comments import tree_comments
from cleaner._html_text import parse_html

ARTICLE = (
    "The council met on Tuesday to discuss the new budget for the city's schools and libraries. "
    "Members argued for hours about the cost of repairs, and the vote was put off until next month. "
) * 4
FIRST = "I went to the meeting myself and the room was packed with parents who wanted answers."
SECOND = "Thanks for the report. The repairs have been put off for years and the roof still leaks."


def wordpress_page(*, nested: bool = False) -> str:
    second = (
        f"<li class='comment depth-2' id='comment-2'><div class='comment-author vcard'><cite class='fn'>Bo Lee</cite>"
        f" says:</div><div class='comment-meta'><a href='#c2'>July 11, 2012 at 9:30 am</a></div>"
        f"<p>{SECOND}</p><div class='reply'><a class='comment-reply-link'>Reply</a></div></li>"
    )
    first = (
        f"<li class='comment depth-1' id='comment-1'><div class='comment-author vcard'><cite class='fn'>Ann Smith</cite>"
        f" says:</div><div class='comment-meta'><a href='#c1'>July 10, 2012 at 1:26 am</a></div>"
        f"<p>{FIRST}</p><div class='reply'><a class='comment-reply-link'>Reply</a></div>"
        + (f"<ul class='children'>{second}</ul></li>" if nested else f"</li>{second}")
    )
    return (
        "<html><head><title>Budget talks</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Budget talks</h1><p>{ARTICLE}</p></article>"
        f"<div id='comments' class='comments-area'><h3>2 Responses</h3><ol class='commentlist'>{first}</ol>"
        "<div id='respond'><h3>Leave a Reply</h3><form><textarea name='comment'></textarea>"
        "<label>Name *</label><input name='author'></form></div></div>"
        "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
    )


TEXT_DUMP = "\n\n".join(
    [
        "Home | News | Sport",
        "Budget talks",
        ARTICLE,
        "2 Comments",
        "Ann Smith — July 10th, 2012, 1:26 am",
        FIRST,
        "Reply",
        "Bo Lee — July 11th, 2012, 9:30 am",
        SECOND,
        "Reply",
        "Leave a Reply",
        "Name (required)",
        "Copyright 2024 Example News. All rights reserved.",
    ]
)


@pytest.mark.parametrize("nested", [False, True])
def test_html_comments_are_found_with_author_and_date(nested: bool) -> None:
    result = cleaner.clean(wordpress_page(nested=nested), mode="html")
    assert [c.text for c in result.comments] == [FIRST, SECOND]
    assert [c.author for c in result.comments] == ["Ann Smith", "Bo Lee"]
    assert result.comments[0].date is not None and "July 10, 2012" in result.comments[0].date
    assert not any("Reply" in c.text or "says" in c.text for c in result.comments)


@pytest.mark.parametrize(("mode", "data"), [("html", wordpress_page()), ("text", TEXT_DUMP)])
def test_comments_stay_out_of_the_text_by_default(mode: str, data: str) -> None:
    result = cleaner.clean(data, mode=mode)  # type: ignore[arg-type]
    assert "council met" in result.text and result.comments
    assert FIRST not in result.text and SECOND not in result.text


@pytest.mark.parametrize(("mode", "data"), [("html", wordpress_page()), ("text", TEXT_DUMP)])
def test_include_comments_puts_them_after_the_article(mode: str, data: str) -> None:
    result = cleaner.clean(data, mode=mode, include_comments=True)  # type: ignore[arg-type]
    assert result.text.index("council met") < result.text.index(FIRST) < result.text.index(SECOND)
    assert "\n\nAnn Smith" in result.text  # a header line of its own, after a blank line
    assert "Leave a Reply" not in result.text and "Name (required)" not in result.text


def test_include_comments_per_call_overrides_the_cleaner() -> None:
    c = cleaner.Cleaner(mode="html", include_comments=True, site_rules=False)
    assert FIRST in c.clean(wordpress_page()).text
    assert FIRST not in c.clean(wordpress_page(), include_comments=False).text


def test_text_dump_comments_are_segmented_by_their_header_lines() -> None:
    result = cleaner.clean(TEXT_DUMP, mode="text")
    assert result.comments == [
        Comment(FIRST, "Ann Smith", "July 10th, 2012, 1:26 am"),
        Comment(SECOND, "Bo Lee", "July 11th, 2012, 9:30 am"),
    ]


def test_a_page_without_comments_has_none() -> None:
    page = f"<html><body><article><h1>T</h1><p>{ARTICLE}</p></article></body></html>"
    assert cleaner.clean(page, mode="html").comments == []
    assert cleaner.clean(ARTICLE, mode="text").comments == []


def test_hidden_and_form_elements_are_not_comments() -> None:
    hidden = f"<div class='comment' style='display:none'><p>{FIRST}</p></div>" * 2
    form = "<div class='comment-form'><form><textarea></textarea></form><p>Write your comment here please.</p></div>"
    root = parse_html(f"<html><body><p>{ARTICLE}</p>{hidden}{form * 2}</body></html>")
    assert tree_comments(root) == []


def test_comments_already_in_the_text_are_not_added_twice() -> None:
    # a thread the extractor kept whole: its posts are the article
    posts = "".join(f"<div class='comment'><p>{t} {ARTICLE[:120]}</p></div>" for t in (FIRST, SECOND, FIRST[::-1]))
    page = f"<html><body><main><h1>Thread</h1>{posts}</main></body></html>"
    result = cleaner.clean(page, mode="html", include_comments=True)
    assert result.text.count(FIRST) == 1


def test_a_thread_dump_keeps_its_replies_out_of_the_text_unless_asked() -> None:
    # the thread rule (replies into the text by themselves) was dropped: articles with long threads took it
    dump = "\n".join([ARTICLE, "3 Comments", "Ann Smith says:", FIRST, "Reply", "Bob Jones says:", SECOND, "Reply"])
    plain, asked = cleaner.clean(dump, mode="text"), cleaner.clean(dump, mode="text", include_comments=True)
    assert FIRST not in plain.text and any(FIRST in c.text for c in plain.comments)
    assert FIRST in asked.text


def test_records_carry_the_comments() -> None:
    result = cleaner.clean(wordpress_page(), mode="html")
    nested = result.to_dict()
    assert nested["comments"][0] == {"text": FIRST, "author": "Ann Smith", "date": result.comments[0].date}
    flat = result.to_record("cleaner_")
    assert flat["cleaner_comments"] == [FIRST, SECOND] and flat["cleaner_comments_count"] == 2
    assert ("comments", "list<string>") in RECORD_SCHEMA and ("comments_count", "int") in RECORD_SCHEMA


def test_failed_results_have_no_comments() -> None:
    result = cleaner.clean(None)
    assert result.comments == [] and result.to_record()["comments_count"] == 0

"""What each text directive does to blocks, metadata patterns, and HTML pruning."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lxml import etree, html

from cleaner import Block, Metadata
from cleaner._segment import split_blocks
from cleaner.rules import SiteRules, parse_file

HEAD = '[site]\nname = "t"\ndomains = ["t.com"]\ncategories = ["widget", "c", "poll"]\n'


def rules_from(tmp_path: Path, body: str) -> SiteRules:
    path = tmp_path / "t.toml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return SiteRules(parse_file(path))


def blocks_of(text: str) -> list[Block]:
    blocks = split_blocks(textwrap.dedent(text).strip())
    for b in blocks:
        b.words = len(b.text.split())
    return blocks


def decisions(blocks: list[Block]) -> list[tuple[str, str | None, str]]:
    return [(b.text, b.decision, b.reason) for b in blocks]


def test_drop_lines_starts_ends_contains_and_word_limits(tmp_path: Path) -> None:
    rules = rules_from(
        tmp_path,
        """
        [[drop]]
        id = "w"
        category = "widget"
        lines = ['Menu']
        starts = ['READ \\|']
        ends = ['/ AFP\\)']
        contains = ['sponsored']
        max_words = 6
        """,
    )
    blocks = blocks_of("""
        Menu
        Menu and more
        READ | Other story
        A photo (Jane Doe / AFP)
        this is sponsored
        this is sponsored content that runs far too long to be a widget
    """)
    rules.apply_text(blocks)
    assert [b.decision for b in blocks] == ["drop", None, "drop", "drop", "drop", None]
    assert blocks[0].category == "widget" and blocks[0].reason == "site:t:w"


def test_keep_beats_drop(tmp_path: Path) -> None:
    rules = rules_from(
        tmp_path,
        """
        [[drop]]
        id = "d"
        category = "c"
        contains = ['Editor']
        [[keep]]
        id = "k"
        lines = ["Editor's note: .*"]
        """,
    )
    blocks = blocks_of("Editor's note: this matters\nEditor picks")
    rules.apply_text(blocks)
    assert decisions(blocks) == [
        ("Editor's note: this matters", "keep", "site:t:k"),
        ("Editor picks", "drop", "site:t:d"),
    ]


SECTIONS = """
[[section]]
id = "poll"
category = "poll"
start = '^Poll$'
end = '^Vote$'
[[section]]
id = "gallery"
category = "gallery"
start = '^\\d+ / \\d+$'
until = "prose"
[[section]]
id = "tags"
category = "tags"
start = '^Tags:$'
blocks = 2
"""


def test_sections(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, SECTIONS)
    blocks = blocks_of("""
        1 / 12
        Credit Line
        A caption that ends with a parenthesis (Photo)
        This is the first paragraph of the story and it is long enough to count as prose.
        Poll
        Yes
        No
        Vote
        Tags:
        one two
        After the tags.
    """)
    rules.apply_text(blocks)
    got = [(b.text[:10], b.category if b.decision else None) for b in blocks]
    assert got == [
        ("1 / 12", "gallery"),
        ("Credit Lin", "gallery"),
        ("A caption ", "gallery"),
        ("This is th", None),
        ("Poll", "poll"),
        ("Yes", "poll"),
        ("No", "poll"),
        ("Vote", "poll"),
        ("Tags:", "tags"),
        ("one two", "tags"),
        ("After the ", None),
    ]


def test_section_without_its_end_drops_nothing(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, SECTIONS)
    blocks = blocks_of("Poll\nYes\nNo")
    rules.apply_text(blocks)
    assert all(b.decision is None for b in blocks)


def test_section_respects_max_blocks_and_include_flags(tmp_path: Path) -> None:
    rules = rules_from(
        tmp_path,
        """
        [[section]]
        id = "s"
        category = "c"
        start = '^Start$'
        end = '^End$'
        include_start = false
        include_end = false
        [[section]]
        id = "short"
        category = "c"
        start = '^Begin$'
        end = '^Finish$'
        max_blocks = 2
        """,
    )
    blocks = blocks_of("Start\nmiddle\nEnd\nBegin\nx\ny\nFinish")
    rules.apply_text(blocks)
    assert [b.decision for b in blocks] == [None, "drop", None, None, None, None, None]


def test_truncate_after_specific_rules(tmp_path: Path) -> None:
    rules = rules_from(
        tmp_path,
        """
        [[drop]]
        id = "cr"
        category = "legal"
        starts = ['©']
        [[truncate]]
        id = "end"
        category = "footer"
        at = '^More stories$'
        include_marker = false
        """,
    )
    blocks = blocks_of("Story text.\nMore stories\nOne\n© 2024 Site")
    rules.apply_text(blocks)
    assert [(b.decision, b.category) for b in blocks] == [
        (None, ""),
        (None, ""),
        ("drop", "footer"),
        ("drop", "legal"),
    ]


@pytest.mark.parametrize(
    ("page", "want"),
    [
        ("Nav\nStory\nPara one.\nPara two.\nComments\nFooter", [0, 1, 1, 1, 0, 0]),
        ("Nav\nPara one.\nComments", [None, None, None]),  # no start marker: the rule stands aside
        ("Nav\nStory\nPara one.\nPara two.", [0, None, None, None]),  # end missing: only the lead is cut
    ],
)
def test_body_region(tmp_path: Path, page: str, want: list[int | None]) -> None:
    rules = rules_from(
        tmp_path,
        """
        [body]
        start = '^Story$'
        end = '^Comments$'
        keep_inside = true
        """,
    )
    blocks = blocks_of(page)
    rules.apply_text(blocks)
    decided = {None: None, "drop": 0, "keep": 1}
    assert [decided[b.decision] for b in blocks] == want


META = """
[metadata]
site = "Test Site"
domain = "t.com"
title = ['(?m)^NOPE (.+)$', '(?m)^Headline: (.+)$']
date = '(?m)^Posted (.+)$'
author = '(?m)^By ([A-Z][a-z]+ [A-Z][a-z]+)'
description = 'Summary: (.+)'
"""


def test_metadata_patterns(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, META)
    blocks = blocks_of(
        "Headline: The Big Story\nPosted March 3rd, 2023 at noon\nBy Jane Smith, staff\nSummary: what   happened"
    )
    meta = Metadata(title="generic guess", domain=None)
    rules.apply_metadata(blocks, meta)
    assert meta.title == "Headline: The Big Story"[10:]
    assert (meta.date, meta.author, meta.description) == ("2023-03-03", "Jane Smith", "what happened")
    assert (meta.site, meta.domain, meta.site_rule) == ("Test Site", "t.com", "t.toml")


def test_metadata_keeps_url_domain_and_unparseable_date(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, META)
    meta = Metadata(domain="mirror.org", date="2020-01-01")
    rules.apply_metadata(blocks_of("Posted yesterday"), meta)
    assert meta.domain == "mirror.org" and meta.date == "2020-01-01"


HTML_RULES = """
[html]
body = "//article"
strip = ["//figure", "//div[@class='share']"]
strip_id_or_class = ["related"]
[metadata.html]
title = "//h1"
date = "//time/@datetime"
"""


def test_prune_tree(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, HTML_RULES)
    doc = html.fromstring(
        "<html><body><nav>menu</nav><article><h1>Title</h1><time datetime='2024-02-05'>5 Feb</time>"
        "<p>One <figure>pic</figure>tail stays</p><div class='share'>share</div>"
        "<div id='related-box'>more</div><p>Two</p></article></body></html>"
    )
    root = rules.prune_tree(doc)
    assert root is doc and [e.tag for e in doc.find("body")] == ["article"]  # pruned in place
    text = etree.tostring(root, method="text", encoding="unicode")
    assert "One tail stays" in text and "Two" in text
    assert "menu" not in text and "pic" not in text and "share" not in text and "more" not in text
    assert rules.html_meta(root) == {"title": "Title", "date": "2024-02-05"}
    meta = Metadata()
    rules.apply_metadata([], meta, root=root)
    assert meta.title == "Title"


def test_prune_tree_without_body_match_keeps_root(tmp_path: Path) -> None:
    rules = rules_from(tmp_path, HTML_RULES)
    doc = html.fromstring("<html><body><div><p>text</p><figure>photo</figure></div></body></html>")
    root = rules.prune_tree(doc)
    assert root is doc and "photo" not in etree.tostring(root, method="text", encoding="unicode")


def test_strip_id_or_class_rejects_xpath_injection(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="plain id or class"):
        rules_from(tmp_path, "[html]\nstrip_id_or_class = [\"x') or true() or ('\"]\n")

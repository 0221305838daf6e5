"""What HTML mode leaves out is named: menus, link lists, share bars, the footer."""

from __future__ import annotations

import pytest

from cleaner import Cleaner
from cleaner._classify import chrome_matcher
from cleaner._lexicon import default_lexicon
from cleaner._model import Block
from cleaner._outside import NAMED_SEPARATOR, OUTSIDE_CATEGORY, OUTSIDE_REASON, name_outside

ENGINE = Cleaner(mode="html", site_rules=False, list_all_removed=True)
MATCHER = chrome_matcher(default_lexicon())


def _names(lines: list[str]) -> list[str | None]:
    labels = name_outside([Block(text=t, index=i) for i, t in enumerate(lines)], MATCHER)
    return [None if label is None else label.category for label in labels]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a menu: a run of short lines
        (["World", "Business", "Sport", "Culture"], ["navigation"] * 4),
        # two short lines are no run: they stay unnamed
        (["World", "Business"], [None, None]),
        # a list of other items' headlines
        (
            [
                "Harbour crane collapses during the night storm",
                "Local choir wins national singing contest",
                "School lunches get more vegetables this term",
            ],
            ["related"] * 3,
        ),
        # lexicon lines keep their own category; separators are navigation
        (["Share on Facebook", "›‹", "Subscribe to our newsletter"], ["share", "navigation", "subscription"]),
        # after the copyright line: the footer
        (
            ["© 2024 Riverside Gazette. All rights reserved.", "Made with care in a small town by our friendly team."],
            ["legal", "footer"],
        ),
        # prose the classifier cannot name stays unnamed
        (["The mayor said the bridge would open in spring, after years of delay and argument."], [None]),
    ],
    ids=["menu", "too-short", "headlines", "lexicon", "footer", "prose"],
)
def test_outside_blocks_get_the_classifiers_names(lines: list[str], expected: list[str | None]) -> None:
    assert _names(lines) == expected


ARTICLE = "".join(
    f"<p>The council said on Monday that the new bridge, number {i}, would open to traffic next spring "
    "after years of delay, and that it would pay for the work from its own budget.</p>"
    for i in range(6)
)
PAGE = f"""<html><head><title>Bridge opens</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li><li><a href="/b">Business</a></li>
<li><a href="/s">Sport</a></li><li><a href="/c">Culture</a></li></ul></nav>
<article><h1>Bridge opens</h1>{ARTICLE}</article>
<aside><p>A quiet aside that the extractor leaves out and nobody can name, written as a sentence.</p></aside>
<footer><p>© 2024 Riverside Gazette. All rights reserved.</p></footer>
</body></html>""".encode()


def test_list_all_removed_names_what_it_can_and_falls_back_for_the_rest() -> None:
    result = ENGINE.clean(PAGE, url="https://example.org/news/bridge")
    outside = {b.text: b for b in result.blocks if b.reason.startswith(OUTSIDE_REASON)}
    assert outside["Home"].category == "navigation"
    assert outside["Sport"].category == "navigation"
    assert outside["Sport"].reason.startswith(OUTSIDE_REASON + NAMED_SEPARATOR)
    assert outside["© 2024 Riverside Gazette. All rights reserved."].category == "legal"
    aside = next(b for t, b in outside.items() if t.startswith("A quiet aside"))
    assert (aside.category, aside.reason) == (OUTSIDE_CATEGORY, OUTSIDE_REASON)
    assert not any(b.kept for b in outside.values())


def test_naming_changes_no_text() -> None:
    plain = Cleaner(mode="html", site_rules=False).clean(PAGE, url="https://example.org/news/bridge")
    assert ENGINE.clean(PAGE, url="https://example.org/news/bridge").text == plain.text

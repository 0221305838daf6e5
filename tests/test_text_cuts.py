"""The text engine weighs its footer cut against the prose it would remove."""

from __future__ import annotations

import pytest

from cleaner import Cleaner
from cleaner._model import Block

ENGINE = Cleaner(mode="text", site_rules=False)
TOPICS = ("soil", "water", "roots", "leaves", "seeds", "garden", "field", "river", "orchard", "meadow")


def paragraph(i: int) -> str:
    topic = TOPICS[i % len(TOPICS)]
    return (
        f"The researchers measured how the {topic} changed over {i + 3} seasons and found that it held "
        f"more water than they had expected, which surprised the farmers who had worked the {topic} for "
        f"years and had always believed that the dry summers of the region would leave it cracked and bare."
    )


ARTICLE = [paragraph(i) for i in range(8)]
LICENCE = (
    "Copyright © 2020 Smith et al. This is an open access article distributed under the terms of the "
    "Creative Commons Attribution License, which permits unrestricted use, provided the original work is properly cited."
)
# a policy printed after the footer: one small-print phrase a paragraph, too few for a chrome label
POLICY = [
    f"This privacy policy applies to everyone who buys our shoes in the stores or online, and it explains "
    f"what we collect when you visit, order or return item number {i} to one of the shops in the country."
    for i in range(30)
]


def _blocks(lines: list[str]) -> list[Block]:
    return ENGINE.clean("\n\n".join(lines)).blocks


def _kept_all(blocks: list[Block], texts: list[str]) -> bool:
    kept = {b.text for b in blocks if b.kept}
    return all(t in kept for t in texts)


@pytest.mark.parametrize(
    "head",
    [
        # an open-access notice under the authors and the abstract: the article follows it
        [
            "Journal of Plants",
            "Growth of plants in dry soil",
            paragraph(9),
            paragraph(10),
            "Copyright © 2020 Smith et al.",
        ],
        # a footer that the page dump prints before the article (a navigation footer rendered first)
        ["Home", paragraph(9), paragraph(10), "About us", "© 2026 Plant News. All rights reserved."],
    ],
    ids=["licence-notice", "footer-printed-first"],
)
def test_a_copyright_line_above_the_article_does_not_cut_it(head: list[str]) -> None:
    blocks = _blocks([*head, LICENCE, "Introduction", *ARTICLE, "References"])
    assert _kept_all(blocks, ARTICLE)
    marker = next(b for b in blocks if b.text == head[-1])
    assert not marker.kept and marker.category == "legal"


def test_a_footer_with_little_prose_after_it_still_ends_the_article() -> None:
    blocks = _blocks([*ARTICLE[:3], "© 2026 Plant News. All rights reserved.", "Abstract", ARTICLE[3]])
    assert _kept_all(blocks, ARTICLE[:3])
    assert not any(b.kept for b in blocks if b.text == ARTICLE[3])
    assert next(b for b in blocks if b.text == ARTICLE[3]).reason == "generic:footer:after-article-end"


def test_small_print_after_a_real_footer_stays_cut() -> None:
    """A consent dialog or policy printed after the footer is prose too, and no article.

    It is far more prose than the article (and would outweigh the cut), but it speaks small print.
    """
    blocks = _blocks(["Home", *ARTICLE[:4], "© 2026 Plant News. All rights reserved.", *POLICY])
    assert _kept_all(blocks, ARTICLE[:4])
    assert not any(b.kept for b in blocks if b.text in POLICY)
    assert {b.category for b in blocks if b.text in POLICY} <= {"footer", "cookie", "legal"}


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("An official website of the United States government", "notice"),
        ("Here's how you know", "notice"),
        (
            "Official websites use .gov A .gov website belongs to an official government organization "
            "in the United States.",
            "notice",
        ),
        (LICENCE, "legal"),
    ],
)
def test_banner_and_licence_lines_are_named(line: str, category: str) -> None:
    blocks = _blocks([line, *ARTICLE[:4]])
    assert next(b for b in blocks if b.text == line).category == category
    assert _kept_all(blocks, ARTICLE[:4])

"""The text engine's second opinion on an extraction: disputed runs of link lines at its edges are dropped."""

from __future__ import annotations

import pytest

from cleaner._model import Block
from cleaner._second_opinion import PREFIX, challenge, may_challenge

PROSE = (
    "The council met on Monday evening and agreed, after a long debate about the budget for the coming "
    "year, that the library would stay open on Sundays for as long as the money allowed it to."
)
PROSE_2 = (
    "Several residents had written to the council before the meeting, and most of them asked for the same "
    "thing: longer opening hours, a quiet room for students and a few more books for the children."
)

LONG = PROSE_2 + " They were heard, and the council promised an answer within the month."


def _block(i: int, text: str, keep: bool, reason: str, category: str = "body") -> Block:
    b = Block(i, text, words=len(text.split()))
    if keep:
        b.keep(category, reason)
    else:
        b.drop(category, reason)
    return b


def _extraction(texts: list[str]) -> list[Block]:
    return [
        _block(i, t, True, "generic:prose:good" if len(t) > 100 else "generic:in-main-text:short")
        for i, t in enumerate(texts)
    ]


def _reading(verdicts: list[tuple[str, str]]) -> list[Block]:
    """Full-page blocks: (text, reason), kept when the reason says the text engine kept it."""
    out = []
    for i, (text, reason) in enumerate(verdicts):
        keep = reason.startswith("generic:prose") or reason.startswith("generic:in-main-text")
        category = "navigation" if "navigation" in reason else ("comments" if "after-article" in reason else "body")
        out.append(_block(i, text, keep, reason, category))
    return out


# the lines that are links on the synthetic page
LINKS = {
    "Team wins the final",
    "Prices go up again",
    "Read more stories",
    "Other story",
    "Related: one story and another story",
}


def link_share(text: str) -> float:
    return 1.0 if text in LINKS else 0.0


KEPT = "generic:prose:good"
OUTSIDE = "generic:outside-main-text"
NAV = "generic:navigation:links"
AFTER = "generic:comments:after-article-end"


@pytest.mark.parametrize(
    ("extracted", "reading", "dropped"),
    [
        # headlines of other stories after the article, outside the text engine's region: dropped
        (
            [PROSE, PROSE_2, "Team wins the final", "Prices go up again"],
            [
                ("Menu", NAV),
                (PROSE, KEPT),
                (PROSE_2, KEPT),
                ("Team wins the final", OUTSIDE),
                ("Prices go up again", OUTSIDE),
            ],
            {"Team wins the final": "outside-text-region", "Prices go up again": "outside-text-region"},
        ),
        # a teaser before the article, which the reading took for navigation
        (
            ["Read more stories", PROSE, PROSE_2],
            [("Read more stories", NAV), (PROSE, KEPT), (PROSE_2, KEPT)],
            {"Read more stories": "chrome"},
        ),
        # a short line inside the article is the article's own, whatever the reading says
        ([PROSE, "A subhead", PROSE_2], [(PROSE, KEPT), ("A subhead", OUTSIDE), (PROSE_2, KEPT)], {}),
        # a long prose paragraph at the end holds, even after the reading's article end
        ([PROSE, LONG], [(PROSE, KEPT), ("Comments", AFTER), (LONG, AFTER)], {}),
        # the run stops at the first block the reading kept
        (
            [PROSE, "Team wins the final", "Other story"],
            [(PROSE, KEPT), ("Team wins the final", "generic:in-main-text:short"), ("Other story", OUTSIDE)],
            {"Other story": "outside-text-region"},
        ),
        # text the rendering does not hold gets no verdict: kept
        ([PROSE, "Other story"], [(PROSE, KEPT), ("Something else", OUTSIDE)], {}),
        # the article's own list, no links, which the region search left out: kept
        (
            [PROSE, PROSE_2, "June 9 - Coral Sky Amphitheatre", "June 10 - Credit Union Amphitheatre"],
            [
                (PROSE, KEPT),
                (PROSE_2, KEPT),
                ("June 9 - Coral Sky Amphitheatre", OUTSIDE),
                ("June 10 - Credit Union Amphitheatre", OUTSIDE),
            ],
            {},
        ),
        # short lines between link lines go with them; one on the article's side of them (it may be
        # the article's own last line, or its headline at the start) or alone at the edge stays
        (
            [PROSE, PROSE_2, "More stories", "Team wins the final"],
            [(PROSE, KEPT), (PROSE_2, KEPT), ("More stories", OUTSIDE), ("Team wins the final", OUTSIDE)],
            {"Team wins the final": "outside-text-region"},
        ),
        (
            [PROSE, PROSE_2, "Team wins the final", "Share"],
            [(PROSE, KEPT), (PROSE_2, KEPT), ("Team wins the final", OUTSIDE), ("Share", OUTSIDE)],
            {"Team wins the final": "outside-text-region", "Share": "outside-text-region"},
        ),
        ([PROSE, PROSE_2, "Share"], [(PROSE, KEPT), (PROSE_2, KEPT), ("Share", OUTSIDE)], {}),
    ],
)
def test_disputed_edges_are_dropped(
    extracted: list[str], reading: list[tuple[str, str]], dropped: dict[str, str]
) -> None:
    blocks = _extraction(extracted)
    challenge(blocks, _reading(reading), link_share)
    got = {b.text: b.reason.removeprefix(f"{PREFIX}:") for b in blocks if not b.kept}
    assert got == dropped
    assert all(b.reason.startswith(PREFIX) for b in blocks if not b.kept)


def test_a_reading_that_lost_the_article_is_not_heard() -> None:
    """The text engine kept under half the extraction's words: its region is elsewhere."""
    blocks = _extraction([PROSE, PROSE_2, "Other story"])
    reading = _reading([(PROSE, OUTSIDE), (PROSE_2, OUTSIDE), ("Other story", OUTSIDE), ("A menu line", KEPT)])
    assert challenge(blocks, reading, link_share) == 0
    assert all(b.kept for b in blocks)


def test_never_drops_every_kept_block() -> None:
    blocks = _extraction(["Team wins the final", "Other story"])
    reading = _reading([("Team wins the final", OUTSIDE), ("Other story", OUTSIDE), ("x " * 10, KEPT)])
    challenge(blocks, reading, link_share)
    assert any(b.kept for b in blocks)


def test_a_block_spread_over_several_lines_is_judged_by_its_share() -> None:
    """A paragraph the rendering split in two lines: dropped only when most of its text was dropped."""
    blocks = _extraction([PROSE, "Related: one story and another story"])
    reading = _reading([(PROSE, KEPT), ("Related: one story", OUTSIDE), ("and another story", OUTSIDE)])
    challenge(blocks, reading, link_share)
    assert not blocks[1].kept and blocks[1].reason == f"{PREFIX}:outside-text-region"


@pytest.mark.parametrize(
    ("extracted", "asks"),
    [
        # a link line at the end: the full page is worth reading
        ([PROSE, PROSE_2, "Team wins the final"], True),
        # ... or behind short lines at the start
        (["Share", "Read more stories", PROSE, PROSE_2], True),
        # no link line at either end: nothing the reading could drop, no rendering
        ([PROSE, PROSE_2, "A closing line"], False),
        # a link line behind long prose: out of reach
        ([PROSE, "Team wins the final", PROSE_2], False),
    ],
)
def test_the_full_page_is_read_only_when_an_end_holds_a_link_line(extracted: list[str], asks: bool) -> None:
    assert may_challenge(_extraction(extracted), link_share) is asks

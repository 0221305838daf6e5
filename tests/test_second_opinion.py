"""The text engine's second opinion on an extraction: disputed runs at its edges are dropped."""

from __future__ import annotations

import pytest

from cleaner._model import Block
from cleaner._second_opinion import PREFIX, challenge

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
            [PROSE, "Short kept line", "Other story"],
            [(PROSE, KEPT), ("Short kept line", "generic:in-main-text:short"), ("Other story", OUTSIDE)],
            {"Other story": "outside-text-region"},
        ),
        # text the rendering does not hold gets no verdict: kept
        ([PROSE, "Only in the extraction"], [(PROSE, KEPT), ("Something else", OUTSIDE)], {}),
    ],
)
def test_disputed_edges_are_dropped(
    extracted: list[str], reading: list[tuple[str, str]], dropped: dict[str, str]
) -> None:
    blocks = _extraction(extracted)
    challenge(blocks, _reading(reading))
    got = {b.text: b.reason.removeprefix(f"{PREFIX}:") for b in blocks if not b.kept}
    assert got == dropped
    assert all(b.reason.startswith(PREFIX) for b in blocks if not b.kept)


def test_a_reading_that_lost_the_article_is_not_heard() -> None:
    """The text engine kept under half the extraction's words: its region is elsewhere."""
    blocks = _extraction([PROSE, PROSE_2, "Other story"])
    reading = _reading([(PROSE, OUTSIDE), (PROSE_2, OUTSIDE), ("Other story", OUTSIDE), ("A menu line", KEPT)])
    assert challenge(blocks, reading) == 0
    assert all(b.kept for b in blocks)


def test_never_drops_every_kept_block() -> None:
    blocks = _extraction(["First short line", "Second short line"])
    reading = _reading([("First short line", OUTSIDE), ("Second short line", OUTSIDE), ("x " * 10, KEPT)])
    challenge(blocks, reading)
    assert any(b.kept for b in blocks)


def test_a_block_spread_over_several_lines_is_judged_by_its_share() -> None:
    """A paragraph the rendering split in two lines: dropped only when most of its text was dropped."""
    blocks = _extraction([PROSE, "Related: one story and another story"])
    reading = _reading([(PROSE, KEPT), ("Related: one story", OUTSIDE), ("and another story", OUTSIDE)])
    challenge(blocks, reading)
    assert not blocks[1].kept and blocks[1].reason == f"{PREFIX}:outside-text-region"

"""The second opinion completes a cut article: the reading's fluent prose the extraction lacks, in place."""

from __future__ import annotations

from cleaner._model import Block
from cleaner._second_opinion import COMPLETED, MAX_TEXT_SEARCHES, MIN_COMPLETION_WORDS, _Index, complete, may_complete
from tests.test_second_opinion import _block

PARAS = [
    f"Paragraph {n} of the story: the council met on Monday evening and agreed, after a long debate about "
    f"the budget for the coming year, that the library would stay open on Sundays for {n} more months."
    for n in range(1, 7)
]
GOOD = "generic:prose:good"


def _extraction(texts: list[str]) -> list[Block]:
    return [_block(i, t, True, GOOD) for i, t in enumerate(texts)]


def _reading(rows: list[tuple[str, str, bool, str]]) -> list[Block]:
    return [_block(i, text, keep, reason, category) for i, (text, reason, keep, category) in enumerate(rows)]


def _article(*, interruption: tuple[str, str], after: tuple[str, str, bool, str]) -> list[Block]:
    """A page read whole: a menu, the story in two boxes split by ``interruption``, then ``after``."""
    label, category = interruption
    return _reading(
        [
            ("Home", "generic:navigation:line", False, "navigation"),
            *((p, GOOD, True, "body") for p in PARAS[:3]),
            (label, f"generic:{category}:line", False, category),
            *((p, GOOD, True, "body") for p in PARAS[3:]),
            after,
        ]
    )


MORE = ("More stories", "generic:related:line", False, "related")


def test_the_second_half_after_an_advertisement_is_added() -> None:
    completed = complete(_extraction(PARAS[:3]), _article(interruption=("Advertisement", "advertisement"), after=MORE))
    assert completed is not None
    assert [b.text for b in completed] == PARAS
    assert [b.reason for b in completed[3:]] == [COMPLETED] * 3
    assert [b.index for b in completed] == list(range(6))


def test_paragraphs_skipped_inside_the_extraction_go_back_in_their_place() -> None:
    reading = _reading([(p, GOOD, True, "body") for p in PARAS[:5]])
    # one paragraph is fewer words than a completion needs: a stray line, nothing added
    assert len(PARAS[2].split()) < MIN_COMPLETION_WORDS
    assert complete(_extraction([*PARAS[:2], *PARAS[3:5]]), reading) is None
    completed = complete(_extraction([PARAS[0], PARAS[4]]), reading)
    assert completed is not None
    assert [b.text for b in completed] == PARAS[:5]


def test_the_run_stops_at_a_heading_or_a_teaser() -> None:
    reading = _article(interruption=("More stories", "related"), after=MORE)
    assert complete(_extraction(PARAS[:3]), reading) is None  # a "More stories" line ends the article
    teasers = _reading(
        [
            *((p, GOOD, True, "body") for p in PARAS[:3]),
            ("Another story: a short teaser of it", "generic:prose:near", True, "body"),
            *((p, GOOD, True, "body") for p in PARAS[3:]),
        ]
    )
    assert complete(_extraction(PARAS[:3]), teasers) is None  # past the first line that is not fluent prose


def test_a_reading_of_another_part_of_the_page_is_not_heard() -> None:
    """When the reading lost most of the extraction's words, it read something else: no completion."""
    other = _reading([("Lorem " * 30, GOOD, True, "body"), *((p, GOOD, True, "body") for p in PARAS[3:])])
    assert complete(_extraction(PARAS[:3]), other) is None


def test_nothing_before_the_extraction_is_added() -> None:
    reading = _reading([(p, GOOD, True, "body") for p in PARAS])
    assert complete(_extraction(PARAS[3:]), reading) is None  # a dek or a teaser above the story stays out


def test_the_page_is_read_only_where_its_paragraphs_hold_more_than_the_extraction() -> None:
    extraction = _extraction(PARAS[:3])
    words = sum(b.words for b in extraction)
    assert not may_complete(extraction, lambda: float(words + MIN_COMPLETION_WORDS - 1))
    assert may_complete(extraction, lambda: float(words + MIN_COMPLETION_WORDS))


def test_searches_are_bounded_on_a_page_split_otherwise_than_the_extraction() -> None:
    """Blocks the reading holds only as parts of its lines are searched for, up to a budget; past it
    they count as not held, so that a hostile page costs no more than the budget's searches."""
    lines = [f"Line {n} of a long page, with enough words in it to be a paragraph of its own." for n in range(600)]
    reading = _reading([(" ".join(lines[i : i + 2]), GOOD, True, "body") for i in range(0, len(lines), 2)])
    few = _extraction(lines[: MAX_TEXT_SEARCHES // 2])  # each found by a search: within the budget
    assert all(span is not None for span in _Index(reading).locate(few))
    many = _extraction(lines)  # three times the budget: the rest are not looked for
    spans = _Index(reading).locate(many)
    assert sum(span is not None for span in spans) == MAX_TEXT_SEARCHES
    assert complete(many, reading) is None  # a reading that seems to hold a third of it is not heard

"""The text engine's main precision losses: commerce lines, forum metadata, bare dates, teaser runs."""

from __future__ import annotations

import pytest

from cleaner import Cleaner
from cleaner._model import Block

ENGINE = Cleaner(mode="text", site_rules=False)
SUBJECTS = ("bridge", "tunnel", "station", "harbour", "airport", "stadium", "library", "market", "museum", "school")


def sentence(i: int, topic: str = "bridge") -> str:
    return (
        f"Officials said on Monday that the new {topic}, number {i}, would open to traffic next spring "
        f"after years of delay, and that the council had agreed to pay for the work from its own budget."
    )


ARTICLE = [sentence(i, SUBJECTS[i % 3]) for i in range(6)]


def _blocks(lines: list[str]) -> list[Block]:
    return ENGINE.clean("\n\n".join(lines)).blocks


def _block(blocks: list[Block], text: str) -> Block:
    return next(b for b in blocks if b.text == text)


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("$19.99", "commerce"),
        ("Add to cart", "commerce"),
        ("In stock", "commerce"),
        ("Free shipping on orders over $50", "commerce"),
        ("Rated 4.5 out of 5 stars", "commerce"),
        ("19,99 €", "commerce"),
        ("Commented Sep 13, 2015 at 5:48", "byline"),
        ("answered Nov 2, 2020 at 10:01", "byline"),
        ("Posted by jsmith", "byline"),
        ("1,234 reputation", "byline"),
        ("12 posts · Joined 2014", "byline"),
        ("12 gold badges34 silver badges56 bronze badges", "byline"),
        ("● 12 ● 34", "byline"),
        ("23 points", "comments"),
        ("Improve this answer", "comments"),
        ("2024-05-13 08:12:00 +00:00", "date"),
        ("5 min read", "date"),
        ("September 13, 2015", "date"),
        ("Table of contents", "navigation"),
        ("Oops! Something went wrong while submitting the form.", "notice"),
        ("Related products", "related"),
    ],
)
def test_commerce_forum_and_date_lines_are_named(line: str, category: str) -> None:
    blocks = _blocks([ARTICLE[0], ARTICLE[1], line, *ARTICLE[2:]])
    block = _block(blocks, line)
    assert not block.kept
    assert block.category == category
    assert all(_block(blocks, p).kept for p in ARTICLE)


@pytest.mark.parametrize(
    "line",
    [
        "The bridge costs $19.99 million less than planned, the council said.",
        "Posted in the morning, it was read by all.",
    ],
)
def test_prose_that_mentions_prices_or_posting_stays(line: str) -> None:
    blocks = _blocks([*ARTICLE[:3], line, *ARTICLE[3:]])
    assert _block(blocks, line).kept


def test_post_stamps_between_posts_do_not_split_a_thread() -> None:
    """A thread's posts, each under its poster's counts and date, are kept as one run."""
    lines = ["Forum", "Bridge opening delayed again"]
    posts = [sentence(i, SUBJECTS[i]) for i in range(6)]
    for i, post in enumerate(posts):
        lines += [
            f"user{i}",
            f"{100 + i} posts · Joined 2014",
            f"#{i + 1} · Mar {i + 2}, 2025",
            post,
            "Reply Quote Like",
        ]
    blocks = _blocks(lines)
    assert all(_block(blocks, p).kept for p in posts)
    assert not any(b.kept for b in blocks if "Joined" in b.text or b.text.startswith("#"))


def test_a_product_grid_keeps_its_prices() -> None:
    """Without running prose a price is the listing's data; "Add to cart" is still a button."""
    lines = ["Shop", "Treadmills"]
    for i in range(8):
        lines += [f"Runner {i} folding treadmill", f"${199 + 100 * i}.99", "Add to cart"]
    blocks = _blocks(lines)
    assert _block(blocks, "$499.99").kept
    assert not any(b.kept for b in blocks if b.text == "Add to cart")


# summaries long and fluent enough that the region search alone runs on into them
TEASERS = [
    (
        "Harbour crane collapses during the night storm",
        "A crane fell into the water at the port overnight, and divers were sent down in the morning to look at it.",
    ),
    (
        "Local choir wins national singing contest",
        "Forty singers travelled north by coach to take the first prize, which they had never won in all these years.",
    ),
    (
        "School lunches get more vegetables this term",
        "Pupils will see carrots and peas on every plate from January, as the kitchens try to follow the new rules.",
    ),
    (
        "Museum reopens its dinosaur hall to visitors",
        "The skeletons were cleaned and mounted again by a team of experts who worked on them for more than a year.",
    ),
]


def _teaser_page(stamp: bool) -> list[str]:
    lines = ["Home", "Bridge opening delayed", *ARTICLE, "More in Local News"]
    for i, (head, summary) in enumerate(TEASERS):
        lines += [head, f"November {i + 10}, 2019 at 5:10 pm" if stamp else "", summary]
        if stamp:
            lines.append("Read More")
    return [line for line in lines if line]


def test_a_teaser_run_after_the_article_is_related() -> None:
    blocks = _blocks(_teaser_page(stamp=True))
    assert all(_block(blocks, p).kept for p in ARTICLE)
    for head, summary in TEASERS:
        assert not _block(blocks, head).kept and not _block(blocks, summary).kept
        assert _block(blocks, summary).reason == "generic:related:teaser-run"


FEATURES = [
    ("Fast setup in minutes", "Officials can set up the new bridge counter in minutes, the council said."),
    ("Works with every budget", "The council agreed that the counter fits the budget of every town."),
    ("Support from our team", "The new bridge team answers questions about the work every Monday."),
]


def test_a_list_of_the_pages_own_sections_is_kept() -> None:
    """Headings each with one line, but no stamps and no heading naming them as other items: content."""
    lines = ["Bridge counter", *ARTICLE]
    for head, line in FEATURES:
        lines += [head, line]
    blocks = _blocks(lines)
    assert all(_block(blocks, line).kept for _, line in FEATURES)


def test_teasers_about_the_article_itself_are_kept() -> None:
    """Headline and summary pairs sharing the article's words are its own sections."""
    lines = [*ARTICLE, "More in Local News"]
    sections = [(f"The new {s} opens in spring", sentence(i + 7, s)) for i, s in enumerate(SUBJECTS[:3])]
    for i, (head, text) in enumerate(sections):
        lines += [head, f"November {i + 10}, 2019", text]
    blocks = _blocks(lines)
    assert all(_block(blocks, text).kept for _, text in sections)


def test_every_bundled_pattern_has_a_scan_form() -> None:
    """One pattern without a scan form (an unescaped ``$``) turns the page prefilter off for every page."""
    from cleaner._classify import _source, chrome_matcher
    from cleaner._lexicon import default_lexicon
    from cleaner._prefilter import scan_expression

    matcher = chrome_matcher(default_lexicon())
    missing = [(kind, cat.name) for kind, cat, _ in matcher.checks if scan_expression(kind, _source(cat, kind)) is None]
    assert not missing

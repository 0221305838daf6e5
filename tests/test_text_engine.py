"""The generic text engine on the seeds (golden data) and on hand-made chrome."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from cleaner import Cleaner

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
PAGES = sorted((SEEDS / "pages").glob("*.txt"))
TOKEN = re.compile(r"\w+")
GENERIC = Cleaner(mode="text", site_rules=False)


def bag_f1(pred: str, gold: str) -> float:
    p = Counter(t.lower() for t in TOKEN.findall(pred))
    g = Counter(t.lower() for t in TOKEN.findall(gold))
    tp = sum((p & g).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def expected(page: Path) -> tuple[str, dict[str, str]]:
    text = (SEEDS / "expected" / f"{page.stem}.expected.txt").read_text(encoding="utf-8")
    meta = json.loads((SEEDS / "expected" / f"{page.stem}.expected.json").read_text(encoding="utf-8"))
    return text, meta


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:3])
def test_generic_engine_keeps_the_article(page: Path) -> None:
    gold, meta = expected(page)
    result = GENERIC.clean(page.read_bytes())
    assert bag_f1(result.text, gold) >= 0.97
    assert result.metadata.title == meta["title"]


@pytest.mark.parametrize("page", PAGES[:3], ids=lambda p: p.stem[:3])
def test_generic_engine_finds_the_date(page: Path) -> None:
    _, meta = expected(page)
    assert GENERIC.clean(page.read_bytes()).metadata.date == meta["date"]


def test_standfirst_becomes_description() -> None:
    page = next(p for p in PAGES if p.stem.startswith("001"))
    _, meta = expected(page)
    assert GENERIC.clean(page.read_bytes()).metadata.description == meta["description"]


BODY = "\n\n".join(
    f"Officials said on Monday that the new bridge, number {i}, would open to traffic next spring after years of delay."
    for i in range(5)
)

CHROME_CASES = [
    ("Skip to main content", "navigation"),
    ("0:00", "media"),
    ("Subscribe to our newsletter", "subscription"),
    ("Thanks for signing up!", "subscription"),
    ("by u/techfan42", "byline"),
    ("Keep an eye on your inbox for the latest news.", "subscription"),
    ("There was an error processing your subscription.", "subscription"),
    ("READ | Another story about bridges", "related"),
    ("You may also like", "related"),
    ("Recommended Videos", "related"),
    ("Full list of lottery results", "lottery"),
    ("-0.7%", "ticker"),
    ("1 / 31", "gallery"),
    ("75º", "weather"),
    ("Loading...", "loading"),
    ("Share this article", "share"),
    ("© 2024 Example Media. All rights reserved.", "legal"),
    ("A worker walks on the bridge in Springfield on Monday. (Photo by Jane Doe / AFP)", "caption"),
    ("The new bridge seen from the river bank on Monday morning. AP", "caption"),
    ("Updated: January 13, 2022, 9:14 AM", "date"),
    ("11/20/2019 01:14 PM", "date"),
]


@pytest.mark.parametrize(("line", "category"), CHROME_CASES)
def test_chrome_inside_the_article_is_dropped_with_its_category(line: str, category: str) -> None:
    paragraphs = BODY.split("\n\n")
    page = "\n\n".join([*paragraphs[:2], line, *paragraphs[2:]])
    result = GENERIC.clean(page)
    dropped = {b.text: b for b in result.removed}
    assert line in dropped, f"{line!r} was kept"
    assert dropped[line].category == category
    assert dropped[line].reason.startswith("generic:")
    assert result.text == BODY


def test_fluent_donation_appeal_is_dropped() -> None:
    appeal = (
        "We have a small favor to ask. Independent journalism needs your support, and we need your help "
        "to continue our critical mission. Please support us monthly starting from just $2. Thank you."
    )
    result = GENERIC.clean(BODY + "\n\n" + appeal)
    assert appeal not in result.text
    assert next(b for b in result.removed if b.text == appeal).category == "appeal"


def test_menus_before_and_widgets_after_are_outside_the_article() -> None:
    menu = "\n".join(["Home", "World", "Business", "Sport", "Culture", "Opinion"])
    footer = "\n".join(["About us", "Contact us", "Careers", "Privacy Policy"])
    result = GENERIC.clean(f"{menu}\n\n{BODY}\n\n{footer}\n")
    assert result.text == BODY


def test_subheadings_inside_the_article_are_kept() -> None:
    paragraphs = BODY.split("\n\n")
    page = "\n\n".join([*paragraphs[:3], "What happens next", *paragraphs[3:]])
    assert "What happens next" in GENERIC.clean(page).text


def test_comment_thread_after_the_article_is_dropped() -> None:
    comment = "I think this bridge is a waste of money and the council should have fixed the roads first."
    result = GENERIC.clean(f"{BODY}\n\n12 Comments\n\njoe123 says:\n\n{comment}\n")
    assert comment not in result.text and result.text == BODY


def test_other_languages_are_detected() -> None:
    de = " ".join(["Die Regierung hat am Montag beschlossen, dass die neue Brücke im Frühjahr eröffnet wird."] * 3)
    assert GENERIC.clean(de).metadata.language == "de"


def test_answers_below_a_question_are_kept() -> None:
    question = "How do I back up my whole system before upgrading, including the boot loader and settings?"
    answer = (
        "The simplest way is to make a full disk image with a tool that copies every block, then keep it on "
        "an external drive; restoring it brings back the boot loader and all of your settings exactly."
    )
    meta = "\n".join(["asked Oct 16, 2010 at 21:58", "3,483 6 31 28", "Share", "Improve this question", "Follow"])
    page = f"Questions\nTags\nUsers\n\n{question}\n\n{meta}\n\n2 Answers\n\n{meta}\n\n{answer}\n\n{meta}\n"
    text = GENERIC.clean(page).text
    assert question in text and answer in text


@pytest.mark.parametrize(
    "paragraph",
    [
        "The streaming service costs $7.99 a month after a seven-day free trial, and subscribers can cancel anytime, "
        "which analysts said makes the subscription cheaper than most of its rivals this year.",
        "Charities asked residents to donate canned food, and the city said every donation made a difference "
        "to families who rely on the pantry during the winter months.",
    ],
)
def test_prose_about_subscriptions_or_donations_is_kept(paragraph: str) -> None:
    """Topic words alone are not an appeal: the phrase rules need a call to action (an anchor)."""
    result = GENERIC.clean(BODY + "\n\n" + paragraph)
    assert paragraph in result.text


@pytest.mark.parametrize(
    "line",
    [
        "Best for | Families with young children",
        "Price | Starts at $101/month",
        "Graphics: NVIDIA GeForce GTX 970 or AMD Radeon RX 470",
        "By default, all flex items have an order value of 0.",
    ],
)
def test_content_lines_that_look_like_chrome_labels(line: str) -> None:
    # only a label in capitals ("SPORTS | ...") marks a teaser, "Graphics:" heads a spec line, not a
    # credit, and a byline names someone after "By"
    paragraphs = BODY.split("\n\n")
    result = GENERIC.clean("\n\n".join([*paragraphs[:2], line, *paragraphs[2:]]))
    assert line in result.text


def test_newsletter_box_in_prose_form_is_dropped() -> None:
    box = (
        "Get the day's top headlines delivered to your inbox every morning by subscribing to our newsletter, "
        "and never miss the stories that matter to you."
    )
    result = GENERIC.clean(BODY + "\n\n" + box)
    assert next(b for b in result.removed if b.text == box).category == "subscription"


def test_extracted_article_keeps_a_lone_repeat_but_drops_a_section_printed_twice() -> None:
    from cleaner import Block

    para = [
        f"Step {i}: stir the sauce for five minutes on a low heat until it thickens, then season well."
        for i in range(6)
    ]
    refrain = "Portion: one green, one red and one yellow container, plus a teaspoon of oil."
    order = [para[0], refrain, para[1], refrain, para[2], para[3], para[4], para[5], para[3], para[4], para[5]]
    blocks = [Block(index=i, text=t, tag="p") for i, t in enumerate(order)]
    result = GENERIC.clean_blocks(blocks, url=None, mode="html", use_region=False)
    kept = [b.index for b in result.blocks if b.kept]
    assert 3 in kept  # the refrain's second copy is the author's
    assert not {8, 9, 10} & set(kept)  # three copies in a row: the section printed twice

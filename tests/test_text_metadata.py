"""Metadata from plain text: dates in the forms pages print them, bylines, domains."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner._dates import find_date, url_date
from cleaner._metadata import domain_of

GENERIC = Cleaner(mode="text", site_rules=False)
SEED_PAGES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "pages").glob("*.txt"))
BODY = "\n\n".join(
    f"The council said on Monday that bridge number {i} would reopen next spring after a long repair." for i in range(4)
)


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Updated: January 13, 2022, 9:14 AM", "2022-01-13"),
        ("Published January 12th, 2022 - 09:51 GMT", "2022-01-12"),
        ("date 2022-01-13 5h ago", "2022-01-13"),
        ("Thursday, Jan. 13, 2022", "2022-01-13"),
        ("13 January 2022", "2022-01-13"),
        ("Posted 2019/11/20", "2019-11-20"),
        ("20.11.2019", "2019-11-20"),
        ("no date here, just 12 words", None),
        ("February 30th, 2022", None),
        ("2022-13-01", None),
    ],
)
def test_find_date(line: str, iso: str | None) -> None:
    assert find_date(line) == iso


def test_byline_gives_the_author() -> None:
    page = f"Home\n\nCouncil reopens the old bridge\n\nBy Jane Doe, Staff Reporter | March 3, 2021\n\n{BODY}\n"
    meta = GENERIC.clean(page).metadata
    assert meta.author == "Jane Doe"
    assert meta.date == "2021-03-03"
    assert meta.title == "Council reopens the old bridge"


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.news24.com/x", "news24.com"),
        ("https://edition.cnn.com/a/b", "cnn.com"),
        ("http://www.bbc.co.uk/news", "bbc.co.uk"),
        ("example.org/page", "example.org"),
        (None, None),
    ],
)
def test_domain_of(url: str | None, domain: str | None) -> None:
    assert domain_of(url) == domain


PAGE_WITH_MENU = "Home\n\nWorkwear and Safety Gear\n\nPower Tools\n\nHand Tools\n\nTop Picks This Week\n\n" + BODY


@pytest.mark.parametrize(
    ("url", "title"),
    [
        # the URL's path names the page: its line is the headline, even a two-word one
        ("https://shop.example/c/power-tools", "Power Tools"),
        ("https://shop.example/blog/2024/05/top-picks-this-week.html", "Top Picks This Week"),
    ],
)
def test_title_matches_the_url_path(url: str, title: str) -> None:
    assert GENERIC.clean(PAGE_WITH_MENU, url=url, mode="text").metadata.title == title


@pytest.mark.parametrize("page", SEED_PAGES, ids=lambda p: p.stem[:3])
def test_a_path_that_names_no_line_changes_nothing(page: Path) -> None:
    data = page.read_bytes()
    without = GENERIC.clean(data, mode="text").metadata.title
    assert without
    assert (
        GENERIC.clean(data, url="https://news.example/world/2022/01/13/a1b2c3", mode="text").metadata.title == without
    )


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("https://news.example/2022/01/13/troops-withdraw", "2022-01-13"),
        ("https://news.example/world/2022-01-13-troops-withdraw.html", "2022-01-13"),
        ("https://news.example/world/troops-withdraw", None),
        ("https://news.example/2099/01/13/from-the-future", None),
        (None, None),
    ],
)
def test_url_date(url: str | None, iso: str | None) -> None:
    assert url_date(url, today="2026-11-23") == iso


def test_a_dated_url_dates_a_text_page_without_date_lines() -> None:
    page = "Council reopens the old bridge\n\n" + BODY
    assert GENERIC.clean(page, mode="text").metadata.date is None
    dated = GENERIC.clean(page, url="https://news.example/2022/01/13/bridge", mode="text")
    assert dated.metadata.date == "2022-01-13"

"""What is learned of a site (issue 16): thresholds, chrome tails, applying a profile, saving and loading a model."""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner._model import Block
from cleaner.learn import LearnSettings, SiteModel, SiteProfile, fingerprint
from cleaner.learn import _model as model_module
from cleaner.learn._model import SITE_CHROME, TAIL_MAX_WORDS, learn_profile, site_key
from cleaner.learn._stats import PageSketch, SiteSample

PROSE = [
    "The council agreed on Tuesday to repair the old stone bridge after a year of argument between the two parishes.",
    "Engineers said the work would take most of the summer and that the road would stay open to buses throughout.",
    "Residents who cross the river every morning told reporters they were relieved that a decision had been made.",
    "A report on the cost of the repairs is expected in the autumn, when the council meets again to set its budget.",
    "The harbour master warned that the channel had silted up again and that larger boats could not reach the quay.",
    "Teachers at the village school raised money for new books with a sponsored walk along the coastal path.",
    "The hospital trust confirmed that the second maternity ward would open in spring after a long recruitment drive.",
    "Volunteers spent the weekend clearing debris from the flooded meadow and replanting the hedges along its edge.",
    "The water company apologised for the leaking mains on the high street and promised to finish the work by May.",
    "Plans to turn the empty mill into flats for young families were approved by a narrow vote of the committee.",
]
# short lines that change from page to page (headlines under a "Most Popular" heading)
CHANGING = [f"Headline {a} {b} today" for a in "abcdefghij" for b in ("north", "south", "east")]


def sketch(texts: list[str]) -> PageSketch:
    return PageSketch.of(texts)


def sample_of(pages: list[list[str]]) -> SiteSample:
    sample = SiteSample()
    for texts in pages:
        sample.add(sketch(texts))
    return sample


def ten_pages() -> list[list[str]]:
    """Ten pages with "Home" on each, one line on the first two pages and another on the first three."""
    two, three = ["Seen on two pages"], ["Seen on three pages"]
    return [["Home", PROSE[i], *(two if i < 2 else []), *(three if i < 3 else [])] for i in range(10)]


def test_a_line_on_three_of_ten_pages_is_chrome_and_on_two_is_not() -> None:
    profile = learn_profile("site.example", sample_of(ten_pages()), LearnSettings(min_share=0.3, min_count=3))
    assert profile is not None
    assert profile.chrome.get(fingerprint("Seen on three pages")) == 3
    assert fingerprint("Seen on two pages") not in profile.chrome
    assert profile.chrome.get(fingerprint("Home")) == 10
    assert not any(fingerprint(p) in profile.chrome for p in PROSE)
    assert (profile.site, profile.pages, profile.pages_seen) == ("site.example", 10, 10)


@pytest.mark.parametrize(
    ("min_share", "min_count", "two", "three"),
    [
        (0.1, 3, False, True),  # min_count holds the line on two pages out, whatever the share
        (0.1, 2, True, True),
        (0.3, 2, False, True),  # 30 % of 10 pages is 3
        (0.31, 2, False, False),  # ... and 31 % is 4
        (0.5, 3, False, False),
        (1.0, 3, False, False),
    ],
)
def test_chrome_needs_both_the_share_and_the_count(min_share: float, min_count: int, two: bool, three: bool) -> None:
    settings = LearnSettings(min_share=min_share, min_count=min_count)
    profile = learn_profile("site.example", sample_of(ten_pages()), settings)
    assert profile is not None
    assert (fingerprint("Seen on two pages") in profile.chrome) is two
    assert (fingerprint("Seen on three pages") in profile.chrome) is three


def test_a_site_below_min_pages_is_not_learned() -> None:
    pages = [["Home", PROSE[i]] for i in range(4)]
    assert learn_profile("small.example", sample_of(pages), LearnSettings(min_pages=5)) is None
    assert learn_profile("small.example", sample_of(pages), LearnSettings(min_pages=4)) is not None


def test_copies_of_one_page_are_one_page() -> None:
    """Ten crawls of one page are not ten pages: its own prose must not look repeated."""
    sample = sample_of([["Home", PROSE[0]]] * 10)
    assert learn_profile("copies.example", sample, LearnSettings(min_pages=2)) is None
    pages = [["Home", PROSE[i % 3]] for i in range(9)]  # three distinct pages, three copies each
    profile = learn_profile("copies.example", sample_of(pages), LearnSettings(min_pages=3))
    assert profile is not None and (profile.pages, profile.pages_seen) == (3, 9)
    assert fingerprint(PROSE[0]) not in profile.chrome and profile.chrome[fingerprint("Home")] == 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_pages": 1},
        {"min_pages": 0},
        {"min_count": 1},
        {"min_share": 0.0},
        {"min_share": -0.1},
        {"min_share": 1.01},
        {"min_share": float("nan")},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="min_"):
        LearnSettings(**kwargs)


@pytest.mark.parametrize(("pages", "needed"), [(5, 3), (10, 3), (11, 4), (100, 30)])
def test_needed(pages: int, needed: int) -> None:
    assert LearnSettings().needed(pages) == needed


def tail_pages(heading_first: int = 0) -> list[list[str]]:
    """Eight pages: prose, then "Most Popular" over four headlines, two of them also on the next page, as
    a list that changes from day to day (before the prose on the first ``heading_first`` pages), then a footer."""
    pages = []
    for i in range(8):
        body = [PROSE[i], PROSE[i + 1] + " More."]
        news = ["Most Popular", *CHANGING[2 * i : 2 * i + 4]]
        pages.append(["Home", *(news + body if i < heading_first else body + news), "About us"])
    return pages


@pytest.mark.parametrize(
    ("heading_first", "tails"),
    [(0, {"Most Popular": 8}), (1, {"Most Popular": 7}), (3, {}), (8, {})],  # a tail on 80 % of its pages
)
def test_a_repeated_heading_after_the_prose_over_changing_lines_opens_a_tail(
    heading_first: int, tails: dict[str, int]
) -> None:
    profile = learn_profile("site.example", sample_of(tail_pages(heading_first)), LearnSettings())
    assert profile is not None
    assert profile.tails == {fingerprint(t): n for t, n in tails.items()}
    assert {fingerprint("Home"), fingerprint("About us"), fingerprint("Most Popular")} <= set(profile.chrome)
    assert not any(fingerprint(h) in profile.chrome for h in CHANGING)


def test_a_heading_over_repeated_lines_only_is_not_a_tail() -> None:
    pages = [[PROSE[i], "Most Popular", "Same headline everywhere", "About us"] for i in range(8)]
    profile = learn_profile("site.example", sample_of(pages), LearnSettings())
    assert profile is not None and not profile.tails


def blocks(*texts: str, decided: dict[int, str] | None = None) -> list[Block]:
    out = []
    for i, text in enumerate(texts):
        b = Block(i, text, "line")
        b.words = len(text.split())
        if decided and i in decided:
            b.keep("body", decided[i])
        out.append(b)
    return out


def profile_of(chrome: dict[str, int], tails: tuple[str, ...] = ()) -> SiteProfile:
    """A profile learned from 9 distinct pages (11 with copies)."""
    hashes = {fingerprint(t): n for t, n in chrome.items()}
    return SiteProfile("site.example", 9, 11, hashes, {fingerprint(t): chrome[t] for t in tails})


def test_apply_drops_chrome_with_a_reason_that_says_how_often() -> None:
    page = blocks("Home", PROSE[0], "About us")
    assert profile_of({"Home": 7, "About us": 9}).apply(page) == 2
    assert [(b.decision, b.category, b.reason) for b in page] == [
        ("drop", SITE_CHROME, "site-model:site.example:seen-on-7-of-9-pages"),
        (None, "", ""),
        ("drop", SITE_CHROME, "site-model:site.example:seen-on-9-of-9-pages"),
    ]


def test_apply_leaves_decided_blocks_alone() -> None:
    page = blocks("Home", "About us", decided={0: "site:rule:keep-home"})
    assert profile_of({"Home": 7, "About us": 9}).apply(page) == 1
    assert (page[0].decision, page[0].reason) == ("keep", "site:rule:keep-home")
    assert page[1].decision == "drop"


def test_apply_takes_the_category_from_category_of() -> None:
    calls: list[tuple[str, int]] = []

    def category_of(text: str, words: int) -> str | None:
        calls.append((text, words))
        return "navigation" if text == "Home page" else None

    page = blocks("Home page", "Print edition")
    profile_of({"Home page": 5, "Print edition": 5}).apply(page, category_of)
    assert [b.category for b in page] == ["navigation", SITE_CHROME]
    assert calls == [("Home page", 2), ("Print edition", 2)]


def test_apply_matches_lines_as_normalised() -> None:
    page = blocks("HOME", "12 comments", "home  page")
    assert profile_of({"Home": 5, "3 comments": 5}).apply(page) == 2
    assert [b.decision for b in page] == ["drop", "drop", None]


def test_a_tail_runs_to_the_first_prose_block() -> None:
    page = blocks(
        PROSE[0],
        "Most Popular",
        "A changing headline",
        "Another changing headline",
        "About us",  # chrome inside the tail: dropped as chrome, the tail goes on
        "Yet another headline",
        f"{PROSE[1]} {PROSE[2]}",  # a block of prose (25 words or more) ends the tail
        "A short line after the prose",
    )
    dropped = profile_of({"Most Popular": 8, "About us": 8}, tails=("Most Popular",)).apply(page)
    tail = "site-model:site.example:tail-after-repeated-heading"
    assert [b.reason for b in page] == [
        "",
        "site-model:site.example:seen-on-8-of-9-pages",
        tail,
        tail,
        "site-model:site.example:seen-on-8-of-9-pages",
        tail,
        "",
        "",
    ]
    assert dropped == 5 and page[2].category == SITE_CHROME
    assert page[6].decision is None and page[7].decision is None
    assert page[6].words >= TAIL_MAX_WORDS > page[5].words


def test_a_chrome_line_that_opens_no_tail_drops_only_itself() -> None:
    page = blocks("Most Popular", "A changing headline")
    assert profile_of({"Most Popular": 8}).apply(page) == 1
    assert page[1].decision is None


def learned_model() -> SiteModel:
    profiles = [
        learn_profile("site.example", sample_of(tail_pages()), LearnSettings()),
        learn_profile("other.example", sample_of(ten_pages()), LearnSettings()),
    ]
    model = SiteModel([p for p in profiles if p is not None], LearnSettings(min_pages=5, min_share=0.25))
    assert len(model) == 2
    model.profiles["site.example"].texts[fingerprint("Most Popular")] = "Most Popular — ünïcödé"
    return model


@pytest.mark.parametrize("name", ["model.json", "model.json.gz"])
def test_save_and_load_give_the_same_model(tmp_path: Path, name: str) -> None:
    model = learned_model()
    path = tmp_path / name
    model.save(path)
    loaded = SiteModel.load(path)
    assert loaded.profiles == model.profiles
    assert loaded.settings == model.settings
    assert loaded.to_json() == model.to_json()
    assert (path.read_bytes()[:2] == b"\x1f\x8b") is name.endswith(".gz")
    first = path.read_bytes()
    model.save(path)  # saving again replaces the file with the same bytes
    assert path.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left behind


@pytest.fixture
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    mask: int = request.param
    previous = os.umask(mask)
    try:
        yield mask
    finally:
        os.umask(previous)


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077], indirect=True)
@pytest.mark.parametrize("name", ["model.json", "model.json.gz"])
def test_a_saved_model_respects_the_umask(tmp_path: Path, umask: int, name: str) -> None:
    path = tmp_path / name
    learned_model().save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert os.umask(umask) == umask  # saving left the process's umask as it was


def edit(change: Any) -> bytes:
    """A saved model's JSON, changed by ``change``."""
    data = learned_model().to_json()
    change(data)
    return json.dumps(data).encode()


def site(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = data["sites"]["site.example"]
    return result


GZIPPED = gzip.compress(json.dumps(learned_model().to_json()).encode())
BAD_MODELS: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("not-json", b"this is not a site model"),
    ("binary", b"\x00\x01\xfe\xff"),
    ("json-list", b"[1, 2, 3]"),
    ("no-format", edit(lambda d: d.pop("format"))),
    ("wrong-format", edit(lambda d: d.update(format="something-else"))),
    ("wrong-version", edit(lambda d: d.update(version=2))),
    ("version-as-text", edit(lambda d: d.update(version="1"))),
    ("settings-not-object", edit(lambda d: d.update(settings=[5]))),
    ("bad-share", edit(lambda d: d["settings"].update(min_share=2.0))),
    ("share-as-text", edit(lambda d: d["settings"].update(min_share="0.3"))),
    ("sites-not-object", edit(lambda d: d.update(sites=["site.example"]))),
    ("site-not-object", edit(lambda d: d["sites"].update({"site.example": 3}))),
    ("chrome-not-object", edit(lambda d: site(d).update(chrome=[1, 2]))),
    ("negative-count", edit(lambda d: site(d)["chrome"].update({"00000000000000ff": -3}))),
    ("zero-count", edit(lambda d: site(d)["chrome"].update({"00000000000000ff": 0}))),
    ("bool-count", edit(lambda d: site(d)["chrome"].update({"00000000000000ff": True}))),
    ("float-count", edit(lambda d: site(d)["tails"].update({"00000000000000ff": 2.5}))),
    ("text-count", edit(lambda d: site(d)["chrome"].update({"00000000000000ff": "3"}))),
    ("non-hex-key", edit(lambda d: site(d)["chrome"].update({"not-hex": 3}))),
    ("empty-key", edit(lambda d: site(d)["tails"].update({"": 3}))),
    ("negative-key", edit(lambda d: site(d)["chrome"].update({"-1": 3}))),
    ("key-over-64-bits", edit(lambda d: site(d)["chrome"].update({"1" + "0" * 16: 3}))),
    ("non-hex-text-key", edit(lambda d: site(d)["texts"].update({"xyz": "Home"}))),
    ("negative-pages", edit(lambda d: site(d).update(pages=-1))),
    ("bool-pages", edit(lambda d: site(d).update(pages=True, pages_seen=True))),
    ("seen-below-pages", edit(lambda d: site(d).update(pages=8, pages_seen=7))),
    ("pages-missing", edit(lambda d: site(d).pop("pages"))),
    ("bad-gzip-header", b"\x1f\x8b" + b"\xff" * 40),
    ("corrupt-deflate", GZIPPED[:10] + b"\xff" * 20 + GZIPPED[30:]),  # a sound header over broken data
    ("truncated-gzip", GZIPPED[:-12]),
    ("deeply-nested", b"[" * 100_000 + b"]" * 100_000),
]


@pytest.mark.parametrize(("name", "raw"), BAD_MODELS, ids=[name for name, _ in BAD_MODELS])
def test_load_refuses_what_is_not_a_model(tmp_path: Path, name: str, raw: bytes) -> None:
    path = tmp_path / f"{name}.json"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=re.escape(f"{path}: not a site model")):
        SiteModel.load(path)


def test_load_of_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / "missing.json"))):
        SiteModel.load(tmp_path / "missing.json")


def test_load_refuses_a_file_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.json"
    learned_model().save(path)
    size = path.stat().st_size
    monkeypatch.setattr(model_module, "MAX_MODEL_BYTES", size)
    assert len(SiteModel.load(path)) == 2  # exactly at the limit: read
    monkeypatch.setattr(model_module, "MAX_MODEL_BYTES", size - 1)
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*larger than"):
        SiteModel.load(path)


def test_load_refuses_a_gzip_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_module, "MAX_MODEL_BYTES", 10_000)
    data = learned_model().to_json()
    data["padding"] = " " * 5_000_000  # a valid model, once decompressed, far beyond the limit
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    assert path.stat().st_size < 10_000
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*decompresses to more than 10000 bytes"):
        SiteModel.load(path)


@pytest.mark.parametrize(
    ("url", "detected", "forced", "expected"),
    [
        ("https://www.example.com/a", "news24", "forced-site", "forced-site"),
        ("https://www.example.com/a", "news24", None, "example.com"),
        ("https://WWW.Example.COM./a?b=1#c", None, None, "example.com"),
        ("https://user:pw@news.example.org:8080/x", None, None, "news.example.org"),
        ("example.net/path/page.html", None, None, "example.net"),
        ("https://wwwexample.com/", None, None, "wwwexample.com"),
        (None, "news24", None, "news24"),
        ("", "news24", None, "news24"),
        (None, None, None, None),
        ("http://[/", "news24", None, "news24"),
        ("http://[/", None, None, None),
        ("http://[::1", None, None, None),
        ("http://:80/", "news24", None, "news24"),
        ("https:///path-only", None, None, None),
        ("http://[/", None, "forced-site", "forced-site"),
    ],
)
def test_site_key(url: str | None, detected: str | None, forced: str | None, expected: str | None) -> None:
    assert site_key(url, detected, forced) == expected


@pytest.mark.parametrize("url", ["http://[::1]:notaport/", "http://a b/", "//", "[", "http://\u2603.example/", "::"])
def test_site_key_never_raises(url: str) -> None:
    key = site_key(url, "detected")
    assert key is None or isinstance(key, str)

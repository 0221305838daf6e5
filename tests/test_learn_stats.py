"""Site statistics (issue 16): normalised fingerprints, page sketches and the bounded per-site sample.

The sample's promise is order independence: the same pages, in any order and
split across any number of learners, give the same sample and the same counts.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.learn import SiteLearner, fingerprint, normalise
from cleaner.learn._stats import _FULL, MAX_BLOCKS_PER_PAGE, PageSketch, SiteSample, SiteStats, fingerprints

ROOT = Path(__file__).resolve().parent.parent

# (text, its normalised form): case folded, digit runs to "0", whitespace runs to one space, trimmed
NORMALISED = [
    ("Most Popular", "most popular"),
    ("MOST   popular", "most popular"),
    ("12 comments", "0 comments"),
    ("Page 3 of 127", "page 0 of 0"),
    ("  Sign in\t", "sign in"),
    ("Share\ton\r\nFacebook", "share on facebook"),
    ("Straße", "straße"),  # lower(), not casefold(): a site prints its chrome in one spelling
    ("ÉCOLE 2024", "école 0"),
    ("a\u00a0b", "a b"),  # no-break space
    ("a\u2003 b", "a b"),  # em space next to a space
    ("a\x0cb", "a b"),  # form feed
    ("v1.2.33", "v0.0.0"),
    ("", ""),
]

# fingerprints of known lines: a saved model holds them, so they must never change silently
KNOWN = {
    "Most Popular": 0x749AA2141FA504E7,
    "Home": 0x71D60CD0043001AA,
    "© 2024 Example News. All rights reserved.": 0xA3598D2525B70E8B,
    "Straße 12": 0x09B51715150203D2,
}

# lists of block texts, as segmenters give them and as other callers might
TEXT_LISTS = [
    ["Home", "News", "Sport"],
    ["Home", "", "  padded  ", "two  spaces", "tab\there", "cr\rhere"],
    ["line\nbreak inside", "Home", "a\r\nb"],
    ["Home", "no-break\u00a0space", "line\nbreak"],
    ["ideographic\u3000space", "em\u2003space", "Home"],
    ["form\x0cfeed", "x\x1fy", "\n", "trailing\n"],
    ["NEL\u0085here", "line\u2028separator", "12 comments"],
    ["\t", " ", ""],
]


@pytest.mark.parametrize(("text", "expected"), NORMALISED)
def test_normalise_folds_case_digits_and_spaces(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(("text", "expected"), NORMALISED)
def test_fingerprint_is_that_of_the_normalised_text(text: str, expected: str) -> None:
    assert fingerprint(text) == fingerprint(expected)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Home", "Homes"), ("most popular", "most  popular!"), ("0 comments", "comments"), ("a b", "ab"), ("", " x")],
)
def test_different_lines_have_different_fingerprints(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)
    assert fingerprint(a) != fingerprint(b)


def test_fingerprint_is_64_bits() -> None:
    values = [fingerprint(t) for t, _ in NORMALISED]
    assert all(0 <= v < 1 << 64 for v in values)


def test_known_fingerprints_are_pinned() -> None:
    assert {t: fingerprint(t) for t in KNOWN} == KNOWN


@pytest.mark.parametrize("seed", ["0", "1", "4242"])
def test_fingerprints_are_the_same_in_another_process(seed: str) -> None:
    """Not Python's salted hash(): a model learned in one process is applied in another."""
    texts = [*KNOWN, "Most Popular on Example News", "Ünïcödé 77 line"]
    code = "import json, sys; from cleaner.learn import fingerprint; print(json.dumps([fingerprint(t) for t in json.load(sys.stdin)]))"
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True, check=True, env=env
    )
    assert json.loads(run.stdout) == [fingerprint(t) for t in texts]


@pytest.mark.parametrize("texts", TEXT_LISTS)
def test_fingerprints_of_a_page_equal_each_texts_fingerprint(texts: list[str]) -> None:
    assert fingerprints(texts) == [fingerprint(t) for t in texts]


@pytest.mark.parametrize("texts", TEXT_LISTS)
def test_fingerprints_do_not_depend_on_the_neighbours(texts: list[str]) -> None:
    """A line's fingerprint is the same whatever else is on its page (with or without odd characters)."""
    for i, text in enumerate(texts):
        assert fingerprints([*texts[:i], text, "line\nbreak"])[i] == fingerprint(text)
        assert fingerprints(["plain", text])[1] == fingerprint(text)


def test_fingerprints_of_nothing() -> None:
    assert fingerprints([]) == []


def test_page_sketch_keeps_order_and_word_counts() -> None:
    sketch = PageSketch.of(["Home", "A longer line of text", "Home"])
    assert list(sketch.hashes) == [fingerprint("Home"), fingerprint("A longer line of text"), fingerprint("Home")]
    assert list(sketch.words) == [1, 5, 1]


def test_page_sketch_is_capped() -> None:
    n = MAX_BLOCKS_PER_PAGE + 500
    texts = [f"line {chr(65 + i % 26)}{i // 26 % 26}" for i in range(n)]
    sketch = PageSketch.of(texts)
    assert len(sketch.hashes) == len(sketch.words) == MAX_BLOCKS_PER_PAGE
    assert list(sketch.hashes) == fingerprints(texts[:MAX_BLOCKS_PER_PAGE])
    assert set(sketch.words) == {2}


def test_a_huge_block_counts_its_words_without_wrapping() -> None:
    assert list(PageSketch.of(["word " * 70_000]).words) == [70_000]


def test_page_digest_depends_on_the_lines_only() -> None:
    a = PageSketch.of(["Home", "Story one"])
    b = PageSketch.of(["HOME", "story  one"])
    c = PageSketch.of(["Story one", "Home"])
    assert a.digest == b.digest
    assert a.digest != c.digest


def sketch(i: int, shared: tuple[str, ...] = ("Home", "Contact us")) -> PageSketch:
    texts = [*shared, f"Story number {chr(97 + i % 26)} {chr(97 + i // 26 % 26)} {chr(97 + i // 676)}"]
    return PageSketch.of(texts)


def expected_threshold(digests: set[int], max_pages: int) -> int:
    """The sample's threshold worked out from the whole set of digests at once."""
    threshold = _FULL
    while sum(d < threshold for d in digests) > max_pages:
        threshold //= 2
    return threshold


def state(sample: SiteSample) -> tuple[int, int, list[int], list[list[int]]]:
    return (
        sample.pages_seen,
        sample.threshold,
        sorted(sample.pages),
        [list(p.hashes) for p in sample.sorted_pages()],
    )


def test_identical_pages_count_once() -> None:
    sample = SiteSample()
    for _ in range(3):
        sample.add(sketch(1))  # the same page crawled three times, as separate objects
    sample.add(sketch(2))
    assert len(sample.pages) == 2 and sample.pages_seen == 4


def test_a_page_without_blocks_is_seen_but_not_sampled() -> None:
    sample = SiteSample()
    sample.add(PageSketch.of([]))
    assert sample.pages_seen == 1 and not sample.pages


def test_sample_is_bounded_and_is_every_page_below_the_threshold() -> None:
    pages = [sketch(i) for i in range(300)]
    sample = SiteSample(max_pages=16)
    for page in pages:
        sample.add(page)
    digests = {p.digest for p in pages}
    assert len(digests) == 300
    assert 0 < len(sample.pages) <= 16
    assert sample.threshold == expected_threshold(digests, 16) < _FULL
    assert set(sample.pages) == {d for d in digests if d < sample.threshold}
    assert sample.pages_seen == 300


def corpus() -> list[PageSketch]:
    """120 distinct pages and 40 repeats of some of them."""
    pages = [sketch(i) for i in range(120)]
    return pages + [sketch(i) for i in range(0, 120, 3)]


@pytest.mark.parametrize("max_pages", [5, 9, 64, 1000])
def test_sample_is_the_same_in_any_order(max_pages: int) -> None:
    pages = corpus()
    reference = SiteSample(max_pages=max_pages)
    for page in pages:
        reference.add(page)
    assert reference.threshold == expected_threshold({p.digest for p in pages}, max_pages)
    for seed in range(6):
        shuffled = pages[:]
        random.Random(seed).shuffle(shuffled)
        sample = SiteSample(max_pages=max_pages)
        for page in shuffled:
            sample.add(page)
        assert state(sample) == state(reference), seed


@pytest.mark.parametrize("max_pages", [5, 9, 1000])
@pytest.mark.parametrize("parts", [2, 3])
def test_merged_samples_equal_one_sample(max_pages: int, parts: int) -> None:
    pages = corpus()
    reference = SiteSample(max_pages=max_pages)
    for page in pages:
        reference.add(page)
    for seed in range(6):
        rng = random.Random(seed)
        shuffled = pages[:]
        rng.shuffle(shuffled)
        cuts = sorted(rng.sample(range(1, len(shuffled)), parts - 1))
        chunks = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(shuffled)], strict=True)]
        samples = []
        for chunk in chunks:
            part = SiteSample(max_pages=max_pages)
            for page in chunk:
                part.add(page)
            samples.append(part)
        merged = samples[0]
        for other in samples[1:]:
            merged.merge(other)
        assert state(merged) == state(reference), (seed, [len(c) for c in chunks])


def test_site_stats_merge_keeps_sites_apart() -> None:
    one, two, whole = SiteStats(max_pages=7), SiteStats(max_pages=7), SiteStats(max_pages=7)
    for i in range(60):
        for site in ("a.example", "b.example"):
            page = sketch(i, shared=(site, "Home"))
            (one if (i + len(site)) % 3 else two).add(site, page)
            whole.add(site, page)
    two.add("c.example", sketch(1))
    whole.add("c.example", sketch(1))
    one.merge(two)
    assert sorted(one.sites) == ["a.example", "b.example", "c.example"]
    assert {s: state(v) for s, v in one.sites.items()} == {s: state(v) for s, v in whole.sites.items()}


def site_pages() -> list[tuple[str, str]]:
    """Text dumps of two sites (and one page without a URL): shared lines plus a story line."""
    pages = []
    for i in range(24):
        for host in ("www.alpha.example", "beta.example"):
            story = f"Story {chr(97 + i)} from {host}: " + "a plain sentence of reporting about the town " * 3
            body = f"Home\nWorld\nBusiness\n\n{story}\n\nMost Read\nHeadline {chr(97 + i)}{chr(98 + i)}\n\nAbout us\n"
            pages.append((body, f"https://{host}/story/{i}"))
    pages.append(("Home\nWorld\n\nA page that came without any address at all.\n", ""))
    pages.append(pages[3])  # a page crawled twice
    return pages


@pytest.fixture(scope="module")
def text_cleaner() -> Cleaner:
    return Cleaner(mode="text", site_rules=False)


def test_learners_merge_to_the_same_model_in_any_order(text_cleaner: Cleaner) -> None:
    pages = site_pages()
    whole = SiteLearner(text_cleaner, max_pages=10)
    for data, url in pages:
        whole.add(data, url=url)
    model = whole.model()
    assert sorted(model.profiles) == ["alpha.example", "beta.example"]
    assert whole.pages == len(pages) and whole.unsited == 1
    for seed in range(4):
        shuffled = pages[:]
        random.Random(seed).shuffle(shuffled)
        first, second = SiteLearner(text_cleaner, max_pages=10), SiteLearner(text_cleaner, max_pages=10)
        for n, (data, url) in enumerate(shuffled):
            (first if n % 3 else second).add(data, url=url)
        first.merge(second)
        assert (first.pages, first.unsited) == (whole.pages, whole.unsited)
        assert first.model().to_json() == model.to_json(), seed

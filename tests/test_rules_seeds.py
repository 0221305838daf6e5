"""The bundled rules on the five seed pages, and every bundled file's embedded tests."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.rules import RuleBook, bundled_dir, parse_file, rule_files
from cleaner.rules._testing import PASS, make_cleaner, run_case

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
PAGES = sorted((SEEDS / "pages").glob("*.txt"))
SITE_OF_SEED = {
    "000": ("news24", "news24.com.toml"),
    "001": ("thenational", "thenationalnews.com.toml"),
    "002": ("albawaba", "albawaba.com.toml"),
    "003": ("themoscowtimes", "themoscowtimes.com.toml"),
    "004": ("grahammedia", "grahammedia.toml"),
}
BUNDLED = rule_files(bundled_dir())
TOKEN = re.compile(r"\w+")


def bag_f1(pred: str, gold: str) -> float:
    """Bag-of-words F1 on lower-cased \\w+ tokens, as /work/shared/bench/score.py computes it."""
    p, g = Counter(t.lower() for t in TOKEN.findall(pred)), Counter(t.lower() for t in TOKEN.findall(gold))
    tp = sum((p & g).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def with_rules() -> Cleaner:
    return Cleaner(mode="text", rules_dirs=(), site_rules=True)


@pytest.fixture(scope="module")
def without_rules() -> Cleaner:
    return Cleaner(mode="text", site_rules=False)


def expected(page: Path) -> tuple[str, dict[str, str]]:
    stem = page.stem
    text = (SEEDS / "expected" / f"{stem}.expected.txt").read_text(encoding="utf-8")
    meta = json.loads((SEEDS / "expected" / f"{stem}.expected.json").read_text(encoding="utf-8"))
    return text, meta


def test_all_seeds_present() -> None:
    assert len(PAGES) == 5


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:3])
def test_seed_exact_with_site_rules(with_rules: Cleaner, page: Path) -> None:
    want_text, want_meta = expected(page)
    result = with_rules.clean(page.read_bytes())  # no URL: the site comes from the text alone
    file_name = SITE_OF_SEED[page.stem[:3]][1]
    assert result.metadata.site_rule == file_name
    assert result.text.strip() == want_text.strip()
    assert bag_f1(result.text, want_text) == 1.0
    got = result.metadata.to_dict()
    for key, value in want_meta.items():
        assert got[key] == value, key


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:3])
def test_seed_detected_from_text(page: Path) -> None:
    book = RuleBook.load(env=False)
    found = book.detect(page.read_text(encoding="utf-8"))
    assert found is not None and found.name == SITE_OF_SEED[page.stem[:3]][0]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:3])
def test_site_rules_name_their_removals(with_rules: Cleaner, page: Path) -> None:
    result = with_rules.clean(page.read_bytes())
    name = SITE_OF_SEED[page.stem[:3]][0]
    site_removed = [b for b in result.removed if b.reason.startswith(f"site:{name}:")]
    assert site_removed, "the site rules decided nothing"
    for b in site_removed:
        assert b.category and re.fullmatch(rf"site:{name}:[\w.-]+", b.reason)
    assert all(r["reason"] for r in result.to_dict()["removed"])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:3])
def test_no_site_rules_leaves_seeds_to_generic_engine(without_rules: Cleaner, page: Path) -> None:
    result = without_rules.clean(page.read_bytes())
    assert without_rules.rulebook is None
    assert result.metadata.site_rule is None
    assert all(not b.reason.startswith("site:") for b in result.blocks)
    assert result.text  # the generic engine still finds the article


def test_forced_site_on_a_page(with_rules: Cleaner) -> None:
    page = PAGES[0]
    forced = with_rules.clean(page.read_bytes(), site="themoscowtimes")
    assert forced.metadata.site_rule == "themoscowtimes.com.toml"


def test_seed_with_url_resolves_by_host(with_rules: Cleaner) -> None:
    result = with_rules.clean(PAGES[4].read_bytes(), url="https://www.ksat.com/news/world/2022/01/13/story/")
    assert result.metadata.site_rule == "grahammedia.toml" and result.metadata.domain == "ksat.com"


def test_every_bundled_file_has_a_test() -> None:
    assert len(BUNDLED) >= 5
    for path in BUNDLED:
        assert parse_file(path).tests, path.name


@pytest.fixture(scope="module")
def bundled_book() -> RuleBook:
    return RuleBook.load(env=False, strict=True)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_embedded_tests_pass(bundled_book: RuleBook, path: Path) -> None:
    rules = next(r for r in bundled_book.all_rules() if r.path == path)
    cleaner = make_cleaner(bundled_book)
    for case in rules.spec.tests:
        outcome = run_case(cleaner, rules, case)
        assert outcome.status == PASS, f"{outcome.label}: {outcome.problems}"


def test_embedded_test_can_fail(bundled_book: RuleBook) -> None:
    rules = bundled_book.find("news24")
    assert rules is not None
    case = rules.spec.tests[0]
    broken = type(case)(name="broken", file=case.file, contains=["this sentence is not on the page"])
    broken.metadata = {"title": "Wrong title"}
    outcome = run_case(make_cleaner(bundled_book), rules, broken)
    assert outcome.status == "fail" and len(outcome.problems) == 2
    other = bundled_book.find("albawaba")
    assert other is not None
    misrouted = run_case(make_cleaner(bundled_book), other, case)  # a News24 page under Al Bawaba's file
    assert "resolved to news24.com.toml" in misrouted.problems[0]


AEB = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "aeb"


@pytest.mark.skipif(not (AEB / "gold.jsonl").is_file(), reason="benchmark pages not available")
def test_fingerprints_do_not_claim_other_sites(bundled_book: RuleBook) -> None:
    """On 181 real pages from many sites, text detection only fires on the bundled sites' own pages."""
    urls = {}
    for line in (AEB / "gold.jsonl").read_text(encoding="utf-8").split("\n"):
        if line.strip():
            record = json.loads(line)
            urls[record["id"]] = record["url"]
    for page in sorted((AEB / "text").glob("*.txt")):
        found = bundled_book.detect(page.read_text(encoding="utf-8", errors="replace"))
        if found is not None:
            assert bundled_book.by_url(urls[page.stem]) is found, (page.name, found.name)

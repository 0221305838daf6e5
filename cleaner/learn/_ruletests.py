"""The ``[[test]]`` cases of a learned rule file: a few of the site's own pages, with what must stay
and what must go.

Pages are chosen the way the statistics sample them, by digest (the smallest
ones under a size cap), so the choice does not depend on the order the pages
came in. Each assertion is read off the page as the learned rules and the
generic engine actually clean it, and the written file is then run as
``cleaner rules test`` runs it: a learned file never ships a test that fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .._model import Block
from ..rules import RuleBook, SiteRules
from ..rules._testing import PASS, run_case
from ._rulefile import TAIL_PREFIX, PageTest, toml_multiline
from ._stats import MAX_BLOCKS_PER_PAGE, PageSketch

if TYPE_CHECKING:
    from .._pipeline import Cleaner

TESTS_PER_FILE = 2
# Candidate pages kept per site (a candidate is skipped when nothing can be asserted on it).
CANDIDATES = 6
# A test page is written into the rule file (at most 512 KiB, see MAX_FILE_BYTES): small pages only,
# at most this many lines, characters and bytes as written (escapes included).
MAX_TEST_LINES = MAX_BLOCKS_PER_PAGE
MAX_TEST_CHARS = 50_000
MAX_TEST_BYTES = 96 * 1024
CONTAINS = 3
NOT_CONTAINS = 3
# A kept block is asserted by its start: enough to be unique, short enough to read.
SNIPPET_CHARS = 60


class CandidatePages:
    """The candidate test pages of each site: the ``CANDIDATES`` smallest (digest, text) under the size cap."""

    def __init__(self, sites: Iterable[str], keep: int = CANDIDATES) -> None:
        self.keep = keep
        self._pages: dict[str, list[tuple[int, str]]] = {site: [] for site in sites}

    def add(self, site: str, lines: list[str]) -> None:
        pages = self._pages.get(site)
        if pages is None or not lines or len(lines) > MAX_TEST_LINES:
            return
        text = "\n".join(lines) + "\n"
        if len(text) > MAX_TEST_CHARS or _looks_like_html(text):
            return  # a test's text is cleaned in auto mode: it must read as the dump it is
        entry = (PageSketch.of(lines).digest, text)
        if entry in pages or (len(pages) >= self.keep and entry > pages[-1]):
            return
        if len(toml_multiline(text).encode("utf-8", "replace")) > MAX_TEST_BYTES:
            return  # measured last: only for a page that would be kept
        pages.append(entry)
        pages.sort()
        del pages[self.keep :]

    def pages(self, site: str) -> list[str]:
        return [text for _, text in self._pages.get(site, [])]


class RuleTester:
    """Cleans pages with one rule file as ``cleaner rules test`` would: that file, after the global rules."""

    def __init__(self, cleaner: Cleaner, global_rules: Sequence[SiteRules] = ()) -> None:
        self.cleaner = cleaner  # built with site_rules=False; its rule book is set per file
        self.global_rules = list(global_rules)

    def _use(self, rules: SiteRules) -> None:
        self.cleaner.rulebook = RuleBook([rules, *self.global_rules])

    def derive(self, rules: SiteRules, pages: Sequence[str], wanted: int = TESTS_PER_FILE) -> list[PageTest]:
        """Up to ``wanted`` tests from ``pages`` (in order), each asserting what holds for ``rules``."""
        self._use(rules)
        tests: list[PageTest] = []
        for text in pages:
            test = self._test(rules.name, text, f"learned page {len(tests) + 1}")
            if test is not None:
                tests.append(test)
                if len(tests) == wanted:
                    break
        return tests

    def _test(self, site: str, text: str, name: str) -> PageTest | None:
        result = self.cleaner.clean(text, site=site)
        out = result.text
        gone = _gone(result.blocks, f"site:{site}:", out)
        kept = sorted((b for b in result.blocks if b.kept), key=lambda b: (-b.words, b.index))
        stays: list[str] = []
        for b in kept:
            snippet = _snippet(b.text)
            if snippet and snippet in out and snippet not in stays:
                stays.append(snippet)
            if len(stays) == CONTAINS:
                break
        if not gone or not stays:
            return None  # nothing this file decides on the page, or nothing left of it
        return PageTest(name, text, stays, gone)

    def verify(self, rules: SiteRules) -> list[str]:
        """Every failing test of the loaded file, as 'name: problems'; empty when all pass."""
        self._use(rules)
        failures = []
        for case in rules.spec.tests:
            outcome = run_case(self.cleaner, rules, case)
            if outcome.status != PASS:
                failures.append(f"{case.name}: {'; '.join(outcome.problems) or outcome.status}")
        return failures


def _gone(blocks: list[Block], prefix: str, out: str) -> list[str]:
    """Up to NOT_CONTAINS lines the file's rules dropped, one per rule, tail sections first (the lines
    they drop change from page to page: the page's own test is the one place they are checked)."""
    first: dict[str, str] = {}
    for b in blocks:
        if b.reason.startswith(prefix) and b.text not in out and b.reason not in first:
            first[b.reason] = b.text
    order = sorted(first, key=lambda reason: not reason.removeprefix(prefix).startswith(TAIL_PREFIX))
    return [first[reason] for reason in order][:NOT_CONTAINS]


def _snippet(text: str) -> str:
    """The start of a block, cut at a word boundary."""
    if len(text) <= SNIPPET_CHARS:
        return text.strip()
    cut = text[:SNIPPET_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > SNIPPET_CHARS // 2 else cut).strip()


def _looks_like_html(text: str) -> bool:
    from .._pipeline import looks_like_html  # lazy: the pipeline imports this package

    return looks_like_html(text)

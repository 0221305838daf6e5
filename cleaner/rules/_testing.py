"""Running the ``[[test]]`` tables embedded in rule files (like frozen fixtures).

Used by ``cleaner rules test`` and by the test suite. A test passes when the
page resolves to the rule file under test and every expectation holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._apply import SiteRules
from ._book import RuleBook
from ._compile import MAX_TEST_FILE_BYTES, RuleError, Where
from ._format import TestCase, check_test_file, read_limited

if TYPE_CHECKING:
    from .._pipeline import Cleaner

PASS, FAIL, SKIP = "pass", "fail", "skip"


@dataclass(slots=True)
class Outcome:
    rules: SiteRules
    case: TestCase
    status: str
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.rules.file_name}::{self.case.name}"


def make_cleaner(book: RuleBook) -> Cleaner:
    from .._pipeline import Cleaner  # lazy: the pipeline imports this package

    cleaner = Cleaner(mode="auto", site_rules=False)
    cleaner.rulebook = book  # reuse the loaded book instead of loading the sources again
    return cleaner


def run_tests(book: RuleBook, only: list[SiteRules] | None = None) -> list[Outcome]:
    cleaner = make_cleaner(book)
    return [run_case(cleaner, rules, case) for rules in (only or book.all_rules()) for case in rules.spec.tests]


def run_case(cleaner: Cleaner, rules: SiteRules, case: TestCase) -> Outcome:
    data: str | bytes = case.text or ""
    if case.file is not None:
        try:
            page = _fixture(rules, case, case.file, "file")
        except RuleError as exc:
            return Outcome(rules, case, FAIL, [exc.message])
        if page is None:
            return Outcome(rules, case, SKIP, [f"fixture not found: {rules.path.parent / case.file}"])
        data = page
    resolved = cleaner.resolve_site(case.url, data if isinstance(data, str) else data.decode("utf-8", "replace"))
    if case.site:
        resolved = cleaner.rulebook.find(case.site) if cleaner.rulebook else None
    problems: list[str] = []
    if resolved is None or resolved.path != rules.path:
        problems.append(f"page resolved to {resolved.file_name if resolved else 'no rule file'}, not this one")
    result = cleaner.clean(data, url=case.url, site=case.site)
    problems += _check_text(result.text, rules, case)
    meta = result.metadata.to_dict()
    for key, want in case.metadata.items():
        if meta.get(key) != want:
            problems.append(f"metadata {key}: got {meta.get(key)!r}, want {want!r}")
    return Outcome(rules, case, FAIL if problems else PASS, problems)


def _fixture(rules: SiteRules, case: TestCase, name: str, key: str) -> bytes | None:
    """A fixture's bytes, None when it is missing; checked again here (the folder may have changed since load)."""
    where = Where(str(rules.path), case.line, case.name)
    target = check_test_file(rules.path, name, where, key)
    if not target.exists():
        return None
    return read_limited(target, MAX_TEST_FILE_BYTES, where)


def _check_text(text: str, rules: SiteRules, case: TestCase) -> list[str]:
    problems = []
    if case.expected is not None:
        try:
            expected = _fixture(rules, case, case.expected, "expected")
        except RuleError as exc:
            expected, problems = None, [exc.message]
        if expected is None:
            problems = problems or [f"expected file not found: {rules.path.parent / case.expected}"]
        elif text.strip() != expected.decode("utf-8", "replace").strip():
            problems.append(f"text differs from {case.expected}")
    problems += [f"missing: {s!r}" for s in case.contains if s not in text]
    problems += [f"should be gone: {s!r}" for s in case.not_contains if s in text]
    return problems

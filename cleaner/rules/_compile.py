"""Compiling untrusted patterns: regexes with RE2, XPaths with lxml.

Rule files come from users and from the internet, so a pattern must never be
able to hang a run: regexes go to RE2 (linear time, no backreferences or
lookaround) and every size is capped before anything is compiled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import re2
from lxml import etree

from ._cost import regex_problem, xpath_problem

# --- caps that bound what one hostile rule file can cost ---
MAX_FILE_BYTES = 512 * 1024
MAX_PATTERN_CHARS = 1000
MAX_PATTERNS_PER_RULE = 200
MAX_RULES_PER_KIND = 300
MAX_FINGERPRINTS = 50
MAX_XPATH_CHARS = 500
MAX_TESTS = 50
# A test fixture (`file`, `expected`) is a page: this is far above any real one.
MAX_TEST_FILE_BYTES = 8 * 1024 * 1024
# Errors reported per file: enough to fix a file in one pass, too few for a hostile file to flood a terminal.
MAX_ERRORS_PER_FILE = 50
# RE2 memory budget per compiled regex; above it compilation fails cleanly.
REGEX_MAX_MEM = 8 << 20
# RE2 is linear in the text, but the factor is the program size when its DFA
# gives up (wide counted repetitions like `.{1,300}`) or when capture groups
# must be filled: `(.*){1,1000}a` (program size 11,004) took 0.8 s per 10 KB
# line, and a 1 MB page with it as a global rule 55 s. Measured worst case
# under these caps: about 1 ns per character per program-size unit, so the
# budgets per file bound what one rule file adds to a page. The bundled rules
# stay below half of each (largest: 2,222 for text rules, 2,870 for metadata).
MAX_REPEAT_COUNT = 300  # the n and m of {n}, {n,}, {n,m}
MAX_PROGRAM_SIZE = 3_000  # one pattern
MAX_TEXT_PROGRAM_SIZE = 5_000  # a file's text rules (drop, keep, section, truncate, body) together
MAX_METADATA_PROGRAM_SIZE = 6_000  # a file's metadata patterns together (run once per page, on its start)
# Text rules skip blocks longer than this: a widget is a short line, and a
# hostile line must not multiply with every rule's pattern.
MAX_RULE_BLOCK_CHARS = 10_000
# Metadata patterns read the page's first characters only, and a value's match
# must be short: captures are filled by RE2's slower engine, over the match alone.
MAX_METADATA_SCAN_CHARS = 200_000
MAX_METADATA_MATCH_CHARS = 2_000
# XPath shape: cheap forms only (see check_xpath).
MAX_XPATH_STEPS = 12
MAX_XPATH_NESTING = 4  # predicates and calls inside one another
MAX_ID_OR_CLASS = 50
MAX_ID_OR_CLASS_CHARS = 64

Regex = Any  # re2._Regexp has no stubs
T = TypeVar("T")
U = TypeVar("U")

# A tiny document to evaluate each XPath once: catches unknown functions and
# other errors that lxml only reports at evaluation time.
_PROBE = etree.fromstring("<html><head><title>t</title></head><body><div id='a' class='b'><p>x</p></div></body></html>")


class RuleError(ValueError):
    """A problem in a rule file, located by file, line and rule id."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None, rule: str | None = None) -> None:
        self.message, self.path, self.line, self.rule = message, path, line, rule
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{where}:{rule} {self.message}" if where else f"{rule.strip()} {self.message}".strip()


@dataclass(slots=True)
class Where:
    """Where a value sits in its rule file, for error messages."""

    path: str
    line: int | None = None
    rule: str | None = None

    def error(self, message: str) -> RuleError:
        return RuleError(message, path=self.path, line=self.line, rule=self.rule)


class RuleErrors(RuleError):
    """Several problems at once: every one found in a rule file (or in one rule), in line order.

    Its ``message``, ``line`` and ``rule`` are the first problem's, so code that
    handles a single :class:`RuleError` keeps working; ``errors`` lists them all
    and ``str()`` prints one per line.
    """

    def __init__(self, errors: list[RuleError], *, path: str = "", truncated: bool = False) -> None:
        self.errors = sorted(errors, key=lambda e: (e.line is None, e.line or 0))
        self.truncated = truncated  # stopped at MAX_ERRORS_PER_FILE: there may be more
        first = self.errors[0]
        super().__init__(first.message, path=path or first.path, line=first.line, rule=first.rule)

    def __reduce__(self) -> tuple[Any, ...]:
        # the default would call RuleErrors(str(self)); keep the list across processes
        return (_rebuild_errors, (self.errors, self.path, self.truncated))

    def __str__(self) -> str:
        lines = [RuleError.__str__(e) for e in self.errors]
        if self.truncated:
            lines.append(f"{self.path}: stopped after {len(self.errors)} errors")
        return "\n".join(lines)


def _rebuild_errors(errors: list[RuleError], path: str, truncated: bool) -> RuleErrors:
    return RuleErrors(errors, path=path, truncated=truncated)


class _Full(Exception):
    """Raised by :class:`Problems` at the cap; deliberately not a RuleError, so nothing collects it."""


class Problems:
    """Collects a file's errors so one check reports them all, and stops the file at the cap."""

    def __init__(self, path: str, cap: int = MAX_ERRORS_PER_FILE) -> None:
        self.path, self.cap = path, cap
        self.errors: list[RuleError] = []
        self.full = False

    def add(self, error: RuleError) -> None:
        for one in error.errors if isinstance(error, RuleErrors) else [error]:
            if len(self.errors) >= self.cap:
                self.full = True
                raise _Full
            self.errors.append(one)

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Record a RuleError raised inside the block and carry on after it."""
        try:
            yield
        except RuleError as exc:
            self.add(exc)

    def each(self, items: Iterable[T], build: Callable[[T], U]) -> list[U]:
        """``build`` every item; a failing item is recorded and left out."""
        out: list[U] = []
        for item in items:
            with self.collect():
                out.append(build(item))
        return out

    def run(self, work: Callable[[], T]) -> T:
        """Run a whole check; raise :class:`RuleErrors` when it found anything."""
        try:
            result = work()
        except _Full:
            pass
        else:
            if not self.errors:
                return result
        raise RuleErrors(self.errors, path=self.path, truncated=self.full)


def _options(*, capture: bool) -> Any:
    opts = re2.Options()
    opts.log_errors = False  # RE2 would otherwise print every bad pattern to stderr
    opts.max_mem = REGEX_MAX_MEM
    # Without capture groups RE2 answers with its fast DFA; filling groups takes
    # time proportional to text length times program size.
    opts.never_capture = not capture
    return opts


OPTIONS = _options(capture=True)  # metadata patterns, which need their first group
MATCH_OPTIONS = _options(capture=False)  # every yes/no test: line rules, markers, fingerprints


def check_pattern(pattern: str, where: Where) -> None:
    """Size and shape of one user pattern, before anything is compiled."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise where.error(f"pattern longer than {MAX_PATTERN_CHARS} characters")
    problem = regex_problem(pattern, MAX_REPEAT_COUNT)
    if problem:
        raise where.error(f"pattern {_short(pattern)}: {problem}")


def compile_regex(pattern: str, where: Where, *, capture: bool = False) -> Regex:
    """One checked RE2 regex, or a RuleError naming the file and rule."""
    check_pattern(pattern, where)
    return _compile(pattern, where, MAX_PROGRAM_SIZE, capture=capture)


def compile_joined(pattern: str, where: Where) -> Regex:
    """An alternation of patterns already checked one by one: only its total size is bounded."""
    return _compile(pattern, where, MAX_TEXT_PROGRAM_SIZE, capture=False)


def _compile(pattern: str, where: Where, max_size: int, *, capture: bool) -> Regex:
    try:
        rx = re2.compile(pattern, OPTIONS if capture else MATCH_OPTIONS)
    except re2.error as exc:
        raise where.error(f"invalid or unsupported regex {_short(pattern)}: {_re2_message(exc)}") from None
    if rx.programsize > max_size:
        what = "pattern" if max_size == MAX_PROGRAM_SIZE else "the rule's patterns together"

        raise where.error(
            f"{what} too costly: RE2 program size {rx.programsize} above {max_size} "
            f"(smaller counted repetitions, fewer alternatives) {_short(pattern)}"
        )
    return rx


def check_budget(sizes: list[int], budget: int, what: str, where: Where) -> None:
    """A file's compiled patterns of one kind must fit ``budget`` together: each page pays for all of them."""
    if sum(sizes) > budget:
        raise where.error(
            f"{what} too costly together: RE2 program size {sum(sizes)} above {budget} "
            "(fewer or simpler patterns, smaller counted repetitions)"
        )


def _short(text: str, limit: int = 80) -> str:
    """A pattern quoted for a message, cut so that a huge one cannot flood the terminal."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} characters)"


def _re2_message(exc: Exception) -> str:
    msg = exc.args[0] if exc.args else str(exc)
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


def combine(lines: list[str], starts: list[str], ends: list[str], contains: list[str]) -> str | None:
    """One alternation testing a block as a whole line, a prefix, a suffix or anywhere."""
    parts = [f"^(?:{p})$" for p in lines]
    parts += [f"^(?:{p})" for p in starts]
    parts += [f"(?:{p})$" for p in ends]
    parts += [f"(?:{p})" for p in contains]
    return "|".join(parts) or None


def validate_parts(patterns: list[str], where: Where) -> None:
    """Compile each pattern alone first so an error names the culprit, not the alternation.

    Every bad pattern is reported (as one :class:`RuleErrors`), not just the first.
    """
    errors: list[RuleError] = []
    for p in patterns:
        try:
            compile_regex(p, where)
        except RuleError as exc:
            errors.append(exc)
    if errors:
        raise RuleErrors(errors, path=where.path)


def compile_xpath(expr: str, where: Where) -> etree.XPath:
    """A user XPath whose cost is linear in the page (see :func:`xpath_problem`), or a RuleError."""
    if len(expr) > MAX_XPATH_CHARS:
        raise where.error(f"XPath longer than {MAX_XPATH_CHARS} characters")
    problem = xpath_problem(expr, MAX_XPATH_STEPS, MAX_XPATH_NESTING)
    if problem:
        raise where.error(f"XPath {_short(expr)} too costly: {problem}")
    return _xpath(expr, where)


def _xpath(expr: str, where: Where) -> etree.XPath:
    try:
        xp = etree.XPath(expr)
        xp(_PROBE)
    except (etree.XPathError, etree.XPathEvalError) as exc:
        raise where.error(f"invalid XPath {_short(expr)}: {exc}") from None
    return xp


def id_or_class_xpath(names: list[str], where: Where) -> etree.XPath | None:
    """Elements whose id or class contains any of ``names`` (FiveFilters' strip_id_or_class idea).

    The XPath is built here from checked fragments, so it skips the user-XPath
    length check; its cost is one pass over the elements per name, hence the cap.
    """
    if len(names) > MAX_ID_OR_CLASS:
        raise where.error(f"strip_id_or_class has more than {MAX_ID_OR_CLASS} entries")
    tests = []
    for name in names:
        if not name or len(name) > MAX_ID_OR_CLASS_CHARS or any(ch in name for ch in "'\"<>[]"):
            raise where.error(
                f"strip_id_or_class entry {_short(name)} must be a plain id or class fragment "
                f"(at most {MAX_ID_OR_CLASS_CHARS} characters)"
            )
        tests.append(f"contains(@id,'{name}') or contains(@class,'{name}')")
    if not tests:
        return None
    return _xpath("//*[" + " or ".join(tests) + "]", where)

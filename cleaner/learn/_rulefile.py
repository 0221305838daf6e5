"""A learned :class:`SiteProfile` as the text of a site rule file (the format of ``rules/README.md``).

The file says what the profile says, in rules a person can read and edit:

* ``[site]``: the site's name, its domain when the site key is a host name, and
  a few distinctive lines as ``fingerprints`` so that its text dumps are
  recognised without a URL;
* ``[[drop]]``: every repeated line as an exact-line pattern (case ignored and
  digit runs generalised, as the statistics fold them), grouped by the
  lexicon's category of the line (else ``site-chrome``), each with a comment
  saying on how many of the pages it was seen;
* ``[[section]]``: each heading that opens a chrome tail ("Most Popular" over
  headlines that change daily), running to the next prose;
* ``[[test]]``: pages of the site with what must stay and what must go (built
  and checked by :mod:`._ruletests`).

Rendering is a pure function of the profile: the same input gives the same
bytes, whatever order its pages came in (no dates, no paths).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import re2

from .._decode import repair_text
from .._segment import normalise_space
from ..rules._compile import (
    MATCH_OPTIONS,
    MAX_FINGERPRINTS,
    MAX_PATTERNS_PER_RULE,
    MAX_RULES_PER_KIND,
    MAX_TEXT_PROGRAM_SIZE,
    RuleError,
    Where,
    combine,
    compile_regex,
)
from ._model import LEFT_TO_THE_ENGINE, SITE_CHROME, TAIL_MAX_WORDS, LearnSettings, SiteProfile

# Fingerprints: lines on at least this share of the pages, of at least this many words, without
# digits (a fingerprint is a literal string, and digits change from page to page), at most this many.
FINGERPRINT_SHARE = 0.8
FINGERPRINT_MIN_WORDS = 3
FINGERPRINT_MAX_CHARS = 200
FINGERPRINTS = min(5, MAX_FINGERPRINTS)
# A file's text rules share one RE2 program-size budget (MAX_TEXT_PROGRAM_SIZE): the most frequent
# lines go in first, and a margin is kept because an alternation is not exactly the sum of its parts.
TEXT_BUDGET = MAX_TEXT_PROGRAM_SIZE * 9 // 10
_FIT_TRIES = 8
_OVER_BUDGET = "over the file's pattern budget"
# Tail sections are named tail-1, tail-2, ... (no category is named so: ids stay unique).
TAIL_PREFIX = "tail-"
# A rule name is at most 64 characters of these (rules/_format.py's _NAME).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_DOTS = re.compile(r"\.{2,}")
_HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")  # what a rule file's `domains` accepts, with a dot
_DIGIT_RUN = re.compile(r"(\d+)")
_REGEX_META = frozenset("\\.^$|?*+()[]{}")
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}

# A line's lexicon category from its text and word count; None when the lexicon names none.
CategoryOf = Callable[[str, int], str | None]


@dataclass(frozen=True, slots=True)
class Line:
    """One repeated line as a rule: its text, its pattern, and on how many pages it was seen."""

    text: str
    pattern: str
    pages: int
    category: str
    size: int  # RE2 program size of the pattern alone


@dataclass(slots=True)
class DropRule:
    id: str
    category: str
    lines: list[Line]


@dataclass(frozen=True, slots=True)
class TailRule:
    id: str
    category: str
    line: Line
    opens: int  # pages on which it opens a chrome tail


@dataclass(slots=True)
class PageTest:
    """A ``[[test]]`` to write: a page's text, and what the cleaned page must and must not contain."""

    name: str
    text: str
    contains: list[str]
    not_contains: list[str]


@dataclass(slots=True)
class RulePlan:
    """What the file will hold, before it is rendered; ``skipped`` counts the lines left out, by reason."""

    site: str
    name: str
    domains: list[str]
    fingerprints: list[str]
    drops: list[DropRule]
    tails: list[TailRule]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def lines(self) -> int:
        return sum(len(r.lines) for r in self.drops)


def rule_name(site: str) -> str:
    """The rule name (and file stem) for a site key: the key itself when it is a valid name, else its
    safe characters with a digest of the key, so that no key can name a path or clash with another."""
    if _NAME.fullmatch(site):
        return site
    safe = _DOTS.sub(".", _NAME_CHARS.sub("_", site)).strip("._-")[:48]
    digest = hashlib.blake2b(site.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    return f"{safe}-{digest}" if safe else f"site-{digest}"


def line_pattern(text: str) -> str:
    """A pattern matching ``text`` as a whole line (``lines`` anchors it) as the statistics see it:
    case ignored and every digit run generalised; other characters literal."""
    out = ["(?i)"]
    for i, part in enumerate(_DIGIT_RUN.split(text)):
        if i % 2:  # a digit run: Python's \d is Unicode, RE2's ASCII
            out.append(r"\d+" if part.isascii() else r"\p{Nd}+")
            continue
        for ch in part:
            if ch in _REGEX_META:
                out.append("\\" + ch)
            elif ch.isprintable():
                out.append(ch)
            else:  # control, format and odd space characters: visible in the file, valid in TOML
                out.append(f"\\x{{{ord(ch):x}}}")
    return "".join(out)


def plan_rules(profile: SiteProfile, category_of: CategoryOf) -> RulePlan:
    """The rules for ``profile``: tail sections first, then the most frequent lines that fit the file's
    pattern budget (measured on the rules as they will be compiled, and narrowed until they fit)."""
    skipped: dict[str, int] = {}
    by_hash = _candidates(profile, category_of, skipped)
    tails = _tails(profile, by_hash)
    lines = list({line.pattern: line for line in by_hash.values()}.values())
    budget = TEXT_BUDGET
    for _ in range(_FIT_TRIES):
        over: dict[str, int] = {}
        drops = _fit(lines, tails, budget, over)
        size = text_program_size(drops, tails)
        if size <= MAX_TEXT_PROGRAM_SIZE:
            break
        budget = budget * MAX_TEXT_PROGRAM_SIZE // size - 1  # an alternation costs about its parts
    else:  # pathological: keep the tails alone rather than write a file that does not load
        over = {_OVER_BUDGET: len(lines)}
        drops = []
    name = rule_name(profile.site)
    domains = [profile.site] if _HOST.fullmatch(profile.site) else []
    skipped.update(over)
    return RulePlan(profile.site, name, domains, _fingerprints(profile, category_of), drops, tails, skipped)


def _candidates(profile: SiteProfile, category_of: CategoryOf, skipped: dict[str, int]) -> dict[int, Line]:
    """A Line for every chrome fingerprint that can be one. Two fingerprints may repair to one line
    (a stray control character): both then share the Line of the more frequent."""
    lines: dict[int, Line] = {}
    by_pattern: dict[str, Line] = {}
    for h, pages in sorted(profile.chrome.items(), key=lambda x: (-x[1], x[0])):
        text = as_cleaned(profile.texts.get(h))
        category = (category_of(text, len(text.split())) or SITE_CHROME) if text else SITE_CHROME
        if category in LEFT_TO_THE_ENGINE:  # as SiteProfile.apply does: datelines and bylines are the engine's
            skipped["dateline or byline"] = skipped.get("dateline or byline", 0) + 1
            continue
        line = _line(text, pages, category) if text else None
        if line is None:
            reason = "without a text" if not text else "pattern too long or costly"
            skipped[reason] = skipped.get(reason, 0) + 1
        else:
            lines[h] = by_pattern.setdefault(line.pattern, line)
    return lines


def _fit(lines: list[Line], tails: list[TailRule], budget: int, over: dict[str, int]) -> list[DropRule]:
    """The most frequent lines whose patterns fit ``budget`` with the tails', grouped into rules."""
    spent = sum(t.line.size for t in tails)
    chosen: list[Line] = []
    for line in sorted(lines, key=lambda x: (-x.pages, x.text)):
        if spent + line.size > budget:
            over[_OVER_BUDGET] = over.get(_OVER_BUDGET, 0) + 1
            continue
        spent += line.size
        chosen.append(line)
    drops = _group(chosen)
    if len(drops) > MAX_RULES_PER_KIND:  # the most frequent lines' rules stay
        drops.sort(key=lambda r: (-r.lines[0].pages, r.id))
        over["too many rules"] = sum(len(r.lines) for r in drops[MAX_RULES_PER_KIND:])
        drops = sorted(drops[:MAX_RULES_PER_KIND], key=lambda r: r.id)
    return drops


def text_program_size(drops: list[DropRule], tails: list[TailRule]) -> int:
    """The RE2 program size of the file's text rules as a rule file compiles them (rules/_apply.py)."""
    patterns = [combine([line.pattern for line in rule.lines], [], [], []) or "" for rule in drops]
    patterns += [f"(?:{section_start(tail)})" for tail in tails]
    return sum(re2.compile(p, MATCH_OPTIONS).programsize for p in patterns)


def section_start(tail: TailRule) -> str:
    """The heading as a section's start marker: the whole line (sections do not anchor their markers)."""
    return "(?i)^" + tail.line.pattern.removeprefix("(?i)") + "$"


def as_cleaned(text: str | None) -> str | None:
    """A line as cleaning sees it: statistics read pages unrepaired (it is cheaper, and they only
    compare a page's lines with other pages'), but a page is repaired before its rules run (stray
    control characters dropped, mojibake fixed), so rules and fingerprints must hold the repaired line."""
    if not text:
        return None
    repaired = normalise_space(repair_text(text))
    return repaired if repaired and "\n" not in repaired else None


def _line(text: str, pages: int, category: str) -> Line | None:
    pattern = line_pattern(text)
    try:
        compile_regex(pattern, Where(""))  # the length, shape and size checks every rule file's patterns pass
        size = re2.compile(f"^(?:{pattern})$", MATCH_OPTIONS).programsize  # as `lines` runs it
    except (RuleError, re2.error):
        return None
    return Line(text, pattern, pages, category, size)


def _tails(profile: SiteProfile, lines: dict[int, Line]) -> list[TailRule]:
    best: dict[str, tuple[int, Line]] = {}
    for h, opens in profile.tails.items():
        if h in lines:
            line = lines[h]
            best[line.pattern] = max(best.get(line.pattern, (0, line)), (opens, line), key=lambda x: x[0])
    found = sorted(best.values(), key=lambda x: (-x[0], x[1].text))
    return [
        TailRule(f"{TAIL_PREFIX}{i}", line.category, line, opens)
        for i, (opens, line) in enumerate(found[:MAX_RULES_PER_KIND], 1)
    ]


def _group(lines: list[Line]) -> list[DropRule]:
    """One rule per category (ordered by name), split when it would hold too many patterns."""
    by_category: dict[str, list[Line]] = {}
    for line in lines:
        by_category.setdefault(line.category, []).append(line)
    rules: list[DropRule] = []
    for category in sorted(by_category):
        members = sorted(by_category[category], key=lambda x: (-x.pages, x.text))
        for n, start in enumerate(range(0, len(members), MAX_PATTERNS_PER_RULE), 1):
            rule_id = category if n == 1 else f"{category}-{n}"
            rules.append(DropRule(rule_id, category, members[start : start + MAX_PATTERNS_PER_RULE]))
    return rules


def _fingerprints(profile: SiteProfile, category_of: CategoryOf) -> list[str]:
    """Distinctive lines: on most pages, a few words, no digits, and none the lexicon knows (those are
    printed by many sites: "Subscribe to our newsletter" must not make a dump this site's)."""
    candidates = []
    for h, pages in profile.chrome.items():
        text = as_cleaned(profile.texts.get(h))
        if not text or pages < FINGERPRINT_SHARE * profile.pages or len(text) > FINGERPRINT_MAX_CHARS:
            continue
        words = len(text.split())
        if words < FINGERPRINT_MIN_WORDS or any(ch.isdigit() for ch in text) or not text.isprintable():
            continue
        if category_of(text, words) is None:
            candidates.append((-pages, -words, text))
    return [text for *_, text in sorted(candidates)[:FINGERPRINTS]]


def render(plan: RulePlan, profile: SiteProfile, settings: LearnSettings, tests: list[PageTest]) -> str:
    """The rule file's text."""
    parts = [_header(plan, profile, settings), _site(plan)]
    parts += [_drop(rule, profile.pages) for rule in plan.drops]
    parts += [_section(tail, profile.pages) for tail in plan.tails]
    parts += [_test(test, plan.name) for test in tests]
    return "\n".join(parts)


def _header(plan: RulePlan, profile: SiteProfile, settings: LearnSettings) -> str:
    site = comment_safe(plan.site)
    named = "" if plan.name == plan.site else f" (named {plan.name} here)"
    left_out = ", ".join(f"{n} {why}" for why, n in sorted(plan.skipped.items()))
    lines = [
        f"# Learned by `cleaner rules learn` from {profile.pages} distinct pages ({profile.pages_seen} read)",
        f"# of the site {site}{named}.",
        f"# A line is the site's chrome when it is seen on at least {settings.min_share:.0%} of its pages",
        f"# and on at least {settings.min_count} of them (min share {settings.min_share:g}, min count "
        f"{settings.min_count}, min pages {settings.min_pages}).",
        "# Each pattern is one whole line, case ignored and digits generalised, with the number of",
        "# pages it was seen on. Edit freely, then run `cleaner rules check` and `cleaner rules test`.",
    ]
    if left_out:
        lines.append(f"# Repeated lines left out: {left_out}.")
    return "\n".join(lines) + "\n"


def _site(plan: RulePlan) -> str:
    out = ["[site]", f"name = {toml_text(plan.name)}"]
    if plan.domains:
        out.append(f"domains = [{toml_text(plan.domains[0])}]")
    if plan.fingerprints:
        out.append("fingerprints = [")
        out += [f"    {toml_text(f)}," for f in plan.fingerprints]
        out.append("]")
        out.append(f"min_fingerprints = {2 if len(plan.fingerprints) >= 2 else 1}")
    return "\n".join(out) + "\n"


def _drop(rule: DropRule, pages: int) -> str:
    out = ["[[drop]]", f"id = {toml_text(rule.id)}", f"category = {toml_text(rule.category)}", "lines = ["]
    out += [f"    {toml_text(line.pattern)},  # seen on {line.pages} of {pages} pages" for line in rule.lines]
    out.append("]")
    return "\n".join(out) + "\n"


def _section(tail: TailRule, pages: int) -> str:
    return (
        "\n".join(
            [
                "[[section]]",
                f"# this heading opens a run of short lines after the article on {tail.opens} of {pages} pages "
                f"(seen on {tail.line.pages})",
                f"id = {toml_text(tail.id)}",
                f"category = {toml_text(tail.category)}",
                f"start = {toml_text(section_start(tail))}",
                'until = "prose"',
                f"prose_min_words = {TAIL_MAX_WORDS}",
            ]
        )
        + "\n"
    )


def _test(test: PageTest, site: str) -> str:
    out = ["[[test]]", f"name = {toml_text(test.name)}", f"site = {toml_text(site)}"]
    out.append("contains = [" + ", ".join(toml_text(s) for s in test.contains) + "]")
    out.append("not_contains = [" + ", ".join(toml_text(s) for s in test.not_contains) + "]")
    out.append(f"text = {toml_multiline(test.text)}")
    return "\n".join(out) + "\n"


def comment_safe(text: str) -> str:
    """``text`` for a TOML comment (one line, no control characters): unprintable characters escaped."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def toml_text(text: str) -> str:
    """A TOML string holding ``text``: a literal string when it can be one (regexes keep their
    backslashes as written), else a basic string with escapes."""
    if "'" not in text and text.isprintable():
        return f"'{text}'"
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def toml_multiline(text: str) -> str:
    """A multi-line basic string holding ``text`` (its line breaks kept as lines, the rest escaped)."""
    return '"""\n' + "\n".join("".join(_escape(ch) for ch in line) for line in text.split("\n")) + '"""'


def _escape(ch: str) -> str:
    if ch in _TOML_ESCAPES:
        return _TOML_ESCAPES[ch]
    code = ord(ch)
    if code < 0x20 or code == 0x7F:
        return f"\\u{code:04x}"
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate is not a character TOML (or UTF-8) can hold
        return "\\ufffd"
    return ch

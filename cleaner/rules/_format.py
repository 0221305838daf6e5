"""The rule-file format: TOML parsing and schema validation (no compiling here).

Every problem becomes a :class:`RuleError` naming the file, the line and,
when there is one, the rule id, so ``cleaner rules check`` can point at it.
``rules/README.md`` documents the format for users.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._compile import (
    MAX_FILE_BYTES,
    MAX_FINGERPRINTS,
    MAX_PATTERN_CHARS,
    MAX_PATTERNS_PER_RULE,
    MAX_RULES_PER_KIND,
    MAX_TESTS,
    RuleError,
    Where,
)

STR, STRS, INT, BOOL, TABLE = "string", "string or list of strings", "integer", "boolean", "table"
_MATCH_KEYS = {"id": STR, "category": STR, "lines": STRS, "starts": STRS, "ends": STRS, "contains": STRS}
SCHEMA: dict[str, dict[str, str]] = {
    "site": {
        "name": STR, "domains": STRS, "fingerprints": STRS, "fingerprint_patterns": STRS,
        "min_fingerprints": INT, "notes": STR,
    },
    "drop": {**_MATCH_KEYS, "max_words": INT, "min_words": INT},
    "keep": {**_MATCH_KEYS, "max_words": INT, "min_words": INT},
    "section": {
        "id": STR, "category": STR, "start": STRS, "end": STRS, "until": STR, "blocks": INT,
        "include_start": BOOL, "include_end": BOOL, "max_blocks": INT, "prose_min_words": INT,
    },
    "truncate": {"id": STR, "category": STR, "at": STRS, "include_marker": BOOL},
    "body": {
        "id": STR, "category": STR, "start": STRS, "end": STRS, "include_start": BOOL,
        "include_end": BOOL, "keep_inside": BOOL,
    },
    "metadata": {
        "site": STR, "domain": STR, "title": STRS, "date": STRS, "author": STRS, "description": STRS, "html": TABLE,
    },
    "metadata.html": {"title": STRS, "date": STRS, "author": STRS, "description": STRS},
    "html": {"body": STR, "strip": STRS, "strip_id_or_class": STRS},
    "test": {
        "name": STR, "file": STR, "text": STR, "url": STR, "site": STR, "expected": STR,
        "contains": STRS, "not_contains": STRS, "metadata": TABLE,
    },
    "test.metadata": {k: STR for k in ("title", "date", "author", "site", "domain", "description", "site_rule")},
}  # fmt: skip
TOP: dict[str, str] = {"site": TABLE, "body": TABLE, "metadata": TABLE, "html": TABLE}
ARRAYS = ("drop", "keep", "section", "truncate", "test")
META_FIELDS = ("title", "date", "author", "description")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_DOMAIN = re.compile(r"\*|\.?[a-z0-9-]+(?:\.[a-z0-9-]+)*")
_TOML_POS = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(slots=True)
class LineRule:
    """A drop or force-keep rule matching single blocks."""

    id: str
    category: str
    lines: list[str] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    contains: list[str] = field(default_factory=list)
    max_words: int | None = None
    min_words: int = 0
    line: int | None = None


@dataclass(slots=True)
class SectionRule:
    """A run of blocks from a start marker to an end marker, a fixed count, or the next prose."""

    id: str
    category: str
    start: list[str]
    end: list[str] = field(default_factory=list)
    until: str | None = None  # "prose"
    blocks: int | None = None
    include_start: bool = True
    include_end: bool = True
    max_blocks: int = 200
    prose_min_words: int = 12
    line: int | None = None


@dataclass(slots=True)
class TruncateRule:
    id: str
    category: str
    at: list[str]
    include_marker: bool = True
    line: int | None = None


@dataclass(slots=True)
class BodyRule:
    id: str = "body"
    category: str = "boilerplate"
    start: list[str] = field(default_factory=list)
    end: list[str] = field(default_factory=list)
    include_start: bool = True
    include_end: bool = False
    keep_inside: bool = False
    line: int | None = None


@dataclass(slots=True)
class TestCase:
    """One embedded test: a page, what its output must and must not contain."""

    name: str
    file: str | None = None
    text: str | None = None
    url: str | None = None
    site: str | None = None
    expected: str | None = None
    contains: list[str] = field(default_factory=list)
    not_contains: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    line: int | None = None


@dataclass(slots=True)
class SiteSpec:
    """A validated rule file, still as strings."""

    path: str
    name: str
    domains: list[str] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)
    fingerprint_patterns: list[str] = field(default_factory=list)
    min_fingerprints: int = 1
    drops: list[LineRule] = field(default_factory=list)
    keeps: list[LineRule] = field(default_factory=list)
    sections: list[SectionRule] = field(default_factory=list)
    truncates: list[TruncateRule] = field(default_factory=list)
    body: BodyRule | None = None
    meta_patterns: dict[str, list[str]] = field(default_factory=dict)
    meta_xpaths: dict[str, list[str]] = field(default_factory=dict)
    meta_site: str | None = None
    meta_domain: str | None = None
    html_body: str | None = None
    html_strip: list[str] = field(default_factory=list)
    html_strip_id_or_class: list[str] = field(default_factory=list)
    tests: list[TestCase] = field(default_factory=list)
    lines: dict[str, int | None] = field(default_factory=dict)  # "metadata.date" -> line, for errors

    @property
    def is_global(self) -> bool:
        return "*" in self.domains


class Locator:
    """Best-effort line numbers for tables and keys (tomllib does not keep positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def table(self, name: str, index: int = 0) -> int | None:
        header = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*\]\]?\s*(#.*)?$")
        seen = -1
        for no, line in enumerate(self.lines, 1):
            if header.match(line):
                seen += 1
                if seen == index:
                    return no
        return None

    def key(self, key: str, after: int | None) -> int | None:
        pat = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for no in range(after or 1, len(self.lines) + 1):
            if pat.match(self.lines[no - 1]):
                return no
        return after


def read_toml(path: Path) -> tuple[dict[str, Any], Locator]:
    where = Where(str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise where.error(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise where.error(f"file larger than {MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise where.error("not UTF-8 text") from None
    except RecursionError:  # tomllib recurses on nested arrays and inline tables
        raise where.error("values nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.search(str(exc))
        line = int(m.group(1)) if m else (text.count("\n") + 1 if "end of document" in str(exc) else None)
        raise RuleError(
            f"TOML syntax error: {_TOML_POS.sub('', str(exc)).strip()}", path=str(path), line=line
        ) from None
    return data, Locator(text)


def check_table(table: Any, schema: str, where: Where, loc: Locator) -> dict[str, Any]:
    """Reject non-tables, unknown keys and wrongly typed values; lists of strings are normalised."""
    if not isinstance(table, dict):
        raise where.error(f"[{schema}] must be a table")
    out: dict[str, Any] = {}
    for key, value in table.items():
        kind = SCHEMA[schema].get(key)
        at = Where(where.path, loc.key(key, where.line), where.rule)
        if kind is None:
            known = ", ".join(sorted(SCHEMA[schema]))
            raise at.error(f"unknown key {key!r} in [{schema}] (known: {known})")
        out[key] = _typed(value, kind, key, at)
    return out


def _typed(value: Any, kind: str, key: str, where: Where) -> Any:
    if kind == STRS and isinstance(value, str):
        value = [value]
    ok = {
        STR: isinstance(value, str),
        STRS: isinstance(value, list) and all(isinstance(v, str) for v in value),
        INT: isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1_000_000,
        BOOL: isinstance(value, bool),
        TABLE: isinstance(value, dict),
    }[kind]
    if not ok:
        raise where.error(f"{key!r} must be a {kind}" + (" between 0 and 1000000" if kind == INT else ""))
    if kind == STRS and len(value) > MAX_PATTERNS_PER_RULE:
        raise where.error(f"{key!r} has more than {MAX_PATTERNS_PER_RULE} entries")
    return value


def parse_file(path: Path) -> SiteSpec:
    """Read and validate one rule file."""
    data, loc = read_toml(path)
    where = Where(str(path))
    for key in data:
        if key not in TOP and key not in ARRAYS:
            known = ", ".join(sorted([*TOP, *ARRAYS]))
            raise Where(str(path), loc.table(key) or loc.key(key, 1)).error(f"unknown table {key!r} (known: {known})")
    spec = _parse_site(data.get("site"), where, loc)
    _parse_rules(spec, data, loc)
    if "body" in data:
        spec.body = _parse_body(data["body"], Where(str(path), loc.table("body")), loc)
    if "metadata" in data:
        _parse_metadata(spec, data["metadata"], Where(str(path), loc.table("metadata")), loc)
    if "html" in data:
        at = loc.table("html")
        html = check_table(data["html"], "html", Where(str(path), at), loc)
        spec.lines.update({f"html.{k}": loc.key(k, at) for k in html})
        spec.html_body = html.get("body")
        spec.html_strip = html.get("strip", [])
        spec.html_strip_id_or_class = html.get("strip_id_or_class", [])
    spec.tests = [_parse_test(t, i, where, loc) for i, t in enumerate(_array(data, "test", where, loc, MAX_TESTS))]
    return spec


def _parse_site(table: Any, where: Where, loc: Locator) -> SiteSpec:
    if table is None:
        raise where.error("missing [site] table")
    at = Where(where.path, loc.table("site"))
    site = check_table(table, "site", at, loc)
    name = site.get("name")
    if not name or not _NAME.fullmatch(name):
        raise Where(where.path, loc.key("name", at.line)).error(
            "[site] name is required: letters, digits, '.', '_' or '-', at most 64 characters"
        )
    domains = [d.strip().lower().rstrip(".") for d in site.get("domains", [])]
    for d in domains:
        if not _DOMAIN.fullmatch(d):
            raise Where(where.path, loc.key("domains", at.line)).error(f"invalid domain {d!r}")
    fingerprints = site.get("fingerprints", [])
    patterns = site.get("fingerprint_patterns", [])
    if len(fingerprints) + len(patterns) > MAX_FINGERPRINTS:
        raise Where(where.path, loc.key("fingerprints", at.line)).error(f"more than {MAX_FINGERPRINTS} fingerprints")
    if any(not f.strip() or len(f) > MAX_PATTERN_CHARS for f in fingerprints):
        raise Where(where.path, loc.key("fingerprints", at.line)).error(
            f"fingerprints must be non-empty and at most {MAX_PATTERN_CHARS} characters"
        )
    spec = SiteSpec(
        path=where.path,
        name=name,
        domains=domains,
        fingerprints=fingerprints,
        fingerprint_patterns=patterns,
        min_fingerprints=max(1, site.get("min_fingerprints", 1)),
    )
    spec.lines["site.fingerprint_patterns"] = loc.key("fingerprint_patterns", at.line)
    return spec


def _array(data: dict[str, Any], kind: str, where: Where, loc: Locator, cap: int) -> list[Any]:
    items = data.get(kind, [])
    if not isinstance(items, list):
        raise Where(where.path, loc.table(kind) or loc.key(kind, 1)).error(
            f"{kind!r} must be an array of tables [[{kind}]]"
        )
    if len(items) > cap:
        raise Where(where.path, loc.table(kind)).error(f"more than {cap} [[{kind}]] entries")
    return items


def _rule_where(kind: str, index: int, table: Any, where: Where, loc: Locator) -> Where:
    rule_id = table.get("id") if isinstance(table, dict) else None
    return Where(where.path, loc.table(kind, index), rule_id if isinstance(rule_id, str) else f"{kind}#{index + 1}")


def _parse_rules(spec: SiteSpec, data: dict[str, Any], loc: Locator) -> None:
    where = Where(spec.path)
    seen: set[str] = set()
    for kind in ("drop", "keep", "section", "truncate"):
        for i, table in enumerate(_array(data, kind, where, loc, MAX_RULES_PER_KIND)):
            at = _rule_where(kind, i, table, where, loc)
            raw = check_table(table, kind, at, loc)
            rule_id = raw.get("id")
            if not rule_id or not _NAME.fullmatch(rule_id):
                raise at.error(f"[[{kind}]] needs an id: letters, digits, '.', '_' or '-'")
            if rule_id in seen:
                raise at.error(f"duplicate rule id {rule_id!r}")
            seen.add(rule_id)
            _add_rule(spec, kind, raw, at)


def _add_rule(spec: SiteSpec, kind: str, raw: dict[str, Any], at: Where) -> None:
    category = raw.get("category") or ("body" if kind == "keep" else "")
    if not category:
        raise at.error(f"[[{kind}]] needs a category (ticker, lottery, caption, ...)")
    if kind in ("drop", "keep"):
        rule = LineRule(id=raw["id"], category=category, line=at.line, min_words=raw.get("min_words", 0))
        rule.max_words = raw.get("max_words")
        rule.lines, rule.starts = raw.get("lines", []), raw.get("starts", [])
        rule.ends, rule.contains = raw.get("ends", []), raw.get("contains", [])
        if not (rule.lines or rule.starts or rule.ends or rule.contains):
            raise at.error("needs at least one of lines, starts, ends, contains")
        (spec.drops if kind == "drop" else spec.keeps).append(rule)
    elif kind == "section":
        spec.sections.append(_section(raw, category, at))
    else:
        if not raw.get("at"):
            raise at.error("[[truncate]] needs 'at' (the marker pattern)")
        spec.truncates.append(
            TruncateRule(raw["id"], category, raw["at"], raw.get("include_marker", True), line=at.line)
        )


def _section(raw: dict[str, Any], category: str, at: Where) -> SectionRule:
    if not raw.get("start"):
        raise at.error("[[section]] needs 'start' (the marker pattern)")
    until = raw.get("until")
    if until not in (None, "prose"):
        raise at.error("'until' can only be \"prose\"")
    ends = sum(1 for x in (raw.get("end"), until, raw.get("blocks")) if x)
    if ends != 1:
        raise at.error("[[section]] needs exactly one of 'end', 'until = \"prose\"' or 'blocks'")
    rule = SectionRule(id=raw["id"], category=category, start=raw["start"], end=raw.get("end", []), line=at.line)
    rule.until, rule.blocks = until, raw.get("blocks")
    rule.include_start = raw.get("include_start", True)
    rule.include_end = raw.get("include_end", True)
    rule.max_blocks = max(1, raw.get("max_blocks", 200))
    rule.prose_min_words = raw.get("prose_min_words", 12)
    return rule


def _parse_body(table: Any, where: Where, loc: Locator) -> BodyRule:
    where = Where(where.path, where.line, "body")
    raw = check_table(table, "body", where, loc)
    if not raw.get("start") and not raw.get("end"):
        raise where.error("[body] needs 'start' or 'end'")
    return BodyRule(
        id=raw.get("id", "body"),
        category=raw.get("category", "boilerplate"),
        start=raw.get("start", []),
        end=raw.get("end", []),
        include_start=raw.get("include_start", True),
        include_end=raw.get("include_end", False),
        keep_inside=raw.get("keep_inside", False),
        line=where.line,
    )


def _parse_metadata(spec: SiteSpec, table: Any, where: Where, loc: Locator) -> None:
    raw = check_table(table, "metadata", where, loc)
    spec.meta_site, spec.meta_domain = raw.get("site"), raw.get("domain")
    spec.meta_patterns = {k: raw[k] for k in META_FIELDS if k in raw}
    spec.lines.update({f"metadata.{k}": loc.key(k, where.line) for k in spec.meta_patterns})
    if "html" in raw:
        at = loc.table("metadata.html")
        html = check_table(raw["html"], "metadata.html", Where(where.path, at), loc)
        spec.lines.update({f"metadata.html.{k}": loc.key(k, at) for k in html})
        spec.meta_xpaths = {k: html[k] for k in META_FIELDS if k in html}


def _parse_test(table: Any, index: int, where: Where, loc: Locator) -> TestCase:
    at = Where(where.path, loc.table("test", index), f"test#{index + 1}")
    raw = check_table(table, "test", at, loc)
    if bool(raw.get("file")) == bool(raw.get("text")):
        raise at.error("[[test]] needs exactly one of 'file' or 'text'")
    meta = check_table(raw.get("metadata", {}), "test.metadata", at, loc)
    name = raw.get("name") or (Path(raw["file"]).name if raw.get("file") else f"test#{index + 1}")
    case = TestCase(name=name, file=raw.get("file"), text=raw.get("text"), url=raw.get("url"), line=at.line)
    case.site, case.expected = raw.get("site"), raw.get("expected")
    case.contains, case.not_contains, case.metadata = raw.get("contains", []), raw.get("not_contains", []), meta
    return case

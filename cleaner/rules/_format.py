"""The rule-file format: TOML parsing and schema validation (no compiling here).

Every problem becomes a :class:`RuleError` naming the file, the line and,
when there is one, the rule id, so ``cleaner rules check`` can point at it.
Checking goes on after a problem (a :class:`Problems` collects them), so one
run reports every problem of a file, up to ``MAX_ERRORS_PER_FILE``.
``rules/README.md`` documents the format for users.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ._categories import known_categories
from ._compile import (
    MAX_FILE_BYTES,
    MAX_FINGERPRINTS,
    MAX_PATTERN_CHARS,
    MAX_PATTERNS_PER_RULE,
    MAX_RULES_PER_KIND,
    MAX_TEST_FILE_BYTES,
    MAX_TESTS,
    Problems,
    RuleError,
    Where,
)

STR, STRS, INT, BOOL, TABLE = "string", "string or list of strings", "integer", "boolean", "table"
_MATCH_KEYS = {"id": STR, "category": STR, "lines": STRS, "starts": STRS, "ends": STRS, "contains": STRS}
SCHEMA: dict[str, dict[str, str]] = {
    "site": {
        "name": STR, "domains": STRS, "fingerprints": STRS, "fingerprint_patterns": STRS,
        "min_fingerprints": INT, "categories": STRS, "notes": STR,
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
_CATEGORY = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_TOML_POS = re.compile(r"\(at line (\d+), column \d+\)")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")


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
    categories: list[str] = field(default_factory=list)  # declared in [site] beyond the known ones
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
    """Best-effort line numbers for tables and keys (tomllib does not keep positions).

    Table headers are indexed once and a key is looked for only up to the next
    header, so locating every rule of a file with thousands of lines stays linear.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {}
        self.header_lines: list[int] = []
        for no, line in enumerate(self.lines, 1):
            m = _HEADER.match(line)
            if m:
                self.headers.setdefault(m.group(1), []).append(no)
                self.header_lines.append(no)

    def table(self, name: str, index: int = 0) -> int | None:
        found = self.headers.get(name, [])
        return found[index] if index < len(found) else None

    def table_or_child(self, name: str) -> int | None:
        """The first header of ``name`` or of a table under it (``[a.b.c]`` for ``a``)."""
        lines = [no for header, nos in self.headers.items() if header.split(".")[0].strip() == name for no in nos]
        return min(lines, default=None)

    def key(self, key: str, after: int | None) -> int | None:
        pat = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        start = after or 1
        stop = next((h for h in self.header_lines if h > start), len(self.lines) + 1)
        for no in range(start, stop):
            if pat.match(self.lines[no - 1]):
                return no
        return after


def read_limited(path: Path, limit: int, where: Where) -> bytes:
    """A regular file's bytes, refused before reading when larger than ``limit``.

    The size is checked with stat first and the read stops at ``limit + 1`` bytes,
    so a huge (or growing) file costs nothing; FIFOs and devices are refused
    because reading them could block or never end.
    """
    try:
        # stat before open: opening a FIFO for reading would block until a writer comes
        if not stat.S_ISREG(path.stat().st_mode):
            raise where.error("not a regular file")
        with path.open("rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise where.error("not a regular file")
            if info.st_size > limit:
                raise where.error(f"file larger than {limit} bytes ({info.st_size} bytes)")
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise where.error(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise where.error(f"file larger than {limit} bytes")
    return raw


def read_toml(path: Path) -> tuple[dict[str, Any], Locator]:
    where = Where(str(path))
    raw = read_limited(path, MAX_FILE_BYTES, where)
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise RuleError("not UTF-8 text", path=str(path), line=bad_line) from None
    except RecursionError:  # tomllib recurses on nested arrays and inline tables
        raise where.error("values nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.search(str(exc))
        line = int(m.group(1)) if m else (text.count("\n") + 1 if "end of document" in str(exc) else None)
        raise RuleError(
            f"TOML syntax error: {_TOML_POS.sub('', str(exc)).strip()}", path=str(path), line=line
        ) from None
    return data, Locator(text)


def unknown(what: str, name: str, known: Iterable[str]) -> str:
    """'unknown key 'x' (did you mean 'y'?; known: ...)': a typo should be one glance from its fix."""
    choices = sorted(known)
    close = difflib.get_close_matches(name, choices, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown {what} {name!r} ({hint}known: {', '.join(choices)})"


def check_table(table: Any, schema: str, where: Where, loc: Locator, problems: Problems) -> dict[str, Any]:
    """The table's valid keys; non-tables, unknown keys and wrongly typed values are recorded and left out."""
    if not isinstance(table, dict):
        problems.add(where.error(f"[{schema}] must be a table"))
        return {}
    out: dict[str, Any] = {}
    for key, value in table.items():
        kind = SCHEMA[schema].get(key)
        at = Where(where.path, loc.key(key, where.line), where.rule)
        with problems.collect():
            if kind is None:
                raise at.error(unknown("key", key, SCHEMA[schema]) + f" in [{schema}]")
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
    """Read and validate one rule file; :class:`RuleErrors` lists every problem found."""
    problems = Problems(str(path))
    return problems.run(lambda: parse_spec(path, problems))


def parse_spec(path: Path, problems: Problems) -> SiteSpec:
    """Validate one rule file, recording problems; what is wrong is left out of the spec."""
    try:
        data, loc = read_toml(path)
    except RuleError as exc:
        problems.add(exc)  # nothing else can be checked in a file that does not parse
        return SiteSpec(path=str(path), name="")
    where = Where(str(path))
    for key in data:
        if key not in TOP and key not in ARRAYS:
            at = Where(str(path), loc.table_or_child(key) or loc.key(key, 1))
            problems.add(at.error(unknown("table", key, [*TOP, *ARRAYS])))
    spec = _parse_site(data.get("site"), where, loc, problems)
    _parse_rules(spec, data, loc, problems)
    if "body" in data:
        spec.body = _parse_body(spec, data["body"], Where(str(path), loc.table("body")), loc, problems)
    if "metadata" in data:
        _parse_metadata(spec, data["metadata"], Where(str(path), loc.table("metadata")), loc, problems)
    if "html" in data:
        _parse_html(spec, data["html"], Where(str(path), loc.table("html")), loc, problems)
    tests = _array(data, "test", where, loc, MAX_TESTS, problems)
    spec.tests = [_parse_test(t, i, where, loc, problems) for i, t in enumerate(tests)]
    return spec


def _parse_site(table: Any, where: Where, loc: Locator, problems: Problems) -> SiteSpec:
    if table is None:
        problems.add(where.error("missing [site] table"))
        return SiteSpec(path=where.path, name="")
    at = Where(where.path, loc.table("site"))
    site = check_table(table, "site", at, loc, problems)
    if not isinstance(table, dict):
        return SiteSpec(path=where.path, name="")  # reported by check_table
    name = site.get("name")
    if not name or not _NAME.fullmatch(name):
        problems.add(
            Where(where.path, loc.key("name", at.line)).error(
                "[site] name is required: letters, digits, '.', '_' or '-', at most 64 characters"
            )
        )
    spec = SiteSpec(path=where.path, name=name or "", min_fingerprints=max(1, site.get("min_fingerprints", 1)))
    spec.domains = _domains(site.get("domains", []), Where(where.path, loc.key("domains", at.line)), problems)
    _fingerprints(spec, site, Where(where.path, loc.key("fingerprints", at.line)), problems)
    spec.categories = site.get("categories", [])
    for category in spec.categories:
        if not _CATEGORY.fullmatch(category):
            problems.add(
                Where(where.path, loc.key("categories", at.line)).error(
                    f"invalid category name {category!r}: lower-case letters, digits, '_' or '-', at most 32"
                )
            )
    spec.lines["site.fingerprint_patterns"] = loc.key("fingerprint_patterns", at.line)
    return spec


def _domains(raw: list[str], at: Where, problems: Problems) -> list[str]:
    domains = [d.strip().lower().rstrip(".") for d in raw]
    for d in domains:
        if not _DOMAIN.fullmatch(d):
            problems.add(at.error(f"invalid domain {d!r}"))
    return [d for d in domains if _DOMAIN.fullmatch(d)]


def _fingerprints(spec: SiteSpec, site: dict[str, Any], at: Where, problems: Problems) -> None:
    fingerprints = site.get("fingerprints", [])
    patterns = site.get("fingerprint_patterns", [])
    if len(fingerprints) + len(patterns) > MAX_FINGERPRINTS:
        problems.add(at.error(f"more than {MAX_FINGERPRINTS} fingerprints"))
        return
    if any(not f.strip() or len(f) > MAX_PATTERN_CHARS for f in fingerprints):
        problems.add(at.error(f"fingerprints must be non-empty and at most {MAX_PATTERN_CHARS} characters"))
        return
    spec.fingerprints, spec.fingerprint_patterns = fingerprints, patterns


def _array(data: dict[str, Any], kind: str, where: Where, loc: Locator, cap: int, problems: Problems) -> list[Any]:
    items = data.get(kind, [])
    if not isinstance(items, list):
        at = Where(where.path, loc.table(kind) or loc.key(kind, 1))
        problems.add(at.error(f"{kind!r} must be an array of tables [[{kind}]]"))
        return []
    if len(items) > cap:
        problems.add(Where(where.path, loc.table(kind)).error(f"more than {cap} [[{kind}]] entries"))
        return items[:cap]  # the first ones are still checked: bounded, and their problems are real
    return items


def _rule_where(kind: str, index: int, table: Any, where: Where, loc: Locator) -> Where:
    rule_id = table.get("id") if isinstance(table, dict) else None
    return Where(where.path, loc.table(kind, index), rule_id if isinstance(rule_id, str) else f"{kind}#{index + 1}")


def _parse_rules(spec: SiteSpec, data: dict[str, Any], loc: Locator, problems: Problems) -> None:
    where = Where(spec.path)
    seen: set[str] = set()
    for kind in ("drop", "keep", "section", "truncate"):
        for i, table in enumerate(_array(data, kind, where, loc, MAX_RULES_PER_KIND, problems)):
            at = _rule_where(kind, i, table, where, loc)
            raw = check_table(table, kind, at, loc, problems)
            if not isinstance(table, dict):
                continue  # reported by check_table; there is nothing more to check
            rule_id = raw.get("id")
            if not rule_id or not _NAME.fullmatch(rule_id):
                problems.add(at.error(f"[[{kind}]] needs an id: letters, digits, '.', '_' or '-'"))
                raw["id"] = (
                    at.rule or f"{kind}#{i + 1}"
                )  # go on checking the rest of the rule under its placeholder name
            elif rule_id in seen:
                problems.add(at.error(f"duplicate rule id {rule_id!r}"))
            seen.add(raw["id"])
            category = _category(spec, raw, kind, at, problems)
            with problems.collect():
                _add_rule(spec, kind, raw, category, at)


def _category(spec: SiteSpec, raw: dict[str, Any], kind: str, at: Where, problems: Problems) -> str:
    category: str = raw.get("category") or ("body" if kind == "keep" else "")
    if not category:
        problems.add(at.error(f"[[{kind}]] needs a category (ticker, lottery, caption, ...)"))
    elif category not in known_categories() and category not in spec.categories:
        message = unknown("category", category, known_categories() | set(spec.categories))
        problems.add(at.error(message + "; a new one must be declared in [site] categories"))
    return category


def _add_rule(spec: SiteSpec, kind: str, raw: dict[str, Any], category: str, at: Where) -> None:
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


def _parse_body(spec: SiteSpec, table: Any, where: Where, loc: Locator, problems: Problems) -> BodyRule | None:
    where = Where(where.path, where.line, "body")
    raw = check_table(table, "body", where, loc, problems)
    category = _category(spec, {"category": "boilerplate", **raw}, "body", where, problems)
    if not raw.get("start") and not raw.get("end"):
        problems.add(where.error("[body] needs 'start' or 'end'"))
        return None
    return BodyRule(
        id=raw.get("id", "body"),
        category=category,
        start=raw.get("start", []),
        end=raw.get("end", []),
        include_start=raw.get("include_start", True),
        include_end=raw.get("include_end", False),
        keep_inside=raw.get("keep_inside", False),
        line=where.line,
    )


def _parse_metadata(spec: SiteSpec, table: Any, where: Where, loc: Locator, problems: Problems) -> None:
    raw = check_table(table, "metadata", where, loc, problems)
    spec.meta_site, spec.meta_domain = raw.get("site"), raw.get("domain")
    spec.meta_patterns = {k: raw[k] for k in META_FIELDS if k in raw}
    spec.lines.update({f"metadata.{k}": loc.key(k, where.line) for k in spec.meta_patterns})
    if "html" in raw:
        at = loc.table("metadata.html")
        html = check_table(raw["html"], "metadata.html", Where(where.path, at), loc, problems)
        spec.lines.update({f"metadata.html.{k}": loc.key(k, at) for k in html})
        spec.meta_xpaths = {k: html[k] for k in META_FIELDS if k in html}


def _parse_html(spec: SiteSpec, table: Any, where: Where, loc: Locator, problems: Problems) -> None:
    html = check_table(table, "html", where, loc, problems)
    spec.lines.update({f"html.{k}": loc.key(k, where.line) for k in html})
    spec.html_body = html.get("body")
    spec.html_strip = html.get("strip", [])
    spec.html_strip_id_or_class = html.get("strip_id_or_class", [])


def _parse_test(table: Any, index: int, where: Where, loc: Locator, problems: Problems) -> TestCase:
    at = Where(where.path, loc.table("test", index), f"test#{index + 1}")
    raw = check_table(table, "test", at, loc, problems)
    if bool(raw.get("file")) == bool(raw.get("text")):
        problems.add(at.error("[[test]] needs exactly one of 'file' or 'text'"))
    meta = check_table(raw.get("metadata", {}), "test.metadata", at, loc, problems)
    name = raw.get("name") or (Path(raw["file"]).name if raw.get("file") else f"test#{index + 1}")
    case = TestCase(name=name, file=raw.get("file"), text=raw.get("text"), url=raw.get("url"), line=at.line)
    case.site, case.expected = raw.get("site"), raw.get("expected")
    case.contains, case.not_contains, case.metadata = raw.get("contains", []), raw.get("not_contains", []), meta
    for key in ("file", "expected"):
        if raw.get(key):
            with problems.collect():
                check_test_file(Path(where.path), raw[key], Where(at.path, loc.key(key, at.line), at.rule), key)
    return case


def bundled_dir() -> Path:
    # top-level rules/ in a checkout, installed as the package cleaner._bundled_rules
    return Path(str(resources.files("cleaner._bundled_rules")))


def fixture_root(rule_file: Path) -> Path:
    """The folder a rule file's test fixtures must stay in: its own folder.

    The bundled rules are the one exception: they ship with cleaner and their
    fixtures are the repository's seed pages (``../fixtures/seeds``), so their
    root is the folder above (absent from a wheel: those tests are skipped).
    """
    folder = rule_file.parent.resolve()
    return folder.parent if folder in _bundled_folders() else folder


def _bundled_folders() -> set[Path]:
    """The installed bundled rules, and the ``rules/`` folder of the checkout this code runs from."""
    folders = {bundled_dir().resolve()}
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file():
        folders.add(checkout / "rules")
    return folders


def check_test_file(rule_file: Path, name: str, where: Where, key: str = "file") -> Path:
    """The fixture ``name`` inside the rule file's folder, or a RuleError.

    Rule files come from strangers and ``rules test`` reads what they name, so a
    fixture must stay in the folder: a relative path without '..', whose real
    path (symlinks followed) is inside the folder's real path, and not too large.
    A fixture that does not exist is not an error here: ``rules test`` skips it.
    """
    pure = Path(name)
    if pure.is_absolute() or pure.anchor or name.startswith(("/", "\\")):
        raise where.error(f"[[test]] {key} {name!r} must be a path relative to the rule file's folder")
    has_dotdot = ".." in pure.parts or ".." in name.replace("\\", "/").split("/")
    try:
        folder = fixture_root(rule_file)
        target = (rule_file.parent.resolve() / pure).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (before Python 3.13)
        raise where.error(f"[[test]] {key} {name!r} cannot be resolved: {exc}") from None
    if has_dotdot and folder == rule_file.parent.resolve():
        raise where.error(f"[[test]] {key} {name!r} must not leave the rule file's folder ('..')")
    if not target.is_relative_to(folder):
        raise where.error(f"[[test]] {key} {name!r} leads outside the folder {folder} (through '..' or a symlink)")
    if target.is_file() and target.stat().st_size > MAX_TEST_FILE_BYTES:
        raise where.error(f"[[test]] {key} {name!r} is larger than {MAX_TEST_FILE_BYTES} bytes")
    return target

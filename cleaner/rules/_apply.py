"""Compiled site rules and how they decide blocks and fill metadata.

Order inside one site, each stage touching only blocks still undecided:
force-keep, drop, sections, truncate, body region. Specific widgets are
therefore named by their own category even when a truncate or body rule
would also have covered them. Global rules run before the site's own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from lxml import etree

from .._dates import find_date
from .._model import Block, Metadata
from ._compile import (
    MAX_METADATA_MATCH_CHARS,
    MAX_METADATA_PROGRAM_SIZE,
    MAX_METADATA_SCAN_CHARS,
    MAX_RULE_BLOCK_CHARS,
    MAX_TEXT_PROGRAM_SIZE,
    Problems,
    Regex,
    Where,
    check_budget,
    combine,
    compile_joined,
    compile_regex,
    compile_xpath,
    id_or_class_xpath,
    validate_parts,
)
from ._format import META_FIELDS, BodyRule, LineRule, SectionRule, SiteSpec, TruncateRule

# A prose block for `until = "prose"` sections: long enough and ends a sentence.
_SENTENCE_END = re.compile(r"[.!?。！？…][\"'”’»]?$")


@dataclass(slots=True)
class _Line:
    spec: LineRule
    rx: Regex


@dataclass(slots=True)
class _Section:
    spec: SectionRule
    start: Regex
    end: Regex | None


@dataclass(slots=True)
class _MetaPattern:
    """A metadata pattern twice: ``find`` (no groups, fast) locates a match, ``capture`` fills groups over it alone."""

    find: Regex
    capture: Regex


def _meta_pattern(pattern: str, where: Where) -> _MetaPattern:
    return _MetaPattern(compile_regex(pattern, where), compile_regex(pattern, where, capture=True))


@dataclass(slots=True)
class _Marker:
    spec: TruncateRule | BodyRule
    start: Regex | None
    end: Regex | None = None


def _at(spec: SiteSpec, key: str) -> Where:
    """Where a top-level value sits: the key names the rule in error messages."""
    return Where(spec.path, spec.lines.get(key), key)


def _any_of(patterns: list[str], where: Where) -> Regex | None:
    if not patterns:
        return None
    validate_parts(patterns, where)
    return compile_joined("|".join(f"(?:{p})" for p in patterns), where)


def _line_rule(rule: LineRule, path: str) -> _Line:
    where = Where(path, rule.line, rule.id)
    validate_parts([*rule.lines, *rule.starts, *rule.ends, *rule.contains], where)
    return _Line(rule, compile_joined(combine(rule.lines, rule.starts, rule.ends, rule.contains) or "", where))


def _section(rule: SectionRule, path: str) -> _Section:
    where = Where(path, rule.line, rule.id)
    start = _any_of(rule.start, where)
    return _Section(rule, start, _any_of(rule.end, where))


class SiteRules:
    """The compiled rules of one site (or of the global rule file).

    Attributes used by HTML mode: ``html_body`` (XPath or None),
    ``html_strip`` (XPaths), ``html_strip_id_or_class`` (XPath or None),
    ``html_metadata`` (field -> XPaths); see :meth:`prune_tree`.
    """

    def __init__(self, spec: SiteSpec, problems: Problems | None = None) -> None:
        """Compile ``spec``; every bad pattern is reported, in ``problems`` when given, else raised together."""
        self.spec = spec
        self.name = spec.name
        self.path = Path(spec.path)
        self.file_name = self.path.name
        self.domains = spec.domains
        self.before: tuple[SiteRules, ...] = ()  # global rules applied first
        if problems is None:
            own = Problems(spec.path)
            own.run(lambda: self._compile(spec, own))
        else:
            self._compile(spec, problems)

    def _compile(self, spec: SiteSpec, problems: Problems) -> None:
        path = spec.path
        with problems.collect():
            validate_parts(spec.fingerprint_patterns, _at(spec, "site.fingerprint_patterns"))
        self._keeps = problems.each(spec.keeps, lambda r: _line_rule(r, path))
        self._drops = problems.each(spec.drops, lambda r: _line_rule(r, path))
        self._sections = problems.each(spec.sections, lambda r: _section(r, path))
        self._truncates = problems.each(spec.truncates, lambda r: _Marker(r, _any_of(r.at, Where(path, r.line, r.id))))
        self._body: _Marker | None = None
        with problems.collect():
            self._body = self._compile_body(spec.body)
        self._meta = self._compile_meta(spec, problems)
        with problems.collect():
            self._check_budgets()
        self._compile_html(spec, problems)

    def _check_budgets(self) -> None:
        where = Where(self.spec.path)
        text = [r.rx for r in (*self._keeps, *self._drops)]
        text += [rx for s in self._sections for rx in (s.start, s.end) if rx is not None]
        markers = [*self._truncates, *([self._body] if self._body else [])]
        text += [rx for m in markers for rx in (m.start, m.end) if rx is not None]
        check_budget([rx.programsize for rx in text], MAX_TEXT_PROGRAM_SIZE, "text rules", where)
        meta = [p.find.programsize for patterns in self._meta.values() for p in patterns]
        check_budget(meta, MAX_METADATA_PROGRAM_SIZE, "metadata patterns", where)

    def _compile_body(self, body: BodyRule | None) -> _Marker | None:
        if body is None:
            return None
        where = Where(self.spec.path, body.line, body.id)
        return _Marker(body, _any_of(body.start, where), _any_of(body.end, where))

    @staticmethod
    def _compile_meta(spec: SiteSpec, problems: Problems) -> dict[str, list[_MetaPattern]]:
        out: dict[str, list[_MetaPattern]] = {}
        for name, patterns in spec.meta_patterns.items():
            where = _at(spec, f"metadata.{name}")
            out[name] = problems.each(patterns, partial(_meta_pattern, where=where))
        return out

    def _compile_html(self, spec: SiteSpec, problems: Problems) -> None:
        self.html_body: etree.XPath | None = None
        if spec.html_body:
            with problems.collect():
                self.html_body = compile_xpath(spec.html_body, _at(spec, "html.body"))
        where = _at(spec, "html.strip")
        self.html_strip: list[etree.XPath] = problems.each(spec.html_strip, partial(compile_xpath, where=where))
        self.html_strip_id_or_class: etree.XPath | None = None
        with problems.collect():
            self.html_strip_id_or_class = id_or_class_xpath(
                spec.html_strip_id_or_class, _at(spec, "html.strip_id_or_class")
            )
        self.html_metadata: dict[str, list[etree.XPath]] = {}
        for name, xpaths in spec.meta_xpaths.items():
            at = _at(spec, f"metadata.html.{name}")
            self.html_metadata[name] = problems.each(xpaths, partial(compile_xpath, where=at))

    def __repr__(self) -> str:
        return f"SiteRules({self.name!r}, {self.file_name!r})"

    def reason(self, rule_id: str) -> str:
        return f"site:{self.name}:{rule_id}"

    # --- text ---

    def apply_text(self, blocks: list[Block]) -> None:
        """Decide the blocks this site's text rules cover (global rules first)."""
        for rules in (*self.before, self):
            rules.apply_own_text(blocks)

    def apply_own_text(self, blocks: list[Block]) -> None:
        for keep in self._keeps:
            self._match_lines(keep, blocks, keep_it=True)
        for drop in self._drops:
            self._match_lines(drop, blocks, keep_it=False)
        for section in self._sections:
            self._apply_section(section, blocks)
        for trunc in self._truncates:
            self._apply_truncate(trunc, blocks)
        if self._body is not None:
            self._apply_body(self._body, blocks)

    def _match_lines(self, rule: _Line, blocks: list[Block], *, keep_it: bool) -> None:
        spec = rule.spec
        for b in blocks:
            if b.decision is not None or b.words < spec.min_words:
                continue
            if spec.max_words is not None and b.words > spec.max_words:
                continue
            if _matches(rule.rx, b.text):
                (b.keep if keep_it else b.drop)(spec.category, self.reason(spec.id))

    def _apply_section(self, rule: _Section, blocks: list[Block]) -> None:
        # one pass per pattern, then a bisect per start: linear even when a
        # hostile start marker matches every block and the end never comes
        starts = [i for i, b in enumerate(blocks) if _matches(rule.start, b.text)]
        if not starts:
            return
        stops = _stop_positions(rule, blocks)
        done = 0
        for i in starts:
            if i < done:
                continue  # inside the previous section
            stop = _section_end(rule.spec, stops, i, len(blocks))
            if stop is None:
                continue
            first = i if rule.spec.include_start else i + 1
            self._drop_range(blocks, first, stop, rule.spec.category, rule.spec.id)
            done = max(stop, i + 1)

    def _apply_truncate(self, rule: _Marker, blocks: list[Block]) -> None:
        at = _first(rule.start, blocks, 0)
        if at is None:
            return
        spec = rule.spec
        first = at if isinstance(spec, TruncateRule) and spec.include_marker else at + 1
        self._drop_range(blocks, first, len(blocks), spec.category, spec.id)

    def _apply_body(self, rule: _Marker, blocks: list[Block]) -> None:
        spec = rule.spec
        assert isinstance(spec, BodyRule)
        start = 0
        if rule.start is not None:
            found = _first(rule.start, blocks, 0)
            if found is None:
                return  # no start marker: this layout is not the one the rule knows
            start = found if spec.include_start else found + 1
        end = len(blocks)
        found_end = _first(rule.end, blocks, start) if rule.end is not None else None
        if found_end is not None:
            end = found_end + 1 if spec.include_end else found_end
        self._drop_range(blocks, 0, start, spec.category, spec.id)
        self._drop_range(blocks, end, len(blocks), spec.category, spec.id)
        both_found = rule.end is None or found_end is not None
        if spec.keep_inside and both_found:
            for b in blocks[start:end]:
                if b.decision is None:
                    b.keep("body", self.reason(spec.id))

    def _drop_range(self, blocks: list[Block], first: int, stop: int, category: str, rule_id: str) -> None:
        for b in blocks[first:stop]:
            if b.decision is None:
                b.drop(category, self.reason(rule_id))

    # --- metadata ---

    def apply_metadata(self, blocks: list[Block], meta: Metadata, root: Any = None) -> None:
        """Fill or correct metadata from text patterns (and XPaths when ``root`` is an lxml tree)."""
        for rules in (*self.before, self):
            rules.apply_own_metadata(blocks, meta, root)
        meta.site_rule = self.file_name

    def apply_own_metadata(self, blocks: list[Block], meta: Metadata, root: Any = None) -> None:
        found = self.text_metadata(blocks)
        if root is not None:
            found = {**found, **{k: v for k, v in self.html_meta(root).items() if k not in found}}
        for name, value in found.items():
            setattr(meta, name, value)
        if "title" in found:
            for b in blocks:
                if b.text == found["title"] and not b.kept:
                    b.category, b.reason = "title", self.reason("metadata-title")
        if self.spec.meta_site:
            meta.site = self.spec.meta_site
        if self.spec.meta_domain and not meta.domain:
            meta.domain = self.spec.meta_domain

    def text_metadata(self, blocks: list[Block]) -> dict[str, str]:
        """Field -> value from the first matching pattern (first capture group, or the whole match)."""
        if not self._meta:
            return {}
        joined = _page_start(blocks, MAX_METADATA_SCAN_CHARS)
        out: dict[str, str] = {}
        for name in META_FIELDS:
            for rx in self._meta.get(name, ()):
                value = _clean_value(name, _captured(rx, joined))
                if value:
                    out[name] = value
                    break
        return out

    def html_meta(self, root: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, xpaths in self.html_metadata.items():
            for xp in xpaths:
                value = _clean_value(name, _xpath_text(xp, root))
                if value:
                    out[name] = value
                    break
        return out

    # --- HTML ---

    def prune_tree(self, root: Any) -> Any:
        """Keep only the article element (``body`` XPath) and remove ``strip`` matches, in place.

        The tree is changed in place (the article replaces the content of
        ``<body>``; ``<head>`` stays for metadata) and ``root`` is returned.
        """
        for rules in (*self.before, self):
            rules.prune_own(root)
        return root

    def prune_own(self, root: Any) -> None:
        scope = root
        if self.html_body is not None:
            found = [e for e in _as_list(self.html_body(root)) if isinstance(e, etree._Element)]
            if found and found[0] is not root:
                scope = _make_only_content(root, found[0])
        doomed: list[Any] = []
        for xp in [*self.html_strip, *([self.html_strip_id_or_class] if self.html_strip_id_or_class else [])]:
            doomed.extend(e for e in _as_list(xp(scope)) if isinstance(e, etree._Element) and e is not scope)
        for el in doomed:
            _remove_keep_tail(el)


def _stop_positions(rule: _Section, blocks: list[Block]) -> list[int]:
    """Indices of the blocks that can end this section (end markers or prose)."""
    spec = rule.spec
    if spec.blocks is not None:
        return []
    if spec.until == "prose":
        return [k for k, b in enumerate(blocks) if b.words >= spec.prose_min_words and _SENTENCE_END.search(b.text)]
    assert rule.end is not None
    return [k for k, b in enumerate(blocks) if _matches(rule.end, b.text)]


def _section_end(spec: SectionRule, stops: list[int], start: int, total: int) -> int | None:
    """Exclusive end index of a section starting at ``start``, or None when its end is not found."""
    limit = min(total, start + spec.max_blocks)
    if spec.blocks is not None:
        return min(start + spec.blocks, total)
    at = bisect_right(stops, start)
    k = stops[at] if at < len(stops) else None
    if k is None or k >= limit:
        # "until prose" with no prose left: the widgets run to max_blocks or the page's end
        return limit if spec.until == "prose" else None
    if spec.until == "prose":
        return k
    return k + 1 if spec.include_end else k


def _first(rx: Regex | None, blocks: list[Block], start: int) -> int | None:
    if rx is None:
        return None
    for k in range(start, len(blocks)):
        if _matches(rx, blocks[k].text):
            return k
    return None


def _matches(rx: Regex, text: str) -> bool:
    """Whether a text rule matches a block; blocks above MAX_RULE_BLOCK_CHARS are never widgets and are skipped."""
    return len(text) <= MAX_RULE_BLOCK_CHARS and rx.search(text) is not None


def _captured(pattern: _MetaPattern, text: str) -> str | None:
    """The first group (or the whole match) of a metadata pattern; a match too long for a value is ignored."""
    found = pattern.find.search(text)
    if found is None or found.end() - found.start() > MAX_METADATA_MATCH_CHARS:
        return None
    # same text as context, so ^, $ and \b mean what they meant for `find`
    m = pattern.capture.fullmatch(text, found.start(), found.end())
    if m is None:
        return None
    value = m.group(1) if pattern.capture.groups >= 1 else m.group(0)
    return str(value) if value is not None else None


def _page_start(blocks: list[Block], limit: int) -> str:
    """The blocks joined by newlines, cut at ``limit`` characters (without joining the rest first)."""
    parts: list[str] = []
    size = 0
    for b in blocks:
        if size >= limit:
            break
        parts.append(b.text)
        size += len(b.text) + 1
    return "\n".join(parts)[:limit]


def _clean_value(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if name == "date":
        return find_date(value)
    return value or None


def _as_list(result: Any) -> list[Any]:
    return result if isinstance(result, list) else [result]


def _xpath_text(xp: etree.XPath, root: Any) -> str | None:
    for item in _as_list(xp(root)):
        # itertext() is typed as str | bytes; with str input lxml yields str
        text = "".join(str(t) for t in item.itertext()) if isinstance(item, etree._Element) else str(item)
        if text.strip():
            return text
    return None


def _make_only_content(root: Any, article: Any) -> Any:
    """Empty ``<body>`` (or the root) and put ``article`` in it alone."""
    holder = root.find("body") if root.tag == "html" else None
    holder = root if holder is None else holder
    parent = article.getparent()
    if parent is not None:
        parent.remove(article)  # also drops its tail, which belongs to the parent
    article.tail = None
    for child in list(holder):
        holder.remove(child)
    holder.text = None
    holder.append(article)
    return article


def _remove_keep_tail(el: Any) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)

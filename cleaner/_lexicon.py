"""Category lexicons and stopword lists, loaded once from package data."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

_KNOWN_KEYS = {
    "lines",
    "starts",
    "ends",
    "contains",
    "max_words",
    "contains_max_words",
    "phrases",
    "min_phrases",
    "anchors",
}


@dataclass(slots=True)
class CategoryPatterns:
    """Compiled patterns of one drop category."""

    name: str
    max_words: int = 12
    line: re.Pattern[str] | None = None
    start: re.Pattern[str] | None = None
    end: re.Pattern[str] | None = None
    contains: re.Pattern[str] | None = None
    contains_max_words: int = 30
    phrases: tuple[str, ...] = ()
    min_phrases: int = 2
    # phrases of which one must be among the hits (the call to action, not the topic)
    anchors: frozenset[str] = frozenset()

    def match_short(self, norm: str) -> str | None:
        """Name of the pattern kind that matches ``norm``, or None."""
        if self.line is not None and self.line.fullmatch(norm):
            return "line"
        if self.start is not None and self.start.match(norm):
            return "start"
        if self.end is not None and self.end.search(norm):
            return "end"
        if self.contains is not None and self.contains.search(norm):
            return "contains"
        return None

    def phrase_hits(self, lower: str) -> int:
        return sum(1 for p in self.phrases if p in lower)


@dataclass(slots=True)
class Lexicon:
    categories: list[CategoryPatterns] = field(default_factory=list)
    stopwords: dict[str, frozenset[str]] = field(default_factory=dict)
    stop_index: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word -> languages

    def category(self, name: str) -> CategoryPatterns | None:
        for c in self.categories:
            if c.name == name:
                return c
        return None


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _compile(name: str, spec: dict[str, object]) -> CategoryPatterns:
    unknown = set(spec) - _KNOWN_KEYS
    if unknown:
        raise ValueError(f"lexicon category {name!r}: unknown keys {sorted(unknown)}")
    flags = re.IGNORECASE
    cat = CategoryPatterns(name=name)
    cat.max_words = int(spec.get("max_words", 12))  # type: ignore[call-overload]
    cat.min_phrases = int(spec.get("min_phrases", 2))  # type: ignore[call-overload]
    lines = list(spec.get("lines", []))  # type: ignore[call-overload]
    starts = list(spec.get("starts", []))  # type: ignore[call-overload]
    ends = list(spec.get("ends", []))  # type: ignore[call-overload]
    contains = list(spec.get("contains", []))  # type: ignore[call-overload]
    cat.contains_max_words = int(spec.get("contains_max_words", cat.max_words))  # type: ignore[call-overload]
    if contains:
        cat.contains = re.compile(_alternation(contains), flags)
    if lines:
        cat.line = re.compile(_alternation(lines), flags)
    if starts:
        cat.start = re.compile(_alternation(starts), flags)
    if ends:
        cat.end = re.compile(f"(?:{_alternation(ends)})$", flags)
    cat.anchors = frozenset(str(p).lower() for p in spec.get("anchors", []))  # type: ignore[attr-defined]
    phrases = [str(p).lower() for p in spec.get("phrases", [])]  # type: ignore[attr-defined]
    cat.phrases = tuple(dict.fromkeys([*phrases, *sorted(cat.anchors)]))
    return cat


def _data_files(folder: str, suffix: str) -> list[tuple[str, str]]:
    root = resources.files("cleaner").joinpath("data", folder)
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(suffix):
            out.append((entry.name[: -len(suffix)], entry.read_text(encoding="utf-8")))
    return out


# The lexicon whose table order is the categories' priority (the first category that
# matches a block names it); the other languages' tables merge into its tables.
REFERENCE_LEXICON = "en"


def _lexicon_files() -> list[tuple[str, str]]:
    """The bundled lexicons, the reference one first (its table order is kept)."""
    files = _data_files("lexicons", ".toml")
    return sorted(files, key=lambda f: f[0] != REFERENCE_LEXICON)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """All bundled lexicons merged per category, plus every stopword list.

    A language's table adds its patterns to the category's; a number (``max_words``,
    ``min_phrases``) keeps the largest value given, so other languages' files leave
    them out and inherit the reference lexicon's limits.
    """
    merged: dict[str, dict[str, object]] = {}
    for _lang, text in _lexicon_files():
        for name, spec in tomllib.loads(text).items():
            into = merged.setdefault(name, {})
            for key, value in spec.items():
                if isinstance(value, list):
                    into.setdefault(key, [])
                    into[key] = list(into[key]) + value  # type: ignore[call-overload]
                else:
                    into[key] = max(int(into.get(key, 0)), int(value))  # type: ignore[call-overload]
    lex = Lexicon(categories=[_compile(name, spec) for name, spec in merged.items()])
    for lang, text in _data_files("stopwords", ".txt"):
        lex.stopwords[lang] = frozenset(w.strip().lower() for w in text.splitlines() if w.strip())
    for lang, words in lex.stopwords.items():
        for w in words:
            lex.stop_index[w] = (*lex.stop_index.get(w, ()), lang)
    return lex

"""A whole-page scan that says which lines may match which chrome pattern.

Matching every line against every lexicon pattern costs a few microseconds
of call overhead per line, which dominates the text engine on menu-heavy
dumps. Hyperscan (an optional dependency: ``pip install cleaner-web[fast]``)
matches all patterns over the whole page in one pass instead. It is used as
a *prefilter* only: the patterns it scans are loosened into supersets of
the lexicon's (word boundaries dropped, counted repeats unbounded, line
anchors per line), so every line a pattern can match is reported, and the
exact RE2 pattern then confirms each report. Decisions are the same with
or without it; only the time differs.

Compiling the database takes seconds, so it is cached on disk, keyed by the
patterns and the library version.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from bisect import bisect_right
from collections.abc import Set as AbstractSet
from itertools import accumulate
from pathlib import Path
from typing import Any

LOGGER = logging.getLogger(__name__)

# What a "line" pattern ignores at the end of a block: whitespace (every
# character str.isspace accepts; none lies above U+3000) and trailing punctuation.
TRAILING_CHARS = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + ".,;:…·•|»>›-"
TRAILING_CLASS = "[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in TRAILING_CHARS) + "]"
_WORD_BOUNDARY = re.compile(r"(?<!\\)((?:\\\\)*)\\b")
_COUNTED_REPEAT = re.compile(r"(?<!\\)((?:\\\\)*)\{\d*(?:,\d*)?\}")
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)((?:\\\\)*)\$")
_CACHE_PREFIX = "chrome-prefilter-"
CACHE_KEEP = 4  # compiled databases kept on disk (about 1.6 MB each)
# Reports past this many (a typical page gives a few dozen) mean a hostile or
# degenerate page: the scan stops and every line is checked exactly instead.
MAX_REPORTS_BASE = 10_000
MAX_REPORTS_PER_LINE = 8
_NO_IDS: frozenset[int] = frozenset()
_PLUS_ONE = (1).__add__


def loosen(pattern: str) -> str:
    """A superset of ``pattern`` that Hyperscan compiles quickly.

    ``\\b`` is dropped (an assertion removed only admits more text) and
    ``{m,n}`` becomes ``*`` (counted repeats of ``.`` explode the automaton).
    """
    pattern = _WORD_BOUNDARY.sub(r"\1", pattern)
    return _COUNTED_REPEAT.sub(r"\1*", pattern)


def scan_expression(kind: str, pattern: str) -> str | None:
    """The per-line scan form of a lexicon pattern, or None if none is safe.

    ``line`` patterns must cover the whole line up to trailing punctuation,
    ``start`` patterns begin at the line start, ``end`` and ``contains``
    patterns may sit anywhere in it (the end window is checked exactly later).
    A pattern with its own ``$`` could match the stripped text but not the
    line, so it gets no scan form.
    """
    if kind in ("line", "start") and _UNESCAPED_DOLLAR.search(pattern):
        return None
    body = loosen(pattern)
    if kind == "line":
        return f"^(?:{body}){TRAILING_CLASS}*$"
    if kind == "start":
        return f"^(?:{body})"
    return body


class PageScanner:
    """Compiled scan of many patterns; ``scan`` maps each line to pattern ids.

    Hyperscan needs scratch space per concurrent scan, so each thread gets
    its own (allocated on first use).
    """

    def __init__(self, database: Any, scratch_type: Any, stopped: type[Exception]) -> None:
        self._db = database
        self._scratch_type = scratch_type
        self._stopped = stopped
        self._local = threading.local()

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._scratch_type(self._db)
        return scratch

    def scan(self, lines: list[str]) -> list[AbstractSet[int]] | None:
        """For every line, the ids of the patterns that may match it.

        None when the page floods the scan with reports (an unbounded pattern
        tail reports at every character of a long line): the caller then checks
        every line exactly, which costs what it did before the scan existed.
        """
        if not lines:
            return []
        text = "\n".join(lines)
        if text.count("\n") != len(lines) - 1:
            # a block holding a line break (HTML <pre>) would shift every later line;
            # a space instead only lets patterns match more, never less
            text = "\n".join(line.replace("\n", " ") for line in lines)
        # lone surrogates become "?": Hyperscan needs valid UTF-8, and offsets stay consistent
        data = text.encode("utf-8", "replace")
        # where each line starts in ``data``: running sums of its lines' lengths plus their "\n"
        starts = list(accumulate(map(_PLUS_ONE, map(len, data.split(b"\n"))), initial=0))
        reports: list[tuple[int, int]] = []

        limit = MAX_REPORTS_BASE + MAX_REPORTS_PER_LINE * len(lines)

        def on_match(pid: int, _from: int, to: int, _flags: int, _ctx: object) -> bool:
            reports.append((pid, to))
            return len(reports) > limit  # True stops the scan

        try:
            self._db.scan(data, match_event_handler=on_match, scratch=self._scratch())
        except self._stopped:
            return None
        last = len(lines) - 1
        hit: dict[int, set[int]] = {}
        for pid, to in reports:
            # the line holding the match's end (an empty match at a line start counts for that line)
            line = min(bisect_right(starts, to) - 1, last)
            if line in hit:
                hit[line].add(pid)
            else:
                hit[line] = {pid}
        found: list[AbstractSet[int]] = [_NO_IDS] * len(lines)  # most lines match nothing: one shared empty set
        for line, ids in hit.items():
            found[line] = ids
        return found


_LOADED: dict[str, PageScanner] = {}  # one database per pattern list and process


def build_scanner(expressions: list[str]) -> PageScanner | None:
    """A scanner for ``expressions`` (ids are list positions), or None without Hyperscan."""
    try:
        import hyperscan
    except ImportError:
        return None
    flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_UTF8
    version = getattr(hyperscan, "__version__", "?")
    key = hashlib.sha256(repr((version, flags, expressions)).encode()).hexdigest()[:24]
    if key in _LOADED:
        return _LOADED[key]
    path = _cache_dir() / f"{_CACHE_PREFIX}{key}.db"
    try:
        db = hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
        scanner = _LOADED[key] = PageScanner(db, hyperscan.Scratch, hyperscan.ScanTerminated)
        return scanner
    except (OSError, hyperscan.error):
        pass  # not cached yet, or cached by another version: compile
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(
            expressions=[e.encode("utf-8") for e in expressions],
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=[flags] * len(expressions),
        )
    except hyperscan.error as exc:  # a pattern beyond Hyperscan: the exact path does all the work
        LOGGER.debug("chrome prefilter disabled: %s", exc)
        return None
    _write_cache(path, hyperscan.dumpb(db))
    scanner = _LOADED[key] = PageScanner(db, hyperscan.Scratch, hyperscan.ScanTerminated)
    return scanner


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleaner"


def _write_cache(path: Path, blob: bytes) -> None:
    """Best effort and atomic: a read-only home only costs the compile next time.

    Only the newest few databases are kept (one per lexicon version in use).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
        cached = sorted(path.parent.glob(f"{_CACHE_PREFIX}*.db"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in cached[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        LOGGER.debug("chrome prefilter not cached: %s", exc)

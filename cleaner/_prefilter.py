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
patterns and the library version: in ``cache_dir``, else the folder the
``CLEANER_CACHE_DIR`` environment variable names, else ``~/.cache/cleaner``
(``$XDG_CACHE_HOME/cleaner``). ``cleaner warm`` builds it ahead of time (an
image, a cluster's shared folder). A cache that cannot be written is said
once per process, with a :class:`CacheWarning`: every process then compiles
the patterns again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import warnings
from bisect import bisect_right
from collections.abc import Set as AbstractSet
from itertools import accumulate
from pathlib import Path
from typing import Any

from ._files import share

LOGGER = logging.getLogger(__name__)

# What a "line" pattern ignores at the end of a block: whitespace (every
# character str.isspace accepts; none lies above U+3000) and trailing punctuation.
TRAILING_CHARS = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + ".,;:…·•|»>›-"
TRAILING_CLASS = "[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in TRAILING_CHARS) + "]"
_WORD_BOUNDARY = re.compile(r"(?<!\\)((?:\\\\)*)\\b")
_COUNTED_REPEAT = re.compile(r"(?<!\\)((?:\\\\)*)\{\d*(?:,\d*)?\}")
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)((?:\\\\)*)\$")
_CACHE_PREFIX = "chrome-prefilter-"
CACHE_ENV = "CLEANER_CACHE_DIR"  # where the compiled database is cached, when no cache_dir is given
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
        self._db = self.database = database
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


class CacheWarning(UserWarning):
    """The compiled pattern database could not be cached: every process compiles it again."""


def build_scanner(expressions: list[str], cache_dir: str | Path | None = None) -> PageScanner | None:
    """A scanner for ``expressions`` (ids are list positions), or None without Hyperscan.

    Loaded from the cache in ``cache_dir`` (see :func:`cache_folder`) when it is there, else
    compiled and cached. One scanner per pattern list and process, whatever the folder.
    """
    try:
        import hyperscan
    except ImportError:
        return None
    flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_UTF8
    key = _cache_key(hyperscan, flags, expressions)
    if key in _LOADED:
        return _LOADED[key]
    path = cache_folder(cache_dir) / f"{_CACHE_PREFIX}{key}.db"
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


def _cache_key(hyperscan: Any, flags: int, expressions: list[str]) -> str:
    version = getattr(hyperscan, "__version__", "?")
    return hashlib.sha256(repr((version, flags, expressions)).encode()).hexdigest()[:24]


def ensure_cached(expressions: list[str], cache_dir: str | Path | None = None) -> Path | None:
    """The cache file of ``expressions``' database in the cache folder, compiled and written when it
    is not there yet (``cleaner warm``); None without Hyperscan. OSError when it cannot be written."""
    scanner = build_scanner(expressions, cache_dir)
    if scanner is None:
        return None
    import hyperscan

    flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_UTF8
    path = cache_folder(cache_dir) / f"{_CACHE_PREFIX}{_cache_key(hyperscan, flags, expressions)}.db"
    if not path.is_file():  # loaded in this process from elsewhere, or the write above failed
        _write_cache(path, hyperscan.dumpb(scanner.database), strict=True)
    return path


def cache_folder(cache_dir: str | Path | None = None) -> Path:
    """Where compiled databases are cached: ``cache_dir``, else $CLEANER_CACHE_DIR, else the user's cache."""
    if cache_dir is not None and str(cache_dir):
        return Path(cache_dir)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleaner"


_WARNED: set[str] = set()  # folders already warned about in this process


def _write_cache(path: Path, blob: bytes, *, strict: bool = False) -> None:
    """Best effort and atomic: a read-only home only costs the compile next time.

    Only the newest few databases are kept (one per lexicon version in use).
    """
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        share(tmp)  # a shared cache: the other users' and workers' processes read it
        os.replace(tmp, path)
        tmp = None
        cached = sorted(path.parent.glob(f"{_CACHE_PREFIX}*.db"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in cached[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if strict:
            raise
        folder = str(path.parent)
        if folder not in _WARNED:
            _WARNED.add(folder)
            message = (
                f"cleaner cannot cache its compiled patterns in {folder} ({exc.strerror or exc}); every "
                f"process will compile them again (a few seconds each). Set {CACHE_ENV} or cache_dir= to a "
                "writable folder, or build the cache ahead with `cleaner warm`."
            )
            warnings.warn(message, CacheWarning, stacklevel=2)

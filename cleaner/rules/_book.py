"""RuleBook: every rule file loaded once, indexed by host, fingerprint and name.

Sources, highest precedence first (documented in rules/README.md):

1. folders passed as ``rules_dirs`` / ``--rules DIR`` (in the order given);
2. folders in the ``CLEANER_RULES`` environment variable (``os.pathsep``-separated,
   empty entries ignored; an entry that is not a folder is a ``ValueError``, so a
   typo in the variable fails loudly instead of silently loading nothing);
3. the rules bundled with the package (the top-level ``rules/`` folder).

A site name defined by a higher source hides the same name below it, and a
host claimed by a higher source is not taken over by a lower one.
"""

from __future__ import annotations

import copy
import hashlib
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import re2

from ._apply import SiteRules
from ._compile import MATCH_OPTIONS, MAX_FILE_BYTES, Problems, RuleError, RuleErrors, Where
from ._format import bundled_dir, parse_spec, read_limited

ENV_VAR = "CLEANER_RULES"
# re2.Set fails to compile when too many alternatives share one memory budget,
# so fingerprints are split into Sets of at most this many.
_SET_CHUNK = 1000
# Only this much of a page is scanned for fingerprints (they sit in headers and footers,
# and a linear scan of a huge page is still a cost).
FINGERPRINT_SCAN_CHARS = 2_000_000
# Compiled books kept per process (keyed by the files' identities).
_CACHE_SIZE = 8
_CACHE: dict[tuple[tuple[str, str], ...], RuleBook] = {}


@dataclass(slots=True)
class Source:
    origin: str  # "dir", "env" or "bundled"
    path: Path


@dataclass(slots=True)
class LoadReport:
    """What loading found: files loaded, files hidden by a higher source, and errors."""

    loaded: list[SiteRules] = field(default_factory=list)
    hidden: list[tuple[Path, str]] = field(default_factory=list)  # (file, name of the winner)
    errors: list[RuleError] = field(default_factory=list)


class RuleFileWarning(UserWarning):
    """A rule file was skipped because it has errors; ``error`` lists them (a :class:`RuleError`).

    A dedicated class so that library users can filter it
    (``warnings.simplefilter("ignore", RuleFileWarning)``) or turn it into an error.
    """

    def __init__(self, error: RuleError) -> None:
        self.error = error
        self.path = error.path
        self.count = len(error.errors) if isinstance(error, RuleErrors) else 1
        super().__init__(f"skipping rule file {self.path}: {self.summary}\n{error}")

    @property
    def summary(self) -> str:
        """'1 error', '3 errors', or '50+ errors' when checking stopped at the cap."""
        more = "+" if isinstance(self.error, RuleErrors) and self.error.truncated else ""
        return f"{self.count}{more} error{'' if self.count == 1 and not more else 's'}"


def sources(dirs: Sequence[str | Path] = (), *, env: bool = True, bundled: bool = True) -> list[Source]:
    out = [Source("dir", Path(d)) for d in dirs]
    if env:
        out += [Source("env", d) for d in env_folders()]
    if bundled:
        out.append(Source("bundled", bundled_dir()))
    return out


def env_folders() -> list[Path]:
    """The folders named by ``CLEANER_RULES``, separated by ``os.pathsep``; empty entries are ignored.

    An entry that is not an existing folder raises ``ValueError``: ``--rules`` with a
    missing folder is a usage error, and the variable must not be quieter about a typo.
    """
    out = []
    for entry in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if not entry.strip():
            continue
        path = Path(entry)
        if not path.is_dir():
            problem = "is not a folder" if path.exists() else "does not exist"
            raise ValueError(f"{ENV_VAR} entry {entry!r} {problem} (folders separated by {os.pathsep!r})")
        out.append(path)
    return out


def rule_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


def _identity(path: Path) -> tuple[str, str]:
    """A file's path and content digest: a rewritten file never hits a stale cache entry.

    A file that cannot be loaded (too large, not a regular file, unreadable) is
    keyed by its error, which read_limited finds without reading it whole.
    """
    try:
        raw = read_limited(path, MAX_FILE_BYTES, Where(str(path)))
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    except RuleError as exc:
        digest = "error: " + exc.message
    return (str(path.resolve()), digest)


def load_file(path: Path) -> SiteRules:
    """Parse and compile one rule file; a :class:`RuleErrors` lists every problem of both steps."""
    problems = Problems(str(path))
    return problems.run(lambda: SiteRules(parse_spec(path, problems), problems))


class RuleBook:
    """Every loaded rule file, indexed for lookup by host and fingerprint."""

    def __init__(self, sites: Iterable[SiteRules] = (), report: LoadReport | None = None) -> None:
        self.sites: dict[str, SiteRules] = {}
        self.globals: list[SiteRules] = []
        self.report = report or LoadReport()
        self._hosts: dict[str, SiteRules] = {}  # exact host (and its www. form)
        self._suffixes: dict[str, SiteRules] = {}  # ".example.com": every subdomain
        for rules in sites:
            self._add(rules)
        for rules in self.sites.values():
            rules.before = tuple(self.globals)
        self._global_only = self._chain_globals()
        self._build_fingerprints()

    @classmethod
    def load(
        cls,
        dirs: Sequence[str | Path] = (),
        *,
        env: bool = True,
        bundled: bool = True,
        strict: bool = False,
    ) -> RuleBook:
        """Load every source; a broken file is skipped with a :class:`RuleFileWarning` (raised when ``strict``).

        A ``CLEANER_RULES`` entry that is not a folder raises ``ValueError``.

        Books are cached per process, keyed by every file's path and content,
        so building many Cleaners compiles the rules once.
        """
        files = [path for source in sources(dirs, env=env, bundled=bundled) for path in rule_files(source.path)]
        key = tuple(_identity(p) for p in files)
        book = _CACHE.get(key)
        if book is None:
            book = cls._compile_all(files)
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = book
        for exc in book.report.errors:
            if strict:
                raise exc
            warnings.warn(RuleFileWarning(exc), stacklevel=2)
        return book

    @classmethod
    def _compile_all(cls, files: list[Path]) -> RuleBook:
        report = LoadReport()
        for path in files:
            try:
                report.loaded.append(load_file(path))
            except RuleError as exc:
                report.errors.append(exc)
        return cls(report.loaded, report)

    def _add(self, rules: SiteRules) -> None:
        key = rules.name.lower()
        if key in self.sites or any(g.name.lower() == key for g in self.globals):
            winner = self.sites.get(key) or next(g for g in self.globals if g.name.lower() == key)
            self.report.hidden.append((rules.path, str(winner.path)))
            return
        if rules.spec.is_global:
            self.globals.append(rules)
            return
        self.sites[key] = rules
        for domain in rules.domains:
            if domain.startswith("."):
                self._suffixes.setdefault(domain, rules)
            else:
                self._hosts.setdefault(domain, rules)
                self._hosts.setdefault("www." + domain, rules)

    def _chain_globals(self) -> SiteRules | None:
        """Global rules alone, for pages no site claims."""
        if not self.globals:
            return None
        head = copy.copy(self.globals[0])
        head.before = tuple(self.globals[1:])
        return head

    def _build_fingerprints(self) -> None:
        self._fp_owner: list[tuple[SiteRules, int]] = []  # set index -> (site, fingerprint number)
        patterns: list[str] = []
        for rules in self.sites.values():
            numbered = [re2.escape(f) for f in rules.spec.fingerprints] + list(rules.spec.fingerprint_patterns)
            for n, pattern in enumerate(numbered):
                patterns.append(pattern)
                self._fp_owner.append((rules, n))
        self._fp_sets: list[tuple[int, object]] = []
        for offset in range(0, len(patterns), _SET_CHUNK):
            self._add_sets(patterns[offset : offset + _SET_CHUNK], offset)

    def _add_sets(self, patterns: list[str], offset: int) -> None:
        """Compile one Set; when RE2 runs out of its memory budget, split it in halves."""
        try:
            self._fp_sets.append((offset, _compile_set(patterns)))
        except re2.error:
            if len(patterns) == 1:
                rules, _n = self._fp_owner[offset]
                warnings.warn(f"{rules.path}: fingerprint {patterns[0]!r} is too large to use", stacklevel=3)
                return
            half = len(patterns) // 2
            self._add_sets(patterns[:half], offset)
            self._add_sets(patterns[half:], offset + half)

    # --- lookup ---

    def __len__(self) -> int:
        return len(self.sites) + len(self.globals)

    def all_rules(self) -> list[SiteRules]:
        return [*self.globals, *self.sites.values()]

    def find(self, name: str) -> SiteRules | None:
        """A site by rule name, file name (with or without .toml), or one of its domains."""
        key = name.lower().strip()
        if key in self.sites:
            return self.sites[key]
        for rules in self.all_rules():
            if key in (rules.file_name.lower(), rules.path.stem.lower(), rules.name.lower()):
                return rules
        return self.by_host(key)

    def require(self, name: str) -> SiteRules:
        """Like :meth:`find`, but an unknown site is a :class:`RuleError`."""
        found = self.find(name)
        if found is None:
            known = ", ".join(sorted(r.name for r in self.all_rules())) or "none loaded"
            raise RuleError(f"no rule file for site {name!r} (known: {known})")
        return found

    def by_host(self, host: str) -> SiteRules | None:
        """The host itself, then each parent domain (``a.b.example.com`` -> ``b.example.com`` -> ...)."""
        host = host.lower().rstrip(".")
        if host in self._hosts:
            return self._hosts[host]
        labels = host.split(".")
        # most specific first; ".example.com" also covers the bare example.com
        for i in range(len(labels) - 1):
            rules = self._suffixes.get("." + ".".join(labels[i:]))
            if rules is not None:
                return rules
        return None

    def by_url(self, url: str) -> SiteRules | None:
        host = urlsplit(url if "//" in url else "//" + url).hostname
        return self.by_host(host) if host else None

    def fingerprint_hits(self, text: str) -> dict[str, int]:
        """Site name -> number of its distinct fingerprints found, in one pass per Set."""
        hits: dict[str, set[int]] = {}
        sample = text[:FINGERPRINT_SCAN_CHARS]
        for offset, fp_set in self._fp_sets:
            for index in fp_set.Match(sample) or ():  # type: ignore[attr-defined]
                rules, n = self._fp_owner[offset + index]
                hits.setdefault(rules.name, set()).add(n)
        return {name: len(found) for name, found in hits.items()}

    def detect(self, text: str) -> SiteRules | None:
        """The site whose fingerprints the text carries (most hits, then precedence)."""
        best: tuple[int, SiteRules] | None = None
        for name, count in self.fingerprint_hits(text).items():
            rules = self.sites[name.lower()]
            if count >= rules.spec.min_fingerprints and (best is None or count > best[0]):
                best = (count, rules)
        return best[1] if best else None

    def resolve(self, *, url: str | None, text: str, site: str | None = None) -> SiteRules | None:
        """Forced ``site``, else the URL's host, else (no URL) fingerprints; else the global rules."""
        if site:
            return self.require(site)
        found = self.by_url(url) if url else self.detect(text)
        return found or self._global_only


def _compile_set(patterns: list[str]) -> object:
    fp_set = re2.Set.SearchSet(MATCH_OPTIONS)
    for pattern in patterns:
        fp_set.Add(pattern)
    fp_set.Compile()
    return fp_set

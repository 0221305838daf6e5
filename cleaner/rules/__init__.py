"""Per-site rule files: TOML files that name a site's chrome so it goes exactly.

``RuleBook.load()`` reads every source once (``--rules`` folders, the
``CLEANER_RULES`` variable, the bundled rules); ``RuleBook.resolve()`` picks
a page's :class:`SiteRules` by forced name, URL host or text fingerprints.
The format is documented in ``rules/README.md``.
"""

from __future__ import annotations

from ._apply import SiteRules
from ._book import ENV_VAR, LoadReport, RuleBook, bundled_dir, rule_files, sources
from ._compile import RuleError
from ._format import SiteSpec, TestCase, parse_file

__all__ = [
    "ENV_VAR",
    "LoadReport",
    "RuleBook",
    "RuleError",
    "SiteRules",
    "SiteSpec",
    "TestCase",
    "bundled_dir",
    "parse_file",
    "rule_files",
    "sources",
]

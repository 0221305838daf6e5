"""Per-site rule files: TOML files that name a site's chrome so it goes exactly.

``RuleBook.load()`` reads every source once (``--rules`` folders, the
``CLEANER_RULES`` variable, the bundled rules); ``RuleBook.resolve()`` picks
a page's :class:`SiteRules` by forced name, URL host or text fingerprints.
The format is documented in ``rules/README.md``.
"""

from __future__ import annotations

from ._apply import SiteRules
from ._book import (
    ENV_VAR,
    LoadReport,
    RuleBook,
    RuleFileWarning,
    env_folders,
    load_file,
    rule_files,
    sources,
)
from ._categories import known_categories
from ._compile import MAX_ERRORS_PER_FILE, RuleError, RuleErrors
from ._format import SiteSpec, TestCase, bundled_dir, parse_file

__all__ = [
    "ENV_VAR",
    "MAX_ERRORS_PER_FILE",
    "LoadReport",
    "RuleBook",
    "RuleError",
    "RuleErrors",
    "RuleFileWarning",
    "SiteRules",
    "SiteSpec",
    "TestCase",
    "bundled_dir",
    "env_folders",
    "known_categories",
    "load_file",
    "parse_file",
    "rule_files",
    "sources",
]

"""The category names a rule may give the blocks it decides.

A category is more than a label: the metadata stage reads it (a ``date`` or
``byline`` line is where a date or author is looked for, a ``caption`` is
never the headline), and ``explain`` and ``removed`` report it. A misspelt
category would silently change results, so rule files are held to the
lexicons' categories, the ones the generic engine assigns itself, and any a
file declares in ``[site] categories``.
"""

from __future__ import annotations

from functools import lru_cache

from .._lexicon import default_lexicon

# Assigned by the generic engine outside the lexicons (_classify.py, _metadata.py, html/);
# tests/test_rules_errors.py checks that the engine assigns nothing else.
ENGINE_CATEGORIES = frozenset(
    {"body", "boilerplate", "comments", "footer", "repeated", "title", "description", "site-chrome"}
)
# Named by bundled rule files only (lines under a headline that sum up the story).
RULE_CATEGORIES = frozenset({"highlight"})


@lru_cache(maxsize=1)
def known_categories() -> frozenset[str]:
    """Every category a rule file may use without declaring it."""
    lexicon = frozenset(c.name for c in default_lexicon().categories)
    return lexicon | ENGINE_CATEGORIES | RULE_CATEGORIES

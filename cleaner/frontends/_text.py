"""The text front-end: a plain-text dump, one block per line.

The dump arrives repaired (the pipeline repairs a text document whole, before
site rules look for its fingerprints). There is no markup, so no declared
metadata, no tree and no alternative: the classifier's main-text search finds
the article among the lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._segment import split_blocks
from ._page import Page, Settings

if TYPE_CHECKING:
    from ..rules import SiteRules


def load() -> None:
    """Nothing to load ahead of the first document."""


def segment(document: str, *, url: str | None, rules: SiteRules | None, settings: Settings) -> Page:
    """One block per non-empty line; blank lines are remembered as gaps."""
    return Page(split_blocks(document), use_region=True)

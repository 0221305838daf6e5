"""What both HTML front-ends do first: one safe parse, the site's pruning, and what the page declares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._decode import repair_text
from .._html_text import tree_to_text
from .._model import Block, Metadata
from .._segment import split_blocks, split_lines
from ..html._kind import ARTICLE, page_kind
from ..html._meta import declared_url, html_metadata
from ..html._parse import head_only, parse_markup

if TYPE_CHECKING:
    from ..rules import SiteRules


@dataclass(slots=True)
class Markup:
    """A parsed page and what it declares."""

    root: Any
    kind: str | None  # ARTICLE, PRODUCT or None (``html._kind``)
    metadata: Metadata
    too_large: bool  # beyond the extractor's thresholds (``html._parse``)
    limit: str | None  # why the parser saw only part of the page

    @property
    def article(self) -> bool:
        return self.kind == ARTICLE


def read_markup(markup: str, *, url: str | None, rules: SiteRules | None, thorough: bool) -> Markup | None:
    """Parse, let the site's rules prune the tree (their XPaths must act before any extraction), read the
    declarations; None when there is no document to speak of. ``thorough``: see ``html_metadata``."""
    parsed = parse_markup(markup)
    if parsed is None:
        return None
    root = parsed.root
    if rules is not None:
        rules.prune_tree(root)
    kind = page_kind(root)
    # on a pathological page only <head> is searched: htmldate alone would take seconds
    searched = head_only(root) if parsed.too_large else root
    metadata = html_metadata(searched, url, article=kind == ARTICLE, thorough=thorough)
    limit = f"the HTML parser stopped early: {parsed.limit}" if parsed.limit else None
    return Markup(root, kind, metadata, parsed.too_large, limit)


def whole_page(root: Any) -> Callable[[], list[Block]]:
    """The whole page as line blocks, rendered on request (``Page.outside``, for list_all_removed)."""
    return lambda: split_blocks(repair_text(tree_to_text(root)))


def page_lines(markup: str, rules: SiteRules | None) -> tuple[list[str], str | None]:
    """The whole page as line blocks, pruned by the site's rules, and the URL the page gives for itself:
    how site statistics see an HTML page."""
    parsed = parse_markup(markup)
    if parsed is None:
        return [], None
    if rules is not None:
        rules.prune_tree(parsed.root)
    # not repaired (ftfy can take 20 ms on a page with mojibake): statistics only need the lines to be
    # alike from page to page, and a repaired line differs from its raw self on those pages alone
    return split_lines(tree_to_text(parsed.root)), declared_url(parsed.root)

"""HTML mode (placeholder until the HTML engine lands: render to text, clean as text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._html_text import html_to_text
from .._model import Result
from .._segment import split_blocks

if TYPE_CHECKING:
    from .._pipeline import Cleaner


def clean_html(cleaner: Cleaner, markup: str, *, url: str | None, site: str | None) -> Result:
    text = html_to_text(markup)
    rules = cleaner.resolve_site(url, text, site)
    return cleaner.clean_blocks(split_blocks(text), url=url, mode="html", rules=rules)

"""Front-ends: one decoded document in, a :class:`Page` of blocks out.

The pipeline is one-way::

    decode -> front-end -> site rules -> classifier -> metadata -> assemble

Every front-end is one module of this package with two functions:

* ``load()`` imports what it needs ahead of the first document;
* ``segment(document, *, url, rules, settings) -> Page`` splits the decoded
  document into blocks, says what its markup declares and offers lazily
  rendered alternatives (see ``_page``).

A front-end never imports the pipeline and never classifies: the pipeline
resolves the site rules first and passes them in (an HTML front-end prunes
its tree with them before extracting), then runs every stage itself. Text
mode uses the ``text`` front-end; HTML uses the Cleaner's ``engine``. To add
one, write its module and register it in ``_REGISTRY`` below: nothing outside
this folder changes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from ._page import Alternative, Page, Rendering, Settings, cut_at_line


def page_lines(markup: str, rules: SiteRules | None) -> tuple[list[str], str | None]:
    """An HTML page's full-page lines and the URL it gives for itself (for site statistics);
    imports lxml only when called."""
    from ._markup import page_lines as lines

    return lines(markup, rules)


def page_url(tree: Any) -> str | None:
    """The URL a segmented page's tree gives for itself (og:url, canonical link); None without a tree."""
    if tree is None:
        return None
    from ..html._meta import declared_url

    return declared_url(tree)


if TYPE_CHECKING:
    from ..rules import SiteRules

__all__ = [
    "DEFAULT_ENGINE",
    "HTML_ENGINES",
    "TEXT",
    "Alternative",
    "FrontEnd",
    "Page",
    "Rendering",
    "Settings",
    "check_engine",
    "cut_at_line",
    "frontend",
    "page_lines",
    "page_url",
]


class FrontEnd(Protocol):
    """What the pipeline calls on a front-end module."""

    def load(self) -> None: ...

    def segment(self, document: str, *, url: str | None, rules: SiteRules | None, settings: Settings) -> Page: ...


# Imported on first use: trafilatura takes a second to import, and text mode never needs it.
# (The loaders must not be named as their modules: importing a submodule sets that name on the package.)
def _load_text() -> FrontEnd:
    from . import _text

    return _text


def _load_accurate() -> FrontEnd:
    from . import _trafilatura

    return _trafilatura


def _load_fast() -> FrontEnd:
    from . import _fast

    return _fast


_REGISTRY: dict[str, Callable[[], FrontEnd]] = {
    "text": _load_text,  # plain-text dumps (text mode)
    "accurate": _load_accurate,  # HTML through trafilatura's main-content extraction
    "fast": _load_fast,  # HTML segmented in one walk, the article found by its container
}
TEXT = "text"
HTML_ENGINES: tuple[str, ...] = tuple(name for name in _REGISTRY if name != TEXT)
DEFAULT_ENGINE = "accurate"


def check_engine(engine: object) -> str:
    """``engine`` when it names an HTML front-end; ValueError otherwise (a setup error, never a per-page one)."""
    if isinstance(engine, str) and engine in HTML_ENGINES:
        return engine
    raise ValueError(f"engine must be one of {', '.join(map(repr, HTML_ENGINES))}, not {engine!r}")


@cache
def frontend(name: str) -> FrontEnd:
    """The front-end module registered as ``name`` (imported now if it was not yet)."""
    return _REGISTRY[name]()

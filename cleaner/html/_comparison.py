"""Skip trafilatura's readability comparison where it cannot change the result.

In its default (balanced) mode trafilatura checks its own extraction against
a readability pass over a fresh copy of the page - about a fifth of its
running time on the benchmark pages - and then, in ``compare_extraction``:

- adopts readability's text only when its own text is empty, when
  readability's is more than twice as long, or when its own body is
  structurally weak (no paragraph text, more tables than paragraphs);
- asks jusText only when its own body holds "unclean" elements (nav, figure,
  button...) or is shorter than ``min_extracted_size``.

Readability's output is part of the page's text without scripts and styles,
so when trafilatura's own text is at least half of that text, has paragraph
text, no more tables than paragraphs, no unclean elements and the minimum
length, the comparison returns it unchanged: that is decided here from a few
XPath counts and the readability pass is skipped. The result is the same
either way (checked in tests and on every benchmark page); only the time
differs.

trafilatura has no option for this, so its module-level
``compare_extraction`` is wrapped once. The wrapper only takes the shortcut
inside cleaner's own calls (a context variable), and is only installed on the
trafilatura versions whose comparison rules are written out above; on any
other it stays out of the way and trafilatura runs as it always does.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from lxml import etree

# The releases whose compare_extraction follows the rules above.
CHECKED_VERSIONS = ("2.3.",)
_PAGE_CHARS = etree.XPath("string-length(normalize-space(.))")
# readability drops these before it scores anything
_DROPPED_BY_READABILITY = ("script", "style", "fencedframe")

_active: ContextVar[bool] = ContextVar("cleaner_skip_comparison", default=False)
_installed: bool | None = None
_install_lock = threading.Lock()


def page_text_bound(raw_tree: Any) -> int:
    """An upper bound on the characters of any readability output for this tree.

    The whitespace-normalised text of the body minus the non-space characters
    of the elements readability drops: removing a text run from a normalised
    string shortens it by at least its non-space characters.
    """
    body = raw_tree.find("body")
    root = body if body is not None else raw_tree
    chars = _PAGE_CHARS(root)
    total = int(chars) if isinstance(chars, float) else 0
    dropped = sum(len("".join((el.text or "").split())) for el in root.iter(*_DROPPED_BY_READABILITY))
    return total - dropped


def comparison_is_moot(raw_tree: Any, body: Any, text: str, options: Any, unclean_xpath: str) -> bool:
    """True when trafilatura's comparison would keep ``body`` and ``text`` as they are."""
    length = len(text)
    if options.focus != "balanced" or length < max(1, options.min_extracted_size):
        return False
    if body.xpath(unclean_xpath) or not body.xpath(".//p//text()"):
        return False
    if len(body.findall(".//table")) > len(body.findall(".//p")):
        return False
    return 2 * length >= page_text_bound(raw_tree)


def install() -> bool:
    """Wrap trafilatura's comparison once; False when this trafilatura is not one we checked."""
    global _installed
    if _installed is not None:
        return _installed
    with _install_lock:
        if _installed is None:
            _installed = _install()
    return _installed


def _install() -> bool:
    try:
        import trafilatura
        from trafilatura import core, external
    except ImportError:
        return False
    original: Callable[..., Any] | None = getattr(core, "compare_extraction", None)
    unclean_xpath = getattr(external, "SANITIZED_XPATH", None)
    if (
        not str(getattr(trafilatura, "__version__", "")).startswith(CHECKED_VERSIONS)
        or original is not getattr(external, "compare_extraction", None)
        or original is None
        or not isinstance(unclean_xpath, str)
    ):
        return False
    setattr(core, "compare_extraction", _wrap(original, unclean_xpath))  # noqa: B010 - not a public attribute
    return True


def _wrap(original: Callable[..., Any], unclean_xpath: str) -> Callable[..., Any]:
    def compare_extraction(cleaned_tree: Any, raw_tree: Any, body: Any, text: str, options: Any) -> Any:
        if _active.get() and comparison_is_moot(raw_tree, body, text, options, unclean_xpath):
            return body, text
        return original(cleaned_tree, raw_tree, body, text, options)

    compare_extraction.__wrapped__ = original  # type: ignore[attr-defined]
    return compare_extraction


@contextlib.contextmanager
def skipping_moot_comparisons(enabled: bool = True) -> Iterator[None]:
    """Within this block, trafilatura skips comparisons that cannot change its result."""
    token = _active.set(enabled and install())
    try:
        yield
    finally:
        _active.reset(token)

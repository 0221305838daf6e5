"""The fast HTML front-end: one safe parse, the page's own blocks with their place in the tree.

No main-content extractor runs. One linear walk over the tree (``segment_tree``)
cuts the body into blocks at block-level elements, the way a browser lays
text out, and gives each block what the later stages use:

* its tag (``p``, ``h1``..``h6``, ``li``, ``td``, ``pre``, ``blockquote``, ...);
* ``path``, the ids of its ancestor elements, from which the classifier
  stage finds the article's container (``_container``);
* ``link_share``, the share of its characters inside ``<a>``.

Hidden elements (``hidden``, ``aria-hidden``), scripts and styles are never
text; ``<noscript>`` is, only on a page that has almost no text without it
(a thread or an app page that serves its text to crawlers there). The page's landmarks (``nav``, ``header``, ``footer``, ``aside`` and
their ARIA roles) are left out unless nearly all of the page's text sits in
them (a page wrapped in one ``<header>``).

The site's rules prune the tree first, what the page declares comes from
``html._meta`` as in the accurate engine, and the same full-page alternatives
apply: the blocks without their tree (the plain region search) when the
container keeps too little, or when a page that declares no article keeps
clearly more that way.

Why not resiliparse's tree: reading a node of it from Python costs about
8.7 us (measured on aeb, 1,400 nodes a page: 12 ms a page just to walk it),
against about 1.1 us per event for lxml's ``iterwalk``; its own C renderer
(``extract_plain_text``) is fast but keeps no element structure, and
without that structure the quality stays near resiliparse's own.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from lxml import etree

from .._decode import repair_text
from .._features import WORD
from .._html_text import BLOCK_TAGS, LANDMARK_ROLES, LANDMARK_TAGS, SKIP_TAGS, tree_to_text
from .._model import Block
from .._segment import normalise_space
from ._markup import read_markup, whole_page
from ._page import NOT_ARTICLE_GAIN, Alternative, Page, Rendering, Settings, short_result_needs, text_rendering

if TYPE_CHECKING:
    from ..rules import SiteRules

# A page with less text than this outside <noscript> is read with its <noscript> content.
NOSCRIPT_BELOW_CHARS = 1_000
# Landmarks are left out unless the rest of the page holds less than this share of its text.
LANDMARK_FREE_MIN_SHARE = 0.15
# Tags a block keeps (others are paragraphs): headings, list items, cells, quotations, code.
_BLOCK_KINDS = frozenset(
    ["h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "td", "th", "dd", "dt", "figcaption"]
)


# Never page text (comments and processing instructions are dropped by the parser).
_NOT_TEXT = SKIP_TAGS | {"title"}
_HIDDEN, _LANDMARK = "hidden", "landmark"
# What a block sits in: the page proper, a landmark, or a hidden block (set aside first).
_FREE, _SET_LANDMARK, _SET_HIDDEN = 0, 1, 2
_SECTIONING = frozenset(["article", "section", "main"])
_SECTION_LANDMARKS = frozenset(["header", "footer"])
# Through the attribute axis: testing every element's attributes in a predicate costs four times as much.
_SPECIAL = etree.XPath(
    "descendant-or-self::*/@hidden | descendant-or-self::*/@aria-hidden | descendant-or-self::*/@role"
)


def load() -> None:
    """Nothing to import ahead: the fast engine needs neither trafilatura nor htmldate."""


def segment(markup: str, *, url: str | None, rules: SiteRules | None, settings: Settings) -> Page:
    """The page's blocks with their tree paths and link shares, what it declares, and its alternatives."""
    page = read_markup(markup, url=url, rules=rules, thorough=False)
    if page is None:
        return Page([])
    root, kind, metadata, article, limit = page.root, page.kind, page.metadata, page.article, page.limit
    if page.too_large:
        too_large = Alternative(
            "too-large",
            render=lambda: text_rendering(tree_to_text(root, skip_landmarks=True), settings),
            needed=lambda _words: 1,
            replaces_empty=True,
        )
        return Page([], metadata=metadata, article=article, tree=root, alternatives=[too_large], limit=limit)
    blocks = segment_tree(root)
    if sum(len(b.text) for b in blocks) < NOSCRIPT_BELOW_CHARS:
        # a page built by scripts serves its text to crawlers in <noscript> (forum threads, single-page apps)
        with_noscript = segment_tree(root, noscript=True)
        if sum(len(b.text) for b in with_noscript) > sum(len(b.text) for b in blocks):
            blocks = with_noscript
    alternatives = [
        Alternative("short-extraction", render=lambda: _flat(blocks), needed=short_result_needs, replaces_empty=True)
    ]
    if kind is None:
        alternatives.append(Alternative("not-an-article", render=lambda: _flat(blocks), needed=_not_article_needs))
    return Page(
        blocks,
        use_region=True,
        metadata=metadata,
        article=article,
        tree=root,
        alternatives=alternatives,
        outside=whole_page(root),
        limit=limit,
    )


def _not_article_needs(words: int) -> int | None:
    return math.ceil(NOT_ARTICLE_GAIN * words)


def _flat(blocks: list[Block]) -> Rendering:
    """The same blocks, undecided and without their tree: the plain region search over the page."""
    return Rendering([Block(i, b.text, b.tag, b.gap_before) for i, b in enumerate(blocks)])


def segment_tree(root: Any, *, noscript: bool = False) -> list[Block]:
    """The body's text as blocks, split at block-level elements (iterative: deep nesting cannot overflow).

    One pass of lxml's ``iterwalk`` with the walk's state in local variables:
    this loop runs once per element event, thousands of times a page.
    """
    body = root.find("body")
    start = body if body is not None else root
    blocks: list[Block] = []
    in_landmark: list[int] = []  # per block: _FREE, _SET_LANDMARK or _SET_HIDDEN
    ids: list[int] = []  # open elements, outermost first
    tags: list[str] = []
    marks: list[int] = []  # per open element: _FREE, _SET_LANDMARK or _SET_HIDDEN
    landmarks = hidden = links = next_id = link_chars = sections = 0
    parts: list[str] = []
    skipped: Any = None  # the element whose subtree the walk skips (script, style, hidden ...)
    special = _special_elements(start)
    not_text = _NOT_TEXT - {"noscript"} if noscript else _NOT_TEXT

    def flush() -> None:
        nonlocal link_chars
        # one line: the markup's own line breaks and indentation are not the page's
        text = normalise_space(" ".join("".join(parts).split()))
        parts.clear()
        chars, link_chars = link_chars, 0
        if WORD.search(text):  # zero-width joiners and lone punctuation are layout
            block = Block(len(blocks), repair_text(text), _kind(tags), True)
            block.path = tuple(ids)
            block.link_share = min(1.0, chars / len(text))
            blocks.append(block)
            in_landmark.append(_SET_HIDDEN if hidden else _SET_LANDMARK if landmarks else _FREE)

    walker = etree.iterwalk(start, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            role = special.get(el) if special else None
            if tag in not_text or (role is _HIDDEN and tag not in BLOCK_TAGS):
                walker.skip_subtree()  # in C: its end event still comes, with no events inside
                skipped = el
                continue
            if parts and tag in BLOCK_TAGS:
                flush()
            # a hidden block is set aside like a landmark: on a page that streams or reveals its
            # content by script, the hidden part is where the text is; a header or footer inside an
            # article, section or main is that part's own (ARIA: no banner or contentinfo there)
            if el is start:
                mark = _FREE
            elif role is _HIDDEN:
                mark = _SET_HIDDEN
            elif role is not None or (tag in LANDMARK_TAGS and not (sections and tag in _SECTION_LANDMARKS)):
                mark = _SET_LANDMARK
            else:
                mark = _FREE
            sections += tag in _SECTIONING
            next_id += 1
            ids.append(next_id)
            tags.append(tag)
            marks.append(mark)
            landmarks += mark == _SET_LANDMARK
            hidden += mark == _SET_HIDDEN
            links += tag == "a"
            text = el.text
        elif el is skipped:
            skipped = None
            text = el.tail
        else:
            if parts and tag in BLOCK_TAGS:
                flush()
            ids.pop()
            links -= tags.pop() == "a"
            mark = marks.pop()
            landmarks -= mark == _SET_LANDMARK
            hidden -= mark == _SET_HIDDEN
            sections -= tag in _SECTIONING
            text = el.tail if el is not start else None
        if text:
            if not text.isspace():
                parts.append(text)
                if links:
                    link_chars += len(text.strip())
            elif parts:  # indentation between elements: one space, and no block of its own
                parts.append(" ")
    if parts:
        flush()
    return _without_landmarks(blocks, in_landmark)


def _special_elements(start: Any) -> dict[Any, str]:
    """Hidden elements and elements with a landmark role, found in C (one XPath) rather than per element."""
    found: dict[Any, str] = {}
    matches: Any = _SPECIAL(start)
    for value in matches:
        name = value.attrname
        if name == "hidden" or (name == "aria-hidden" and value == "true"):
            found[value.getparent()] = _HIDDEN
        elif name == "role" and value in LANDMARK_ROLES:
            found.setdefault(value.getparent(), _LANDMARK)
    return found


def _kind(open_tags: list[str]) -> str:
    """The block's tag: the nearest heading, list item, cell, quotation or code around it, else "p"."""
    for tag in reversed(open_tags):
        if tag in _BLOCK_KINDS:
            return tag
        if tag in BLOCK_TAGS:
            break
    return "p"


def _without_landmarks(blocks: list[Block], where: list[int]) -> list[Block]:
    """The visible blocks outside landmarks, renumbered.

    Hidden blocks go first, then landmarks, each only while what remains holds
    at least LANDMARK_FREE_MIN_SHARE of the text: on a page wrapped in one
    ``<header>``, or streamed into a hidden ``<div>`` by a script, that part is the page.
    """
    kept = list(zip(blocks, where, strict=True))
    for level in (_SET_HIDDEN, _SET_LANDMARK):
        total = sum(len(b.text) for b, _ in kept)
        rest = [(b, w) for b, w in kept if w < level]
        if sum(len(b.text) for b, _ in rest) >= LANDMARK_FREE_MIN_SHARE * total:
            kept = rest
    for i, (b, _) in enumerate(kept):
        b.index = i
    return [b for b, _ in kept]

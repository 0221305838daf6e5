"""Stage 4b: the article's container, for blocks that carry their place in the page's tree.

A front-end that segments the DOM itself (the fast engine) gives every block
its ``path`` (ids of its ancestor elements) and ``link_share`` (the share of
its characters in link text). Two things follow that a flat text dump cannot
show:

* ``label_link_text`` (before the classifier): a block that is mostly link
  text is a menu entry, a teaser or a related-stories card, however fluent;
* ``refine_by_container`` (after it): the classifier's region search finds
  the run of prose; the article is the element that holds it. Its top is
  the element into which the prose paragraphs concentrate (as in Readability:
  a paragraph scores for its parent, half for its grandparent), grown
  upwards while what each step adds is mostly prose. Kept blocks outside it
  (teasers, sidebars that read like prose) are dropped; blocks inside it
  that the region search alone dropped (list items, short lines between
  paragraphs) are kept, between the first and last kept block of the
  container.

Where another element outside the container holds a comparable run of prose
(a service page's sections, a thread's posts), there is no one article
element, and the region search's result stands.

Blocks without a path (text dumps, trafilatura's extraction) are left alone.
"""

from __future__ import annotations

from ._classify import prose_class, stop_thresholds
from ._model import Block

# A block with at least this share of its characters in links is link text.
LINK_TEXT_SHARE = 0.5
# Growing the container one level up is worth it while the non-prose words it
# adds stay under this share of the prose words it adds, plus a small slack
# (a byline, a date line, a share bar around the article body).
GROW_CHROME_PER_PROSE = 0.3
GROW_SLACK_WORDS = 10
GRANDPARENT_WEIGHT = 0.5  # a paragraph's score for its grandparent (its parent gets all)
NEAR_PROSE_WEIGHT = 0.5  # "near" prose counts half
# When another element outside the container concentrates this share of the
# container's prose, the page has no one article element and the region's result stands.
# Measured (fast engine, no site rules): without this check aeb 0.954 / wcxb-dev 0.793
# shingle and bag F1; at 0.4 0.952 / 0.807 (service pages 0.744 -> 0.769, articles 0.918 -> 0.929).
SECOND_BOX_SHARE = 0.4
SECOND_BOX_MIN_BLOCKS = 2
OUTSIDE_REASON = "dom:outside-article-container"
INSIDE_REASON = "dom:inside-article-container"
LINK_REASON = "dom:link-text"
# Reasons of drops that only the region search made: inside the container they are overruled.
_REGION_ONLY = frozenset(["generic:outside-main-text", "generic:repeated-line", "generic:repeated:second-copy"])
_CHROME_FREE = frozenset(["body", "boilerplate", "repeated"])


def has_tree(blocks: list[Block]) -> bool:
    return bool(blocks) and blocks[0].path is not None


def label_link_text(blocks: list[Block]) -> None:
    """Drop undecided blocks that are mostly link text (category navigation)."""
    for b in blocks:
        if b.decision is None and b.link_share is not None and b.link_share >= LINK_TEXT_SHARE:
            b.drop("navigation", LINK_REASON)


def refine_by_container(blocks: list[Block], *, has_stopwords: bool) -> None:
    """Keep what lies in the article's element and drop what lies outside it (see the module doc)."""
    weights = _prose_weights(blocks, has_stopwords)
    found = _container(blocks, weights)
    if found is None:
        return
    top, last_inside = found
    inside = [bool(b.path) and top <= (b.path or (0,))[-1] <= last_inside for b in blocks]
    if _second_box(blocks, weights, inside) > SECOND_BOX_SHARE * sum(
        w for w, i in zip(weights, inside, strict=True) if i
    ):
        return  # the prose is spread over several boxes (a service page, a thread): no one container
    kept = [i for i, b in enumerate(blocks) if b.kept and inside[i]]
    first, last = (kept[0], kept[-1]) if kept else (0, -1)
    for i, b in enumerate(blocks):
        if b.kept and not inside[i] and not b.reason.startswith("site:"):
            b.drop("boilerplate", OUTSIDE_REASON)
        elif inside[i] and first <= i <= last and not b.kept and b.reason in _REGION_ONLY:
            b.keep("body", INSIDE_REASON)


def _second_box(blocks: list[Block], weights: list[float], inside: list[bool]) -> float:
    """The prose concentrated in the best element outside the container (kept blocks only)."""
    score: dict[int, float] = {}
    count: dict[int, int] = {}
    for b, w, i in zip(blocks, weights, inside, strict=True):
        path = b.path or ()
        if i or not w or not b.kept or len(path) < 2:
            continue
        for e, share in ((path[-2], 1.0), (path[-3] if len(path) >= 3 else None, GRANDPARENT_WEIGHT)):
            if e is not None:
                score[e] = score.get(e, 0.0) + share * w
                count[e] = count.get(e, 0) + 1
    # one paragraph is a note (a footer's contact line), not a box of content
    return max((s for e, s in score.items() if count[e] >= SECOND_BOX_MIN_BLOCKS), default=0.0)


def _prose_weights(blocks: list[Block], has_stopwords: bool) -> list[float]:
    """Each block's prose words (good: all, near: half), 0 for chrome and short lines."""
    thresholds = stop_thresholds(blocks, has_stopwords)
    weights = []
    for b in blocks:
        klass = prose_class(b, thresholds)
        chrome = b.decision is not None and b.category not in _CHROME_FREE
        if chrome or klass not in ("good", "near"):
            weights.append(0.0)
        else:
            weights.append(float(b.words) if klass == "good" else NEAR_PROSE_WEIGHT * b.words)
    return weights


def _container(blocks: list[Block], weights: list[float]) -> tuple[int, int] | None:
    """The article's element, as its id and the last id inside it (ids run in document order, so the
    elements inside are exactly those between the two): where the prose concentrates, grown while the
    growth is prose. Linear in the blocks and elements, whatever the nesting depth."""
    score: dict[int, float] = {}
    for b, w in zip(blocks, weights, strict=True):
        path = b.path or ()
        if w and len(path) >= 2:
            score[path[-2]] = score.get(path[-2], 0.0) + w
            if len(path) >= 3:
                score[path[-3]] = score.get(path[-3], 0.0) + GRANDPARENT_WEIGHT * w
    if not score:
        return None
    tree = _Subtrees(blocks, weights)
    top = max(score, key=lambda e: (score[e], -e))  # ties: the element that opens first
    while top in tree.parent:
        up = tree.parent[top]
        added_prose = tree.prose[up] - tree.prose[top]
        added_other = tree.other[up] - tree.other[top]
        if added_other > GROW_CHROME_PER_PROSE * added_prose + GROW_SLACK_WORDS:
            break
        top = up
    return top, tree.last[top]


class _Subtrees:
    """Per element on the blocks' paths: its parent, the prose and other words beneath it, its last descendant.

    Each block adds to its own (deepest) element only, and sums climb once per
    element, children before parents (a child's id is always the larger).
    """

    def __init__(self, blocks: list[Block], weights: list[float]) -> None:
        self.parent: dict[int, int] = {}
        self.prose: dict[int, float] = {}
        self.other: dict[int, float] = {}
        for b, w in zip(blocks, weights, strict=True):
            path = b.path or ()
            if not path:
                continue
            own = path[-1]
            self.prose[own] = self.prose.get(own, 0.0) + w
            self.other[own] = self.other.get(own, 0.0) + (0.0 if w else b.words)
            for i in range(len(path) - 1, 0, -1):  # up the path until a known element
                if path[i] in self.parent:
                    break
                self.parent[path[i]] = path[i - 1]
        elements = set(self.parent) | set(self.parent.values()) | set(self.prose)
        self.last = {e: e for e in elements}
        for e in sorted(elements, reverse=True):
            self.prose.setdefault(e, 0.0)
            self.other.setdefault(e, 0.0)
            up = self.parent.get(e)
            if up is not None:
                self.prose[up] = self.prose.get(up, 0.0) + self.prose[e]
                self.other[up] = self.other.get(up, 0.0) + self.other[e]
                self.last[up] = max(self.last[up], self.last[e])

"""Stage 4: the generic classifier.

Three passes, each small:

1. ``label_chrome`` - lexicon and shape rules name a chrome category for
   blocks that look like widgets, menus, captions, appeals, ...;
2. ``prose_class`` + ``find_main_region`` - every block gets a prose score and
   the article is the contiguous run of blocks with the highest total score
   (maximum-sum subarray), so menus before it and widgets after it fall away
   while short lines inside it (subheadings, list items) survive;
3. ``decide`` - keep prose and short lines inside the region unless they are
   chrome; drop everything else, naming the category and the rule.

Blocks already decided by site rules are left alone and count as prose
(kept) or chrome (dropped) when the region is scored.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import re2

from ._features import ends_like_sentence
from ._lexicon import CategoryPatterns, Lexicon
from ._model import DROP, KEEP, Block
from ._prefilter import TRAILING_CHARS, PageScanner, build_scanner, scan_expression
from ._teasers import teaser_tail

# --- prose thresholds (jusText-style, in words rather than characters) ---
GOOD_MIN_WORDS: Final = 10  # a sentence-ending block this long can be body text
LONG_MIN_WORDS: Final = 25  # this long counts as prose even without a full stop
NEAR_MIN_WORDS: Final = 6
STOP_HIGH: Final = 0.30  # stopword density of running prose
STOP_LOW: Final = 0.20
REFERENCE_STOP: Final = 0.42  # typical stopword density of running English prose
# --- region scores ---
SHORT_PENALTY: Final = 1.0  # a short line costs a little: subheadings may sit inside
CHROME_PENALTY: Final = 6.0  # a chrome block costs more, plus half its length
BAD_PENALTY: Final = 3.0
NEAR_WEIGHT: Final = 0.5
# Line, start, end and contains patterns only look at blocks up to this long.
SHORT_MAX_WORDS: Final = 90
# Phrase lexicons only look at blocks this long (short ones use line rules).
PHRASE_MIN_WORDS: Final = 12
# ... and for the call-to-action categories (those with anchors) a long block
# needs one distinct phrase per this many words: a sign-up box is dense with
# its cues, an essay about newsletters mentions them in passing.
PHRASE_WORDS_PER_HIT: Final = 25
# A block whose every word is one glued token this long is a run of tag links.
GLUED_TAGS_MIN_CHARS: Final = 20
# Memo of short-line labels: entries, and the longest line worth memoising.
MEMO_SIZE: Final = 200_000
MEMO_MAX_CHARS: Final = 200
# "ends" patterns look at this many final characters (credits are short).
END_WINDOW: Final = 240
# Phrase lexicons read at most this much of a block (appeals are not 20 MB long).
PHRASE_SAMPLE_CHARS: Final = 5_000
# Categories whose prose-length blocks are still chrome (fluent appeals).
PROSE_CHROME: Final = ("appeal", "subscription", "cookie", "legal")
ANCHOR_SUFFIX: Final = ":anchor"
# An item's own small print: a post's date and poster line, a product's price.
# They are dropped, but inside a thread or a product grid they sit between
# every two items, so in the region search they cost what a short line costs
# instead of breaking the run (wcxb-dev text: with the full chrome penalty,
# pricing and poster lines cost collection pages 0.018 and forums their posts).
# Only between two paragraphs of prose, though: under a teaser's headline a
# date or byline marks where the article ended (aeb text fell 0.002 with every
# date and byline soft).
SOFT_BETWEEN_PROSE: Final = frozenset(("date", "byline"))
# On a page without running prose (a product grid) a price or rating is the
# grid's data: wcxb-dev's gold holds price lines on 39 of its 116 collection pages.
# Its buttons ("Add to cart") are dropped, but cost the grid's region no more than
# a tiny line: one in every item would otherwise split the grid.
GRID_DATA: Final = "commerce"
_DIGIT: Final = re.compile(r"\d")
# A stamp's prose neighbours may be this many blocks away, past chrome and past
# lines of at most STAMP_GAP_MAX_WORDS words (a user name, "Reply Quote Like");
# a teaser's headline is longer, and stops the walk.
SOFT_CONTEXT: Final = 8
STAMP_GAP_MAX_WORDS: Final = 3  # key of a category's anchor-phrase count in phrase hits

# Below this many words of running prose the page is not an article, and the
# main region is searched with list_score instead (short lines count too).
LIST_MODE_MAX_PROSE: Final = 80
LIST_MODE_MAX_PAGE_PROSE: Final = 400  # ...and the whole page has this little,
LIST_MODE_DOMINANCE: Final = 0.45  # or when the best region holds less than this share of the page's prose
# Other content runs scoring at least this share of the main one are kept too
# (the answers below a question, the posts of a thread, a second article part).
SECONDARY_SHARE: Final = 0.25
# A comment thread needs an article before it to be "after the article".
COMMENTS_MIN_PROSE_BEFORE: Final = 50
# A footer cut is weighed against the prose it would remove: a copyright or
# licence line above the article (an open-access notice, a footer that a page
# dump prints before the body) must not take the article with it. The cut
# does not happen when the running prose after the marker is at least this
# many times the prose before it and at least FOOTER_WEIGH_MIN_AFTER words...
FOOTER_WEIGH_RATIO: Final = 4.0
FOOTER_WEIGH_MIN_AFTER: Final = 300
# ... unless this share of that prose speaks the site's small print (legal,
# cookie or sign-up phrases): consent dialogs, policies and forms printed after
# a real footer. On wcxb-dev, the footers printed above an article (PMC, news
# dumps) had 0.00 of it, the policy and consent text after real footers 0.07-0.92.
FOOTER_SMALL_PRINT_MAX: Final = 0.05
SMALL_PRINT_CATEGORIES: Final = ("legal", "cookie", "subscription")
_COMMENT_SECTION: Final = re.compile(
    r"[\[(]?\s*(\d+\s+)?((top|most|all|latest|newest|oldest|best|recent|reader|readers'?|user)\s+(rated\s+)?)?"
    r"(comments|responses|replies|reactions|discussion|conversation)(\s*\(\d+\))?\s*[\])]?\s*:?$"
    r"|(leave|post|write|join|submit) (a|the|your) (comment|reply|conversation|discussion)"
    r"|\d+ (comments?|responses?|replies|thoughts) (on|to)\b|comments are closed|what do you think\??$",
    re.IGNORECASE,
)
# The page footer: nothing after a copyright line belongs to the article.
_FOOTER: Final = re.compile(
    r"(©|\(c\)|copyright\b).{0,80}(\d{4}|all rights reserved)|.{0,80}all rights reserved", re.IGNORECASE
)
_GLUED: Final = re.compile(r"[a-z]+")
_URL_LINE: Final = re.compile(r"(https?://|www\.)\S+")
_URL_PREFIXES: Final = ("http", "www.")  # a cheap test before the regex
# Paragraphs at least this long are checked for copies; blobs at least
# BLOB_MIN_WORDS long that repeat BLOB_COPY_SHARE of their words elsewhere are copies.
COPY_MIN_WORDS: Final = 8
BLOB_MIN_WORDS: Final = 150
BLOB_COPY_SHARE: Final = 0.5
# Where isolated repeats are kept (extracted articles), this many copies in a row still go.
COPY_RUN_MIN: Final = 3


@dataclass(slots=True, init=False)
class Chrome:
    category: str
    rule: str

    # Written out: the dataclass's generated __init__ stays interpreted in the compiled core.
    def __init__(self, category: str, rule: str) -> None:
        self.category = category
        self.rule = rule


class ChromeMatcher:
    """All lexicon patterns compiled into a few combined regular expressions."""

    def __init__(self, lexicon: Lexicon, cache_dir: str | Path | None = None) -> None:
        self.categories = {c.name: c for c in lexicon.categories}
        self.line = self._combine(lexicon.categories, "line")
        self.sets = self._pattern_sets(lexicon.categories)
        self.start = self._combine(lexicon.categories, "start")
        self.end = self._combine(lexicon.categories, "end")
        self.contains = self._combine(lexicon.categories, "contains")
        phrases = sorted({p for c in lexicon.categories for p in c.phrases}, key=lambda p: (-len(p), p))
        # a plain alternation of literals: RE2's automaton scans it ~3x faster than re
        self.phrase = re2.compile("|".join(re2.escape(p) for p in phrases)) if phrases else None
        self.line_max_words = max((c.max_words for c in lexicon.categories if c.line or c.start), default=0)
        self.contains_max_words = max((c.contains_max_words for c in lexicon.categories if c.contains), default=0)
        self._memo: dict[str, Chrome | None] = {}
        self._labels: dict[tuple[str, str], Chrome] = {}
        self.phrase_owner: dict[str, list[CategoryPatterns]] = {}
        for c in lexicon.categories:
            for p in c.phrases:
                self.phrase_owner.setdefault(p, []).append(c)
        # every (kind, category) pattern on its own, in the sets' priority order
        self.checks: list[tuple[str, CategoryPatterns, Any]] = []
        self.scanner: PageScanner | None = None
        self.scan_expressions: list[str] = []  # what the scanner's database is compiled from
        if self.sets is not None:
            self.checks = [
                (kind, self.categories[n], _re2_compile(self.categories[n], kind))
                for kind, _, names in self.sets
                for n in names
            ]
            expressions = [scan_expression(kind, _source(cat, kind)) for kind, cat, _ in self.checks]
            if all(e is not None for e in expressions):
                # ids past the checks are phrases: a block none of them touches needs no phrase count
                literals = [re.escape(p) for p in phrases]
                self.scan_expressions = [e for e in expressions if e is not None] + literals
                self.scanner = build_scanner(self.scan_expressions, cache_dir)

    @staticmethod
    def _pattern_sets(cats: list[CategoryPatterns]) -> list[tuple[str, re2.Set, list[str]]] | None:
        """Each kind of pattern (line, start, end, contains) as one RE2 set.

        One automaton pass per block instead of trying alternatives one by one
        (about 3x faster). None - and the combined ``re`` patterns are used -
        if a lexicon pattern is beyond RE2's syntax.
        """
        options = re2.Options()
        options.case_sensitive = False
        makers = {
            "line": re2.Set.FullMatchSet,
            "start": re2.Set.MatchSet,
            "end": re2.Set.SearchSet,
            "contains": re2.Set.SearchSet,
        }
        sets = []
        try:
            for kind, make in makers.items():
                pattern_set, names = make(options), []
                for c in cats:
                    pattern: re.Pattern[str] | None = getattr(c, kind)
                    if pattern is not None:
                        pattern_set.Add(pattern.pattern)
                        names.append(c.name)
                if names:
                    pattern_set.Compile()
                    sets.append((kind, pattern_set, names))
        except re2.error:
            return None
        return sets

    def _match_sets(self, text: str, norm: str, words: int) -> Chrome | None:
        assert self.sets is not None
        for kind, pattern_set, names in self.sets:
            if kind in ("line", "start") and words > self.line_max_words:
                continue
            target = norm if kind in ("line", "start") else text[-END_WINDOW:] if kind == "end" else text
            for index in sorted(pattern_set.Match(target) or ()):
                cat = self.categories[names[index]]
                if words <= _word_limit(kind, cat):
                    return Chrome(cat.name, f"generic:{cat.name}:{kind}")
        return None

    @staticmethod
    def _combine(cats: list[CategoryPatterns], attr: str) -> re.Pattern[str] | None:
        parts = []
        for c in cats:
            pat: re.Pattern[str] | None = getattr(c, attr)
            if pat is not None:
                parts.append(f"(?P<{c.name}>{pat.pattern})")
        if not parts:
            return None
        body = "|".join(parts)
        return re.compile(body + ("$" if attr == "end" else ""), re.IGNORECASE)

    def match_short(self, text: str, words: int) -> Chrome | None:
        """Chrome label from the line/start/end/contains patterns, memoised.

        Menu and widget lines repeat across the pages of a site, so a bounded
        per-process memo saves most of the regex work on real crawls.
        """
        if len(text) > MEMO_MAX_CHARS:
            return self._match_short(text, words)
        try:
            return self._memo[text]
        except KeyError:
            pass
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()  # bounded: memory stays flat over long runs
        label = self._memo[text] = self._match_short(text, words)
        return label

    def _match_short(self, text: str, words: int) -> Chrome | None:
        norm = _strip_trailing(text)
        if self.sets is not None:
            return self._match_sets(text, norm, words)
        tail = text[-END_WINDOW:]
        for kind, rx in (("line", self.line), ("start", self.start), ("end", self.end)):
            if rx is None or (kind != "end" and words > self.line_max_words):
                continue
            m = rx.fullmatch(norm) if kind == "line" else rx.match(norm) if kind == "start" else rx.search(tail)
            if m is None:
                continue
            name = m.lastgroup or ""
            cat = self.categories.get(name)
            if cat is not None and words <= cat.max_words:
                return Chrome(name, f"generic:{name}:{kind}")
            # the first match was too long for its category: ask the others one by one
            for other in self.categories.values():
                if words <= other.max_words and other.match_short(norm if kind != "end" else tail) == kind:
                    return Chrome(other.name, f"generic:{other.name}:{kind}")
        if self.contains is not None and words <= self.contains_max_words:
            m = self.contains.search(text)
            cat = self.categories.get(m.lastgroup or "") if m else None
            if cat is not None and words <= cat.contains_max_words:
                return Chrome(cat.name, f"generic:{cat.name}:contains")
        return None

    def candidates(self, blocks: list[Block]) -> list[AbstractSet[int]] | None:
        """Per block, the ids of ``checks`` that may match it (None: check every block fully)."""
        return None if self.scanner is None else self.scanner.scan([b.text for b in blocks])

    def confirm(self, text: str, words: int, ids: AbstractSet[int]) -> Chrome | None:
        """The exact label among the prefilter's candidates: the same answer as ``match_short``."""
        norm: bytes | None = None  # RE2 on bytes skips the wrapper's offset decoding
        n_checks = len(self.checks)
        for pid in sorted(ids):
            if pid >= n_checks:
                break  # the rest are phrase ids
            kind, cat, rx = self.checks[pid]
            if words > (cat.contains_max_words if kind == "contains" else cat.max_words):
                continue
            if kind == "line" or kind == "start":
                if norm is None:
                    norm = _strip_trailing(text).encode()
                data = norm
            elif kind == "end":
                data = text[-END_WINDOW:].encode()
            else:
                data = text.encode()
            if _re2_hit(rx, kind, data):
                return self._label(cat.name, kind)
        return None

    def _label(self, category: str, kind: str) -> Chrome:
        """The label ``Chrome(category, "generic:<category>:<kind>")``, one shared instance per rule."""
        key = (category, kind)
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = Chrome(category, f"generic:{category}:{kind}")
        return label

    def may_hold_phrases(self, ids: AbstractSet[int]) -> bool:
        return bool(ids) and max(ids) >= len(self.checks)

    def phrase_hits(self, text: str) -> dict[str, int]:
        """Distinct phrases found per prose-chrome category (one scan of the block)."""
        if self.phrase is None:
            return {}
        # on bytes RE2 finds the same phrases (the wrapper encodes a str to UTF-8 itself)
        # and the wrapper skips its offset decoding; phrases are ASCII or decoded back
        found = {p.decode() for p in self.phrase.findall(text[:PHRASE_SAMPLE_CHARS].lower().encode())}
        hits: dict[str, int] = {}
        for phrase in found:
            for cat in self.phrase_owner.get(phrase, ()):
                hits[cat.name] = hits.get(cat.name, 0) + 1
                if phrase in cat.anchors:
                    hits[cat.name + ANCHOR_SUFFIX] = hits.get(cat.name + ANCHOR_SUFFIX, 0) + 1
        return hits

    def match_phrases(self, hits: dict[str, int], words: int) -> Chrome | None:
        best: tuple[int, str] | None = None
        for cat_name in PROSE_CHROME:
            cat = self.categories.get(cat_name)
            n = hits.get(cat_name, 0)
            if cat is None or n < max(cat.min_phrases, words // PHRASE_WORDS_PER_HIT if cat.anchors else 0):
                continue  # too few cues for the block's length
            if cat.anchors and not hits.get(cat_name + ANCHOR_SUFFIX):
                continue  # only topic words: prose *about* subscriptions or donations
            if best is None or n > best[0]:
                best = (n, cat_name)
        if best is None:
            return None
        return Chrome(best[1], f"generic:{best[1]}:phrases")


# Compiled matchers, one per lexicon (and cache folder) in a process: every Cleaner built with the
# bundled lexicons shares one, so a pipeline building a Cleaner per task or partition compiles the
# patterns (and loads the scan database) once. The lexicon is held, so its id is not reused.
_MATCHERS: dict[tuple[int, str | None], tuple[Lexicon, ChromeMatcher]] = {}
_MATCHERS_KEPT = 8


def chrome_matcher(lexicon: Lexicon, cache_dir: str | Path | None = None) -> ChromeMatcher:
    """The process's compiled ChromeMatcher for ``lexicon``, built on first use."""
    key = (id(lexicon), None if cache_dir is None else str(cache_dir))
    held = _MATCHERS.get(key)
    if held is not None and held[0] is lexicon:
        return held[1]
    matcher = ChromeMatcher(lexicon, cache_dir)
    if len(_MATCHERS) >= _MATCHERS_KEPT:
        _MATCHERS.clear()
    _MATCHERS[key] = (lexicon, matcher)
    return matcher


def _word_limit(kind: str, cat: CategoryPatterns) -> int:
    """The longest block (in words) a category's pattern of this kind may label."""
    return cat.contains_max_words if kind == "contains" else cat.max_words


def _strip_trailing(text: str) -> str:
    """What line and start patterns see: the block without trailing spaces and punctuation."""
    return text.rstrip(TRAILING_CHARS) or text


def _source(cat: CategoryPatterns, kind: str) -> str:
    pattern: re.Pattern[str] | None = getattr(cat, kind)
    assert pattern is not None
    return pattern.pattern


# How each kind of check is anchored, in RE2's own terms (fullmatch, match, search);
# None where the wrapper keeps them elsewhere.
_RE2_ANCHOR: Any = getattr(re2, "_Anchor", None)
_ANCHORS: dict[str, Any] = {
    kind: getattr(_RE2_ANCHOR, name, None)
    for kind, name in (
        ("line", "ANCHOR_BOTH"),
        ("start", "ANCHOR_START"),
        ("end", "UNANCHORED"),
        ("contains", "UNANCHORED"),
    )
}
_NO_MATCH: Final = (-1, -1)


def _re2_hit(rx: Any, kind: str, data: bytes) -> bool:
    """Whether ``rx`` matches ``data`` as a ``kind`` check: what ``rx.fullmatch`` (line),
    ``rx.match`` (start) or ``rx.search`` (end, contains) answer on bytes, asked of RE2
    directly (the wrapper builds a generator and a match object per call, which costs
    more than matching a short line)."""
    raw = getattr(rx, "_regexp", None)
    anchor = _ANCHORS[kind]
    if raw is None or anchor is None:  # another wrapper layout: ask it the usual way
        find = rx.fullmatch if kind == "line" else rx.match if kind == "start" else rx.search
        return find(data) is not None
    return bool(raw.Match(anchor, data, 0, len(data))[0] != _NO_MATCH)


def _re2_compile(cat: CategoryPatterns, kind: str) -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True  # only "does it match" is asked: the DFA can answer that alone
    return re2.compile(_source(cat, kind).encode(), options)


TABLE_ROW: Final = "tr"
_NO_HITS: Final[dict[str, int]] = {}  # shared by every block without phrase hits: never written to


def label_chrome(blocks: list[Block], matcher: ChromeMatcher, second_copies: bool = True) -> list[Chrome | None]:
    """A chrome label (or None) for every block.

    ``second_copies=False`` keeps isolated repeated paragraphs: inside an
    extractor's article (HTML mode) a lone repeat is the author's (a recipe's
    steps, a refrain); only runs of copies (a section printed twice) go.
    """
    labels: list[Chrome | None] = []
    hits: list[dict[str, int]] = []
    candidates = matcher.candidates(blocks)
    for i, b in enumerate(blocks):
        label = None
        # a table row's cells are joined with " | ": data, not a "SECTION | headline" line
        if b.words <= SHORT_MAX_WORDS and b.tag != TABLE_ROW:
            if candidates is None:
                label = matcher.match_short(b.text, b.words)
            elif candidates[i]:
                label = matcher.confirm(b.text, b.words, candidates[i])
        found = b.words >= PHRASE_MIN_WORDS and (candidates is None or matcher.may_hold_phrases(candidates[i]))
        hits.append(matcher.phrase_hits(b.text) if found else _NO_HITS)
        if label is None and hits[-1]:
            label = matcher.match_phrases(hits[-1], b.words)
        if label is None and b.words == 1 and len(b.text) >= GLUED_TAGS_MIN_CHARS and _GLUED.fullmatch(b.text):
            label = Chrome("tags", "generic:tags:glued-links")
        if label is None and b.text.startswith(_URL_PREFIXES) and _URL_LINE.fullmatch(b.text):
            label = Chrome("navigation", "generic:navigation:bare-url")
        labels.append(label)
    _spread_appeals(labels, hits)
    _label_copies(blocks, labels, second_copies)
    return labels


def _label_copies(blocks: list[Block], labels: list[Chrome | None], second_copies: bool = True) -> None:
    """Second copies of a paragraph, and blobs that copy many other blocks.

    Dumps often carry the article twice: a repeated paragraph, or the whole
    text again inside one giant block (structured data, a print version).
    """
    seen: set[str] = set()
    copies: list[list[int]] = [[]]  # runs of consecutive second copies (among paragraph-sized blocks)
    for i, b in enumerate(blocks):
        if b.words < COPY_MIN_WORDS or labels[i] is not None:
            continue
        if b.repeats > 1 and b.text in seen:
            copies[-1].append(i)
        elif copies[-1]:
            copies.append([])
        seen.add(b.text)
    for run in copies:
        # an isolated repeat inside an extracted article is the author's (a recipe's
        # refrain); a run of them is the article printed twice
        if second_copies or len(run) >= COPY_RUN_MIN:
            for i in run:
                labels[i] = Chrome("repeated", "generic:repeated:second-copy")
    pieces = [b for b in blocks if b.words >= COPY_MIN_WORDS and b.words < BLOB_MIN_WORDS]
    for i, b in enumerate(blocks):
        if b.words < BLOB_MIN_WORDS or labels[i] is not None:
            continue
        copied = sum(p.words for p in pieces if p.text in b.text)
        if copied >= BLOB_COPY_SHARE * b.words:
            labels[i] = Chrome("repeated", "generic:repeated:copy-of-other-blocks")


def _spread_appeals(labels: list[Chrome | None], hits: list[dict[str, int]]) -> None:
    """An appeal runs over several paragraphs; its neighbours need only one cue."""
    cued = [i for i, found in enumerate(hits) if found and found.get("appeal")]
    changed = bool(cued)
    while changed:
        changed = False
        for i in cued:
            if labels[i] is not None:
                continue
            near = [labels[j] for j in (i - 1, i + 1) if 0 <= j < len(labels)]
            if any(n is not None and n.category == "appeal" for n in near):
                labels[i] = Chrome("appeal", "generic:appeal:next-to-appeal")
                changed = True


def stop_thresholds(blocks: list[Block], has_stopwords: bool) -> tuple[float, float]:
    """(high, low) stopword-density thresholds for this page.

    Fixed thresholds suit languages with long stopword lists; where a list is
    short (or the language terse) even the page's best prose scores low, so
    the thresholds follow the density of the page's longest blocks.
    """
    if not has_stopwords:
        return 0.0, 0.0
    long = sorted((b.stop_ratio for b in blocks if b.words >= LONG_MIN_WORDS), reverse=True)
    if len(long) < 3:
        return STOP_HIGH, STOP_LOW
    reference = long[len(long) // 4]  # upper quartile of the long blocks
    scale = min(1.0, reference / REFERENCE_STOP)
    return STOP_HIGH * scale, STOP_LOW * scale


def prose_class(b: Block, thresholds: tuple[float, float]) -> str:
    """'good', 'near', 'short' or 'bad', in the spirit of jusText."""
    if b.words < NEAR_MIN_WORDS:
        return "short"
    high, low = thresholds
    if b.stop_ratio >= high and (
        b.words >= LONG_MIN_WORDS or (b.words >= GOOD_MIN_WORDS and ends_like_sentence(b.text))
    ):
        return "good"
    if b.stop_ratio >= low:
        return "near"
    return "bad"


def block_score(b: Block, klass: str, chrome: Chrome | None) -> float:
    if b.decision == KEEP:
        return float(max(b.words, 1))
    if b.decision == DROP or chrome is not None:
        return -(CHROME_PENALTY + 0.5 * min(b.words, 40))
    if klass == "good":
        return float(b.words)
    if klass == "near":
        # headline-shaped lines (no closing punctuation) are what teaser lists are made of
        return NEAR_WEIGHT * b.words if ends_like_sentence(b.text) else -SHORT_PENALTY
    if klass == "bad":
        return -(BAD_PENALTY + 0.25 * min(b.words, 40))
    return -SHORT_PENALTY * (2.0 if b.repeats > 1 else 1.0)


def region_scores(blocks: list[Block], classes: list[str], labels: list[Chrome | None]) -> list[float]:
    """``block_score`` of every block, an item's stamp between two paragraphs costing only a short line's."""
    scores = [block_score(b, k, c) for b, k, c in zip(blocks, classes, labels, strict=True)]
    for i, label in enumerate(labels):
        if label is None or blocks[i].decision is not None:
            continue
        if (
            label.category in SOFT_BETWEEN_PROSE
            and _prose_beside(blocks, classes, labels, i, -1)
            and _prose_beside(blocks, classes, labels, i, 1)
        ):
            scores[i] = -SHORT_PENALTY
    return scores


def _prose_beside(blocks: list[Block], classes: list[str], labels: list[Chrome | None], i: int, step: int) -> bool:
    """Whether the first block from ``i`` in direction ``step`` past chrome and tiny lines is prose."""
    j = i + step
    for _ in range(SOFT_CONTEXT):
        if not 0 <= j < len(labels):
            return False
        if labels[j] is None and blocks[j].words > STAMP_GAP_MAX_WORDS:
            return classes[j] == "good"
        j += step
    return False


def _prose_words(blocks: list[Block], classes: list[str], region: tuple[int, int], labels: list[Chrome | None]) -> int:
    return sum(blocks[i].words for i in range(*region) if classes[i] == "good" and labels[i] is None)


def keep_grid_data(blocks: list[Block], labels: list[Chrome | None]) -> None:
    """Unlabel the prices and ratings of a page without running prose: there they are the listing's data."""
    for i, label in enumerate(labels):
        if label is not None and label.category == GRID_DATA and _DIGIT.search(blocks[i].text):
            labels[i] = None


def list_score(b: Block, chrome: Chrome | None) -> float:
    """Region score for pages without running prose: any non-chrome line counts."""
    if b.decision == KEEP:
        return float(max(b.words, 1))
    if chrome is not None and chrome.category == GRID_DATA and b.decision is None:
        return -0.5
    if b.decision == DROP or chrome is not None:
        return -(CHROME_PENALTY + 0.5 * min(b.words, 40))
    if b.repeats > 1:
        return -2.0
    if b.words <= 2:
        return -0.5
    return 0.5 * min(b.words, 40)


def find_main_region(scores: list[float]) -> tuple[int, int]:
    """Maximum-sum contiguous run [start, end); (0, 0) when nothing scores."""
    best, best_start, best_end = 0.0, 0, 0
    run, run_start = 0.0, 0
    for i, s in enumerate(scores):
        if run <= 0:
            run, run_start = s, i
        else:
            run += s
        if run > best:
            best, best_start, best_end = run, run_start, i + 1
    return best_start, best_end


def secondary_regions(scores: list[float], main: tuple[int, int], share: float) -> list[tuple[int, int]]:
    """Other runs scoring at least ``share`` of the main run (forum posts, Q&A answers)."""
    best = sum(scores[main[0] : main[1]])
    found: list[tuple[int, int]] = []
    todo = [(0, main[0]), (main[1], len(scores))]
    while todo:
        lo, hi = todo.pop()
        if hi - lo <= 0:
            continue
        s, e = find_main_region(scores[lo:hi])
        if e > s and sum(scores[lo + s : lo + e]) >= share * best:
            found.append((lo + s, lo + e))
            todo += [(lo, lo + s), (lo + e, hi)]
    return sorted(found)


def comment_section_start(blocks: list[Block], labels: list[Chrome | None], classes: list[str]) -> int:
    """Index of the heading that opens a comment thread after the article.

    Comment threads are fluent prose too, and often longer than the article,
    so the region search alone would happily swallow them.
    """
    prose = 0
    maybe = comment_candidates(blocks)
    for i, b in enumerate(blocks):
        if prose >= COMMENTS_MIN_PROSE_BEFORE and b.words <= 30 and (maybe is None or i in maybe):
            text = b.text
            if (b.words <= 12 and _COMMENT_SECTION.match(text)) or _FOOTER.match(text):
                return i
        if labels[i] is None and classes[i] == "good":
            prose += b.words
    return len(blocks)


# Words one of which every _COMMENT_SECTION alternative spells, and the start and phrase
# every _FOOTER match has, in lower case: a line holding none of them matches neither pattern.
_SECTION_CUES: Final = (
    "comment",
    "respons",
    "repl",
    "reaction",
    "discussion",
    "conversation",
    "thought",
    "what do you think",
)
_FOOTER_CUE: Final = "all rights reserved"
_FOOTER_STARTS: Final = ("©", "(", "c")  # lower case: "C" too
# The characters other than ASCII letters that IGNORECASE matches to an ASCII letter ("ı" to
# "i", "ſ" to "s", the Kelvin sign to "k"), where str.lower() may not give that letter.
CASE_SPECIALS: Final = "\u0130\u0131\u017f\u212a"
# What they look like after lower(): "ı" and "ſ" stay, "İ" becomes "i" and a combining dot
# (U+0307), the Kelvin sign becomes "k" (which is what the patterns match it as).
_CASE_SPECIALS: Final = "\u0131\u017f\u0307"


def comment_candidates(blocks: list[Block]) -> set[int] | None:
    """The blocks that _COMMENT_SECTION or _FOOTER may match; None when any may.

    One lower-casing and one search per cue over the whole page, instead of two
    regexes (one with a backtracking ".{0,80}") on every short line.
    """
    lines = [b.text.lower() for b in blocks]  # line by line: mostly ASCII, where lower() is fast
    lower = "\n".join(lines)
    if lower.count("\n") != len(blocks) - 1 or any(map(lower.__contains__, _CASE_SPECIALS)):
        return None  # a block holding a line break; a letter that lower() does not fold as IGNORECASE does
    found = {i for i, line in enumerate(lines) if line.startswith(_FOOTER_STARTS)}
    starts = [0]  # where each line starts in ``lower``
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for cue in (*_SECTION_CUES, _FOOTER_CUE):
        at = lower.find(cue)
        while at >= 0:
            i = bisect_right(starts, at) - 1
            found.add(i)
            at = lower.find(cue, starts[i + 1])  # on from the next line
    return found


def trim_teasers(
    blocks: list[Block], labels: list[Chrome | None], classes: list[str], region: tuple[int, int]
) -> tuple[int, int]:
    """The region without the run of other items' teasers that ends it (labelled ``related``)."""
    run = teaser_tail(blocks, classes, [None if label is None else label.category for label in labels], region)
    if run is None:
        return region
    for i in run.indices:
        labels[i] = Chrome("related", "generic:related:teaser-run")
    return region[0], run.start


def weigh_footer_cut(
    blocks: list[Block], labels: list[Chrome | None], classes: list[str], cut: int, matcher: ChromeMatcher
) -> int:
    """The footer cut at ``cut``, or a later one, if the first would remove far more prose than it should.

    An outweighed marker becomes a drop of that line alone (``legal``), and the
    search for the article's end goes on after it.
    """
    while cut < len(blocks) and _FOOTER.match(blocks[cut].text):
        before = _prose_words(blocks, classes, (0, cut), labels)
        after = [i for i in range(cut + 1, len(blocks)) if classes[i] == "good" and labels[i] is None]
        after_words = sum(blocks[i].words for i in after)
        if after_words < max(FOOTER_WEIGH_MIN_AFTER, FOOTER_WEIGH_RATIO * before):
            return cut
        if _small_print_words(blocks, after, matcher) > FOOTER_SMALL_PRINT_MAX * after_words:
            return cut
        if labels[cut] is None:
            labels[cut] = Chrome("legal", "generic:legal:outweighed-footer")
        rest = cut + 1
        cut = rest + comment_section_start(blocks[rest:], labels[rest:], classes[rest:])
    return cut


def _small_print_words(blocks: list[Block], indices: list[int], matcher: ChromeMatcher) -> int:
    """Words of the blocks at ``indices`` that hold a legal, cookie or sign-up phrase."""
    words = 0
    for i in indices:
        hits = matcher.phrase_hits(blocks[i].text)
        if any(hits.get(c) for c in SMALL_PRINT_CATEGORIES):
            words += blocks[i].words
    return words


@dataclass(slots=True)
class BlockContext:
    """What the passes before the decision found."""

    classes: list[str]  # prose class of every block
    region: tuple[int, int]  # the main text, [start, end)
    article_end: int  # index of the comment-thread or footer marker (len(blocks) if none)
    end_category: str = "comments"
    extra: list[tuple[int, int]] = field(default_factory=list)  # secondary content runs
    # A short line recurring on a full page is a menu entry; inside an extractor's
    # article (use_region=False) menus are gone and it is the text's own structure
    # (a meal plan's "Meal 1", a table's row labels).
    repeats_are_chrome: bool = True


def decide(blocks: list[Block], labels: list[Chrome | None], ctx: BlockContext) -> None:
    inside = [False] * len(blocks)
    for lo, hi in [ctx.region, *ctx.extra]:
        inside[lo:hi] = [True] * (hi - lo)
    for i, b in enumerate(blocks):
        if b.decision is not None:
            continue
        chrome, klass = labels[i], ctx.classes[i]
        if chrome is not None:
            b.drop(chrome.category, chrome.rule)
        elif i >= ctx.article_end:
            b.drop(ctx.end_category, f"generic:{ctx.end_category}:after-article-end")
        elif not inside[i]:
            b.drop("boilerplate", "generic:outside-main-text")
        elif klass in ("good", "near"):
            b.keep("body", f"generic:prose:{klass}")
        elif klass == "short" and b.repeats > 1 and ctx.repeats_are_chrome:
            b.drop("repeated", "generic:repeated-line")
        else:
            b.keep("body", f"generic:in-main-text:{klass}")


def analyse(
    blocks: list[Block], matcher: ChromeMatcher, has_stopwords: bool, use_region: bool = True
) -> tuple[list[Chrome | None], BlockContext]:
    """The passes before the decision: chrome labels, prose classes, comment thread, region."""
    labels = label_chrome(blocks, matcher, second_copies=use_region)
    thresholds = stop_thresholds(blocks, has_stopwords)
    classes = [prose_class(b, thresholds) for b in blocks]
    comments_from = comment_section_start(blocks, labels, classes) if use_region else len(blocks)
    if use_region:
        comments_from = weigh_footer_cut(blocks, labels, classes, comments_from, matcher)
        scores = region_scores(blocks, classes, labels)
        region = find_main_region(scores[:comments_from])
        region_prose = _prose_words(blocks, classes, region, labels)
        small = (
            region_prose < LIST_MODE_MAX_PROSE
            and _prose_words(blocks, classes, (0, len(blocks)), labels) < LIST_MODE_MAX_PAGE_PROSE
        )
        scattered = region_prose < LIST_MODE_DOMINANCE * _prose_words(blocks, classes, (0, comments_from), labels)
        if small or scattered:
            # no article here: a product grid, a listing, a service page
            keep_grid_data(blocks, labels)
            scores = [list_score(b, c) for b, c in zip(blocks, labels, strict=True)]
            region = find_main_region(scores[:comments_from])
        else:
            region = trim_teasers(blocks, labels, classes, region)
        extra = secondary_regions(scores[:comments_from], region, SECONDARY_SHARE)
    else:
        region = (0, len(blocks))
        extra = []
    end_category = "footer" if comments_from < len(blocks) and _FOOTER.match(blocks[comments_from].text) else "comments"
    return labels, BlockContext(
        classes=classes,
        region=region,
        article_end=comments_from,
        end_category=end_category,
        extra=extra,
        repeats_are_chrome=use_region,
    )


def classify(blocks: list[Block], matcher: ChromeMatcher, has_stopwords: bool, use_region: bool = True) -> None:
    """Decide every block that site rules left undecided."""
    labels, ctx = analyse(blocks, matcher, has_stopwords, use_region)
    decide(blocks, labels, ctx)

"""Stage 4b: a fitted linear model that turns block features into P(article).

The lexicon and the region search give strong but coarse signals; the model
weighs them together with the block's own shape and its neighbourhood
(jusText's context revision, learned instead of hand-set). Weights are data
(``data/weights.json``), produced by ``bench/fit_weights.py`` from the public
benchmark pages; the feature list below is the contract between the two, so
the fitting script imports it from here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ._features import ends_like_sentence
from ._model import DROP, KEEP, Block

# Chrome categories grouped into the few families the model sees.
CHROME_GROUPS = {
    "navigation": "nav", "share": "nav", "loading": "nav", "media": "nav", "gallery": "nav", "weather": "nav",
    "related": "related", "podcast": "related", "video": "related", "lottery": "related", "ticker": "related",
    "subscription": "appeal", "appeal": "appeal", "advertisement": "appeal", "cookie": "appeal",
    "legal": "legal", "notice": "legal", "tags": "legal",
    "date": "meta", "byline": "meta", "credit": "meta", "caption": "meta",
    "comments": "comments",
}  # fmt: skip
GROUPS = ("nav", "related", "appeal", "legal", "meta", "comments")
FEATURES = (
    "bias", "log_words", "stop", "terminal", "short", "good", "near", "bad", "chrome",
    *(f"chrome_{g}" for g in GROUPS),
    "repeated", "digits", "capitalised", "pipe", "gap", "in_region", "before_region", "after_region",
    "region_short", "region_bad", "region_near", "rel_pos", "ctx1_good", "ctx2_good", "ctx5_good",
    "ctx5_chrome", "prev_good", "next_good", "prev_chrome", "next_chrome", "region_share",
    "in_comments", "avg_word_len", "link_like",
)  # fmt: skip
_DIGIT = re.compile(r"\d")
_LINK_LIKE = re.compile(r"https?://|www\.|\.(com|org|net|html?)\b|[»›→]|\(\d+\)$")


@dataclass(slots=True)
class BlockContext:
    """What the earlier passes found, handed to the feature builder."""

    classes: list[str]
    chrome: list[str | None]  # chrome category or None
    region: tuple[int, int]
    comments_from: int  # index where a comment section starts (len(blocks) if none)


def _good_share(blocks: list[Block], ctx: BlockContext, lo: int, hi: int, skip: int) -> float:
    total = good = 0
    for j in range(max(0, lo), min(len(blocks), hi)):
        if j == skip:
            continue
        w = blocks[j].words + 1
        total += w
        if ctx.classes[j] == "good" and ctx.chrome[j] is None:
            good += w
    return good / total if total else 0.0


def _chrome_share(ctx: BlockContext, lo: int, hi: int, skip: int) -> float:
    idx = [j for j in range(max(0, lo), min(len(ctx.chrome), hi)) if j != skip]
    return sum(1 for j in idx if ctx.chrome[j] is not None) / len(idx) if idx else 0.0


def feature_rows(blocks: list[Block], ctx: BlockContext) -> list[list[float]]:
    n = len(blocks)
    start, end = ctx.region
    region_words = sum(b.words for b in blocks[start:end])
    page_words = sum(b.words for b in blocks) or 1
    rows = []
    for i, b in enumerate(blocks):
        klass, chrome = ctx.classes[i], ctx.chrome[i]
        group = CHROME_GROUPS.get(chrome or "", "")
        inside = start <= i < end
        text = b.text
        letters = sum(1 for t in text.split() if t[:1].isupper())
        tokens = max(1, len(text.split()))
        row = [
            1.0,
            math.log1p(b.words),
            b.stop_ratio,
            float(ends_like_sentence(text)),
            float(klass == "short"),
            float(klass == "good"),
            float(klass == "near"),
            float(klass == "bad"),
            float(chrome is not None),
            *(float(group == g) for g in GROUPS),
            float(b.repeats > 1),
            min(1.0, len(_DIGIT.findall(text)) / max(1, len(text))),
            letters / tokens,
            float("|" in text),
            float(b.gap_before),
            float(inside),
            float(i < start),
            float(i >= end),
            float(inside and klass == "short"),
            float(inside and klass == "bad"),
            float(inside and klass == "near"),
            i / n,
            _good_share(blocks, ctx, i - 1, i + 2, i),
            _good_share(blocks, ctx, i - 2, i + 3, i),
            _good_share(blocks, ctx, i - 5, i + 6, i),
            _chrome_share(ctx, i - 5, i + 6, i),
            float(i > 0 and ctx.classes[i - 1] == "good"),
            float(i + 1 < n and ctx.classes[i + 1] == "good"),
            float(i > 0 and ctx.chrome[i - 1] is not None),
            float(i + 1 < n and ctx.chrome[i + 1] is not None),
            region_words / page_words,
            float(i >= ctx.comments_from),
            min(3.0, len(text) / tokens / 5.0),
            float(_LINK_LIKE.search(text) is not None),
        ]
        rows.append(row)
    return rows


@dataclass(slots=True)
class LinearModel:
    weights: list[float]
    threshold: float = 0.5

    def probability(self, row: list[float]) -> float:
        z = sum(w * x for w, x in zip(self.weights, row, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def default_model() -> LinearModel | None:
    """The shipped weights, or None if they are missing or for other features."""
    try:
        raw = resources.files("cleaner").joinpath("data", "weights.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    spec = json.loads(raw)
    if tuple(spec.get("features", ())) != FEATURES:
        return None  # stale weights: fall back to the rule-based decision
    return LinearModel(weights=[float(w) for w in spec["weights"]], threshold=float(spec.get("threshold", 0.5)))


__all__ = ["DROP", "FEATURES", "KEEP", "BlockContext", "LinearModel", "default_model", "feature_rows"]

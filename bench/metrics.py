"""The benchmark metric, replicated exactly from ``shared/bench/score.py``.

* ``F1`` - mean over pages of the bag-of-words F1 over lower-cased ``\\w+`` tokens
  (the WCXB metric); ``P`` and ``R`` are the means of the per-page values.
* ``shingleF1`` - harmonic mean of the mean per-page precision and mean per-page
  recall over 4-token shingles, case kept (the scrapinghub metric).

``tests/test_bench_metrics.py`` checks these functions against the reference
script when the data folder is present.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

TOKEN = re.compile(r"\w+")


def bag_prf(pred: str | None, gold: str | None) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of one page."""
    p = Counter(t.lower() for t in TOKEN.findall(pred or ""))
    g = Counter(t.lower() for t in TOKEN.findall(gold or ""))
    tp, np_, ng = sum((p & g).values()), sum(p.values()), sum(g.values())
    if np_ == 0 and ng == 0:
        return 1.0, 1.0, 1.0
    pr = tp / np_ if np_ else 0.0
    rc = tp / ng if ng else 1.0
    return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)


def _shingles(text: str | None, n: int) -> Counter[tuple[str, ...]]:
    toks = TOKEN.findall(text or "")
    if not toks:
        return Counter()
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)))


def shingle_pr(pred: str | None, gold: str | None, n: int = 4) -> tuple[float, float]:
    """Shingle precision and recall of one page."""
    p, g = _shingles(pred, n), _shingles(gold, n)
    tp, fp, fn = sum((p & g).values()), sum((p - g).values()), sum((g - p).values())
    if tp + fp + fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read JSON lines, splitting on '\\n' only (strings may hold U+2028 and the like)."""
    text = Path(path).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def page_scores(pred: str | None, gold: str | None) -> dict[str, float]:
    """All per-page numbers: bag P/R/F1 and shingle P/R."""
    p, r, f = bag_prf(pred, gold)
    sp, sr = shingle_pr(pred, gold)
    return {"P": p, "R": r, "F1": f, "sP": sp, "sR": sr}


def aggregate(per_page: Iterable[Mapping[str, float]]) -> dict[str, float | int]:
    """Set-level figures as score.py prints them (P, R, F1 means; shingle F1 of means)."""
    rows = list(per_page)
    n = len(rows)
    d = n or 1
    P = sum(r["P"] for r in rows) / d
    R = sum(r["R"] for r in rows) / d
    F = sum(r["F1"] for r in rows) / d
    SP = sum(r["sP"] for r in rows) / d
    SR = sum(r["sR"] for r in rows) / d
    sf = 2 * SP * SR / (SP + SR) if SP + SR else 0.0
    return {
        "n": n,
        "P": round(P, 4),
        "R": round(R, 4),
        "F1": round(F, 4),
        "shingleP": round(SP, 4),
        "shingleR": round(SR, 4),
        "shingleF1": round(sf, 4),
    }


def score_set(preds: Mapping[str, str], gold: Iterable[Mapping[str, Any]]) -> dict[str, float | int]:
    """Score ``{id: text}`` against gold rows; a page missing from preds scores as empty."""
    return aggregate(page_scores(preds.get(str(g["id"]), ""), g.get("text")) for g in gold)

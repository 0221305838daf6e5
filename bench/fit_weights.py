"""Fit the block model's weights (cleaner/data/weights.json) on benchmark text dumps.

    python -m bench.fit_weights --train wcxb-dev --eval aeb [--write]

Each block of a full-page text dump is labelled "article" when most of its
word trigrams occur in the page's gold text (short blocks: when they are a
line of the gold text). A logistic regression over ``cleaner._scoring``'s
features is fitted with each block weighted by its share of the page's words,
so that every page counts the same, as in the mean-over-pages F1 metric. The
decision threshold is chosen on the training pages. The shipped weights are
fitted on wcxb-dev only, so aeb stays a held-out set for the figures we quote.
Needs numpy (in the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

from cleaner import Cleaner
from cleaner._classify import analyse
from cleaner._features import compute_features
from cleaner._scoring import FEATURES, feature_rows
from cleaner._segment import split_blocks

DATA = Path(os.environ.get("CLEANER_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "bench"))
WEIGHTS = Path(__file__).resolve().parents[1] / "cleaner" / "data" / "weights.json"
TOKEN = re.compile(r"\w+")
L2 = 1e-3
ITERATIONS = 60


def read_gold(set_dir: Path) -> list[dict[str, Any]]:
    text = (set_dir / "gold.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def _trigrams(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def page_examples(cleaner: Cleaner, text: str, gold: str) -> tuple[list[list[float]], list[int], list[float]]:
    """Feature rows, labels and weights of the blocks the model would decide."""
    blocks = split_blocks(text)
    if not blocks:
        return [], [], []
    lang = compute_features(blocks, cleaner.lexicon)
    stop = cleaner.lexicon.stopwords.get(lang or "")
    labels, ctx = analyse(blocks, cleaner.matcher, has_stopwords=bool(stop))
    rows = feature_rows(blocks, ctx)
    gold_tokens = [t.lower() for t in TOKEN.findall(gold)]
    gold_tri = _trigrams(gold_tokens)
    gold_lines = {" ".join(TOKEN.findall(line.lower())) for line in gold.split("\n") if line.strip()}
    page_words = sum(b.words for b in blocks) or 1
    xs, ys, ws = [], [], []
    for i, b in enumerate(blocks):
        if labels[i] is not None or i >= ctx.comments_from:
            continue  # decided by rules, not by the model
        tokens = [t.lower() for t in TOKEN.findall(b.text)]
        if not tokens:
            continue
        if len(tokens) >= 3:
            tri = _trigrams(tokens)
            label = int(len(tri & gold_tri) >= 0.5 * len(tri))
        else:
            label = int(" ".join(tokens) in gold_lines)
        xs.append(rows[i])
        ys.append(label)
        ws.append((b.words + 1) / page_words)
    return xs, ys, ws


def collect(cleaner: Cleaner, set_name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    set_dir = DATA / set_name
    X: list[list[float]] = []
    Y: list[int] = []
    W: list[float] = []
    for row in read_gold(set_dir):
        path = set_dir / "text" / f"{row['id']}.txt"
        if not path.exists():
            continue
        xs, ys, ws = page_examples(cleaner, path.read_text(encoding="utf-8", errors="replace"), row["text"])
        X += xs
        Y += ys
        W += ws
    return np.array(X), np.array(Y, dtype=float), np.array(W)


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted, L2-regularised logistic regression by Newton's method."""
    beta = np.zeros(X.shape[1])
    w = w / w.mean()
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ beta, -30, 30)))
        grad = X.T @ (w * (p - y)) / len(y) + L2 * beta
        hess = (X.T * (w * p * (1 - p))) @ X / len(y) + L2 * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta


def evaluate(set_name: str, weights: list[float], threshold: float) -> dict[str, float]:
    """Run the real pipeline with these weights and score it like score.py."""
    from cleaner import _scoring

    _scoring.default_model.cache_clear()
    model = _scoring.LinearModel(weights=weights, threshold=threshold)
    original = _scoring.default_model
    import cleaner._classify as classify_mod

    classify_mod.default_model = lambda: model  # type: ignore[assignment]
    try:
        sys.path.insert(0, str(DATA))
        from score import bag_prf  # type: ignore[import-not-found]

        cl = Cleaner(mode="text", site_rules=False)
        set_dir = DATA / set_name
        f1s = []
        for row in read_gold(set_dir):
            path = set_dir / "text" / f"{row['id']}.txt"
            result = cl.clean(path.read_bytes())
            f1s.append(bag_prf(result.text, row["text"])[2])
    finally:
        classify_mod.default_model = original
    return {"F1": round(float(np.mean(f1s)), 4), "n": len(f1s)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default="wcxb-dev")
    ap.add_argument("--eval", default="aeb")
    ap.add_argument("--write", action="store_true", help=f"write {WEIGHTS.name}")
    args = ap.parse_args()
    cleaner = Cleaner(mode="text", site_rules=False)
    X, y, w = collect(cleaner, args.train)
    print(f"{args.train}: {len(y)} blocks, {int(y.sum())} article", file=sys.stderr)
    beta = fit(X, y, w)
    weights = [round(float(b), 5) for b in beta]
    best = max(
        ((t, evaluate(args.train, weights, t)["F1"]) for t in (0.3, 0.4, 0.5, 0.6)),
        key=lambda pair: pair[1],
    )
    threshold = best[0]
    report = {
        "train": {args.train: best[1]},
        "held_out": {args.eval: evaluate(args.eval, weights, threshold)["F1"]},
    }
    print(json.dumps({"threshold": threshold, **report}), file=sys.stderr)
    for name, value in sorted(zip(FEATURES, weights, strict=True), key=lambda p: -abs(p[1])):
        print(f"  {name:16s} {value:+.3f}", file=sys.stderr)
    if args.write:
        spec = {
            "about": "Logistic-regression weights for cleaner._scoring; made by bench/fit_weights.py",
            "trained_on": args.train,
            "figures": report,
            "threshold": threshold,
            "features": list(FEATURES),
            "weights": weights,
        }
        WEIGHTS.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS}", file=sys.stderr)


if __name__ == "__main__":
    main()

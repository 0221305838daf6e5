"""Cleaner's HTML mode against trafilatura, same pages, same processes.

usage: python bench/html_eval.py [--sets aeb,wcxb-dev] [--limit N] [--workers 2] [--keep DIR]

Every page is run through three systems inside the same worker, in rotating
order, each call timed on its own: cleaner (``Cleaner(site_rules=False,
mode="html")``, generic engine), trafilatura ``extract()`` with default
settings, and trafilatura ``extract(favor_precision=True)``. Predictions go
to JSONL files in a temporary folder (or ``--keep DIR``) and are scored with
the functions of the benchmark's own ``score.py``.

Metadata accuracy (sets whose gold has title/author/date, i.e. wcxb-dev),
over the pages whose gold field is not null:
- title: exact match after normalising both sides (Unicode NFKC, case-folded,
  whitespace collapsed, surrounding punctuation stripped);
- author: the same, as a set of names: both sides are split on list
  separators (";", ",", "&", " and ") so "A, B and C" equals "A; B; C";
- date: same calendar day (the first 10 characters, YYYY-MM-DD).
trafilatura's metadata is ``trafilatura.extract_metadata`` on the same bytes
(timed apart: ``extract()`` itself does not compute metadata).

pages/s = pages / summed CPU time (``time.process_time``) of that system's
calls (decode + parse + extraction, and for cleaner also metadata and
classification): CPU time, because other work on a shared machine inflates
wall time unevenly between systems.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import logging
import multiprocessing
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path("/work/shared/bench")
SYSTEMS = ("cleaner", "trafilatura", "trafilatura_precision")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")

_CLEANER: Any = None


def _load_score(bench: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_score", bench / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {bench / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    # split on "\n" only: gold strings hold other Unicode line separators
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def _init_worker() -> None:
    global _CLEANER
    logging.disable(logging.CRITICAL)
    from cleaner._pipeline import Cleaner

    _CLEANER = Cleaner(site_rules=False, mode="html")


def _run_cleaner(data: bytes, url: str | None) -> tuple[str, dict[str, Any]]:
    result = _CLEANER.clean(data, url=url)
    meta = result.metadata
    return result.text, {"title": meta.title, "author": meta.author, "date": meta.date}


def _run_trafilatura(data: bytes, url: str | None, precision: bool) -> str:
    import trafilatura

    text = trafilatura.extract(data, url=url, include_comments=False, favor_precision=precision)
    return text or ""


def _run_meta(data: bytes, url: str | None) -> dict[str, Any]:
    from trafilatura import extract_metadata

    doc = extract_metadata(data, url)
    return {"title": doc.title, "author": doc.author, "date": doc.date}


def run_page(job: tuple[int, str, str | None, str]) -> dict[str, Any]:
    """All systems on one page; order rotates with the page number."""
    n, page_id, url, path = job
    with gzip.open(path) as fh:
        data = fh.read()
    calls = {
        "cleaner": lambda: _run_cleaner(data, url),
        "trafilatura": lambda: (_run_trafilatura(data, url, False), None),
        "trafilatura_precision": lambda: (_run_trafilatura(data, url, True), None),
    }
    out: dict[str, Any] = {"id": page_id, "text": {}, "time": {}, "meta": {}}
    order = SYSTEMS[n % 3 :] + SYSTEMS[: n % 3]
    for name in order:
        start = time.process_time()
        try:
            text, meta = calls[name]()
        except Exception as exc:  # a crash scores as an empty page, and is reported
            text, meta = "", None
            out.setdefault("errors", []).append(f"{name}: {type(exc).__name__}: {exc}")
        out["time"][name] = time.process_time() - start
        out["text"][name] = text
        if meta is not None:
            out["meta"][name] = meta
    out["meta"]["trafilatura"] = _run_meta(data, url)
    return out


def _norm(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFKC", value).casefold()
    return _EDGE_PUNCT.sub("", _SPACES.sub(" ", value).strip())


_NAME_SEP = re.compile(r"\s*(?:;|,|&|\band\b)\s*", re.IGNORECASE)


def _names(value: Any) -> frozenset[str]:
    parts = _NAME_SEP.split(value) if isinstance(value, str) else []
    return frozenset(n for n in (_norm(p) for p in parts) if n)


def meta_match(field: str, pred: Any, gold: Any) -> bool:
    if not pred or not gold:
        return False
    if field == "date":
        return str(pred)[:10] == str(gold)[:10]
    if field == "author":
        return _names(pred) == _names(gold)
    return _norm(pred) == _norm(gold)


def meta_accuracy(gold: list[dict[str, Any]], runs: dict[str, dict[str, Any]], system: str) -> dict[str, float]:
    acc: dict[str, float] = {}
    for field in ("title", "author", "date"):
        pages = [g for g in gold if g.get(field)]
        if not pages:
            continue
        hits = 0
        for g in pages:
            pred = runs[str(g["id"])]["meta"].get(system, {}).get(field)
            hits += meta_match(field, pred, g[field])
        acc[field] = hits / len(pages)
    return acc


def score(score_mod: ModuleType, gold: list[dict[str, Any]], preds: dict[str, str]) -> dict[str, float]:
    f = sp = sr = 0.0
    for g in gold:
        pred = preds.get(str(g["id"]), "")
        f += score_mod.bag_prf(pred, g["text"])[2]
        p, r = score_mod.shingle_pr(pred, g["text"])
        sp, sr = sp + p, sr + r
    n = len(gold) or 1
    sp, sr = sp / n, sr / n
    return {"F1": f / n, "shingleF1": 2 * sp * sr / (sp + sr) if sp + sr else 0.0}


def run_set(set_dir: Path, limit: int | None, workers: int, out_dir: Path) -> dict[str, Any]:
    gold = read_jsonl(set_dir / "gold.jsonl")[:limit]
    jobs = [(i, str(g["id"]), g.get("url"), str(set_dir / "html" / f"{g['id']}.html.gz")) for i, g in enumerate(gold)]
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker) as pool:
        runs = {r["id"]: r for r in pool.imap_unordered(run_page, jobs, chunksize=4)}
    for name in SYSTEMS:
        with (out_dir / f"{set_dir.name}.{name}.jsonl").open("w", encoding="utf-8") as fh:
            for g in gold:
                fh.write(json.dumps({"id": str(g["id"]), "text": runs[str(g["id"])]["text"][name]}) + "\n")
    errors = [e for r in runs.values() for e in r.get("errors", [])]
    return {"gold": gold, "runs": runs, "errors": errors}


def report(set_name: str, res: dict[str, Any], score_mod: ModuleType) -> None:
    gold, runs = res["gold"], res["runs"]
    articles = [g for g in gold if g.get("page_type") == "article"]
    has_meta = any(g.get("title") for g in gold)
    print(f"\n## {set_name} ({len(gold)} pages)\n")
    head = "| system | F1 | shingleF1 | pages/s |"
    if articles:
        head += " articles F1 | articles shingleF1 |"
    if has_meta:
        head += " title | author | date |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in SYSTEMS:
        preds = {pid: r["text"][name] for pid, r in runs.items()}
        s = score(score_mod, gold, preds)
        secs = sum(r["time"][name] for r in runs.values())
        row = f"| {name} | {s['F1']:.4f} | {s['shingleF1']:.4f} | {len(gold) / secs:.2f} |"
        if articles:
            a = score(score_mod, articles, preds)
            row += f" {a['F1']:.4f} | {a['shingleF1']:.4f} |"
        if has_meta:
            m = meta_accuracy(gold, runs, name) if name != "trafilatura_precision" else {}
            row += "".join(f" {m[k]:.3f} |" if k in m else " - |" for k in ("title", "author", "date"))
        print(row)
    if res["errors"]:
        print(f"\n{len(res['errors'])} errors, first: {res['errors'][:3]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--sets", default="aeb,wcxb-dev")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="write the prediction files here instead of a temporary folder")
    a = ap.parse_args(argv)
    score_mod = _load_score(a.bench)
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = a.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for set_name in a.sets.split(","):
            res = run_set(a.bench / set_name, a.limit, a.workers, out_dir)
            report(set_name, res, score_mod)
        print(f"\npredictions: {out_dir}" if a.keep else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())

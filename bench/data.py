"""Benchmark sets: pages with their inputs (HTML, text dump) and gold."""

from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import GATE_DIR, SEEDS_DIR, default_data_dir
from .metrics import read_jsonl

SHARED_SETS = ("aeb", "wcxb-dev", "dragnet")
# dragnet's pages of sites with at least this many pages: where learning from a site's other pages can act
MULTI_PAGE_SITES = 5
DERIVED_SETS = {"dragnet-multi": "dragnet"}
# turku-train's languages: already-extracted text with each line labelled clean or noise by people.
# Its html/ folder only wraps the same lines in <p>, so these sets are text-only (HTML systems skip them).
TURKU_SETS = {f"turku-{lang}": f"turku-train/{lang}" for lang in ("en", "de", "es", "fi")}
ALL_SETS = ("aeb", "wcxb-dev", "dragnet", "dragnet-multi", "seeds", "gate-aeb", *TURKU_SETS)


@dataclass(slots=True)
class Page:
    id: str
    gold: dict[str, Any]
    html_path: Path | None = None
    text_path: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str | None:
        url = self.gold.get("url")
        return str(url) if url else None

    @property
    def page_type(self) -> str | None:
        pt = self.gold.get("page_type")
        return str(pt) if pt else None

    def read_html(self) -> bytes:
        if self.html_path is None:
            raise FileNotFoundError(f"no HTML for page {self.id}")
        data = self.html_path.read_bytes()
        return gzip.decompress(data) if self.html_path.suffix == ".gz" else data

    def read_text(self) -> str:
        if self.text_path is None:
            raise FileNotFoundError(f"no text dump for page {self.id}")
        return self.text_path.read_text(encoding="utf-8")

    def read(self, kind: str) -> bytes | str:
        return self.read_html() if kind == "html" else self.read_text()


def set_dir(name: str, data_dir: Path | None = None) -> Path:
    if name == "seeds":
        return SEEDS_DIR
    if name == "gate-aeb":
        return GATE_DIR / "aeb"
    if name in SHARED_SETS:
        return (data_dir or default_data_dir()) / name
    if name in DERIVED_SETS:
        return (data_dir or default_data_dir()) / DERIVED_SETS[name]
    if name in TURKU_SETS:
        return (data_dir or default_data_dir()) / TURKU_SETS[name]
    raise ValueError(f"unknown set {name!r}; known: {', '.join(ALL_SETS)}")


def load_set(name: str, data_dir: Path | None = None, limit: int | None = None) -> list[Page]:
    """The pages of a set in gold order (first ``limit`` of them if given)."""
    root = set_dir(name, data_dir)
    if name == "seeds":
        gold = read_jsonl(root / "expected" / "gold.jsonl")
        pages = [Page(str(g["id"]), g, None, root / "pages" / f"{g['id']}.txt") for g in gold]
    else:
        if not (root / "gold.jsonl").exists():
            raise FileNotFoundError(f"benchmark set {name!r} not found at {root} (use --data or CLEANER_BENCH_DATA)")
        gold = read_jsonl(root / "gold.jsonl")
        pages = []
        for g in gold:
            pid = str(g["id"])
            html = root / "html" / f"{pid}.html.gz"
            text = root / "text" / f"{pid}.txt"
            text_only = name in TURKU_SETS
            pages.append(
                Page(pid, g, html if html.exists() and not text_only else None, text if text.exists() else None)
            )
    if name == "dragnet-multi":
        pages = multi_page_sites(pages)
    return pages[:limit] if limit else pages


def multi_page_sites(pages: list[Page], minimum: int = MULTI_PAGE_SITES) -> list[Page]:
    """The pages whose ``site`` (gold.jsonl; the host, from the page's URL) has at least ``minimum`` pages."""
    counts = Counter(p.gold.get("site") for p in pages if p.gold.get("site"))
    return [p for p in pages if p.gold.get("site") and counts[p.gold["site"]] >= minimum]


def has_input(pages: list[Page], kind: str) -> bool:
    return bool(pages) and all((p.html_path if kind == "html" else p.text_path) is not None for p in pages)

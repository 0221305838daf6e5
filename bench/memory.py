"""Does memory stay flat over a long run? Resident set size every N pages.

    python -m bench.memory --mode text --pages 10000
    python -m bench.memory --mode html --pages 10000 --every 1000

Cycles through the benchmark pages (text dumps or HTML) with one Cleaner, as
a long-running pipeline would, and prints the process's RSS as it goes. Flat
means the last readings stay within a few MB of the first one taken after
warm-up (caches are bounded: cleaner's memos, trafilatura/htmldate LRU caches).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import time
from pathlib import Path

from cleaner import Cleaner

from .data import set_dir


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pages(data: Path | None, mode: str) -> list[tuple[bytes, str | None]]:
    out: list[tuple[bytes, str | None]] = []
    for name in ("aeb", "wcxb-dev"):
        folder = set_dir(name, data)
        urls = {
            json.loads(line)["id"]: json.loads(line).get("url")
            for line in (folder / "gold.jsonl").read_text(encoding="utf-8").split("\n")
            if line.strip()
        }
        if mode == "text":
            out += [(p.read_bytes(), urls.get(p.stem)) for p in sorted((folder / "text").glob("*.txt"))]
        else:
            for p in sorted((folder / "html").glob("*.html.gz")):
                out.append((gzip.decompress(p.read_bytes()), urls.get(p.name.split(".")[0])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["text", "html"], default="text")
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--every", type=int, default=1_000)
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    corpus = pages(args.data, args.mode)
    cleaner = Cleaner(mode=args.mode, site_rules=False)
    start = time.perf_counter()
    readings = []
    for n, (data, url) in enumerate(itertools.islice(itertools.cycle(corpus), args.pages), start=1):
        cleaner.clean(data, url=url)
        if n % args.every == 0:
            readings.append((n, round(rss_mb(), 1)))
            print(json.dumps({"pages": n, "rss_mb": readings[-1][1], "seconds": round(time.perf_counter() - start)}))
    if len(readings) >= 2:
        first, last = readings[0][1], readings[-1][1]
        print(json.dumps({"mode": args.mode, "pages": args.pages, "rss_first_mb": first, "rss_last_mb": last}))


if __name__ == "__main__":
    main()

"""Text mode's time per page on the aeb text dumps, in this process, one core.

    python -m bench textspeed                    # 5 timed passes after a warm-up pass
    python -m bench textspeed --repeats 9 --set wcxb-dev
    python -m bench textspeed --profile 20       # cProfile of one pass, top 20 by own time
    CLEANER_PURE_PYTHON=1 python -m bench textspeed   # the pure-Python path even where compiled

Times ``Cleaner(mode="text").clean(text, url=url)`` (URLs from gold.jsonl) with
the process's CPU clock, so another process on the machine costs less than it
would on a wall clock. Each page is timed once per pass; a page's time is its
median over the passes, and the report gives the median, mean and p90 of those
per-page times (the issue's target: a median of at most 1 ms), and the median of
each page's fastest pass, which other load on a shared machine inflates least.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import cleaner

from .data import load_set


def load_pages(set_name: str, data: Path | None) -> list[tuple[str, str | None]]:
    return [(p.read_text(), p.url) for p in load_set(set_name, data) if p.text_path is not None]


def time_pages(c: cleaner.Cleaner, pages: list[tuple[str, str | None]], repeats: int) -> list[list[float]]:
    """Every page's milliseconds in each of ``repeats`` passes (pages in order within each pass)."""
    clock = time.process_time_ns
    runs: list[list[float]] = [[] for _ in pages]
    for _ in range(repeats):
        for i, (text, url) in enumerate(pages):
            t0 = clock()
            c.clean(text, url=url)
            runs[i].append((clock() - t0) / 1e6)
    return runs


def summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "median": statistics.median(ordered),
        "mean": statistics.fmean(ordered),
        "p90": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))],
        "total": sum(ordered),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench textspeed", description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="aeb", help="benchmark set with text dumps (default aeb)")
    ap.add_argument("--data", type=Path, help="benchmark data folder (default $CLEANER_BENCH_DATA or ../shared/bench)")
    ap.add_argument("--repeats", type=int, default=5, help="timed passes over the set (default 5)")
    ap.add_argument("--no-rules", action="store_true", help="site_rules=False (default: the Cleaner's default, on)")
    ap.add_argument("--profile", type=int, metavar="N", help="instead of timing: cProfile one pass, print top N")
    args = ap.parse_args(argv)

    pages = load_pages(args.set, args.data)
    c = cleaner.Cleaner(mode="text", site_rules=not args.no_rules)
    for text, url in pages:  # warm-up: imports, memos, the prefilter's scratch space
        c.clean(text, url=url)
    core = "compiled" if cleaner.compiled() else "pure Python"
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for text, url in pages:
            c.clean(text, url=url)
        prof.disable()
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(args.profile)
        return 0
    runs = time_pages(c, pages, args.repeats)
    s = summary([statistics.median(r) for r in runs])
    best = summary([min(r) for r in runs])
    print(
        f"{args.set} text mode ({core}), {len(pages)} pages x {args.repeats} passes: "
        f"median {s['median']:.3f} ms, mean {s['mean']:.3f} ms, p90 {s['p90']:.3f} ms per page "
        f"(CPU time; {s['total'] / 1000:.2f} s a pass); each page's fastest pass: median {best['median']:.3f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

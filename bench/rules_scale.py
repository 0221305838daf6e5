"""Does loading 1,000 site rule files slow down cleaning? (target: within 10%)

usage: python bench/rules_scale.py [--files 1000] [--repeat 3] [--pages N] [TEXT_DIR]

Generates N synthetic rule files (domains, literal and regex fingerprints,
drop/section/truncate rules, metadata patterns, HTML directives) in a temp
folder, then times ``Cleaner(mode="text").clean()`` on every text dump of the
aeb benchmark set, with and without the extra files, without URLs (so every
page pays for fingerprint detection). Runs alternate page by page so machine
drift hits both sides equally; each page's time is the best of ``--repeat``.
Also prints the cost of site detection alone, the part that grows with files.
Prints load times, median and mean per page, and the slowdown.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner import Cleaner  # noqa: E402

DEFAULT_TEXT_DIR = REPO.parent / "shared" / "bench" / "aeb" / "text"

TEMPLATE = """[site]
name = "synthetic-{i}"
domains = ["synthetic-{i}.example", ".cdn-{i}.example"]
fingerprints = ["Synthetic Gazette number {i} all rights", "Read the synthetic {i} daily briefing"]
fingerprint_patterns = ['Synthetic{i} edition \\\\d+ of \\\\d+']
min_fingerprints = 1
categories = ["poll"]

[[drop]]
id = "ticker"
category = "ticker"
lines = ['SYN{i} [+-]?\\\\d+\\\\.\\\\d+%', 'Index {i} \\\\d+']

[[drop]]
id = "promo"
category = "subscription"
contains = ['Subscribe to Synthetic {i}']
max_words = 30

[[section]]
id = "poll"
category = "poll"
start = '^Synthetic {i} poll$'
end = '^Vote now {i}$'

[[truncate]]
id = "footer"
category = "footer"
at = '^About Synthetic {i}$'

[metadata]
site = "Synthetic {i}"
domain = "synthetic-{i}.example"
title = '(?m)^Synthetic {i} headline: (.+)$'

[html]
body = "//article"
strip = ["//aside[@class='syn-{i}']"]
strip_id_or_class = ["syn{i}-related"]

[[test]]
text = "Synthetic Gazette number {i} all rights"
"""


def write_rules(folder: Path, count: int) -> None:
    for i in range(count):
        (folder / f"synthetic-{i:04d}.toml").write_text(TEMPLATE.format(i=i), encoding="utf-8")


def timed_load(**kwargs: object) -> tuple[Cleaner, float]:
    started = time.perf_counter()
    cleaner = Cleaner(mode="text", **kwargs)  # type: ignore[arg-type]
    return cleaner, time.perf_counter() - started


def clean_time(cleaner: Cleaner, text: str) -> float:
    started = time.perf_counter()
    cleaner.clean(text)
    return time.perf_counter() - started


def paired_best(a: Cleaner, b: Cleaner, text: str, repeat: int) -> tuple[float, float]:
    """Best of ``repeat`` for each side, alternating which side runs first (load on the machine hits both)."""
    best_a = best_b = float("inf")
    for r in range(repeat):
        if r % 2:
            best_b, best_a = min(best_b, clean_time(b, text)), min(best_a, clean_time(a, text))
        else:
            best_a, best_b = min(best_a, clean_time(a, text)), min(best_b, clean_time(b, text))
    return best_a, best_b


def resolve_time(cleaner: Cleaner, text: str, repeat: int) -> float:
    """The rules' own per-page cost that grows with the number of files: site detection."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        cleaner.resolve_site(None, text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("text_dir", nargs="?", type=Path, default=DEFAULT_TEXT_DIR)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    a = ap.parse_args()
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(a.text_dir.glob("*.txt"))]
    pages = pages[: a.pages] if a.pages else pages
    with tempfile.TemporaryDirectory() as tmp:
        write_rules(Path(tmp), a.files)
        base, base_load = timed_load()
        many, many_load = timed_load(rules_dirs=[tmp])
        assert many.rulebook is not None and len(many.rulebook) >= a.files
        base_times, many_times, base_resolve, many_resolve = [], [], [], []
        for text in pages:
            t_base, t_many = paired_best(base, many, text, a.repeat)
            base_times.append(t_base)
            many_times.append(t_many)
            base_resolve.append(resolve_time(base, text, a.repeat))
            many_resolve.append(resolve_time(many, text, a.repeat))
    report(len(pages), a.files, (base_load, many_load), base_times, many_times)
    print(
        f"site detection alone (median per page): {statistics.median(base_resolve) * 1000:.3f} ms"
        f" -> {statistics.median(many_resolve) * 1000:.3f} ms"
    )


def report(pages: int, files: int, loads: tuple[float, float], base: list[float], many: list[float]) -> None:
    med_b, med_m = statistics.median(base), statistics.median(many)
    mean_b, mean_m = statistics.fmean(base), statistics.fmean(many)
    print(f"pages: {pages}, synthetic rule files: {files}")
    print(f"load: bundled only {loads[0] * 1000:.1f} ms, with {files} extra files {loads[1] * 1000:.1f} ms")
    print(f"median per page: {med_b * 1000:.3f} ms -> {med_m * 1000:.3f} ms ({(med_m / med_b - 1) * 100:+.1f}%)")
    print(f"mean per page:   {mean_b * 1000:.3f} ms -> {mean_m * 1000:.3f} ms ({(mean_m / mean_b - 1) * 100:+.1f}%)")
    verdict = "within" if med_m <= med_b * 1.10 else "OVER"
    print(f"{verdict} the 10% target on the median")


if __name__ == "__main__":
    main()

"""Throughput per core of the CLI over a crawl-shaped input, for docs/scale.md.

    python -m bench.scale --out out/scale

builds a gzipped WARC of every HTML page of the shared sets (aeb, wcxb-dev, dragnet: real pages
with their URLs, as HTTP response records) and a JSONL of their text dumps, then runs
``cleaner clean`` over them with one worker (``-j 1``) once per engine: ``accurate`` and
``fast`` on the WARC, the text engine on the JSONL. It reports pages, wall and CPU seconds and
pages per CPU-second, and writes them to ``bench/results/scale.json``. Run it on a quiet machine:
one engine at a time, nothing else busy.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .data import SHARED_SETS, load_set

RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"
ENGINES = (("accurate", "warc"), ("fast", "warc"), ("text", "jsonl"))


def build_inputs(out: Path) -> tuple[Path, Path, int]:
    """The WARC of every HTML page and the JSONL of every text dump; their page count."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc, jsonl = out / "segment.warc.gz", out / "segment-text.jsonl.gz"
    pages = [p for name in SHARED_SETS for p in load_set(name) if p.html_path and p.text_path]
    with open(warc, "wb") as fh, gzip.open(jsonl, "wt", encoding="utf-8") as text_out:
        writer = WARCWriter(fh, gzip=True)
        for page in pages:
            url = page.url or f"https://example.invalid/{page.id}"
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(page.read_html()), http_headers=headers
            )
            writer.write_record(record)
            text_out.write(json.dumps({"id": page.id, "url": page.url, "text": page.read_text()}) + "\n")
    return warc, jsonl, len(pages)


def run_engine(engine: str, source: Path, out: Path) -> dict[str, Any]:
    """One ``cleaner clean`` run, one worker; its wall time and the CPU time of the process tree."""
    target = out / f"out-{engine}.jsonl"
    args = [sys.executable, "-m", "cleaner", "clean", str(source), "-o", str(target), "--format", "jsonl", "-j", "1"]
    args += ["--mode", "text"] if engine == "text" else ["--mode", "html", "--engine", engine]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    statuses: dict[str, int] = {}
    with open(target, encoding="utf-8") as fh:
        for line in fh:
            status = json.loads(line)["status"]
            statuses[status] = statuses.get(status, 0) + 1
    pages = sum(statuses.values())
    return {
        "engine": engine,
        "input": source.name,
        "pages": pages,
        "statuses": statuses,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "pages_per_cpu_s": round(pages / cpu, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("out/scale"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    warc, jsonl, n = build_inputs(args.out)
    print(f"{n} pages: {warc} ({warc.stat().st_size / 1e6:.0f} MB), {jsonl}")
    subprocess.run([sys.executable, "-m", "cleaner", "warm"], check=True)  # no run pays the compile
    runs = []
    for engine, kind in ENGINES:
        runs.append(run_engine(engine, warc if kind == "warc" else jsonl, args.out))
        print(json.dumps(runs[-1]))
    import cleaner

    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cleaner": cleaner.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, {_cores()} cores",
        "runs": runs,
    }
    RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()

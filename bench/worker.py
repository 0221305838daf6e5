"""One system over one set, in its own process: predictions, timings, peak RSS.

Run as ``python -m bench worker --system S --set X --out FILE`` by ``bench run``
(a fresh interpreter per system and set, so peak RSS belongs to that system).
Reading and decompressing the input files is outside the timed region; the
system's own decoding of bytes is inside it.
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

from .data import load_set
from .systems import SYSTEMS


def peak_rss_mb() -> float:
    """This process's peak resident set in MiB.

    VmHWM belongs to the current address space; ``ru_maxrss`` would not do, as
    Linux carries it over from the parent across fork and exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(system: str, set_name: str, data_dir: Path | None, limit: int | None, out: Path) -> dict[str, Any]:
    logging.disable(logging.CRITICAL)  # peers log warnings per page
    warnings.simplefilter("ignore")
    spec = SYSTEMS[system]
    pages = load_set(set_name, data_dir, limit)
    rss_start = peak_rss_mb()
    t0 = time.perf_counter()
    learn_cpu = 0.0
    if spec.learner is None:
        extract = spec.factory()
        setup_s = time.perf_counter() - t0
    else:
        learn = spec.learner()
        setup_s = time.perf_counter() - t0
        inputs = [(page.read(spec.kind), page.url) for page in pages]  # reading is outside the timed region
        c0 = time.process_time()
        extract = learn(inputs)
        learn_cpu = time.process_time() - c0
        del inputs
    cpu = wall = learn_cpu
    nbytes = 0
    errors: list[dict[str, str]] = []
    preds: list[dict[str, Any]] = []
    for page in pages:
        data = page.read(spec.kind)
        nbytes += len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        c0, w0 = time.process_time(), time.perf_counter()
        try:
            text, meta = extract(data, page.url)
        except Exception as exc:  # a crashing peer scores as empty on that page
            text, meta = "", None
            errors.append({"id": page.id, "error": f"{type(exc).__name__}: {exc}"[:200]})
        dt = time.process_time() - c0
        cpu += dt
        wall += time.perf_counter() - w0
        preds.append({"id": page.id, "text": text or "", "meta": meta, "cpu_s": round(dt, 5)})
    result = {
        "system": system,
        "set": set_name,
        "kind": spec.kind,
        "n": len(pages),
        "bytes": nbytes,
        "cpu_s": cpu,
        "wall_s": wall,
        "setup_s": setup_s,
        "learn_cpu_s": learn_cpu,  # included in cpu_s: a learning system's pages/s pays for both passes
        "rss_start_mb": rss_start,
        "peak_rss_mb": peak_rss_mb(),
        "errors": errors,
        "preds": preds,
    }
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return result


def main(args: Any) -> int:
    try:
        run_worker(args.system, args.set, Path(args.data) if args.data else None, args.limit, Path(args.out))
    except Exception:
        traceback.print_exc()
        return 1
    print(f"{args.system} on {args.set}: done", file=sys.stderr)
    return 0

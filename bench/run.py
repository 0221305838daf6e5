"""``python -m bench run``: every system on every set in one run, scored and timed."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from . import REPO, RESULTS_DIR, default_data_dir
from .data import Page, has_input, load_set
from .metrics import aggregate, page_scores
from .systems import BASELINE, System, available, select

WORST_N = 10
META_FIELDS = ("title", "author", "date")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# Reference figures from shared/bench/README.md (same scorer, same machine type),
# to check that the peers here are run faithfully: (set, subset) -> {system: (F1, shingleF1)}.
REFERENCE: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "aeb": {
        "keep-everything": (0.656, 0.684),
        "c4-style": (0.847, 0.844),
        "justext-lines": (0.691, 0.709),
        "trafilatura": (0.948, 0.952),
        "trafilatura-precision": (0.957, 0.958),
        "readability": (0.960, 0.954),
        "resiliparse": (0.898, 0.897),
        "justext": (0.718, 0.728),
        "boilerpy3": (0.861, 0.859),
    },
    # wcxb-dev: (F1 all pages, F1 articles)
    "wcxb-dev": {
        "keep-everything": (0.701, 0.809),
        "c4-style": (0.730, 0.855),
        "justext-lines": (0.699, 0.847),
        "trafilatura": (0.818, 0.929),
        "readability": (0.703, 0.891),
        "resiliparse": (0.776, 0.873),
    },
}


# --- metadata accuracy ---------------------------------------------------------


def norm_text(value: Any) -> str:
    """Casefold, punctuation to spaces, collapse whitespace (for title/author)."""
    s = unicodedata.normalize("NFKC", str(value)).casefold()
    s = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in s)
    return " ".join(s.split())


def norm_day(value: Any) -> str | None:
    m = _DAY.search(str(value or ""))
    return m.group(0) if m else None


def field_match(field: str, pred: Any, gold: Any) -> bool:
    if not pred:
        return False
    if field == "date":
        return norm_day(pred) is not None and norm_day(pred) == norm_day(gold)
    return norm_text(pred) == norm_text(gold) != ""


def metadata_accuracy(pages: Sequence[Page], preds: dict[str, dict[str, Any] | None]) -> dict[str, Any] | None:
    """Per field: pages whose gold has it, correct, accuracy, coverage (a value was produced)."""
    if not any(p.gold.get("title") for p in pages) or not any(v for v in preds.values()):
        return None
    out: dict[str, Any] = {}
    for field in META_FIELDS:
        n = ok = given = 0
        for p in pages:
            gold = p.gold.get(field)
            if not gold:
                continue
            n += 1
            pred = (preds.get(p.id) or {}).get(field)
            given += bool(pred)
            ok += field_match(field, pred, gold)
        if n:
            out[field] = {"n": n, "correct": ok, "accuracy": round(ok / n, 4), "coverage": round(given / n, 4)}
    return out


# --- environment ---------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version_of(dist: str) -> str | None:
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return None


def git_state() -> dict[str, Any]:
    def git(*a: str) -> str:
        r = subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, check=False)
        return r.stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": bool(git("status", "--porcelain", "--", "cleaner"))}


def environment(systems: Iterable[System]) -> dict[str, Any]:
    dists = sorted({d for s in systems for d in s.packages} | {"cleaner", "trafilatura"})
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_at_end": _load(),
        "versions": {d: version_of(d) for d in dists},
        "git": git_state(),
    }


# --- running workers -----------------------------------------------------------


def _worker_cmd(system: str, set_name: str, data: Path, limit: int | None, out: Path) -> list[str]:
    cmd = [sys.executable, "-m", "bench", "worker", "--system", system, "--set", set_name, "--data", str(data)]
    cmd += ["--out", str(out)]
    if limit:
        cmd += ["--limit", str(limit)]
    return cmd


def side_by_side(names: Sequence[str], baselines: dict[str, str]) -> list[str]:
    """System order with each speed baseline moved right after ``cleaner-<kind>``.

    With ``--parallel 2`` the two then run at the same time, one per core, so
    the host's load (which drifts over a run) weighs on both alike; paired with
    a neighbour of its own choosing, either one's pages/s moved by up to a
    third from run to run.
    """
    order = list(names)
    for kind, base in baselines.items():
        ours = f"cleaner-{kind}"
        if ours in order and base in order:
            order.remove(base)
            order.insert(order.index(ours) + 1, base)
    return order


def run_jobs(jobs: list[tuple[str, str, list[str], Path]], parallel: int) -> dict[tuple[str, str], dict[str, Any]]:
    """Run worker commands (at most ``parallel`` at once); results keyed by (set, system)."""
    pending = list(jobs)
    running: list[tuple[str, str, subprocess.Popen[bytes], Path, float]] = []
    results: dict[tuple[str, str], dict[str, Any]] = {}
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    while pending or running:
        while pending and len(running) < max(1, parallel):
            set_name, system, cmd, out = pending.pop(0)
            proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            running.append((set_name, system, proc, out, time.time()))
        time.sleep(0.2)
        for item in list(running):
            set_name, system, proc, out, t0 = item
            if proc.poll() is None:
                continue
            running.remove(item)
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            if proc.returncode == 0 and out.exists():
                results[(set_name, system)] = json.loads(out.read_text(encoding="utf-8"))
                print(f"  {set_name:9} {system:24} {time.time() - t0:7.1f}s", file=sys.stderr, flush=True)
            else:
                print(f"  {set_name:9} {system:24} FAILED\n{err[-2000:]}", file=sys.stderr, flush=True)
                results[(set_name, system)] = {"failed": err[-2000:]}
    return results


def _load() -> float | None:
    """1-minute load average: other work on the machine skews wall-time scaling."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _reusable(out: Path, n: int) -> bool:
    """A finished worker output for the same number of pages (``--reuse`` resumes a run)."""
    try:
        return bool(out.exists() and json.loads(out.read_text("utf-8")).get("n") == n)
    except (OSError, ValueError):
        return False


# --- scaling of the cleaner CLI --------------------------------------------------


def _cli_has_jobs() -> Path | None:
    exe = Path(sys.executable).parent / "cleaner"
    if not exe.exists():
        return None
    try:
        r = subprocess.run([str(exe), "clean", "--help"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return exe if r.returncode == 0 and "--jobs" in r.stdout + r.stderr else None


def _pool_clean(mode: str, files: list[str], jobs: int) -> int:
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Pool(jobs, initializer=_pool_init, initargs=(mode,)) as pool:
        return sum(pool.imap_unordered(_pool_one, files, chunksize=8))


_POOL_CLEANER: Any = None


def _pool_init(mode: str) -> None:
    global _POOL_CLEANER
    import cleaner

    _POOL_CLEANER = cleaner.Cleaner(mode=mode, site_rules=False)  # type: ignore[arg-type]


def _pool_one(path: str) -> int:
    data = Path(path).read_bytes()
    return len(_POOL_CLEANER.clean(data).text)


def jobs_scaling(pages: list[Page], workdir: Path) -> dict[str, Any]:
    """Wall time of cleaning the pages with 1 and 2 workers, text dumps and HTML."""
    exe = _cli_has_jobs()
    out: dict[str, Any] = {
        "method": "cleaner CLI: cleaner clean DIR --format jsonl --jobs N"
        if exe
        else "multiprocessing Pool (spawn) of N workers over cleaner.Cleaner (CLI --jobs not available)"
    }
    for kind in ("text", "html"):
        if not has_input(pages, kind):
            continue
        d = workdir / f"scaling-{kind}"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        nbytes = 0
        for p in pages:
            data = p.read(kind)
            raw = data.encode("utf-8") if isinstance(data, str) else data
            nbytes += len(raw)
            (d / f"{p.id}.{'txt' if kind == 'text' else 'html'}").write_bytes(raw)
        files = sorted(str(f) for f in d.iterdir())
        row: dict[str, Any] = {"pages": len(files), "mb": round(nbytes / 1e6, 2), "load_before": _load()}
        for jobs in (1, 2):
            t0 = time.perf_counter()
            if exe:
                with open(workdir / f"scaling-{kind}-{jobs}.jsonl", "wb") as fh:
                    cmd = [str(exe), "clean", str(d), "--format", "jsonl", "--no-site-rules", "-q", "--jobs", str(jobs)]
                    subprocess.run(cmd, stdout=fh, stderr=subprocess.DEVNULL, check=False)
            else:
                _pool_clean(kind, files, jobs)
            wall = time.perf_counter() - t0
            row[f"jobs{jobs}_s"] = round(wall, 2)
            row[f"jobs{jobs}_pages_per_s"] = round(len(files) / wall, 1)
        row["speedup"] = round(row["jobs1_s"] / row["jobs2_s"], 2) if row["jobs2_s"] else None
        out[kind] = row
        print(f"  scaling {kind}: {row}", file=sys.stderr, flush=True)
    return out


# --- scoring -------------------------------------------------------------------


def summarize(set_name: str, pages: list[Page], res: dict[str, Any]) -> dict[str, Any]:
    preds = {p["id"]: p["text"] for p in res["preds"]}
    metas = {p["id"]: p.get("meta") for p in res["preds"]}
    per_page = {p.id: page_scores(preds.get(p.id, ""), p.gold.get("text")) for p in pages}
    row: dict[str, Any] = {"system": res["system"], "kind": res["kind"], **aggregate(per_page.values())}
    types: dict[str, list[dict[str, float]]] = defaultdict(list)
    for p in pages:
        if p.page_type:
            types[p.page_type].append(per_page[p.id])
    if types:
        row["by_type"] = {t: aggregate(v) for t, v in sorted(types.items())}
    cpu = res["cpu_s"] or 1e-9
    row["speed"] = {
        "pages_per_s_core": round(res["n"] / cpu, 2),
        "mb_per_s": round(res["bytes"] / 1e6 / cpu, 3),
        "cpu_s": round(res["cpu_s"], 2),
        "wall_s": round(res["wall_s"], 2),
        "setup_s": round(res["setup_s"], 2),
        "peak_rss_mb": round(res["peak_rss_mb"], 1),
        # above the worker's footprint after loading the set's gold (harness overhead excluded)
        "rss_added_mb": round(res["peak_rss_mb"] - res.get("rss_start_mb", 0.0), 1),
        "input_mb": round(res["bytes"] / 1e6, 2),
    }
    if res.get("learn_cpu_s"):
        learn = res["learn_cpu_s"]
        row["speed"]["learn_cpu_s"] = round(learn, 2)
        # the measure: the learning pass against the cleaning pass it prepares
        row["speed"]["learn_share"] = round(learn / max(1e-9, res["cpu_s"] - learn), 3)
    times = sorted(float(p["cpu_s"]) for p in res["preds"] if "cpu_s" in p)
    if times:
        row["speed"]["ms_p50"] = round(1000 * times[len(times) // 2], 1)
        row["speed"]["ms_p95"] = round(1000 * times[min(len(times) - 1, int(len(times) * 0.95))], 1)
        row["speed"]["ms_max"] = round(1000 * times[-1], 1)
        if res["system"].startswith("cleaner"):
            slow = sorted((p for p in res["preds"] if "cpu_s" in p), key=lambda p: -float(p["cpu_s"]))[:5]
            row["slowest"] = [{"id": p["id"], "ms": round(1000 * float(p["cpu_s"]), 1)} for p in slow]
    if res.get("measured_at"):
        row["measured_at"] = res["measured_at"]
    row["errors"] = len(res["errors"])
    if res["errors"]:
        row["error_examples"] = res["errors"][:3]
    meta = metadata_accuracy(pages, metas)
    if meta:
        row["metadata"] = meta
    if res["system"].startswith("cleaner"):
        worst = sorted(pages, key=lambda p: (per_page[p.id]["F1"], p.id))[:WORST_N]
        row["worst"] = [
            {
                "id": p.id,
                "url": p.url,
                "page_type": p.page_type,
                **{k: round(per_page[p.id][k], 3) for k in ("P", "R", "F1")},
            }
            for p in worst
        ]
    return row


def add_ratios(rows: dict[str, dict[str, Any]]) -> None:
    for kind, base in BASELINE.items():
        b = rows.get(base)
        if not b or "speed" not in b:
            continue
        for row in rows.values():
            if row.get("kind") == kind and "speed" in row:
                s, bs = row["speed"], b["speed"]
                s["speed_vs_baseline"] = round(s["pages_per_s_core"] / bs["pages_per_s_core"], 2)
                s["baseline"] = base


def run(args: Any) -> int:
    started = time.time()
    data = Path(args.data) if args.data else default_data_dir()
    set_names = [s.strip() for s in args.sets.split(",") if s.strip()]
    systems = select(args.systems, slow=args.slow)
    skipped = [s.name for s in systems if not available(s)]
    systems = [s for s in systems if available(s)]
    for name in skipped:
        print(f"skipping {name}: not installed (pip install -e '.[bench-slow]')", file=sys.stderr)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"data {data}; temporary outputs in {workdir}", file=sys.stderr)

    pages_by_set = {s: load_set(s, data, args.limit) for s in set_names}
    jobs = []
    reused: list[str] = []
    for set_name, pages in pages_by_set.items():
        by_name = {s.name: s for s in systems}
        for system in (by_name[n] for n in side_by_side(list(by_name), BASELINE)):
            if system.slow and set_name not in args.slow_sets.split(","):
                continue
            if has_input(pages, system.kind):
                out = workdir / f"{set_name}__{system.name}.json"
                if args.reuse and _reusable(out, len(pages)):
                    reused.append(f"{set_name}/{system.name}")
                    continue
                jobs.append((set_name, system.name, _worker_cmd(system.name, set_name, data, args.limit, out), out))
    if reused:
        print(f"reusing {len(reused)} finished outputs in {workdir}: {', '.join(reused)}", file=sys.stderr)
    raw = run_jobs(jobs, args.parallel)
    for item in reused:
        set_name, system_name = item.split("/")
        path = workdir / f"{set_name}__{system_name}.json"
        raw[(set_name, system_name)] = json.loads(path.read_text("utf-8"))
    for (set_name, system_name), res in raw.items():
        path = workdir / f"{set_name}__{system_name}.json"
        if "failed" not in res and path.exists():
            res["measured_at"] = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%H:%M UTC")

    sets_out: dict[str, Any] = {}
    for set_name, pages in pages_by_set.items():
        rows: dict[str, dict[str, Any]] = {}
        for system in systems:
            res = raw.get((set_name, system.name))
            if res is None:
                continue
            rows[system.name] = (
                {"system": system.name, "failed": res["failed"]} if "failed" in res else summarize(set_name, pages, res)
            )
        add_ratios(rows)
        sets_out[set_name] = {"n": len(pages), "systems": rows}

    scaling = None
    if args.jobs_scaling:
        target = next((s for s in ("wcxb-dev", "aeb") if s in pages_by_set), None)
        if target:
            pages = pages_by_set[target][: args.scaling_pages or None]
            scaling = {"set": target, **jobs_scaling(pages, workdir)}

    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "limit": args.limit,
        "duration_s": round(time.time() - started, 1),
        "environment": environment(systems),
        "skipped": skipped,
        "sets": sets_out,
        "scaling": scaling,
        "reference": REFERENCE,
        "reused": reused,
    }
    out_json = Path(args.out) if args.out else RESULTS_DIR / "latest.json"
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out_json}", file=sys.stderr)
    if not args.no_docs:
        from .report import render

        docs = Path(args.docs) if args.docs else REPO / "docs" / "benchmarks.md"
        docs.write_text(render(result), encoding="utf-8")
        print(f"wrote {docs}", file=sys.stderr)
    from .report import console_table

    print(console_table(result))
    return 0

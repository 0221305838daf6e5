"""The regression gate: pinned inputs, in-process measurement, floors.

The gate sets are small so that ``tests/test_quality_gate.py`` runs in seconds:

* ``seeds-text`` / ``seeds-text-rules`` - the five seed dumps, text mode, generic
  engine / with site rules;
* ``gate-aeb-text`` / ``gate-aeb-html`` - 40 aeb pages pinned in ``fixtures/gate/aeb``
  (the first 40 ids ordered by SHA-256 of the id), text dumps / HTML, generic engine;
* ``gate-aeb-html-fast`` - the same HTML pages through the fast engine (``engine="fast"``).

Floors live in ``bench/floors.toml``; see ``floors_command`` for the update rules.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import FLOORS_PATH, GATE_DIR, REPO, SEEDS_DIR, default_data_dir
from .data import load_set
from .metrics import aggregate, page_scores, read_jsonl

MANIFEST = GATE_DIR / "manifest.json"
METRICS = ("F1", "shingleF1")
DEFAULT_MARGIN = 0.01


@dataclass(frozen=True, slots=True)
class GateCheck:
    key: str
    set_name: str
    mode: str
    site_rules: bool
    engine: str = "accurate"  # the HTML front-end (text checks ignore it)


CHECKS = (
    GateCheck("seeds-text", "seeds", "text", False),
    GateCheck("seeds-text-rules", "seeds", "text", True),
    GateCheck("gate-aeb-text", "gate-aeb", "text", False),
    GateCheck("gate-aeb-html", "gate-aeb", "html", False),
    GateCheck("gate-aeb-html-fast", "gate-aeb", "html", False, "fast"),
)


# --- pinned inputs -------------------------------------------------------------


def gate_ids(ids: list[str], n: int = 40) -> list[str]:
    """The first ``n`` ids ordered by SHA-256 of the id: deterministic, not hand-picked."""
    return sorted(ids, key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())[:n]


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_files() -> list[Path]:
    """Every file the gate reads: the seeds and the pinned aeb pages with their gold."""
    files = [*sorted((SEEDS_DIR / "pages").glob("*.txt")), SEEDS_DIR / "expected" / "gold.jsonl"]
    aeb = GATE_DIR / "aeb"
    files += sorted((aeb / "html").glob("*")) + sorted((aeb / "text").glob("*")) + [aeb / "gold.jsonl"]
    return files


def write_manifest() -> dict[str, Any]:
    files = {str(p.relative_to(REPO)): sha256_file(p) for p in manifest_files()}
    manifest = {
        "about": "SHA-256 of every input and gold file of the quality gate; tests/test_quality_gate.py checks them.",
        "selection": "aeb: first 40 ids ordered by sha256(id) (python -m bench gate-fixtures)",
        "files": files,
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return manifest


def verify_manifest() -> list[str]:
    """Problems with the pinned inputs (empty when every file matches the manifest)."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    expected: dict[str, str] = manifest["files"]
    problems = []
    for rel, digest in expected.items():
        path = REPO / rel
        if not path.exists():
            problems.append(f"missing: {rel}")
        elif sha256_file(path) != digest:
            problems.append(f"changed: {rel}")
    listed = set(expected)
    for path in manifest_files():
        rel = str(path.relative_to(REPO))
        if rel not in listed:
            problems.append(f"not in manifest: {rel}")
    return problems


def build_fixtures(args: Any) -> int:
    """Copy the gate pages of aeb into fixtures/gate/aeb and write the manifest."""
    data = Path(args.data) if args.data else default_data_dir()
    src = data / "aeb"
    gold = read_jsonl(src / "gold.jsonl")
    chosen = set(gate_ids([str(g["id"]) for g in gold], args.n))
    dst = GATE_DIR / "aeb"
    shutil.rmtree(dst, ignore_errors=True)
    (dst / "html").mkdir(parents=True)
    (dst / "text").mkdir(parents=True)
    rows = [g for g in gold if str(g["id"]) in chosen]  # keep the set's own order
    for g in rows:
        pid = str(g["id"])
        shutil.copyfile(src / "html" / f"{pid}.html.gz", dst / "html" / f"{pid}.html.gz")
        shutil.copyfile(src / "text" / f"{pid}.txt", dst / "text" / f"{pid}.txt")
    with open(dst / "gold.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for g in rows:
            fh.write(json.dumps(g, ensure_ascii=False) + "\n")
    manifest = write_manifest()
    print(f"copied {len(rows)} aeb pages to {dst}; manifest lists {len(manifest['files'])} files")
    return 0


# --- measuring -------------------------------------------------------------------


def measure(checks: tuple[GateCheck, ...] = CHECKS) -> dict[str, dict[str, float | int]]:
    """Bag F1 and shingle F1 of each gate check, measured in this process."""
    import cleaner

    cleaners: dict[tuple[str, bool, str], cleaner.Cleaner] = {}
    out: dict[str, dict[str, float | int]] = {}
    for check in checks:
        setting = (check.mode, check.site_rules, check.engine)
        c = cleaners.get(setting)
        if c is None:
            c = cleaners[setting] = cleaner.Cleaner(mode=check.mode, site_rules=check.site_rules, engine=check.engine)  # type: ignore[arg-type]
        scores = []
        for page in load_set(check.set_name):
            text = c.clean(page.read(check.mode), url=page.url).text
            scores.append(page_scores(text, page.gold.get("text")))
        out[check.key] = aggregate(scores)
    return out


# --- floors file -------------------------------------------------------------------


def floor_of(measured: float, margin: float = DEFAULT_MARGIN) -> float:
    """measured - margin, rounded down to 0.001 (never negative)."""
    return max(0.0, math.floor(round((measured - margin) * 1000, 6)) / 1000)


def load_floors(text: str | None = None) -> dict[str, Any]:
    if text is None:
        text = FLOORS_PATH.read_text(encoding="utf-8") if FLOORS_PATH.exists() else ""
    data = tomllib.loads(text)
    data.setdefault("floors", {})
    data.setdefault("margins", {})
    data.setdefault("history", [])
    return data


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def dump_floors(data: dict[str, Any]) -> str:
    lines = [
        "# Quality floors of the regression gate (tests/test_quality_gate.py).",
        "# Each floor sits a little below the measured value (measured - 0.01, rounded down).",
        "# Raise with `python -m bench floors --update`; lowering needs",
        '# `python -m bench floors --update --allow-lower --note "why"` and is recorded in [[history]].',
        "# Do not edit by hand to lower a floor: the test compares with the committed file.",
        "",
    ]
    if data.get("margins"):
        lines.append("# Per-check margins below measured (default 0.01); 0 pins a check at its measured value.")
        lines.append("[margins]")
        for key, value in sorted(data["margins"].items()):
            lines.append(f"{key} = {value!r}")
        lines.append("")
    for key in sorted(data["floors"]):
        lines.append(f"[floors.{key}]")
        for metric, value in data["floors"][key].items():
            lines.append(f"{metric} = {value:.3f}")
        lines.append("")
    for h in data["history"]:
        lines.append("[[history]]")
        for k, v in h.items():
            lines.append(f"{k} = {_toml_str(v) if isinstance(v, str) else repr(v)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def plan_update(
    floors: dict[str, dict[str, float]],
    measured: dict[str, dict[str, float | int]],
    margin: float,
    margins: dict[str, float] | None = None,
) -> tuple[list[tuple[str, str, float | None, float]], list[tuple[str, str, float | None, float]]]:
    """(raises, lowerings): (key, metric, old, new) for every floor that would move.

    ``margins`` overrides the margin per check (0 pins a check, e.g. the seeds
    with site rules, which must come out exact).
    """
    raises, lowers = [], []
    for key, values in measured.items():
        for metric in METRICS:
            new = floor_of(float(values[metric]), (margins or {}).get(key, margin))
            old = floors.get(key, {}).get(metric)
            if old is None or new > old:
                raises.append((key, metric, old, new))
            elif new < old:
                lowers.append((key, metric, old, new))
    return raises, lowers


def floors_command(args: Any) -> int:
    measured = measure()
    data = load_floors()
    floors: dict[str, dict[str, float]] = data["floors"]
    print(f"{'check':18} {'metric':10} {'measured':>9} {'floor':>7}")
    failing = 0
    for key, values in measured.items():
        for metric in METRICS:
            fl = floors.get(key, {}).get(metric)
            bad = fl is not None and float(values[metric]) < fl
            failing += bad
            print(
                f"{key:18} {metric:10} {values[metric]:9.4f} {fl if fl is not None else '-':>7}{'  BELOW FLOOR' if bad else ''}"
            )
    if not args.update:
        return 1 if failing else 0
    raises, lowers = plan_update(floors, measured, args.margin, data["margins"])
    if lowers and not (args.allow_lower and args.note):
        for key, metric, old, new in lowers:
            print(
                f"refusing to lower {key}.{metric} {old} -> {new} (needs --allow-lower --note 'why')", file=sys.stderr
            )
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    for key, metric, old, new in raises:
        floors.setdefault(key, {})[metric] = new
        print(f"raised {key}.{metric}: {old} -> {new}")
    if lowers and args.allow_lower and args.note:
        for key, metric, old, new in lowers:
            floors[key][metric] = new
            data["history"].append(
                {"date": today, "key": key, "metric": metric, "old": old, "new": new, "note": args.note}
            )
            print(f"lowered {key}.{metric}: {old} -> {new}")
    FLOORS_PATH.write_text(dump_floors(data), encoding="utf-8")
    print(f"wrote {FLOORS_PATH}")
    return 1 if lowers and not (args.allow_lower and args.note) else 0

"""Snapshot cleaner's output on the bench pages, and compare two snapshots.

usage:
    python -m bench.snapshot write OUT.jsonl [--sets aeb,wcxb-dev] [--modes html,text] [--rules]
    python -m bench.snapshot compare BEFORE.jsonl AFTER.jsonl [--show 5]

A refactor must leave every page's text, metadata and block decisions as they
were; a change meant to alter output should alter only what it names. One line
per (set, page, mode) holds the text, the metadata and one tuple per block
(decision, category, reason), so ``compare`` can say which of the three moved.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import cleaner

from .data import load_set

DEFAULT_SETS = ("aeb", "wcxb-dev")


def _row(set_name: str, page_id: str, mode: str, result: cleaner.Result) -> dict[str, Any]:
    return {
        "key": f"{set_name}/{page_id}/{mode}",
        "status": result.status,
        "text": result.text,
        "metadata": result.metadata.to_dict(),
        "blocks": [[b.decision, b.category, b.reason] for b in result.blocks],
    }


def write(out: Path, sets: list[str], modes: list[str], rules: bool) -> int:
    cleaners = {m: cleaner.Cleaner(mode=m, site_rules=rules) for m in modes}  # type: ignore[arg-type]
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for set_name in sets:
            for page in load_set(set_name):
                for mode in modes:
                    if (page.html_path if mode == "html" else page.text_path) is None:
                        continue  # the seeds are text dumps only
                    result = cleaners[mode].clean(page.read(mode), url=page.url)
                    fh.write(json.dumps(_row(set_name, page.id, mode, result), ensure_ascii=False) + "\n")
                    n += 1
    return n


def _load(path: Path) -> dict[str, dict[str, Any]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {row["key"]: row for row in rows}


def compare(before: Path, after: Path, show: int) -> int:
    """Print what changed; exit status 1 when anything did."""
    a, b = _load(before), _load(after)
    changed: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for key in sorted(a.keys() | b.keys()):
        if key not in a or key not in b:
            changed["missing"] += 1
            examples.setdefault("missing", []).append(key)
            continue
        for part in ("status", "text", "blocks"):
            if a[key][part] != b[key][part]:
                changed[part] += 1
                examples.setdefault(part, []).append(key)
        for field, value in a[key]["metadata"].items():
            if b[key]["metadata"].get(field) != value:
                changed[f"metadata.{field}"] += 1
                examples.setdefault(f"metadata.{field}", []).append(
                    f"{key}: {value!r} -> {b[key]['metadata'].get(field)!r}"
                )
    print(f"{len(a)} rows before, {len(b)} after")
    if not changed:
        print("identical: text, status, metadata and every block decision")
        return 0
    for part, count in changed.most_common():
        print(f"{part}: {count} changed")
        for example in examples[part][:show]:
            print(f"    {example}")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.snapshot", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("out", type=Path)
    w.add_argument("--sets", default=",".join(DEFAULT_SETS))
    w.add_argument("--modes", default="html,text")
    w.add_argument("--rules", action="store_true", help="site rules on (default: the generic engine)")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--show", type=int, default=5)
    args = parser.parse_args(argv)
    if args.cmd == "write":
        n = write(args.out, args.sets.split(","), args.modes.split(","), args.rules)
        print(f"{n} rows -> {args.out}")
        return 0
    return compare(args.before, args.after, args.show)


if __name__ == "__main__":
    sys.exit(main())

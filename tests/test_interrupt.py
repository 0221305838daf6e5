"""SIGTERM / Ctrl-C: every finished document is in the report, and the message says how to go on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import sys, time
from cleaner import Cleaner
original = Cleaner.clean
def slow(self, data, **kw):
    time.sleep(0.1)
    return original(self, data, **kw)
Cleaner.clean = slow
from cleaner.cli import main
sys.argv = ["cleaner", "clean", sys.argv[1], "-o", sys.argv[2], "-j", "2", "-q"]
main()
"""


def test_the_report_keeps_up_with_the_outputs(tmp_path: Path, seeds: list[Path]) -> None:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(40):
        (root / f"p{i:03d}.txt").write_text(seeds[i % len(seeds)].read_text())
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(root), str(out)],
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while len(list(out.glob("*.txt"))) < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    outputs = {p.name.removesuffix(".txt") for p in out.glob("*.txt")}
    rows = [json.loads(line) for line in (out / "_report.jsonl").read_text().splitlines()]
    assert 6 <= len(outputs) < 40
    assert {Path(r["path"]).name for r in rows} == outputs  # no finished document missing from the report
    done, left = len(rows), 40 - len(rows)
    assert f"{done} documents finished (ok {done}, empty 0, failed 0, skipped 0), {left} not started" in stderr
    assert "rerun the same command to resume" in stderr


def test_an_interrupted_jsonl_output_is_said_to_be_missing(tmp_path: Path) -> None:
    from cleaner.batch.document import Outcome
    from cleaner.batch.runner import Stats
    from cleaner.cli._clean import Output, interrupted_message

    stats = Stats(expected=5)
    stats.add(Outcome("a", "a.txt", "ok"))
    message = interrupted_message(stats, Output("file", "jsonl", tmp_path / "x.jsonl"), None)
    assert "1 document finished (ok 1, empty 0, failed 0, skipped 0), 4 not started" in message
    assert "x.jsonl was not written" in message and "resume" not in message

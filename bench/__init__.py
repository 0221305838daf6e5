"""Benchmark harness for cleaner: quality, metadata, speed and a regression gate.

``python -m bench run`` measures cleaner and its peers on the same pages in the
same run and writes ``bench/results/latest.json`` and ``docs/benchmarks.md``;
``python -m bench floors`` shows or updates the regression-gate floors kept in
``bench/floors.toml`` (checked by ``tests/test_quality_gate.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
FLOORS_PATH = BENCH_DIR / "floors.toml"
GATE_DIR = REPO / "fixtures" / "gate"
SEEDS_DIR = REPO / "fixtures" / "seeds"


def default_data_dir() -> Path:
    """``$CLEANER_BENCH_DATA`` or ``../shared/bench`` relative to the repository."""
    env = os.environ.get("CLEANER_BENCH_DATA")
    return Path(env) if env else (REPO.parent / "shared" / "bench")

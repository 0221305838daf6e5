"""Regression gate: cleaner's quality on a pinned subset must not fall below the floors.

Inputs: the seeds and 40 pinned aeb pages (fixtures/gate/), checked against
fixtures/gate/manifest.json. Floors: bench/floors.toml (see docs/benchmarks.md,
"Regression gate"). Raise floors with `python -m bench floors --update`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import gate  # noqa: E402

_MEASURED: dict[str, dict[str, Any]] = {}


def _measure(key: str) -> dict[str, Any]:
    if key not in _MEASURED:
        check = next(c for c in gate.CHECKS if c.key == key)
        _MEASURED[key] = gate.measure((check,))[key]
    return _MEASURED[key]


def test_gate_inputs_match_manifest() -> None:
    problems = gate.verify_manifest()
    assert not problems, "gate inputs differ from fixtures/gate/manifest.json: " + "; ".join(problems[:10])


def test_gate_selection_is_the_sha256_order() -> None:
    pinned = [str(g["id"]) for g in gate.read_jsonl(gate.GATE_DIR / "aeb" / "gold.jsonl")]
    assert len(pinned) == 40
    full = gate.default_data_dir() / "aeb" / "gold.jsonl"
    if not full.exists():
        pytest.skip("shared aeb set not available to re-derive the selection")
    all_ids = [str(g["id"]) for g in gate.read_jsonl(full)]
    assert sorted(pinned) == sorted(gate.gate_ids(all_ids, 40)), "pinned pages are not the first 40 by sha256(id)"


def test_every_check_has_floors() -> None:
    floors = gate.load_floors()["floors"]
    for check in gate.CHECKS:
        assert check.key in floors, f"no floor for {check.key} in bench/floors.toml"
        for metric in gate.METRICS:
            assert metric in floors[check.key], f"no {metric} floor for {check.key}"


@pytest.mark.parametrize("key", [c.key for c in gate.CHECKS])
def test_quality_at_or_above_floor(key: str) -> None:
    floors = gate.load_floors()["floors"].get(key, {})
    measured = _measure(key)
    low = {m: (measured[m], floors[m]) for m in gate.METRICS if m in floors and measured[m] < floors[m]}
    assert not low, f"{key}: quality fell below the floor (measured, floor): {low}"


def _committed_floors() -> dict[str, Any] | None:
    # HEAD catches a floor lowered in the working tree; CI should set CLEANER_FLOORS_BASE to the target
    # branch (e.g. origin/main) so that a lowering inside the tested commit itself is caught too.
    base = os.environ.get("CLEANER_FLOORS_BASE", "HEAD")
    try:
        r = subprocess.run(
            ["git", "show", f"{base}:bench/floors.toml"], cwd=REPO, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return gate.load_floors(r.stdout) if r.returncode == 0 else None


def test_floors_only_lowered_with_a_history_note() -> None:
    committed = _committed_floors()
    if committed is None:
        pytest.skip("no committed bench/floors.toml to compare with")
    current = gate.load_floors()
    notes = {(h.get("key"), h.get("metric"), h.get("new")) for h in current["history"] if h.get("note")}
    silent = []
    for key, values in committed["floors"].items():
        for metric, old in values.items():
            new = current["floors"].get(key, {}).get(metric)
            if new is None or (new < old and (key, metric, new) not in notes):
                silent.append(f"{key}.{metric}: {old} -> {new}")
    assert not silent, (
        "floors lowered without a note; use `python -m bench floors --update --allow-lower --note 'why'`: "
        + ", ".join(silent)
    )

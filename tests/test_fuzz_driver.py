"""The fuzz driver (bench/fuzz.py) finds what it is meant to find, and is deterministic.

Its child process is forked, so a runner patched here is the one the child runs:
each test plants a hang, a crash, a death or a broken promise and checks that the
driver reports it, saves a reproducer and goes on with the next example.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from bench import fuzz

SEED = 5
EXAMPLES = 40


def _fake_result(**changes: Any) -> Any:
    from cleaner import Metadata, Result

    fields: dict[str, Any] = {"text": "kept", "metadata": Metadata(), "blocks": [], "status": "ok", "error": None}
    fields.update(changes)
    return Result(**fields)


def _sleep(case: fuzz.Case, env: fuzz.Env, tmp: Path) -> list[str]:
    time.sleep(60)
    return []


def _raise(case: fuzz.Case, env: fuzz.Env, tmp: Path) -> list[str]:
    raise KeyError("planted")


def _die(case: fuzz.Case, env: fuzz.Env, tmp: Path) -> list[str]:
    os._exit(7)


def _broken_promise(case: fuzz.Case, env: fuzz.Env, tmp: Path) -> list[str]:
    return fuzz.result_problems(_fake_result(status="empty", error=None, text=""))


def _first_page_index() -> int:
    return next(i for i in range(100) if fuzz.make_case(SEED, i).kind == "page")


def test_cases_are_a_function_of_seed_and_index() -> None:
    first = [(c.kind, c.data, c.steps, repr(c.url)) for c in fuzz.iter_cases(SEED, EXAMPLES)]
    again = [(c.kind, c.data, c.steps, repr(c.url)) for c in fuzz.iter_cases(SEED, EXAMPLES)]
    other = [c.data for c in fuzz.iter_cases(SEED + 1, EXAMPLES)]
    assert first == again
    assert [d for _, d, _, _ in first] != other


def test_every_kind_is_generated() -> None:
    kinds = {c.kind for c in fuzz.iter_cases(SEED, 200)}
    assert kinds == set(fuzz.KIND_WEIGHTS)


@pytest.mark.parametrize(
    ("runner", "outcome", "signature"),
    [
        (_sleep, "hang", "hang"),
        (_raise, "crash", "KeyError at test_fuzz_driver.py"),
        (_die, "died", "died:7"),
        (_broken_promise, "invariant", "status 'empty' with error None"),
    ],
)
def test_a_planted_finding_is_reported_and_saved(
    runner: Any, outcome: str, signature: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(fuzz.RUNNERS, "page", runner)
    index = _first_page_index()
    args = fuzz.parse_args(["--seed", str(SEED), "--case", str(index), "--timeout", "2", "--out", str(tmp_path)])
    totals = fuzz.run(args)
    assert totals.outcomes[outcome] == 1
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    (finding,) = summary["findings"]
    assert finding["outcome"] == outcome and finding["signature"].startswith(signature)
    assert (tmp_path / finding["file"]).read_bytes() == fuzz.make_case(SEED, index).data  # the reproducer
    assert finding["replay"] == f"python -m bench.fuzz --seed {SEED} --case {index}"


def test_the_run_goes_on_after_a_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed child is replaced: the examples after a hang still run."""
    for kind in fuzz.KIND_WEIGHTS:
        monkeypatch.setitem(fuzz.RUNNERS, kind, lambda case, env, tmp: [])
    monkeypatch.setitem(fuzz.RUNNERS, fuzz.make_case(SEED, 0).kind, _sleep)
    args = fuzz.parse_args(["--seed", str(SEED), "--examples", "3", "--timeout", "1", "--out", str(tmp_path)])
    totals = fuzz.run(args)
    assert sum(totals.inputs.values()) == 3
    assert totals.outcomes["hang"] >= 1 and totals.outcomes["hang"] + totals.outcomes["ok"] == 3


def test_exit_code_says_whether_anything_was_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = str(_first_page_index())
    monkeypatch.setitem(fuzz.RUNNERS, "page", lambda case, env, tmp: [])
    assert fuzz.main(["--seed", str(SEED), "--case", index, "--out", str(tmp_path / "a")]) == 0
    monkeypatch.setitem(fuzz.RUNNERS, "page", _raise)
    assert fuzz.main(["--seed", str(SEED), "--case", index, "--out", str(tmp_path / "b")]) == 1


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"status": "empty", "error": None, "text": ""}, "status 'empty' with error None"),
        ({"status": "ok", "error": "x"}, "status 'ok' with error 'x'"),
        ({"status": "ok", "text": ""}, "status 'ok' with 0 characters of text"),
        ({"status": "weird", "error": "x", "text": ""}, "unknown status 'weird'"),
        ({"text": "a\x85b"}, "text holds '\\x85' at 1"),
        ({"text": "a\x00"}, "text holds '\\x00' at 1"),
        ({"text": "a\ud800"}, "text holds a lone surrogate"),
    ],
)
def test_result_checks_catch_each_broken_promise(changes: dict[str, Any], problem: str) -> None:
    problems = fuzz.result_problems(_fake_result(**changes))
    assert any(p.startswith(problem) for p in problems), problems


def test_a_sound_result_has_no_problems() -> None:
    assert fuzz.result_problems(_fake_result()) == []


def test_jsonl_accounting_counts_non_blank_lines() -> None:
    assert fuzz.expected_jsonl_records(b'{"text": "a"}\n\n  \n{"text": "b"}\r\n') == 2


def test_a_fuzzer_bug_is_not_counted_as_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An input the generator fails to build is its own outcome: cleaner is not blamed for it."""

    def broken(seed: int, index: int) -> fuzz.Case:
        raise MemoryError

    monkeypatch.setattr(fuzz, "make_case", broken)
    totals = fuzz.run(fuzz.parse_args(["--case", "0", "--out", str(tmp_path)]))
    assert totals.outcomes == {"generator": 1} and totals.found == 0


def test_an_interrupted_run_still_writes_its_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run_then_stop(self: fuzz.Child, index: int, timeout: float) -> fuzz.Report:
        if index == 1:
            raise KeyboardInterrupt
        return fuzz.Report(index, "page", "ok")

    monkeypatch.setattr(fuzz.Child, "run", run_then_stop)
    assert fuzz.main(["--examples", "5", "--out", str(tmp_path)]) == 130
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["interrupted"] is True and summary["examples"] == 1


def _report_engines(case: fuzz.Case, env: fuzz.Env, tmp: Path) -> list[str]:
    engines = {c.engine for c in [*env.cleaners.values(), env.rules_cleaner]}
    return [f"engines {sorted(engines)} {env.clean.keywords}"]  # type: ignore[attr-defined]


def test_the_engine_option_builds_every_cleaner_with_that_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(fuzz.RUNNERS, "page", _report_engines)
    index = _first_page_index()
    args = ["--seed", str(SEED), "--case", str(index), "--out", str(tmp_path), "--engine", "fast"]
    fuzz.run(fuzz.parse_args(args))
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    (finding,) = summary["findings"]
    assert summary["engine"] == "fast"
    assert finding["detail"] == "engines ['fast'] {'engine': 'fast'}"
    assert finding["replay"] == f"python -m bench.fuzz --seed {SEED} --case {index} --engine fast"

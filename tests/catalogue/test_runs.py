"""Catalogue (issue 14), runs: locks, timeouts and signals on stuck documents, killed runs.

Each case states the exit code, the report's rows and a time bound. A "stuck"
document blocks its signals and sleeps, as a rule stuck inside C code does:
only killing its process ends it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from typer.testing import Result

import cleaner.cli._clean as clean_cli
from cleaner.batch.runner import RunConfig
from cleaner.batch.writers import LOCK_NAME, OutputLock

STUCK = "stuck"  # a page whose text holds this word never finishes

# Run in a subprocess: argv = [marker file, cleaner args...]. Cleaning a page that
# holds STUCK touches the marker, then blocks every signal and sleeps: no alarm, no
# Ctrl-C reaches it, as with a regular expression stuck in C.
SCRIPT = """
import signal, sys, time
from pathlib import Path
from cleaner import Cleaner
# as in an interactive shell: a job started in the background (`cmd &` in a script, as CI
# may run the tests) inherits SIGINT ignored, and Python then keeps it ignored
signal.signal(signal.SIGINT, signal.default_int_handler)
MARKER = Path(sys.argv[1])
original = Cleaner.clean
def clean(self, data, **kw):
    if b"STUCK" in (data if isinstance(data, bytes) else data.encode()):
        MARKER.touch()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT, signal.SIGTERM})
        time.sleep(60)
    return original(self, data, **kw)
Cleaner.clean = clean
from cleaner.cli import main
sys.argv = ["cleaner", "clean", *sys.argv[2:]]
main()
""".replace("STUCK", STUCK)


def pages(root: Path, seeds: list[Path], n: int, stuck: int | None) -> Path:
    """``root/p0.txt`` ... ``p{n-1}.txt``; page ``stuck`` never finishes."""
    root.mkdir()
    for i in range(n):
        text = seeds[i % len(seeds)].read_text()
        (root / f"p{i}.txt").write_text(text + (f"\n{STUCK}\n" if i == stuck else ""))
    return root


def rows(report: Path) -> dict[str, dict[str, object]]:
    lines = report.read_text(encoding="utf-8").splitlines()
    return {Path(str(r["path"])).name: r for r in map(json.loads, lines)}


def start(tmp_path: Path, *args: str | Path) -> tuple[subprocess.Popen[str], Path]:
    marker = tmp_path / "started"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(marker), *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    return proc, marker


def wait_for(path: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


# -- timeouts and signals on stuck documents -----------------------------------------

# (name, pages, stuck page, cleaner options, signal or None, exit code, status of the stuck page)
STUCK_CASES = [
    ("one page, --timeout 1", 1, 0, ("--timeout", "1"), None, 1, "timeout"),
    ("one page, SIGTERM, --timeout 0", 1, 0, ("--timeout", "0"), signal.SIGTERM, 130, "interrupted"),
    ("one page, SIGINT, --timeout 0", 1, 0, ("--timeout", "0"), signal.SIGINT, 130, "interrupted"),
    ("three pages, SIGTERM, -j 2", 3, 1, ("--timeout", "0", "-j", "2"), signal.SIGTERM, 130, "interrupted"),
]


@pytest.mark.parametrize(
    ("name", "n", "stuck", "options", "signum", "exit_code", "status"), STUCK_CASES, ids=[c[0] for c in STUCK_CASES]
)
def test_a_stuck_document_is_stopped(
    name: str,
    n: int,
    stuck: int,
    options: tuple[str, ...],
    signum: signal.Signals | None,
    exit_code: int,
    status: str,
    tmp_path: Path,
    seeds: list[Path],
) -> None:
    root = pages(tmp_path / "in", seeds, n, stuck)
    out = tmp_path / "out"
    started = time.monotonic()
    proc, marker = start(tmp_path, *(root.iterdir() if n == 1 else [root]), "-o", out, "-q", *options)
    wait_for(marker)
    if signum is not None:
        os.kill(proc.pid, signum)
    # --timeout 1 + the watchdog's 10 s; a signal: the 2 s grace
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == exit_code, stderr
    assert time.monotonic() - started < 25
    report = rows(out / "_report.jsonl")
    assert report.pop(f"p{stuck}.txt")["status"] == status
    assert len(report) == n - 1 and {r["status"] for r in report.values()} <= {"ok"}  # the others finished
    if signum is not None:
        assert "1 interrupted while being cleaned" in stderr


def test_a_stuck_document_is_killed_soon_after_its_timeout(
    cli: Callable[..., Result], tmp_path: Path, seeds: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process with a short watchdog grace: the single page goes to a killable worker."""
    from cleaner import Cleaner

    def clean(self: Cleaner, data: str | bytes, **kw: object) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)

    monkeypatch.setattr(Cleaner, "clean", clean)
    monkeypatch.setattr(clean_cli, "RunConfig", partial(RunConfig, hard_timeout_grace=0.5))
    started = time.monotonic()
    res = cli("clean", seeds[0], "--timeout", "0.5")
    assert res.exit_code == 1 and time.monotonic() - started < 10
    assert json.loads(res.stdout)["status"] == "timeout"


# -- two runs, one output --------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "locked"),
    [("out", "out"), ("x.jsonl", "x.jsonl"), ("x.jsonl.gz", "x.jsonl.gz")],
    ids=["-o DIR", "-o NAME.jsonl", "-o NAME.jsonl.gz"],
)
def test_a_second_run_into_a_busy_output_is_refused(
    output: str, locked: str, cli: Callable[..., Result], seed_tree: Path, tmp_path: Path
) -> None:
    target = tmp_path / locked
    folder = not locked.endswith(".gz") and not locked.endswith(".jsonl")
    if folder:
        target.mkdir()
    lock = OutputLock(target, folder=folder)
    lock.acquire()  # another run (a flock conflicts across open files, also in one process)
    try:
        res = cli("clean", seed_tree, "-o", tmp_path / output)
    finally:
        lock.release()
    assert res.exit_code == 2
    assert f"is in use by another cleaner run (pid {os.getpid()})" in res.stderr
    assert not (tmp_path / locked).is_file() and not (target / "_report.jsonl").exists()


def test_a_separate_report_is_locked_too(cli: Callable[..., Result], seed_tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.jsonl"
    lock = OutputLock(report, folder=False)
    lock.acquire()
    try:
        res = cli("clean", seed_tree, "-o", tmp_path / "out", "--report", report)
    finally:
        lock.release()
    assert res.exit_code == 2 and "r.jsonl is in use by another cleaner run" in res.stderr
    assert not list((tmp_path / "out").rglob("*.txt"))  # refused before cleaning anything


def test_a_lock_left_by_a_killed_run_is_taken_over(cli: Callable[..., Result], seed_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text("999999\n")  # kill -9 leaves the file, the kernel drops the lock
    res = cli("clean", seed_tree, "-o", out)
    assert res.exit_code == 0 and len(rows(out / "_report.jsonl")) == 5
    assert not (out / LOCK_NAME).exists()


def test_two_real_runs_into_one_folder(tmp_path: Path, seeds: list[Path]) -> None:
    """The second run is refused while the first is stuck; the first then stops unharmed."""
    root = pages(tmp_path / "in", seeds, 3, 1)
    out = tmp_path / "out"
    first, marker = start(tmp_path, root, "-o", out, "-q", "-j", "1")
    wait_for(marker)
    second = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", str(root), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 2
    assert f"is in use by another cleaner run (pid {first.pid})" in second.stderr
    os.kill(first.pid, signal.SIGTERM)
    _, stderr = first.communicate(timeout=30)
    assert first.returncode == 130, stderr  # its report is whole: the second run touched nothing
    assert {r["status"] for r in rows(out / "_report.jsonl").values()} == {"ok", "interrupted"}


# -- killed runs -----------------------------------------------------------------------


def test_a_run_killed_with_kill_9_leaves_every_finished_row(tmp_path: Path, seeds: list[Path]) -> None:
    """The report is appended as documents finish, so SIGKILL loses no finished row."""
    root = pages(tmp_path / "in", seeds, 6, 5)
    out = tmp_path / "out"
    proc, marker = start(tmp_path, root, "-o", out, "-q", "-j", "1")
    wait_for(marker)
    time.sleep(0.2)  # the rows of the documents before the stuck one are flushed as they finish
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    report = rows(out / "_report.jsonl")
    assert set(report) == {f"p{i}.txt" for i in range(5)} == {p.name.removesuffix(".txt") for p in out.glob("*.txt")}

"""The batch layer: runner order and chunking, timeouts, worker crashes, kill -9 and resume."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner import Cleaner
from cleaner._model import Block, Metadata, Result
from cleaner.batch.discover import InputOptions, discover
from cleaner.batch.document import CleanerConfig, Document, Outcome
from cleaner.batch.formats import to_markdown
from cleaner.batch.readers import Reader, strip_ext
from cleaner.batch.runner import RunConfig, Runner
from cleaner.batch.writers import StreamWriter, TreeWriter, atomic_write

ORIGINAL_CLEAN = Cleaner.clean


def slow_clean(self: Cleaner, data: str | bytes, **kwargs: Any) -> Result:
    """Hangs on documents containing SLOW (busy loop), dies on CRASH."""
    raw = data if isinstance(data, bytes) else data.encode()
    if b"SLOW" in raw:
        while True:
            pass
    if b"CRASH" in raw:
        os._exit(3)
    if b"STUCK" in raw:  # like a C extension that never returns: the alarm cannot interrupt it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    return ORIGINAL_CLEAN(self, data, **kwargs)


def page_folder(tmp_path: Path, seeds: list[Path], n: int, marked: dict[int, str]) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    texts = [p.read_text() for p in seeds]
    for i in range(n):
        (root / f"p{i:03d}.txt").write_text(texts[i % len(texts)] + marked.get(i, ""))
    return root


def run(root: Path, **config: Any) -> tuple[list[dict[str, Any]], Any]:
    out = io.StringIO()
    readers = discover([str(root)], InputOptions())
    stats = Runner(RunConfig(**config), StreamWriter("jsonl", stream=out)).run(readers)
    return [json.loads(line) for line in out.getvalue().splitlines()], stats


@pytest.mark.parametrize("jobs", [1, 2])
def test_timeout_is_reported_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds: list[Path], jobs: int
) -> None:
    monkeypatch.setattr(Cleaner, "clean", slow_clean)
    root = page_folder(tmp_path, seeds, 6, {2: "\nSLOW"})
    started = time.perf_counter()
    records, stats = run(root, jobs=jobs, timeout=0.3, chunk_size=2)
    assert time.perf_counter() - started < 5
    assert [r["id"] for r in records] == [f"p{i:03d}" for i in range(6)]
    statuses = [r["status"] for r in records]
    assert statuses == ["ok", "ok", "timeout", "ok", "ok", "ok"]
    assert "0.3 s" in records[2]["error"] and stats.failed == 1


@pytest.mark.parametrize("chunk_size", [1, 3])
def test_dead_worker_fails_its_document_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds: list[Path], chunk_size: int
) -> None:
    monkeypatch.setattr(Cleaner, "clean", slow_clean)
    root = page_folder(tmp_path, seeds, 8, {5: "\nCRASH"})
    records, stats = run(root, jobs=2, chunk_size=chunk_size)
    statuses = {r["id"]: r["status"] for r in records}
    assert len(records) == 8 and statuses.pop("p005") == "error"
    assert set(statuses.values()) == {"ok"} and stats.failed == 1
    assert records[5]["error"] == "worker process died"


def test_stuck_worker_is_killed_and_replaced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds: list[Path]
) -> None:
    monkeypatch.setattr(Cleaner, "clean", slow_clean)
    root = page_folder(tmp_path, seeds, 8, {4: "\nSTUCK"})
    started = time.perf_counter()
    records, stats = run(root, jobs=2, chunk_size=3, timeout=0.2, hard_timeout_grace=0.5)
    assert time.perf_counter() - started < 15
    statuses = {r["id"]: r["status"] for r in records}
    assert list(statuses) == [f"p{i:03d}" for i in range(8)]
    assert statuses.pop("p004") == "timeout" and "worker killed" in records[4]["error"]
    assert set(statuses.values()) == {"ok"} and stats.failed == 1


def test_order_is_stable_with_many_chunks(tmp_path: Path, seeds: list[Path]) -> None:
    root = page_folder(tmp_path, seeds, 40, {})
    records, stats = run(root, jobs=2, chunk_size=3)
    assert [r["id"] for r in records] == [f"p{i:03d}" for i in range(40)]
    assert stats.counts["ok"] == 40 and (stats.rate or 0) > 0


KILL_SCRIPT = """
import sys, time
from cleaner import Cleaner
original = Cleaner.clean
def slow(self, data, **kw):
    time.sleep(0.05)
    return original(self, data, **kw)
Cleaner.clean = slow
from cleaner.cli import main
sys.argv = ["cleaner", "clean", sys.argv[1], "-o", sys.argv[2], "-j", "1", "-q"]
main()
"""


def test_kill_9_leaves_no_partial_output_and_a_rerun_completes(tmp_path: Path, seeds: list[Path]) -> None:
    root = page_folder(tmp_path, seeds, 20, {})
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(root), str(out)], start_new_session=True)
    deadline = time.monotonic() + 20
    while len(list(out.glob("*.txt"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its worker, mid-write
    proc.wait()
    time.sleep(0.2)
    done = sorted(out.glob("*.txt"))
    assert 3 <= len(done) < 20
    cleaner = Cleaner()
    for path in done:  # every published output is complete, with its sidecar
        source = root / path.name.removesuffix(".txt")  # p000.txt -> out/p000.txt.txt
        expected = ORIGINAL_CLEAN(cleaner, source.read_bytes(), mode="text").text
        assert path.read_text() == expected + "\n"
        assert json.loads(path.with_suffix(".json").read_text())["id"] == source.stem
    readers = discover([str(root)], InputOptions(exclude=(out,)))
    stats = Runner(RunConfig(jobs=1), TreeWriter(out, "txt")).run(readers)
    assert stats.counts["skipped"] == len(done) and stats.counts["ok"] == 20 - len(done)
    assert len(list(out.glob("*.txt"))) == 20 and not list(out.glob(".*"))


def test_atomic_write_leaves_nothing_when_interrupted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "sub" / "page.txt"
    atomic_write(target, "complete")
    assert target.read_text() == "complete" and os.listdir(target.parent) == ["page.txt"]

    def boom(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        atomic_write(target, "half")
    assert target.read_text() == "complete" and os.listdir(target.parent) == ["page.txt"]


def test_markdown_rendering() -> None:
    blocks = [
        Block(0, "Menu", tag="li", decision="drop"),
        Block(1, "The  headline", tag="h2", decision="keep"),
        Block(2, "First paragraph.", tag="p", decision="keep"),
        Block(3, "item one", tag="li", decision="keep"),
        Block(4, "a line", tag="line", decision="keep"),
    ]
    result = Result("", Metadata(), blocks)
    assert to_markdown(result) == "## The headline\n\nFirst paragraph.\n\n- item one\n\na line\n"


def test_ids_and_unique_names(tmp_path: Path) -> None:
    assert strip_ext("000_cc0ab38538eaacaa.txt") == "000_cc0ab38538eaacaa"
    assert strip_ext("x.html.gz") == "x" and strip_ext("news.2024.html") == "news.2024"
    (tmp_path / "d").mkdir()
    for name in ("page.html", "page.txt", "notes.md"):
        (tmp_path / "d" / name).write_text("x")
    readers = discover([str(tmp_path / "d"), str(tmp_path / "d" / "page.txt")], InputOptions())
    assert [r.id for r in readers] == ["page", "page~2", "page~3"]


def test_cleaner_config_reaches_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_init(self: Cleaner, **kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr(Cleaner, "__init__", fake_init)
    CleanerConfig(
        mode="text",
        engine="other-engine",
        site_rules=False,
        rules_dirs=("r1", "r2"),
        site="news24",
        max_bytes=10,
        list_all_removed=True,
        max_page_text_chars=99,
    ).build()
    assert seen == {
        "mode": "text",
        "engine": "other-engine",
        "site_rules": False,
        "rules_dirs": ("r1", "r2"),
        "site": "news24",
        "max_bytes": 10,
        "list_all_removed": True,
        "max_page_text_chars": 99,
        "site_model": None,
        "include_comments": False,
    }


class CountingReader(Reader):
    """Yields ``n`` in-memory documents lazily, counting how many were taken."""

    count = None

    def __init__(self, text: str, n: int) -> None:
        super().__init__("mem", "mem", "mem")
        self.text, self.n, self.taken = text, n, 0

    def read(self) -> Iterator[Document]:
        for i in range(self.n):
            self.taken += 1
            yield Document(f"d{i}", "mem", f"mem/{i}", data=self.text, mode="text")


class BoundCheckingWriter(StreamWriter):
    def __init__(self, reader: CountingReader) -> None:
        super().__init__("jsonl", stream=io.StringIO())
        self.reader, self.emitted, self.most_in_flight = reader, 0, 0

    def emit(self, outcome: Outcome) -> None:
        self.emitted += 1
        self.most_in_flight = max(self.most_in_flight, self.reader.taken - self.emitted)


def test_documents_are_streamed_through_a_bounded_window(seeds: list[Path]) -> None:
    reader = CountingReader(seeds[0].read_text()[:1500], 150)
    writer = BoundCheckingWriter(reader)
    stats = Runner(RunConfig(jobs=2, chunk_size=2), writer).run([reader])
    assert stats.total == 150 and writer.emitted == 150
    assert writer.most_in_flight <= (4 * 2 + 1) * 2  # window of 4 chunks per job, never the whole input


def test_sigterm_stops_cleanly_with_a_report(tmp_path: Path, seeds: list[Path]) -> None:
    root = page_folder(tmp_path, seeds, 20, {})
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(root), str(out)], start_new_session=True)
    deadline = time.monotonic() + 20
    while len(list(out.glob("*.txt"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=20) == 130
    lines = [json.loads(line) for line in (out / "_report.jsonl").read_text().splitlines()]
    assert 1 <= len(lines) < 20 and {r["status"] for r in lines} == {"ok"}
    assert not list(out.glob(".*cleaner-tmp"))

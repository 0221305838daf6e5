"""Catalogue (issue 14), outputs: hostile ids, names and texts, full disks, unwritable folders.

Each case states its outcome: the exit code, what every output holds, and the
report's rows. None may crash the run, lose a document or leave a half file.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

import cleaner.batch.writers as writers

SURROGATE_ID = '"b\\ud800"'  # a JSONL id holding a lone surrogate (as JSON text)
SURROGATE_URL = '"http://x/\\udc80"'
FORGED_ID = '"b\\n==> forged <=="'  # a newline would forge a `==> id <==` header
ESC_ID = '"b\\u001b[2J\\u202e"'  # clear-screen and a right-to-left override


def jsonl(tmp_path: Path, seed: Path, id2: str, url2: str = "null", text2: str = "") -> Path:
    """``d.jsonl``: three pages; the second with the given id, url and extra text (JSON text)."""
    text = seed.read_text()
    lines = [
        json.dumps({"id": "a", "text": text}),
        f'{{"id": {id2}, "url": {url2}, "text": {json.dumps(text)[:-1]}{text2}"}}',
        json.dumps({"id": "c", "text": text}),
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def no_content(tmp_path: Path, id2: str) -> Path:
    """``d.jsonl``: one record with the id ``id2`` (JSON text) and no page: an error."""
    path = tmp_path / "d.jsonl"
    path.write_text(f'{{"id": {id2}}}\n')
    return path


def odd_names(tmp_path: Path, seed: Path, name: bytes, content: bytes | None = None) -> Path:
    """``in/``: three pages, the second named ``name`` (raw bytes: not always UTF-8),
    holding ``content`` (default: the seed)."""
    root = tmp_path / "in"
    root.mkdir()
    for raw in (b"a.txt", name, b"c.txt"):
        with open(os.path.join(os.fsencode(root), raw), "wb") as fh:
            fh.write(content if content is not None and raw == name else seed.read_bytes())
    return root


def report_rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@dataclass(frozen=True)
class Case:
    """``make(tmp_path, seed)`` builds the input; ``args`` follow it (``OUT``: the output path)."""

    name: str
    make: Callable[[Path, Path], Path]
    args: tuple[str, ...]
    check: Callable[[Result, Path], None]
    exit_code: int = 0


def stdout_has_three_records(res: Result, out: Path) -> None:
    records = [json.loads(line) for line in res.stdout_bytes.decode("utf-8").splitlines()]
    assert [r["status"] for r in records] == ["ok"] * 3
    # the reader turns a lone surrogate into U+FFFD (a JSONL id); a file name's id keeps its escape
    assert records[1]["id"] in ("b\ufffd", "b\udcff")


def file_has_three_records(res: Result, out: Path) -> None:
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3 and records[1]["metadata"]["url"] == "http://x/\ufffd"  # the reader replaces it


def tree_is_complete(res: Result, out: Path) -> None:
    rows = report_rows(out / "_report.jsonl")
    assert [r["status"] for r in rows] == ["ok"] * 3
    assert len(list(out.rglob("*.txt.txt")) + list(out.rglob("[0-9].txt"))) == 3


def headers_are_escaped(res: Result, out: Path) -> None:
    headers = [line for line in res.stdout_bytes.decode("utf-8").splitlines() if line.startswith("==> ")]
    assert headers == ["==> a <==", "==> b\\n==> forged <== <==", "==> c <=="]


def file_name_is_escaped(res: Result, out: Path) -> None:
    assert "\x1b" not in res.stderr and "\u202e" not in res.stderr
    assert "binary: b\\x1b[2J\\u202e (" in res.stderr


def terminal_is_escaped(res: Result, out: Path) -> None:
    assert "\x1b" not in res.stderr and "\u202e" not in res.stderr
    assert "\\x1b[2J\\u202e" in res.stderr  # shown, escaped, in the failure line


CASES = [
    Case("surrogate id, stdout", lambda t, s: jsonl(t, s, SURROGATE_ID), (), stdout_has_three_records),
    Case(
        "surrogate url, -o x.jsonl",
        lambda t, s: jsonl(t, s, '"b"', SURROGATE_URL),
        ("-o", "OUT"),
        file_has_three_records,
    ),
    Case("surrogate id, -o DIR", lambda t, s: jsonl(t, s, SURROGATE_ID), ("-o", "OUT"), tree_is_complete),
    Case("non-UTF-8 name, stdout", lambda t, s: odd_names(t, s, b"b\xff.txt"), (), stdout_has_three_records),
    Case("non-UTF-8 name, -o DIR", lambda t, s: odd_names(t, s, b"b\xff.txt"), ("-o", "OUT"), tree_is_complete),
    Case(
        "ESC and bidi in a file name, terminal",
        lambda t, s: odd_names(t, s, "b\x1b[2J\u202e.txt".encode(), content=b"\x89PNG\r\n\x1a\n\x00\x00"),
        (),
        file_name_is_escaped,
        exit_code=1,
    ),
    Case("newline in id, txt headers", lambda t, s: jsonl(t, s, FORGED_ID), ("-f", "txt"), headers_are_escaped),
    Case(
        "ESC and bidi in id, terminal",
        lambda t, s: no_content(t, ESC_ID),  # fails, so the summary lists its id
        (),
        terminal_is_escaped,
        exit_code=1,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_text_never_crashes_a_writer(
    case: Case, cli: Callable[..., Result], tmp_path: Path, seeds: list[Path]
) -> None:
    source = case.make(tmp_path, seeds[0])
    out = tmp_path / ("x.jsonl" if "x.jsonl" in case.name else "out")
    args = [str(out) if a == "OUT" else a for a in case.args]
    res = cli("clean", source, *args)
    assert res.exit_code == case.exit_code, res.stderr
    assert "Traceback" not in res.stderr
    case.check(res, out)


@pytest.mark.parametrize("fmt", ["txt", "md", "json", "jsonl"])
def test_every_format_renders_a_surrogate_as_valid_utf8(fmt: str) -> None:
    """The cleaner core may still fail on such text; the writers must not."""
    from cleaner._model import KEEP, Block, Metadata
    from cleaner._model import Result as Cleaned
    from cleaner.batch.document import Document
    from cleaner.batch.formats import record, render

    text = "caf\u00e9 \ud800 \udcff"
    result = Cleaned(
        text=text, metadata=Metadata(url="http://x/\udc80"), blocks=[Block(0, text, decision=KEEP)], mode="text"
    )
    rendered = render(fmt, record(Document("b\ud800", "d.jsonl:2", "2"), result, status="ok", error=None), result)
    rendered.encode("utf-8")  # strict: a raw surrogate raises
    if fmt in ("json", "jsonl"):
        assert json.loads(rendered)["text"] == text  # escaped, so nothing is lost
    else:
        assert rendered == "caf\u00e9 \ufffd \ufffd\n"


# -- explain --html ----------------------------------------------------------------


def test_explain_html_of_a_non_utf8_name_is_written(
    cli: Callable[..., Result], tmp_path: Path, seeds: list[Path]
) -> None:
    page = odd_names(tmp_path, seeds[0], b"b\xff.txt") / os.fsdecode(b"b\xff.txt")
    report = tmp_path / "r.html"
    res = cli("explain", page, "--html", report)
    assert res.exit_code == 0, res.stderr
    assert "\ufffd" in report.read_text(encoding="utf-8")


def test_explain_html_never_leaves_a_partial_file(
    cli: Callable[..., Result], tmp_path: Path, seeds: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers.os, "fsync", full)
    res = cli("explain", seeds[0], "--html", tmp_path / "r.html")
    assert res.exit_code == 2 and "No space left on device" in res.stderr
    assert list(tmp_path.iterdir()) == []  # neither a 0-byte report nor a temporary file


# -- disk full, unwritable folders ---------------------------------------------------


def fail_nth_write(monkeypatch: pytest.MonkeyPatch, n: int, error: OSError) -> None:
    """The ``n``-th and later calls of atomic_write (in the one worker, -j 1) raise ``error``."""
    real, calls = writers.atomic_write, [0]

    def write(path: Path, data: str | bytes) -> None:
        calls[0] += 1
        if calls[0] >= n:
            raise error
        real(path, data)

    monkeypatch.setattr(writers, "atomic_write", write)


ENOSPC = OSError(errno.ENOSPC, "No space left on device")
EACCES = PermissionError(errno.EACCES, "Permission denied")


@pytest.mark.parametrize(
    ("error", "nth", "ok"),
    [
        (ENOSPC, 5, 2),  # writes 1-4: two documents (sidecar + text), then the disk is full
        (EACCES, 3, 1),  # a subfolder turned read-only after the first document
    ],
    ids=["disk full", "permission denied"],
)
def test_a_document_that_cannot_be_written_fails_alone(
    error: OSError,
    nth: int,
    ok: int,
    cli: Callable[..., Result],
    seed_tree: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fail_nth_write(monkeypatch, nth, error)
    out = tmp_path / "out"
    res = cli("clean", seed_tree, "-o", out, "-j", "1")
    assert res.exit_code == 1
    rows = report_rows(out / "_report.jsonl")
    assert len(rows) == 5  # every document has its row, the failed ones too
    assert [r["status"] for r in rows] == ["ok"] * ok + ["error"] * (5 - ok)
    assert all(error.strerror in str(r["error"]) for r in rows[ok:])
    assert len(list(out.rglob("*.txt.txt"))) == ok and not list(out.rglob("*.cleaner-tmp"))


def fail_publishing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Publishing the file ``name`` (its final fsync and rename) hits a full disk."""
    real = writers.AtomicTextFile.close

    def close(self: writers.AtomicTextFile, publish: bool = True) -> None:
        if self.path.name == name:
            self.text.write("x" * 100)  # some bytes are lost with the error
            real(self, publish=False)
            raise ENOSPC
        real(self, publish)

    monkeypatch.setattr(writers.AtomicTextFile, "close", close)


def test_a_full_disk_under_one_jsonl_file_stops_the_run_and_says_so(
    cli: Callable[..., Result], seed_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_publishing(monkeypatch, "x.jsonl")
    report = tmp_path / "r.jsonl"
    res = cli("clean", seed_tree, "-o", tmp_path / "x.jsonl", "--report", report)
    assert res.exit_code == 1
    assert "No space left on device" in res.stderr and "x.jsonl was not written" in res.stderr
    assert not (tmp_path / "x.jsonl").exists() and len(report_rows(report)) == 5


def test_a_full_disk_at_the_end_still_leaves_every_report_row(
    cli: Callable[..., Result], seed_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows were appended as documents finished; only the final merge is lost."""
    fail_publishing(monkeypatch, "_report.jsonl")
    out = tmp_path / "out"
    res = cli("clean", seed_tree, "-o", out)
    assert res.exit_code == 1 and "No space left on device" in res.stderr
    assert [r["status"] for r in report_rows(out / "_report.jsonl")] == ["ok"] * 5
    assert len(list(out.rglob("*.txt.txt"))) == 5 and not list(out.rglob("*.cleaner-tmp"))


def test_a_report_that_fills_the_disk_stops_the_run_and_keeps_its_rows(
    cli: Callable[..., Result], seed_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = writers.ReportWriter.add, [0]

    def add(self: writers.ReportWriter, outcome: object) -> None:
        calls[0] += 1
        if calls[0] == 3:
            raise ENOSPC
        real(self, outcome)  # type: ignore[arg-type]

    monkeypatch.setattr(writers.ReportWriter, "add", add)
    out = tmp_path / "out"
    res = cli("clean", seed_tree, "-o", out, "-j", "1")
    assert res.exit_code == 1 and "cannot write the output: [Errno 28] No space left on device" in res.stderr
    assert "stopped: " in res.stderr and "rerun the same command to resume" in res.stderr
    assert len(report_rows(out / "_report.jsonl")) == 2  # the rows written before the disk filled


def test_an_unwritable_output_folder_is_a_clear_error(
    cli: Callable[..., Result], seed_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real = os.open

    def refuse(path: str | os.PathLike[str], flags: int, mode: int = 0o777, **kw: object) -> int:
        if os.fspath(path).startswith(str(out)) and flags & (os.O_WRONLY | os.O_RDWR):
            raise EACCES
        return real(path, flags, mode)

    monkeypatch.setattr(writers.os, "open", refuse)
    res = cli("clean", seed_tree, "-o", out)
    assert res.exit_code == 1
    assert "cannot write the output" in res.stderr and "Permission denied" in res.stderr
    assert "stopped before cleaning any document" in res.stderr
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_output_folder_is_a_clear_error(
    cli: Callable[..., Result], seed_tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o500)
    try:
        res = cli("clean", seed_tree, "-o", out)
    finally:
        out.chmod(0o700)
    assert res.exit_code == 1 and "Permission denied" in res.stderr

"""Hostile JSONL inputs (issue 14): every line gets its own outcome; the file goes on.

Each case is a JSONL file (or its .gz) with sound lines around one fault, and
the report rows it must give, in order, with the exit code. Outputs must be
valid UTF-8 whatever the input held (lone surrogates become U+FFFD at read time).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

Cli = Callable[..., Result]

STORY = "<p>The council met on Monday to discuss the new budget for the town library and its schools.</p>" * 12
HTML = f"<html><head><title>Budget</title></head><body><article>{STORY}</article></body></html>"
MAX_BYTES = 20_000  # --max-bytes of every case: a line above it + 64 KiB is too_large


def line(n: int, **fields: object) -> bytes:
    return json.dumps({"id": f"doc-{n}", "html": HTML, **fields}).encode() + b"\n"


def nested(depth: int) -> bytes:
    return b'{"id": "deep", "html": "x", "extra": ' + b"[" * depth + b"]" * depth + b"}\n"


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    statuses: list[str]
    error: str = ""  # a word every error row names
    exit_code: int = 1
    suffix: str = ".jsonl"
    ids: tuple[str, ...] = ()  # ids the report must hold (encodable text)


L1, L3 = line(1), line(3)
LINE_LIMIT = MAX_BYTES + 64 * 1024  # the longest line read, newline left out


def padded(size: int) -> bytes:
    """A sound line of ``size`` bytes, newline included: a small page and a long passed-through field."""
    bare = line(2, pad="")
    return bare.replace(b'"pad": ""', b'"pad": "' + b"p" * (size - len(bare)) + b'"')


GZ_TAIL = gzip.compress(L1 + L3)

CASES = [
    Case("sound", L1 + line(2) + L3, ["ok", "ok", "ok"], exit_code=0),
    Case("nested 5000 deep", L1 + nested(5000) + L3, ["ok", "error", "ok"], "RecursionError"),
    Case("nested 50000 deep", L1 + b"[" * 50_000 + b"\n" + L3, ["ok", "error", "ok"], "line 2"),
    Case("nested 300 deep in a passed-through field", L1 + nested(300) + L3, ["ok", "empty", "ok"], exit_code=0),
    Case("invalid JSON", L1 + b'{"id": "x", "html": \n' + L3, ["ok", "error", "ok"], "invalid JSON"),
    Case("array, not an object", L1 + b"[1, 2]\n" + L3, ["ok", "error", "ok"], "not a JSON object"),
    Case("bare string", L1 + b'"hello"\n' + L3, ["ok", "error", "ok"], "not a JSON object"),
    Case("no content field", L1 + b'{"id": "x", "body": "<p>x</p>"}\n' + L3, ["ok", "error", "ok"], "no string field"),
    Case("content field not a string", L1 + b'{"id": "x", "html": 12}\n' + L3, ["ok", "error", "ok"],
         "no string field"),
    Case("invalid UTF-8 byte", L1 + b'{"id": "x", "html": "caf\xe9"}\n' + L3, ["ok", "error", "ok"], "invalid JSON"),
    Case("raw NUL byte in a string", L1 + b'{"id": "x", "html": "a\x00b"}\n' + L3, ["ok", "error", "ok"],
         "invalid JSON"),
    Case("lone surrogate escape in id", L1 + line(2).replace(b'"doc-2"', b'"doc-\\ud800"') + L3, ["ok", "ok", "ok"],
         exit_code=0, ids=("doc-1", "doc-\ufffd", "doc-3")),
    Case("lone surrogate escape in url", L1 + line(2, url="https://x.org/\ud800") + L3, ["ok", "ok", "ok"],
         exit_code=0),
    Case("lone surrogate escapes in html and extra fields", L1 + line(2, html=HTML + "\udfff", lang="\udc80") + L3,
         ["ok", "ok", "ok"], exit_code=0),
    Case("surrogate encoded raw in id", L1 + line(2).replace(b'"doc-2"', b'"doc-\xed\xa0\x80"') + L3,
         ["ok", "ok", "ok"], exit_code=0, ids=("doc-1", "doc-\ufffd", "doc-3")),
    Case("surrogate pair is kept", L1 + line(2).replace(b'"doc-2"', b'"doc-\\ud83d\\ude00"') + L3, ["ok", "ok", "ok"],
         exit_code=0, ids=("doc-1", "doc-\U0001f600", "doc-3")),
    Case("line above max_bytes", L1 + line(2, html="x" * (MAX_BYTES + 70_000)) + L3, ["ok", "too_large", "ok"],
         "line 2"),
    Case("line at the line limit", L1 + padded(LINE_LIMIT + 1) + L3, ["ok", "ok", "ok"], exit_code=0),
    Case("line one byte above the line limit", L1 + padded(LINE_LIMIT + 2) + L3, ["ok", "too_large", "ok"],
         "line 2"),
    Case("blank and whitespace lines are not records", b"\n  \n" + L1 + b"\r\n\t\n" + L3, ["ok", "ok"], exit_code=0),
    Case("CRLF line ends", L1.replace(b"\n", b"\r\n") + L3.replace(b"\n", b"\r\n"), ["ok", "ok"], exit_code=0),
    Case("UTF-8 BOM", b"\xef\xbb\xbf" + L1 + L3, ["ok", "ok"], exit_code=0),
    Case("last line without newline", L1 + L3.rstrip(b"\n"), ["ok", "ok"], exit_code=0),
    Case("empty file", b"", ["skipped"], exit_code=0),
    Case("whitespace only", b" \n\n\t\r\n", ["skipped"], exit_code=0),
    Case("binary file named .jsonl", b"\x89PNG\r\n\x1a\n" + bytes(200), ["error"] * 3, "invalid JSON"),
    Case("truncated gzip", gzip.compress(L1) + gzip.compress(L3)[:-30], ["ok", "error"], "cannot read",
         suffix=".jsonl.gz"),
    Case("gzip trailer cut off", gzip.compress(L1 + L3)[:-8], ["ok", "ok", "error"], "cannot read",
         suffix=".jsonl.gz"),
    Case("gzip with garbage after a member", GZ_TAIL + b"\x1f\x8b\x08\x00garbage", ["ok", "ok", "error"],
         "cannot read", suffix=".jsonl.gz"),
]  # fmt: skip


def report_rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_line_gets_its_own_outcome(cli: Cli, tmp_path: Path, case: Case) -> None:
    dump = tmp_path / f"dump{case.suffix}"
    dump.write_bytes(case.data)
    report, out = tmp_path / "report.jsonl", tmp_path / "out.jsonl"
    result = cli("clean", dump, "--report", report, "-o", out, "--max-bytes", str(MAX_BYTES), "--jobs", "1")
    rows = report_rows(report)  # strict UTF-8: a lone surrogate would have failed the write
    assert [r["status"] for r in rows] == case.statuses, rows
    assert result.exit_code == case.exit_code, result.output
    assert all(case.error in str(r["error"]) for r in rows if r["status"] in ("error", "too_large")), rows
    assert len({r["path"] for r in rows}) == len(rows), "each row its own path: reruns merge reports by path"
    records = report_rows(out)
    assert len(records) == len([r for r in rows if r["status"] != "skipped"])
    if case.ids:
        assert [r["id"] for r in rows] == list(case.ids)


def test_stdin_jsonl_goes_on_after_a_deeply_nested_line(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "report.jsonl"
    result = cli("clean", "-", "--report", report, input=L1 + nested(5000) + L3)
    assert [r["status"] for r in report_rows(report)] == ["ok", "error", "ok"]
    assert result.exit_code == 1


@pytest.mark.parametrize("given", ["stdin", "--input-format auto"])
def test_a_deeply_nested_first_line_is_sniffed_as_jsonl_and_reported(cli: Cli, tmp_path: Path, given: str) -> None:
    report, dump = tmp_path / "report.jsonl", tmp_path / "dump.data"
    dump.write_bytes(nested(5000) + L1)
    args = ["-"] if given == "stdin" else [dump, "--input-format", "auto"]
    result = cli("clean", *args, "--report", report, input=dump.read_bytes() if given == "stdin" else None)
    assert [r["status"] for r in report_rows(report)] == ["error", "ok"]
    assert result.exit_code == 1

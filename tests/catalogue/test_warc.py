"""Hostile WARC inputs (issue 14): every record is read, or reported as lost with its offset.

Each case builds a WARC from sound records and one fault, runs ``cleaner clean``
on it and states what the report must hold, in order: one status per row
(``ok`` pages, ``error`` for the lost stretch, ``skipped`` ...), a word the
error must name, and the exit code. The batch always goes on: the sound
records after a fault are cleaned.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

pytest.importorskip("warcio")

Cli = Callable[..., Result]

STORY = "<p>The council met on Monday to discuss the new budget for the town library and its schools.</p>" * 12


def page(n: int) -> bytes:
    return f"<html><head><title>Story {n}</title></head><body><article>{STORY}</article></body></html>".encode()


def record(
    n: int, *, body: bytes | None = None, length_delta: int = 0, length: str | None = None, http_extra: str = ""
) -> bytes:
    """A response record for https://x.org/<n>; its Content-Length can be made wrong."""
    http_head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{http_extra}\r\n".encode()
    http = http_head + (page(n) if body is None else body)
    size = str(len(http) + length_delta) if length is None else length
    headers = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:rec-{n}>\r\n"
        f"WARC-Target-URI: https://x.org/{n}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {size}\r\n\r\n"
    )
    return headers.encode() + http + b"\r\n\r\n"


def members(*records: bytes) -> bytes:
    """A .warc.gz: one gzip member per record, as crawlers write them."""
    return b"".join(gzip.compress(r) for r in records)


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    statuses: list[str]  # the report rows in order
    error: str = ""  # a word every error row names
    exit_code: int = 1
    suffix: str = ".warc"
    reason: str = ""  # a word every skipped row's reason names


R1, R2, R3 = record(1), record(2), record(3)
GZ_LAST = gzip.compress(R3)

CASES = [
    Case("sound", R1 + R2 + R3, ["ok", "ok", "ok"], exit_code=0),
    Case("sound gzip members", members(R1, R2, R3), ["ok", "ok", "ok"], exit_code=0, suffix=".warc.gz"),
    Case("no trailing blank lines", R1 + R2 + R3.rstrip(b"\r\n"), ["ok", "ok", "ok"], exit_code=0),
    Case("content-length too large swallows the next", R1 + record(2, length_delta=300) + R3, ["ok", "error", "ok"],
         "Content-Length"),
    Case("content-length far past the end", record(1, length_delta=10**9) + R2 + R3, ["error", "ok", "ok"],
         "offset 0"),
    Case("content-length too small", R1 + record(2, length_delta=-40) + R3, ["ok", "error", "ok"], "Content-Length"),
    Case("content-length zero", R1 + record(2, length="0") + R3, ["ok", "error", "ok"], "Content-Length"),
    Case("content-length missing", R1 + record(2, length="").replace(b"Content-Length: \r\n", b"") + R3,
         ["ok", "error", "ok"], "Content-Length"),
    Case("content-length not a number", R1 + record(2, length="12ab") + R3, ["ok", "error", "ok"], "Content-Length"),
    Case("content-length of 5000 digits", R1 + record(2, length="9" * 5000) + R3, ["ok", "error", "ok"],
         "Content-Length"),
    Case("content-length with an underscore", R1 + record(2, length="1_0") + R3, ["ok", "error", "ok"],
         "Content-Length"),
    Case("a million blank lines after a record", R1 + b"\r\n" * 1_000_000 + R2, ["ok", "ok"], exit_code=0),
    Case("content-length negative", R1 + record(2, length="-5") + R3, ["ok", "error", "ok"], "Content-Length"),
    Case("garbage between records", R1 + b"GARBAGE\x00\xff not a header\r\n" * 50 + R2 + R3,
         ["ok", "error", "ok", "ok"], "not a WARC record header"),
    Case("garbage line without newline before a record", R1 + b"x" * 200_000 + R2, ["ok", "error"],
         "not a WARC record header"),
    Case("not a WARC at all", b"<html><body><p>hello</p></body></html>\n", ["error"], "offset 0"),
    Case("binary file named .warc", bytes(range(256)) * 64, ["error"], "offset 0"),
    Case("empty file", b"", ["skipped"], exit_code=0, reason="no records"),
    Case("blank lines only", b"\r\n" * 10, ["skipped"], exit_code=0, reason="no records"),
    Case("stream ends inside the headers", R1 + b"WARC/1.0\r\nWARC-Type: response\r\n", ["ok", "error"],
         "inside the WARC headers"),
    Case("stream ends inside the block", R1 + R2[: len(R2) // 2], ["ok", "error"], "stream ends"),
    Case("header line above the limit", R1 + b"WARC/1.0\r\nX-Long: " + b"a" * 100_000 + b"\r\n\r\n" + R2,
         ["ok", "error", "ok"], "header line"),
    Case("truncated gzip drops no record silently", members(R1, R2) + GZ_LAST[: len(GZ_LAST) // 2],
         ["ok", "ok", "error"], "cannot read the stream", suffix=".warc.gz"),
    Case("gzip member of garbage", members(R1) + b"\x1f\x8b\x08\x00garbage" + members(R2), ["ok", "error"],
         "cannot read the stream", suffix=".warc.gz"),
    Case("gzip garbage as HTTP Content-Encoding",
         R1 + record(2, body=b"\x1f\x8b\x08\x00garbage", http_extra="Content-Encoding: gzip\r\n") + R3,
         ["ok", "empty", "ok"], exit_code=0),
    Case("a WARC header inside a page is content", R1 + record(2, body=page(2) + b"\r\n\r\nWARC/1.0\r\n") + R3,
         ["ok", "ok", "ok"], exit_code=0),
]  # fmt: skip


def report_rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_record_is_read_or_reported_lost(cli: Cli, tmp_path: Path, case: Case) -> None:
    warc = tmp_path / f"crawl{case.suffix}"
    warc.write_bytes(case.data)
    report = tmp_path / "report.jsonl"
    result = cli("clean", warc, "--report", report, "-o", tmp_path / "out.jsonl", "--jobs", "1")
    rows = report_rows(report)
    assert [r["status"] for r in rows] == case.statuses, rows
    assert result.exit_code == case.exit_code, result.output
    assert len({r["path"] for r in rows}) == len(rows), "each row its own path: reruns merge reports by path"
    for row in rows:
        if row["status"] == "error":
            assert case.error in str(row["error"]), row
        if row["status"] == "skipped":
            assert case.reason in str(row["reason"]), row
    records = report_rows(tmp_path / "out.jsonl")
    assert all("WARC/1.0" not in str(r["text"]) for r in records), "a header leaked into a page's text"
    assert all("WARC-Type" not in str(r["text"]) for r in records)


def test_stdin_warc_with_a_wrong_length_is_resynchronised(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "report.jsonl"
    result = cli("clean", "-", "--report", report, input=R1 + record(2, length_delta=300) + R3)
    assert [r["status"] for r in report_rows(report)] == ["ok", "error", "ok"]
    assert result.exit_code == 1


def test_a_record_warcio_cannot_parse_fails_alone(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.batch import readers

    parse = readers._parse_record

    def flaky(raw: bytes) -> object:
        if b"rec-2" in raw:
            raise ValueError("bad HTTP block")
        return parse(raw)

    monkeypatch.setattr(readers, "_parse_record", flaky)
    warc, report = tmp_path / "crawl.warc", tmp_path / "report.jsonl"
    warc.write_bytes(R1 + R2 + R3)
    result = cli("clean", warc, "--report", report, "--jobs", "1")
    rows = report_rows(report)
    assert [r["status"] for r in rows] == ["ok", "error", "ok"]
    assert "offset" in str(rows[1]["error"]) and "bad HTTP block" in str(rows[1]["error"])
    assert result.exit_code == 1

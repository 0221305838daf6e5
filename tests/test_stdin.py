"""Stdin and --input-format: sniffed gzip, WARC, JSONL or a page, for stdin and files alike."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from typer.testing import Result

from cleaner.batch.readers import StdinReader, sniff_kind

Cli = Callable[..., Result]


def jsonl_dump(seeds: list[Path]) -> bytes:
    lines = [json.dumps({"id": f"doc-{i}", "text": p.read_text(), "lang": "en"}) for i, p in enumerate(seeds[:3])]
    return ("\n".join(lines) + "\n").encode()


def records(res: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in res.stdout.splitlines()]


def test_jsonl_on_stdin_is_read_record_by_record(cli: Cli, seeds: list[Path]) -> None:
    res = cli("clean", "-", "-j", "1", input=jsonl_dump(seeds))
    assert res.exit_code == 0, res.output
    assert [r["id"] for r in records(res)] == ["doc-0", "doc-1", "doc-2"]
    assert all(r["status"] == "ok" and not str(r["text"]).startswith("{") for r in records(res))


def test_gzipped_page_and_gzipped_jsonl_on_stdin(cli: Cli, seeds: list[Path]) -> None:
    page = cli("clean", "-", "--format", "txt", input=gzip.compress(seeds[0].read_bytes()))
    assert page.exit_code == 0 and page.stdout.strip() and "==>" not in page.stdout  # one page: no separators
    dump = cli("clean", "-", "-j", "1", input=gzip.compress(jsonl_dump(seeds)))
    assert dump.exit_code == 0 and len(records(dump)) == 3


def test_input_format_forces_the_kind(cli: Cli, seeds: list[Path]) -> None:
    as_text = cli("clean", "-", "--input-format", "text", input=jsonl_dump(seeds))
    assert as_text.exit_code == 0 and [r["id"] for r in records(as_text)] == ["stdin"]


def test_input_format_auto_sniffs_files_whatever_their_name(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    dump = tmp_path / "dump.data"
    dump.write_bytes(gzip.compress(jsonl_dump(seeds)))
    page = tmp_path / "page.bin"
    page.write_bytes(gzip.compress(seeds[0].read_bytes()))
    res = cli("clean", dump, page, "--input-format", "auto", "-j", "1")
    assert res.exit_code == 0, res.output
    assert [r["id"] for r in records(res)] == ["doc-0", "doc-1", "doc-2", "page"]
    assert records(res)[-1]["status"] == "ok"  # gunzipped by its magic bytes, not its name


def test_broken_gzip_on_stdin_is_an_error_not_a_crash(cli: Cli) -> None:
    for data in (b"\x1f\x8bnot gzip at all", gzip.compress(b"<p>cut off</p>" * 100)[:40]):
        res = cli("clean", "-", input=data)
        assert res.exit_code == 1 and "cannot read stdin" in res.stderr, res.output
        assert json.loads(res.stdout)["status"] == "error"


def test_sniffing() -> None:
    assert sniff_kind(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n") == "warc"
    assert sniff_kind(b'  {"text": "a"}\n{"text": "b"}\n') == "jsonl"
    assert sniff_kind(b'{"html": "' + b"x" * 100) == "jsonl"  # first line longer than the sniffed bytes
    assert sniff_kind(b"{not json at all}\nsecond line") == "page"
    assert sniff_kind(b"<html><body>{}</body></html>") == "page"
    assert sniff_kind(b"[1, 2, 3]\n") == "page"


def test_gzip_on_stdin_is_read_only_up_to_max_bytes() -> None:
    bomb = gzip.compress(bytes(50_000_000))  # 50 MB of zeros, about 50 KB compressed
    tracemalloc.start()
    try:
        docs = list(StdinReader(stream=BytesIO(bomb), max_bytes=100_000).read())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [d.fail_status for d in docs] == ["too_large"] and docs[0].error is not None
    assert peak < 5_000_000

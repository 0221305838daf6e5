"""``cleaner explain``: --kept, --dropped, --category, the counts per category, --summary and --record."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import Result

from cleaner import Cleaner
from cleaner.cli._explain import category_counts

Cli = Callable[..., Result]
HEADER = re.compile(r"^\[(\d{3})\] (KEEP|DROP)  (\S+)  (\S+)", flags=re.M)


def headers(out: str) -> list[tuple[int, str, str]]:
    return [(int(i), label, category) for i, label, category, _ in HEADER.findall(out)]


@pytest.fixture
def page(seeds: list[Path]) -> Path:
    return seeds[0]  # 117 blocks, 13 categories, kept and dropped


@pytest.fixture
def blocks(page: Path) -> list[tuple[int, str, str]]:
    result = Cleaner().clean(page.read_bytes(), mode="text")
    return [(b.index, "KEEP" if b.kept else "DROP", b.category or "-") for b in result.blocks]


def test_default_lists_every_block_after_the_counts(cli: Cli, page: Path, blocks: list[tuple[int, str, str]]) -> None:
    out = cli("explain", page).stdout
    assert headers(out) == blocks
    kept = sum(1 for b in blocks if b[1] == "KEEP")
    head, _, _ = out.partition("\n[000]")
    assert f"{len(blocks)} blocks: {kept} kept, {len(blocks) - kept} dropped" in head
    assert re.search(r"^category +kept +\(words\) +dropped +\(words\)$", head, flags=re.M)
    assert "listing" not in head  # no filter, no "listing N of M" line


def test_kept_and_dropped(cli: Cli, page: Path, blocks: list[tuple[int, str, str]]) -> None:
    assert headers(cli("explain", page, "--kept").stdout) == [b for b in blocks if b[1] == "KEEP"]
    dropped = cli("explain", page, "--dropped").stdout
    assert headers(dropped) == [b for b in blocks if b[1] == "DROP"]
    assert f"listing {len(headers(dropped))} of {len(blocks)} blocks (--dropped)" in dropped
    assert headers(cli("explain", page, "--kept", "--dropped").stdout) == blocks  # both: everything


def test_category_is_repeatable_case_insensitive_and_combines_with_dropped(
    cli: Cli, page: Path, blocks: list[tuple[int, str, str]]
) -> None:
    res = cli("explain", page, "--category", "navigation", "-c", "FOOTER")
    assert res.exit_code == 0
    assert headers(res.stdout) == [b for b in blocks if b[2] in ("navigation", "footer")] != []
    res = cli("explain", page, "--dropped", "--category", "body")
    assert headers(res.stdout) == [b for b in blocks if b[1] == "DROP" and b[2] == "body"]


def test_unknown_category_lists_nothing_and_says_which_exist(cli: Cli, page: Path) -> None:
    res = cli("explain", page, "--category", "nosuch")
    assert res.exit_code == 0 and headers(res.stdout) == []
    assert "no block of category nosuch" in res.stderr and "navigation" in res.stderr


def test_counts_per_category(cli: Cli, page: Path) -> None:
    result = Cleaner().clean(page.read_bytes(), mode="text")
    out = cli("explain", page, "--dropped").stdout  # the counts cover the whole page whatever the filter
    rows = {m[0]: tuple(map(int, m[1:])) for m in re.findall(r"^(\S+) +(\d+) +\((\d+)\) +(\d+) +\((\d+)\)$", out, re.M)}
    kept = Counter(b.category for b in result.blocks if b.kept)
    dropped = Counter(b.category for b in result.blocks if not b.kept)
    assert set(rows) == set(kept) | set(dropped)
    for name, (k, kw, d, dw) in rows.items():
        assert (k, d) == (kept[name], dropped[name])
        assert kw == sum(len(b.text.split()) for b in result.blocks if b.kept and b.category == name)
        assert dw == sum(len(b.text.split()) for b in result.blocks if not b.kept and b.category == name)
    totals = [c.blocks for c in category_counts(result.blocks)]
    assert totals == sorted(totals, reverse=True)  # most blocks first


def test_summary_prints_only_the_counts(cli: Cli, page: Path) -> None:
    res = cli("explain", page, "--summary")
    assert res.exit_code == 0 and headers(res.stdout) == []
    lines = res.stdout.splitlines()
    assert lines[0].startswith(f"{page.stem}  (") and re.match(r"\d+ blocks: \d+ kept, \d+ dropped$", lines[1])
    assert lines[2].startswith("category") and len(lines) == 3 + len(
        category_counts(Cleaner().clean(page.read_bytes(), mode="text").blocks)
    )
    assert "title:" not in res.stdout


def write_jsonl(path: Path, seeds: list[Path]) -> None:
    lines = [json.dumps({"id": f"doc{i}", "text": p.read_text()}) for i, p in enumerate(seeds[:3], start=1)]
    path.write_text(lines[0] + "\n\n" + "\n".join(lines[1:]) + "\n")  # a blank line is no record


def test_record_picks_the_nth_jsonl_record(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    write_jsonl(dump, seeds)
    first = cli("explain", dump)
    assert first.exit_code == 0 and first.stdout.startswith("doc1  (")  # default: the first record
    res = cli("explain", dump, "--record", "4")  # the line number: the name `clean` gives it
    assert res.exit_code == 0 and res.stdout.startswith(f"doc3  ({dump}:4)")
    expected = Cleaner().clean(seeds[2].read_bytes(), mode="text")
    assert len(headers(res.stdout)) == len(expected.blocks)


def build_warc(path: Path, bodies: list[bytes]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for i, body in enumerate(bodies, start=1):
            uri = f"https://example.com/{i}"
            request = StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", payload=BytesIO(b""), http_headers=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=headers))


def test_record_picks_the_nth_warc_response(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    build_warc(warc, [p.read_bytes() for p in seeds[:2]])
    # records are numbered as `clean` names them: warcinfo 1, request 2, response 3, request 4, response 5
    res = cli("explain", warc, "--record", "5", "--summary")
    assert res.exit_code == 0, res.output
    assert f"({warc}#5)" in res.stdout.splitlines()[0]
    res = cli("explain", warc, "-r", "2")
    assert res.exit_code == 2 and "record 2 is not a page" in res.stderr
    res = cli("explain", warc, "-r", "9")
    assert res.exit_code == 2 and "no record 9" in res.stderr


def test_record_errors(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    write_jsonl(dump, seeds)
    res = cli("explain", dump, "--record", "2")  # the blank line
    assert res.exit_code == 2 and "no record 2" in res.stderr
    res = cli("explain", seeds[0], "--record", "1")
    assert res.exit_code == 2 and "needs a WARC or JSONL file, not a single page" in res.stderr
    res = cli("explain", dump, "--record", "0")
    assert res.exit_code == 2

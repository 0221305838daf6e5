"""WARC and JSONL inputs, JSONL output file, --glob."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from typer.testing import Result

from cleaner.batch.readers import JsonlFields, JsonlReader, WarcReader, content_charset

Cli = Callable[..., Result]


def html_page(seed: Path, extra: str = "") -> str:
    paragraphs = [p for p in seed.read_text().split("\n\n") if len(p.split()) > 25][:4]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<!DOCTYPE html><html><head><title>Café story</title></head><body><article>{extra}{body}</article></body></html>"


def build_warc(path: Path, seeds: list[Path]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for i, seed in enumerate(seeds[:2]):
            uri = f"https://news.example.org/story-{i}"
            request = StatusAndHeaders(f"GET /story-{i} HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", payload=BytesIO(b""), http_headers=request))
            body = html_page(seed, "<p>Le café était très animé à Zürich ce matin-là, déjà.</p>").encode(
                "iso-8859-1", errors="xmlcharrefreplace"
            )
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=ISO-8859-1")], protocol="HTTP/1.1"
            )
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=headers))


def test_warc_records_are_cleaned_with_uri_and_charset(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    build_warc(warc, seeds)
    docs = list(WarcReader(str(warc), "crawl", "crawl", mode=None, max_bytes=None).read())
    assert [d.url for d in docs] == ["https://news.example.org/story-0", "https://news.example.org/story-1"]
    assert {d.charset for d in docs} == {"ISO-8859-1"} and {d.mode for d in docs} == {"html"}
    assert docs[0].id.startswith("<urn:uuid:") and docs[0].id.endswith(">")  # the WARC-Record-ID as written
    assert docs[0].rel == "crawl/3"  # warcinfo and request come first; names never come from ids
    res = cli("clean", warc, "-j", "1")
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["id"] for r in records] == [d.id for d in docs]
    assert records[1]["metadata"]["url"] == "https://news.example.org/story-1"
    assert records[0]["metadata"]["domain"].endswith("example.org") and records[0]["mode"] == "html"
    assert "Zürich" in records[0]["text"] or "Zürich" in json.dumps(records[0]["removed"])
    assert "Ã" not in res.stdout  # the declared charset was used, no mojibake


def test_warc_into_a_tree(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    warc = tmp_path / "in" / "crawl.warc.gz"
    warc.parent.mkdir()
    build_warc(warc, seeds)
    res = cli("clean", tmp_path / "in", "-o", tmp_path / "out", "-j", "1")
    assert res.exit_code == 0, res.output
    records = tmp_path / "out" / "crawl.warc.gz"  # the WARC's name, extension kept; records by position
    assert (records / "3.txt").is_file() and (records / "5.json").is_file()


def test_corrupt_warc_is_reported(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    build_warc(warc, seeds)
    broken = tmp_path / "broken.warc"
    broken.write_bytes(gzip.decompress(warc.read_bytes()) + b"garbage, not a WARC record\r\n\r\n")
    res = cli("clean", broken, "-j", "1", "--report", tmp_path / "report.jsonl")
    statuses = [json.loads(line)["status"] for line in (tmp_path / "report.jsonl").read_text().splitlines()]
    pages = [s for s in statuses if s != "skipped"]  # warcinfo and request records are skipped
    assert res.exit_code == 1 and pages[0] == "ok" and statuses[-1] == "error"


def test_content_charset() -> None:
    assert content_charset('text/html; charset="utf-8"') == "utf-8"
    assert content_charset("text/html") is None


def write_jsonl(path: Path, rows: list[object]) -> None:
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
    path.write_bytes(gzip.compress(text.encode()) if path.suffix == ".gz" else text.encode())


def test_jsonl_in_and_jsonl_file_out(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    src = tmp_path / "dump.jsonl.gz"
    rows: list[object] = [
        {"doc_id": "a1", "body": seeds[0].read_text(), "link": "https://www.news24.com/x"},
        {"raw": html_page(seeds[1])},
        "{not json",
        {"doc_id": "no-content"},
    ]
    write_jsonl(src, rows)
    out = tmp_path / "clean.jsonl"
    args = ["--text-field", "body", "--html-field", "raw", "--url-field", "link", "--id-field", "doc_id"]
    res = cli("clean", src, "-o", out, "-j", "1", "--report", tmp_path / "r.jsonl", *args)
    assert res.exit_code == 1 and res.stdout == ""
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a1", "dump/2", "dump/3", "no-content"]
    assert records[0]["metadata"]["url"] == "https://www.news24.com/x" and records[0]["mode"] == "text"
    assert records[1]["mode"] == "html" and records[1]["status"] == "ok"
    assert records[2]["status"] == "error" and "invalid JSON" in records[2]["error"]
    assert records[3]["status"] == "error"
    assert [json.loads(line)["status"] for line in (tmp_path / "r.jsonl").read_text().splitlines()][:2] == ["ok", "ok"]
    assert not list(tmp_path.glob(".*cleaner-tmp"))


def test_jsonl_reader_default_fields(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    write_jsonl(src, [{"id": 7, "text": "hello", "url": "https://x.org/"}, {"html": "<p>x</p>"}])
    docs = list(JsonlReader(str(src), "d", "d", mode=None, max_bytes=None, fields=JsonlFields()).read())
    # the text field is sniffed when cleaned (datatrove keeps raw HTML there); the html field is HTML
    assert [(d.id, d.mode, d.url) for d in docs] == [("7", "auto", "https://x.org/"), ("d/2", "html", None)]
    assert docs[0].path.endswith("d.jsonl:1") and docs[1].rel == "d/2"


def test_glob_selects_files_in_folders(cli: Cli, seed_tree: Path) -> None:
    (seed_tree / "page.php").write_text((seed_tree / "000_cc0ab38538eaacaa.txt").read_text())
    res = cli("clean", seed_tree, "--glob", "*.php", "--mode", "text", "-j", "1")
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["page"]
    res = cli("clean", seed_tree, "--glob", "a/b/00[23]*", "-j", "1")
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == [
        "a/b/002_cda58cf3099d18d8",
        "a/b/003_d080a7a09b64997d",
    ]

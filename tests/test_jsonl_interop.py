"""datatrove's JSONL in, datatrove-readable JSONL out: HTML in ``text``, ``metadata.url``, ids as
written, the crawl date as ``warc_date`` (never the article's ``date``), the rest passed through."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cleaner.batch.document import Document
from cleaner.batch.formats import record
from cleaner.batch.readers import JsonlFields, JsonlReader
from tests.conftest import require_datatrove_readers

Cli = Callable[..., Result]

SENTENCE = "The harbour master said the new pier would open in spring after two years of work on the quay."
PAGE = (
    "<html><head><title>Harbour</title></head><body><nav>Home | News | Sport</nav><article>"
    + f"<p>{SENTENCE}</p>" * 8
    + "</article></body></html>"
)
PAGES = {  # url -> WARC-Date
    "https://news.example.org/harbour": "2024-03-05T10:11:12Z",
    "https://news.example.org/pier": "2024-03-06T08:00:00Z",
}


def build_warc(path: Path) -> None:
    """A warcinfo record, then one response per page, typed as Common Crawl types them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, date in PAGES.items():
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
            headers = {"WARC-Date": date, "WARC-Identified-Payload-Type": "text/html"}
            payload = BytesIO(PAGE.encode())
            rec = writer.create_warc_record(
                url, "response", payload=payload, http_headers=http, warc_headers_dict=headers
            )
            writer.write_record(rec)


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    pytest.importorskip("warcio", reason="building the test WARC needs warcio (the [warc] extra)")
    warc = tmp_path / "warc" / "crawl.warc.gz"
    build_warc(warc)
    return warc


@pytest.fixture
def datatrove_dump(crawl: Path, tmp_path: Path) -> Path:
    """The crawl as datatrove writes it: its WarcReader, one Media added, its JsonlWriter."""
    pytest.importorskip("datatrove", reason="the round trip runs datatrove's own reader and writer ([datatrove])")
    require_datatrove_readers()
    from datatrove.data import Media, MediaType
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    docs = list(WarcReader(str(crawl.parent), default_metadata={"dump": "CC-TEST"}).run())
    docs[0].media.append(Media(id="m1", type=MediaType.IMAGE, url="https://news.example.org/pier.jpg", alt="Pier"))
    with JsonlWriter(str(tmp_path / "dt"), output_filename="${rank}.jsonl", compression=None) as writer:
        for doc in docs:
            writer.write(doc, rank=0)
    return tmp_path / "dt" / "00000.jsonl"


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_datatrove_jsonl_is_cleaned_as_html_with_its_url_id_and_crawl_date(cli: Cli, datatrove_dump: Path) -> None:
    written = lines(datatrove_dump.read_text())
    assert len(written) == len(PAGES) and written[0]["text"].startswith("<html>")  # datatrove keeps raw HTML
    res = cli("clean", datatrove_dump, "--format", "jsonl", "-j", "1")
    assert res.exit_code == 0, res.output
    records = lines(res.stdout)
    assert len(records) == len(written)
    for rec, given in zip(records, written, strict=True):
        url = given["metadata"]["url"]
        assert rec["status"] == "ok" and rec["mode"] == "html"
        assert SENTENCE in rec["text"] and "<p>" not in rec["text"]
        assert rec["id"] == given["id"] and rec["id"].startswith("<urn:uuid:")  # as written, brackets kept
        assert rec["metadata"]["url"] == url and rec["metadata"]["domain"] == "example.org"  # the URL was used
        assert rec["warc_date"] == given["metadata"]["date"] == PAGES[url]
        assert rec["metadata"]["date"] is None  # the crawl date is not the article's date
        assert rec["input"]["metadata"] == given["metadata"]  # whole, file_path and dump included
        assert rec["metadata"]["dump"] == "CC-TEST"  # other keys still fill what cleaner left empty
        assert rec.get("media") == given.get("media")  # the media list passes through unchanged
    assert records[0]["media"][0]["url"] == "https://news.example.org/pier.jpg"


def test_cleaner_reads_the_warc_as_datatrove_does(cli: Cli, crawl: Path, datatrove_dump: Path) -> None:
    """The same WARC, read by cleaner itself: the same ids, URLs and crawl dates as datatrove's."""
    res = cli("clean", crawl, "-j", "1")
    assert res.exit_code == 0, res.output
    ours = [(r["id"], r["metadata"]["url"], r["warc_date"]) for r in lines(res.stdout)]
    theirs = [(d["id"], d["metadata"]["url"], d["metadata"]["date"]) for d in lines(datatrove_dump.read_text())]
    assert ours == theirs


@pytest.mark.parametrize("flat", [[], ["--flat"]], ids=["nested", "flat"])
def test_the_clis_jsonl_is_read_by_datatrove(cli: Cli, datatrove_dump: Path, tmp_path: Path, flat: list[str]) -> None:
    from datatrove.pipeline.readers import JsonlReader as DatatroveReader

    out = tmp_path / "cleaned" / "cleaned.jsonl"
    out.parent.mkdir()  # a folder of its own: datatrove reads every file of a folder
    res = cli("clean", datatrove_dump, "-o", out, "-j", "1", *flat)
    assert res.exit_code == 0, res.output
    records = lines(out.read_text())
    docs = list(DatatroveReader(str(out.parent)).run())
    assert [(d.id, d.text) for d in docs] == [(r["id"], r["text"]) for r in records]
    for doc in docs:
        assert isinstance(doc.metadata, dict) and doc.metadata["url"] in PAGES
        assert doc.metadata["warc_date"] == PAGES[doc.metadata["url"]]
    assert docs[0].media[0].url == "https://news.example.org/pier.jpg"  # datatrove's Media again


def read_line(tmp_path: Path, line: dict[str, Any]) -> list[Document]:
    """The documents cleaner's JSONL reader makes of one line (no cleaning)."""
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps(line) + "\n")
    return list(JsonlReader(str(dump), "d", "d", mode=None, max_bytes=None, fields=JsonlFields()).read())


@pytest.mark.parametrize(
    ("text", "forced", "mode"),
    [
        (PAGE, None, "html"),  # HTML in text, no html field: sniffed, cleaned as HTML
        (SENTENCE * 5, None, "text"),  # a text dump stays text
        (PAGE, "text", "text"),  # --mode wins over the sniff
    ],
)
def test_html_in_the_text_field_is_sniffed(cli: Cli, tmp_path: Path, text: str, forced: str | None, mode: str) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "a", "text": text}) + "\n")
    res = cli("clean", dump, "-j", "1", *(["--mode", forced] if forced else []))
    assert res.exit_code == 0, res.output
    [rec] = lines(res.stdout)
    assert rec["mode"] == mode


@pytest.mark.parametrize(
    ("line", "url"),
    [
        ({"metadata": {"url": "https://b.example/"}}, "https://b.example/"),  # datatrove's place
        ({"url": None, "metadata": {"url": "https://b.example/"}}, "https://b.example/"),
        ({"url": "https://a.example/", "metadata": {"url": "https://b.example/"}}, "https://a.example/"),
        ({"metadata": {"url": 7}}, None),  # not a string: no URL
        ({"metadata": "https://b.example/"}, None),  # metadata that is not an object
    ],
)
def test_the_url_may_be_under_metadata(tmp_path: Path, line: dict[str, Any], url: str | None) -> None:
    [doc] = read_line(tmp_path, {"text": SENTENCE, **line})
    assert doc.url == url


@pytest.mark.parametrize(
    ("line", "warc_date"),
    [
        ({"id": "<urn:uuid:1>", "metadata": {"date": "2024-03-05T10:11:12Z"}}, "2024-03-05T10:11:12Z"),
        ({"id": "doc-1", "metadata": {"date": "2024-03-05"}}, None),  # not from a WARC: a date of unknown kind
        ({"id": "<urn:uuid:1>", "metadata": {"date": "x"}, "warc_date": "own"}, "own"),  # the line's own wins
        ({"id": "<urn:uuid:1>", "metadata": {}}, None),
    ],
)
def test_an_inputs_date_never_fills_the_articles_date(
    tmp_path: Path, line: dict[str, Any], warc_date: str | None
) -> None:
    [doc] = read_line(tmp_path, {"text": SENTENCE, **line})
    rec = record(doc, None, status="ok", error=None)  # no result: every metadata key is empty
    assert rec.get("warc_date") == warc_date
    assert rec["metadata"]["date"] is None
    assert rec["input"]["metadata"] == line["metadata"]


def test_ids_as_written_never_name_outputs(cli: Cli, crawl: Path, tmp_path: Path) -> None:
    """``<urn:uuid:...>`` is a label: -o DIR names outputs by record number, as before."""
    out = tmp_path / "out"
    res = cli("clean", crawl, "-o", out, "-j", "1")
    assert res.exit_code == 0, res.output
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.suffix != ".jsonl")
    assert names == ["crawl.warc.gz/2.json", "crawl.warc.gz/2.txt", "crawl.warc.gz/3.json", "crawl.warc.gz/3.txt"]
    sidecar = json.loads((out / "crawl.warc.gz" / "2.json").read_text())
    assert sidecar["id"].startswith("<urn:uuid:") and sidecar["warc_date"] == PAGES[sidecar["metadata"]["url"]]

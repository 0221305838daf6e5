"""WARC records that are not pages are skipped with a reason, not failed; the filter is configurable."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import Result

Cli = Callable[..., Result]

ARTICLE = (
    "<html><head><title>Budget</title></head><body><article>"
    + "<p>The council met on Monday to discuss the new budget for the town library and its schools.</p>" * 12
    + "</article></body></html>"
).encode()


def build_mixed_warc(path: Path) -> None:
    """warcinfo, request, then responses of every kind a real crawl holds, then a revisit."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)

        def response(uri: str, status: str, content_type: str | None, body: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)] if content_type else [], "HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=headers))

        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))  # 1
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x.org")], is_http_request=True)
        writer.write_record(  # 2
            writer.create_warc_record("https://x.org/", "request", payload=BytesIO(b""), http_headers=request)
        )
        response("https://x.org/story", "200 OK", "text/html; charset=utf-8", ARTICLE)  # 3
        response("https://x.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))  # 4
        response("https://x.org/doc.pdf", "200 OK", "application/pdf", b"%PDF-1.4 ...")  # 5
        response("https://x.org/api", "200 OK", "application/json", b'{"items": [1, 2, 3]}')  # 6
        response("https://x.org/gone", "404 Not Found", "text/html", ARTICLE)  # 7
        response("https://x.org/bare", "200 OK", None, ARTICLE)  # 8: no Content-Type, sniffed as text
        response("https://x.org/bare.png", "200 OK", None, b"\x89PNG\r\n\x1a\n" + bytes(64))  # 9
        writer.write_record(  # 10
            writer.create_revisit_record(
                "https://x.org/story", "sha1:AAAA", "https://x.org/story", "2024-01-01T00:00:00Z"
            )
        )


def plain(text: str) -> str:
    """Usage errors come in a box that wraps lines: the words, one space apart."""
    return " ".join(text.replace("│", " ").split())


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_only_pages_are_cleaned_and_the_rest_is_skipped_with_a_reason(cli: Cli, tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    build_mixed_warc(warc)
    res = cli("clean", warc, "-j", "1", "--report", tmp_path / "r.jsonl")
    assert res.exit_code == 0, res.output  # images and PDFs are not failures
    urls = [json.loads(line)["metadata"]["url"] for line in res.stdout.splitlines()]
    assert urls == ["https://x.org/story", "https://x.org/bare"]  # no raw JSON "article", no 404 page
    reasons = {str(r["path"]).rsplit("#")[-1]: (r["status"], r["reason"]) for r in rows(tmp_path / "r.jsonl")}
    assert reasons == {
        "1": ("skipped", "WARC warcinfo record"),
        "2": ("skipped", "WARC request record"),
        "3": ("ok", None),
        "4": ("skipped", "content-type image/png"),
        "5": ("skipped", "content-type application/pdf"),
        "6": ("skipped", "content-type application/json"),
        "7": ("skipped", "HTTP 404"),
        "8": ("ok", None),
        "9": ("skipped", "binary content without Content-Type"),
        "10": ("skipped", "WARC revisit record"),
    }
    assert "8 skipped: " in res.stderr and "1 HTTP 404" in res.stderr


def test_the_filter_can_be_widened(cli: Cli, tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    build_mixed_warc(warc)
    res = cli("clean", warc, "-j", "1", "--warc-all-statuses", "--warc-content-types", "text/html")
    urls = [json.loads(line)["metadata"]["url"] for line in res.stdout.splitlines()]
    assert res.exit_code == 0 and "https://x.org/gone" in urls  # the 404 page is cleaned
    assert "https://x.org/api" not in urls
    everything = cli("clean", warc, "-j", "1", "--warc-content-types", "*", "--report", tmp_path / "r.jsonl")
    statuses = {str(r["path"]).rsplit("#")[-1]: r["status"] for r in rows(tmp_path / "r.jsonl")}
    assert statuses["4"] == "binary" and statuses["6"] != "skipped"  # asked for: cleaned, and failed honestly
    assert everything.exit_code == 1


def test_warc_without_warcio_says_how_to_install_it(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.batch.readers import WARC_INSTALL_HINT

    warc = tmp_path / "crawl.warc.gz"
    build_mixed_warc(warc)
    monkeypatch.setitem(sys.modules, "warcio", None)  # import warcio -> ModuleNotFoundError
    res = cli("clean", warc)
    assert res.exit_code == 2 and WARC_INSTALL_HINT in plain(res.stderr) and "Traceback" not in res.output
    res = cli("clean", "-", input=warc.read_bytes())  # sniffed WARC on stdin
    assert res.exit_code == 2 and WARC_INSTALL_HINT in plain(res.stderr)

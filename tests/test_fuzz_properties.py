"""Properties of hostile input, through the library and the CLI (hypothesis).

Each property states a promise of docs/reliability.md for any input of its kind:
``clean()`` and ``Cleaner.clean()`` never raise; the Result has a known status,
``error`` is set exactly when the status is not ``ok``; its text is a str without
NUL, C1 controls or lone surrogates; ``to_dict()`` is JSON as UTF-8; the batch
readers and ``cleaner clean`` account for every record, and the exit code says
whether one failed. tests/test_properties.py holds the text-engine properties
(no invented text, determinism); bench/fuzz.py runs the same checks far longer.

What the fuzzer found is pinned, one case each, in tests/catalogue/test_fuzz.py;
the strategies here generate those inputs too (lone surrogates, brackets and
controls in URLs), so a regression fails both.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result as CliResult

import cleaner
from bench.fuzz import TAG_SOUP, expected_jsonl_records, expected_jsonl_rows, result_problems
from cleaner import Cleaner
from cleaner.batch.readers import JsonlFields, JsonlReader, WarcReader

Cli = Callable[..., CliResult]

# No deadline: a loaded 2-core machine makes per-example timing meaningless; the
# fuzz driver's per-input timeout is where time is bounded.
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
# A container holds several pages to clean, and a CLI run forks a worker pool for it:
# fewer examples, same promise (each test stays within a few seconds of CPU).
CONTAINER_SETTINGS = settings(SETTINGS, max_examples=30)
CLI_SETTINGS = settings(SETTINGS, max_examples=15)

TEXT = Cleaner(mode="text")
HTML = Cleaner(mode="html", site_rules=False)
FAILED = {"binary", "too_large", "invalid", "timeout", "error"}

# Input traits that break a promise on main today, each pinned in tests/catalogue/test_fuzz.py;
# drop a line once its fix is merged, and the properties cover it again.


def sound(result: Any) -> None:
    """Every promise a Result makes (bench/fuzz.py checks the same)."""
    assert result_problems(result) == []


# -- strategies ----------------------------------------------------------------

SPECIAL_CHARS = ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x80", "\x9f", "\u2028", "\u2029",
                 "\ufeff", "\u200b", "\u202e", "\ufffd", "\ufffe", "\U0001f600", "\u0301", "\r", "\n", "\t"]  # fmt: skip
WORDS = ["the", "council", "said", "on", "monday", "that", "it", "would", "open", "a", "new", "bridge", "."]
chars = st.one_of(st.characters(), st.sampled_from(SPECIAL_CHARS))
prose = st.lists(st.sampled_from(WORDS), min_size=5, max_size=40).map(" ".join)
hostile_line = st.one_of(st.text(chars, max_size=200), prose, st.sampled_from(["Home", "Share", "© 2024", ""]))
text_page = st.lists(hostile_line, max_size=30).map("\n".join)
markup_piece = st.one_of(st.sampled_from(TAG_SOUP).map(lambda b: b.decode("utf-8", "replace")), prose.map(lambda p: f"<p>{p}</p>"), st.text(chars, max_size=50))  # fmt: skip
html_page = st.lists(markup_piece, max_size=40).map(lambda parts: "<html><body>" + "".join(parts))
url_value = st.one_of(
    st.none(),
    st.text(chars, max_size=80),
    st.binary(max_size=40),
    st.integers(),
    st.floats(),
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}/{path}",
        st.sampled_from(["http", "https", "ftp", "javascript", "", "file"]),
        st.text(chars, max_size=30),
        st.text(chars, max_size=30),
    ),
)
charset_value = st.one_of(
    st.none(),
    st.sampled_from(["utf-8", "latin1", "utf-16", "utf-7", "x-user-defined", "replacement", "iso-2022-jp", "cp037"]),
    st.text(chars, max_size=30),
    st.binary(max_size=20),
    st.integers(),
)


def sample_page() -> bytes:
    return "<html><body><article><p>Le café était très animé à Zürich ce matin-là, dit le conseil.</p></article></body></html>".encode("latin-1")  # fmt: skip


# -- the library -----------------------------------------------------------------


@SETTINGS
@given(text_page, st.sampled_from(["str", "bytes", "utf-16"]))
def test_any_text_gives_a_sound_result(text: str, as_type: str) -> None:
    # surrogatepass: the strategy draws lone surrogates too, which as bytes are invalid UTF-8 (input to survive)
    codec = "utf-8" if as_type == "bytes" else "utf-16"
    data: str | bytes = text if as_type == "str" else text.encode(codec, "surrogatepass")
    sound(cleaner.clean(data))
    sound(TEXT.clean(data))


@SETTINGS
@given(html_page, st.booleans())
def test_any_markup_gives_a_sound_result(markup: str, as_bytes: bool) -> None:
    data: str | bytes = markup.encode("utf-8", "replace") if as_bytes else markup
    sound(cleaner.clean(data))
    sound(HTML.clean(data))


@SETTINGS
@given(url_value, st.sampled_from(["text", "html"]))
def test_any_url_value_gives_a_sound_result(url: Any, mode: str) -> None:
    page = sample_page() if mode == "html" else b"The council said on Monday that it would open a new bridge soon."
    result = cleaner.clean(page, url=url, mode=mode)  # type: ignore[arg-type]  # any value: a caller's data
    sound(result)
    if not isinstance(url, str | bytes | bytearray):
        assert result.metadata.url is None  # a value that is no URL is ignored


@SETTINGS
@given(charset_value, st.sampled_from(["auto", "text", "html"]))
def test_any_charset_label_gives_a_sound_result(charset: Any, mode: str) -> None:
    result = cleaner.clean(sample_page(), charset=charset, mode=mode)  # type: ignore[arg-type]
    sound(result)
    assert result.status in ("ok", "empty")  # a bad label is dropped, never a failure


@SETTINGS
@given(st.binary(max_size=3000), st.sampled_from(["auto", "text", "html"]))
def test_any_bytes_give_a_sound_result(data: bytes, mode: str) -> None:
    """tests/test_properties.py checks the status of any bytes; this checks every promise, in each mode."""
    sound(Cleaner(mode=mode, site_rules=False).clean(data) if mode == "html" else cleaner.clean(data, mode=mode))  # type: ignore[arg-type]


# -- JSONL: the reader and the CLI --------------------------------------------------

json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(chars, max_size=20)
)
json_value = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)  # fmt: skip
record = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(text_page, json_value),
        "html": st.one_of(html_page, json_value),
        "url": st.one_of(url_value.filter(lambda u: not isinstance(u, bytes | float)), json_value),
        "id": json_value,
        "status": json_value,
        "metadata": json_value,
        "lang": json_value,
    },
)
jsonl_line = st.one_of(
    record.map(lambda r: json.dumps(r, ensure_ascii=False)),
    json_value.map(json.dumps),
    st.text(chars, max_size=60),  # not JSON at all
    record.map(lambda r: json.dumps(r)[:-1]),  # cut short
)


jsonl_file = st.lists(jsonl_line, min_size=1, max_size=8).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))  # fmt: skip


@CONTAINER_SETTINGS
@given(data=jsonl_file)
def test_jsonl_reader_gives_one_document_per_line(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "dump.jsonl"
    path.write_bytes(data)
    docs = list(JsonlReader(str(path), "d", "d", mode=None, max_bytes=None, fields=JsonlFields()).read())
    assert len(docs) == expected_jsonl_rows(data)
    for doc in docs:
        # content, or a reason why not (an error, or the skip of an input with no records)
        assert (doc.error is None and doc.skip is None) != (doc.data is None)
        if doc.data is not None:
            sound(TEXT.clean(doc.data, url=doc.url, mode=doc.mode))


def run_cli(cli: Cli, path: Path, tmp: Path) -> tuple[CliResult, list[dict[str, Any]], list[dict[str, Any]]]:
    report = tmp / "report.jsonl"
    res = cli("clean", path, "-j", "1", "--report", report, "--quiet")
    # JSONL lines end at "\n" only: splitlines() would also cut a text at U+2028
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").split("\n") if line]
    records = [json.loads(line) for line in res.stdout.split("\n") if line]
    return res, rows, records


@CLI_SETTINGS
@given(data=jsonl_file)
def test_cleaner_clean_accounts_for_every_jsonl_record(
    cli: Cli, data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("cli")
    path = tmp / "dump.jsonl"
    path.write_bytes(data)
    res, rows, records = run_cli(cli, path, tmp)
    # one row and one record per line; an input with no records gets one skipped row and no record
    assert len(rows) == expected_jsonl_rows(data) and len(records) == expected_jsonl_records(data)
    assert res.exit_code == (1 if any(r["status"] in FAILED for r in rows) else 0), res.output
    if records:
        assert [r["status"] for r in rows] == [r["status"] for r in records]


# -- WARC: built with warcio, then mutated ----------------------------------------

warc_record = st.tuples(
    st.sampled_from(["response", "resource", "request", "metadata"]),
    st.sampled_from(
        ["text/html", "text/html; charset=latin1", "text/plain", "image/png", "text/html; charset=bogus", ""]
    ),
    st.sampled_from(["200 OK", "404 Not Found", "500 X"]),
    st.one_of(html_page, text_page),
)


def build_warc(records: list[tuple[str, str, str, str]], compress: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    for n, (rec_type, ctype, status, body) in enumerate(records):
        uri, payload = f"https://news.example.org/{n}", io.BytesIO(body.encode("utf-8", "replace"))
        # fixed ids and dates (warcio picks random ones): hypothesis needs the same bytes for the same draw
        fixed = {"WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>", "WARC-Date": "2024-01-02T00:00:00Z"}
        if rec_type == "response":
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, rec_type, payload=payload, http_headers=http, warc_headers_dict=fixed)
        elif rec_type == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
            rec = writer.create_warc_record(
                uri, rec_type, payload=io.BytesIO(b""), http_headers=http, warc_headers_dict=fixed
            )
        else:
            rec = writer.create_warc_record(
                uri, rec_type, payload=payload, warc_content_type=ctype or "text/plain", warc_headers_dict=fixed
            )
        writer.write_record(rec)
    return buf.getvalue()


@st.composite
def mutated_warc(draw: st.DrawFn) -> tuple[bytes, bool, int]:
    """A WARC's bytes, whether it is gzipped, and its record count (-1 once mutated)."""
    records = draw(st.lists(warc_record, min_size=1, max_size=4))
    compress = draw(st.booleans())
    data = bytearray(build_warc(records, compress))
    mutation = draw(st.sampled_from(["none", "flip", "truncate", "garbage"]))
    if mutation == "flip":
        for at, value in draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), min_size=1, max_size=8)):  # fmt: skip
            data[at] = value
    elif mutation == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif mutation == "garbage":
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=40))
    return bytes(data), compress, len(records) if mutation == "none" else -1


@CONTAINER_SETTINGS
@given(warc=mutated_warc())
def test_warc_reader_never_raises_and_every_record_has_an_outcome(
    warc: tuple[bytes, bool, int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    data, compress, count = warc
    path = tmp_path_factory.mktemp("warc") / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(data)
    docs = list(WarcReader(str(path), "c", "c", mode=None, max_bytes=None, report_skipped=True).read())
    if count >= 0:  # intact: one document per record, none broken
        assert len(docs) == count and all(d.error is None for d in docs)
    for doc in docs:
        assert sum(x is not None for x in (doc.data, doc.error, doc.skip)) == 1
        if doc.data is not None:
            sound(HTML.clean(doc.data, url=doc.url, mode=doc.mode, charset=doc.charset))


@CLI_SETTINGS
@given(warc=mutated_warc())
def test_cleaner_clean_accounts_for_every_warc_record(
    cli: Cli, warc: tuple[bytes, bool, int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    data, compress, _ = warc
    tmp = tmp_path_factory.mktemp("cli")
    path = tmp / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(data)
    res, rows, records = run_cli(cli, path, tmp)
    docs = list(WarcReader(str(path), "c", "c", mode=None, max_bytes=None, report_skipped=True).read())
    assert len(rows) == len(docs)  # every record, skipped or broken, has its row
    assert len(records) == sum(r["status"] != "skipped" for r in rows)  # and every one not skipped its record
    assert res.exit_code == (1 if any(r["status"] in FAILED for r in rows) else 0), res.output

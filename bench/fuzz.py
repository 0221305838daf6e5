"""A long fuzz run: mutated pages, JSONL files, WARC files and rule files.

    python -m bench.fuzz [--examples N] [--seed S] [--timeout SECONDS] [--out DIR] [--engine NAME]
    python -m bench.fuzz --seed S --case N        # replay one example, print what it did

``--engine`` picks the HTML front-end of every cleaner the run builds (default
``accurate``; ``fast`` fuzzes the fast engine): pages, batch records and rule
files all go through it. Replay a finding with the same ``--engine``.

Every example is built from ``(seed, index)`` alone, so a run is deterministic for
a seed and any example can be replayed with ``--case``. Examples run one at a time
in a child process that the parent kills when an example overruns ``--timeout``
(a hang) or that dies on its own (a crash in C code); the child is then replaced.
The child's address space is capped (``--memory-mb`` above its size at start), so
a memory bomb ends in a MemoryError (a finding) rather than in the OOM killer.

What counts as a finding (each saved to ``--out`` as a reproducer file, with
``summary.json`` listing them):

* ``crash``: an exception escaping ``cleaner.clean()``, ``Cleaner.clean()``, a
  batch reader, or the rule loader (other than the documented ``RuleError``);
* ``died``: the child process died (a segfault, the OOM killer);
* ``hang``: an example ran longer than ``--timeout``;
* ``invariant``: a result broke a promise (status/error consistency, C1
  controls, NUL or lone surrogates in text, a record that is not JSON), or a
  batch reader lost a record (``lost: ...``).

Exit code: 0 when nothing was found, 1 otherwise, 2 on a usage error, 130 when
interrupted (Ctrl-C): the summary then covers the examples finished.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import io
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from cleaner.frontends import DEFAULT_ENGINE, HTML_ENGINES

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGES = ROOT / "fixtures" / "seeds" / "pages"
HTML_FIXTURES = ROOT / "fixtures" / "html"
RULES = ROOT / "rules"

DEFAULT_EXAMPLES = 10_000
DEFAULT_TIMEOUT = 20.0  # seconds per example: many times a normal page's cost on a loaded machine
DEFAULT_MEMORY_MB = 1536  # address space a child may add to its size at start
MAX_CASE_BYTES = 8 << 20  # generated inputs are cut here: the run tests hostility, not raw size
PROGRESS_EVERY = 250
SLOWEST_KEPT = 10  # slowest examples listed in summary.json
# Reproducer files written per kind of finding: one cause can fill a disk with hundreds of copies.
REPRODUCERS_PER_SIGNATURE = 5
# Weights of the input kinds: pages are the bulk of real traffic and of the code.
KIND_WEIGHTS = {"page": 60, "jsonl": 15, "warc": 10, "rules": 15}
# A small max_bytes for one of the cleaners, so that gzip bombs and big inputs hit the limit.
SMALL_MAX_BYTES = 200_000
SMALL_MAX_PAGE_TEXT = 20_000
STATUSES = frozenset({"ok", "empty", "binary", "too_large", "invalid"})
C1_OR_NUL = re.compile("[\x00\x80-\x9f]")
FINDINGS = ("crash", "died", "hang", "invariant")


# -- the corpus ----------------------------------------------------------------


def _htmlify(text: bytes) -> bytes:
    """A text dump as a minimal HTML page: one <p> per line."""
    lines = text.decode("utf-8", "replace").splitlines()
    body = "".join(f"<p>{line}</p>\n" for line in lines if line.strip())
    return f"<!doctype html><html lang=en><head><title>{lines[0] if lines else ''}</title></head><body><article>{body}</article></body></html>".encode()


def corpus() -> list[bytes]:
    """The seed pages, the HTML fixtures, and the seeds rendered as HTML."""
    seeds = [p.read_bytes() for p in sorted(SEED_PAGES.glob("*.txt"))]
    html = [p.read_bytes() for p in sorted(HTML_FIXTURES.glob("*.html"))]
    return seeds + html + [_htmlify(s) for s in seeds]


def rule_sources() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(RULES.glob("*.toml")) + sorted(RULES.glob("examples/*.toml"))]


_CORPUS: list[bytes] = []
_RULES: list[tuple[str, bytes]] = []


def _pages() -> list[bytes]:
    if not _CORPUS:
        _CORPUS.extend(corpus())
    return _CORPUS


def _rules() -> list[tuple[str, bytes]]:
    if not _RULES:
        _RULES.extend(rule_sources())
    return _RULES


# -- page mutations ------------------------------------------------------------

TAG_SOUP = [
    b"<div>", b"</div>", b"<p>", b"</p></p></p>", b"<table><tr><td>", b"</td></tr>", b"<script>", b"</script>",
    b"<style>", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<svg><foreignObject>", b"<math><mi>", b"<template>",
    b"<noscript>", b"<plaintext>", b"<xmp>", b"<frameset>", b"<?xml version='1.0' encoding='utf-16'?>",
    b"<!DOCTYPE html SYSTEM 'file:///etc/passwd'>", b"<!DOCTYPE x [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
    b"&x;", b"&#0;", b"&#xD800;", b"&#1114112;", b"&#x80;", b"&#x9f;", b"&amp", b"&nbsp;&nbsp;", b"&#99999999999;",
    b"<meta http-equiv='refresh' content='0;url=javascript:1'>", b"<base href='javascript:alert(1)'>",
    b'<a href="\x00">', b"<img src=x onerror=1>", b"<title>", b"</title>", b"<h1>", b"</h1>", b"<article>",
    b"</article>", b"<html>", b"</html>", b"<body>", b"</body>", b"<head>", b"<main>", b"<nav>", b"<aside>",
    b"<time datetime='99999-99-99'>", b"<time datetime='2024-02-30T25:61'>",
    b'<meta property="article:published_time" content="0000-00-00T99:99">',
    b'<meta property="og:type" content="article">', b'<meta name="description" content="\x85\x9f">',
    b'<script type="application/ld+json">{"@type":"NewsArticle","datePublished":[[[',
    b'<script type="application/ld+json">{"@type":"NewsArticle","author":{"name":{"name":null}},"headline":7}</script>',
    b'<script type="application/ld+json">' + b"[" * 5000 + b"</script>",
    b"<html lang='\xff\xfe'>", b"<html lang='" + b"x" * 3000 + b"'>", b'<meta name="author" content="' + b"A" * 5000 + b'">',
    b"<br>" * 50, b"<li>", b"<ul>", b"<select><option>", b"<textarea>", b"<form>", b"<iframe srcdoc='<p>x</p>'>",
    b"<p hidden>", b"<div role=navigation>", b"<div style='display:none'>", b"<object data=x>", b"<embed>",
    b"\x00", b"<", b">", b"&", b'"', b"'", b"</", b"<!", b"<?", b"<a href='http://[::1'>", b"<a>" * 200,
]  # fmt: skip
NEST_TAGS = [b"div", b"span", b"b", b"table", b"ul", b"blockquote", b"p", b"a", b"section", b"font"]
NEST_DEPTHS = [100, 255, 256, 257, 1000, 10_000, 50_000]
CHARSET_LABELS = [
    "utf-8", "utf-16", "utf-16le", "utf-16be", "utf-32", "utf-7", "iso-8859-1", "windows-1252", "shift_jis",
    "euc-jp", "iso-2022-jp", "gb18030", "big5", "koi8-r", "x-user-defined", "replacement", "", "\x00", "utf-8\x00",
    "ébc", "a" * 1000, "unicode-1-1-utf-8", "csiso2022kr", "hz-gb-2312", "ebcdic-cp-us", "cp037", "x-mac-cyrillic",
    "mac-roman", "tis-620", "iso-8859-9", "latin1", " UTF-8 ", "utf8mb4", "none", "binary", "base64", "ascii",
]  # fmt: skip
REENCODINGS = [
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "cp1252",
    "shift_jis",
    "cp037",
    "utf-7",
    "koi8-r",
    "gb18030",
]
BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\x2b\x2f\x76"]
CONTROLS = [
    b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1b[31m", b"\x7f", b"\x80", b"\x85", b"\x9f", b"\x93\x94",
    "\x85".encode(), "\x80\x9f".encode(), b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\xaf", b"\xef\xbf\xbe",
    b"\xf4\x90\x80\x80", "\u2028".encode(), "\u2029".encode(), "\u202e".encode(), "\ufeff".encode(),
    "\u200b".encode(), ("e" + "\u0301" * 500).encode(), "\U0001f600".encode(), b"\r", b"\r\r\n", b"\n" * 300,
    b"\t" * 100, b"&#x85;", b"&#128;", b"&#0;", b"&#xDFFF;",
]  # fmt: skip
HUGE_LINE_SIZES = [10_000, 100_000, 1_000_000, 3_000_000]
URLS: list[Any] = [
    None, "https://www.news24.com/news24/world/story-20220113", "https://example.com/2024/01/02/story.html",
    "http://[::1", "javascript:alert(1)", "", "   ", "https://xn--bcher-kva.example/ü", "https://" + "a." * 200 + "com",
    "//no-scheme.example/x", "file:///etc/passwd", "https://user:pw@host:99999/x", "http://127.0.0.1/x",
    "https://www.thenationalnews.com/x", "https://localhost", "\x00", "https://例え.テスト/パス", b"https://bytes.example/",
    7, float("nan"), "https://ex ample.com/a b", "https://example.com/" + "x" * 10_000, "mailto:x@y",
]  # fmt: skip
MODES: list[Any] = [None, "auto", "html", "text", "", "bogus", 3]
APIS = ["clean", "clean_all_removed", "text", "html", "small"]
DATA_TYPES = ["bytes", "str", "str_surrogateescape", "bytearray", "memoryview"]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 32)):
        if buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _insert(rng: random.Random, data: bytes, piece: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def tag_soup(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 20)):
        data = _insert(rng, data, rng.choice(TAG_SOUP))
    return data


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    tag, depth = rng.choice(NEST_TAGS), rng.choice(NEST_DEPTHS)
    inner = data if rng.random() < 0.5 else b"<p>The council said on Monday that it would open a new bridge.</p>"
    closing = b"</" + tag + b">" if rng.random() < 0.7 else b""
    return b"<html><body>" + (b"<" + tag + b">") * depth + inner + closing * depth + b"</body></html>"


def charset_declaration(rng: random.Random, data: bytes) -> bytes:
    label = rng.choice(CHARSET_LABELS).encode("utf-8")
    decl = rng.choice(
        [
            b'<meta charset="' + label + b'">',
            b'<meta http-equiv="Content-Type" content="text/html; charset=' + label + b'">',
            b'<?xml version="1.0" encoding="' + label + b'"?>',
        ]
    )
    return decl + data if rng.random() < 0.7 else _insert(rng, data, decl)


def reencode(rng: random.Random, data: bytes) -> bytes:
    codec = rng.choice(REENCODINGS)
    out = data.decode("utf-8", "replace").encode(codec, "replace")
    return rng.choice(BOMS) + out if rng.random() < 0.3 else out


def control_chars(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 50)):
        data = _insert(rng, data, rng.choice(CONTROLS))
    return data


def huge_line(rng: random.Random, data: bytes) -> bytes:
    size = rng.choice(HUGE_LINE_SIZES)
    unit = rng.choice([b"word ", b"a", b"<b>x</b>", b"&amp;", b"The council said so. ", b"\xc3\xa9", b"-"])
    return _insert(rng, data, b"\n" + unit * (size // len(unit)) + b"\n")


def repeat_page(rng: random.Random, data: bytes) -> bytes:
    # no more copies than the cap keeps: a 3 MB page 500 times would be 1.5 GB before the cut
    times = min(rng.choice([10, 100, 500]), MAX_CASE_BYTES // max(len(data), 1) + 1)
    return data * times


def many_elements(rng: random.Random, data: bytes) -> bytes:
    unit = rng.choice([b"<p>w</p>", b"<a href=#>x</a>", b"<div></div>", b"<li>item</li>", b"<span>a b c</span>"])
    return _insert(rng, data, unit * rng.choice([1_000, 50_000, 150_000]))


def splice(rng: random.Random, data: bytes) -> bytes:
    other = rng.choice(_pages())
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]


def gzip_wrap(rng: random.Random, data: bytes) -> bytes:
    packed = gzip.compress(data, compresslevel=1, mtime=0)
    return packed[: rng.randrange(len(packed) + 1)] if rng.random() < 0.3 else packed


@functools.lru_cache(maxsize=8)
def _bomb(filler: bytes) -> bytes:
    # 60 MB of one byte: gzip makes it about 60 KB; decompressing it must stop at max_bytes
    return gzip.compress(filler * ((60 << 20) // len(filler)), compresslevel=9, mtime=0)


def gzip_bomb(rng: random.Random, data: bytes) -> bytes:
    # two gzip members: the page's start, then the bomb (a reader must undo both)
    return gzip.compress(data[:200], mtime=0) + _bomb(rng.choice([b" ", b"a", b"\x00", b"<p>"]))


def unicode_noise(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 20)):
        piece = "".join(
            chr(rng.choice([rng.randrange(0x20, 0x2FFF), rng.randrange(0x10000, 0x10FFFF)])) for _ in range(20)
        )
        data = _insert(rng, data, piece.encode("utf-8", "surrogatepass"))
    return data


Mutator = Callable[[random.Random, bytes], bytes]
PAGE_MUTATORS: list[tuple[str, Mutator, int]] = [  # name, function, weight
    ("flip", flip_bytes, 10),
    ("truncate", truncate, 6),
    ("tag_soup", tag_soup, 10),
    ("deep_nesting", deep_nesting, 3),
    ("charset", charset_declaration, 6),
    ("reencode", reencode, 4),
    ("controls", control_chars, 8),
    ("huge_line", huge_line, 2),
    ("repeat", repeat_page, 2),
    ("many_elements", many_elements, 2),
    ("splice", splice, 5),
    ("gzip", gzip_wrap, 2),
    ("gzip_bomb", gzip_bomb, 1),
    ("unicode", unicode_noise, 5),
]


def mutate_page(rng: random.Random, data: bytes, steps: list[str]) -> bytes:
    names = [m[0] for m in PAGE_MUTATORS]
    weights = [m[2] for m in PAGE_MUTATORS]
    for _ in range(rng.randint(1, 3)):
        name = rng.choices(names, weights)[0]
        data = dict((m[0], m[1]) for m in PAGE_MUTATORS)[name](rng, data)
        steps.append(name)
        if len(data) > MAX_CASE_BYTES:
            data = data[:MAX_CASE_BYTES]
            steps.append("capped")
    return data


# -- cases ---------------------------------------------------------------------


@dataclass(slots=True)
class Case:
    """One generated input and how to feed it."""

    index: int
    kind: str  # page, jsonl, warc, rules
    data: bytes
    steps: list[str] = field(default_factory=list)
    name: str = ""  # reproducer file name suffix (extension matters to the readers)
    api: str = "clean"
    data_type: str = "bytes"
    mode: Any = None
    url: Any = None
    charset: Any = None

    def params(self) -> dict[str, Any]:
        return {
            "index": self.index, "kind": self.kind, "steps": self.steps, "api": self.api,
            "data_type": self.data_type, "mode": repr(self.mode), "url": repr(self.url), "charset": repr(self.charset),
        }  # fmt: skip


def make_case(seed: int, index: int) -> Case:
    """The example ``index`` of the run with ``seed``: a function of both alone."""
    rng = random.Random(f"{seed}:{index}")
    kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
    return {"page": page_case, "jsonl": jsonl_case, "warc": warc_case, "rules": rules_case}[kind](rng, index)


def page_case(rng: random.Random, index: int) -> Case:
    case = Case(index, "page", b"", name="page.bin")
    case.data = mutate_page(rng, rng.choice(_pages()), case.steps)
    case.api, case.data_type = rng.choice(APIS), rng.choice(DATA_TYPES)
    case.mode, case.url = rng.choice(MODES), rng.choice(URLS)
    case.charset = rng.choice([None, None, *CHARSET_LABELS, b"utf-8", 5])
    return case


def _page_text(rng: random.Random, steps: list[str]) -> str:
    page = rng.choice(_pages())
    if rng.random() < 0.4:
        page = mutate_page(rng, page, steps)
    return page.decode("utf-8", rng.choice(["replace", "surrogateescape", "ignore"]))


def jsonl_line(rng: random.Random, steps: list[str]) -> bytes:
    """One line of a JSONL dump: usually a record, sometimes a broken or hostile one."""
    choice = rng.randrange(12)
    if choice < 5:
        field_name = rng.choice(["html", "text"])
        record: dict[str, Any] = {field_name: _page_text(rng, steps)}
        if rng.random() < 0.7:
            record["url"] = rng.choice([u for u in URLS if isinstance(u, str | type(None))])
        if rng.random() < 0.5:
            record["id"] = rng.choice(["a", 7, None, {"x": 1}, [1, 2], "", "../../etc/passwd", "x" * 500, 1.5])
        if rng.random() < 0.4:
            record.update(rng.choice([{"status": "crawled"}, {"metadata": {"title": 5}}, {"input": 1}, {"lang": "de"}]))
        return json.dumps(record, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    hostile: list[bytes] = [
        b'{"html": 5}', b'{"text": null, "html": ["<p>"]}', b"[1, 2]", b'"just a string"', b"1e999", b"null",
        b'{"text": "unterminated', b'{"html": "<p>x</p>", "url": 12, "id": {}}', b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000, b'{"text": "' + b"word " * 200_000 + b'"}', b"\xef\xbb\xbf{\"text\": \"bom\"}",
        b'{"text": "nul \\u0000 and lone \\ud800 and c1 \\u0085"}', b'{"text": "x", "text": "dup"}',
        b'{"html": "<p>nan</p>", "score": NaN, "big": Infinity}', b"\xff\xfe{", b'{"text": "a"}\r{"text": "b"}',
        b"\x00" * 50, b'{"text": "' + "é".encode() * 10 + b'\xff"}',
    ]  # fmt: skip
    return rng.choice(hostile)


def jsonl_case(rng: random.Random, index: int) -> Case:
    case = Case(index, "jsonl", b"", name="case.jsonl")
    lines = [jsonl_line(rng, case.steps) for _ in range(rng.randint(1, 12))]
    case.data = b"\n".join(lines) + rng.choice([b"\n", b"", b"\n\n\n"])
    if rng.random() < 0.15:
        case.data, case.name = flip_bytes(rng, case.data), "case.jsonl"
        case.steps.append("file:flip")
    if rng.random() < 0.15:
        case.data, case.name = gzip_wrap(rng, case.data), "case.jsonl.gz"
        case.steps.append("file:gzip")
    return case


WARC_CONTENT_TYPES = [
    "text/html", "text/html; charset=utf-8", "text/html; charset=bogus", "text/html; charset=", "text/plain",
    "application/xhtml+xml", "image/png", "", "text/html; charset=\"utf-16\"", None, "TEXT/HTML ; CHARSET=SHIFT_JIS",
]  # fmt: skip
HTTP_STATUSES = ["200 OK", "404 Not Found", "301 Moved", "999 X", "abc", "200"]


def warc_bytes(rng: random.Random, steps: list[str], compress: bool) -> tuple[bytes, int]:
    """A WARC file of a few records built with warcio, and the number of records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    count = rng.randint(1, 6)
    for n in range(count):
        # fixed ids and dates (warcio would pick random ones): the file is a function of the seed
        fixed = {
            "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{rng.getrandbits(48):012x}>",
            "WARC-Date": f"2024-01-0{1 + n % 9}T00:00:00Z",
        }
        body = _page_text(rng, steps).encode("utf-8", "surrogateescape")
        uri = rng.choice([u for u in URLS if isinstance(u, str)]) or "https://example.com/"
        rec_type = rng.choice(["response", "response", "response", "resource", "request", "warcinfo", "metadata"])
        ctype = rng.choice(WARC_CONTENT_TYPES)
        headers = [("Content-Type", ctype)] if ctype is not None else []
        if rec_type == "response":
            http = StatusAndHeaders(rng.choice(HTTP_STATUSES), headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=fixed
            )
        elif rec_type == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            record = writer.create_warc_record(
                uri, "request", payload=io.BytesIO(b""), http_headers=http, warc_headers_dict=fixed
            )
        else:
            record = writer.create_warc_record(
                uri,
                rec_type,
                payload=io.BytesIO(body),
                warc_content_type=ctype or "application/octet-stream",
                warc_headers_dict=fixed,
            )
        writer.write_record(record)
    return buf.getvalue(), count


def warc_case(rng: random.Random, index: int) -> Case:
    compress = rng.random() < 0.5
    case = Case(index, "warc", b"", name="case.warc.gz" if compress else "case.warc")
    case.data, count = warc_bytes(rng, case.steps, compress)
    case.steps.append(f"records:{count}")
    mutation = rng.choice(["none", "flip", "truncate", "insert", "duplicate", "splice"])
    if mutation == "flip":
        case.data = flip_bytes(rng, case.data)
    elif mutation == "truncate":
        case.data = truncate(rng, case.data)
    elif mutation == "insert":
        case.data = _insert(rng, case.data, rng.choice([b"\r\n\r\n", b"WARC/1.0\r\n", b"\x00" * 64, b"garbage"]))
    elif mutation == "duplicate":
        case.data = case.data + case.data[: rng.randrange(len(case.data) + 1)]
    elif mutation == "splice":
        case.data = case.data[: rng.randrange(len(case.data) + 1)] + rng.choice(_pages())
    case.steps.append(f"file:{mutation}")
    return case


HOSTILE_VALUES = [
    "'(a+)+$'", "'(?=x)y'", "'(a|b'", "'a{1000}{1000}'", "'\\p{Bogus}'", "'\\\\1'", "'x' ", "'" + "a" * 2000 + "'",
    "['" + "', '".join(f"w{i}" for i in range(400)) + "']", "'//*[count(//*) > 0]'", "'document(\"file:///etc/passwd\")'",
    "'string(/)'", "'//div[@class=\"a\"'", "-1", "0", "1e309", "inf", "nan", "99999999999999999999", "true", "[]",
    "{}", "[[[[[[[[[[]]]]]]]]]]", "[" * 5000 + "]" * 5000, "'\\u0000'", "'''multi\nline'''", '"""x"""', "'*'",
    "['*']", "['']", "'(?i)(?s).*'", "'^$'", "'(?P<x>a)(?P<x>b)'", "'\\\\'", "'[[:alpha:]]'", "'.{0,100000}'",
]  # fmt: skip
HOSTILE_LINES = [
    "[[drop]]\nid = 'x'\ncategory = 'navigation'\nlines = ['(a*)*b']",
    "[[section]]\nid = 's'\ncategory = 'related'\nstart = '^a'\nblocks = 100000",
    "[html]\nstrip = ['//*']\nbody = '/'",
    "[metadata.html]\ntitle = '//title/text() | //h1'\ndate = 'count(//*)'",
    "[site]\nname = 'dup'", "[[test]]\nname = 'x'\nfile = '/etc/passwd'", "[[test]]\nfile = '../../../../etc/shadow'",
    "x = 1\nx = 2", "[a.b.c.d.e.f]\nz = 1", "\x00", "= 3", "[[drop]]", "[body]\nstart = '('",
]  # fmt: skip


def mutate_rules(rng: random.Random, text: str, steps: list[str]) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        op = rng.choice(["value", "value", "delete", "duplicate", "insert", "swap"])
        steps.append(f"rules:{op}")
        at = rng.randrange(len(lines)) if lines else 0
        if op == "value":
            assigned = [i for i, line in enumerate(lines) if " = " in line]
            if assigned:
                i = rng.choice(assigned)
                lines[i] = lines[i].split(" = ", 1)[0] + " = " + rng.choice(HOSTILE_VALUES)
        elif op == "delete" and lines:
            del lines[at]
        elif op == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif op == "insert":
            lines.insert(at, rng.choice(HOSTILE_LINES))
        elif op == "swap" and len(lines) > 1:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines)


def rules_case(rng: random.Random, index: int) -> Case:
    name, source = rng.choice(_rules())
    case = Case(index, "rules", b"", name=name)
    case.steps.append(f"file:{name}")
    data = mutate_rules(rng, source.decode("utf-8"), case.steps).encode("utf-8", "surrogatepass")
    if rng.random() < 0.2:
        data = flip_bytes(rng, data)
        case.steps.append("flip")
    if rng.random() < 0.1:
        data = truncate(rng, data)
        case.steps.append("truncate")
    case.data = data
    return case


# -- running one case (in the child) --------------------------------------------


class Env:
    """Cleaners built once in the parent, before the child is forked; ``engine`` is their HTML front-end."""

    def __init__(self, engine: str = DEFAULT_ENGINE) -> None:
        import cleaner
        from cleaner import Cleaner

        self.engine = engine
        self.clean = functools.partial(cleaner.clean, engine=engine)
        self.cleaners = {
            "text": Cleaner(mode="text", engine=engine),
            "html": Cleaner(mode="html", site_rules=False, list_all_removed=True, engine=engine),
            "small": Cleaner(max_bytes=SMALL_MAX_BYTES, max_page_text_chars=SMALL_MAX_PAGE_TEXT, engine=engine),
        }
        self.rules_cleaner = Cleaner(site_rules=False, engine=engine)
        self.clean("warm up the shared cleaners")
        self.clean("warm up", list_all_removed=True)

    def run_clean(self, case: Case, data: Any, **kw: Any) -> Any:
        if case.api == "clean":
            return self.clean(data, **kw)
        if case.api == "clean_all_removed":
            return self.clean(data, list_all_removed=True, **kw)
        return self.cleaners[case.api].clean(data, **kw)


@functools.cache
def shared_env(engine: str = DEFAULT_ENGINE) -> Env:
    """One Env per process and engine: building the cleaners takes seconds."""
    return Env(engine)


def as_data_type(data: bytes, data_type: str) -> Any:
    if data_type == "str":
        return data.decode("utf-8", "replace")
    if data_type == "str_surrogateescape":
        return data.decode("utf-8", "surrogateescape")  # lone surrogates in a str input
    if data_type == "bytearray":
        return bytearray(data)
    if data_type == "memoryview":
        return memoryview(data)
    return data


def text_problems(label: str, text: Any) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, str):
        return [f"{label} is {type(text).__name__}, not str"]
    out = []
    found = C1_OR_NUL.search(text)
    if found:
        out.append(f"{label} holds {found.group()!r} at {found.start()}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        out.append(f"{label} holds a lone surrogate ({exc.reason} at {exc.start})")
    return out


def result_problems(result: Any) -> list[str]:
    """The promises a Result breaks (empty list: none)."""
    from cleaner import Result

    if not isinstance(result, Result):
        return [f"clean() returned {type(result).__name__}, not Result"]
    out = []
    if result.status not in STATUSES:
        out.append(f"unknown status {result.status!r}")
    if (result.error is None) != (result.status == "ok"):
        out.append(f"status {result.status!r} with error {result.error!r}")
    if (result.status == "ok") != bool(result.text):
        out.append(f"status {result.status!r} with {len(result.text)} characters of text")
    out += text_problems("text", result.text)
    for name in ("title", "author", "description", "site", "date", "language", "domain"):
        out += text_problems(f"metadata.{name}", getattr(result.metadata, name))
    try:
        json.dumps(result.to_dict(blocks=True), ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as exc:
        out.append(f"to_dict() is not JSON as UTF-8: {type(exc).__name__}: {exc}")
    return out


def run_page(case: Case, env: Env, tmp: Path) -> list[str]:
    data = as_data_type(case.data, case.data_type)
    result = env.run_clean(case, data, url=case.url, mode=case.mode, charset=case.charset)
    return result_problems(result)


def expected_jsonl_records(data: bytes) -> int:
    """Non-blank lines, as the JSONL reader splits them (on ``\\n``, blank after strip())."""
    return sum(1 for line in data.split(b"\n") if line.strip())


def expected_jsonl_rows(data: bytes) -> int:
    """Report rows: one per record, or one ``skipped`` row ("no records in the input") for none."""
    return max(1, expected_jsonl_records(data))


def run_documents(docs: list[Any], env: Env) -> list[str]:
    """Clean every readable document as the batch worker does; check results and records."""
    from cleaner.batch.formats import record, to_jsonl

    out: list[str] = []
    cleaner = env.cleaners["small"]
    for doc in docs:
        if doc.error is not None or doc.skip is not None:
            continue
        if doc.data is None:
            out.append(f"lost: document {doc.id!r} has no data, error or skip")
            continue
        result = cleaner.clean(doc.data, url=doc.url, mode=doc.mode, charset=doc.charset)
        out += [f"[{doc.id}] {p}" for p in result_problems(result)]
        try:
            to_jsonl(record(doc, result, status=result.status, error=result.error)).encode("utf-8")
        except (TypeError, ValueError, UnicodeEncodeError) as exc:
            out.append(f"[{doc.id}] record is not JSON as UTF-8: {type(exc).__name__}: {exc}")
    return out


def run_jsonl(case: Case, env: Env, tmp: Path) -> list[str]:
    from cleaner.batch.readers import JsonlFields, JsonlReader

    path = tmp / case.name
    path.write_bytes(case.data)
    reader = JsonlReader(str(path), "fuzz", "fuzz", mode=None, max_bytes=SMALL_MAX_BYTES, fields=JsonlFields())
    docs = list(reader.read())
    out = run_documents(docs, env)
    if not case.name.endswith(".gz"):  # a cut gzip stream may end early, with an error row
        expected = expected_jsonl_rows(case.data)
        broken = [d.error for d in docs if d.error and d.error.startswith("cannot read")]
        if len(docs) != expected or broken:
            out.append(f"lost: {expected} non-blank lines gave {len(docs)} documents; {'; '.join(broken[:1])}")
    return out


def run_warc(case: Case, env: Env, tmp: Path) -> list[str]:
    from cleaner.batch.readers import WarcReader

    path = tmp / case.name
    path.write_bytes(case.data)
    reader = WarcReader(str(path), "fuzz", "fuzz", mode=None, max_bytes=SMALL_MAX_BYTES, report_skipped=True)
    docs = list(reader.read())
    out = run_documents(docs, env)
    if "file:none" in case.steps:  # an intact WARC: every record is a document, none broken
        count = int(next(s for s in case.steps if s.startswith("records:")).split(":")[1])
        errors = [d.error for d in docs if d.error and d.fail_status != "too_large"]  # too_large is accounted
        if len(docs) != count or errors:
            out.append(f"lost: {count} records gave {len(docs)} documents; {'; '.join(errors[:1])}")
    return out


def run_rules(case: Case, env: Env, tmp: Path) -> list[str]:
    from cleaner.rules import RuleBook, RuleError, load_file

    path = tmp / case.name
    path.write_bytes(case.data)
    try:
        rules = load_file(path)
    except RuleError:
        return []  # the documented refusal
    cleaner = env.rules_cleaner
    cleaner.rulebook = RuleBook([rules])
    out: list[str] = []
    try:
        for page in (_pages()[0], _pages()[5]):  # a text dump and an HTML page
            try:
                result = cleaner.clean(page, site=rules.name)
            except RuleError:
                continue  # a global-only file has no site to force
            out += result_problems(result)
    finally:
        cleaner.rulebook = None
    return out


RUNNERS: dict[str, Callable[[Case, Env, Path], list[str]]] = {
    "page": run_page,
    "jsonl": run_jsonl,
    "warc": run_warc,
    "rules": run_rules,
}


@dataclass(slots=True)
class Report:
    """What one example did."""

    index: int
    kind: str
    outcome: str  # ok, crash, died, hang, invariant, generator (the fuzzer failed to build the input)
    detail: str = ""
    signature: str = ""  # groups findings of one cause: exception type and innermost frame
    seconds: float = 0.0  # wall-clock time
    rss_kb: int = 0  # the child's peak resident set size so far
    cpu: float = 0.0  # CPU time: on a loaded machine, what tells a slow input from a busy machine
    steps: list[str] = field(default_factory=list)


def problem_signature(problem: str) -> str:
    """A broken promise without what varies from input to input (document ids, offsets, sizes)."""
    problem = re.sub(r"^\[.*?\] ", "", problem)
    problem = re.sub(r"/\S+", "PATH", problem)
    return re.sub(r"\d+", "N", problem)[:120]


def crash_signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/cleaner/" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno} in {ours[-1].name}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


def run_case(case: Case, env: Env, tmp: Path) -> Report:
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        problems = RUNNERS[case.kind](case, env, tmp)
        outcome = "invariant" if problems else "ok"
        detail = "\n".join(problems)
        signature = problem_signature(problems[0]) if problems else ""
    except BaseException as exc:  # anything escaping is the finding; the child goes on
        outcome, detail, signature = "crash", traceback.format_exc(limit=-12), crash_signature(exc)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Report(case.index, case.kind, outcome, detail, signature, seconds, rss, cpu, list(case.steps))


def _limit_memory(extra_mb: int) -> None:
    """Cap the address space at its current size plus ``extra_mb``: a bomb raises MemoryError."""
    if extra_mb <= 0:
        return
    size_kb = _status_kb(os.getpid(), "VmSize") or 0
    limit = size_kb * 1024 + extra_mb * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def child_main(conn: Connection, seed: int, env: Env, tmp: Path, memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # warcio and the parsers warn on stderr about the broken inputs they are fed: thousands of lines
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the child's whole life
    _limit_memory(memory_mb)
    while True:
        index = conn.recv()
        if index is None:
            return
        try:
            case = make_case(seed, index)
        except Exception as exc:  # the fuzzer's own bug, not cleaner's: said so, not counted as a finding
            conn.send(Report(index, "?", "generator", traceback.format_exc(limit=-6), crash_signature(exc)))
            continue
        conn.send(run_case(case, env, tmp))


# -- the parent ------------------------------------------------------------------


class Child:
    """One child process running examples; killed and replaced after a hang or a death."""

    def __init__(self, seed: int, env: Env, tmp: Path, memory_mb: int) -> None:
        self.args = (seed, env, tmp, memory_mb)
        self.ctx = multiprocessing.get_context("fork")  # the child inherits the built cleaners
        self.conn: Connection | None = None
        self.proc: Any = None
        self.peak_kb = 0

    def start(self) -> None:
        parent_end, child_end = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=child_main, args=(child_end, *self.args), daemon=True)
        self.proc.start()
        child_end.close()
        self.conn = parent_end

    def run(self, index: int, timeout: float) -> Report:
        if self.conn is None:
            self.start()
        assert self.conn is not None
        cpu_before = _cpu_seconds(self.proc.pid)
        self.conn.send(index)
        if not self.conn.poll(timeout):
            rss = _status_kb(self.proc.pid, "VmHWM") or 0
            cpu = _cpu_seconds(self.proc.pid) - cpu_before
            self.stop()
            detail = f"still running after {timeout:g} s ({cpu:.1f} s of CPU)"
            return Report(index, "?", "hang", detail, "hang", timeout, rss, cpu=cpu)
        try:
            return self.conn.recv()  # type: ignore[no-any-return]
        except EOFError:
            self.proc.join(5)
            code = self.proc.exitcode
            self.stop()
            return Report(index, "?", "died", f"child process died (exit code {code})", f"died:{code}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()
        if self.proc is not None:
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.conn, self.proc = None, None

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError):  # the child may be gone already
                self.conn.send(None)
        self.stop()


@dataclass(slots=True)
class Totals:
    inputs: Counter[str] = field(default_factory=Counter)  # by kind
    outcomes: Counter[str] = field(default_factory=Counter)
    signatures: Counter[str] = field(default_factory=Counter)
    findings: list[dict[str, Any]] = field(default_factory=list)
    peak_rss_kb: int = 0
    peak_rss_index: int | None = None
    interrupted: bool = False
    slowest: list[Report] = field(default_factory=list)  # the SLOWEST_KEPT slowest, slowest first

    def add(self, report: Report) -> None:
        self.inputs[report.kind] += 1
        self.outcomes[report.outcome] += 1
        if report.rss_kb > self.peak_rss_kb:
            self.peak_rss_kb, self.peak_rss_index = report.rss_kb, report.index
        if report.outcome != "hang":
            self.slowest = sorted([*self.slowest, report], key=lambda r: -r.cpu)[:SLOWEST_KEPT]
        if report.outcome in FINDINGS:
            self.signatures[f"{report.outcome}: {report.signature}"] += 1

    @property
    def found(self) -> int:
        return sum(self.outcomes[o] for o in FINDINGS)


def save_finding(
    out: Path, seed: int, report: Report, *, write: bool = True, engine: str = DEFAULT_ENGINE
) -> dict[str, Any]:
    """Write the input of a finding to ``out`` (unless ``write`` is False) and return its summary entry."""
    case = make_case(seed, report.index)
    report.kind, report.steps = case.kind, list(case.steps)
    name = f"{report.outcome}-{report.index:06d}-{case.name}"
    if write:
        (out / name).write_bytes(case.data)
    entry = {
        **case.params(),
        **asdict(report),
        "file": name if write else None,
        "replay": f"python -m bench.fuzz --seed {seed} --case {report.index}"
        + (f" --engine {engine}" if engine != DEFAULT_ENGINE else ""),
    }
    entry["detail"] = report.detail[-4000:]
    return entry


def _progress(done: int, total: int, totals: Totals, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    found = ", ".join(f"{k} {v}" for k, v in sorted(totals.outcomes.items()) if k != "ok") or "nothing found"
    print(f"fuzz: {done}/{total} ({rate:.1f}/s): {found}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> Totals:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = shared_env(args.engine)
    tmp = Path(tempfile.mkdtemp(prefix="cleaner-fuzz-"))
    child = Child(args.seed, env, tmp, args.memory_mb)
    totals, started = Totals(), time.perf_counter()
    indices = [args.case] if args.case is not None else range(args.examples)
    try:
        for done, index in enumerate(indices, start=1):
            report = child.run(index, args.timeout)
            if report.outcome in FINDINGS:
                seen = totals.signatures[f"{report.outcome}: {report.signature}"]
                write = seen < REPRODUCERS_PER_SIGNATURE  # the rest are listed, with their replay command
                totals.findings.append(save_finding(out, args.seed, report, write=write, engine=args.engine))
            totals.add(report)
            if args.case is not None:
                print(json.dumps({**asdict(report), "detail": None}, ensure_ascii=False), report.detail, sep="\n")
            elif done % PROGRESS_EVERY == 0:
                _progress(done, len(indices), totals, started)
    except KeyboardInterrupt:  # a long run stopped early still says what it found so far
        totals.interrupted = True
        print("fuzz: interrupted; the summary covers the examples finished", file=sys.stderr)
    finally:
        child.close()
        shutil.rmtree(tmp, ignore_errors=True)
    write_summary(out, args, totals, time.perf_counter() - started)
    return totals


def summary(args: argparse.Namespace, totals: Totals, elapsed: float) -> dict[str, Any]:
    return {
        "seed": args.seed,
        "engine": args.engine,
        "examples": sum(totals.inputs.values()),
        "timeout": args.timeout,
        "elapsed_seconds": round(elapsed, 1),
        "interrupted": totals.interrupted,
        "inputs": dict(totals.inputs),
        "outcomes": dict(totals.outcomes),
        "crashes": totals.outcomes["crash"] + totals.outcomes["died"],
        "hangs": totals.outcomes["hang"],
        "invariants": totals.outcomes["invariant"],
        "peak_rss_mb": round(totals.peak_rss_kb / 1024, 1),
        "peak_rss_index": totals.peak_rss_index,
        "slowest": [
            {"index": r.index, "kind": r.kind, "cpu": round(r.cpu, 3), "seconds": round(r.seconds, 3), "steps": r.steps}
            for r in totals.slowest
        ],
        "signatures": dict(totals.signatures.most_common()),
        "findings": totals.findings,
    }


def write_summary(out: Path, args: argparse.Namespace, totals: Totals, elapsed: float) -> None:
    data = summary(args, totals, elapsed)
    tmp = out / "summary.json.tmp"
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out / "summary.json")  # atomic: a reader never sees half a summary
    print_summary(data, out)


def print_summary(data: dict[str, Any], out: Path) -> None:
    inputs = ", ".join(f"{k} {v}" for k, v in sorted(data["inputs"].items()))
    print(
        f"inputs: {data['examples']} ({inputs}) in {data['elapsed_seconds']} s, seed {data['seed']}, engine {data['engine']}"
    )
    print(f"crashes: {data['crashes']}  hangs: {data['hangs']}  invariant breaks: {data['invariants']}")
    if data["outcomes"].get("generator"):
        print(f"inputs the fuzzer failed to build (its own bug): {data['outcomes']['generator']}")
    print(f"peak RSS: {data['peak_rss_mb']} MB (example {data['peak_rss_index']})")
    if data["slowest"]:
        slow = data["slowest"][0]
        steps = " ".join(slow["steps"])
        print(
            f"slowest input: {slow['cpu']} s CPU, {slow['seconds']} s wall (example {slow['index']}, {slow['kind']}: {steps})"
        )
    for signature, count in data["signatures"].items():
        print(f"  {count:5d}  {signature}")
    print(f"reproducers and summary.json in {out}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=DEFAULT_EXAMPLES, help="examples to run (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="the run is a function of the seed (default %(default)s)")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per example (default %(default)s)"
    )
    parser.add_argument(
        "--out", default="out/fuzz", help="folder for reproducers and summary.json (default %(default)s)"
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=DEFAULT_MEMORY_MB,
        help="address space per child above its start size (0: no cap)",
    )
    parser.add_argument("--case", type=int, help="replay only this example of the seed's run and print its report")
    parser.add_argument(
        "--engine",
        choices=HTML_ENGINES,
        default=DEFAULT_ENGINE,
        help="HTML front-end of every cleaner the run builds (default %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.examples < 0 or args.timeout <= 0:
        parser.error("--examples must be >= 0 and --timeout > 0")
    return args


def iter_cases(seed: int, examples: int) -> Iterator[Case]:
    """The run's cases in order, without running them (for tests and inspection)."""
    for index in range(examples):
        yield make_case(seed, index)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    totals = run(args)
    if totals.interrupted:
        return 130
    return 1 if totals.found else 0


if __name__ == "__main__":
    sys.exit(main())

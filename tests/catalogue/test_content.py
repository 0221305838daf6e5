"""Catalogue of hostile content (issue 14): what each page gives, within what time.

Every case states its outcome: a status (ok with a text that must, or must
not, hold something; or a refusal with the error saying why), the truncation
flag, and a bound on wall time that is a generous multiple of what the input
takes (a hang guard, not a benchmark). Large inputs are built when the case
runs, never at collection. The batch case at the end checks that one hostile
file among good ones is reported with its status and does not stop the rest.
"""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result as CliResult

from cleaner import Cleaner, Result

SENTENCE = "The harbour handled more cargo this spring than in any year since the new cranes were installed."
LATER = "Officials said the record would probably stand for years, and the mayor thanked the dock staff."
ACCENTED = "Le café était très bon, dit la propriétaire à Noël."
MB = 1024 * 1024


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Harbour</title></head><body><article>{body}</article></body></html>"


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


ARTICLE = page(paragraphs(SENTENCE, LATER))


def meta_charset(label: str, body: str = paragraphs(SENTENCE, LATER)) -> bytes:
    data = page(body, f'<meta charset="{label}">').encode("utf-8")
    return data + b" " * (len(data) % 2)  # even length: a UTF-16 reading would not fail on a lone byte


def mixed_utf8_latin1() -> bytes:
    utf8 = page(paragraphs(f"{SENTENCE} Café résumé naïve.", "PLACEHOLDER")).encode("utf-8")
    return utf8.replace(b"PLACEHOLDER", f"{LATER} {ACCENTED}".encode("latin-1"))


def deep_divs(depth: int) -> str:
    return page("<div>" * depth + f"<p>{SENTENCE}</p>" + "</div>" * depth + f"<p>{LATER}</p>")


def unclosed_fonts(count: int) -> str:
    texts = [f"Paragraph {i} says that the council met on Tuesday and agreed the harbour budget." for i in range(count)]
    return page("".join(f"<font><p>{t}" for t in texts))


def numbered_page(size: int) -> bytes:
    """About ``size`` bytes of distinct paragraphs (identical ones would be dropped as repeats)."""
    parts, total, i = [], 0, 0
    while total < size:
        part = f"<p>Paragraph {i}: {SENTENCE}</p>"
        parts.append(part)
        total += len(part)
        i += 1
    return page("".join(parts)).encode()


@dataclass(frozen=True)
class Case:
    id: str
    data: Callable[[], bytes | str]
    status: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    has: tuple[str, ...] = ()  # the text holds each of these
    lacks: tuple[str, ...] = ()  # and none of these
    error: str | None = None  # the error mentions this (refusals)
    truncated: bool | None = False
    seconds: float = 5.0
    max_bytes: int | str | None = "default"


CASES = [
    # nothing to clean
    Case("empty", lambda: b"", "empty", error="no text"),
    Case("whitespace", lambda: b" \n\t\r\n  ", "empty"),
    Case("only-markup", lambda: b"<html><body><div></div></body></html>", "empty"),
    Case("png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(300), "binary", error="binary"),
    Case("random-binary", lambda: bytes(range(256)) * 40, "binary", error="binary"),
    Case("nul-bytes", lambda: ARTICLE.replace(" ", " \x00").encode(), "ok", has=(SENTENCE,), lacks=("\x00",)),
    # Unicode encodings, with and without a byte-order mark
    Case("utf-16-le-bom", lambda: codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "ok", has=(SENTENCE,)),
    Case("utf-16-be-bom", lambda: codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "ok", has=(SENTENCE,)),
    Case("utf-16-le", lambda: ARTICLE.encode("utf-16-le"), "ok", has=(SENTENCE,)),
    Case("utf-16-be", lambda: ARTICLE.encode("utf-16-be"), "ok", has=(SENTENCE,)),
    Case("utf-32-bom", lambda: ARTICLE.encode("utf-32"), "ok", has=(SENTENCE,)),
    Case("utf-32-le", lambda: ARTICLE.encode("utf-32-le"), "ok", has=(SENTENCE,)),
    Case("utf-32-be", lambda: ARTICLE.encode("utf-32-be"), "ok", has=(SENTENCE,)),
    # lying charset labels: WHATWG reads a document's own UTF-16 label as UTF-8
    *(
        Case(f"meta-{label}-on-ascii", lambda label=label: meta_charset(label), "ok", has=(SENTENCE,))  # type: ignore[misc]
        for label in ("utf-16", "utf16", "utf_16", "u16", "utf-16le", "utf-32", "utf32")
    ),
    Case("transport-utf-16-on-ascii", lambda: meta_charset("x"), "ok", {"charset": "utf-16"}, has=(SENTENCE,)),
    *(
        Case(
            f"meta-{label}-on-utf8",
            lambda label=label: meta_charset(label, paragraphs(f"{SENTENCE} {ACCENTED}", LATER)),  # type: ignore[misc]
            "ok",
            has=(ACCENTED,),
        )
        for label in ("shift_jis", "windows-1251", "iso-8859-1", "koi8-r", "big5")
    ),
    Case(
        "transport-latin1-on-utf8",
        lambda: page(paragraphs(f"{SENTENCE} {ACCENTED}", LATER)).encode(),
        "ok",
        {"charset": "iso-8859-1"},
        has=(ACCENTED,),
    ),
    Case(
        "text-label-latin1-on-utf8",
        lambda: f"{SENTENCE} {ACCENTED}\n\n{LATER}\n".encode(),
        "ok",
        {"charset": "latin-1", "mode": "text"},
        has=(ACCENTED,),
    ),
    Case(
        "declared-latin1-is-latin1",
        lambda: meta_charset("iso-8859-1", paragraphs(f"{SENTENCE} {ACCENTED}", LATER)).decode().encode("latin-1"),
        "ok",
        has=(ACCENTED,),
    ),
    # mostly UTF-8 with a latin-1 paragraph pasted in: each part read as what it is
    Case("mixed-utf8-latin1-html", mixed_utf8_latin1, "ok", has=("Café résumé naïve", ACCENTED)),
    Case(
        "mixed-utf8-latin1-labelled-cp1252",
        lambda: mixed_utf8_latin1().replace(b"<head>", b'<head><meta charset="windows-1252">'),
        "ok",
        has=("Café résumé naïve", ACCENTED),
    ),
    Case(
        "mixed-utf8-latin1-text",
        lambda: f"{SENTENCE} Café résumé naïve.\n\n".encode() + f"{LATER} {ACCENTED}\n".encode("latin-1"),
        "ok",
        {"mode": "text"},
        has=("Café résumé naïve", ACCENTED),
    ),
    # separators between sentences never glue words
    *(
        Case(
            f"separator-{name}-{mode}",
            lambda sep=sep, mode=mode: (  # type: ignore[misc]
                page(paragraphs(f"{SENTENCE}{sep}{LATER}")) if mode == "html" else f"{SENTENCE}{sep}{LATER}\n"
            ).encode(),
            "ok",
            {"mode": mode},
            has=("installed.", "Officials"),
            lacks=("installed.Officials", sep),
        )
        for name, sep in (("ff", "\f"), ("vt", "\v"), ("u2028", "\u2028"), ("u2029", "\u2029"))
        for mode in ("html", "text")
    ),
    # characters that disguise or hide text never reach the output
    *(
        Case(
            f"bidi-{mode}",
            lambda mode=mode: (  # type: ignore[misc]
                page(paragraphs(f"{SENTENCE} \u202egnirts\u202c \u2066x\u2069", LATER))
                if mode == "html"
                else f"{SENTENCE} \u202egnirts\u202c \u2066x\u2069\n\n{LATER}\n"
            ),
            "ok",
            {"mode": mode},
            has=(SENTENCE,),
            lacks=("\u202e", "\u202c", "\u2066", "\u2069"),
        )
        for mode in ("html", "text")
    ),
    Case(
        "c1-controls-text",
        lambda: f"{SENTENCE} \x85 \x9b\x81\n\n{LATER}\n",
        "ok",
        {"mode": "text"},
        has=(SENTENCE,),
        lacks=tuple(chr(c) for c in range(0x80, 0xA0)),
    ),
    Case(
        "c1-references-html",
        lambda: page(paragraphs(f"{SENTENCE} &#133; &#150;&#129;", LATER)),
        "ok",
        has=(SENTENCE, "…"),
        lacks=tuple(chr(c) for c in range(0x80, 0xA0)),
    ),
    # size: refused by default, bounded with a larger limit
    Case("50MB-default", lambda: b"<p>" + b"a " * (25 * MB), "too_large", error="max_bytes"),
    Case(
        "50MB-gzip-bomb-default", lambda: __import__("gzip").compress(b" " * (51 * MB)), "too_large", error="max_bytes"
    ),
    Case(
        "12MB-page-larger-limit",
        lambda: numbered_page(12 * MB),
        "ok",
        has=("Paragraph 0:",),
        truncated=True,
        seconds=20,
        max_bytes=None,
    ),
    Case(
        "10MB-single-line-text",
        lambda: (SENTENCE + " ") * (10 * MB // 100),
        "ok",
        {"mode": "text"},
        has=(SENTENCE,),
        seconds=15,
        max_bytes=None,
    ),
    Case(
        "10MB-attribute",
        lambda: page(f'<div data-x="{"A" * 10 * MB}">' + paragraphs(SENTENCE, LATER) + "</div>"),
        "ok",
        has=(SENTENCE,),
        lacks=("AAAA",),
        seconds=10,
        max_bytes=None,
    ),
    # nesting past libxml2's 256 levels: flattened and parsed again, nothing below or after it lost
    Case("deep-divs-300", lambda: deep_divs(300), "ok", has=(SENTENCE, LATER)),
    Case("deep-divs-100k", lambda: deep_divs(100_000), "ok", has=(SENTENCE, LATER), seconds=6),
    Case("unclosed-font-300", lambda: unclosed_fonts(300), "ok", has=("Paragraph 0 ", "Paragraph 299 ")),
    Case(
        "deep-inline-5k",
        lambda: page(f"<p>{SENTENCE}</p>" + "<span><b>" * 5000 + LATER + "</b></span>" * 5000),
        "ok",
        has=(SENTENCE, LATER),
    ),
    Case(
        "deep-lists-10k", lambda: page(f"<p>{SENTENCE} {LATER}</p>" + "<ul><li>" * 10_000 + "x"), "ok", has=(SENTENCE,)
    ),
    # entities stay inert
    Case(
        "xxe",
        lambda: (
            '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + page(paragraphs(f"{SENTENCE} &xxe;", LATER))
        ),
        "ok",
        has=(SENTENCE,),
        lacks=("root:",),
    ),
    Case(
        "billion-laughs",
        lambda: (
            '<!DOCTYPE html [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            + page(paragraphs(f"{SENTENCE} &lol3;", LATER))
        ),
        "ok",
        has=(SENTENCE,),
        lacks=("lollollol",),
    ),
]


def _cleaner(case: Case) -> Cleaner:
    if case.max_bytes == "default":
        return Cleaner(site_rules=False)
    return Cleaner(site_rules=False, max_bytes=case.max_bytes if isinstance(case.max_bytes, int) else None)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_content(case: Case) -> None:
    data = case.data()
    cleaner = _cleaner(case)
    start = time.perf_counter()
    result: Result = cleaner.clean(data, **case.kwargs)
    elapsed = time.perf_counter() - start
    assert elapsed < case.seconds, f"took {elapsed:.1f}s"
    assert result.status == case.status, result.error
    if case.status != "ok":
        assert result.error and (case.error is None or case.error in result.error)
        assert result.text == ""
    for wanted in case.has:
        assert wanted in result.text
    for unwanted in case.lacks:
        assert unwanted not in result.text
    if case.truncated is not None:
        assert result.truncated is case.truncated
    if result.ok and case.status == "ok":
        assert "\ufffd" not in result.text  # no character lost to a wrong decoding
        cjk = sum("\u3400" <= ch <= "\u9fff" for ch in result.text)
        assert cjk == 0  # ASCII or latin text read as UTF-16 comes out as CJK


BATCH = {
    "good.html": ARTICLE.encode(),
    "deep.html": deep_divs(2000).encode(),
    "utf16-label.html": meta_charset("utf16"),
    "mixed.html": mixed_utf8_latin1(),
    "binary.html": b"\x89PNG\r\n\x1a\n" + bytes(300),
    "empty.html": b"",
}


def test_a_batch_of_hostile_files_is_fully_reported(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name, data in BATCH.items():
        (src / name).write_bytes(data)
    out = tmp_path / "out"
    res = cli("clean", src, "-o", out, "-j", "1", "--no-site-rules")
    assert res.exit_code == 1, res.output  # binary and empty are failures, and the exit code says so
    rows = [json.loads(line) for line in (out / "_report.jsonl").read_text().splitlines()]
    statuses = {row["id"]: row["status"] for row in rows}
    assert statuses == {
        "good": "ok",
        "deep": "ok",
        "utf16-label": "ok",
        "mixed": "ok",
        "binary": "binary",
        "empty": "empty",
    }
    for name in ("good", "deep", "utf16-label", "mixed"):
        assert SENTENCE[:40] in (out / f"{name}.html.txt").read_text()

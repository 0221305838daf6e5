"""Hostile HTML ends in a clear status, quickly, without touching files or the network.

Elapsed times are measured only as hang guards: the bounds are generous
multiples of what the inputs take on a slow machine.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from lxml import html

from cleaner._model import STATUS_BINARY, STATUS_EMPTY, STATUS_OK, STATUS_TOO_LARGE, Result
from cleaner._pipeline import Cleaner
from cleaner.html._parse import MAX_EXTRACT_ELEMENTS, MAX_EXTRACT_TEXT, parse_markup

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"
SENTENCE = "The harbour handled more cargo this spring than in any year since the new cranes were installed."
IN_FIXTURE = SENTENCE[4:]  # the fixtures say "the quarterly report shows that the harbour ..."


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(site_rules=False, mode="html")


def timed(cleaner: Cleaner, data: bytes | str, limit: float) -> Result:
    start = time.perf_counter()
    result = cleaner.clean(data)
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"took {elapsed:.1f}s"
    return result


def test_xxe_entity_is_not_expanded(cleaner: Cleaner) -> None:
    result = timed(cleaner, (FIXTURES / "xxe.html").read_bytes(), 10)
    assert result.status == STATUS_OK
    text = result.text
    assert IN_FIXTURE in text
    assert "root:" not in text  # /etc/passwd never read
    assert "&xxe;" in text or "xxe" not in text


def test_billion_laughs_stays_small(cleaner: Cleaner) -> None:
    result = timed(cleaner, (FIXTURES / "billion_laughs.html").read_bytes(), 10)
    assert result.status == STATUS_OK
    text = result.text
    assert IN_FIXTURE in text
    assert text.count("lol") < 100
    assert len(text) < 2000


def test_deep_nesting_is_cut_not_crashed(cleaner: Cleaner) -> None:
    markup = "<html><body>" + "<div>" * 10_000 + f"<p>{SENTENCE}</p>" + "</div>" * 10_000 + "</body></html>"
    result = timed(cleaner, markup.encode(), 30)
    # libxml2 stops building the tree at 256 levels: the buried text is lost, cleanly
    assert result.status in (STATUS_OK, STATUS_EMPTY)


def test_deep_nesting_after_the_article_keeps_the_article(cleaner: Cleaner) -> None:
    lead = f"<p>{SENTENCE} Officials said the record would probably stand for years.</p>"
    markup = (
        "<html><body><article>" + lead + "<ul><li>" * 10_000 + "x" + "</li></ul>" * 10_000 + "</article></body></html>"
    )
    result = timed(cleaner, markup.encode(), 30)
    assert result.status == STATUS_OK
    assert SENTENCE in result.text


def test_deep_inline_nesting(cleaner: Cleaner) -> None:
    lead = f"<p>{SENTENCE} Officials said the record would probably stand for years.</p>"
    markup = (
        "<html><body><article>" + lead + "<span><b>" * 5_000 + "x" + "</b></span>" * 5_000 + "</article></body></html>"
    )
    result = timed(cleaner, markup.encode(), 30)
    assert SENTENCE in result.text


def test_twenty_megabyte_page_is_cut_and_marked(cleaner: Cleaner) -> None:
    # distinct paragraphs: identical ones would be dropped as copies
    paras = [f"<p>Report {i}: {SENTENCE} Officials said so on day {i}.</p>\n" for i in range(200_000)]
    data = (
        "<html><head><title>Big</title></head><body><article>" + "".join(paras) + "</article></body></html>"
    ).encode()
    assert len(data) > 20_000_000
    result = timed(cleaner, data, 120)
    assert result.status == STATUS_OK
    blocks = result.blocks
    assert blocks and all(b.reason.endswith(";fallback:too-large") for b in blocks)
    assert f"Report 0: {SENTENCE}" in result.text
    assert len(result.text) <= 600_000
    assert result.metadata.title == "Big"


def test_page_above_max_bytes_is_refused() -> None:
    small = Cleaner(site_rules=False, mode="html", max_bytes=1000)
    result = small.clean(b"<html><body>" + b"<p>word</p>" * 200 + b"</body></html>")
    assert result.status == STATUS_TOO_LARGE


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", STATUS_EMPTY),
        (b"   \n  ", STATUS_EMPTY),
        (b"<html></html>", STATUS_EMPTY),
        (b"<html><body><script>var x = 1;</script></body></html>", STATUS_EMPTY),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, STATUS_BINARY),
        (b"<html><body><p>" + b"\x00\x01\x02" * 2000 + b"</p></body></html>", STATUS_BINARY),
    ],
)
def test_degenerate_inputs_have_a_clear_status(cleaner: Cleaner, data: bytes, status: str) -> None:
    result = timed(cleaner, data, 10)
    assert result.status == status


def test_control_characters_are_removed_before_parsing(cleaner: Cleaner) -> None:
    text = f"{SENTENCE} It was\x00 a good\x07 year for the port and its workers, the mayor added."
    result = timed(cleaner, f"<html><body><article><p>{text}</p></article></body></html>", 10)
    assert "\ufffd" not in result.text
    assert "It was a good year" in result.text


def test_parse_measures_the_tree() -> None:
    parsed = parse_markup("<html><body><p>abc</p><p>de</p></body></html>")
    assert parsed is not None
    assert not parsed.too_large
    big = parse_markup("<html><body><p>" + "a" * (MAX_EXTRACT_TEXT + 1) + "</p></body></html>")
    assert big is not None and big.too_large
    many = parse_markup("<html><body>" + "<i>a</i>" * (MAX_EXTRACT_ELEMENTS + 1) + "</body></html>")
    assert many is not None and many.too_large
    # markup over the bounds whose tree is not: long attributes are neither text nor elements
    padded = parse_markup(f"<html><body><p title='{'x' * MAX_EXTRACT_TEXT}'>abc</p></body></html>")
    assert padded is not None and not padded.too_large


def test_parsed_elements_share_one_class_chosen_in_c() -> None:
    # lxml.html's default lookup calls into Python for every element proxy; trafilatura walks the
    # tree many times, so the parser uses a C-level lookup (same HtmlElement API, no form classes)
    parsed = parse_markup("<html><body><form><input name='q'><select></select></form><p>x</p></body></html>")
    assert parsed is not None
    elements = list(parsed.root.iter())
    assert {type(el) for el in elements} == {html.HtmlElement}
    assert parsed.root.find(".//p").text_content() == "x"

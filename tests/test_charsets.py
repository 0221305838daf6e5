"""Charset labels are read as browsers read them, and no C1 control reaches the text."""

from __future__ import annotations

import re

import pytest

from cleaner import Cleaner
from cleaner._decode import charset_codec, html_codec, repair_text

TEXT = Cleaner(mode="text", site_rules=False)
HTML = Cleaner(mode="html", site_rules=False)
C1 = re.compile("[\u0080-\u009f]")

# Each page uses the euro sign, an en dash and curly quotes: the windows-12xx supersets
# put them at 0x80-0x9f, where the ISO labels' own tables have C1 controls.
PROSE = {
    "tr": "Fiyat 5 € oldu – “Bu çok fazla” dedi. Hükümet salı günü ülkenin bankaları için yeni kurallar "
    "kararlaştırdı ve muhalefet bunu sert bir şekilde eleştirdi, çünkü tasarruf sahipleri endişeli.",
    "th": "ราคาขึ้นไปที่ 5 € – “มากเกินไป” เขากล่าว รัฐบาลตัดสินใจเรื่องกฎใหม่สำหรับธนาคารในวันอังคาร "
    "และฝ่ายค้านวิจารณ์อย่างรุนแรง เพราะผู้ฝากเงินจำนวนมากยังคงกังวลเกี่ยวกับเงินออมของพวกเขา",
    "fr": "Le prix est passé à 5 € – « C’est trop », a-t-il dit. Le gouvernement a adopté mardi de nouvelles "
    "règles pour les banques du pays, et l’opposition les a vivement critiquées devant l’assemblée.",
}
# (label as a page or server writes it, the bytes' real encoding, the language)
LABELLED = [
    ("iso-8859-9", "cp1254", "tr"),
    ("ISO_8859-9", "cp1254", "tr"),
    ("latin5", "cp1254", "tr"),
    ("tis-620", "cp874", "th"),
    ("iso-8859-11", "cp874", "th"),
    ("iso-8859-1", "cp1252", "fr"),
    ("latin1", "cp1252", "fr"),
    ("us-ascii", "cp1252", "fr"),
]


def html_page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>T</title></head><body><article><p>{text}</p><p>{text}</p></article></body></html>"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("iso-8859-9", "cp1254"),
        ("tis-620", "cp874"),
        ("latin1", "cp1252"),
        (' "ISO-8859-1" ', "cp1252"),
        ("gb2312", "gbk"),
        ("shift_jis", "cp932"),
        ("windows-1251", "cp1251"),
        ("utf8", "utf-8"),
        ("cp437", "cp437"),  # not a WHATWG label, but a codec Python has
        ("iso-2022-kr", None),  # WHATWG's "replacement": never decode with it
        ("rot13", None),  # a codec, but not a text encoding
        ("no-such-charset", None),
        ("", None),
    ],
)
def test_charset_codec(label: str, codec: str | None) -> None:
    assert charset_codec(label) == codec


@pytest.mark.parametrize(("label", "codec"), [("utf-16", "utf-8"), ("UTF-16LE", "utf-8"), ("x-user-defined", "cp1252")])
def test_html_labels_a_document_cannot_mean(label: str, codec: str) -> None:
    assert html_codec(label) == codec


@pytest.mark.parametrize(("label", "encoding", "lang"), LABELLED)
def test_meta_charset_label_reads_like_a_browser(label: str, encoding: str, lang: str) -> None:
    data = html_page(PROSE[lang], f'<meta charset="{label}">').encode(encoding)
    result = HTML.clean(data)
    assert PROSE[lang] in result.text
    assert not C1.search(result.text)


@pytest.mark.parametrize(("label", "encoding", "lang"), LABELLED)
def test_transport_charset_label_reads_like_a_browser(label: str, encoding: str, lang: str) -> None:
    result = HTML.clean(html_page(PROSE[lang]).encode(encoding), charset=label)
    assert PROSE[lang] in result.text
    assert not C1.search(result.text)


@pytest.mark.parametrize(("label", "encoding", "lang"), [case for case in LABELLED if case[0] != "us-ascii"])
def test_text_dump_charset_label_reads_like_a_browser(label: str, encoding: str, lang: str) -> None:
    result = TEXT.clean(PROSE[lang].encode(encoding), charset=label)
    assert PROSE[lang] in result.text
    assert not C1.search(result.text)


def test_text_dump_labelled_ascii_is_read_as_utf8() -> None:
    # an unchecked "ascii" label on a text dump is usually UTF-8 (browsers would say windows-1252)
    assert PROSE["fr"] in TEXT.clean(PROSE["fr"].encode("utf-8"), charset="us-ascii").text


@pytest.mark.parametrize("cleaner", [TEXT, HTML], ids=["text", "html"])
def test_c1_controls_in_str_input_become_their_characters(cleaner: Cleaner) -> None:
    # what a latin-1 decoder upstream makes of windows-1252 bytes
    garbled = PROSE["fr"].encode("cp1252").decode("latin-1")
    assert C1.search(garbled)
    result = cleaner.clean(garbled if cleaner is TEXT else html_page(garbled))
    assert PROSE["fr"] in result.text
    assert not C1.search(result.text)


def test_numeric_references_to_c1_are_read_as_windows_1252() -> None:
    page = html_page(PROSE["fr"].replace("€", "&#128;").replace("–", "&#150;"))
    result = HTML.clean(page)
    assert PROSE["fr"] in result.text


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("plain ascii", "plain ascii"),
        ("caf\u00e9 \u201cquoted\u201d", "caf\u00e9 \u201cquoted\u201d"),  # no C1: returned as is
        ("5 \u0080 and \u0093quoted\u0094", "5 \u20ac and \u201cquoted\u201d"),
        ("undefined \u0081\u008d\u008f\u0090\u009d here", "undefined  here"),  # nothing to map them to
        ("It\u00e2\u0080\u0099s", "It\u2019s"),  # UTF-8 read as latin-1: ftfy repairs the whole sequence
    ],
)
def test_repair_text_leaves_no_c1_controls(text: str, repaired: str) -> None:
    assert repair_text(text) == repaired

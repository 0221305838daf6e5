"""Charset handling of HTML bytes: BOM > HTTP charset > <meta charset> > UTF-8 > detection."""

from __future__ import annotations

import codecs

import pytest

from cleaner._decode import decode_html, sniff_meta_charset
from cleaner._pipeline import Cleaner

PROSE = {
    "ru": "Вчера вечером городской совет принял решение открыть старые шлюзы на северном берегу реки, потому что вода поднималась уже третий день.",
    "fr": "Hier soir, le conseil municipal a décidé d'ouvrir les anciennes écluses sur la rive nord, car l'eau montait déjà depuis trois jours à Noël.",
    "de": "Gestern Abend beschloss der Stadtrat, die alten Schleusen am Nordufer zu öffnen, weil das Wasser schon seit drei Tagen stieg und größer wurde.",
}


MORE = {
    "ru": "Жители прибрежных улиц всю ночь укладывали мешки с песком у библиотеки, а инженеры проверяли дамбы и к утру убедились, что стены выдержат.",
    "fr": "Les habitants des quais ont rempli des sacs de sable devant la bibliothèque toute la nuit, et au matin les ingénieurs étaient rassurés.",
    "de": "Die Anwohner füllten die ganze Nacht Sandsäcke vor der Bücherei, und am Morgen waren die Ingenieure überzeugt, dass die Mauern halten würden.",
}


def page(lang: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>T</title></head><body><article>"
        f"<p>{PROSE[lang]}</p><p>{MORE[lang]}</p></article></body></html>"
    )


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(site_rules=False, mode="html")


@pytest.mark.parametrize(
    ("lang", "encoding", "head"),
    [
        ("ru", "cp1251", '<meta charset="windows-1251">'),
        ("ru", "koi8-r", '<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R">'),
        ("fr", "cp1252", "<meta charset='iso-8859-1'>"),
        ("de", "iso-8859-15", '<meta charset="iso-8859-15">'),
    ],
)
def test_meta_charset_wins_over_detection(cleaner: Cleaner, lang: str, encoding: str, head: str) -> None:
    data = page(lang, head).encode(encoding)
    result = cleaner.clean(data)
    assert PROSE[lang] in result.text


@pytest.mark.parametrize(("lang", "encoding"), [("ru", "cp1251"), ("ru", "koi8-r"), ("fr", "cp1252")])
def test_http_charset_without_meta(cleaner: Cleaner, lang: str, encoding: str) -> None:
    data = page(lang).encode(encoding)
    assert PROSE[lang] in cleaner.clean(data, charset=encoding).text


def test_http_charset_beats_meta(cleaner: Cleaner) -> None:
    # the server transcoded the page but left the old declaration in place
    data = page("ru", '<meta charset="koi8-r">').encode("cp1251")
    assert PROSE["ru"] in cleaner.clean(data, charset="windows-1251").text


@pytest.mark.parametrize("lang", ["ru", "fr", "de"])
def test_no_declaration_utf8(cleaner: Cleaner, lang: str) -> None:
    assert PROSE[lang] in cleaner.clean(page(lang).encode("utf-8")).text


def test_no_declaration_legacy_bytes_are_detected(cleaner: Cleaner) -> None:
    data = page("ru").encode("cp1251")
    assert PROSE["ru"] in cleaner.clean(data).text


def test_wrong_meta_utf8_on_cp1252_bytes(cleaner: Cleaner) -> None:
    # declared UTF-8, but the bytes are windows-1252: no replacement characters
    data = page("fr", '<meta charset="utf-8">').encode("cp1252")
    text = cleaner.clean(data).text
    assert "\ufffd" not in text
    assert PROSE["fr"] in text


def test_wrong_meta_latin1_on_utf8_bytes_is_repaired(cleaner: Cleaner) -> None:
    # declared latin-1, bytes are UTF-8: decodes as mojibake, which ftfy repairs
    data = page("fr", '<meta charset="iso-8859-1">').encode("utf-8")
    assert PROSE["fr"] in cleaner.clean(data).text


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_bom_wins_over_everything(cleaner: Cleaner, bom: bytes) -> None:
    encoding = "utf-8" if bom == codecs.BOM_UTF8 else "utf-16-le"
    data = bom + page("ru", '<meta charset="koi8-r">').encode(encoding)
    assert PROSE["ru"] in cleaner.clean(data, charset="cp1252").text


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta charset="UTF-8">', "utf-8"),
        ("<meta charset=windows-1251>", "cp1251"),
        ('<meta http-equiv="content-type" content="text/html;charset=Shift_JIS">', "cp932"),
        ('<meta charset="latin1">', "cp1252"),
        ('<meta charset="utf-16">', "utf-8"),
        ('<meta charset="iso-8859-9">', "cp1254"),
        ('<meta charset="no-such-charset">', None),
        ("<meta name=description content=x>", None),
    ],
)
def test_sniff_meta_charset(head: str, expected: str | None) -> None:
    assert sniff_meta_charset(f"<html><head>{head}</head></html>".encode("ascii")) == expected


def test_unknown_declared_charset_falls_through() -> None:
    data = page("de", '<meta charset="no-such-charset">').encode("utf-8")
    assert PROSE["de"] in decode_html(data)

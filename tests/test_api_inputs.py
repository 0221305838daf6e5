"""What the public API does with every kind of input: a Result with a status and a reason, never an exception."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from typing import Any

import pytest

import cleaner
from cleaner import Cleaner
from cleaner._decode import GZIP_STEP, BinaryInputError, DecompressedTooLargeError, gunzip

TEXT = Cleaner(mode="text", site_rules=False)
HTML = Cleaner(mode="html", site_rules=False)
PROSE = (
    "The committee published its findings on Thursday and said the results were encouraging for the region. "
    "Members of the public will be able to read the full report at the town library from next week. "
)
ARTICLE = (
    f"<html><head><title>Findings</title></head><body><article><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        (None, "empty", "no input (None)"),
        (42, "invalid", "input must be str or bytes, not int"),
        (4.2, "invalid", "input must be str or bytes, not float"),
        (["a page"], "invalid", "input must be str or bytes, not list"),
        ({"text": "a page"}, "invalid", "input must be str or bytes, not dict"),
        (object(), "invalid", "input must be str or bytes, not object"),
    ],
    ids=["none", "int", "float", "list", "dict", "object"],
)
@pytest.mark.parametrize("clean", [cleaner.clean, TEXT.clean, HTML.clean], ids=["module", "text", "html"])
def test_wrong_typed_input_gives_a_status(clean: Any, data: object, status: str, error: str) -> None:
    result = clean(data)
    assert (result.status, result.error, result.text, result.blocks) == (status, error, "", [])


@pytest.mark.parametrize("wrap", [bytearray, memoryview], ids=["bytearray", "memoryview"])
def test_bytes_like_input_is_read_as_bytes(wrap: Any) -> None:
    result = TEXT.clean(wrap((PROSE * 2).encode("utf-8")))
    assert result.ok and result.text.startswith("The committee")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, None),
        (float("nan"), None),  # a missing value in a data frame column
        (1234, None),
        (["https://example.com/a"], None),
        (b"https://www.example.com/a", "https://www.example.com/a"),
        ("  https://www.example.com/a\n", "https://www.example.com/a"),
        ("", None),
    ],
    ids=["none", "nan", "int", "list", "bytes", "padded", "empty"],
)
@pytest.mark.parametrize("clean", [TEXT.clean, HTML.clean], ids=["text", "html"])
def test_bad_url_values_are_no_url(clean: Any, url: object, expected: str | None) -> None:
    result = clean(ARTICLE if clean == HTML.clean else PROSE * 2, url=url)
    assert result.ok
    assert result.metadata.url == expected
    assert result.metadata.domain == (None if expected is None else "example.com")


@pytest.mark.parametrize(
    "charset", ["no-such-charset", "", "   ", "rot13", "base64", "idna", "replacement", 5, b"utf-8", b"\xff\xfe"]
)
@pytest.mark.parametrize("clean", [TEXT.clean, HTML.clean], ids=["text", "html"])
def test_bad_charset_values_fall_back_to_detection(clean: Any, charset: object) -> None:
    data = (ARTICLE if clean == HTML.clean else PROSE * 2).replace("region", "région").encode("utf-8")
    result = clean(data, charset=charset)
    assert result.ok and "région" in result.text


def test_bad_mode_gives_a_status() -> None:
    result = TEXT.clean(PROSE, mode="xml")  # type: ignore[arg-type]
    assert result.status == "invalid" and "mode" in (result.error or "")


@pytest.mark.parametrize(
    ("data", "mode", "error"),
    [
        ("x", "text", "no article-like text found (1 word in input)"),
        ("Home\nNews\nSport\nContact us", "text", "no article-like text found (5 words in input)"),
        ("", "text", "no text in input"),
        ("<p>x</p>", "html", "no article-like text found (1 word in the page's text)"),
        ("<html><head><title>Nothing</title></head><body></body></html>", "html", "no text in input"),
        ("   ", "html", "no text in input"),
    ],
)
def test_empty_results_say_why(data: str, mode: str, error: str) -> None:
    result = (TEXT if mode == "text" else HTML).clean(data)
    assert (result.status, result.error) == ("empty", error)


NOT_ARTICLES: list[str | bytes] = [
    "x",
    "Share on Facebook",
    "<p>x</p>",
    "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav><footer>© 2024 Example</footer></body></html>",
    "<html><head><title>A headline only</title></head><body><h1>A headline only</h1></body></html>",
    "<html><head><title>Nothing</title></head></html>",
    "Home\nNews\nSport\nWeather\nContact us\nPrivacy policy\n",
    b"",
    b"   \n\t",
    b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    b"\x00\x01\x02" * 100,
]


@pytest.mark.parametrize("mode", ["auto", "text", "html"])
def test_every_non_ok_result_has_an_error(mode: str) -> None:
    results = [cleaner.clean(data, mode=mode) for data in NOT_ARTICLES]  # type: ignore[arg-type]
    failed = [r for r in results if not r.ok]
    assert len(failed) >= len(NOT_ARTICLES) // 2  # most of these are not articles in any mode
    assert [r for r in failed if not r.error] == []
    assert [r for r in results if r.ok and r.error] == []


@pytest.mark.parametrize("clean", [TEXT.clean, HTML.clean], ids=["text", "html"])
def test_gzip_bytes_are_decompressed(clean: Any) -> None:
    page = ARTICLE if clean == HTML.clean else PROSE * 2
    result = clean(gzip.compress(page.encode("utf-8")))
    assert result.ok and result.text.startswith("The committee")


def test_concatenated_gzip_members_are_one_document() -> None:
    data = gzip.compress(PROSE.encode()) + gzip.compress(PROSE.encode())
    assert TEXT.clean(data).text.count("The committee") == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"\x1f\x8b" + b"not a deflate stream at all", "does not decompress"),
        (gzip.compress(PROSE.encode() * 20)[:-40], "cut short"),
    ],
    ids=["corrupt", "truncated"],
)
def test_broken_gzip_is_binary_with_a_reason(data: bytes, error: str) -> None:
    result = TEXT.clean(data)
    assert result.status == "binary" and error in (result.error or "")


def _bomb(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed a megabyte at a time (about 1000:1)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    return b"".join(packer.compress(chunk) for _ in range(size >> 20)) + packer.flush()


def test_gzip_above_max_bytes_is_too_large() -> None:
    limit = 1 << 20
    result = Cleaner(mode="text", site_rules=False, max_bytes=limit).clean(_bomb(8 * limit))
    assert result.status == "too_large" and f"max_bytes={limit}" in (result.error or "")


def test_gzip_bomb_never_holds_more_than_the_limit() -> None:
    limit = 1 << 20
    bomb = _bomb(64 * limit)
    tracemalloc.start()
    try:
        with pytest.raises(DecompressedTooLargeError):
            gunzip(bomb, limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the output so far (limit + 1 bytes) and a few steps' slack, nowhere near the 64 MB inside
    assert peak < limit + 4 * GZIP_STEP


def test_gunzip_within_the_limit_and_without_one() -> None:
    data = gzip.compress(b"a" * 1000)
    assert gunzip(data, 1000) == b"a" * 1000
    assert gunzip(data, None) == b"a" * 1000
    with pytest.raises(DecompressedTooLargeError):
        gunzip(data, 999)
    with pytest.raises(BinaryInputError):
        gunzip(data[:10], None)


@pytest.mark.parametrize("size", [0, 1, GZIP_STEP - 1, GZIP_STEP, GZIP_STEP + 1, 5 * GZIP_STEP + 7])
def test_gunzip_reads_across_steps(size: int) -> None:
    # random-looking bytes barely compress: input and output both span several steps
    payload = bytes((i * 7919 + i // 3) % 251 for i in range(size))
    assert gunzip(gzip.compress(payload) + gzip.compress(payload), 2 * size) == payload * 2
    assert gunzip(gzip.compress(payload) + b"\x00" * 512, size) == payload  # trailing padding


def test_module_clean_lists_all_removed_on_request() -> None:
    page = (
        "<html><body><nav><a href='/'>Home page link</a> <a href='/about'>About the team</a></nav>"
        f"<article><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"
    )
    plain = cleaner.clean(page, mode="html")
    listed = cleaner.clean(page, mode="html", list_all_removed=True)
    assert plain.text == listed.text
    outside = [b.text for b in listed.removed if b.reason == "html:outside-main-content"]
    assert outside and not [b for b in plain.removed if b.reason == "html:outside-main-content"]


def test_module_clean_builds_one_cleaner_per_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[bool] = []
    original = Cleaner.__init__

    def counting(self: Cleaner, **kwargs: Any) -> None:
        built.append(bool(kwargs.get("list_all_removed")))
        original(self, **kwargs)

    monkeypatch.setattr(Cleaner, "__init__", counting)
    for _ in range(3):
        cleaner.clean("<p>Short.</p>", list_all_removed=True)
        cleaner.clean("<p>Short.</p>")
    assert len(built) <= 2  # at most one each, the first time a setting is seen (none if seen before)


class _NAType:  # what pandas' NA and NaT look like to cleaner (matched by type name, pandas not imported)
    def __bool__(self) -> bool:
        raise TypeError("boolean value of NA is ambiguous")


_NAType.__name__ = "NAType"


@pytest.mark.parametrize("missing", [None, float("nan"), _NAType()], ids=["none", "nan", "na"])
@pytest.mark.parametrize("field", ["url", "mode", "site", "charset", "timeout"])
def test_missing_values_in_every_argument_are_absent(field: str, missing: object) -> None:
    result = TEXT.clean(PROSE * 2, **{field: missing})
    assert result.ok and result.text.startswith("The committee")


@pytest.mark.parametrize("missing", [float("nan"), _NAType()], ids=["nan", "na"])
def test_a_missing_document_is_empty(missing: object) -> None:
    result = TEXT.clean(missing)  # type: ignore[arg-type]
    assert result.status == "empty" and (result.error or "").startswith("no input")


def test_an_unknown_site_for_one_document_is_a_status() -> None:
    result = Cleaner(mode="text").clean(PROSE * 2, site="no-such-site.example")
    assert result.status == "invalid" and "no-such-site.example" in (result.error or "")


def test_learning_a_new_site_name_from_html() -> None:
    key, lines = TEXT.learning_view(ARTICLE, mode="html", site="a-site-without-rules")
    assert key == "a-site-without-rules" and lines

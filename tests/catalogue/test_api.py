"""Catalogue of hostile calls to the Python API (issue 14): never a crash, never a silent guess.

Each row is one call and its outcome: the status, and what the result must
hold. A value that cannot mean anything (an unknown mode) is refused with a
status and an error that says why; a value that can be read (a mode in upper
case, a bytearray) is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from cleaner import Cleaner, Result

SENTENCE = "The harbour handled more cargo this spring than in any year since the new cranes were installed."
LATER = "Officials said the record would probably stand for years, and the mayor thanked the dock staff."
ARTICLE = f"<html><body><article><p>{SENTENCE}</p><p>{LATER}</p></article></body></html>"
TEXT = f"{SENTENCE}\n\n{LATER}\n"
NOISE = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@dataclass(frozen=True)
class Call:
    id: str
    data: Any
    status: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    mode: str | None = None  # the mode the result reports
    error: str | None = None  # the error mentions this
    url: str | None = None  # metadata.url as given back


CALLS = [
    Call("lone-surrogate", f"{SENTENCE} \ud800 {LATER}", "ok"),
    Call("lone-surrogate-html", ARTICLE.replace("spring", "spring \udfff"), "ok", mode="html"),
    Call("url-open-bracket", ARTICLE, "ok", {"url": "http://[/"}, url="http://[/"),
    Call("url-bad-ipv6", TEXT, "ok", {"url": "http://[::1/story", "mode": "text"}, url="http://[::1/story"),
    Call("url-control-chars", ARTICLE, "ok", {"url": "http://example.com/\x00a\u202eb"}, url="http://example.com/ab"),
    Call("url-bytes", ARTICLE, "ok", {"url": b"https://example.com/story"}, url="https://example.com/story"),
    Call("url-not-a-string", ARTICLE, "ok", {"url": 3.5}),
    *(
        Call(f"charset-{label!r}", ARTICLE.encode(), "ok", {"charset": label})
        for label in ("idna", "undefined", "punycode", "a\x00", "rot13", "base64", "", "  ", "utf-7", "x" * 500)
    ),
    Call("charset-bytes", ARTICLE.encode(), "ok", {"charset": b"utf-8"}),
    Call("bytearray", bytearray(ARTICLE.encode()), "ok", mode="html"),
    Call("memoryview", memoryview(ARTICLE.encode()), "ok", mode="html"),
    Call("mode-upper", ARTICLE, "ok", {"mode": "HTML"}, mode="html"),
    Call("mode-spaces", TEXT, "ok", {"mode": " Text "}, mode="text"),
    Call("mode-xml", ARTICLE, "invalid", {"mode": "xml"}, error="mode"),
    Call("mode-number", ARTICLE, "invalid", {"mode": 1}, error="mode"),
    Call("none", None, "empty", error="None"),
    Call("int", 42, "invalid", error="int"),
    Call("list", [ARTICLE], "invalid", error="list"),
    Call("dict", {"html": ARTICLE}, "invalid", error="dict"),
]


@pytest.fixture(scope="module")
def cleaners() -> dict[bool, Cleaner]:
    return {rules: Cleaner(site_rules=rules) for rules in (False, True)}


@pytest.mark.parametrize("site_rules", [False, True], ids=["generic", "rules"])
@pytest.mark.parametrize("call", CALLS, ids=[c.id for c in CALLS])
def test_call(call: Call, site_rules: bool, cleaners: dict[bool, Cleaner]) -> None:
    result: Result = cleaners[site_rules].clean(call.data, **call.kwargs)
    assert result.status == call.status, result.error
    if call.status == "ok":
        assert SENTENCE[:40] in result.text
        assert not any("\ud800" <= ch <= "\udfff" for ch in result.text)
        result.to_dict()  # and it serialises
    else:
        assert result.text == "" and result.error and call.error in result.error
    if call.mode is not None:
        assert result.mode == call.mode
    if call.url is not None:
        assert result.metadata.url == call.url
    for value in (result.metadata.url, result.metadata.title, result.metadata.domain):
        assert value is None or not any(ch in value for ch in NOISE)


@pytest.mark.parametrize(
    ("mode", "accepted"),
    [("HTML", "html"), ("Auto", "auto"), ("text", "text"), ("xml", None), ("", None), ("markdown", None)],
)
def test_cleaner_mode(mode: str, accepted: str | None) -> None:
    if accepted is None:
        with pytest.raises(ValueError, match="mode must be"):
            Cleaner(mode=mode, site_rules=False)  # type: ignore[arg-type]
    else:
        assert Cleaner(mode=mode, site_rules=False).mode == accepted  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["html", "text"])
def test_metadata_never_holds_markup_or_controls(mode: str) -> None:
    title = "Harbour &lt;b&gt;record&lt;/b&gt; \u202eyear\u202c\x07"
    head = f"<title>{title}</title><meta name='author' content='Ann\x85 &lt;i&gt;Lee&lt;/i&gt;'>"
    data = f"<html><head>{head}</head><body><article><p>{SENTENCE}</p><p>{LATER}</p></article></body></html>"
    if mode == "text":
        data = f"Harbour <b>record</b> \u202eyear\u202c\x07\n\n{TEXT}"
    result = Cleaner(site_rules=False, mode=mode).clean(data)  # type: ignore[arg-type]
    for name, value in result.metadata.to_dict().items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                assert not any(ch in item for ch in NOISE), (name, item)
                assert "<b>" not in item and "<i>" not in item, (name, item)

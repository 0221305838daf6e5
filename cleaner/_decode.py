"""Stage 1: bytes to clean Unicode text.

Order of trust: a byte-order mark, then the caller's charset (an HTTP header
or WARC record), then strict UTF-8, then statistical detection. Mojibake is
repaired afterwards with ftfy, but only when the text shows its symptoms,
because ftfy costs more than the rest of the pipeline on clean pages.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Share of NUL / C0 control bytes above which input is treated as binary.
BINARY_CONTROL_RATIO = 0.10
# How much of the input the binary sniffer and charset detector look at.
SNIFF_BYTES = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of common binary formats (images, archives, PDF, executables).
_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"%PDF", b"\x7fELF", b"\x1f\x8b", b"BZh")

# Two-character sequences typical of UTF-8 read as cp1252/latin-1 ("Ã©", "â€™").
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]"
)
# A decoded character that needs a multi-byte UTF-8 sequence (proof of real UTF-8).
_UTF8_MULTIBYTE = re.compile("[\u0080-\ufffc\U00010000-\U0010ffff]")
MAX_BROKEN_UTF8 = 8
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BinaryInputError(ValueError):
    """The input is not text."""


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM shows NULs in every other byte."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, charset: str | None = None) -> Decoded:
    """Decode ``data``; raise BinaryInputError when it is not text at all."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(enc, errors="replace"), enc)
    sample = data[:SNIFF_BYTES]
    if sample.startswith(_MAGIC):
        raise BinaryInputError("input looks like a binary file (known file signature)")
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return Decoded(data.decode(utf16, errors="replace"), utf16)
    if _control_ratio(sample) > BINARY_CONTROL_RATIO:
        raise BinaryInputError("input looks binary (too many control bytes)")
    if charset:
        try:
            return Decoded(data.decode(_normalise_charset(charset), errors="replace"), charset.lower())
        except LookupError:
            pass  # unknown charset name: fall through to detection
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken bytes (truncated pages, stray bytes) stays UTF-8:
    # re-detecting the whole page would garble every other character.
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    if broken <= max(MAX_BROKEN_UTF8, len(data) // 500) and _UTF8_MULTIBYTE.search(lenient):
        return Decoded(lenient, "utf-8")
    enc = _detect(sample)
    return Decoded(data.decode(enc, errors="replace"), enc)


def _normalise_charset(name: str) -> str:
    name = name.strip().strip("\"'").lower()
    # Browsers treat latin-1 labels as windows-1252; so should we.
    return {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8"}.get(
        name, name
    )


def _detect(sample: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - declared dependency
        return "cp1252"
    best = from_bytes(sample).best()
    if best is None or not best.encoding:
        return "cp1252"
    return str(best.encoding)


def repair_text(text: str) -> str:
    """Drop NULs and stray control characters; repair mojibake with ftfy."""
    if "\x00" in text or _CONTROL.search(text):
        text = _CONTROL.sub("", text.replace("\x00", ""))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() and _MOJIBAKE.search(text):
        import ftfy

        # repair the encoding only; the author's quotes, widths and ligatures stay as written
        text = ftfy.fix_text(
            text, uncurl_quotes=False, fix_character_width=False, fix_latin_ligatures=False, normalization="NFC"
        )
    return text

"""Stage 1: bytes to clean Unicode text, for text dumps and HTML pages alike.

Order of trust for a text dump (``decode_bytes``): a byte-order mark, then the
caller's charset (an HTTP header or WARC record), then strict UTF-8, then
statistical detection. A label is checked against the bytes first
(``label_fits``): bytes that are valid UTF-8 with multi-byte sequences are
UTF-8 whatever a label says (servers that send ``charset=iso-8859-1`` by
default are the commonest liars, and legacy text is valid multi-byte UTF-8 by
chance only for a few bytes), and a UTF-16/32 label without a BOM on bytes
that read as UTF-8 is ignored. The caller's label is trusted no more than
that: it is the same kind of guess, made further away. Bytes that are mostly
UTF-8 with a few invalid bytes (a latin-1 paragraph pasted into a UTF-8 page)
are decoded piecewise: UTF-8 where valid, windows-1252 for each invalid byte
(``mixed_utf8``). Charset labels are read as browsers read them (the WHATWG
Encoding standard's label table).

An HTML page (``decode_html``) is read as browsers read it: a byte-order mark,
then the charset the transport declared, then the charset the document
declares about itself (``<meta charset>`` or ``<meta http-equiv=
"Content-Type">``, ``sniff_meta_charset``), then strict UTF-8, then detection.
A declaration is only believed when the bytes decode cleanly under it and
``label_fits`` them: a page that says UTF-8 but is really windows-1252 is
common, and detection reads it better than replacement characters would; a
page that says shift_jis but is valid multi-byte UTF-8 is UTF-8. Bytes that
are mostly UTF-8 with a few latin-1 bytes are decoded piecewise before any
label is tried. A document's own label is read as HTML reads it
(``html_codec``): it cannot declare itself UTF-16.

Mojibake is repaired afterwards with ftfy (``repair_text``), but only when the
text shows its symptoms, because ftfy costs more than the rest of the pipeline
on clean pages. Gzip-compressed bytes are decompressed first (``gunzip``),
never beyond the size limit.
"""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import webencodings  # type: ignore[import-untyped]

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
# Invalid bytes allowed per this many bytes for a page to count as UTF-8 with a few stray bytes.
BROKEN_UTF8_PER = 500
# Form feed, vertical tab and the Unicode line and paragraph separators end a line
# (a dump's page break between sentences); deleting them glued words ("Monday.Second").
# U+0085 is not among them: it is windows-1252's ellipsis read as latin-1 (or "&#133;"),
# which browsers show as "…", and the C1 table below does the same.
_LINE_BREAK = re.compile("[\x0b\x0c\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Bidirectional formatting characters (embeddings, overrides, isolates) reorder what a
# reader sees ("Trojan Source"); in extracted text they only ever hide or disguise text.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_MIXED_ERRORS = "cleaner-cp1252"
# C1 controls (U+0080-U+009F) are never text: they are windows-1252 bytes that a
# latin-1 (or ISO-8859-n) decoder, or a numeric reference like "&#150;", let through.
_C1 = re.compile("[\x80-\x9f]")
# The characters of those classes, for presence tests: ``ch in text`` runs at memchr's
# pace, tens of times faster than a regex trying a class at every character.
_CONTROL_CHARS = "".join(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]))
_LINE_BREAK_CHARS = "\x0b\x0c\u2028\u2029"
_BIDI_CHARS = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
# everything the first four steps of repair_text act on
_EARLY_CHARS = _CONTROL_CHARS + _LINE_BREAK_CHARS + _BIDI_CHARS + "\r"
_C1_CHARS = "".join(map(chr, range(0x80, 0xA0)))
_MOJIBAKE_LEADS = "".join(map(chr, range(0xC2, 0xF5)))
_MOJIBAKE_SECONDS = (
    "".join(map(chr, range(0x80, 0xC0)))
    + "".join(map(chr, range(0x2018, 0x203B)))
    + ("\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc")
)


def _has_any(text: str, chars: str) -> bool:
    """Whether ``text`` holds any of ``chars`` (what a search for their class answers)."""
    return any(map(text.__contains__, chars))


GZIP_MAGIC = b"\x1f\x8b"
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # zlib reads the gzip header and trailer itself
GZIP_STEP = 64 * 1024  # input fed to zlib, and output taken from it, per call
# Labels cleaner reads differently from the WHATWG table, by mode. In a text dump an
# "ascii" label is usually a UTF-8 file that was never checked, so UTF-8 reads it
# best; WHATWG (browsers) read it as windows-1252.
_TEXT_LABELS = {"us-ascii": "utf-8", "ascii": "utf-8"}


class BinaryInputError(ValueError):
    """The input is not text."""


class DecompressedTooLargeError(ValueError):
    """Gzip-compressed input that decompresses to more than the size limit."""


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def _utf32_without_bom(sample: bytes) -> str | None:
    """UTF-32 text without a BOM: three NULs in every four bytes, the fourth (the character) rarely NUL."""
    if len(sample) < 8 or len(sample) % 4:
        return None
    lanes = [sample[i::4] for i in range(4)]
    zeros = [lane.count(0) / len(lane) for lane in lanes]
    if zeros[0] < 0.05 and min(zeros[1:]) > 0.95:
        return "utf-32-le"
    if zeros[3] < 0.05 and min(zeros[:3]) > 0.95:
        return "utf-32-be"
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM shows NULs in every other byte (UTF-32 in three of four)."""
    if len(sample) < 4:
        return None
    utf32 = _utf32_without_bom(sample[: len(sample) - len(sample) % 4])
    if utf32:
        return utf32
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def gunzip(data: bytes, limit: int | None) -> bytes:
    """Decompress gzip ``data`` (every member), never holding more than ``limit + 1`` bytes of output.

    zlib is fed the input a step at a time and asked for at most a step of
    output each call, so a gzip bomb costs ``limit`` bytes of memory, not its
    decompressed size, and no call copies more than a step of input. Raises
    DecompressedTooLargeError beyond ``limit`` and BinaryInputError when the
    stream is corrupt or cut short.
    """
    pieces: list[bytes] = []
    size = 0
    view = memoryview(data)
    given = 0  # input bytes handed to zlib so far
    tail: bytes | memoryview = b""  # input handed over but not used yet
    inflater = zlib.decompressobj(_GZIP_WBITS)
    try:
        while True:
            if not tail:
                tail = view[given : given + GZIP_STEP]
                given += len(tail)
            room = GZIP_STEP if limit is None else min(GZIP_STEP, limit + 1 - size)
            piece = inflater.decompress(tail, room)
            pieces.append(piece)
            size += len(piece)
            if limit is not None and size > limit:
                raise DecompressedTooLargeError(f"gzip input decompresses to more than max_bytes={limit}")
            if inflater.eof:
                # concatenated members are one file (gzip(1) reads them so); what follows the
                # last member, if not another member, is padding that gzip(1) ignores too
                given -= len(inflater.unused_data)
                if view[given : given + len(GZIP_MAGIC)] != GZIP_MAGIC:
                    break
                inflater, tail = zlib.decompressobj(_GZIP_WBITS), b""
                continue
            tail = inflater.unconsumed_tail
            if not tail and len(piece) < room and given >= len(view):
                break  # every byte read, no output held back, and no end of stream
    except zlib.error as exc:
        raise BinaryInputError(f"input looks like gzip but does not decompress: {exc}") from None
    if not inflater.eof:
        raise BinaryInputError("input looks like gzip but the compressed stream is cut short")
    return b"".join(pieces)


@lru_cache(maxsize=256)
def charset_codec(label: str) -> str | None:
    """The Python codec for a charset label, or None when the label names no text encoding.

    Labels are read as browsers read them (WHATWG Encoding): ``iso-8859-1``
    and ``latin1`` are windows-1252, ``iso-8859-9`` windows-1254,
    ``tis-620`` windows-874, ``gb2312`` GBK, each a superset whose extra
    characters (the euro sign, curly quotes) real pages use. A label the
    standard does not know is tried as a Python codec name (``cp437``); the
    standard's "replacement" encoding, and codecs that are not text
    encodings (``rot13``, ``base64``), count as unknown.
    """
    name = label.strip().strip("\"'").strip().lower()
    encoding = webencodings.lookup(name)
    if encoding is not None:
        name = encoding.codec_info.name
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a label with a NUL in it
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


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
    codec = _text_codec(charset) if charset else None
    if codec and label_fits(data, codec):
        try:
            return Decoded(data.decode(codec, errors="replace"), codec)
        except (LookupError, ValueError):
            pass  # a codec that cannot decode bytes at all (idna, undefined): fall through to detection
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken bytes (truncated pages, stray bytes, a latin-1 paragraph)
    # stays UTF-8: re-detecting the whole page would garble every other character.
    mixed = mixed_utf8(data)
    if mixed is not None:
        return Decoded(mixed, "utf-8")
    enc = _detect(sample)
    return Decoded(data.decode(enc, errors="replace"), enc)


def _is_unicode_codec(codec: str) -> bool:
    return codecs.lookup(codec).name.startswith(("utf-16", "utf-32"))


def label_fits(data: bytes, codec: str) -> bool:
    """Whether a charset label's ``codec`` may be believed for ``data`` (no BOM; see the module doc)."""
    if codec == "utf-8" or (data.isascii() and not _is_unicode_codec(codec)):
        return True  # ASCII reads the same in every ASCII-compatible codec (and 7-bit ISO-2022 needs its label)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False  # valid UTF-8 (multi-byte, or ASCII under a UTF-16/32 label): UTF-8 it is


def mixed_utf8(data: bytes, *, strict: bool = False) -> str | None:
    """``data`` decoded as UTF-8 with each invalid byte read as windows-1252, when it is mostly UTF-8.

    Mostly UTF-8: it has valid multi-byte sequences and no more invalid
    sequences than those (a windows-1252 page makes valid pairs only by chance),
    or, unless ``strict``, a few invalid sequences at most (a page cut short).
    None otherwise.
    """
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    multibyte = len(_UTF8_MULTIBYTE.findall(lenient))
    if not multibyte:
        return None
    few = broken <= max(MAX_BROKEN_UTF8, len(data) // BROKEN_UTF8_PER)
    if broken > multibyte and (strict or not few):
        return None
    return data.decode("utf-8", errors=_MIXED_ERRORS)


def _as_cp1252(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the invalid bytes as windows-1252 (its five undefined bytes dropped)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="ignore"), error.end


codecs.register_error(_MIXED_ERRORS, _as_cp1252)


def _text_codec(label: str) -> str | None:
    name = label.strip().strip("\"'").strip().lower()
    return _TEXT_LABELS.get(name) or charset_codec(name)


def _detect(sample: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - declared dependency
        return "cp1252"
    best = from_bytes(sample).best()
    if best is None or not best.encoding:
        return "cp1252"
    return str(best.encoding)


# --- HTML pages: the document's own charset declaration counts too ---

# The HTML standard prescans the first 1024 bytes; real pages often put the
# meta tag after long comments or scripts, so look a little further.
PRESCAN_BYTES = 8192
DETECT_BYTES = 64 * 1024
# Chaos scores closer than this are a tie (see detect_charset).
CHAOS_TIE = 0.02

_META_CHARSET = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.()+-]{2,40})""",
    re.IGNORECASE,
)
# The BOMs an HTML page is decoded by before anything else (a UTF-32-LE BOM starts like UTF-16-LE's).
_HTML_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Labels read differently from the WHATWG table (which ``charset_codec`` follows for the
# rest): a document cannot declare itself UTF-16 from inside its own bytes (whatever it
# decoded as, the declaration was read as ASCII), and Python has no x-user-defined codec.
_HTML_LABELS = {
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "x-user-defined": "cp1252",
}
# What a document's UTF-16/32 label means (any spelling Python knows: utf16, u16, utf_32).
_UNICODE_PREFIXES = ("utf-16", "utf-32")


def html_codec(label: str) -> str | None:
    """The Python codec an HTML document's charset label stands for, or None when unknown."""
    name = label.strip().strip("\"'").strip().lower()
    codec = _HTML_LABELS.get(name) or charset_codec(name)
    # a BOM would have been seen first; a document read far enough to find its label is not UTF-16/32
    return "utf-8" if codec and codec.startswith(_UNICODE_PREFIXES) else codec


def _transport_codec(label: str) -> str | None:
    """A transport label's codec: UTF-16/32 allowed (the body may really be UTF-16)."""
    name = label.strip().strip("\"'").strip().lower()
    return _HTML_LABELS.get(name) if name in ("x-user-defined",) else charset_codec(name)


def sniff_meta_charset(data: bytes) -> str | None:
    """The codec of the charset a document declares in its first bytes, or None."""
    m = _META_CHARSET.search(data[:PRESCAN_BYTES])
    if m is None:
        return None
    return html_codec(m.group(1).decode("ascii", "replace"))


def _decodes_cleanly(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (LookupError, ValueError):  # UnicodeDecodeError is a ValueError
        return False
    return True


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode an HTML document; raises BinaryInputError for non-text input."""
    if data.startswith(_HTML_BOMS):
        return decode_bytes(data).text
    valid = _decodes_cleanly(data, "utf-8")
    # mostly UTF-8 (more valid multi-byte characters than invalid bytes) under a legacy label: a
    # latin-1 paragraph pasted into a UTF-8 page, whatever the page (or server) says
    mixed = None if valid or data.isascii() else mixed_utf8(data, strict=True)
    if mixed is not None:
        decode_bytes(data[:DETECT_BYTES])  # the binary checks
        return mixed
    for codec in (_transport_codec(charset) if charset else None, sniff_meta_charset(data)):
        if codec and label_fits(data, codec) and _decodes_cleanly(data, codec):
            return decode_bytes(data, codec).text
    # Declarations absent or wrong: strict UTF-8, mostly UTF-8, then detection (and the binary checks).
    if valid:
        return decode_bytes(data).text
    mixed = mixed_utf8(data)
    if mixed is not None:
        decode_bytes(data[:DETECT_BYTES])  # the binary checks
        return mixed
    return decode_bytes(data, detect_charset(data[:DETECT_BYTES])).text


def detect_charset(sample: bytes) -> str | None:
    """The legacy charset that reads ``sample`` best.

    charset_normalizer ranks candidates by "chaos" (odd character sequences)
    alone, and on a short page several single-byte charsets tie within noise
    (windows-1252 vs -1257 differ only in a few accented letters). Among the
    near-ties the candidate whose letters fit a language best (coherence) wins.
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    close = [m for m in matches if m.chaos <= least + CHAOS_TIE]
    return str(max(close, key=lambda m: m.coherence).encoding)


# --- Repair: what decoding cannot fix ---


def _c1_table() -> dict[int, str | None]:
    """Each C1 control to its windows-1252 character, as browsers show it; the five
    code points windows-1252 leaves undefined are deleted (they stand for nothing)."""
    table: dict[int, str | None] = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            table[code] = None
    return table


_C1_TO_CP1252 = _c1_table()


def repair_text(text: str) -> str:
    """Drop NULs, stray control and bidi formatting characters; repair mojibake with ftfy; never leave a C1 control.

    Form feed, vertical tab and U+2028/U+2029 become line breaks.
    """
    if _has_any(text, _EARLY_CHARS):
        if _CONTROL.search(text):
            text = _CONTROL.sub("", text)
        if _LINE_BREAK.search(text):
            text = _LINE_BREAK.sub("\n", text)
        if _BIDI.search(text):
            text = _BIDI.sub("", text)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        return text
    if _has_any(text, _MOJIBAKE_LEADS) and _has_any(text, _MOJIBAKE_SECONDS) and _MOJIBAKE.search(text):
        import ftfy

        # repair the encoding only; the author's quotes, widths and ligatures stay as written
        text = ftfy.fix_text(
            text, uncurl_quotes=False, fix_character_width=False, fix_latin_ligatures=False, normalization="NFC"
        )
    # after ftfy, which reads C1 controls inside mojibake ("Ã\x89") as the bytes they were
    if _has_any(text, _C1_CHARS):
        text = text.translate(_C1_TO_CP1252)
    return text

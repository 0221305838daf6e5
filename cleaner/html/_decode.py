"""Bytes of an HTML document to text.

Order of trust, as browsers do it: a byte-order mark, then the charset the
transport declared (HTTP ``Content-Type``, a WARC record), then the charset
the document declares about itself (``<meta charset>`` or
``<meta http-equiv="Content-Type">``), then strict UTF-8, then statistical
detection. A declaration is only believed when the bytes decode cleanly
under it and ``label_fits`` them: a page that says UTF-8 but is really
windows-1252 is common, and detection reads it better than replacement
characters would; a page that says shift_jis but is valid multi-byte UTF-8
is UTF-8. Bytes that are mostly UTF-8 with a few latin-1 bytes are decoded
piecewise before any label is tried (``mixed_utf8``). Labels map to
decoders through the WHATWG Encoding standard's table, as in browsers.
"""

from __future__ import annotations

import codecs
import re

from .._decode import charset_codec, decode_bytes, label_fits, mixed_utf8

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
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
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
    if data.startswith(_BOMS):
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

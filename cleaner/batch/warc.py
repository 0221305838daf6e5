"""A bounded WARC record splitter: cut a stream into records we can trust.

warcio trusts each record's Content-Length: a wrong one swallows the records
after it, or makes the next record's headers part of this one's text, and
garbage between records ends the file. Here the stream is cut by hand, and a
record is accepted only when its block ends where a blank line and the next
``WARC/`` header (or the end of the stream) begin. A record that does not is
reported as a :class:`Broken` piece with its offset and why, and reading
resynchronises on the next line that starts with ``WARC/1.``. warcio then
parses each accepted record alone.

Memory is bounded: header lines, headers and the block kept in memory all
have limits; a block above its limit is read through in chunks and only its
head is kept. Offsets count bytes of the (gunzipped) stream.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from .document import describe

MAX_HEADER_LINE = 64 * 1024  # one WARC header line (long target URIs fit)
MAX_HEADER_BYTES = 1024 * 1024  # a record's WARC headers, all lines
HEAD_BYTES = 256 * 1024  # kept of an oversized block: HTTP headers and the first bytes, for the filter
CHUNK = 1024 * 1024  # read size when passing over bytes
MAX_LENGTH_DIGITS = 18  # a Content-Length beyond 10**18 bytes is not one
MAX_TRAILER_LINES = 1024  # blank lines looked at after a block; the rest are passed over as usual
_VERSION_LINE = re.compile(rb"WARC/\d+\.\d+\r?\n")
_RESYNC_PREFIX = b"WARC/1."  # a line starting with this is taken as the next record's start
_BLANK = (b"\r\n", b"\n")
_TRAILER_LINES = 2  # a record's block ends with CRLF CRLF
_END_OF_RECORD = b"\r\n\r\n"
_EMBEDDED_HEADER = re.compile(rb"\n\r?\nWARC/\d+\.\d+\r?\n")  # a record starting inside a block

# What reading a broken stream raises, besides OSError (BadGzipFile): a cut-off gzip, bad data.
READ_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error)


@dataclass(frozen=True, slots=True)
class Piece:
    """One record read whole: ``raw`` is its headers, block (cut to ``HEAD_BYTES``
    when ``oversized``) and end of record, a complete record for warcio."""

    offset: int
    raw: bytes
    oversized: bool = False


@dataclass(frozen=True, slots=True)
class Broken:
    """Bytes at ``offset`` that are not a sound record; ``error`` says why and how far they went."""

    offset: int
    error: str


class _Source:
    """A binary stream with push-back and a byte offset."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream, self._pending, self.pos = stream, bytearray(), 0
        self._error: Exception | None = None  # a read error is raised again by every later read

    def _checked(self, read: Callable[[int], bytes], size: int) -> bytes:
        if self._error is not None:
            raise self._error
        try:
            return read(size)
        except READ_ERRORS as exc:
            self._error = exc
            raise

    def readline(self, limit: int) -> bytes:
        if self._pending:
            newline = self._pending.find(b"\n", 0, limit)
            end = newline + 1 if newline >= 0 else min(limit, len(self._pending))
            line = bytes(self._pending[:end])
            del self._pending[:end]
            if newline < 0 and len(line) < limit:
                line += self._checked(self._stream.readline, limit - len(line))
        else:
            line = self._checked(self._stream.readline, limit)
        self.pos += len(line)
        return line

    def read(self, size: int) -> bytes:
        parts: list[bytes] = []
        if self._pending:
            parts.append(bytes(self._pending[:size]))
            del self._pending[:size]
        got = len(parts[0]) if parts else 0
        while got < size:
            # In chunks: a bogus Content-Length must not size one allocation.
            data = self._checked(self._stream.read, min(CHUNK, size - got))
            if not data:
                break
            parts.append(data)
            got += len(data)
        data = b"".join(parts)
        self.pos += len(data)
        return data

    def unread(self, data: bytes) -> None:
        self._pending[:0] = data
        self.pos -= len(data)


class _Bad(Exception):
    """The record being read is broken; ``str()`` says why."""


def split(stream: IO[bytes], max_block: int | None) -> Iterator[Piece | Broken]:
    """The records of a WARC stream in order, and a :class:`Broken` for each bad stretch.

    ``max_block`` caps the block bytes kept in memory (None: no cap). A read
    error of the stream itself (a cut-off gzip) ends it with a last Broken piece.
    """
    source = _Source(stream)
    start = 0
    try:
        while True:
            start = source.pos
            piece = _next(source, max_block)
            if piece is None:
                return
            yield piece
    except READ_ERRORS as exc:  # nothing after a bad gzip stretch can be read
        yield Broken(start, f"offset {start}: cannot read the stream: {describe(exc)}")


def _next(source: _Source, max_block: int | None) -> Piece | Broken | None:
    line = _skip_blank_lines(source)
    if not line:
        return None
    start = source.pos - len(line)
    if not _VERSION_LINE.fullmatch(line):
        return _resync(source, start, "not a WARC record header", at_line_start=line.endswith(b"\n"))
    try:
        return _record(source, start, line, max_block)
    except _Bad as exc:
        return _resync(source, start, str(exc), at_line_start=True)


def _skip_blank_lines(source: _Source) -> bytes:
    line = source.readline(MAX_HEADER_LINE)
    while line in _BLANK:
        line = source.readline(MAX_HEADER_LINE)
    return line


def _record(source: _Source, start: int, version: bytes, max_block: int | None) -> Piece:
    headers = _headers(source, version)
    length = _content_length(headers)
    keep = length if max_block is None else min(length, max_block)
    block = source.read(keep)
    if len(block) < keep:
        source.unread(block)
        raise _Bad(f"stream ends inside the record: Content-Length {length}, {len(block)} bytes left")
    oversized = keep < length
    if oversized:
        _pass_over(source, length - keep)
        block = block[:HEAD_BYTES]
    if not _ends_cleanly(source, None if oversized else block):
        if not oversized:
            source.unread(block)  # the records it swallowed are found again by resynchronising
        raise _Bad(f"Content-Length {length} does not end the record: no WARC header follows its block")
    return Piece(start, b"".join((headers, block, _END_OF_RECORD)), oversized)


def _headers(source: _Source, version: bytes) -> bytes:
    lines = [version]
    size = len(version)
    while True:
        line = source.readline(MAX_HEADER_LINE)
        size += len(line)
        if not line:
            raise _Bad("stream ends inside the WARC headers")
        if not line.endswith(b"\n"):
            raise _Bad(f"WARC header line above {MAX_HEADER_LINE} bytes")
        if size > MAX_HEADER_BYTES:
            raise _Bad(f"WARC headers above {MAX_HEADER_BYTES} bytes")
        lines.append(line)
        if line in _BLANK:
            return b"".join(lines)


def _content_length(headers: bytes) -> int:
    for line in headers.split(b"\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"content-length":
            digits = value.strip()
            # ASCII digits only (no sign, no underscores), and few: int() refuses thousands of them.
            if digits.isdigit() and len(digits) <= MAX_LENGTH_DIGITS:
                return int(digits)
            break
    raise _Bad("no valid Content-Length header")


def _pass_over(source: _Source, size: int) -> None:
    """Read ``size`` bytes without keeping them; a short stream is a broken record."""
    left = size
    while left:
        data = source.read(min(CHUNK, left))
        if not data:
            raise _Bad(f"stream ends inside the record: {left} of its Content-Length bytes missing")
        left -= len(data)


def _ends_cleanly(source: _Source, block: bytes | None) -> bool:
    """Whether the record really ends after ``block`` (None: an oversized block, not kept).

    It does when blank lines, then a WARC header or the end of the stream
    follow. The standard asks for two CRLFs; any run of blank lines is taken
    (writers differ). When something else follows (garbage, reported on its
    own) the two blank lines must be there and the block must not hold a
    WARC header itself: a Content-Length too large swallows the next record.
    """
    seen: list[bytes] = []
    try:
        line = source.readline(MAX_HEADER_LINE)
        seen.append(line)
        while line in _BLANK and len(seen) <= MAX_TRAILER_LINES:
            line = source.readline(MAX_HEADER_LINE)
            seen.append(line)
    except READ_ERRORS:  # the record is whole; the stream breaks after it, and the next read says so
        line = b""
    source.unread(b"".join(seen))
    if not line or line.startswith(b"WARC/"):
        return True
    blank_lines = len(seen) - 1
    return blank_lines >= _TRAILER_LINES and (block is None or _EMBEDDED_HEADER.search(block) is None)


def _resync(source: _Source, start: int, why: str, *, at_line_start: bool) -> Broken:
    """Pass over lines up to the next one starting with ``WARC/1.``; a Broken piece for them.

    The caller has read at least one line of the bad stretch, so this always moves on.
    """
    while True:
        line = source.readline(CHUNK)
        if not line:
            return Broken(start, f"offset {start}: {why}; {source.pos - start} bytes passed over to the end")
        if at_line_start and line.startswith(_RESYNC_PREFIX):
            source.unread(line)
            resumed = source.pos
            return Broken(start, f"offset {start}: {why}; {resumed - start} bytes passed over to offset {resumed}")
        at_line_start = line.endswith(b"\n")

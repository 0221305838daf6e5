"""Readers: turn command-line inputs into a stream of :class:`Document`.

A reader stands for one input file (or stdin) and yields its documents: one
for an HTML or text page, one per record for WARC and JSONL. Readers never
raise on bad content; a broken record becomes a Document with ``error`` set,
so the runner reports it and goes on. A WARC record that is not a page (an
image, a 404, a request record) becomes a Document with ``skip`` set.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .._decode import GZIP_MAGIC
from .._model import STATUS_TOO_LARGE, Mode
from .document import Document, describe
from .warc import READ_ERRORS, Broken, Piece, split

HTML_EXTS = frozenset({".html", ".htm", ".xhtml"})
TEXT_EXTS = frozenset({".txt"})
GZIP_EXTS = frozenset({".gz", ".gzip"})
TMP_SUFFIX = ".cleaner-tmp"  # temporary files of atomic writes end with this
REPORT_NAME = "_report.jsonl"  # the run report's default name in -o DIR; never read as an input
# One place for the hint: the extra's name is the packaging's business, not the readers'.
WARC_INSTALL_HINT = "pip install 'cleaner-web[warc]'"
INPUT_FORMATS = ("auto", "html", "text", "jsonl", "warc")
SNIFF_BYTES = 64 * 1024  # enough to see a WARC header or the first JSONL line of most dumps
# A JSONL line may be this much longer than max_bytes: the JSON syntax, the id, url and other fields.
JSONL_LINE_OVERHEAD = 64 * 1024
# WARC: a record's block is its HTTP headers and the payload; this much of it is allowed for the headers.
WARC_HTTP_HEADERS_ALLOWANCE = 64 * 1024
REPLACEMENT = "\ufffd"
_SURROGATES = re.compile("[\ud800-\udfff]")
# A JSON line that may hold a lone surrogate: a \uD800-\uDFFF escape, or one encoded raw (json takes it).
_SURROGATE_HINT = re.compile(rb"\\[uU][dD][89a-fA-F]|\xed[\xa0-\xbf]")


def printable(text: str) -> str:
    """``text`` with lone surrogates (from file names that are not UTF-8, from JSON
    escapes) replaced by U+FFFD, so that every writer can encode it."""
    return _SURROGATES.sub(REPLACEMENT, text)


class InputError(ValueError):
    """A command-line input does not exist or cannot be used."""


def strip_ext(name: str) -> str:
    """``page.html.gz`` -> ``page``; ``news.2024.html`` -> ``news.2024``."""
    stem, ext = os.path.splitext(name)
    if ext.lower() in GZIP_EXTS:
        stem, ext = os.path.splitext(stem)
    if ext.lower() == ".warc" and stem.lower().endswith(".arc"):
        stem = stem[:-4]
    return stem or name


def kind_of(path: str | Path) -> str | None:
    """ "html", "text", "warc", "jsonl" by extension (gzip allowed), else None."""
    name = str(path).lower()
    for gz in GZIP_EXTS:
        name = name.removesuffix(gz)
    ext = os.path.splitext(name)[1]
    if ext in HTML_EXTS:
        return "html"
    if ext in TEXT_EXTS:
        return "text"
    if ext in (".warc", ".arc"):
        return "warc"
    if ext in (".jsonl", ".ndjson"):
        return "jsonl"
    return None


def is_gzip(path: str | Path) -> bool:
    return os.path.splitext(str(path))[1].lower() in GZIP_EXTS


def require_warcio() -> None:
    """Raise InputError with the install hint when warcio is not installed."""
    try:
        import warcio  # noqa: F401
    except ModuleNotFoundError:
        raise InputError(f"reading WARC files needs warcio: {WARC_INSTALL_HINT}") from None


# -- sniffing ------------------------------------------------------------------


class _Replay(io.RawIOBase):
    """A stream that gives back ``head`` (already read for sniffing), then the rest of ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _peek(stream: IO[bytes]) -> tuple[bytes, IO[bytes]]:
    head = stream.read(SNIFF_BYTES)
    return head, io.BufferedReader(_Replay(head, stream))


def sniff_kind(head: bytes) -> str:
    """ "warc", "jsonl" or "page" from the first bytes of a (gunzipped) input."""
    if head.startswith(b"WARC/"):
        return "warc"
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        first, newline, _ = stripped.partition(b"\n")
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except RecursionError:  # a JSON object nested too deep: JSONL, whose reader reports that line
            return "jsonl"
        except ValueError:
            # A first line longer than the sniffed bytes (a big HTML field) cannot be parsed yet.
            if not newline and stripped.startswith(b'{"'):
                return "jsonl"
    return "page"


def open_sniffed(stream: IO[bytes]) -> tuple[str, IO[bytes]]:
    """The kind of ``stream`` and a stream of its (gunzipped) bytes from the start.

    Gzip is undone on the fly (a multi-member gzip WARC reads as one plain
    WARC), so memory stays bounded whatever the input's size.
    """
    head, stream = _peek(stream)
    if head.startswith(GZIP_MAGIC):
        head, stream = _peek(gzip.GzipFile(fileobj=stream, mode="rb"))  # type: ignore[arg-type]
    return sniff_kind(head), stream


# -- readers -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JsonlFields:
    """Field names read from JSONL records."""

    text: str = "text"
    html: str = "html"
    url: str = "url"
    id: str = "id"


DEFAULT_WARC_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})


@dataclass(frozen=True, slots=True)
class WarcFilter:
    """Which WARC records are pages: ``content_types`` None takes every type;
    ``all_statuses`` also takes non-2xx HTTP responses."""

    content_types: frozenset[str] | None = DEFAULT_WARC_TYPES
    all_statuses: bool = False

    def reason(self, record: Any, content_type: str | None, head: bytes) -> str | None:
        """Why ``record`` is skipped (None: it is a page to clean)."""
        status = _http_status(record)
        if status is not None and not self.all_statuses and not 200 <= status < 300:
            return f"HTTP {status}"
        if self.content_types is None:
            return None
        if content_type is None:  # no header: look at the bytes
            return None if _looks_like_text(head) else "binary content without Content-Type"
        mime = content_type.split(";")[0].strip().lower()
        return None if mime in self.content_types else f"content-type {mime or '(empty)'}"


def _http_status(record: Any) -> int | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", GZIP_MAGIC, b"RIFF", b"\x00\x00\x01\x00")


def _looks_like_text(head: bytes) -> bool:
    return not head.startswith(_BINARY_MAGIC) and b"\x00" not in head[:1024]


class Reader:
    """Base class: one input, yielding its documents in order.

    Slotted: a run over a million files holds a million readers.
    """

    __slots__ = ("id", "path", "rel")

    #: documents this reader yields when known in advance (progress total)
    count: int | None = None

    def __init__(self, path: str, id: str, rel: str) -> None:
        # ``path`` opens the file and ``rel`` names its outputs: a name that is not UTF-8
        # keeps its surrogate escapes there, so outputs mirror the input's bytes. The id
        # and the shown path go into records and reports: they are encodable.
        self.path, self.id, self.rel = path, printable(id), rel

    @property
    def shown(self) -> str:
        """The path as reports and records show it: encodable text."""
        return printable(self.path)

    def read(self) -> Iterator[Document]:
        raise NotImplementedError

    def failed(self, id: str, rel: str, error: str, status: str = "error", path: str | None = None) -> Document:
        return Document(id=id, path=path or self.shown, rel=rel, error=error, fail_status=status)

    def no_records(self) -> Document:
        """The one row of a container without a single record: the input is accounted for."""
        return Document(self.id, self.shown, self.rel, skip="no records in the input")


class ErrorReader(Reader):
    """An input that could not be opened at all (a locked folder): one failed document."""

    __slots__ = ("error",)
    count = 1

    def __init__(self, path: str, id: str, rel: str, error: str) -> None:
        super().__init__(path, id, rel)
        self.error = error

    def read(self) -> Iterator[Document]:
        yield self.failed(self.id, self.rel, self.error)


class SkippedReader(Reader):
    """An input found but not read, with the reason (a symlink in a folder): one skipped document."""

    __slots__ = ("reason",)
    count = 1

    def __init__(self, path: str, id: str, rel: str, reason: str) -> None:
        super().__init__(path, id, rel)
        self.reason = reason

    def read(self) -> Iterator[Document]:
        yield Document(self.id, self.shown, self.rel, skip=self.reason)


class FileReader(Reader):
    """One HTML or text page (possibly gzipped); the worker loads the bytes."""

    __slots__ = ("mode", "url")
    count = 1

    def __init__(self, path: str, id: str, rel: str, *, mode: Mode | None, url: str | None = None) -> None:
        super().__init__(path, id, rel)
        self.mode, self.url = mode, url

    def read(self) -> Iterator[Document]:
        yield Document(self.id, self.shown, self.rel, source=Path(self.path), url=self.url, mode=self.mode)


Opener = Callable[[], AbstractContextManager[IO[bytes]]]


class ContainerReader(Reader):
    """A file holding many documents (WARC, JSONL); ``max_bytes`` caps one record.

    ``opener`` gives the bytes when they do not come from ``path`` (stdin).
    """

    __slots__ = ("max_bytes", "mode", "opener", "reached")

    def __init__(
        self, path: str, id: str, rel: str, *, mode: Mode | None, max_bytes: int | None, opener: Opener | None = None
    ) -> None:
        super().__init__(path, id, rel)
        self.mode, self.max_bytes, self.opener = mode, max_bytes, opener
        self.reached = 0  # the number of the last record (line) read; records() keeps it

    def read(self) -> Iterator[Document]:
        try:
            yield from self.records()
        except Exception as exc:  # a truncated or corrupt container: report it, stop this file
            yield self.failed_record(self.reached + 1, f"cannot read {self.shown}: {describe(exc)}")

    def record_path(self, n: int) -> str:
        """How reports show record ``n``: each record has its own path (reports merge by path)."""
        raise NotImplementedError

    def failed_record(self, n: int, error: str, status: str = "error", id: str | None = None) -> Document:
        rel, path = f"{self.rel}/{n}", self.record_path(n)
        return self.failed(id or f"{self.id}/{n}", rel, error, status, path=path)

    def open(self) -> AbstractContextManager[IO[bytes]]:
        """The input's bytes, gunzipped when the name or the first bytes say gzip."""
        if self.opener is not None:
            return self.opener()
        if is_gzip(self.path) or _has_gzip_magic(self.path):
            return gzip.GzipFile(self.path, "rb")  # type: ignore[return-value]  # a binary file object
        return open(self.path, "rb")

    def records(self) -> Iterator[Document]:
        raise NotImplementedError

    def oversized(self, data: bytes | str) -> bool:
        return self.max_bytes is not None and len(data) > self.max_bytes


# Input fields that become the record's own (text, id, url) are not passed through.
PASSTHROUGH_KEY = "input"  # record key for input fields that collide with the record's own


class JsonlReader(ContainerReader):
    """One document per JSON line, with html or text, url and id fields.

    The line's other fields go with the document (``Document.extra``) and
    come out in its record, see :func:`~.formats.record`.
    """

    __slots__ = ("fields",)

    def __init__(
        self,
        path: str,
        id: str,
        rel: str,
        *,
        mode: Mode | None,
        max_bytes: int | None,
        fields: JsonlFields,
        opener: Opener | None = None,
    ) -> None:
        super().__init__(path, id, rel, mode=mode, max_bytes=max_bytes, opener=opener)
        self.fields = fields

    def records(self) -> Iterator[Document]:
        limit = None if self.max_bytes is None else self.max_bytes + JSONL_LINE_OVERHEAD
        empty = True
        with self.open() as fh:
            for lineno, line, whole in _lines(fh, limit):
                self.reached = lineno
                if whole and not line.strip():
                    continue  # blank lines are not records
                empty = False
                yield self.parse(line, lineno) if whole else self.too_long(lineno)
        if empty:
            yield self.no_records()

    def too_long(self, lineno: int) -> Document:
        limit = f"max_bytes={self.max_bytes} + {JSONL_LINE_OVERHEAD} bytes for the JSON"
        error = f"line {lineno}: longer than {limit}; not parsed"
        return self.failed_record(lineno, error, STATUS_TOO_LARGE)

    def record_path(self, n: int) -> str:
        return f"{self.shown}:{n}"

    def parse(self, line: bytes, lineno: int) -> Document:
        try:
            record = _load_json(line)
        except (ValueError, RecursionError) as exc:  # each line has its own outcome; the file goes on
            return self.failed_record(lineno, f"line {lineno}: invalid JSON ({describe(exc)})")
        if not isinstance(record, dict):
            return self.failed_record(lineno, f"line {lineno}: not a JSON object")
        id = str(record[self.fields.id]) if record.get(self.fields.id) is not None else None
        data, mode = self.content(record)
        if data is None:
            error = f"line {lineno}: no string field {self.fields.html!r} or {self.fields.text!r}"
            return self.failed_record(lineno, error, id=id)
        if self.oversized(data):
            error = f"line {lineno}: above max_bytes={self.max_bytes}"
            return self.failed_record(lineno, error, STATUS_TOO_LARGE, id=id)
        url = record_url(record, self.fields.url)
        doc_id, rel, doc_path = id or f"{self.id}/{lineno}", f"{self.rel}/{lineno}", self.record_path(lineno)
        doc = Document(doc_id, doc_path, rel, data=data, url=url, mode=mode)
        doc.extra = with_crawl_date(self.extra(record), record, id) or None
        return doc

    def content(self, record: dict[str, Any]) -> tuple[str | None, Mode | None]:
        """The text to clean and its mode: ``html`` is HTML; ``text`` is sniffed (datatrove
        keeps a page's raw HTML there), unless --mode forced one."""
        html, text = record.get(self.fields.html), record.get(self.fields.text)
        if isinstance(html, str):
            return html, self.mode or "html"
        if isinstance(text, str):
            return text, self.mode or "auto"
        return None, None

    def extra(self, record: dict[str, Any]) -> dict[str, Any]:
        """The fields cleaner does not consume: the one read as content, the id and the url.

        A text field left unread (the line had html too) is kept: nothing is lost. A url
        found under ``metadata`` stays there: the input's metadata goes through whole.
        """
        consumed = {self.fields.id, self.fields.url}
        consumed.add(self.fields.html if isinstance(record.get(self.fields.html), str) else self.fields.text)
        return {k: v for k, v in record.items() if k not in consumed}


WARC_DATE_KEY = "warc_date"  # the crawl date (WARC-Date); not ``date``, which is the article's


def record_url(record: dict[str, Any], field: str) -> str | None:
    """The url field at the top level, else under ``metadata`` (datatrove keeps it there)."""
    url = record.get(field)
    if url is None and isinstance(record.get("metadata"), dict):
        url = record["metadata"].get(field)
    return url if isinstance(url, str) else None


def is_warc_record_id(id: str | None) -> bool:
    """``<urn:uuid:...>``: a WARC-Record-ID as the WARC header writes it (``<`` URI ``>``)."""
    return id is not None and id.startswith("<") and id.endswith(">") and ":" in id


def with_crawl_date(extra: dict[str, Any], record: dict[str, Any], id: str | None) -> dict[str, Any]:
    """``extra`` plus ``warc_date`` when the line came from a WARC through datatrove.

    datatrove's WarcReader puts the WARC-Date in ``metadata.date`` and the WARC-Record-ID in
    ``id``: with such an id, that date is the crawl's, and is surfaced as ``warc_date``. A
    ``warc_date`` of the line's own wins. Other dates stay where they are (``input.metadata``).
    """
    meta = record.get("metadata")
    date = meta.get("date") if isinstance(meta, dict) else None
    if WARC_DATE_KEY in extra or not isinstance(date, str) or not is_warc_record_id(id):
        return extra
    return {**extra, WARC_DATE_KEY: date}


def _lines(stream: IO[bytes], limit: int | None) -> Iterator[tuple[int, bytes, bool]]:
    """``(number, line, whole)`` for each line; a line above ``limit`` bytes is read
    through in pieces of ``limit`` and given as ``(number, b"", False)``: memory stays
    bounded whatever the line (a gzip bomb on one line)."""
    lineno = 0
    while True:
        line = stream.readline(-1 if limit is None else limit + 1)
        if not line:
            return
        lineno += 1
        if limit is None or len(line) <= limit or (line.endswith(b"\n") and len(line) == limit + 1):
            yield lineno, line, True
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(limit)
        yield lineno, b"", False


def _load_json(line: bytes) -> Any:
    """A JSON value whose strings hold no lone surrogate (each becomes U+FFFD).

    json takes ``\\ud800`` escapes (and surrogates encoded raw) as text that no
    UTF-8 writer can write; they are replaced here, at read time, so nothing
    downstream meets them. Only lines that may hold one pay for the fix: a
    second round trip through json, which keeps the nesting in C.
    """
    value = json.loads(line)
    if _SURROGATE_HINT.search(line) is None:
        return value
    text = json.dumps(value, ensure_ascii=False)
    if _SURROGATES.search(text) is None:
        return value
    return json.loads(_SURROGATES.sub(REPLACEMENT, text))


def _has_gzip_magic(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


class WarcReader(ContainerReader):
    """Pages from a WARC file (gzipped or not): response, resource and conversion records.

    Records are numbered by their position in the file, counting every
    record, so an output name does not depend on the filter. Records that
    are not pages (other record types, non-HTML content, non-2xx responses;
    see :class:`WarcFilter`) are yielded as skipped documents when
    ``report_skipped``, else passed over.
    """

    __slots__ = ("report_skipped", "warc_filter")

    RECORD_TYPES = ("response", "resource", "conversion")

    def __init__(
        self,
        path: str,
        id: str,
        rel: str,
        *,
        mode: Mode | None,
        max_bytes: int | None,
        warc_filter: WarcFilter | None = None,
        report_skipped: bool = False,
        opener: Opener | None = None,
    ) -> None:
        super().__init__(path, id, rel, mode=mode, max_bytes=max_bytes, opener=opener)
        self.warc_filter = warc_filter or WarcFilter()
        self.report_skipped = report_skipped

    def records(self) -> Iterator[Document]:
        """Every record, or a failed document for each stretch that is not one (see :mod:`.warc`).

        A stream without a single record gives one skipped document: the input is accounted for.
        """
        require_warcio()
        block_limit = None if self.max_bytes is None else self.max_bytes + WARC_HTTP_HEADERS_ALLOWANCE
        n = 0
        with self.open() as fh:
            for n, piece in enumerate(split(fh, block_limit), start=1):
                self.reached = n
                doc = self.piece(piece, n)
                if doc.skip is None or self.report_skipped:
                    yield doc
        if n == 0:
            yield self.no_records()

    def piece(self, piece: Piece | Broken, n: int) -> Document:
        if isinstance(piece, Broken):
            return self.failed_record(n, f"WARC {piece.error}")
        try:
            return self.document(_parse_record(piece.raw), n, oversized=piece.oversized)
        except Exception as exc:  # warcio on one record's bytes: its failure is this record's alone
            return self.failed_record(n, f"WARC offset {piece.offset}: cannot parse the record: {describe(exc)}")

    def record_path(self, n: int) -> str:
        return f"{self.shown}#{n}"

    def document(self, record: Any, n: int, *, oversized: bool = False) -> Document:
        uri = _header_text(record.rec_headers.get_header("WARC-Target-URI"))
        record_id = _header_text(record.rec_headers.get_header("WARC-Record-ID"))  # as written: <urn:uuid:...>
        id, rel, path = record_id or uri or f"{self.id}/{n}", f"{self.rel}/{n}", self.record_path(n)
        if record.rec_type not in self.RECORD_TYPES:
            return Document(id, path, rel, url=uri, skip=f"WARC {record.rec_type} record")
        if record.rec_type == "response" and record.http_headers is None:
            return Document(id, path, rel, url=uri, skip="not an HTTP response")  # dns: and the like
        headers = record.http_headers if record.rec_type == "response" else record.rec_headers
        content_type = headers.get_header("Content-Type")
        limit = None if self.max_bytes is None else self.max_bytes + 1
        data = record.content_stream().read(limit) if limit is not None else record.content_stream().read()
        skip = self.warc_filter.reason(record, content_type, data[:1024])
        if skip is not None:
            return Document(id, path, rel, url=uri, skip=skip)
        extra = warc_date(record)
        if oversized or self.oversized(data):
            error = f"record above max_bytes={self.max_bytes}"
            return Document(id, path, rel, error=error, fail_status=STATUS_TOO_LARGE, extra=extra)
        mode, charset = self.mode or mime_mode(content_type or ""), content_charset(content_type or "")
        return Document(id, path, rel, data=data, url=uri, charset=charset, mode=mode, extra=extra)


def _parse_record(raw: bytes) -> Any:
    """warcio's record for the bytes of one record (headers and block)."""
    from warcio.archiveiterator import ArchiveIterator  # lazy: only WARC inputs need warcio

    for record in ArchiveIterator(io.BytesIO(raw)):
        return record
    raise ValueError("warcio found no record")


def _header_text(value: str | None) -> str | None:
    return None if value is None else printable(value)


def warc_date(record: Any) -> dict[str, Any] | None:
    """The record's WARC-Date as written, for its output record (``warc_date``)."""
    date = _header_text(record.rec_headers.get_header("WARC-Date"))
    return {WARC_DATE_KEY: date} if date else None


class StdinReader(Reader):
    """Standard input: a page, JSONL or WARC, gzipped or not.

    The kind is sniffed when the reader is made (so that the output knows
    one page from many before the run) unless ``kind`` forces it ("page",
    "jsonl", "warc"). The sniffed bytes are replayed: stdin is read once,
    as a stream, never whole (a page at most ``max_bytes + 1`` bytes).
    """

    __slots__ = ("fields", "kind", "max_bytes", "mode", "report_skipped", "stream", "url", "warc_filter")

    def __init__(
        self,
        *,
        kind: str | None = None,
        mode: Mode | None = None,
        url: str | None = None,
        max_bytes: int | None = None,
        fields: JsonlFields | None = None,
        warc_filter: WarcFilter | None = None,
        report_skipped: bool = False,
        stream: IO[bytes] | None = None,
    ) -> None:
        super().__init__("-", "stdin", "stdin")
        self.mode, self.url, self.max_bytes = mode, url, max_bytes
        self.fields, self.warc_filter, self.report_skipped = fields or JsonlFields(), warc_filter, report_skipped
        try:
            sniffed, self.stream = open_sniffed(stream or sys.stdin.buffer)
        except READ_ERRORS as exc:  # unreadable stdin, bad gzip header: reported when read
            sniffed, self.stream = "page", io.BufferedReader(_Failing(exc))
        self.kind = kind or sniffed

    @property
    def count(self) -> int | None:  # type: ignore[override]
        return 1 if self.kind == "page" else None

    def read(self) -> Iterator[Document]:
        try:
            yield from self._read(self.stream)
        except READ_ERRORS as exc:  # unreadable stdin, bad gzip
            yield self.failed(self.id, self.rel, f"cannot read stdin: {describe(exc)}")

    def _read(self, stream: IO[bytes]) -> Iterator[Document]:
        opener: Opener = lambda: nullcontext(stream)  # noqa: E731 - the stream is already open
        if self.kind == "warc":
            yield from WarcReader(
                self.path, self.id, self.rel, mode=self.mode, max_bytes=self.max_bytes,
                warc_filter=self.warc_filter, report_skipped=self.report_skipped, opener=opener,
            ).read()  # fmt: skip
        elif self.kind == "jsonl":
            yield from JsonlReader(
                self.path, self.id, self.rel, mode=self.mode, max_bytes=self.max_bytes,
                fields=self.fields, opener=opener,
            ).read()  # fmt: skip
        else:
            yield self.page(stream)

    def page(self, stream: IO[bytes]) -> Document:
        data = stream.read(-1 if self.max_bytes is None else self.max_bytes + 1)
        if self.max_bytes is not None and len(data) > self.max_bytes:
            error = f"input is more than max_bytes={self.max_bytes} bytes"
            return self.failed(self.id, self.rel, error, STATUS_TOO_LARGE)
        return Document(self.id, self.path, self.rel, data=data, url=self.url, mode=self.mode)


class _Failing(io.RawIOBase):
    """A stream whose first read raises the error met while sniffing it."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise self.exc


def peek_kind(path: str) -> str:
    """The sniffed kind of a file ("page", "jsonl", "warc"); "page" when unreadable (the worker reports it)."""
    try:
        with open(path, "rb") as raw:
            return open_sniffed(raw)[0]
    except READ_ERRORS:
        return "page"


def mime_mode(content_type: str) -> Mode | None:
    mime = content_type.split(";")[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return "html"
    if mime == "text/plain":
        return "text"
    return None


def content_charset(content_type: str) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if any."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")
    return None

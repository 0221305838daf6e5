"""Readers: turn command-line inputs into a stream of :class:`Document`.

A reader stands for one input file (or stdin) and yields its documents: one
for an HTML or text page, one per record for WARC and JSONL. Readers never
raise on bad content; a broken record becomes a Document with ``error`` set,
so the runner reports it and goes on.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .._model import STATUS_TOO_LARGE, Mode
from .document import Document, describe

HTML_EXTS = frozenset({".html", ".htm", ".xhtml"})
TEXT_EXTS = frozenset({".txt"})
GZIP_EXTS = frozenset({".gz", ".gzip"})
TMP_SUFFIX = ".cleaner-tmp"  # temporary files of atomic writes end with this


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


@dataclass(frozen=True, slots=True)
class JsonlFields:
    """Field names read from JSONL records."""

    text: str = "text"
    html: str = "html"
    url: str = "url"
    id: str = "id"


class Reader:
    """Base class: one input, yielding its documents in order.

    Slotted: a run over a million files holds a million readers.
    """

    __slots__ = ("id", "path", "rel")

    #: documents this reader yields when known in advance (progress total)
    count: int | None = None

    def __init__(self, path: str, id: str, rel: str) -> None:
        self.path, self.id, self.rel = path, id, rel

    def read(self) -> Iterator[Document]:
        raise NotImplementedError

    def failed(self, id: str, rel: str, error: str, status: str = "error") -> Document:
        return Document(id=id, path=self.path, rel=rel, error=error, fail_status=status)


class FileReader(Reader):
    """One HTML or text page (possibly gzipped); the worker loads the bytes."""

    __slots__ = ("mode", "url")
    count = 1

    def __init__(self, path: str, id: str, rel: str, *, mode: Mode | None, url: str | None = None) -> None:
        super().__init__(path, id, rel)
        self.mode, self.url = mode, url

    def read(self) -> Iterator[Document]:
        yield Document(self.id, self.path, self.rel, source=Path(self.path), url=self.url, mode=self.mode)


class StdinReader(Reader):
    """The whole of standard input as one document."""

    __slots__ = ("mode", "stream", "url")
    count = 1

    def __init__(self, *, mode: Mode | None, url: str | None = None, stream: IO[bytes] | None = None) -> None:
        super().__init__("-", "stdin", "stdin")
        self.mode, self.url, self.stream = mode, url, stream

    def read(self) -> Iterator[Document]:
        stream = self.stream or sys.stdin.buffer
        try:
            data = stream.read()
        except OSError as exc:
            yield self.failed(self.id, self.rel, f"cannot read stdin: {exc}")
            return
        yield Document(self.id, self.path, self.rel, data=data, url=self.url, mode=self.mode)


class ContainerReader(Reader):
    """A file holding many documents (WARC, JSONL); ``max_bytes`` caps one record."""

    __slots__ = ("max_bytes", "mode")

    def __init__(self, path: str, id: str, rel: str, *, mode: Mode | None, max_bytes: int | None) -> None:
        super().__init__(path, id, rel)
        self.mode, self.max_bytes = mode, max_bytes

    def read(self) -> Iterator[Document]:
        n = 0
        try:
            for n, doc in enumerate(self.records(), start=1):  # noqa: B007 - n used after the loop
                yield doc
        except Exception as exc:  # a truncated or corrupt container: report it, stop this file
            yield self.failed(f"{self.id}/{n + 1}", f"{self.rel}/{n + 1}", f"cannot read {self.path}: {describe(exc)}")

    def records(self) -> Iterator[Document]:
        raise NotImplementedError

    def oversized(self, data: bytes | str) -> bool:
        return self.max_bytes is not None and len(data) > self.max_bytes


class JsonlReader(ContainerReader):
    """One document per JSON line, with html or text, url and id fields."""

    __slots__ = ("fields",)

    def __init__(
        self, path: str, id: str, rel: str, *, mode: Mode | None, max_bytes: int | None, fields: JsonlFields
    ) -> None:
        super().__init__(path, id, rel, mode=mode, max_bytes=max_bytes)
        self.fields = fields

    def records(self) -> Iterator[Document]:
        opener = gzip.open if is_gzip(self.path) else open
        with opener(self.path, "rb") as fh:
            for lineno, line in enumerate(fh, start=1):
                if line.strip():
                    yield self.parse(line, lineno)

    def parse(self, line: bytes, lineno: int) -> Document:
        id, rel = f"{self.id}/{lineno}", f"{self.rel}/{lineno}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            return self.failed(id, rel, f"line {lineno}: invalid JSON ({exc})")
        if not isinstance(record, dict):
            return self.failed(id, rel, f"line {lineno}: not a JSON object")
        if record.get(self.fields.id) is not None:
            id = str(record[self.fields.id])
        data, mode = self.content(record)
        if data is None:
            return self.failed(id, rel, f"line {lineno}: no string field {self.fields.html!r} or {self.fields.text!r}")
        if self.oversized(data):
            return self.failed(id, rel, f"line {lineno}: above max_bytes={self.max_bytes}", STATUS_TOO_LARGE)
        url = record.get(self.fields.url)
        doc_path = f"{self.path}:{lineno}"
        return Document(id, doc_path, rel, data=data, url=url if isinstance(url, str) else None, mode=mode)

    def content(self, record: dict[str, Any]) -> tuple[str | None, Mode | None]:
        html, text = record.get(self.fields.html), record.get(self.fields.text)
        if isinstance(html, str):
            return html, self.mode or "html"
        if isinstance(text, str):
            return text, self.mode or "text"
        return None, None


class WarcReader(ContainerReader):
    """Response, resource and conversion records of a WARC file (gzipped or not)."""

    __slots__ = ()

    RECORD_TYPES = ("response", "resource", "conversion")

    def records(self) -> Iterator[Document]:
        from warcio.archiveiterator import ArchiveIterator  # lazy: only WARC inputs need warcio

        with open(self.path, "rb") as fh:
            n = 0
            for record in ArchiveIterator(fh):
                if record.rec_type not in self.RECORD_TYPES:
                    continue
                if record.rec_type == "response" and record.http_headers is None:
                    continue  # dns: and other non-HTTP responses
                n += 1
                yield self.document(record, n)

    def document(self, record: Any, n: int) -> Document:
        headers = record.http_headers if record.rec_type == "response" else record.rec_headers
        content_type = headers.get_header("Content-Type") or ""
        uri = record.rec_headers.get_header("WARC-Target-URI")
        record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
        id, rel = record_id or uri or f"{self.id}/{n}", f"{self.rel}/{n}"
        limit = None if self.max_bytes is None else self.max_bytes + 1
        data = record.content_stream().read(limit) if limit is not None else record.content_stream().read()
        if self.oversized(data):
            return self.failed(id, rel, f"record above max_bytes={self.max_bytes}", STATUS_TOO_LARGE)
        mode, charset = self.mode or mime_mode(content_type), content_charset(content_type)
        return Document(id, f"{self.path}#{n}", rel, data=data, url=uri, charset=charset, mode=mode)


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

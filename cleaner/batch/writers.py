"""Writers: where cleaned documents go.

A writer has two halves. :meth:`Writer.store` runs in the worker process
next to the cleaning: it renders the document and either writes it itself
(one file per document, :class:`TreeWriter`) or returns a payload string.
:meth:`Writer.emit` runs in the parent, in input order, and writes payloads
to one stream (stdout, or one ``.jsonl`` file). Writers are plain picklable
objects; open streams live only in the parent.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from .._model import STATUS_EMPTY, STATUS_OK, Result
from .document import Document, Outcome
from .formats import EXTENSIONS, record, render, sidecar
from .readers import TMP_SUFFIX


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that it is either absent or complete.

    The bytes go to a temporary file in the same folder, are fsynced, then
    renamed over ``path``; a crash leaves at most a ``*.cleaner-tmp`` file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def remove_temp_files(root: Path) -> int:
    """Delete the temporary files a killed run left below ``root``; return how many."""
    removed = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
                removed += _unlink(os.path.join(dirpath, name))
    return removed


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
    except OSError:
        return 0
    return 1


class Writer:
    """Base class; subclasses override :meth:`store` and/or :meth:`emit`."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt

    def skip(self, doc: Document) -> bool:
        """True when ``doc`` is already done (resume)."""
        return False

    def store(self, doc: Document, result: Result | None, status: str, error: str | None) -> str | None:
        """Worker side: render and keep ``doc``; return a payload for :meth:`emit`."""
        return render(self.fmt, record(doc, result, status=status, error=error), result)

    def open(self) -> None:
        """Parent side, before the first :meth:`emit`."""

    def emit(self, outcome: Outcome) -> None:
        """Parent side, in input order."""

    def close(self, ok: bool = True) -> None:
        """Parent side, after the last :meth:`emit`; ``ok`` False on interruption."""


class TreeWriter(Writer):
    """``-o DIR``: one file per document mirroring the input tree.

    ``txt`` and ``md`` get a ``.json`` sidecar (metadata and removed blocks),
    written first; the main file is written last and marks the document done.
    Only ``ok`` and ``empty`` documents are written, so failures are retried.
    """

    def __init__(self, root: Path, fmt: str, *, overwrite: bool = False) -> None:
        if fmt not in ("txt", "md", "json"):
            raise ValueError(f"format {fmt!r} cannot be written as a tree (use txt, md or json)")
        super().__init__(fmt)
        self.root, self.overwrite = root, overwrite

    def target(self, doc: Document) -> Path:
        *parents, name = doc.rel.split("/")
        return self.root.joinpath(*parents, name + EXTENSIONS[self.fmt])

    def skip(self, doc: Document) -> bool:
        return not self.overwrite and self.target(doc).is_file()

    def store(self, doc: Document, result: Result | None, status: str, error: str | None) -> str | None:
        if result is None or status not in (STATUS_OK, STATUS_EMPTY):
            return None
        target = self.target(doc)
        if doc.source is not None and target.resolve() == doc.source.resolve():
            raise OSError(f"output {target} would overwrite the input")
        rec = record(doc, result, status=status, error=error)
        if self.fmt != "json":
            atomic_write(target.with_suffix(".json"), sidecar(rec))
        atomic_write(target, render(self.fmt, rec, result))
        return None

    def open(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        remove_temp_files(self.root)


class StreamWriter(Writer):
    """Payloads written in input order to a text stream (stdout by default).

    ``txt`` / ``md`` with ``headers=True`` put a ``==> id <==`` line before
    each document; ``json`` becomes a JSON array when ``array=True``.
    """

    #: attributes that only make sense in the parent (dropped when pickled)
    _LOCAL: tuple[str, ...] = ("stream",)

    def __init__(self, fmt: str, *, headers: bool = False, array: bool = False, stream: IO[str] | None = None) -> None:
        super().__init__(fmt)
        self.headers, self.array, self.stream = headers, array, stream
        self._count = 0

    def __getstate__(self) -> dict[str, Any]:
        return {k: (None if k in self._LOCAL else v) for k, v in self.__dict__.items()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def out(self) -> IO[str]:
        return self.stream or sys.stdout

    def open(self) -> None:
        if self.fmt == "json" and self.array:
            self.out().write("[\n")

    def emit(self, outcome: Outcome) -> None:
        if outcome.payload is None or (self.fmt in ("txt", "md") and outcome.failed):
            return
        out = self.out()
        if self.fmt == "json" and self.array and self._count:
            out.write(",\n")
        elif self.headers and self.fmt in ("txt", "md"):
            out.write(("\n" if self._count else "") + f"==> {outcome.id} <==\n")
        out.write(outcome.payload)
        self._count += 1

    def close(self, ok: bool = True) -> None:
        if self.fmt == "json" and self.array:
            self.out().write("]\n")
        self.out().flush()


class AtomicTextFile:
    """A text file written in one go under a temporary name, published by :meth:`close`.

    Gzip-compressed when ``path`` ends with ``.gz``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
        self.raw: IO[bytes] = os.fdopen(fd, "wb")
        self.binary: IO[bytes] = self.raw
        if is_gz(path):
            self.binary = gzip.GzipFile(fileobj=self.raw, mode="wb")  # type: ignore[assignment]
        self.text = io.TextIOWrapper(self.binary, encoding="utf-8", newline="\n")

    def close(self, publish: bool = True) -> None:
        """Flush, fsync and rename over ``path`` (or delete when not ``publish``)."""
        if self.raw.closed:
            return
        self.text.flush()
        self.text.detach()
        if self.binary is not self.raw:
            self.binary.close()  # writes the gzip trailer; the raw file stays open
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()
        if publish:
            os.chmod(self.tmp, _FILE_MODE)
            os.replace(self.tmp, self.path)
        else:
            _unlink(self.tmp)


class JsonlFileWriter(StreamWriter):
    """``-o FILE.jsonl[.gz]``: one line per document, published atomically at the end."""

    _LOCAL = ("stream", "_file")

    def __init__(self, path: Path) -> None:
        super().__init__("jsonl")
        self.path = path
        self._file: AtomicTextFile | None = None

    def open(self) -> None:
        self._file = AtomicTextFile(self.path)
        self.stream = self._file.text

    def close(self, ok: bool = True) -> None:
        if self._file is not None:
            self._file.close(publish=ok)


class ReportWriter:
    """The run report: one JSON line per input (id, path, status, error), in input order.

    Written under a temporary name and published by :meth:`close`, also
    after an interruption (then it lists the inputs done so far).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: AtomicTextFile | None = None

    def open(self) -> None:
        self._file = AtomicTextFile(self.path)

    def add(self, outcome: Outcome) -> None:
        if self._file is None:
            self.open()
        assert self._file is not None
        self._file.text.write(json.dumps(outcome.report_line(), ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close(publish=True)


def is_gz(path: Path) -> bool:
    return path.suffix.lower() in (".gz", ".gzip")

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
import re
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
    fd, tmp = _mkstemp(path)
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


def _mkstemp(path: Path) -> tuple[int, str]:
    """A temporary file next to ``path``: ``.NAME.pidPID.RANDOM.cleaner-tmp``.

    The writer's pid in the name lets a later run tell a dead run's leftovers
    from the files of a run still going on.
    """
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.pid{os.getpid()}.", suffix=TMP_SUFFIX)


_TMP_PID = re.compile(r"\.pid(\d+)\.[^.]+" + re.escape(TMP_SUFFIX) + "$")


def is_stale_temp(name: str, prefix: str = ".") -> bool:
    """True for a temporary file of ours (starting with ``prefix``) whose writer is gone."""
    if not (name.startswith(prefix) and name.endswith(TMP_SUFFIX)):
        return False
    match = _TMP_PID.search(name)
    return match is None or not _alive(int(match.group(1)))  # no pid: an older cleaner's


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours from an earlier run in this process would not be open now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_temp_files(root: Path) -> int:
    """Delete the temporary files killed runs left below ``root``; return how many."""
    removed = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if is_stale_temp(name):
                removed += _unlink(os.path.join(dirpath, name))
    return removed


def remove_stale_temp(path: Path) -> int:
    """Delete the temporary files a killed run left for the one file ``path``."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return 0
    prefix = f".{path.name}.pid"
    return sum(_unlink(str(path.parent / n)) for n in names if is_stale_temp(n, prefix))


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
        remove_stale_temp(path)
        fd, self.tmp = _mkstemp(path)
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
    """The run report: one JSON line per document, merged with the previous report.

    This run's rows come first, in input order; rows of the previous report
    that this run did not touch follow, unchanged, so a rerun loses nothing.
    A document skipped because its output exists (resume) keeps its earlier
    row, with ``"resumed": true``. The merged file is written under a
    temporary name and published by :meth:`close`, also after an
    interruption (then it holds the documents finished so far).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: AtomicTextFile | None = None
        self._earlier: dict[str, str] = {}  # path -> JSON line of the previous report
        self._unkeyed: list[str] = []  # earlier lines without a path: kept as they are
        self._seen: set[str] = set()

    def open(self) -> None:
        self._load_earlier()
        self._file = AtomicTextFile(self.path)

    def _load_earlier(self) -> None:
        try:
            fh = self.path.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        with fh:
            for line in fh:
                if line.strip():
                    self._keep_earlier(line.rstrip("\n"))

    def _keep_earlier(self, line: str) -> None:
        try:
            row = json.loads(line)
        except ValueError:
            row = None
        if isinstance(row, dict) and isinstance(row.get("path"), str):
            self._earlier[row["path"]] = line
        else:
            self._unkeyed.append(line)

    def row(self, outcome: Outcome) -> dict[str, Any]:
        """The report row of ``outcome``: a resumed document's earlier row, when there is one."""
        earlier = self._earlier.get(outcome.path) if outcome.resumed else None
        if earlier is not None:
            row: dict[str, Any] = json.loads(earlier)
        else:
            row = outcome.report_line()
        row["resumed"] = outcome.resumed
        return row

    def add(self, outcome: Outcome) -> None:
        if self._file is None:
            self.open()
        assert self._file is not None
        self._seen.add(outcome.path)
        self._file.text.write(json.dumps(self.row(outcome), ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._file is None:
            return
        for path, line in self._earlier.items():
            if path not in self._seen:
                self._file.text.write(line + "\n")
        for line in self._unkeyed:
            self._file.text.write(line + "\n")
        self._file.close(publish=True)


def is_gz(path: Path) -> bool:
    return path.suffix.lower() in (".gz", ".gzip")

"""Writers: where cleaned documents go.

A writer has two halves. :meth:`Writer.store` runs in the worker process
next to the cleaning: it renders the document and either writes it itself
(one file per document, :class:`TreeWriter`) or returns a payload string.
:meth:`Writer.emit` runs in the parent, in input order, and writes payloads
to one stream (stdout, or one ``.jsonl`` file). Writers are plain picklable
objects; open streams live only in the parent.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from .._files import umask
from .._model import STATUS_EMPTY, STATUS_OK, Result
from .document import GOOD_STATUSES, Document, Outcome
from .formats import EXTENSIONS, json_text, printable, record, render, sidecar
from .readers import TMP_SUFFIX

_FILE_MODE = 0o666 & ~umask()


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


LOCK_NAME = ".cleaner.lock"  # in -o DIR; a file's lock is .NAME.cleaner.lock next to it


class OutputInUse(Exception):
    """Another live cleaner run holds the lock of an output."""


class OutputLock:
    """An exclusive ``flock`` on a lock file, held for a run, so that two runs never
    write one output (the second would delete the first's temporary files).

    The lock file holds the owner's pid for the message. It is deleted on release;
    a kill -9 leaves it, but the kernel drops the flock with the process, so the
    next run takes it over.
    """

    def __init__(self, target: Path, *, folder: bool) -> None:
        self.target = target
        self.path = target / LOCK_NAME if folder else target.parent / f".{target.name}.cleaner.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        while self._fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, _FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = _read_pid(fd)
                os.close(fd)
                raise OutputInUse(
                    f"{printable(str(self.target))} is in use by another cleaner run (pid {owner or '?'})"
                ) from None
            if not _same_file(fd, self.path):  # the previous owner deleted it meanwhile: lock the new one
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        _unlink(str(self.path))  # while still locked: a waiting run then sees a new file
        os.close(self._fd)
        self._fd = None


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


class Writer:
    """Base class; subclasses override :meth:`store` and/or :meth:`emit`.

    ``flat_prefix`` None writes the nested record, a string the flat one with
    that prefix (see :func:`~.formats.record`).
    """

    def __init__(self, fmt: str, *, flat_prefix: str | None = None) -> None:
        self.fmt, self.flat_prefix = fmt, flat_prefix

    def record(self, doc: Document, result: Result | None, status: str, error: str | None) -> dict[str, Any]:
        return record(doc, result, status=status, error=error, flat_prefix=self.flat_prefix)

    def skip(self, doc: Document) -> bool:
        """True when ``doc`` is already done (resume)."""
        return False

    def store(self, doc: Document, result: Result | None, status: str, error: str | None) -> str | None:
        """Worker side: render and keep ``doc``; return a payload for :meth:`emit`."""
        return render(self.fmt, self.record(doc, result, status, error), result)

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

    def __init__(self, root: Path, fmt: str, *, overwrite: bool = False, flat_prefix: str | None = None) -> None:
        if fmt not in ("txt", "md", "json"):
            raise ValueError(f"format {fmt!r} cannot be written as a tree (use txt, md or json)")
        super().__init__(fmt, flat_prefix=flat_prefix)
        self.root, self.overwrite = root, overwrite
        self._lock: OutputLock | None = None  # parent only

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
        rec = self.record(doc, result, status, error)
        if self.fmt != "json":
            atomic_write(target.with_suffix(".json"), sidecar(rec))
        atomic_write(target, render(self.fmt, rec, result))
        return None

    def open(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = OutputLock(self.root, folder=True)
        self._lock.acquire()  # before deleting temporary files: they may be another live run's
        remove_temp_files(self.root)

    def close(self, ok: bool = True) -> None:
        if self._lock is not None:
            self._lock.release()


class StreamWriter(Writer):
    """Payloads written in input order to a text stream (stdout by default).

    ``txt`` / ``md`` with ``headers=True`` put a ``==> id <==`` line before
    each document; ``json`` becomes a JSON array when ``array=True``.
    """

    #: attributes that only make sense in the parent (dropped when pickled)
    _LOCAL: tuple[str, ...] = ("stream",)

    def __init__(
        self,
        fmt: str,
        *,
        headers: bool = False,
        array: bool = False,
        stream: IO[str] | None = None,
        flat_prefix: str | None = None,
    ) -> None:
        super().__init__(fmt, flat_prefix=flat_prefix)
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
            # the id is escaped: a newline in a JSONL id would otherwise forge a header line
            out.write(("\n" if self._count else "") + f"==> {printable(outcome.id)} <==\n")
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
        """Flush, fsync and rename over ``path`` (or delete when not ``publish``).

        When anything fails (disk full), the temporary file is deleted and the
        error raised: ``path`` is never left half-written.
        """
        if self.raw.closed:
            return
        published = False
        try:
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
                published = True
        finally:
            if not self.raw.closed:
                _close_quietly(self.raw)
            if not published:
                _unlink(self.tmp)


def _close_quietly(fh: IO[bytes]) -> None:
    """Close after an error; the buffered bytes that cannot be written are dropped."""
    with contextlib.suppress(OSError):
        fh.close()


class JsonlFileWriter(StreamWriter):
    """``-o FILE.jsonl[.gz]``: one line per document, published atomically at the end."""

    _LOCAL = ("stream", "_file", "_lock")

    def __init__(self, path: Path, *, flat_prefix: str | None = None) -> None:
        super().__init__("jsonl", flat_prefix=flat_prefix)
        self.path = path
        self._file: AtomicTextFile | None = None
        self._lock: OutputLock | None = None

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)  # -o new/out.jsonl: its lock goes there too
        self._lock = OutputLock(self.path, folder=False)
        self._lock.acquire()
        self._file = AtomicTextFile(self.path)
        self.stream = self._file.text

    def close(self, ok: bool = True) -> None:
        try:
            if self._file is not None:
                self._file.close(publish=ok)
        finally:
            if self._lock is not None:
                self._lock.release()


class ReportWriter:
    """The run report: one JSON line per document, merged with the previous report.

    Rows are appended to the report as documents finish, each flushed to the
    file at once, so a run that dies (killed, disk full) still leaves the row
    of every document it finished. A path's last row is its current one, so
    the next run reads such a report correctly. :meth:`close` then replaces it
    atomically with the merged report: this run's rows first, in input order;
    then the earlier rows of documents this run did not touch, unchanged, so a
    rerun loses nothing. A document skipped because its output exists (resume)
    keeps its earlier row, with ``"resumed": true``.
    """

    def __init__(self, path: Path, *, lock: bool = True) -> None:
        """``lock`` False: the caller holds a lock that covers ``path`` (its -o folder)."""
        self.path = path
        self._log: IO[bytes] | None = None  # the report, opened for appending
        self._start = 0  # where this run's rows begin in it
        self._lock = OutputLock(path, folder=False) if lock else None
        self._earlier: dict[str, str] = {}  # path -> JSON line of the previous report
        self._unkeyed: list[str] = []  # earlier lines without a path: kept as they are
        self._seen: set[str] = set()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)  # before the lock, which lives next to the report
        if self._lock is not None:
            self._lock.acquire()
        remove_stale_temp(self.path)
        self._load_earlier()
        self._log = open(self.path, "ab", buffering=0)  # noqa: SIM115 - closed by close()
        self._start = self._log.tell()
        if self._start and not is_gz(self.path) and _last_byte(self.path) != b"\n":
            self._log.write(b"\n")  # a killed run's half-written row stays a line of its own
            self._start += 1

    def _load_earlier(self) -> None:
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return
        with raw:
            binary: IO[bytes] = gzip.GzipFile(fileobj=raw) if is_gz(self.path) else raw  # type: ignore[assignment]
            try:
                for line in io.TextIOWrapper(binary, encoding="utf-8", errors="replace"):
                    if line.strip():
                        self._keep_earlier(line.rstrip("\n"))
            except (EOFError, gzip.BadGzipFile):  # a killed run's cut gzip member: keep what came before
                pass

    def _keep_earlier(self, line: str) -> None:
        try:
            row = json.loads(line)
        except ValueError:
            row = None
        if isinstance(row, dict) and isinstance(row.get("path"), str):
            self._earlier.pop(row["path"], None)  # the last row of a path wins, and takes its place
            self._earlier[row["path"]] = line
        else:
            self._unkeyed.append(line)

    def row(self, outcome: Outcome) -> dict[str, Any]:
        """The report row of ``outcome``: a resumed document's earlier row, when there is one."""
        earlier = self._earlier.get(outcome.path) if outcome.resumed else None
        row: dict[str, Any] = outcome.report_line()
        if earlier is not None:
            previous = json.loads(earlier)
            if previous.get("status") in GOOD_STATUSES:  # an interrupted row says nothing of the output
                row = previous
        row["resumed"] = outcome.resumed
        return row

    def add(self, outcome: Outcome) -> None:
        if self._log is None:
            self.open()
        assert self._log is not None
        self._seen.add(outcome.path)
        line = (json_text(self.row(outcome)) + "\n").encode("utf-8")
        self._log.write(gzip.compress(line) if is_gz(self.path) else line)  # gzip: one member per row

    def close(self) -> None:
        """Publish the merged report; on failure the appended rows stay where they are."""
        if self._log is None:
            self._release()
            return
        try:
            self._log.close()
            merged = AtomicTextFile(self.path)
            try:
                self._merge_into(merged.text)
            except BaseException:
                merged.close(publish=False)
                raise
            merged.close(publish=True)
        finally:
            self._log = None
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()

    def _merge_into(self, out: IO[str]) -> None:
        with open(self.path, "rb") as raw:
            raw.seek(self._start)
            binary: IO[bytes] = gzip.GzipFile(fileobj=raw) if is_gz(self.path) else raw  # type: ignore[assignment]
            for line in io.TextIOWrapper(binary, encoding="utf-8", errors="replace"):
                out.write(line)
        for path, line in self._earlier.items():
            if path not in self._seen:
                out.write(line + "\n")
        for line in self._unkeyed:
            out.write(line + "\n")


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1)


def is_gz(path: Path) -> bool:
    return path.suffix.lower() in (".gz", ".gzip")

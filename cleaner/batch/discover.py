"""Expand command-line inputs (files, folders, ``-``) into readers, with ids."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._model import Mode
from .document import describe
from .readers import (
    REPORT_NAME,
    TMP_SUFFIX,
    ErrorReader,
    FileReader,
    InputError,
    JsonlFields,
    JsonlReader,
    Reader,
    SkippedReader,
    StdinReader,
    WarcFilter,
    WarcReader,
    kind_of,
    peek_kind,
    printable,
    require_warcio,
    strip_ext,
)


@dataclass(frozen=True, slots=True)
class InputOptions:
    """How to read inputs.

    ``mode`` None means "by extension". ``input_format`` None reads files by
    extension and sniffs stdin; "auto" sniffs every input; "html", "text",
    "jsonl", "warc" read every input as that. ``report_skipped`` yields the
    WARC records that are not pages as skipped documents (for the report).
    ``follow_symlinks`` reads the symlinks met in folders (files, and folders
    with loop protection); without it they are skipped with a reason. A
    symlink named on the command line is always followed: the user chose it.
    """

    mode: Mode | None = None
    glob: str | None = None
    url: str | None = None
    fields: JsonlFields = field(default_factory=JsonlFields)
    max_bytes: int | None = None
    exclude: tuple[Path, ...] = ()  # paths never read from folders (this run's outputs)
    input_format: str | None = None
    warc_filter: WarcFilter = field(default_factory=WarcFilter)
    report_skipped: bool = False
    follow_symlinks: bool = False


SYMLINK_SKIPPED = "symlink (use --follow-symlinks)"
SYMLINK_LOOP = "symlink to a folder already walked"
NOT_REGULAR = "not a regular file (FIFO, socket or device)"


@dataclass(frozen=True, slots=True)
class _Input:
    """One input found: ``path`` None is stdin; ``error`` an input that cannot be listed;
    ``skip`` one found but not read, with the reason."""

    path: str | None
    rel: str  # path below its folder argument, extension kept: the output name
    error: str | None = None
    skip: str | None = None


def discover(inputs: Sequence[str], options: InputOptions) -> list[Reader]:
    """One reader per input file, in command-line order then sorted path order.

    Raises InputError for a missing path. Ids are made unique by appending
    ``~2``, ``~3``... when two inputs share a name; output names (``rel``)
    are not: they keep the extension, so they depend on the input alone.
    """
    readers: list[Reader] = []
    seen: set[str] = set()
    for arg in inputs:
        for found in _expand(arg, options):
            id = _unique(printable(_id_of(found.rel)), seen)  # unique as the report shows it
            readers.append(_reader(found, id, options))
    return readers


def output_clashes(readers: Sequence[Reader]) -> list[tuple[Reader, Reader]]:
    """Pairs of inputs whose outputs below ``-o DIR`` would be the same file."""
    first: dict[str, Reader] = {}
    clashes: list[tuple[Reader, Reader]] = []
    for reader in readers:
        other = first.setdefault(reader.rel, reader)
        if other is not reader:
            clashes.append((other, reader))
    return clashes


def _id_of(rel: str) -> str:
    parent, _, name = rel.rpartition("/")
    return f"{parent}/{strip_ext(name)}" if parent else strip_ext(name)


def _expand(arg: str, options: InputOptions) -> Iterator[_Input]:
    if arg == "-":
        yield _Input(None, "stdin")
        return
    path = Path(arg)
    if path.is_dir():
        yield from walk(path, options.glob, options.exclude, follow_symlinks=options.follow_symlinks)
    elif path.exists():
        yield _Input(arg, path.name)
    else:
        raise InputError(f"no such file or folder: {arg}")


def walk(
    root: Path, glob: str | None, exclude: Sequence[Path] = (), *, follow_symlinks: bool = False
) -> Iterator[_Input]:
    """Files below ``root`` in sorted order, with their path below ``root``.

    Without ``glob`` only files of a known kind are taken; with it, files
    whose name or relative path match the pattern. Hidden entries, temporary
    files, run reports and ``exclude`` paths (the outputs of this run) are
    skipped. A folder that cannot be listed is yielded with its error.
    Symlinks (to files and folders) are yielded as skipped unless
    ``follow_symlinks``; then a folder is walked once, so a loop ends.
    """
    real_root = os.path.realpath(root)
    skip = {os.path.realpath(p) for p in exclude}
    errors: list[OSError] = []
    walked: set[tuple[int, int]] = set()  # (device, inode) of the folders walked: loop protection
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append, followlinks=follow_symlinks):
        yield from _unlisted(root, errors)
        # Through a followed symlink the path below root is not the real one: resolve it.
        real_dir = (
            os.path.realpath(dirpath) if follow_symlinks else os.path.join(real_root, os.path.relpath(dirpath, root))
        )
        kept = sorted(d for d in dirnames if not d.startswith(".") and _norm(real_dir, d) not in skip)
        if follow_symlinks:
            walked.add(_identity(dirpath))
        dirnames[:] = []
        for name in kept:
            full = Path(dirpath, name)
            reason = _folder_skip(full, walked, follow_symlinks)
            if reason is not None:
                yield _Input(str(full), full.relative_to(root).as_posix(), skip=reason)
            else:
                dirnames.append(name)
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            if _ours(name) or not _wanted(name, rel, glob):
                continue
            if skip and (_norm(real_dir, name) in skip or (follow_symlinks and os.path.realpath(full) in skip)):
                continue
            yield _Input(str(full), rel, skip=_file_skip(full, follow_symlinks))
    yield from _unlisted(root, errors)


def _file_skip(path: Path, follow_symlinks: bool) -> str | None:
    """Why a file found in a folder is not read: a symlink not to follow, or not a regular
    file (a FIFO would block the worker, a device never ends). None: read it."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if not follow_symlinks:
                return SYMLINK_SKIPPED
            st = os.stat(path)
    except OSError:
        return None  # gone or a broken link: the worker reports why it cannot be read
    return None if stat.S_ISREG(st.st_mode) else NOT_REGULAR


def _identity(path: str | Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _folder_skip(folder: Path, walked: set[tuple[int, int]], follow_symlinks: bool) -> str | None:
    """Why a subfolder is not walked: a symlink not to follow, or one back to a folder walked."""
    if not folder.is_symlink():
        return None
    if not follow_symlinks:
        return SYMLINK_SKIPPED
    try:
        seen = _identity(folder) in walked
    except OSError:
        return None  # os.walk reports the folder it cannot list
    return SYMLINK_LOOP if seen else None


def _unlisted(root: Path, errors: list[OSError]) -> Iterator[_Input]:
    """The folders os.walk could not list (it reports them through ``onerror``)."""
    while errors:
        exc = errors.pop(0)
        folder = str(exc.filename or root)
        rel = Path(folder).relative_to(root).as_posix() if Path(folder) != root else root.name
        yield _Input(folder, rel, f"cannot read folder: {describe(exc)}")


def _ours(name: str) -> bool:
    """Hidden files, cleaner's temporary files and run reports: never inputs."""
    return name.startswith(".") or name.endswith(TMP_SUFFIX) or name == REPORT_NAME


def _norm(folder: str, name: str) -> str:
    return os.path.normpath(os.path.join(folder, name))


def _wanted(name: str, rel: str, glob: str | None) -> bool:
    if glob is None:
        return kind_of(name) is not None
    return fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(rel, glob)


def _unique(rel: str, seen: set[str]) -> str:
    candidate, n = rel, 1
    while candidate in seen:
        n += 1
        candidate = f"{rel}~{n}"
    seen.add(candidate)
    return candidate


def _reader(found: _Input, id: str, options: InputOptions) -> Reader:
    path, rel = found.path, found.rel
    if found.error is not None:
        return ErrorReader(path or "-", id, rel, found.error)
    if found.skip is not None:
        return SkippedReader(path or "-", id, rel, found.skip)
    if path is None:
        stdin = StdinReader(**_stream_options(options))
        if stdin.kind == "warc":
            require_warcio()
        return stdin
    kind = _kind(path, options.input_format)
    if kind == "warc":
        require_warcio()
        return WarcReader(
            path, id, rel, mode=options.mode, max_bytes=options.max_bytes,
            warc_filter=options.warc_filter, report_skipped=options.report_skipped,
        )  # fmt: skip
    if kind == "jsonl":
        return JsonlReader(path, id, rel, mode=options.mode, max_bytes=options.max_bytes, fields=options.fields)
    mode: Mode | None = options.mode or ("html" if kind == "html" else "text" if kind == "text" else None)
    return FileReader(path, id, rel, mode=mode, url=options.url)


def _kind(path: str, input_format: str | None) -> str | None:
    """ "html", "text", "warc", "jsonl" or None (a page, sniffed by the core)."""
    if input_format is None:
        return kind_of(path)
    if input_format == "auto":
        sniffed = peek_kind(path)
        return None if sniffed == "page" else sniffed
    return input_format


def _stream_options(options: InputOptions) -> dict[str, Any]:
    """StdinReader's keywords: a forced kind ("page" for html/text), else sniffed."""
    fmt = options.input_format
    kind = None if fmt in (None, "auto") else "page" if fmt in ("html", "text") else fmt
    mode: Mode | None = options.mode or ("html" if fmt == "html" else "text" if fmt == "text" else None)
    return {
        "kind": kind,
        "mode": mode,
        "url": options.url,
        "max_bytes": options.max_bytes,
        "fields": options.fields,
        "warc_filter": options.warc_filter,
        "report_skipped": options.report_skipped,
    }

"""Expand command-line inputs (files, folders, ``-``) into readers, with ids."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._model import Mode
from .readers import (
    TMP_SUFFIX,
    FileReader,
    InputError,
    JsonlFields,
    JsonlReader,
    Reader,
    StdinReader,
    WarcReader,
    kind_of,
    strip_ext,
)


@dataclass(frozen=True, slots=True)
class InputOptions:
    """How to read inputs: ``mode`` None means "by extension"."""

    mode: Mode | None = None
    glob: str | None = None
    url: str | None = None
    fields: JsonlFields = field(default_factory=JsonlFields)
    max_bytes: int | None = None
    exclude: tuple[Path, ...] = ()  # paths never read from folders (this run's outputs)


def discover(inputs: Sequence[str], options: InputOptions) -> list[Reader]:
    """One reader per input file, in command-line order then sorted path order.

    Raises InputError for a missing path. Ids (and output paths) are made
    unique by appending ``~2``, ``~3``... when two inputs share a name.
    """
    readers: list[Reader] = []
    seen: set[str] = set()
    for arg in inputs:
        for path, rel in _expand(arg, options):
            readers.append(_reader(path, _unique(rel, seen), options))
    return readers


def _expand(arg: str, options: InputOptions) -> Iterator[tuple[str | None, str]]:
    if arg == "-":
        yield None, "stdin"
        return
    path = Path(arg)
    if path.is_dir():
        yield from ((str(p), rel) for p, rel in walk(path, options.glob, options.exclude))
    elif path.exists():
        yield arg, strip_ext(path.name)
    else:
        raise InputError(f"no such file or folder: {arg}")


def walk(root: Path, glob: str | None, exclude: Sequence[Path] = ()) -> Iterator[tuple[Path, str]]:
    """Files below ``root`` in sorted order, with their id (path without extensions).

    Without ``glob`` only files of a known kind are taken; with it, files
    whose name or relative path match the pattern. Hidden entries, temporary
    files and ``exclude`` paths (the outputs of this run) are skipped.
    """
    real_root = os.path.realpath(root)
    skip = {os.path.realpath(p) for p in exclude}
    for dirpath, dirnames, filenames in os.walk(root):
        real_dir = os.path.join(real_root, os.path.relpath(dirpath, root))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and _norm(real_dir, d) not in skip)
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            if name.startswith(".") or name.endswith(TMP_SUFFIX) or not _wanted(name, rel, glob):
                continue
            if skip and _norm(real_dir, name) in skip:
                continue
            yield full, str(Path(rel).parent / strip_ext(name))


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


def _reader(path: str | None, rel: str, options: InputOptions) -> Reader:
    if path is None:
        return StdinReader(mode=options.mode, url=options.url)
    kind = kind_of(path)
    if kind == "warc":
        return WarcReader(path, rel, rel, mode=options.mode, max_bytes=options.max_bytes)
    if kind == "jsonl":
        return JsonlReader(path, rel, rel, mode=options.mode, max_bytes=options.max_bytes, fields=options.fields)
    mode: Mode | None = options.mode or ("html" if kind == "html" else "text" if kind == "text" else None)
    return FileReader(path, rel, rel, mode=mode, url=options.url)

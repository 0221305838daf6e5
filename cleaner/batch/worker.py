"""The per-document work: load, clean under a deadline, store.

In a process pool each worker calls :func:`init_worker` once (building its
own Cleaner) and then :func:`process_chunk` on chunks of documents. With one
job the runner uses a :class:`Worker` directly in its own process.
"""

from __future__ import annotations

import gzip
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .._decode import GZIP_MAGIC
from .._model import STATUS_TIMEOUT, STATUS_TOO_LARGE, Result
from .._pipeline import Cleaner
from .document import STATUS_ERROR, CleanerConfig, Document, Outcome, describe
from .readers import is_gzip
from .writers import Writer


class DocumentTimeout(BaseException):
    """Raised by the alarm when a document overruns its time.

    A BaseException, like KeyboardInterrupt, so that ``except Exception``
    blocks inside parsers cannot swallow it.
    """


class InputTooLarge(Exception):
    """A file is larger than max_bytes (checked while reading, before cleaning)."""


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    cleaner: CleanerConfig
    writer: Writer
    timeout: float | None = None  # seconds per document; None or 0: no limit


def load(path: Path, max_bytes: int | None) -> bytes:
    """The bytes of a file, gunzipped when its name ends with ``.gz`` or it starts
    with the gzip magic bytes (a gzipped page saved under another name).

    Reads at most ``max_bytes + 1`` bytes, so a huge file or a gzip bomb
    costs no more memory than the limit.
    """
    limit = -1 if max_bytes is None else max_bytes + 1
    with open(path, "rb") as raw:
        gzipped = is_gzip(path) or raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        data = gzip.GzipFile(fileobj=raw, mode="rb").read(limit) if gzipped else raw.read(limit)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputTooLarge(f"input is more than max_bytes={max_bytes} bytes")
    return data


class Worker:
    """Cleans documents one by one and hands them to the writer's worker half."""

    def __init__(self, config: WorkerConfig, cleaner: Cleaner | None = None) -> None:
        self.config = config
        self.cleaner = cleaner or config.cleaner.build()
        self.writer = config.writer

    def run_chunk(self, docs: list[Document]) -> list[Outcome]:
        return [self.process(doc) for doc in docs]

    def process(self, doc: Document) -> Outcome:
        started = time.perf_counter()
        result, status, error = self.clean(doc)
        seconds = time.perf_counter() - started
        try:
            payload = self.writer.store(doc, result, status, error)
        except Exception as exc:
            return Outcome(doc.id, doc.path, STATUS_ERROR, f"cannot write output: {describe(exc)}", seconds=seconds)
        outcome = Outcome(doc.id, doc.path, status, error, payload, mode=doc.mode, seconds=seconds)
        if result is not None:
            outcome.mode, outcome.truncated = result.mode, result.truncated
            outcome.words = len(result.text.split())
        return outcome

    def clean(self, doc: Document) -> tuple[Result | None, str, str | None]:
        if doc.error is not None:
            return None, doc.fail_status, doc.error
        timeout = self.config.timeout
        try:
            with deadline(timeout):
                data = doc.data if doc.data is not None else load(_source(doc), self.config.cleaner.max_bytes)
                result = self.cleaner.clean(data, url=doc.url, mode=doc.mode, charset=doc.charset)
        except DocumentTimeout:
            return None, STATUS_TIMEOUT, f"cleaning took longer than {timeout or 0:g} s"
        except InputTooLarge as exc:
            return None, STATUS_TOO_LARGE, str(exc)
        except Exception as exc:  # one bad document never stops the batch
            return None, STATUS_ERROR, describe(exc)
        return result, result.status, result.error


def _source(doc: Document) -> Path:
    if doc.source is None:
        raise ValueError("document has neither data nor a source file")
    return doc.source


class _Alarm:
    armed = False


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if _Alarm.armed:
        _Alarm.armed = False
        raise DocumentTimeout


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in the body after ``seconds`` (SIGALRM; main thread only).

    Python code is interrupted at once; a C extension stuck in one call is
    interrupted when it returns to the interpreter. Elsewhere than in the
    main thread, or without ``seconds``, the body runs without limit.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _Alarm.armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        _Alarm.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_WORKER: Worker | None = None
_INHERITED: Cleaner | None = None  # the parent's Cleaner, copied into forked workers


def inherit_cleaner(cleaner: Cleaner | None) -> None:
    """Parent side, before forking workers: they use ``cleaner`` instead of each building
    their own (building one loads every rule file; a fork copies it for free)."""
    global _INHERITED
    _INHERITED = cleaner


def init_worker(config: WorkerConfig) -> None:
    """Pool initializer: this process's Cleaner (inherited or built once); leave Ctrl-C
    and SIGTERM to the parent, which kills busy workers when it stops."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    _WORKER = Worker(config, _INHERITED)


def _die_with_parent() -> None:
    """Linux: be killed when the parent dies (even by kill -9) instead of finishing a chunk."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no usable libc
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def process_chunk(docs: list[Document]) -> list[Outcome]:
    """Pool task: clean a chunk of documents in this worker process."""
    if _WORKER is None:
        raise RuntimeError("init_worker was not called in this process")
    return _WORKER.run_chunk(docs)

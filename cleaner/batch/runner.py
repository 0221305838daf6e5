"""The runner owns iteration, chunking, the process pool, stats and the report.

Documents flow reader -> (skip check) -> chunk -> worker (clean + store) ->
outcome -> writer.emit / report / progress, in input order. At most a
bounded window of chunks is in flight, so memory stays flat however many
inputs there are.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace

from .._model import STATUS_EMPTY, STATUS_OK, STATUS_TIMEOUT
from .._pipeline import Cleaner
from .document import (
    ALREADY_DONE,
    STATUS_ERROR,
    STATUS_INTERRUPTED,
    STATUS_SKIPPED,
    CleanerConfig,
    Document,
    Outcome,
    describe,
)
from .readers import Reader
from .worker import WorkerConfig, inherit_cleaner, init_worker, process_chunk
from .writers import ReportWriter, Writer

MAX_FAILURES_KEPT = 50  # failed outcomes kept in Stats for the summary
INTERRUPTED_ERROR = "run interrupted while this document was being cleaned; rerun to clean it"


class ProgressHook:
    """Receives progress events; the base class ignores them."""

    def start(self, total: int | None) -> None:
        """Called once the workers are up (``total`` documents, if known)."""

    def advance(self, outcome: Outcome) -> None:
        """Called for every finished document, in input order."""

    def stop(self) -> None:
        """Called at the end, also after an error."""


@dataclass(slots=True)
class Stats:
    """Counts of a run. ``resumed`` and ``filtered`` split the ``skipped`` count:
    outputs already there, and WARC records that are not pages."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Outcome] = field(default_factory=list)
    elapsed: float = 0.0
    resumed: int = 0
    filtered: int = 0
    filter_reasons: Counter[str] = field(default_factory=Counter)  # few distinct: record types, MIME types, codes
    truncated: int = 0
    expected: int | None = None  # documents known in advance, if any

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == STATUS_SKIPPED:
            if outcome.resumed:
                self.resumed += 1
            else:
                self.filtered += 1
                self.filter_reasons[outcome.reason or "?"] += 1
        self.truncated += outcome.truncated
        if outcome.failed and len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append(outcome)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def failed(self) -> int:
        return self.total - self.counts[STATUS_OK] - self.counts[STATUS_EMPTY] - self.counts[STATUS_SKIPPED]

    @property
    def processed(self) -> int:
        return self.total - self.counts[STATUS_SKIPPED]

    @property
    def rate(self) -> float | None:
        """Documents cleaned per second; None when none was cleaned (all skipped)."""
        if not self.processed or self.elapsed <= 0:
            return None
        return self.processed / self.elapsed

    @property
    def remaining(self) -> int | None:
        """Documents not reached (after an interruption), when the total was known."""
        return None if self.expected is None else max(0, self.expected - self.total)


@dataclass(frozen=True, slots=True)
class RunConfig:
    cleaner: CleanerConfig = field(default_factory=CleanerConfig)
    jobs: int = 1
    timeout: float | None = None
    chunk_size: int | None = None  # documents per pool task; None: chosen from the input size
    # A chunk still running this long after its documents' timeouts is stuck where
    # SIGALRM cannot reach (inside C code): its worker is killed and replaced.
    hard_timeout_grace: float = 10.0
    # On Ctrl-C / SIGTERM the running chunks get this long to finish (their outputs
    # are then reported), then their workers are killed: a stuck rule cannot hold
    # the run, and --timeout 0 does not mean "wait forever" for an interrupt.
    interrupt_grace: float = 2.0


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class _WatchdogKill(BrokenProcessPool):
    """The watchdog killed the workers: a chunk overran its documents' timeouts."""


@dataclass(slots=True)
class _Chunk:
    docs: list[Document]
    future: Future[list[Outcome]]


class Runner:
    """Runs readers through workers into a writer; see :meth:`run`."""

    def __init__(
        self,
        config: RunConfig,
        writer: Writer,
        *,
        report: ReportWriter | None = None,
        progress: ProgressHook | None = None,
        cleaner: Cleaner | None = None,
    ) -> None:
        self.config, self.writer, self.report = config, writer, report
        self.progress = progress or ProgressHook()
        self.worker_config = WorkerConfig(config.cleaner, writer, config.timeout)
        self._cleaner = cleaner  # inherited by the forked workers instead of each building one
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[_Chunk] = deque()  # chunks in flight, oldest first
        self._ready: deque[Outcome] = deque()  # outcomes collected but not handed out yet
        self.stats = Stats()  # the last run's counts, also after an interruption

    def run(self, readers: Sequence[Reader]) -> Stats:
        """Clean every document of ``readers``; never raises for a bad document.

        On KeyboardInterrupt the documents already finished are reported, and
        so are those of the running chunks that finish within
        ``interrupt_grace``; the workers still busy are then killed and their
        documents reported ``interrupted``. Then the interrupt goes on;
        :attr:`stats` holds the counts so far.
        """
        total = _known_total(readers)
        stats, started, ok = Stats(expected=total), time.perf_counter(), False
        self.stats = stats
        self._start(total)  # before opening outputs: forked workers inherit no buffered data
        try:
            self.writer.open()
            if self.report is not None:
                self.report.open()
            self.progress.start(total)
            for outcome in self._outcomes(_documents(readers), self._chunk_size(total)):
                self._finish(outcome, stats)
            ok = True
        except KeyboardInterrupt:
            running = self._wind_down()
            for outcome in self._drain(running):
                self._finish(outcome, stats)
            raise
        finally:
            stats.elapsed = time.perf_counter() - started
            self.progress.stop()
            self._stop()
            try:
                self.writer.close(ok)
            finally:
                if self.report is not None:
                    self.report.close()
        return stats

    def _finish(self, outcome: Outcome, stats: Stats) -> None:
        outcome = self._emit(outcome)
        stats.add(outcome)
        if self.report is not None:
            self.report.add(outcome)
        self.progress.advance(outcome)

    def _emit(self, outcome: Outcome) -> Outcome:
        """Hand ``outcome`` to the writer; text it cannot encode fails this document only.

        An OSError (disk full, closed pipe) is the output's, not the document's:
        it is raised and stops the run.
        """
        try:
            self.writer.emit(outcome)
        except (UnicodeError, ValueError) as exc:
            return replace(outcome, status=STATUS_ERROR, error=f"cannot write output: {describe(exc)}", payload=None)
        return outcome

    def _wind_down(self) -> set[int]:
        """After an interrupt: give the running chunks ``interrupt_grace`` seconds, then
        kill the workers. Returns the ids of the chunks that were killed while running."""
        for chunk in self._pending:
            chunk.future.cancel()  # not started yet: it stays so (only running futures resist)
        busy = [c for c in self._pending if c.future.running()]
        with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: stop waiting
            wait_futures([c.future for c in busy], timeout=self.config.interrupt_grace)
        killed = {id(c) for c in busy if not c.future.done()}
        if killed:
            self._kill_workers()
        self._stop()
        return killed

    def _drain(self, killed: set[int]) -> Iterator[Outcome]:
        """Outcomes of the chunks that finished but were not collected yet, oldest first,
        and ``interrupted`` ones for the documents of the chunks in ``killed``."""
        while self._ready:
            yield self._ready.popleft()
        while self._pending:
            chunk = self._pending.popleft()
            future = chunk.future
            if future.done() and not future.cancelled() and future.exception() is None:
                yield from future.result()
            elif id(chunk) in killed:
                yield from (self._failed(doc, STATUS_INTERRUPTED, INTERRUPTED_ERROR) for doc in chunk.docs)

    # -- workers -------------------------------------------------------------

    def _start(self, total: int | None) -> None:
        """A pool, even of one worker for one page: only a worker process can be killed
        when a document overruns its timeout inside C code, or when the run is
        interrupted (about 10 ms more for one page, the Cleaner being inherited)."""
        self._pool = self._new_pool(total)

    def _new_pool(self, total: int | None = None) -> ProcessPoolExecutor:
        # fork: workers start fast and share the parent's imports and Cleaner; they
        # are forked on the first submits, before any progress thread exists.
        sys.stdout.flush()  # a forked child flushes its copy of these buffers when it exits
        sys.stderr.flush()
        inherit_cleaner(self._cleaner)
        jobs = self.config.jobs if total is None else max(1, min(self.config.jobs, total))
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=init_worker,
            initargs=(self.worker_config,),
        )
        pool.submit(int).result()
        return pool

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _submit(self, docs: list[Document]) -> Future[list[Outcome]]:
        assert self._pool is not None
        return self._pool.submit(process_chunk, docs)

    def _chunk_size(self, total: int | None) -> int:
        if self.config.chunk_size:
            return self.config.chunk_size
        if total is None:
            return 16
        return max(1, min(32, total // (self.config.jobs * 32)))  # small tail: workers finish together

    # -- iteration -----------------------------------------------------------

    def _outcomes(self, docs: Iterable[Document], size: int) -> Iterator[Outcome]:
        pending = self._pending = deque()
        window = 4 * max(1, self.config.jobs)
        chunk: list[Document] = []
        for doc in docs:
            resolved = self._resolve_early(doc)
            if resolved is None:
                chunk.append(doc)
            if chunk and (resolved is not None or len(chunk) >= size):
                pending.append(_Chunk(chunk, self._submit(chunk)))
                chunk = []
            if resolved is not None:
                pending.append(_Chunk([doc], _done([resolved])))
            while pending and (len(pending) > window or pending[0].future.done()):
                yield from self._hand_out(pending)
        if chunk:
            pending.append(_Chunk(chunk, self._submit(chunk)))
        while pending:
            yield from self._hand_out(pending)

    def _resolve_early(self, doc: Document) -> Outcome | None:
        """Outcomes known without a worker: unreadable records and finished outputs."""
        if doc.error is not None:
            return self._failed(doc, doc.fail_status, doc.error)
        if doc.skip is not None:
            return Outcome(doc.id, doc.path, STATUS_SKIPPED, reason=doc.skip)
        if self.writer.skip(doc):
            return Outcome(doc.id, doc.path, STATUS_SKIPPED, reason=ALREADY_DONE)
        return None

    def _failed(self, doc: Document, status: str, error: str) -> Outcome:
        """An outcome decided in the parent; stream writers still get a record for it."""
        try:
            payload = self.writer.store(doc, None, status, error)
        except Exception:
            payload = None
        return Outcome(doc.id, doc.path, status, error, payload)

    def _hand_out(self, pending: deque[_Chunk]) -> Iterator[Outcome]:
        """The oldest chunk's outcomes one by one; those not handed out yet stay in
        ``_ready`` so that an interruption can still report them."""
        self._ready.extend(self._collect(pending))
        while self._ready:
            yield self._ready.popleft()

    def _collect(self, pending: deque[_Chunk]) -> list[Outcome]:
        """Wait for the oldest chunk and return its outcomes."""
        head = pending[0]
        try:
            outcomes = self._wait(head.future, len(head.docs))
        except _WatchdogKill as exc:
            if len(head.docs) > 1:
                outcomes = self._recover(head.docs, pending)
            else:  # the one document that overran is known: no need to run it again to find it
                outcomes = [self._broken(head.docs[0], exc)]
                self._recover([], pending)
        except BrokenProcessPool:
            outcomes = self._recover(head.docs, pending)
        pending.popleft()
        return outcomes

    def _wait(self, future: Future[list[Outcome]], size: int) -> list[Outcome]:
        """The result of ``future``; the watchdog kills the workers when it overruns."""
        if self._pool is None or not self.config.timeout:
            return future.result()
        try:
            return future.result(timeout=self.config.timeout * size + self.config.hard_timeout_grace)
        except TimeoutError:
            self._kill_workers()
            raise _WatchdogKill from None

    def _kill_workers(self) -> None:
        processes = getattr(self._pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
        for process in list(processes.values()):
            process.join()  # reaped, so that the pool sees them gone at once

    def _recover(self, docs: list[Document], pending: deque[_Chunk]) -> list[Outcome]:
        """The pool broke (a worker died, or was killed): start a new one and clean the
        oldest chunk's documents one by one, alone in the pool, so that the document that
        breaks it is known for sure; then resubmit the chunks that were in flight."""
        self._replace_pool()
        outcomes = [self._isolated(doc) for doc in docs]
        for item in list(pending)[1:]:
            future = item.future
            if not future.done() or future.cancelled() or future.exception() is not None:
                item.future = self._submit(item.docs)
        return outcomes

    def _isolated(self, doc: Document) -> Outcome:
        try:
            return self._wait(self._submit([doc]), 1)[0]
        except BrokenProcessPool as exc:
            self._replace_pool()
            return self._broken(doc, exc)

    def _broken(self, doc: Document, exc: BrokenProcessPool) -> Outcome:
        """The outcome of ``doc``, whose worker was killed by the watchdog or died."""
        if isinstance(exc, _WatchdogKill):
            error = f"still running {self.config.hard_timeout_grace:g} s after its timeout; worker killed"
            return self._failed(doc, STATUS_TIMEOUT, error)
        return self._failed(doc, STATUS_ERROR, "worker process died")

    def _replace_pool(self) -> None:
        self._stop()
        self._pool = self._new_pool()


def _documents(readers: Iterable[Reader]) -> Iterator[Document]:
    for reader in readers:
        yield from reader.read()


def _known_total(readers: Sequence[Reader]) -> int | None:
    counts = [r.count for r in readers]
    return None if any(c is None for c in counts) else sum(c for c in counts if c is not None)


def _done(outcomes: list[Outcome]) -> Future[list[Outcome]]:
    future: Future[list[Outcome]] = Future()
    future.set_result(outcomes)
    return future

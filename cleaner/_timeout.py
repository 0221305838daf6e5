"""A time limit on one call, in any thread of any process, without signals.

``SIGALRM`` only works in a process's main thread, and only on Unix: Dask and
thread pools clean in other threads, Spark and datatrove in processes whose
signal handlers are not ours to take. Instead, one watchdog thread per
process keeps the deadlines of the calls running under a limit; when one
passes, it raises :class:`CleaningTimeout` *in the thread that runs that
call*, through ``PyThreadState_SetAsyncExc`` (the interpreter delivers it at
the thread's next bytecode).

What it costs: arming and disarming a limit is a lock, a heap push and a
condition notify, a few microseconds a call; the watchdog sleeps until the
nearest deadline. What it cannot do: interrupt one long call inside a C
extension (an lxml parse, a regular expression) before it returns; cleaner
bounds those by its size caps (see :class:`cleaner.Cleaner`). The exception
derives from BaseException, so an ``except Exception`` in a library on the
way (trafilatura has several) does not swallow it.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class CleaningTimeout(BaseException):
    """Raised inside a call that ran past its limit; :func:`call_with_timeout` turns it into ``None``."""


class _Limit:
    __slots__ = ("active", "deadline", "fired", "thread_id")

    def __init__(self, deadline: float, thread_id: int) -> None:
        self.deadline, self.thread_id = deadline, thread_id
        self.active, self.fired = True, False


class _Watchdog:
    """The process's one watchdog thread: started on first use, and again after a fork."""

    def __init__(self) -> None:
        # reentrant, so that a thread can tell whether it holds it (``_released``)
        self._lock = threading.Condition(threading.RLock())
        self._heap: list[tuple[float, int, _Limit]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> _Limit:
        limit = _Limit(time.monotonic() + seconds, threading.get_ident())
        try:
            with self._lock:
                if self._thread is None or not self._thread.is_alive():  # first use, or a forked child
                    self._thread = threading.Thread(target=self._run, name="cleaner-timeout", daemon=True)
                    self._thread.start()
                heapq.heappush(self._heap, (limit.deadline, next(self._order), limit))
                self._lock.notify()
        finally:
            self._released()
        return limit

    def disarm(self, limit: _Limit) -> None:
        try:
            with self._lock:
                if not limit.active:
                    return
                limit.active = False
                if limit.fired:
                    # fired but not delivered yet (the call was returning): take it back
                    _set_async_exc(limit.thread_id, None)
        finally:
            self._released()

    def _released(self) -> None:
        """Release the lock if this thread still holds it. A limit's exception (this call's, or an outer
        call's) may arrive at any bytecode, also inside ``Condition.__enter__`` just after the lock was
        taken, where ``with`` will not release it: every thread then waited on it for ever (seen in CI)."""
        while self._lock._is_owned():  # type: ignore[attr-defined]
            self._lock.release()

    def _run(self) -> None:
        with self._lock:
            while True:
                while self._heap and not self._heap[0][2].active:
                    heapq.heappop(self._heap)  # finished in time
                if not self._heap:
                    self._lock.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                _, _, limit = heapq.heappop(self._heap)
                limit.fired = True
                _set_async_exc(limit.thread_id, CleaningTimeout)


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


_WATCHDOG = _Watchdog()


def call_with_timeout(seconds: float | None, fn: Callable[[], T]) -> tuple[T | None, bool]:
    """``(fn(), False)``, or ``(None, True)`` when ``fn`` ran past ``seconds`` and was stopped.

    ``seconds`` None or 0: no limit. Calls may nest (the inner limit only
    applies to the inner call) and run in many threads at once.
    """
    if not seconds or seconds <= 0:
        return fn(), False
    limit = _WATCHDOG.arm(seconds)
    try:
        try:
            value = fn()
        finally:
            _WATCHDOG.disarm(limit)
        # past its limit before the watchdog was scheduled (it needs the GIL): late all the same, so
        # that a limit means the same whichever thread got there first
        if time.monotonic() > limit.deadline:
            return None, True
        return value, False
    except CleaningTimeout:
        _WATCHDOG.disarm(limit)
        if not limit.fired:  # an outer limit's, passing through this call
            raise
        return None, True

"""The library's per-document timeout: in the main thread, in other threads, nested, and when met."""

from __future__ import annotations

import threading
import time

import pytest

import cleaner
from cleaner._model import STATUS_TIMEOUT
from cleaner._timeout import CleaningTimeout, call_with_timeout


def _spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def test_a_call_in_time_gives_its_value() -> None:
    assert call_with_timeout(1.0, lambda: "x") == ("x", False)
    assert call_with_timeout(None, lambda: "x") == ("x", False)
    assert call_with_timeout(0, lambda: "x") == ("x", False)


def test_a_call_past_its_limit_is_stopped() -> None:
    start = time.monotonic()
    assert call_with_timeout(0.1, lambda: _spin(5)) == (None, True)
    assert time.monotonic() - start < 2


def test_limits_in_many_threads_stop_only_their_own_call() -> None:
    results: dict[int, tuple[str | None, bool]] = {}

    def run(n: int) -> None:
        results[n] = call_with_timeout(0.2, lambda: _spin(3 if n % 2 else 0.01))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == {n: ((None, True) if n % 2 else ("done", False)) for n in range(6)}


def test_an_outer_limit_passes_through_an_inner_call() -> None:
    def inner() -> tuple[str | None, bool]:
        return call_with_timeout(10, lambda: _spin(5))

    outer = call_with_timeout(0.1, inner)
    assert outer == (None, True)


def test_no_late_exception_after_a_call_that_finished() -> None:
    # many calls finishing just around their deadline: none may leak CleaningTimeout afterwards
    for _ in range(200):
        call_with_timeout(0.001, lambda: _spin(0.001))
    _spin(0.05)  # a pending exception would be raised here


def test_cleaner_timeout_gives_a_status_not_an_exception() -> None:
    huge = "<html><body>" + "<p>a few words here</p>" * 60_000 + "</body></html>"
    c = cleaner.Cleaner(timeout=0.05, mode="html")
    result = c.clean(huge)
    assert result.status == STATUS_TIMEOUT and result.text == "" and "0.05 s" in (result.error or "")
    # the same Cleaner, a page it can clean in time, and a per-call override
    assert c.clean("<p>Short and fine, a sentence of prose here.</p>", timeout=30).status != STATUS_TIMEOUT
    assert cleaner.clean("Plain words in a sentence.", timeout=30).status != STATUS_TIMEOUT


def test_timeout_in_a_worker_thread() -> None:
    huge = "<html><body>" + "<p>a few words here</p>" * 60_000 + "</body></html>"
    c = cleaner.Cleaner(mode="html")
    out: list[str] = []
    t = threading.Thread(target=lambda: out.append(c.clean(huge, timeout=0.05).status))
    t.start()
    t.join(60)
    assert out == [STATUS_TIMEOUT]


@pytest.mark.parametrize("bad", [-1, "5", float("inf") * 0])
def test_bad_timeouts(bad: object) -> None:
    if isinstance(bad, float):  # NaN from a data frame: no limit, as None
        assert cleaner.clean("Plain words in a sentence.", timeout=bad).status == "ok"
        return
    with pytest.raises(ValueError):
        cleaner.Cleaner(timeout=bad)  # type: ignore[arg-type]


def test_timeout_is_a_base_exception() -> None:
    # an ``except Exception`` in a library under the call must not swallow it
    assert not issubclass(CleaningTimeout, Exception)


def test_a_call_that_finished_past_its_limit_is_late() -> None:
    # whether or not the watchdog got the GIL in time, a limit means the same thing
    assert call_with_timeout(1e-9, lambda: _spin(0.001)) == (None, True)

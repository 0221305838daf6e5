"""Terminal output on stderr: the progress bar and the end-of-run summary."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..batch.document import Outcome
from ..batch.formats import printable
from ..batch.runner import ProgressHook, Stats

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn, Task, TaskID

SHOWN_FAILURES = 10


class RichProgress(ProgressHook):
    """A rich progress bar on stderr (only built when stderr is a terminal)."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self._progress = Progress(*progress_columns(), console=self._console or Console(stderr=True), transient=True)
        self._task = self._progress.add_task("clean", total=total, failed=0)
        self._progress.start()

    def advance(self, outcome: Outcome) -> None:
        if self._progress is None or self._task is None:
            return
        task = self._progress.tasks[0]
        failed = int(task.fields["failed"]) + (1 if outcome.failed else 0)
        self._progress.update(self._task, advance=1, failed=failed)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def progress_columns() -> list[ProgressColumn | str]:
    """``cleaning ━━━━━━ 12/40  0 failed  3.1 pages/s  elapsed 0:00:04  remaining 0:00:09``."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return [
        TextColumn("[bold]cleaning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        _rate_column(),
        TextColumn("[dim]elapsed"),
        TimeElapsedColumn(),
        TextColumn("[dim]remaining"),
        TimeRemainingColumn(),
    ]


def _rate_column() -> ProgressColumn:
    """Pages per second, as rich estimates it (``-- pages/s`` until two pages are done)."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-- pages/s" if speed is None else f"{speed:.1f} pages/s", style="progress.data.speed")

    return RateColumn()


def summary_lines(stats: Stats, report: Path | None) -> list[str]:
    c = stats.counts
    breakdown = ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k not in ("ok", "empty", "skipped"))
    rate = f" ({stats.rate:.1f} pages/s)" if stats.rate is not None else ""  # over cleaned documents only
    lines = [
        f"cleaner: {stats.total} document{'' if stats.total == 1 else 's'} in {stats.elapsed:.1f} s{rate}: "
        f"ok {c['ok']}, empty {c['empty']}, failed {stats.failed}" + (f" ({breakdown})" if breakdown else "")
    ]
    if stats.resumed:
        lines[0] += f"; {stats.resumed} skipped (already done)"
    if stats.filtered:
        reasons = ", ".join(f"{n} {reason}" for reason, n in stats.filter_reasons.most_common(SHOWN_FAILURES))
        lines.append(f"  {stats.filtered} skipped: {printable(reasons)}")
    if stats.truncated:
        lines.append(f"  {stats.truncated} truncated: text cut at the size limit")
    for outcome in stats.failures[:SHOWN_FAILURES]:
        # ids, paths and errors come from the input: escaped, an ESC or newline in them shows as text
        lines.append(
            f"  {outcome.status}: {printable(outcome.id)} ({printable(outcome.path)}): {printable(outcome.error or '')}"
        )
    if stats.failed > SHOWN_FAILURES:
        lines.append(f"  ... and {stats.failed - SHOWN_FAILURES} more")
    if report is not None:
        lines.append(f"report: {printable(str(report))}")
    return lines


def print_summary(stats: Stats, report: Path | None) -> None:
    for line in summary_lines(stats, report):
        typer.echo(line, err=True)


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as other Unix tools


@contextmanager
def stdout_pipe() -> Iterator[None]:
    """Exit quietly with 141 when the reader of stdout goes away (``cleaner ... | head``)."""
    try:
        yield
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout at exit
        raise typer.Exit(EXIT_BROKEN_PIPE) from None

"""Warnings on the command line: one plain line on stderr each, never Python source lines.

Python's default display (``file:line: UserWarning: ...`` plus the source line
that warned) is for developers; a CLI user needs what went wrong and what to do.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
import warnings
from typing import TextIO

from ..batch.formats import printable
from ..rules import RuleFileWarning


def format_warning(message: Warning | str) -> str:
    # a file name or a rule's text may hold terminal escapes: escape before printing
    if isinstance(message, RuleFileWarning):
        path = message.path
        return printable(
            f"cleaner: warning: skipping rules file {path}: {message.summary}; "
            f"run `cleaner rules check {shlex.quote(path)}`"
        )
    return printable(f"cleaner: warning: {message}", lines=True)


def _show(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    stream = file or sys.stderr
    with contextlib.suppress(OSError, ValueError):  # stderr closed or gone: there is no one to tell
        stream.write(format_warning(message) + "\n")


def install() -> None:
    """Print warnings the CLI way for the rest of this process."""
    warnings.showwarning = _show

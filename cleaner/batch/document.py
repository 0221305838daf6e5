"""Plain value classes shared by readers, workers, writers and the runner."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._model import STATUS_BINARY, STATUS_EMPTY, STATUS_OK, STATUS_TIMEOUT, STATUS_TOO_LARGE, Mode
from .._pipeline import DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGE_TEXT_CHARS, Cleaner
from ..frontends import DEFAULT_ENGINE
from ..learn import SiteModel

# Outcome statuses on top of Result.status ("ok", "empty", "binary", "too_large", "invalid", "timeout").
STATUS_SKIPPED = "skipped"  # output already present (resume); not cleaned again
STATUS_ERROR = "error"  # unreadable input, bad gzip, broken record, crash
STATUS_INTERRUPTED = "interrupted"  # was being cleaned when the run was interrupted; its worker was killed
STATUS_INVALID = "invalid"  # Result status for input of the wrong type

# Anything not good is failed, so a status added to the core later fails by default.
GOOD_STATUSES = frozenset({STATUS_OK, STATUS_EMPTY, STATUS_SKIPPED})
FAILED_STATUSES = frozenset(
    {STATUS_BINARY, STATUS_TOO_LARGE, STATUS_TIMEOUT, STATUS_ERROR, STATUS_INVALID, STATUS_INTERRUPTED}
)

ALREADY_DONE = "already done"  # the skip reason of a resumed document


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """The keyword arguments of :class:`cleaner.Cleaner`, as plain data."""

    mode: Mode = "auto"
    engine: str = DEFAULT_ENGINE
    site_rules: bool = True
    rules_dirs: tuple[str, ...] = ()
    site: str | None = None
    max_bytes: int | None = DEFAULT_MAX_BYTES
    list_all_removed: bool = False
    max_page_text_chars: int | None = DEFAULT_MAX_PAGE_TEXT_CHARS
    site_model: SiteModel | None = None  # learned (--learn) or loaded (--site-model); plain data, pickles
    include_comments: bool = False

    def build(self) -> Cleaner:
        return Cleaner(
            mode=self.mode,
            engine=self.engine,
            site_rules=self.site_rules,
            rules_dirs=self.rules_dirs,
            site=self.site,
            max_bytes=self.max_bytes,
            list_all_removed=self.list_all_removed,
            max_page_text_chars=self.max_page_text_chars,
            site_model=self.site_model,
            include_comments=self.include_comments,
        )


@dataclass(slots=True)
class Document:
    """One page to clean.

    ``data`` holds the content, or is None for a file that the worker loads
    itself from ``source`` (so the parent process never reads plain files).
    ``rel`` is the output path below ``-o DIR``, without extension.
    ``error`` marks a document that could not even be read (broken record,
    oversized record); ``fail_status`` is then the status it is reported with.
    ``skip`` marks a record that is not a page (a WARC image or 404), with the
    reason. ``extra`` holds fields that pass through to the output record: a
    JSONL line's unread fields, a WARC record's ``warc_date``.
    """

    id: str
    path: str
    rel: str
    data: str | bytes | None = None
    source: Path | None = None
    url: str | None = None
    charset: str | None = None
    mode: Mode | None = None
    error: str | None = None
    fail_status: str = STATUS_ERROR
    skip: str | None = None
    extra: dict[str, Any] | None = None


@dataclass(slots=True)
class Outcome:
    """What became of one document: enough for the report and the writer.

    ``payload`` is the rendered output a stream writer prints in the parent
    process (None when the worker already stored it, or nothing to print).
    ``reason`` says why a skipped document was skipped; ``seconds`` is the
    time spent loading and cleaning it, ``words`` the words of its text.
    """

    id: str
    path: str
    status: str
    error: str | None = None
    payload: str | None = None
    reason: str | None = None
    mode: str | None = None
    words: int = 0
    seconds: float = 0.0
    truncated: bool = False

    @property
    def failed(self) -> bool:
        return self.status not in GOOD_STATUSES

    @property
    def resumed(self) -> bool:
        """Skipped because its output was already there (not cleaned in this run)."""
        return self.status == STATUS_SKIPPED and self.reason == ALREADY_DONE

    def report_line(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "reason": self.reason,
            "mode": self.mode,
            "words": self.words,
            "seconds": round(self.seconds, 4),
            "truncated": self.truncated,
        }


def describe(exc: BaseException) -> str:
    """``Type: message`` of an exception, for reports."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__

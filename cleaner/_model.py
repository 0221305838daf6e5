"""Value classes that flow through the pipeline: Block, Metadata, Result."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Mode = Literal["auto", "html", "text"]

# Result.status values. "ok" means text was produced; the others say why not.
STATUS_OK = "ok"
STATUS_EMPTY = "empty"  # decoded fine, but nothing looked like article prose
STATUS_BINARY = "binary"  # input is not text (images, archives, NUL-heavy bytes)
STATUS_TOO_LARGE = "too_large"  # input larger than the configured max_bytes
STATUS_INVALID = "invalid"  # input of the wrong type (not str or bytes): a caller's bug, reported per document
STATUS_TIMEOUT = "timeout"  # cleaning took longer than the timeout it was given

# The flat record (Result.to_record): every key and the type of its value, in order. One
# definition for the CLI's flat records and every integration's schema (Spark, Arrow,
# datasets), so that a column means the same thing wherever it is read.
# Types: "string" (may be null), "bool", "int", "list<string>".
RECORD_SCHEMA: tuple[tuple[str, str], ...] = (
    ("text", "string"),
    ("status", "string"),
    ("error", "string"),
    ("mode", "string"),
    ("truncated", "bool"),
    ("title", "string"),
    ("date", "string"),
    ("author", "string"),
    ("site", "string"),
    ("domain", "string"),
    ("description", "string"),
    ("language", "string"),
    ("url", "string"),
    ("site_rule", "string"),
    ("categories", "list<string>"),
    ("tags", "list<string>"),
    ("removed_count", "int"),
    ("removed_words", "int"),
    # a JSON object, category -> blocks removed: a fixed type where the categories are open-ended
    ("removed_by_category", "string"),
    # the reader comments (Result.comments): each one's text, in page order, and how many
    ("comments", "list<string>"),
    ("comments_count", "int"),
)
# With ``to_record(removed=True)``: the removed blocks themselves, a list of
# {"text", "category", "reason"} (all strings), in page order.
RECORD_REMOVED_KEY = "removed"
RECORD_REMOVED_FIELDS: tuple[str, ...] = ("text", "category", "reason")
# The fields of one comment in Result.to_dict's "comments" (None where the page shows no author or date).
COMMENT_FIELDS: tuple[str, ...] = ("text", "author", "date")

KEEP = "keep"
DROP = "drop"


@dataclass(slots=True, init=False)
class Block:
    """One paragraph-sized unit of the page, with the decision taken on it.

    ``category`` names what the block is ("body", "heading", "navigation",
    "caption", ...); ``reason`` names the rule that decided it, prefixed by
    the engine that owns the rule (``generic:`` or ``site:<name>:``).
    """

    index: int
    text: str
    tag: str = "p"  # p, h, li, line, ... (HTML mode keeps the element kind)
    gap_before: bool = True  # a blank line (paragraph break) precedes it
    decision: str | None = None  # KEEP, DROP, or None while undecided
    category: str = ""
    reason: str = ""
    # features filled by the feature stage; plain attributes keep it cheap
    words: int = 0
    stop_ratio: float = 0.0
    repeats: int = 1
    # from a front-end that segments the DOM itself (the fast engine), else None:
    # ids of the block's ancestor elements, outermost first, and its share of characters in link text
    path: tuple[int, ...] | None = None
    link_share: float | None = None

    # Written out rather than generated: the dataclass's generated __init__ is interpreted
    # code even where this module is compiled, and a page makes hundreds of blocks.
    def __init__(
        self,
        index: int,
        text: str,
        tag: str = "p",
        gap_before: bool = True,
        decision: str | None = None,
        category: str = "",
        reason: str = "",
        words: int = 0,
        stop_ratio: float = 0.0,
        repeats: int = 1,
        path: tuple[int, ...] | None = None,
        link_share: float | None = None,
    ) -> None:
        self.index = index
        self.text = text
        self.tag = tag
        self.gap_before = gap_before
        self.decision = decision
        self.category = category
        self.reason = reason
        self.words = words
        self.stop_ratio = stop_ratio
        self.repeats = repeats
        self.path = path
        self.link_share = link_share

    @property
    def kept(self) -> bool:
        return self.decision == KEEP

    def keep(self, category: str, reason: str) -> None:
        self.decision, self.category, self.reason = KEEP, category, reason

    def drop(self, category: str, reason: str) -> None:
        self.decision, self.category, self.reason = DROP, category, reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "tag": self.tag,
            "decision": self.decision or DROP,
            "category": self.category,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Comment:
    """One reader comment (or one reply of a thread): its text, and the author and date the page shows.

    ``date`` is the date as the page shows it ("July 10th, 2012, 1:26 am"); the
    lines that only served to find the comment (Reply, Report, vote counts) are
    not in ``text``.
    """

    text: str
    author: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "author": self.author, "date": self.date}

    def render(self) -> str:
        """The comment as text: a header line with its author and date (where shown), then its text."""
        head = " — ".join(part for part in (self.author, self.date) if part)
        return f"{head}\n\n{self.text}" if head else self.text


@dataclass(slots=True)
class Metadata:
    """Document metadata; every field is optional (None when not found)."""

    title: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD, or with time when known)
    author: str | None = None
    site: str | None = None
    domain: str | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    site_rule: str | None = None  # name of the site rule file applied, if any

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def merge_missing(self, other: Metadata) -> None:
        """Fill fields that are still empty from ``other``."""
        for name in self.__dataclass_fields__:
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))


@dataclass(slots=True)
class Result:
    """What cleaning one document produced."""

    text: str
    metadata: Metadata
    blocks: list[Block]
    mode: str = "text"
    status: str = STATUS_OK
    error: str | None = None
    # True when a size limit cut the text short (see Cleaner's limits); the
    # status stays "ok" because text was produced, but the cut is never silent.
    truncated: bool = False
    # the page's reader comments, in page order; in ``text`` too only where the Cleaner was asked to
    # (include_comments)
    comments: list[Comment] = field(default_factory=list)

    def __repr__(self) -> str:
        # a page's text and blocks can run to megabytes: show their size, not their content
        head = self.text[:60] + ("…" if len(self.text) > 60 else "")
        return (
            f"<Result status={self.status!r} mode={self.mode!r} words={len(self.text.split())} "
            f"removed={len(self.removed)} comments={len(self.comments)} truncated={self.truncated} text={head!r}>"
        )

    @property
    def removed(self) -> list[Block]:
        return [b for b in self.blocks if not b.kept]

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    def to_dict(self, *, blocks: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; ``blocks=True`` adds every block, kept or not.

        This is the one record shape: the CLI's JSON and JSONL records are this
        dict with the document's ``id`` and ``path`` in front.
        """
        out: dict[str, Any] = {
            "text": self.text,
            "status": self.status,
            "error": self.error,
            "mode": self.mode,
            "truncated": self.truncated,
            "metadata": self.metadata.to_dict(),
            "removed": [{"text": b.text, "category": b.category, "reason": b.reason} for b in self.removed],
            "comments": [c.to_dict() for c in self.comments],
        }
        if blocks:
            out["blocks"] = [b.to_dict() for b in self.blocks]
        return out

    def to_record(self, prefix: str = "", *, removed: bool = False) -> dict[str, Any]:
        """One flat row: the keys of ``RECORD_SCHEMA``, each with ``prefix`` in front.

        The shape every integration writes (datatrove metadata, Spark and Arrow
        columns, ``datasets`` features) and the CLI's ``--flat`` records: only
        strings, numbers, booleans and lists of strings, so it fits a fixed
        schema. ``removed=True`` adds the removed blocks themselves under
        ``removed`` (a list of {"text", "category", "reason"}).
        """
        gone = self.removed
        per_category: dict[str, int] = {}
        for b in gone:
            per_category[b.category] = per_category.get(b.category, 0) + 1
        meta = self.metadata
        values: dict[str, Any] = {
            "text": self.text,
            "status": self.status,
            "error": self.error,
            "mode": self.mode,
            "truncated": self.truncated,
            "title": meta.title,
            "date": meta.date,
            "author": meta.author,
            "site": meta.site,
            "domain": meta.domain,
            "description": meta.description,
            "language": meta.language,
            "url": meta.url,
            "site_rule": meta.site_rule,
            "categories": list(meta.categories),
            "tags": list(meta.tags),
            "removed_count": len(gone),
            "removed_words": sum(b.words or len(b.text.split()) for b in gone),
            "removed_by_category": json.dumps(per_category, sort_keys=True, ensure_ascii=False),
            "comments": [c.text for c in self.comments],
            "comments_count": len(self.comments),
        }
        if removed:
            values[RECORD_REMOVED_KEY] = [{"text": b.text, "category": b.category, "reason": b.reason} for b in gone]
        return {prefix + key: value for key, value in values.items()}

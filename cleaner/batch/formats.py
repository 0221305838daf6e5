"""Output formats: the datatrove-style record and its txt / md / json renderings."""

from __future__ import annotations

import json
import re
from typing import Any

from .._model import Metadata, Result
from .document import Document

FORMATS = ("txt", "json", "jsonl", "md")
EXTENSIONS = {"txt": ".txt", "json": ".json", "md": ".md", "jsonl": ".jsonl"}


def record(
    doc: Document, result: Result | None, *, status: str, error: str | None, flat_prefix: str | None = None
) -> dict[str, Any]:
    """One document: ``id`` and ``path``, then :meth:`Result.to_dict`'s keys.

    ``text``, ``id`` and a ``metadata`` object make it a datatrove-style
    record too. ``flat_prefix`` (a string) asks for the flat record instead:
    :meth:`Result.to_record`'s keys with that prefix, the keys every
    integration writes. Both carry the removed blocks. ``status`` and ``error``
    are the outcome's (a result can be superseded by a timeout or a read
    error). ``result`` is None when cleaning never produced one.
    """
    if result is None:
        result = Result(text="", metadata=Metadata(url=doc.url), blocks=[], mode=doc.mode or "auto")
    rec: dict[str, Any] = {"id": doc.id, "path": doc.path}
    if flat_prefix is None:
        rec.update(result.to_dict(), status=status, error=error)
    else:
        rec.update(result.to_record(flat_prefix, removed=True))
        rec.update({f"{flat_prefix}status": status, f"{flat_prefix}error": error})
    if doc.extra:
        pass_through(rec, doc.extra)
    return rec


INPUT_KEY = "input"  # where input fields that cannot go to the top level are kept
# Never filled from the input's metadata: cleaner's ``date`` is the article's, and an input's
# ``date`` is as often the crawl's (datatrove and Common Crawl put the WARC-Date there).
NOT_FILLED = frozenset({"date"})


def pass_through(rec: dict[str, Any], extra: dict[str, Any]) -> None:
    """Keep an input record's other fields in ``rec``, as datatrove does; nothing is dropped.

    A field whose name is free in ``rec`` goes to the top level unchanged. A
    field whose name is taken (``status``, ``mode``...) goes under
    ``rec["input"]``. When ``rec`` has a ``metadata`` object (the nested
    record), the input's own ``metadata`` fills the keys of it that cleaner
    left empty (not ``date``: see NOT_FILLED) and is kept whole under
    ``rec["input"]["metadata"]``; a flat record has none, so there the
    input's ``metadata`` is a free name like any other.
    """
    kept: dict[str, Any] = {}
    for key, value in extra.items():
        if key == "metadata" and isinstance(value, dict) and isinstance(rec.get("metadata"), dict):
            _fill_missing(rec["metadata"], value)
            kept[key] = value
        elif key in rec or key == INPUT_KEY:
            kept[key] = value
        else:
            rec[key] = value
    if kept:
        rec[INPUT_KEY] = kept


def _fill_missing(meta: dict[str, Any], given: dict[str, Any]) -> None:
    for key, value in given.items():
        if key not in NOT_FILLED and meta.get(key) in (None, "", [], {}):
            meta[key] = value


# A lone surrogate (a JSONL "\ud800", a file name that is not UTF-8 decoded with
# surrogateescape) is a valid Python str but cannot be encoded as UTF-8: left raw,
# writing it crashes the writer. Every output text goes through one of the two
# helpers below, so whatever the input holds the outputs stay valid UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def json_text(obj: Any, *, indent: int | None = None) -> str:
    """``json.dumps`` keeping non-ASCII text readable, with lone surrogates as ``\\udXXX``
    escapes: valid JSON, valid UTF-8, and ``json.loads`` gives the same string back."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)  # only inside JSON strings


def plain_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (txt / md outputs have no escapes)."""
    return _SURROGATE.sub(REPLACEMENT, text)


# Characters that make a terminal (or a `==> id <==` header) do something else than
# show text: C0 and C1 controls (ESC sequences, newlines forging lines), DEL, bidi
# overrides and isolates (text shown in another order than it is), lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


_UNPRINTABLE_IN_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` with every control, bidi and surrogate character escaped (``\\x1b``,
    ``\\n``, ``\\u202e``): for everything input-derived shown on a terminal. One line,
    unless ``lines`` (a block of page text): then newlines and tabs are kept."""
    return (_UNPRINTABLE_IN_LINES if lines else _UNPRINTABLE).sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def to_jsonl(rec: dict[str, Any]) -> str:
    return json_text(rec) + "\n"


def to_json(rec: dict[str, Any]) -> str:
    return json_text(rec, indent=2) + "\n"


def sidecar(rec: dict[str, Any]) -> str:
    """The ``.json`` written next to a ``.txt`` / ``.md`` output: all but the text."""
    return to_json({k: v for k, v in rec.items() if k != "text"})


def to_markdown(result: Result) -> str:
    """Kept blocks: ``h*`` tags as ``## `` headings, ``li`` as ``- `` items, else paragraphs."""
    parts: list[str] = []
    for block in result.blocks:
        if not block.kept:
            continue
        heading, item = block.tag.startswith("h"), block.tag == "li"
        text = " ".join(block.text.split()) if heading or item else block.text
        if heading:
            parts.append(f"## {text}")
        elif item:
            parts.append(f"- {text}")
        else:
            parts.append(text)
    return plain_text("\n\n".join(parts)) + "\n" if parts else ""


def to_text(result: Result) -> str:
    return plain_text(result.text) + "\n" if result.text else ""


def render(fmt: str, rec: dict[str, Any], result: Result | None) -> str:
    """The main output of one document in format ``fmt`` (only json and jsonl show ``rec``)."""
    if fmt == "jsonl":
        return to_jsonl(rec)
    if fmt == "json":
        return to_json(rec)
    if result is None:
        return ""
    return to_markdown(result) if fmt == "md" else to_text(result)

"""Output formats: the datatrove-style record and its txt / md / json renderings."""

from __future__ import annotations

import json
from typing import Any

from .._model import Metadata, Result
from .document import Document

FORMATS = ("txt", "json", "jsonl", "md")
EXTENSIONS = {"txt": ".txt", "json": ".json", "md": ".md", "jsonl": ".jsonl"}


def record(doc: Document, result: Result | None, *, status: str, error: str | None) -> dict[str, Any]:
    """One document in datatrove's layout: ``id``, ``text``, ``metadata``.

    ``metadata`` holds the Metadata fields plus ``path``, ``mode``,
    ``status``, ``error`` and ``removed`` (text, category, reason per block).
    ``result`` is None when cleaning never produced one (timeout, read error).
    """
    meta = result.metadata.to_dict() if result is not None else Metadata(url=doc.url).to_dict()
    meta.update(
        path=doc.path,
        mode=result.mode if result is not None else doc.mode,
        status=status,
        error=error,
        removed=[{"text": b.text, "category": b.category, "reason": b.reason} for b in result.removed]
        if result is not None
        else [],
    )
    return {"id": doc.id, "text": result.text if result is not None else "", "metadata": meta}


def to_jsonl(rec: dict[str, Any]) -> str:
    return json.dumps(rec, ensure_ascii=False) + "\n"


def to_json(rec: dict[str, Any]) -> str:
    return json.dumps(rec, ensure_ascii=False, indent=2) + "\n"


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
    return "\n\n".join(parts) + "\n" if parts else ""


def to_text(result: Result) -> str:
    return result.text + "\n" if result.text else ""


def render(fmt: str, rec: dict[str, Any], result: Result | None) -> str:
    """The main output of one document in format ``fmt``."""
    if fmt == "jsonl":
        return to_jsonl(rec)
    if fmt == "json":
        return to_json(rec)
    if result is None:
        return ""
    return to_markdown(result) if fmt == "md" else to_text(result)

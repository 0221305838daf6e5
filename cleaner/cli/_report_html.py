"""The self-contained HTML report of ``cleaner explain --html``: kept vs removed, side by side."""

from __future__ import annotations

from html import escape

from .._model import Block, Result
from ..batch.document import Document

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:16px 24px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:20px;margin:0 0 8px} table{border-collapse:collapse}
.meta td{padding:2px 12px 2px 0;vertical-align:top} .meta td:first-child{color:#666}
.blocks{width:100%;table-layout:fixed} .blocks th{position:sticky;top:0;background:#eee;padding:8px;text-align:left}
.blocks td{width:50%;padding:6px 10px;vertical-align:top;border-bottom:1px solid #e6e6e6}
td.keep{background:#eefaf0} td.drop{background:#fdf0f0;color:#555}
.why{font-size:12px;color:#666;font-family:ui-monospace,Menlo,Consolas,monospace;margin-bottom:2px}
.text{white-space:pre-wrap;overflow-wrap:anywhere} .n{color:#999}
"""

_META = (
    "title",
    "date",
    "author",
    "site",
    "domain",
    "language",
    "url",
    "description",
    "categories",
    "tags",
    "site_rule",
)


def html_report(result: Result, doc: Document) -> str:
    """A complete HTML page (inline CSS, no external assets)."""
    kept = sum(1 for b in result.blocks if b.kept)
    title = result.metadata.title or doc.id
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>cleaner explain: {escape(title)}</title><style>{_CSS}</style></head><body>",
            f"<header><h1>{escape(title)}</h1>",
            _meta_table(result, doc),
            f"<p>{len(result.blocks)} blocks: {kept} kept, {len(result.blocks) - kept} removed.</p></header>",
            '<table class="blocks"><thead><tr><th>Kept</th><th>Removed</th></tr></thead><tbody>',
            *(_row(b) for b in result.blocks),
            "</tbody></table></body></html>",
        ]
    )


def _meta_table(result: Result, doc: Document) -> str:
    meta = result.metadata.to_dict()
    rows = [("id", doc.id), ("path", doc.path), ("mode", result.mode), ("status", result.status)]
    if result.error:
        rows.append(("error", result.error))
    for name in _META:
        value = meta.get(name)
        if value:
            rows.append((name, ", ".join(value) if isinstance(value, list) else str(value)))
    cells = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="meta">{cells}</table>'


def _row(block: Block) -> str:
    why = f"{escape(block.category or '-')} · {escape(block.reason or '-')} · &lt;{escape(block.tag)}&gt;"
    side = "keep" if block.kept else "drop"
    cell = (
        f'<td class="{side}"><div class="why"><span class="n">#{block.index}</span> {why}</div>'
        f'<div class="text">{escape(block.text)}</div></td>'
    )
    return f"<tr>{cell}<td></td></tr>" if block.kept else f"<tr><td></td>{cell}</tr>"

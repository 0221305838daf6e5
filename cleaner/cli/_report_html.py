"""The self-contained HTML report of ``cleaner explain --html``: kept vs removed, side by side."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from html import escape
from itertools import groupby

from .._model import Block, Result
from ..batch.document import Document
from ._explain import DEFAULT_COLLAPSE, category_counts

ARTICLE_ID = "article-start"  # the row of the first kept block

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
.summary{margin:8px 0} .summary th,.summary td{padding:2px 12px 2px 0;text-align:right}
.summary th:first-child,.summary td:first-child{text-align:left} .summary tr.total td{border-top:1px solid #ccc}
td.run{padding:0;border-bottom:1px solid #e6e6e6;background:#fdf0f0}
td.run summary{padding:6px 10px;cursor:pointer;color:#555} td.run .blocks th{position:static}
#article-start td.keep{border-top:3px solid #2a8a3a}
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


def html_report(result: Result, doc: Document, *, collapse: int = DEFAULT_COLLAPSE) -> str:
    """A complete HTML page (inline CSS, no external assets, no script).

    On top: metadata, blocks and words per category, and a link to the first
    kept block (the article start). Runs of ``collapse`` or more consecutive
    dropped blocks are folded into a ``<details>`` element (0: never).
    """
    kept = sum(1 for b in result.blocks if b.kept)
    title = result.metadata.title or doc.id
    first = next((b for b in result.blocks if b.kept), None)
    jump = (
        f'<p><a href="#{ARTICLE_ID}">Jump to the article start (block #{first.index})</a></p>'
        if first is not None
        else "<p>No block was kept.</p>"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>cleaner explain: {escape(title)}</title><style>{_CSS}</style></head><body>",
            f"<header><h1>{escape(title)}</h1>",
            _meta_table(result, doc),
            f"<p>{len(result.blocks)} blocks: {kept} kept, {len(result.blocks) - kept} removed.</p>",
            _summary_table(result.blocks),
            jump,
            "</header>",
            '<table class="blocks"><thead><tr><th>Kept</th><th>Removed</th></tr></thead><tbody>',
            *_rows(result.blocks, collapse, first),
            "</tbody></table></body></html>",
        ]
    )


def _summary_table(blocks: Sequence[Block]) -> str:
    counts = category_counts(blocks)
    if not counts:
        return ""
    head = (
        "<thead><tr><th>Category</th><th>Kept blocks</th><th>Kept words</th>"
        "<th>Dropped blocks</th><th>Dropped words</th></tr></thead>"
    )
    rows = "".join(
        f"<tr><td>{escape(c.category)}</td><td>{c.kept}</td><td>{c.kept_words}</td>"
        f"<td>{c.dropped}</td><td>{c.dropped_words}</td></tr>"
        for c in counts
    )
    total = (
        f'<tr class="total"><td>all</td><td>{sum(c.kept for c in counts)}</td>'
        f"<td>{sum(c.kept_words for c in counts)}</td><td>{sum(c.dropped for c in counts)}</td>"
        f"<td>{sum(c.dropped_words for c in counts)}</td></tr>"
    )
    return f'<table class="summary">{head}<tbody>{rows}{total}</tbody></table>'


def _rows(blocks: Sequence[Block], collapse: int, first: Block | None) -> Iterator[str]:
    """One row per block; a run of ``collapse`` or more dropped blocks becomes one folded row."""
    for kept, group in groupby(blocks, key=lambda b: b.kept):
        run = list(group)
        if kept or collapse <= 0 or len(run) < collapse:
            yield from (_row(b, anchor=b is first) for b in run)
            continue
        counts = Counter(b.category or "-" for b in run)
        what = ", ".join(f"{escape(name)} {n}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        span = f"#{run[0].index}–#{run[-1].index}"
        inner = "".join(_row(b) for b in run)
        yield (
            f'<tr><td class="run" colspan="2"><details><summary>{len(run)} dropped blocks: {what}'
            f' <span class="n">({span})</span></summary><table class="blocks"><tbody>{inner}</tbody></table>'
            "</details></td></tr>"
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


def _row(block: Block, *, anchor: bool = False) -> str:
    why = f"{escape(block.category or '-')} · {escape(block.reason or '-')} · &lt;{escape(block.tag)}&gt;"
    side = "keep" if block.kept else "drop"
    cell = (
        f'<td class="{side}"><div class="why"><span class="n">#{block.index}</span> {why}</div>'
        f'<div class="text">{escape(block.text)}</div></td>'
    )
    tr = f'<tr id="{ARTICLE_ID}">' if anchor else "<tr>"
    return f"{tr}{cell}<td></td></tr>" if block.kept else f"{tr}<td></td>{cell}</tr>"

"""``cleaner explain``: every block of one page with its decision, category and rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._model import Block, Result
from ..batch.discover import InputOptions, discover
from ..batch.document import Document
from ..batch.formats import plain_text, printable
from ..batch.readers import ContainerReader, InputError
from ..batch.worker import InputTooLarge, load
from ..batch.writers import atomic_write
from ..frontends import DEFAULT_ENGINE
from ._console import stdout_pipe
from ._options import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGE_TEXT,
    EngineOpt,
    MaxBytesOpt,
    MaxPageTextOpt,
    ModeOpt,
    RulesOpt,
    SiteModelOpt,
    SiteOpt,
    SiteRulesOpt,
    UrlOpt,
    build_cleaner,
    cleaner_config,
    load_site_model,
)

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_COLLAPSE = 5  # HTML report: runs of this many dropped blocks or more are folded
META_FIELDS = ("title", "date", "author", "site", "domain", "language", "url", "description", "categories", "tags")


@dataclass(slots=True)
class CategoryCount:
    """Blocks and words of one category, kept and dropped."""

    category: str
    kept: int = 0
    dropped: int = 0
    kept_words: int = 0
    dropped_words: int = 0

    @property
    def blocks(self) -> int:
        return self.kept + self.dropped


def category_counts(blocks: Sequence[Block]) -> list[CategoryCount]:
    """One row per category ("-" for none), most blocks first."""
    counts: dict[str, CategoryCount] = {}
    for block in blocks:
        row = counts.setdefault(block.category or "-", CategoryCount(block.category or "-"))
        words = len(block.text.split())
        if block.kept:
            row.kept, row.kept_words = row.kept + 1, row.kept_words + words
        else:
            row.dropped, row.dropped_words = row.dropped + 1, row.dropped_words + words
    return sorted(counts.values(), key=lambda c: (-c.blocks, c.category))


@dataclass(frozen=True, slots=True)
class BlockFilter:
    """Which blocks to list: ``--kept``, ``--dropped`` (both or neither: all), ``--category`` (any of)."""

    kept: bool = False
    dropped: bool = False
    categories: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return self.kept != self.dropped or bool(self.categories)

    def __call__(self, block: Block) -> bool:
        if self.kept != self.dropped and block.kept != self.kept:
            return False
        return not self.categories or (block.category or "-").lower() in self.categories

    def describe(self) -> str:
        parts = ["--kept" if self.kept else "--dropped"] if self.kept != self.dropped else []
        parts += [f"--category {c}" for c in sorted(self.categories)]
        return " ".join(parts)


def first_document(path: str, options: InputOptions) -> Document:
    try:
        readers = discover([path], options)
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="FILE") from exc
    for reader in readers:
        for doc in reader.read():
            return doc
    raise typer.BadParameter(f"no page found in {path}", param_hint="FILE")


def nth_record(path: str, options: InputOptions, n: int) -> Document:
    """Record ``n`` of one WARC or JSONL file: the number ``cleaner clean`` gives it.

    ``clean`` names a record by its place in the file (``crawl.warc.gz#5``,
    ``dump.jsonl:12``, output ``DIR/crawl.warc.gz/5.txt``), so the same number
    picks it here: a WARC's warcinfo and request records count, a JSONL's lines.
    """
    try:
        readers = discover([path], replace(options, report_skipped=True))
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="FILE") from exc
    if len(readers) != 1 or not isinstance(readers[0], ContainerReader):
        what = "a single page" if len(readers) == 1 else f"{len(readers)} files"
        raise typer.BadParameter(f"needs a WARC or JSONL file, not {what}", param_hint="--record")
    numbers: list[str] = []
    for doc in readers[0].read():
        number = re.split(r"[#:]", doc.path)[-1]
        if number == str(n):
            if doc.skip is not None:
                raise typer.BadParameter(f"record {n} is not a page ({doc.skip})", param_hint="--record")
            return doc
        if doc.skip is None:
            numbers.append(number)
    pages = ", ".join(numbers[:10]) + (", ..." if len(numbers) > 10 else "") or "none"
    raise typer.BadParameter(
        f"{Path(path).name} has no record {n}; its pages are records {pages}", param_hint="--record"
    )


def explain_command(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="A page (HTML, text, .gz), a WARC or JSONL file (see --record), or - for stdin."
        ),
    ],
    record: Annotated[
        int | None,
        typer.Option(
            "--record",
            "-r",
            min=1,
            metavar="N",
            help="WARC/JSONL: explain record N, numbered as `clean` names it (crawl.warc.gz#N, dump.jsonl:N) [default: the first page].",
        ),
    ] = None,
    kept: Annotated[bool, typer.Option("--kept", help="List only the kept blocks.")] = False,
    dropped: Annotated[bool, typer.Option("--dropped", help="List only the dropped blocks.")] = False,
    category: Annotated[
        list[str] | None,
        typer.Option("--category", "-c", metavar="NAME", help="List only blocks of this category; repeatable."),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="Print only the counts per category, no metadata and no blocks.")
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Also write a self-contained HTML report, kept vs removed."),
    ] = None,
    collapse: Annotated[
        int,
        typer.Option(
            "--collapse",
            min=0,
            metavar="N",
            help="HTML report: fold runs of N or more dropped blocks (0: never).",
        ),
    ] = DEFAULT_COLLAPSE,
    mode: ModeOpt = None,
    engine: EngineOpt = DEFAULT_ENGINE,
    url: UrlOpt = None,
    site_rules: SiteRulesOpt = True,
    rules: RulesOpt = None,
    site: SiteOpt = None,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    max_page_text: MaxPageTextOpt = DEFAULT_MAX_PAGE_TEXT,
    site_model: SiteModelOpt = None,
) -> None:
    """Show why each block of a page was kept or dropped.

    Prints the page's metadata, the kept and dropped blocks per category,
    then every block with **KEEP** or **DROP**, its category and the rule
    that decided it (coloured on a terminal). **--kept**, **--dropped** and
    **--category** narrow the list; the counts always cover the whole page.

    **Examples:**

    * `cleaner explain page.html`
    * `cleaner explain page.html --dropped --category navigation`
    * `cleaner explain crawl.warc.gz --record 3 --summary`
    * `cleaner explain page.html --html report.html --url https://example.com/story`
    * `cleaner explain dump.txt --no-site-rules | grep DROP`
    """
    # every block of the page, including what the HTML extractor left out: explain is for reading, not for speed
    config = cleaner_config(
        mode, site_rules, rules, site, max_bytes, engine=engine, list_all_removed=True, max_page_text=max_page_text
    )
    options = InputOptions(mode=config.mode if mode else None, url=url, max_bytes=config.max_bytes)
    doc = first_document(file, options) if record is None else nth_record(file, options, record)
    cleaner = build_cleaner(replace(config, site_model=load_site_model(site_model)))
    if doc.error is not None:
        typer.echo(f"cleaner: {printable(doc.path)}: {printable(doc.error)}", err=True)
        raise typer.Exit(1)
    try:
        data = doc.data if doc.data is not None else load(doc.source or Path(doc.path), config.max_bytes)
    except (Exception, InputTooLarge) as exc:  # unreadable file, bad gzip, too large
        typer.echo(f"cleaner: cannot read {printable(doc.path)}: {printable(str(exc))}", err=True)
        raise typer.Exit(1) from None
    result = cleaner.clean(data, url=doc.url, mode=doc.mode, charset=doc.charset)
    show = BlockFilter(kept, dropped, frozenset(c.lower() for c in category or ()))
    missing = sorted(show.categories - {(b.category or "-").lower() for b in result.blocks})
    if missing and not summary:
        present = ", ".join(c.category for c in category_counts(result.blocks)) or "none"
        typer.echo(f"cleaner: no block of category {', '.join(missing)} (this page has: {present})", err=True)
    with stdout_pipe():
        print_explanation(result, doc, show=show, summary_only=summary)
    if html is not None:
        from ._report_html import html_report

        try:
            # atomic: a failure leaves no 0-byte or half report; lone surrogates (a file name
            # that is not UTF-8) become U+FFFD instead of failing the encoding
            atomic_write(html, plain_text(html_report(result, doc, collapse=collapse)))
        except OSError as exc:
            raise typer.BadParameter(f"cannot write {html}: {exc}", param_hint="--html") from exc
        typer.echo(f"report: {html}", err=True)
    raise typer.Exit(0 if result.status in ("ok", "empty") else 1)


def print_explanation(
    result: Result,
    doc: Document,
    console: Console | None = None,
    *,
    show: Callable[[Block], bool] | None = None,
    summary_only: bool = False,
) -> None:
    """Metadata, counts per category, then one header line and the text of each block ``show`` accepts."""
    from rich.console import Console
    from rich.text import Text

    class _PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError  # handled by stdout_pipe(): exit 141

    console = console or _PipeConsole(highlight=False, soft_wrap=True)
    # everything taken from the input is escaped: ESC sequences or lone surrogates in an id,
    # a file name or the page text must neither drive the terminal nor crash the encoding
    header = f"{printable(doc.id)}  ({printable(doc.path)})  mode={result.mode}  status={result.status}"
    console.print(Text(header, style="bold"))
    if result.error:
        console.print(Text(f"error: {printable(result.error)}", style="red"))
    if not summary_only:
        meta = result.metadata.to_dict()
        for name in (*META_FIELDS, "site_rule"):
            if meta.get(name):
                value = ", ".join(meta[name]) if isinstance(meta[name], list) else str(meta[name])
                console.print(Text.assemble((f"{name + ':':13}", "cyan"), printable(value)))
    if not summary_only:
        print_comments(result, console)
    kept = sum(1 for b in result.blocks if b.kept)
    console.print(Text(f"{len(result.blocks)} blocks: {kept} kept, {len(result.blocks) - kept} dropped", style="bold"))
    for i, line in enumerate(summary_table(result.blocks)):
        console.print(Text(line, style="dim" if i == 0 else ""))
    if summary_only:
        return
    shown = [b for b in result.blocks if show is None or show(b)]
    if isinstance(show, BlockFilter) and show.active:
        console.print(Text(f"listing {len(shown)} of {len(result.blocks)} blocks ({show.describe()})", style="bold"))
    for block in shown:
        label, style = ("KEEP", "bold green") if block.kept else ("DROP", "bold red")
        console.print()
        console.print(
            Text.assemble(
                (f"[{block.index:03d}] ", "dim"),
                (label, style),
                f"  {block.category or '-'}  ",
                (block.reason or "-", "yellow"),
                (f"  <{block.tag}>", "dim"),
            )
        )
        console.print(Text(printable(block.text, lines=True), style="" if block.kept else "dim"))


def print_comments(result: Result, console: Console) -> None:
    """The page's reader comments, one header line (author, date) and the text of each."""
    from rich.text import Text

    if not result.comments:
        return
    console.print(Text(f"{len(result.comments)} comments", style="bold"))
    for i, comment in enumerate(result.comments, 1):
        who = " — ".join(printable(part) for part in (comment.author, comment.date) if part) or "-"
        console.print(Text.assemble((f"  [c{i:03d}] ", "dim"), (who, "cyan")))
        console.print(Text(printable(comment.text, lines=True), style="dim"))


def summary_table(blocks: Sequence[Block]) -> list[str]:
    """``category  kept (words)  dropped (words)`` aligned, one line per category; empty without blocks."""
    rows = category_counts(blocks)
    if not rows:
        return []
    width = max(8, *(len(r.category) for r in rows))
    lines = [f"{'category':{width}}  {'kept':>5} {'(words)':>9}  {'dropped':>7} {'(words)':>9}"]
    for r in rows:
        lines.append(
            f"{r.category:{width}}  {r.kept:5d} {f'({r.kept_words})':>9}  {r.dropped:7d} {f'({r.dropped_words})':>9}"
        )
    return lines

"""``cleaner explain``: every block of one page with its decision, category and rule."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._model import Result
from ..batch.discover import InputOptions, discover
from ..batch.document import Document
from ..batch.readers import InputError
from ..batch.worker import InputTooLarge, load
from ._console import stdout_pipe
from ._options import (
    DEFAULT_MAX_BYTES,
    MaxBytesOpt,
    ModeOpt,
    RulesOpt,
    SiteOpt,
    SiteRulesOpt,
    UrlOpt,
    build_cleaner,
    cleaner_config,
)

if TYPE_CHECKING:
    from rich.console import Console

META_FIELDS = ("title", "date", "author", "site", "domain", "language", "url", "description", "categories", "tags")


def first_document(path: str, options: InputOptions) -> Document:
    try:
        readers = discover([path], options)
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="FILE") from exc
    for reader in readers:
        for doc in reader.read():
            return doc
    raise typer.BadParameter(f"no page found in {path}", param_hint="FILE")


def explain_command(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A page (HTML, text, .gz; WARC/JSONL: first record) or -.")
    ],
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report, kept vs removed.")
    ] = None,
    mode: ModeOpt = None,
    url: UrlOpt = None,
    site_rules: SiteRulesOpt = True,
    rules: RulesOpt = None,
    site: SiteOpt = None,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
) -> None:
    """Show why each block of a page was kept or dropped.

    Prints the page's metadata, then every block with **KEEP** or **DROP**,
    its category and the rule that decided it (coloured on a terminal).

    **Examples:**

    * `cleaner explain page.html`
    * `cleaner explain page.html --html report.html --url https://example.com/story`
    * `cleaner explain dump.txt --no-site-rules | grep DROP`
    """
    # every block of the page, including what the HTML extractor left out: explain is for reading, not for speed
    config = cleaner_config(mode, site_rules, rules, site, max_bytes, list_all_removed=True)
    options = InputOptions(mode=config.mode if mode else None, url=url, max_bytes=config.max_bytes)
    doc = first_document(file, options)
    cleaner = build_cleaner(config)
    if doc.error is not None:
        typer.echo(f"cleaner: {doc.path}: {doc.error}", err=True)
        raise typer.Exit(1)
    try:
        data = doc.data if doc.data is not None else load(Path(doc.path), config.max_bytes)
    except (Exception, InputTooLarge) as exc:  # unreadable file, bad gzip, too large
        typer.echo(f"cleaner: cannot read {doc.path}: {exc}", err=True)
        raise typer.Exit(1) from None
    result = cleaner.clean(data, url=doc.url, mode=doc.mode, charset=doc.charset)
    with stdout_pipe():
        print_explanation(result, doc)
    if html is not None:
        from ._report_html import html_report

        try:
            html.write_text(html_report(result, doc), encoding="utf-8")
        except OSError as exc:
            raise typer.BadParameter(f"cannot write {html}: {exc}", param_hint="--html") from exc
        typer.echo(f"report: {html}", err=True)
    raise typer.Exit(0 if result.status in ("ok", "empty") else 1)


def print_explanation(result: Result, doc: Document, console: Console | None = None) -> None:
    """Metadata, then one header line and the text of each block."""
    from rich.console import Console
    from rich.text import Text

    class _PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError  # handled by stdout_pipe(): exit 141

    console = console or _PipeConsole(highlight=False, soft_wrap=True)
    console.print(Text(f"{doc.id}  ({doc.path})  mode={result.mode}  status={result.status}", style="bold"))
    if result.error:
        console.print(Text(f"error: {result.error}", style="red"))
    meta = result.metadata.to_dict()
    for name in (*META_FIELDS, "site_rule"):
        if meta.get(name):
            value = ", ".join(meta[name]) if isinstance(meta[name], list) else str(meta[name])
            console.print(Text.assemble((f"{name + ':':13}", "cyan"), value))
    kept = sum(1 for b in result.blocks if b.kept)
    console.print(Text(f"{len(result.blocks)} blocks: {kept} kept, {len(result.blocks) - kept} dropped", style="bold"))
    for block in result.blocks:
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
        console.print(Text(block.text, style="" if block.kept else "dim"))

"""``cleaner clean``: many inputs in, cleaned text and metadata out."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from ..batch.discover import InputOptions, discover
from ..batch.readers import FileReader, InputError, JsonlFields, Reader, StdinReader
from ..batch.runner import RunConfig, Runner, default_jobs
from ..batch.writers import JsonlFileWriter, ReportWriter, StreamWriter, TreeWriter, Writer
from ._console import RichProgress, print_summary, stdout_pipe
from ._options import (
    DEFAULT_MAX_BYTES,
    FormatChoice,
    ListAllRemovedOpt,
    MaxBytesOpt,
    ModeOpt,
    RulesOpt,
    SiteOpt,
    SiteRulesOpt,
    UrlOpt,
    build_cleaner,
    cleaner_config,
)

REPORT_NAME = "_report.jsonl"


@dataclass(frozen=True, slots=True)
class Output:
    """Where results go: ``kind`` is "stdout", "file" (one .jsonl) or "tree" (-o DIR)."""

    kind: str
    fmt: str
    path: Path | None = None


def resolve_output(output: Path | None, fmt: FormatChoice | None) -> Output:
    if output is None:
        return Output("stdout", fmt.value if fmt else "jsonl")
    if output.name.endswith((".jsonl", ".jsonl.gz")) and not output.is_dir():
        if fmt not in (None, FormatChoice.jsonl):
            raise typer.BadParameter(f"{output} is a .jsonl file: use --format jsonl or -o DIR", param_hint="-o")
        return Output("file", "jsonl", output)
    if fmt is FormatChoice.jsonl:
        raise typer.BadParameter("--format jsonl goes to stdout or one file: -o NAME.jsonl", param_hint="--format")
    if output.exists() and not output.is_dir():
        raise typer.BadParameter(f"{output} exists and is not a folder", param_hint="-o")
    return Output("tree", fmt.value if fmt else "txt", output)


def single(readers: list[Reader]) -> bool:
    """One page in (one file or stdin), so stdout needs no separators."""
    return len(readers) == 1 and isinstance(readers[0], FileReader | StdinReader)


def make_writer(out: Output, readers: list[Reader], overwrite: bool) -> Writer:
    if out.kind == "tree":
        assert out.path is not None
        return TreeWriter(out.path, out.fmt, overwrite=overwrite)
    if out.kind == "file":
        assert out.path is not None
        return JsonlFileWriter(out.path)
    one = single(readers)
    return StreamWriter(out.fmt, headers=not one, array=not one)


def report_path(out: Output, report: Path | None) -> Path | None:
    if report is None and out.kind == "tree":
        assert out.path is not None
        return out.path / REPORT_NAME
    return report


def find_inputs(inputs: list[str], options: InputOptions, out: Output) -> list[Reader]:
    if out.kind == "tree" and out.path is not None:
        target = out.path.resolve()
        if any(arg != "-" and Path(arg).is_dir() and Path(arg).resolve() == target for arg in inputs):
            raise typer.BadParameter("the output folder cannot be an input folder", param_hint="-o")
    if inputs.count("-") > 1:
        raise typer.BadParameter("stdin (-) can be read only once", param_hint="INPUT")
    try:
        readers = discover(inputs, options)
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="INPUT") from exc
    if options.url is not None and not single(readers):
        raise typer.BadParameter("--url needs exactly one page as input", param_hint="--url")
    return readers


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C: workers stopped, report published, exit 130."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def clean_command(
    inputs: Annotated[
        list[str], typer.Argument(metavar="INPUT", help="Files, folders (searched recursively) or - for stdin.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="DIR|FILE", help="Folder mirroring the input tree, or one NAME.jsonl[.gz] file."
        ),
    ] = None,
    fmt: Annotated[
        FormatChoice | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="txt, md, json (per document) or jsonl. Default: jsonl, txt with -o DIR.",
        ),
    ] = None,
    mode: ModeOpt = None,
    glob: Annotated[
        str | None, typer.Option("--glob", metavar="PATTERN", help="In folders, take files matching this pattern.")
    ] = None,
    url: UrlOpt = None,
    text_field: Annotated[
        str, typer.Option("--text-field", metavar="NAME", help="JSONL field holding plain text.")
    ] = "text",
    html_field: Annotated[str, typer.Option("--html-field", metavar="NAME", help="JSONL field holding HTML.")] = "html",
    url_field: Annotated[str, typer.Option("--url-field", metavar="NAME", help="JSONL field holding the URL.")] = "url",
    id_field: Annotated[
        str, typer.Option("--id-field", metavar="NAME", help="JSONL field holding the document id.")
    ] = "id",
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, metavar="N", help="Worker processes [default: all cores].")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0, metavar="SECONDS", help="Seconds allowed per document (0: no limit).")
    ] = 60.0,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Redo documents whose output exists.")] = False,
    site_rules: SiteRulesOpt = True,
    rules: RulesOpt = None,
    site: SiteOpt = None,
    list_all_removed: ListAllRemovedOpt = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", metavar="FILE", help=f"Run report (JSONL) path [default with -o DIR: DIR/{REPORT_NAME}]."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
) -> None:
    """Clean web pages: HTML, text, their .gz, WARC and JSONL files, or stdin.

    Output goes to stdout (JSONL by default) or, with **-o DIR**, to one
    file per document mirroring the input tree (`a/b/page.html` -> `DIR/a/b/page.txt`
    plus a `page.json` sidecar with metadata and removed blocks). Existing
    outputs are skipped, so an interrupted run resumes where it stopped.
    Every input is listed with its status in the run report.

    **Examples:**

    * `cleaner clean page.html --format txt`
    * `curl -s https://example.com/story | cleaner clean - --url https://example.com/story`
    * `cleaner clean pages/ -o out/ --jobs 4`
    * `cleaner clean crawl.warc.gz -o cleaned.jsonl`
    * `cleaner clean dump.jsonl.gz --html-field raw_html --id-field doc_id > cleaned.jsonl`
    * `cleaner clean site/ --glob '*.php' --mode html -o out/ --format md`
    """
    out = resolve_output(output, fmt)
    config = cleaner_config(mode, site_rules, rules, site, max_bytes, list_all_removed=list_all_removed)
    excluded = tuple(p for p in (out.path, report) if p is not None)
    fields = JsonlFields(text=text_field, html=html_field, url=url_field, id=id_field)
    options = InputOptions(
        mode=config.mode if mode else None,
        glob=glob,
        url=url,
        fields=fields,
        max_bytes=config.max_bytes,
        exclude=excluded,
    )
    readers = find_inputs(inputs, options, out)
    cleaner = build_cleaner(config)
    run_config = RunConfig(cleaner=config, jobs=jobs or default_jobs(), timeout=timeout or None)
    writer = make_writer(out, readers, overwrite)
    path = report_path(out, report)
    show = not quiet and sys.stderr.isatty() and not single(readers)
    progress = RichProgress() if show else None
    runner = Runner(run_config, writer, report=ReportWriter(path) if path else None, progress=progress, cleaner=cleaner)
    if not readers:
        typer.echo("cleaner: no input files found (check the folder and --glob)", err=True)
    try:
        with stdout_pipe(), _sigterm_interrupts():
            stats = runner.run(readers)
    except KeyboardInterrupt:
        typer.echo("cleaner: interrupted", err=True)
        raise typer.Exit(130) from None
    except OSError as exc:  # outputs or report not writable: nothing more can be done
        typer.echo(f"cleaner: {exc}", err=True)
        raise typer.Exit(1) from None
    if not quiet:
        print_summary(stats, path)
    raise typer.Exit(1 if stats.failed else 0)

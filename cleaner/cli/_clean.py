"""``cleaner clean``: many inputs in, cleaned text and metadata out."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from .._pipeline import Cleaner
from ..batch.discover import InputOptions, discover, output_clashes
from ..batch.document import STATUS_INTERRUPTED, CleanerConfig
from ..batch.formats import EXTENSIONS, printable
from ..batch.learning import learn_pass
from ..batch.readers import (
    DEFAULT_WARC_TYPES,
    REPORT_NAME,
    ErrorReader,
    InputError,
    JsonlFields,
    Reader,
    WarcFilter,
)
from ..batch.runner import RunConfig, Runner, Stats, default_jobs
from ..batch.writers import JsonlFileWriter, OutputInUse, ReportWriter, StreamWriter, TreeWriter, Writer
from ..frontends import DEFAULT_ENGINE
from ..learn import LearnSettings, SiteModel
from ..learn._model import DEFAULT_MIN_COUNT, DEFAULT_MIN_PAGES, DEFAULT_MIN_SHARE
from ._console import RichProgress, print_summary, stdout_pipe
from ._options import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGE_TEXT,
    EngineOpt,
    FlatOpt,
    FormatChoice,
    IncludeCommentsOpt,
    LearnMinCountOpt,
    LearnMinPagesOpt,
    LearnMinShareOpt,
    LearnOpt,
    ListAllRemovedOpt,
    MaxBytesOpt,
    MaxPageTextOpt,
    ModeOpt,
    PrefixOpt,
    RulesOpt,
    SaveSiteModelOpt,
    SiteModelOpt,
    SiteOpt,
    SiteRulesOpt,
    UrlOpt,
    build_cleaner,
    cleaner_config,
    flat_prefix,
    load_site_model,
)


class InputFormat(StrEnum):
    auto = "auto"
    html = "html"
    text = "text"
    jsonl = "jsonl"
    warc = "warc"


@dataclass(frozen=True, slots=True)
class Output:
    """Where results go: ``kind`` is "stdout", "file" (one .jsonl) or "tree" (-o DIR)."""

    kind: str
    fmt: str
    path: Path | None = None


def resolve_output(arg: str | None, fmt: FormatChoice | None) -> Output:
    if arg is None:
        return Output("stdout", fmt.value if fmt else "jsonl")
    output = Path(arg)
    if output.name.endswith((".jsonl", ".jsonl.gz")) and not output.is_dir():
        if fmt not in (None, FormatChoice.jsonl):
            raise typer.BadParameter(f"{output} is a .jsonl file: use --format jsonl or -o DIR", param_hint="-o")
        return Output("file", "jsonl", output)
    if fmt is FormatChoice.jsonl:
        raise typer.BadParameter("--format jsonl goes to stdout or one file: -o NAME.jsonl", param_hint="--format")
    if output.exists() and not output.is_dir():
        raise typer.BadParameter(f"{output} exists and is not a folder", param_hint="-o")
    if looks_like_a_file(arg) and not output.is_dir():
        # -o out.txt would otherwise quietly become a folder named out.txt
        stem = output.with_name(output.name.split(".")[0] or "out")
        raise typer.BadParameter(
            f"{arg} looks like a file name, but -o takes a folder or a NAME.jsonl[.gz] file: "
            f"use -o {stem}/ or -o {stem}.jsonl",
            param_hint="-o",
        )
    return Output("tree", fmt.value if fmt else "txt", output)


def looks_like_a_file(arg: str) -> bool:
    """``out.txt`` yes; ``out``, ``out/``, ``out.d/`` (a trailing slash says folder), ``.`` no."""
    if arg.endswith(("/", os.sep)):
        return False
    name = Path(arg).name
    return bool(os.path.splitext(name)[1]) and not name.startswith(".")


def single(readers: list[Reader]) -> bool:
    """One page in (one file, or stdin holding one page), so stdout needs no separators."""
    return len(readers) == 1 and readers[0].count == 1 and not isinstance(readers[0], ErrorReader)


def make_writer(out: Output, readers: list[Reader], overwrite: bool, flat: str | None = None) -> Writer:
    """The writer of ``out``; ``flat`` None writes nested records, a string flat ones with that prefix."""
    if out.kind == "tree":
        assert out.path is not None
        return TreeWriter(out.path, out.fmt, overwrite=overwrite, flat_prefix=flat)
    if out.kind == "file":
        assert out.path is not None
        return JsonlFileWriter(out.path, flat_prefix=flat)
    one = single(readers)
    return StreamWriter(out.fmt, headers=not one, array=not one, flat_prefix=flat)


def report_path(out: Output, report: Path | None) -> Path | None:
    if report is None and out.kind == "tree":
        assert out.path is not None
        return out.path / REPORT_NAME
    return report


def in_tree(out: Output, path: Path) -> bool:
    """True when ``path`` is in ``-o DIR``, so the folder's lock covers it."""
    return out.kind == "tree" and out.path is not None and _abs(path.parent) == _abs(out.path)


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
        raise typer.BadParameter(printable(str(exc)), param_hint="INPUT") from exc
    if options.url is not None and not single(readers):
        raise typer.BadParameter("--url needs exactly one page as input", param_hint="--url")
    return readers


def check_outputs(out: Output, report: Path | None, readers: list[Reader]) -> None:
    """Refuse a run that would write over an input, or write two inputs to one output."""
    inputs = {_abs(r.path) for r in readers if r.path != "-" and not isinstance(r, ErrorReader)}
    if out.kind == "file" and out.path is not None and _abs(out.path) in inputs:
        raise typer.BadParameter(
            f"{printable(str(out.path))} is also an input: choose another output file", param_hint="-o"
        )
    if report is not None and out.kind == "file" and out.path is not None and _abs(report) == _abs(out.path):
        raise typer.BadParameter("the report and the output cannot be the same file", param_hint="--report")
    if report is not None and _abs(report) in inputs:
        raise typer.BadParameter(
            f"{printable(str(report))} is also an input: choose another report path", param_hint="--report"
        )
    if out.kind != "tree" or out.path is None:
        return
    clashes = output_clashes(readers)
    if clashes:
        first, second = clashes[0]
        raise typer.BadParameter(
            f"{printable(first.path)} and {printable(second.path)} would both be written to "
            f"{printable(str(out.path / first.rel))}.*: "
            "give them in separate runs or to different -o folders",
            param_hint="INPUT",
        )
    for reader in readers:
        for target in tree_outputs(out, reader):
            if _abs(target) in inputs:
                raise typer.BadParameter(
                    f"the output {printable(str(target))} of {printable(reader.path)} would replace an input: "
                    "choose another -o folder",
                    param_hint="-o",
                )


def tree_outputs(out: Output, reader: Reader) -> list[Path]:
    """The paths below ``-o DIR`` that ``reader``'s documents take (a container: its folder)."""
    assert out.path is not None
    base = out.path.joinpath(*reader.rel.split("/"))
    if reader.count != 1:
        return [base]  # records go to DIR/<file name>/<n>.*
    return [base.with_name(base.name + EXTENSIONS[out.fmt]), base.with_name(base.name + ".json")]


def _abs(path: str | Path) -> str:
    return os.path.abspath(path)


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


def warc_filter(content_types: str, all_statuses: bool) -> WarcFilter:
    types = {t.strip().lower() for t in content_types.split(",") if t.strip()}
    if not types:
        raise typer.BadParameter("give at least one type, or '*' for all", param_hint="--warc-content-types")
    return WarcFilter(content_types=None if "*" in types else frozenset(types), all_statuses=all_statuses)


def interrupted_message(stats: Stats, out: Output, report: Path | None) -> str:
    """Counts so far, what is left, and how to go on."""
    return "\n".join([f"cleaner: interrupted: {progress_so_far(stats)}", *how_to_go_on(out, report)])


def stopped_message(exc: OSError, stats: Stats, out: Output, report: Path | None) -> str:
    """The run stopped because an output or the report cannot be written (disk full,
    permissions): the error, what was done, and what is missing."""
    lines = [f"cleaner: cannot write the output: {printable(str(exc))}"]
    if stats.total:
        lines.append(f"cleaner: stopped: {progress_so_far(stats)}")
    else:
        lines.append("cleaner: stopped before cleaning any document")
    return "\n".join([*lines, *how_to_go_on(out, report)])


def progress_so_far(stats: Stats) -> str:
    """``N documents finished (ok, empty, failed, skipped)``, the interrupted, the rest."""
    killed = stats.counts[STATUS_INTERRUPTED]
    done = stats.total - killed
    left = "the rest not started" if stats.remaining is None else f"{stats.remaining} not started"
    text = (
        f"{done} document{'' if done == 1 else 's'} finished "
        f"(ok {stats.counts['ok']}, empty {stats.counts['empty']}, failed {stats.failed - killed}, "
        f"skipped {stats.counts['skipped']}), "
    )
    if killed:
        text += f"{killed} interrupted while being cleaned (reported as {STATUS_INTERRUPTED}), "
    return text + left


def how_to_go_on(out: Output, report: Path | None) -> list[str]:
    parts = []
    if report is not None:
        parts.append(f"report: {printable(str(report))}")
    if out.kind == "tree":
        parts.append("rerun the same command to resume")
    elif out.kind == "file":  # published only by a finished run, so it is never mistaken for a whole one
        parts.append(f"{printable(str(out.path))} was not written: rerun the command to write it")
    return parts


def check_learning(
    inputs: list[str], learn: bool, model: Path | None, save: Path | None, readers: list[Reader]
) -> None:
    """--learn reads every input twice: stdin cannot be one; a model is learned or loaded, not both."""
    if learn and model is not None:
        raise typer.BadParameter("--learn learns a model from the inputs; --site-model loads one: give one of them")
    if save is not None and not learn:
        raise typer.BadParameter("--save-site-model saves what --learn learned: add --learn", param_hint="--learn")
    if learn and "-" in inputs:
        raise typer.BadParameter("--learn reads the inputs twice: save stdin to a file first", param_hint="INPUT")
    if save is not None and any(_abs(save) == _abs(r.path) for r in readers if r.path != "-"):
        raise typer.BadParameter(f"{printable(str(save))} is also an input", param_hint="--save-site-model")


def learning_pass(
    readers: list[Reader],
    cleaner: Cleaner,
    config: CleanerConfig,
    settings: LearnSettings,
    timeout: float | None,
    quiet: bool,
) -> SiteModel:
    """The first pass of --learn, with one line on stderr saying what it learned."""
    if not quiet:
        typer.echo("cleaner: --learn: reading the inputs for site statistics ...", err=True)
    model, stats = learn_pass(readers, cleaner, settings=settings, max_bytes=config.max_bytes, timeout=timeout)
    if not quiet:
        typer.echo(f"cleaner: --learn: {stats.summary()}", err=True)
    return model


def clean_command(
    inputs: Annotated[
        list[str], typer.Argument(metavar="INPUT", help="Files, folders (searched recursively) or - for stdin.")
    ],
    output: Annotated[
        str | None,
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
    flat: FlatOpt = False,
    prefix: PrefixOpt = None,
    mode: ModeOpt = None,
    engine: EngineOpt = DEFAULT_ENGINE,
    glob: Annotated[
        str | None, typer.Option("--glob", metavar="PATTERN", help="In folders, take files matching this pattern.")
    ] = None,
    url: UrlOpt = None,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks", help="In folders, read symlinked files and folders too (else skipped with a reason)."
        ),
    ] = False,
    input_format: Annotated[
        InputFormat | None,
        typer.Option(
            "--input-format",
            metavar="FORMAT",
            help="Read every input as this; auto sniffs gzip, WARC, JSONL or a page. "
            "Default: files by extension, stdin sniffed.",
        ),
    ] = None,
    warc_content_types: Annotated[
        str,
        typer.Option(
            "--warc-content-types",
            metavar="TYPES",
            help="WARC: comma-separated Content-Types to clean ('*': all); other records are skipped. "
            "Default: HTML, XHTML and plain text.",
            show_default=False,  # the full list would be cut at 80 columns
        ),
    ] = ",".join(sorted(DEFAULT_WARC_TYPES)),
    warc_all_statuses: Annotated[
        bool, typer.Option("--warc-all-statuses", help="WARC: also clean non-2xx HTTP responses (404 pages...).")
    ] = False,
    text_field: Annotated[
        str,
        typer.Option("--text-field", metavar="NAME", help="JSONL field holding the text (HTML there is sniffed)."),
    ] = "text",
    html_field: Annotated[str, typer.Option("--html-field", metavar="NAME", help="JSONL field holding HTML.")] = "html",
    url_field: Annotated[
        str, typer.Option("--url-field", metavar="NAME", help="JSONL field holding the URL (else under metadata).")
    ] = "url",
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
    max_page_text: MaxPageTextOpt = DEFAULT_MAX_PAGE_TEXT,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Redo documents whose output exists.")] = False,
    site_rules: SiteRulesOpt = True,
    rules: RulesOpt = None,
    site: SiteOpt = None,
    list_all_removed: ListAllRemovedOpt = False,
    include_comments: IncludeCommentsOpt = False,
    learn: LearnOpt = False,
    site_model: SiteModelOpt = None,
    save_site_model: SaveSiteModelOpt = None,
    learn_min_pages: LearnMinPagesOpt = DEFAULT_MIN_PAGES,
    learn_min_share: LearnMinShareOpt = DEFAULT_MIN_SHARE,
    learn_min_count: LearnMinCountOpt = DEFAULT_MIN_COUNT,
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
    file per document mirroring the input tree (`a/b/page.html` -> `DIR/a/b/page.html.txt`
    plus a `page.html.json` sidecar with metadata and removed blocks). Existing
    outputs are skipped, so an interrupted run resumes where it stopped.
    Every document is listed with its status in the run report, merged across reruns.
    Stdin is sniffed: a page, JSONL or WARC, gzipped or not. WARC records that
    are not pages (images, 404s, requests) are skipped with a reason.

    **Examples:**

    * `cleaner clean page.html --format txt`
    * `curl -s https://example.com/story | cleaner clean - --url https://example.com/story`
    * `cleaner clean pages/ -o out/ --jobs 4`
    * `cleaner clean crawl.warc.gz -o cleaned.jsonl`
    * `cleaner clean dump.jsonl.gz --html-field raw_html --id-field doc_id > cleaned.jsonl`
    * `zcat dump.jsonl.gz | cleaner clean - > cleaned.jsonl`
    * `cleaner clean datatrove/00000.jsonl.gz --flat -o cleaned.jsonl` (datatrove's JSONL: HTML in text, metadata.url)
    * `cleaner clean site/ --glob '*.php' --mode html -o out/ --format md`
    * `cleaner clean crawl/ --learn --save-site-model sites.json -o out/` (then `--site-model sites.json` elsewhere)
    """
    out = resolve_output(output, fmt)
    flat_keys = flat_prefix(flat, prefix, out.fmt)
    config = cleaner_config(
        mode,
        site_rules,
        rules,
        site,
        max_bytes,
        engine=engine,
        list_all_removed=list_all_removed,
        max_page_text=max_page_text,
        include_comments=include_comments,
    )
    excluded = tuple(p for p in (out.path, report) if p is not None)
    fields = JsonlFields(text=text_field, html=html_field, url=url_field, id=id_field)
    options = InputOptions(
        mode=config.mode if mode else None,
        glob=glob,
        url=url,
        fields=fields,
        max_bytes=config.max_bytes,
        exclude=excluded,
        input_format=input_format.value if input_format else None,
        warc_filter=warc_filter(warc_content_types, warc_all_statuses),
        report_skipped=True,
        follow_symlinks=follow_symlinks,
    )
    readers = find_inputs(inputs, options, out)
    path = report_path(out, report)
    check_outputs(out, path, readers)
    check_learning(inputs, learn, site_model, save_site_model, readers)
    config = replace(config, site_model=load_site_model(site_model))
    cleaner = build_cleaner(config)
    if learn:
        settings = LearnSettings(min_pages=learn_min_pages, min_share=learn_min_share, min_count=learn_min_count)
        model = learning_pass(readers, cleaner, config, settings, timeout or None, quiet)
        if save_site_model is not None:
            model.save(save_site_model)
        config = replace(config, site_model=model)
        cleaner = cleaner.with_site_model(model)  # the rules and lexicons already built
    run_config = RunConfig(cleaner=config, jobs=jobs or default_jobs(), timeout=timeout or None)
    writer = make_writer(out, readers, overwrite, flat_keys)
    show = not quiet and sys.stderr.isatty() and not single(readers)
    progress = RichProgress() if show else None
    report_writer = None if path is None else ReportWriter(path, lock=not in_tree(out, path))
    runner = Runner(run_config, writer, report=report_writer, progress=progress, cleaner=cleaner)
    if not readers:
        typer.echo("cleaner: no input files found (check the folder and --glob)", err=True)
    try:
        with stdout_pipe(), _sigterm_interrupts():
            stats = runner.run(readers)
    except KeyboardInterrupt:
        typer.echo(interrupted_message(runner.stats, out, path), err=True)
        raise typer.Exit(130) from None
    except OutputInUse as exc:  # a second run into the same output: refused before anything is written
        typer.echo(f"cleaner: {exc}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:  # outputs or report not writable: nothing more can be done
        typer.echo(stopped_message(exc, runner.stats, out, path), err=True)
        raise typer.Exit(1) from None
    if not quiet:
        print_summary(stats, path)
    raise typer.Exit(1 if stats.failed else 0)

"""Options shared by ``clean`` and ``explain``, and their translation to plain config."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .._pipeline import DEFAULT_MAX_BYTES as _CORE_MAX_BYTES
from .._pipeline import DEFAULT_MAX_PAGE_TEXT_CHARS as _CORE_MAX_PAGE_TEXT
from .._pipeline import Cleaner
from ..batch.document import CleanerConfig
from ..frontends import DEFAULT_ENGINE, HTML_ENGINES, check_engine
from ..learn import SiteModel


class ModeChoice(StrEnum):
    auto = "auto"
    html = "html"
    text = "text"


class FormatChoice(StrEnum):
    txt = "txt"
    json = "json"
    jsonl = "jsonl"
    md = "md"


ModeOpt = Annotated[
    ModeChoice | None,
    typer.Option(
        "--mode", "-m", metavar="MODE", help="html, text or auto (sniff) for every input. Default: by extension."
    ),
]


def _engine(value: str) -> str:
    """An unknown engine is a usage error before any input is read."""
    try:
        return check_engine(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        metavar="NAME",
        callback=_engine,
        # the names come from the front-end registry: a new engine needs no change here
        help=f"HTML front-end: {', '.join(HTML_ENGINES)}. Text dumps are read line by line whatever the engine.",
    ),
]
UrlOpt = Annotated[
    str | None, typer.Option("--url", metavar="URL", help="URL of the page (single input only); helps site rules.")
]
SiteRulesOpt = Annotated[
    bool, typer.Option("--site-rules/--no-site-rules", help="Apply per-site rule files (off: generic engine only).")
]
RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        metavar="DIR",
        help="Extra folder of site rule files (*.toml); repeatable.",
        exists=True,
        file_okay=False,
    ),
]
SiteOpt = Annotated[
    str | None, typer.Option("--site", metavar="NAME", help="Force this site's rules instead of detecting the site.")
]
MaxBytesOpt = Annotated[
    int,
    typer.Option("--max-bytes", min=0, metavar="BYTES", help="Refuse documents larger than BYTES (0: no limit)."),
]

MaxPageTextOpt = Annotated[
    int,
    typer.Option(
        "--max-page-text",
        min=0,
        metavar="CHARS",
        help="HTML pages too large for the extractor: cut their full-page text here, marked truncated (0: no cut).",
    ),
]
DEFAULT_MAX_PAGE_TEXT: int = _CORE_MAX_PAGE_TEXT or 0

ListAllRemovedOpt = Annotated[
    bool,
    typer.Option(
        "--list-all-removed",
        help="HTML: also list the page text the main-content extractor left out (slower: renders the whole page).",
    ),
]

IncludeCommentsOpt = Annotated[
    bool,
    typer.Option(
        "--include-comments",
        help="Put the page's reader comments into the text too, after the article (they are always in the JSON records).",
    ),
]

DEFAULT_MAX_BYTES: int = _CORE_MAX_BYTES or 0


def cleaner_config(
    mode: ModeChoice | None,
    site_rules: bool,
    rules: list[Path] | None,
    site: str | None,
    max_bytes: int,
    *,
    engine: str = DEFAULT_ENGINE,
    list_all_removed: bool = False,
    max_page_text: int = DEFAULT_MAX_PAGE_TEXT,
    include_comments: bool = False,
) -> CleanerConfig:
    return CleanerConfig(
        mode=mode.value if mode is not None else "auto",
        engine=engine,
        site_rules=site_rules,
        rules_dirs=tuple(str(p) for p in rules or ()),
        site=site,
        max_bytes=max_bytes or None,
        list_all_removed=list_all_removed,
        max_page_text_chars=max_page_text or None,
        include_comments=include_comments,
    )


def build_cleaner(config: CleanerConfig) -> Cleaner:
    """Build the Cleaner once in the parent, turning configuration errors into usage errors."""
    try:
        return config.build()
    except (ValueError, OSError) as exc:
        raise typer.BadParameter(
            f"cannot set up the cleaner: {exc}", param_hint="--rules/--site/$CLEANER_RULES"
        ) from exc


LearnOpt = Annotated[
    bool,
    typer.Option(
        "--learn",
        help="Two passes: learn each site's repeated chrome from its pages among the inputs, then clean with it "
        "(sites with fewer than --learn-min-pages pages are cleaned as without it).",
    ),
]
SiteModelOpt = Annotated[
    Path | None,
    typer.Option(
        "--site-model",
        metavar="FILE",
        help="Clean with a site model saved earlier (--save-site-model, or rules learn --site-model).",
        exists=True,
        dir_okay=False,
    ),
]
SaveSiteModelOpt = Annotated[
    Path | None,
    typer.Option("--save-site-model", metavar="FILE", help="With --learn: also save the learned model (JSON, .gz ok)."),
]
LearnMinPagesOpt = Annotated[
    int,
    typer.Option("--learn-min-pages", min=2, metavar="N", help="Learn only sites with at least N distinct pages."),
]
LearnMinShareOpt = Annotated[
    float,
    typer.Option(
        "--learn-min-share",
        min=0.01,
        max=1.0,
        metavar="SHARE",
        help="A block is a site's chrome when it is on at least this share of the site's pages ...",
    ),
]
LearnMinCountOpt = Annotated[
    int,
    typer.Option("--learn-min-count", min=2, metavar="N", help="... and on at least N of them."),
]


def load_site_model(path: Path | None) -> SiteModel | None:
    """A saved model, or a usage error naming the file."""
    if path is None:
        return None
    try:
        return SiteModel.load(path)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--site-model") from None


FlatOpt = Annotated[
    bool,
    typer.Option(
        "--flat",
        help="json / jsonl: flat records, the keys every integration writes (metadata and removed counts "
        "at the top level) instead of a nested metadata object.",
    ),
]
PrefixOpt = Annotated[
    str | None,
    typer.Option(
        "--prefix",
        metavar="P",
        help="With --flat: put P before cleaner's keys (the integrations use 'cleaner_'). Default: none.",
    ),
]
FLAT_FORMATS = ("json", "jsonl")  # the formats that write a record; txt and md write the text


def flat_prefix(flat: bool, prefix: str | None, fmt: str) -> str | None:
    """The writers' ``flat_prefix`` (None: nested records); a usage error where --flat means nothing."""
    if prefix is not None and not flat:
        raise typer.BadParameter("--prefix names the keys of --flat records: add --flat", param_hint="--prefix")
    if flat and fmt not in FLAT_FORMATS:
        raise typer.BadParameter(
            f"--flat shapes the JSON records; --format {fmt} writes the text: use --format json or jsonl",
            param_hint="--flat",
        )
    return (prefix or "") if flat else None

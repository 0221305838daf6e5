"""``cleaner rules learn``: write per-site rule files learned from each site's other pages."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from .._pipeline import DEFAULT_MAX_BYTES, Cleaner
from ..batch.discover import InputOptions, discover
from ..batch.learning import LearnStats, collect_texts, learn_pass
from ..batch.readers import InputError, JsonlFields, Reader, printable
from ..learn import LearnSettings, SiteModel, SiteProfile
from ..learn._model import DEFAULT_MIN_COUNT, DEFAULT_MIN_PAGES, DEFAULT_MIN_SHARE
from ..learn._publish import LearnedFileError, Written, publish
from ..learn._rulefile import comment_safe
from ..learn._ruletests import CandidatePages, RuleTester
from ..rules import RuleBook
from ._options import ModeChoice, ModeOpt

DEFAULT_OUT_DIR = Path("learned-rules")
# Seconds allowed per document in each pass (as `clean`'s default --timeout).
TIMEOUT = 60.0
_SITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

InputsArg = Annotated[
    list[str],
    typer.Argument(metavar="PATH", help="Files or folders (searched recursively): HTML, text, JSONL, WARC, .gz."),
]
SiteOpt = Annotated[
    str | None,
    typer.Option(
        "--site",
        metavar="NAME",
        help="File every page under this site (text dumps without URLs); also the rule file's name.",
    ),
]
OutDirOpt = Annotated[
    Path,
    typer.Option("--out-dir", metavar="DIR", help="Folder for the rule files (created if missing)."),
]
MinPagesOpt = Annotated[
    int, typer.Option("--min-pages", metavar="N", min=2, help="Distinct pages a site needs (at least 2).")
]
MinShareOpt = Annotated[
    float,
    typer.Option("--min-share", metavar="F", min=0.0, max=1.0, help="Share of its pages a line must be on (0 to 1)."),
]
MinCountOpt = Annotated[
    int, typer.Option("--min-count", metavar="N", min=2, help="Pages a line must be on (at least 2).")
]
TextFieldOpt = Annotated[str, typer.Option("--text-field", metavar="NAME", help="JSONL field holding text.")]
HtmlFieldOpt = Annotated[str, typer.Option("--html-field", metavar="NAME", help="JSONL field holding HTML.")]
UrlFieldOpt = Annotated[str, typer.Option("--url-field", metavar="NAME", help="JSONL field holding the URL.")]
IdFieldOpt = Annotated[str, typer.Option("--id-field", metavar="NAME", help="JSONL field holding the id.")]
SiteModelOpt = Annotated[
    Path | None,
    typer.Option("--site-model", metavar="FILE", help="Also save the learned site model (JSON; .gz compresses)."),
]
OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="Replace rule files that exist.")]


def learn_command(
    inputs: InputsArg,
    site: SiteOpt = None,
    out_dir: OutDirOpt = DEFAULT_OUT_DIR,
    min_pages: MinPagesOpt = DEFAULT_MIN_PAGES,
    min_share: MinShareOpt = DEFAULT_MIN_SHARE,
    min_count: MinCountOpt = DEFAULT_MIN_COUNT,
    mode: ModeOpt = None,
    text_field: TextFieldOpt = "text",
    html_field: HtmlFieldOpt = "html",
    url_field: UrlFieldOpt = "url",
    id_field: IdFieldOpt = "id",
    site_model: SiteModelOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Learn each site's chrome from its pages and write one rule file per site (SITE.toml).

    A line seen on many of a site's pages (menus, footers, widgets) becomes an exact-line
    drop rule with the lexicon's category, a heading that opens a run of changing headlines
    after the article ("Most Popular") a section; each file gets [[test]] cases built from
    the site's own pages and passes `cleaner rules check` and `cleaner rules test`. Pages are
    grouped by their URL's host, or by --site. Files are written to --out-dir (default:
    ./learned-rules); an existing file is kept unless --overwrite.

    **Examples:**

    * `cleaner rules learn crawl.warc.gz`
    * `cleaner rules learn dumps/ --site mysite --out-dir my-rules/`
    * `cleaner rules learn pages.jsonl --html-field raw --min-pages 10 --site-model model.json.gz`
    """
    settings = _settings(min_pages, min_share, min_count)
    if site is not None and not _SITE_NAME.fullmatch(site):
        raise typer.BadParameter("letters, digits, '.', '_' or '-', at most 64 characters", param_hint="--site")
    _check_paths(inputs, out_dir, site_model)
    fields = JsonlFields(text=text_field, html=html_field, url=url_field, id=id_field)
    readers = _readers(inputs, mode, fields, out_dir)
    base = _base_rules()
    cleaner = _learning_cleaner(mode, site, base)
    model, stats = learn_pass(
        readers, cleaner, settings=settings, max_bytes=DEFAULT_MAX_BYTES, timeout=TIMEOUT, site=site
    )
    pages = CandidatePages(model.profiles)
    collect_texts(readers, cleaner, model, max_bytes=DEFAULT_MAX_BYTES, timeout=TIMEOUT, site=site, on_page=pages.add)
    problems = _save_model(model, site_model)
    out_dir.mkdir(parents=True, exist_ok=True)
    tester = RuleTester(Cleaner(mode="auto", site_rules=False), base.globals)
    publisher = _Publisher(out_dir, settings, cleaner, tester, pages, base, overwrite)
    written = 0
    for key in sorted(model.profiles):
        done = publisher.write(model.profiles[key])
        written += done is not None
        problems += done is None
    _summary(stats, written, out_dir, settings)
    raise typer.Exit(1 if problems or not written else 0)


def _settings(min_pages: int, min_share: float, min_count: int) -> LearnSettings:
    # typer checks the counts' bounds; a share of 0 is the one value left for LearnSettings to refuse
    try:
        return LearnSettings(min_pages=min_pages, min_share=min_share, min_count=min_count)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--min-share") from None


def _check_paths(inputs: list[str], out_dir: Path, site_model: Path | None) -> None:
    if "-" in inputs:  # both passes read every input: a stream can be read only once
        raise typer.BadParameter("stdin (-) cannot be learned from: save it to a file first", param_hint="PATH")
    if out_dir.exists() and not out_dir.is_dir():
        raise typer.BadParameter(f"{printable(str(out_dir))} exists and is not a folder", param_hint="--out-dir")
    if site_model is not None and not site_model.parent.is_dir():
        raise typer.BadParameter(f"no folder {printable(str(site_model.parent))}", param_hint="--site-model")


def _readers(inputs: list[str], mode: ModeChoice | None, fields: JsonlFields, out_dir: Path) -> list[Reader]:
    options = InputOptions(
        mode=mode.value if mode else None, fields=fields, max_bytes=DEFAULT_MAX_BYTES, exclude=(out_dir,)
    )
    try:
        return discover(inputs, options)
    except InputError as exc:
        raise typer.BadParameter(printable(str(exc)), param_hint="PATH") from exc


def _base_rules() -> RuleBook:
    """The rule files every source holds ($CLEANER_RULES, bundled): `rules test` runs their global rules too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a broken file is `clean`'s and `rules check`'s to report
        try:
            return RuleBook.load()
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="$CLEANER_RULES") from exc


def _learning_cleaner(mode: ModeChoice | None, site: str | None, base: RuleBook) -> Cleaner:
    """The Cleaner whose view of each page is learned from: with the site rules (an HTML page is pruned
    by its site's rules, a dump without URL is filed under the site its fingerprints name), unless
    --site names a site no rule file knows (the rules would refuse it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Cleaner(mode=mode.value if mode else "auto", site_rules=site is None or base.find(site) is not None)


def _save_model(model: SiteModel, path: Path | None) -> int:
    if path is None:
        return 0
    try:
        model.save(path)
    except OSError as exc:
        typer.echo(f"cleaner: cannot write the site model {printable(str(path))}: {exc}", err=True)
        return 1
    typer.echo(f"site model: {printable(str(path))} ({len(model)} sites)")
    return 0


@dataclass(frozen=True, slots=True)
class _Publisher:
    """Writes each learned site's rule file and says so: one line on stdout, problems on stderr."""

    out_dir: Path
    settings: LearnSettings
    cleaner: Cleaner
    tester: RuleTester
    pages: CandidatePages
    base: RuleBook
    overwrite: bool

    def write(self, profile: SiteProfile) -> Written | None:
        """None when the file was not written (the reason is on stderr)."""
        site = comment_safe(profile.site)
        try:
            done = publish(
                self.out_dir, profile, self.settings, self.cleaner.lexicon_category, self.tester,
                self.pages.pages(profile.site), overwrite=self.overwrite,
            )  # fmt: skip
        except FileExistsError as exc:
            typer.echo(f"cleaner: {site}: {printable(str(exc))} exists, kept (use --overwrite)", err=True)
            return None
        except (LearnedFileError, OSError) as exc:
            typer.echo(f"cleaner: {site}: not written: {printable(str(exc))}", err=True)
            return None
        plan = done.plan
        typer.echo(
            f"{printable(str(done.path))}: {site}, {profile.pages} pages ({profile.pages_seen} read), "
            f"{plan.lines} lines in {len(plan.drops)} drop rules, {len(plan.tails)} sections, {done.tests} tests"
        )
        if not done.tests:
            typer.echo(
                f"cleaner: {site}: no [[test]] could be built from its pages (too large, or nothing to assert)",
                err=True,
            )
        _note_existing(self.base, done)
        return done


def _note_existing(base: RuleBook, done: Written) -> None:
    """A site that has rules already: loaded together, one file hides the other (same name or host)."""
    plan = done.plan
    other = base.find(plan.name) or next((r for d in plan.domains if (r := base.by_host(d)) is not None), None)
    if other is not None:
        typer.echo(
            f"cleaner: note: {comment_safe(plan.site)} already has rules in {printable(str(other.path))}; "
            "loaded together, the first folder's file wins: merge them by hand",
            err=True,
        )


def _summary(stats: LearnStats, written: int, out_dir: Path, settings: LearnSettings) -> None:
    typer.echo(stats.summary())
    unlearned = stats.sites - stats.learned_sites
    if unlearned:
        typer.echo(
            f"{unlearned} site(s) not learned: fewer than {settings.min_pages} distinct pages, or nothing repeated"
        )
    typer.echo(f"{written} rule file(s) written to {printable(str(out_dir))}")
    if not stats.learned_sites:
        typer.echo("cleaner: nothing learned (see --min-pages, --site for dumps without URLs)", err=True)

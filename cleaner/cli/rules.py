"""``cleaner rules ...``: list, show, check and test per-site rule files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..rules import RuleBook, RuleError, SiteRules, parse_file, rule_files, sources
from ..rules._apply import SiteRules as _Compiled
from ..rules._testing import FAIL, PASS, SKIP, run_tests

app = typer.Typer(
    help=(
        "Per-site rule files: TOML files naming a site's chrome (see rules/README.md). "
        "Sources, first wins: --rules DIR, then $CLEANER_RULES, then the bundled rules."
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

RulesOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules", help="Extra folder of *.toml rule files (repeatable; first wins).", metavar="DIR"),
]
DirsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Folders or files to use (default: $CLEANER_RULES and the bundled rules).", metavar="[DIR...]"),
]


@app.command("list")
def list_command(rules: RulesOpt = None) -> None:
    """List every loaded site: name, domains and the file it comes from."""
    book = _quiet_load(rules)
    for site in book.all_rules():
        domains = ", ".join(site.domains) or "-"
        typer.echo(f"{site.name}\t{domains}\t{site.path}")
    for path, winner in book.report.hidden:
        typer.echo(f"(hidden) {path}: same site name as {winner}")
    for err in book.report.errors:
        typer.echo(f"(error) {err}", err=True)


@app.command("show")
def show_command(
    site: Annotated[str, typer.Argument(help="Site name, rule file name or domain.")], rules: RulesOpt = None
) -> None:
    """Print one site's rules: detection, text rules, metadata, HTML directives, tests."""
    book = _quiet_load(rules)
    found = book.find(site)
    if found is None:
        typer.echo(f"no rule file for site {site!r} (see `cleaner rules list`)", err=True)
        raise typer.Exit(1)
    for line in describe(found):
        typer.echo(line)


def describe(site: SiteRules) -> list[str]:
    spec = site.spec
    out = [f"site {spec.name}  ({site.path})", f"  domains: {', '.join(spec.domains) or '-'}"]
    out.append(f"  fingerprints (need {spec.min_fingerprints}): {spec.fingerprints + spec.fingerprint_patterns}")
    for kind, items in (("keep", spec.keeps), ("drop", spec.drops)):
        for r in items:
            pats = {
                k: v
                for k, v in (("lines", r.lines), ("starts", r.starts), ("ends", r.ends), ("contains", r.contains))
                if v
            }
            out.append(f"  {kind:8} {r.id:24} {r.category:12} {pats}")
    for s in spec.sections:
        until = s.end or (f"until {s.until}" if s.until else f"{s.blocks} blocks")
        out.append(f"  section  {s.id:24} {s.category:12} start={s.start} end={until}")
    for t in spec.truncates:
        out.append(f"  truncate {t.id:24} {t.category:12} at={t.at}")
    if spec.body:
        b = spec.body
        out.append(f"  body     {b.id:24} {b.category:12} start={b.start} end={b.end} keep_inside={b.keep_inside}")
    meta = {k: v for k, v in (("site", spec.meta_site), ("domain", spec.meta_domain)) if v}
    out.append(f"  metadata: {meta} patterns={spec.meta_patterns} html={spec.meta_xpaths}")
    out.append(f"  html: body={spec.html_body} strip={spec.html_strip} strip_id_or_class={spec.html_strip_id_or_class}")
    out.append(f"  tests: {len(spec.tests)}")
    return out


@app.command("check")
def check_command(dirs: DirsArg = None) -> None:
    """Validate rule files: TOML syntax (file and line), unknown keys, invalid regexes and XPaths."""
    paths = _chosen_files(dirs)
    problems = 0
    for path in paths:
        error = check_file(path)
        if error is None:
            typer.echo(f"ok    {path}")
        else:
            problems += 1
            typer.echo(f"error {error}")
    missing = [d for d in dirs or () if not d.exists()]
    for d in missing:
        typer.echo(f"error {d}: no such file or folder")
    typer.echo(f"{len(paths)} file(s) checked, {problems + len(missing)} with problems")
    if problems or missing or not paths:
        raise typer.Exit(1)


def check_file(path: Path) -> RuleError | None:
    try:
        _Compiled(parse_file(path))
    except RuleError as exc:
        return exc
    return None


@app.command("test")
def test_command(dirs: DirsArg = None) -> None:
    """Run every [[test]] embedded in the rule files; non-zero exit when one fails."""
    book = _quiet_load(dirs)
    chosen = {p.resolve() for p in _chosen_files(dirs)}
    only = [r for r in book.all_rules() if r.path.resolve() in chosen]
    outcomes = run_tests(book, only) if only else []
    for err in book.report.errors:
        typer.echo(f"ERROR {err}")
    counts = {PASS: 0, FAIL: 0, SKIP: 0}
    for o in outcomes:
        counts[o.status] += 1
        typer.echo(f"{o.status.upper():5} {o.label}" + (f": {'; '.join(o.problems)}" if o.problems else ""))
    typer.echo(f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[SKIP]} skipped")
    if counts[FAIL] or book.report.errors or not outcomes:
        raise typer.Exit(1)


def _chosen_files(dirs: list[Path] | None) -> list[Path]:
    """The files named on the command line, or by default those of $CLEANER_RULES and the bundled rules."""
    if dirs:
        return [p for d in dirs for p in rule_files(d)]
    return [p for src in sources() for p in rule_files(src.path)]


def _quiet_load(dirs: list[Path] | None) -> RuleBook:
    """Load without Python warnings: the commands print load errors themselves."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RuleBook.load(dirs or ())

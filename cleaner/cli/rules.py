"""``cleaner rules ...``: list, show, check and test per-site rule files, and learn them from a site's pages."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from ..rules import ENV_VAR, RuleBook, RuleError, RuleErrors, SiteRules, load_file, rule_files, sources
from ..rules._testing import FAIL, PASS, SKIP, run_tests
from ._help import HelpCommand, HelpGroup
from ._rules_learn import learn_command

app = typer.Typer(
    cls=HelpGroup,
    help=(
        "Per-site rule files: TOML files naming a site's chrome (see rules/README.md). "
        f"Sources, first wins: --rules DIR, then ${ENV_VAR} (folders separated by ':', ';' on Windows), "
        "then the bundled rules."
    ),
    rich_markup_mode="markdown",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        help="Extra folder of *.toml rule files (repeatable; first wins).",
        metavar="DIR",
        exists=True,
        file_okay=False,
    ),
]
# check and test work on the folders given, not on every source: same option, its own help
OnlyRulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        help="Folder of *.toml rule files to work on (repeatable); the same as giving it as PATH.",
        metavar="DIR",
        exists=True,
        file_okay=False,
    ),
]
PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help=f"Rule files or folders, like --rules (default: every source: ${ENV_VAR} and the bundled rules).",
        metavar="PATH",
        exists=True,
        show_default=False,
    ),
]
# Shown under each command's help: the same exit-code convention as `clean`.
_EXIT = "**Exit codes:** 0 ok; 1 problems found (see the output); 2 usage error (missing path, bad $" + ENV_VAR + ")."


@app.command("list", cls=HelpCommand, epilog=_EXIT)
def list_command(rules: RulesOpt = None) -> None:
    """List every loaded site: name, domains and the file it comes from.

    **Examples:**

    * `cleaner rules list`
    * `cleaner rules list --rules my-rules/`
    """
    book = _quiet_load(rules)
    for site in book.all_rules():
        domains = ", ".join(site.domains) or "-"
        typer.echo(f"{site.name}\t{domains}\t{site.path}")
    for path, winner in book.report.hidden:
        typer.echo(f"(hidden) {path}: same site name as {winner}")
    for err in book.report.errors:
        for line in _lines(err):
            typer.echo(f"(error) {line}", err=True)


@app.command("show", cls=HelpCommand, epilog=_EXIT)
def show_command(
    site: Annotated[str, typer.Argument(help="Site name, rule file name or domain.", metavar="SITE")],
    rules: RulesOpt = None,
) -> None:
    """Print one site's rules: detection, text rules, metadata, HTML directives, tests.

    **Examples:**

    * `cleaner rules show news24.com`
    * `cleaner rules show mysite --rules my-rules/`
    """
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


@app.command("check", cls=HelpCommand, epilog=_EXIT)
def check_command(paths: PathsArg = None, rules: OnlyRulesOpt = None) -> None:
    """Validate rule files: TOML syntax, unknown keys and categories, invalid regexes and XPaths.

    Every problem of a file is listed (file:line, rule id, message; at most 50 per file).
    Checks the files given as PATH or --rules, or else every source.

    **Examples:**

    * `cleaner rules check my-rules/`
    * `cleaner rules check --rules my-rules/`
    * `cleaner rules check my-rules/mysite.toml`
    * `cleaner rules check` (every source: $CLEANER_RULES and the bundled rules)
    """
    files = _chosen_files([*(paths or ()), *(rules or ())])
    broken = 0
    for path in files:
        error = check_file(path)
        if error is None:
            typer.echo(f"ok    {path}")
            continue
        broken += 1
        for line in _lines(error):
            typer.echo(f"error {line}")
    typer.echo(f"{len(files)} file(s) checked, {broken} with problems")
    if broken or not files:
        raise typer.Exit(1)


def check_file(path: Path) -> RuleError | None:
    """Every problem of one file (a :class:`RuleErrors`), or None when it loads."""
    try:
        load_file(path)
    except RuleError as exc:
        return exc
    return None


@app.command("test", cls=HelpCommand, epilog=_EXIT)
def test_command(paths: PathsArg = None, rules: OnlyRulesOpt = None) -> None:
    """Run every [[test]] embedded in the rule files; non-zero exit when one fails.

    Runs the tests of the files given as PATH or --rules, or else of every source.

    **Examples:**

    * `cleaner rules test --rules my-rules/`
    * `cleaner rules test my-rules/mysite.toml`
    * `cleaner rules test` (every source, bundled rules included)
    """
    chosen = [*(paths or ()), *(rules or ())]
    book = _quiet_load(chosen)
    wanted = {p.resolve() for p in _chosen_files(chosen)}
    only = [r for r in book.all_rules() if r.path.resolve() in wanted]
    outcomes = run_tests(book, only) if only else []
    for err in book.report.errors:
        for line in _lines(err):
            typer.echo(f"ERROR {line}")
    counts = {PASS: 0, FAIL: 0, SKIP: 0}
    for o in outcomes:
        counts[o.status] += 1
        typer.echo(f"{o.status.upper():5} {o.label}" + (f": {'; '.join(o.problems)}" if o.problems else ""))
    typer.echo(f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[SKIP]} skipped")
    if counts[FAIL] or book.report.errors or not outcomes:
        raise typer.Exit(1)


app.command("learn", cls=HelpCommand, epilog=_EXIT, no_args_is_help=True)(learn_command)


def _lines(error: RuleError) -> list[str]:
    """One line per problem, so each can be prefixed and grepped."""
    return str(error).splitlines() if isinstance(error, RuleErrors) else [str(error)]


def _chosen_files(paths: list[Path]) -> list[Path]:
    """The files named on the command line, or by default those of every source."""
    if paths:
        return [p for d in paths for p in rule_files(d)]
    try:
        every = sources()
    except ValueError as exc:
        raise _env_error(exc) from exc
    return [p for src in every for p in rule_files(src.path)]


def _quiet_load(dirs: list[Path] | None) -> RuleBook:
    """Load without Python warnings: the commands print load errors themselves."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return RuleBook.load(dirs or ())
        except ValueError as exc:
            raise _env_error(exc) from exc


def _env_error(exc: ValueError) -> typer.BadParameter:
    """A bad $CLEANER_RULES is a usage error (exit 2), like a missing --rules folder."""
    return typer.BadParameter(str(exc), param_hint=f"${ENV_VAR}")

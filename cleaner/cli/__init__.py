"""The ``cleaner`` command line (typer). Only this package imports typer and rich."""

from __future__ import annotations

from typing import Annotated

import typer

from .._version import __version__
from ._clean import clean_command
from ._explain import explain_command
from ._help import EXIT_CODES, HelpCommand, HelpGroup
from ._warm import warm_command

app = typer.Typer(
    name="cleaner",
    cls=HelpGroup,  # --help shows metavars, never Python types (see _help.py)
    help="Strip boilerplate from web pages: keep the article prose, drop the chrome, say why.",
    epilog=EXIT_CODES,
    rich_markup_mode="markdown",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,  # a crash report must not dump whole pages
)
app.command("clean", cls=HelpCommand, no_args_is_help=True, epilog=EXIT_CODES)(clean_command)
app.command("explain", cls=HelpCommand, no_args_is_help=True, epilog=EXIT_CODES)(explain_command)
app.command("warm", cls=HelpCommand, epilog=EXIT_CODES)(warm_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", "-V", help="Print the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """Strip boilerplate from web pages: keep the article prose, drop the chrome, say why.

    Run `cleaner COMMAND --help` for the options and examples of each command.
    """


def _add_rules_group() -> None:
    """Mount ``cleaner rules ...`` when cleaner/cli/rules.py exists (another module owns it)."""
    try:
        from .rules import app as rules_app  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.rules":
            raise  # rules.py exists but one of its imports is missing: say so
        return
    app.add_typer(rules_app, name="rules")


_add_rules_group()


def main() -> None:
    """Console-script entry point."""
    from ._warnings import install

    install()  # warnings (a skipped rule file) as one line on stderr, without Python source lines
    app(prog_name="cleaner")


__all__ = ["app", "main"]

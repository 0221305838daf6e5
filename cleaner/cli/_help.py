"""Help texts shared by the commands, and the command classes that render help without Python types.

Typer shows a "type" column in ``--help``: ``<bool>`` next to every flag (even
``--help``), ``<list[str]>`` next to an argument whatever its metavar, and
``<int range> [x>=1]`` for a bounded number. Every option here has an explicit
metavar (DIR, FILE, N, SECONDS, ...); :class:`HelpCommand` and :class:`HelpGroup`
then drop what a metavar cannot: the column for flags, the type of an argument
that has a metavar, and the ``[x>=1]`` range of an option that has a metavar
(its help text says the bound). Parsing and validation are unchanged.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

EXIT_CODES = """**Exit codes:** 0 all inputs ok, empty or skipped; 1 some inputs failed
(unreadable, binary, too large, timed out); 2 usage error (bad option, missing path);
130 interrupted (Ctrl-C, SIGTERM)."""


class _PlainOption(TyperOption):
    """An option whose help shows its metavar only: nothing for a flag, no ``[x>=1]`` range."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag:
            return None
        return super().display_type_rich(ctx)

    def _get_number_range_help_str(self) -> str | None:
        return None if self.metavar else super()._get_number_range_help_str()


class _PlainArgument(TyperArgument):
    """An argument with a metavar: the metavar names it, no ``<list[str]>`` beside it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.metavar else super().display_type_rich(ctx)


def plain_param(param: object) -> None:
    """Render ``param`` without Python types in help (its parsing is untouched)."""
    if type(param) is TyperOption:
        param.__class__ = _PlainOption
    elif type(param) is TyperArgument:
        param.__class__ = _PlainArgument


class HelpCommand(TyperCommand):
    """A typer command whose ``--help`` shows metavars, never Python types (``cls=HelpCommand``)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        for param in params:  # includes --help, created on first use
            plain_param(param)
        return params


class HelpGroup(TyperGroup):
    """The same for a group (``typer.Typer(cls=HelpGroup)``): ``--version``, ``--install-completion``, ``--help``."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        for param in params:
            plain_param(param)
        return params

"""``--help`` of every command at 80 columns: metavars instead of Python types, option names in full."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from cleaner.cli import app

# what typer prints when an option has no metavar, or when a metavar cannot hide the type
LEAKS = ("<bool>", "<str>", "<path>", "<int", "<float", "list[", "int range", "float range", "Path]", "[x>=", "[x<=")


def _commands() -> Iterator[tuple[tuple[str, ...], typer.core.TyperCommand | typer.core.TyperGroup]]:
    root = typer.main.get_command(app)

    def walk(
        path: tuple[str, ...], cmd: typer.core.TyperCommand | typer.core.TyperGroup
    ) -> Iterator[tuple[tuple[str, ...], typer.core.TyperCommand | typer.core.TyperGroup]]:
        yield path, cmd
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            yield from walk((*path, name), sub)

    yield from walk((), root)  # type: ignore[arg-type]


COMMANDS = [path for path, _ in _commands()]


def render_help(*path: str, columns: int = 80) -> str:
    res = CliRunner(env={"COLUMNS": str(columns)}).invoke(app, [*path, "--help"])
    assert res.exit_code == 0, res.output
    return res.stdout


def test_the_walk_finds_every_command() -> None:
    assert {(), ("clean",), ("explain",)} <= set(COMMANDS)
    assert any(p[:1] == ("rules",) and len(p) == 2 for p in COMMANDS)  # rules list/show/check/test


@pytest.mark.parametrize("path", [pytest.param(p, id=" ".join(p) or "cleaner") for p in COMMANDS])
def test_help_at_80_columns_has_no_types_and_no_cut_names(path: tuple[str, ...]) -> None:
    out = render_help(*path)
    assert max(len(line) for line in out.splitlines()) <= 80  # COLUMNS reached rich
    leaks = [leak for leak in LEAKS if leak in out]
    assert not leaks, f"{' '.join(path)} --help shows {leaks}:\n{out}"
    assert "…" not in out, out  # rich cut something (an option name) short
    cmd = dict(_commands())[path]
    names = [n for p in cmd.params if not p.hidden for n in (*p.opts, *p.secondary_opts) if n.startswith("-")]
    for name in [*names, "--help", "-h"]:
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", out), f"{name} cut or missing:\n{out}"


@pytest.mark.parametrize("path", [("clean",), ("explain",)])
def test_every_value_option_has_an_explicit_metavar(path: tuple[str, ...]) -> None:
    cmd = dict(_commands())[path]
    for param in cmd.params:
        is_flag = getattr(param, "is_flag", False)
        assert is_flag or param.metavar, f"{' '.join(path)} {param.opts} needs a metavar (DIR, FILE, N, ...)"


def test_flags_show_no_metavar_and_values_show_theirs() -> None:
    out = render_help("clean", columns=200)
    assert re.search(r"--overwrite\s+Redo documents", out)
    assert re.search(r"--quiet\s+-q\s+No progress bar", out)
    assert re.search(r"--jobs\s+-j\s+N\s+Worker processes", out)
    assert re.search(r"--timeout\s+SECONDS\s+Seconds allowed", out)
    assert re.search(r"--rules\s+DIR\s", out) and re.search(r"--url\s+URL\s", out)
    assert re.search(r"--list-all-removed\s+HTML: also list", out)


def test_hidden_types_still_validate() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["clean", "--jobs", "0", "x"])
    assert res.exit_code == 2 and "--jobs" in res.output
    res = runner.invoke(app, ["explain", "--record", "0", "x"])
    assert res.exit_code == 2 and "--record" in res.output


def test_progress_bar_labels_times_and_shows_the_rate() -> None:
    import io
    import time

    from rich.console import Console

    from cleaner.batch.document import Outcome
    from cleaner.cli._console import RichProgress

    buffer = io.StringIO()
    progress = RichProgress(Console(file=buffer, force_terminal=True, width=160))
    progress.start(4)
    for _ in range(3):
        time.sleep(0.02)
        progress.advance(Outcome("a", "a.txt", "ok"))
    assert progress._progress is not None
    progress._progress.refresh()
    progress.stop()
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
    assert re.search(r"3/4 0 failed [\d.]+ pages/s elapsed \d+:\d\d:\d\d remaining (\d+:\d\d:\d\d|-:--:--)", out), out

"""docs/cli.md and the README name what the commands do: every option, every status, the quick start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from cleaner._model import STATUS_BINARY, STATUS_EMPTY, STATUS_INVALID, STATUS_OK, STATUS_TIMEOUT, STATUS_TOO_LARGE
from cleaner.batch.document import STATUS_ERROR, STATUS_SKIPPED
from cleaner.cli import app

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _options() -> list[tuple[str, str]]:
    """(command, option) for every long option; a flag pair is named by its first spelling."""
    root = typer.main.get_command(app)
    out: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("", root)]
    while stack:
        path, cmd = stack.pop()
        for param in getattr(cmd, "params", []):
            spellings = [*param.opts, *getattr(param, "secondary_opts", [])]
            out += [(path, "|".join(o for o in spellings if o.startswith("--")))] if param.opts[0] != "--help" else []
        for name, sub in getattr(cmd, "commands", {}).items():
            stack.append((f"{path} {name}".strip(), sub))
    return sorted(set(out))


@pytest.mark.parametrize(("command", "option"), _options())
def test_every_option_is_documented(command: str, option: str) -> None:
    if not option or option in ("--install-completion", "--show-completion", "--version"):
        return  # an argument, or typer's own
    spellings = option.split("|")  # --site-rules|--no-site-rules: either spelling documents the flag
    found = any(re.search(re.escape(o) + r"(?![\w-])", CLI_DOC) for o in spellings)
    assert found, f"`cleaner {command} {option}` is missing from docs/cli.md"


@pytest.mark.parametrize(
    "status",
    [
        STATUS_OK,
        STATUS_EMPTY,
        STATUS_BINARY,
        STATUS_TOO_LARGE,
        STATUS_INVALID,
        STATUS_SKIPPED,
        STATUS_TIMEOUT,
        STATUS_ERROR,
    ],
)
def test_every_status_is_in_the_status_table(status: str) -> None:
    assert f"| `{status}` |" in CLI_DOC


def test_readme_quick_start_has_the_two_commands() -> None:
    quick = README[README.index("## Quick start") : README.index("## Install")]
    commands = re.findall(r"^make \w+", quick, flags=re.MULTILINE)
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo:" in makefile and "\ntest:" in makefile


def test_readme_install_names_the_distribution() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    name = re.search(r'^name = "([^"]+)"', pyproject, flags=re.MULTILINE)
    assert name is not None and f"**`{name.group(1)}`**" in README
    assert "pip install cleaner\n" not in README and "'cleaner[" not in README + CLI_DOC

"""Shared fixtures for the CLI and batch tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "pages"


@pytest.fixture
def seeds() -> list[Path]:
    """The seed pages (plain-text dumps named like ``000_cc0ab38538eaacaa.txt``)."""
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def seed_tree(tmp_path: Path, seeds: list[Path]) -> Path:
    """``in/`` with two seeds at the top and three below ``a/b/``, writable copies."""
    root = tmp_path / "in"
    (root / "a" / "b").mkdir(parents=True)
    for i, page in enumerate(seeds):
        target = root / page.name if i < 2 else root / "a" / "b" / page.name
        shutil.copyfile(page, target)
    return root


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the ``cleaner`` app in-process: ``cli("clean", path, input=b"...")``."""
    from cleaner.cli import app

    runner = CliRunner()

    def invoke(*args: str | Path, input: bytes | str | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], input=input)

    return invoke

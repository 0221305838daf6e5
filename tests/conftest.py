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


def require_datatrove_readers() -> None:
    """Skip, saying why, where datatrove's WARC and JSONL readers cannot run: they need its [io]
    extra (orjson, faust-cchardet, python-magic) and python-magic needs the libmagic C library."""
    pytest.importorskip("datatrove", reason="datatrove is not installed (pip install 'cleaner-web[datatrove]')")
    for module in ("orjson", "cchardet", "magic"):
        try:
            __import__(module)
        except ImportError as exc:  # python-magic raises ImportError when libmagic is missing
            pytest.skip(f"datatrove's readers cannot run here: {module}: {exc}")

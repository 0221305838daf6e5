"""The install the README shows: a wheel into a fresh venv, with the pip that ships with Python.

Python 3.11 ships pip 23.2, which resolves some extras differently from a current
pip (lxml[html_clean] was one: the first HTML page then failed to import
lxml.html.clean). `make` upgrades pip in the development venv, so only a test
like this one sees what a user gets. It needs the package index, as a user does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST_NAME = "cleaner-web"

ARTICLE = (
    "<html><head><title>Council votes on the budget</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Council votes on the budget</h1>"
    "<p>The city council voted on Tuesday to approve the new budget for schools and roads, after a long "
    "debate that lasted well into the night and drew a large crowd of residents.</p>"
    "<p>Residents who attended the meeting said they were pleased with the outcome and hoped that the "
    "money would be spent on the repairs that the town has been waiting for since last winter.</p>"
    "</article><footer>Copyright 2026 Example News. All rights reserved.</footer></body></html>"
)


def _run(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "CLEANER_PURE_PYTHON")}
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env={**base, **(env or {})}, timeout=900
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (its own bundled pip, not upgraded) with the wheel built from this tree."""
    root = tmp_path_factory.mktemp("install")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    built = _run(python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", root / "dist", ROOT)
    assert built.returncode == 0, built.stderr
    wheels = list((root / "dist").glob("cleaner_web-*.whl"))
    assert len(wheels) == 1, wheels
    done = _run(python, "-m", "pip", "install", "-q", wheels[0])
    assert done.returncode == 0, done.stderr
    return env_dir / "bin"


def test_the_wheel_is_named_for_a_free_distribution(installed: Path) -> None:
    shown = _run(installed / "python", "-m", "pip", "show", DIST_NAME)
    assert shown.returncode == 0 and f"Name: {DIST_NAME}" in shown.stdout


def test_wheel_install_cleans_an_html_page_and_a_text_dump(installed: Path, tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(ARTICLE, encoding="utf-8")
    dump = ROOT / "fixtures" / "seeds" / "pages" / "000_cc0ab38538eaacaa.txt"
    res = _run(installed / "cleaner", "clean", page, dump, "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok"]
    assert "voted on Tuesday" in records[0]["text"] and "Copyright" not in records[0]["text"]
    assert records[0]["mode"] == "html" and records[1]["mode"] == "text"
    assert "Russia-led troops" in records[1]["text"]


def test_wheel_carries_the_bundled_data(installed: Path) -> None:
    code = (
        "import cleaner, sys; from cleaner._lexicon import default_lexicon; lex = default_lexicon(); "
        "assert lex.stopwords.get('de') and lex.stopwords.get('en'); "
        "assert 'typer' not in sys.modules and 'rich' not in sys.modules; print(cleaner.__version__)"
    )
    res = _run(installed / "python", "-c", code)
    assert res.returncode == 0, res.stderr
    listed = _run(installed / "cleaner", "rules", "list")
    assert listed.returncode == 0 and "news24.com" in listed.stdout, listed.stderr


def test_the_wheel_runs_the_compiled_core_where_it_was_built(installed: Path, tmp_path: Path) -> None:
    """A compiler is there (gcc, as on a fresh machine): the wheel carries the compiled core and uses it."""
    code = "import cleaner, cleaner._core as c; print(cleaner.compiled(), c.STATUS, cleaner.__file__)"
    res = _run(installed / "python", "-c", code, cwd=tmp_path)  # not this tree's cleaner/
    assert res.returncode == 0, res.stderr
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip(f"no C compiler on this machine: {res.stdout.strip()}")
    assert res.stdout.startswith("True compiled with mypyc") and str(ROOT) not in res.stdout, res.stdout


def test_without_a_c_compiler_the_wheel_is_pure_python(installed: Path, tmp_path: Path) -> None:
    """No compiler (CC names none), Python's bundled pip: one line in the build log, a pure-Python wheel that works."""
    res = _run(
        installed / "python", "-m", "pip", "wheel", "-v", "--no-deps", "-w", tmp_path / "dist", ROOT,
        env={"CC": str(tmp_path / "no-such-cc")},
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    assert "cleaner: compiled core skipped: no C compiler found (pure Python)" in res.stdout + res.stderr
    wheels = list((tmp_path / "dist").glob("cleaner_web-*-py3-none-any.whl"))
    assert len(wheels) == 1, list((tmp_path / "dist").iterdir())
    target = tmp_path / "site"
    done = _run(installed / "python", "-m", "pip", "install", "-q", "--no-deps", "--target", target, wheels[0])
    assert done.returncode == 0, done.stderr
    dump = ROOT / "fixtures" / "seeds" / "pages" / "000_cc0ab38538eaacaa.txt"
    code = (
        "import sys, cleaner, cleaner._core as c; "
        "r = cleaner.Cleaner(mode='text').clean(open(sys.argv[1], encoding='utf-8').read()); "
        "print(cleaner.compiled(), c.STATUS, cleaner.__file__, r.status)"
    )
    ran = _run(installed / "python", "-c", code, dump, cwd=tmp_path, env={"PYTHONPATH": str(target)})
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("False pure Python: no compiled core in this install"), ran.stdout
    assert str(target) in ran.stdout and ran.stdout.rstrip().endswith(" ok"), ran.stdout


def test_build_prints_no_setuptools_warnings(tmp_path: Path) -> None:
    """A newcomer reads a wall of deprecation warnings as a broken package."""
    res = _run(
        sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", tmp_path, ROOT
    )  # -v: the backend's output
    assert res.returncode == 0, res.stderr
    noise = [
        line
        for line in (res.stdout + res.stderr).splitlines()
        if "Warning" in line or "deprecated" in line.lower() or "would be ignored" in line
    ]
    assert not noise, "\n".join(noise[:20])

"""Rule authoring: every error of a file at once, suggestions, categories, warnings, CLEANER_RULES, the README."""

from __future__ import annotations

import gzip
import os
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner._model import Mode
from cleaner.cli._warnings import format_warning
from cleaner.rules import (
    ENV_VAR,
    MAX_ERRORS_PER_FILE,
    RuleBook,
    RuleErrors,
    RuleFileWarning,
    known_categories,
    load_file,
    parse_file,
)
from cleaner.rules._format import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "rules" / "README.md"
HEAD = '[site]\nname = "x"\ndomains = ["x.com"]\n'


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


def errors_of(tmp_path: Path, body: str) -> RuleErrors:
    path = tmp_path / "x.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleErrors) as info:
        load_file(path)
    return info.value


# --- every error, capped ---

MANY = (
    HEAD
    + "colour = 'red'\n"  # 4: unknown key
    + "[[drop]]\nid = 'a'\ncategory = 'captoin'\nlines = ['ok']\n"  # 5: unknown category
    + "[[drop]]\nid = 'b'\ncategory = 'ticker'\nlines = ['(x', 'y)']\n"  # 9: two bad regexes
    + "[html]\nstrip = ['//div[']\n"  # 14: bad XPath
    + "[strips]\nx = 1\n"  # 15: unknown table
)


def test_every_error_of_a_file_is_reported_in_line_order(tmp_path: Path) -> None:
    err = errors_of(tmp_path, MANY)
    found = [(e.line, e.message.split(" (")[0].split(":")[0]) for e in err.errors]
    assert found == [
        (4, "unknown key 'colour'"),
        (5, "unknown category 'captoin'"),
        (9, "invalid or unsupported regex '(x'"),
        (9, "invalid or unsupported regex 'y)'"),
        (14, "invalid XPath '//div['"),
        (15, "unknown table 'strips'"),
    ]
    assert len(str(err).splitlines()) == 6 and all(line.startswith(str(tmp_path)) for line in str(err).splitlines())
    assert (err.line, err.message) == (4, err.errors[0].message)  # still usable as one RuleError


def test_parse_errors_and_compile_errors_come_together(tmp_path: Path) -> None:
    err = errors_of(
        tmp_path, HEAD + "[[drop]]\nid = 'a'\ncategory = 'related'\nlinez = ['x']\n[metadata]\ndate = '('\n"
    )
    assert any("linez" in e.message for e in err.errors) and any(e.rule == "metadata.date" for e in err.errors)


def test_errors_are_capped_per_file(tmp_path: Path) -> None:
    rules = "".join(
        f"[[drop]]\nid = 'r{i}'\ncategory = 'nope'\nlines = ['x']\n" for i in range(MAX_ERRORS_PER_FILE + 30)
    )
    err = errors_of(tmp_path, HEAD + rules)
    assert len(err.errors) == MAX_ERRORS_PER_FILE and err.truncated
    assert str(err).splitlines()[-1].endswith(f"stopped after {MAX_ERRORS_PER_FILE} errors")


def test_errors_survive_pickling(tmp_path: Path) -> None:
    err = errors_of(tmp_path, MANY)
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, RuleErrors) and str(again) == str(err) and again.line == 4


def test_a_non_table_is_one_error_not_a_cascade(tmp_path: Path) -> None:
    err = errors_of(tmp_path, "drop = [1]\n" + HEAD)
    assert [e.message for e in err.errors] == ["[drop] must be a table"]


def test_a_file_that_does_not_parse_has_one_error(tmp_path: Path) -> None:
    err = errors_of(tmp_path, HEAD + "[[drop]\n")
    assert len(err.errors) == 1 and "TOML syntax error" in err.message and not err.truncated


# --- did you mean ---


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        (HEAD + "fingerprint = ['x']\n", "did you mean 'fingerprints'?"),
        (HEAD + "[[drop]]\nid = 'a'\ncategory = 'ticker'\nline = ['x']\n", "did you mean 'lines'?"),
        (HEAD + "[[dorp]]\nid = 'a'\n", "did you mean 'drop'?"),
        (HEAD + "[[drop]]\nid = 'a'\ncategory = 'captoin'\nlines = ['x']\n", "did you mean 'caption'?"),
        (HEAD + "[body]\nstart = 'x'\ncategory = 'boilerplat'\n", "did you mean 'boilerplate'?"),
    ],
)
def test_unknown_names_get_a_suggestion(tmp_path: Path, body: str, hint: str) -> None:
    assert hint in str(errors_of(tmp_path, body))


def test_no_suggestion_when_nothing_is_close(tmp_path: Path) -> None:
    message = errors_of(tmp_path, HEAD + "zzzzzz = 1\n").message
    assert "did you mean" not in message and "known: categories, domains" in message


# --- categories ---


def test_declared_category_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(HEAD + "categories = ['poll']\n[[section]]\nid = 'p'\ncategory = 'poll'\nstart = 'a'\nblocks = 1\n")
    assert load_file(path).spec.sections[0].category == "poll"


def test_declared_category_names_are_checked(tmp_path: Path) -> None:
    assert "invalid category name 'Has Space'" in errors_of(tmp_path, HEAD + "categories = ['Has Space']\n").message


def test_known_categories_come_from_the_lexicons_and_the_engine() -> None:
    known = known_categories()
    assert {"caption", "ticker", "advertisement", "cookie"} <= known  # lexicon tables
    assert {"body", "boilerplate", "footer", "repeated", "title"} <= known  # assigned by the engine
    assert "captoin" not in known


def test_the_engine_assigns_only_known_categories() -> None:
    """Guards the hand-kept ENGINE_CATEGORIES: a new engine category must be allowed in rule files too."""
    pages: list[tuple[Mode, str | bytes]] = [
        ("text", p.read_text()) for p in (ROOT / "fixtures/seeds/pages").glob("*.txt")
    ]
    pages += [("html", p.read_bytes()) for p in sorted((ROOT / "fixtures/html").glob("chrome_*.html"))]
    pages += [
        ("html", gzip.decompress(p.read_bytes())) for p in sorted((ROOT / "fixtures/gate/aeb/html").glob("*"))[:8]
    ]
    cleaner = Cleaner(site_rules=False, list_all_removed=True)
    seen: set[str] = set()
    for mode, data in pages:
        seen |= {b.category for b in cleaner.clean(data, mode=mode).blocks if b.category}
    assert seen - known_categories() == set()
    assert len(seen) > 5  # the pages did exercise the classifier


def test_the_readme_lists_the_known_categories() -> None:
    text = README.read_text(encoding="utf-8")
    listed = text.split("must be one cleaner knows:", 1)[1].split("- or one the file declares", 1)[0]
    assert set(re.findall(r"`([a-z_-]+)`", listed)) == known_categories()


# --- warnings when loading ---


def broken_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "bad.toml").write_text(HEAD + "colour = 1\n[[drop]]\nid = 'a'\ncategory = 'nope'\nlines = ['x']\n")
    return folder


def test_a_broken_file_warns_with_its_own_class(tmp_path: Path) -> None:
    folder = broken_folder(tmp_path)
    with pytest.warns(RuleFileWarning) as record:
        RuleBook.load([folder], env=False, bundled=False)
    warning = record[0].message
    assert isinstance(warning, RuleFileWarning) and issubclass(RuleFileWarning, UserWarning)
    assert warning.path == str(folder / "bad.toml") and warning.count == 2 and warning.summary == "2 errors"
    assert "unknown key 'colour'" in str(warning) and "unknown category 'nope'" in str(warning)


def test_the_warning_can_be_filtered(tmp_path: Path) -> None:
    folder = broken_folder(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuleFileWarning)
        with pytest.raises(RuleFileWarning):
            RuleBook.load([folder], env=False, bundled=False)


def test_cli_formats_the_warning_as_one_line(tmp_path: Path) -> None:
    folder = broken_folder(tmp_path)
    with pytest.warns(RuleFileWarning) as record:
        RuleBook.load([folder], env=False, bundled=False)
    bad = folder / "bad.toml"
    assert format_warning(record[0].message) == (
        f"cleaner: warning: skipping rules file {bad}: 2 errors; run `cleaner rules check {bad}`"
    )
    assert format_warning(UserWarning("a\nb")) == "cleaner: warning: a\nb"


def test_clean_prints_a_broken_rule_file_without_python_source_lines(tmp_path: Path) -> None:
    folder = broken_folder(tmp_path)
    page = tmp_path / "p.txt"
    page.write_text("A sentence of plain article prose that goes on for long enough here.\n")
    env = {**os.environ, ENV_VAR: str(folder), "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", str(page), "--format", "txt"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    bad = folder / "bad.toml"
    warning_lines = [line for line in run.stderr.splitlines() if "warning" in line.lower()]
    assert warning_lines == [f"cleaner: warning: skipping rules file {bad}: 2 errors; run `cleaner rules check {bad}`"]
    assert "Warning:" not in run.stderr and "RuleBook.load" not in run.stderr  # no Python-style display


# --- CLEANER_RULES ---


def test_missing_env_folder_is_a_value_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    with pytest.raises(ValueError, match=f"{ENV_VAR} entry .*nope' does not exist"):
        Cleaner(mode="text")


def test_env_entry_that_is_a_file_is_a_value_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "f.toml").write_text(HEAD)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "f.toml"))
    with pytest.raises(ValueError, match=f"{ENV_VAR} entry .* is not a folder"):
        RuleBook.load()


def test_env_empty_entries_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.toml").write_text(HEAD)
    monkeypatch.setenv(ENV_VAR, f"{os.pathsep}{tmp_path}{os.pathsep} ")
    assert RuleBook.load(bundled=False).find("x") is not None


def test_no_site_rules_does_not_read_the_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    assert Cleaner(mode="text", site_rules=False).rulebook is None


# --- the README's example is real ---


def readme_toml() -> str:
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1
    return str(blocks[0])


def test_readme_example_parses_and_compiles(tmp_path: Path) -> None:
    path = tmp_path / "news24.toml"
    path.write_text(readme_toml(), encoding="utf-8")
    rules = load_file(path)
    assert rules.spec.tests[0].name == "ticker and footer go" and rules.spec.categories == ["poll"]


def test_readme_example_shows_every_key() -> None:
    example = readme_toml()
    for table, keys in SCHEMA.items():
        for key in keys:
            # alternatives sit in comments ("or: until = ..."); test.metadata keys are listed by name
            pattern = rf"\b{key}\b" if table == "test.metadata" else rf"\b{key} =|^\[{table}\.{key}\]"
            assert re.search(pattern, example, flags=re.M), f"rules/README.md example lacks {table}.{key}"


def test_parse_file_still_raises_for_the_bundled_files_never() -> None:
    for path in sorted((ROOT / "rules").glob("*.toml")) + sorted((ROOT / "rules" / "examples").glob("*.toml")):
        assert parse_file(path).name


def test_cli_warning_escapes_terminal_controls_in_the_file_name() -> None:
    from cleaner.cli._warnings import format_warning

    text = format_warning("rules file evil\x1b[2J.toml is broken")
    assert "\x1b" not in text and "\\x1b[2J" in text

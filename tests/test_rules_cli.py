"""``cleaner rules list/show/check/test`` through typer's CliRunner on the rules app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli.rules import app
from cleaner.rules import ENV_VAR, bundled_dir

runner = CliRunner()
GOOD = """[site]
name = "good"
domains = ["good.com"]

[[drop]]
id = "menu"
category = "navigation"
lines = ['Menu']

[[test]]
name = "menu goes"
url = "https://good.com/a"
text = '''
Menu

The first paragraph of a story that is long enough to be kept as prose by the engine.
'''
contains = ["The first paragraph"]
not_contains = ["Menu"]
"""


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


def flat(output: str) -> str:
    """A usage error's text without rich's box and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def folder(tmp_path: Path, **files: str) -> Path:
    for name, body in files.items():
        (tmp_path / f"{name}.toml").write_text(body, encoding="utf-8")
    return tmp_path


def test_list_shows_bundled_sites() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert "news24\tnews24.com\t" in result.output
    assert "grahammedia\tksat.com, click2houston.com" in result.output
    assert str(bundled_dir() / "albawaba.com.toml") in result.output


def test_list_with_user_dir_marks_hidden(tmp_path: Path) -> None:
    folder(tmp_path, mine='[site]\nname = "news24"\ndomains = ["news24.com"]\n')
    result = runner.invoke(app, ["list", "--rules", str(tmp_path)])
    assert result.exit_code == 0
    assert f"news24\tnews24.com\t{tmp_path / 'mine.toml'}" in result.output
    assert "(hidden)" in result.output and "news24.com.toml" in result.output


def test_show_site() -> None:
    result = runner.invoke(app, ["show", "news24"])
    assert result.exit_code == 0, result.output
    for part in ("site news24", "fingerprints", "section  markets-ticker", "ticker", "truncate", "tests: 2"):
        assert part in result.output
    assert runner.invoke(app, ["show", "www.ksat.com"]).exit_code == 0


def test_show_unknown_site_fails() -> None:
    result = runner.invoke(app, ["show", "no-such-site"])
    assert result.exit_code == 1 and "no rule file" in result.output


def test_check_bundled_ok() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "0 with problems" in result.output


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('[site]\nname = "x"\n[[drop]\n', "bad.toml:3: TOML syntax error"),
        ('[site]\nname = "x"\ncolour = "red"\n', "bad.toml:3: unknown key 'colour'"),
        (
            '[site]\nname = "x"\n[[drop]]\nid = "r1"\ncategory = "related"\nlines = ["(x"]\n',
            "bad.toml:3: [r1] invalid or unsupported regex",
        ),
        ('[site]\nname = "x"\n[html]\nbody = "//div["\n', "bad.toml:4: [html.body] invalid XPath"),
    ],
)
def test_check_reports_problems(tmp_path: Path, body: str, needle: str) -> None:
    folder(tmp_path, good=GOOD, bad=body)
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert needle in result.output
    assert f"ok    {tmp_path / 'good.toml'}" in result.output
    assert "2 file(s) checked, 1 with problems" in result.output


@pytest.mark.parametrize("how", [[], ["--rules"]])
def test_check_missing_folder_is_a_usage_error(tmp_path: Path, how: list[str]) -> None:
    result = runner.invoke(app, ["check", *how, str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in flat(result.output)


@pytest.mark.parametrize("how", [["DIR"], ["--rules", "DIR"], ["DIR/bad.toml"]])
def test_check_takes_a_folder_either_way_or_a_file(tmp_path: Path, how: list[str]) -> None:
    folder(tmp_path, bad='[site]\nname = "x"\ncolour = 1\n[[drop]]\nid = "a"\ncategory = "captoin"\nlines = ["x"]\n')
    result = runner.invoke(app, ["check", *(a.replace("DIR", str(tmp_path)) for a in how)])
    assert result.exit_code == 1
    bad = tmp_path / "bad.toml"
    assert f"error {bad}:3: unknown key 'colour'" in result.output  # every error, each on its own line
    assert f"error {bad}:4: [a] unknown category 'captoin' (did you mean 'caption'?" in result.output
    assert "1 file(s) checked, 1 with problems" in result.output


def test_bad_env_var_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    for command in (["list"], ["show", "news24"], ["check"], ["test"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, command
        assert "CLEANER_RULES entry" in flat(result.output) and "does not exist" in flat(result.output)


def test_clean_with_a_bad_env_var_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.cli import app as main_app

    page = tmp_path / "p.txt"
    page.write_text("Some words.\n")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    result = runner.invoke(main_app, ["clean", str(page), "--format", "txt"])
    assert result.exit_code == 2 and "CLEANER_RULES entry" in flat(result.output)


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("list", "cleaner rules list --rules my-rules/"),
        ("show", "cleaner rules show news24.com"),
        ("check", "cleaner rules check my-rules/"),
        ("check", "cleaner rules check --rules my-rules/"),
        ("test", "cleaner rules test --rules my-rules/"),
    ],
)
def test_help_has_examples(command: str, example: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and example in result.output


def test_test_bundled_all_pass() -> None:
    result = runner.invoke(app, ["test"])
    assert result.exit_code == 0, result.output
    assert "PASS  news24.com.toml::000_cc0ab38538eaacaa.txt" in result.output
    assert " 0 failed" in result.output


@pytest.mark.parametrize("how", [[], ["--rules"]])
def test_test_user_dir_pass_and_fail(tmp_path: Path, how: list[str]) -> None:
    folder(tmp_path, good=GOOD)
    ok = runner.invoke(app, ["test", *how, str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert "PASS  good.toml::menu goes" in ok.output and "1 passed" in ok.output
    folder(tmp_path, good=GOOD.replace('not_contains = ["Menu"]', 'not_contains = ["first paragraph"]'))
    bad = runner.invoke(app, ["test", *how, str(tmp_path)])
    assert bad.exit_code == 1
    assert "FAIL  good.toml::menu goes: should be gone: 'first paragraph'" in bad.output


def test_test_missing_fixture_is_skipped(tmp_path: Path) -> None:
    body = '[site]\nname = "s"\ndomains = ["s.com"]\n[[test]]\nfile = "missing.txt"\n'
    folder(tmp_path, s=body, good=GOOD)
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert "SKIP  s.toml::missing.txt: fixture not found" in result.output
    assert result.exit_code == 0


def test_test_broken_file_fails(tmp_path: Path) -> None:
    folder(tmp_path, good=GOOD, broken="[site\n")
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == 1 and "ERROR" in result.output and "broken.toml:1" in result.output


def test_documented_examples_check_and_pass() -> None:
    examples = Path(__file__).resolve().parent.parent / "rules" / "examples"
    assert runner.invoke(app, ["check", str(examples)]).exit_code == 0
    result = runner.invoke(app, ["test", str(examples)])
    assert result.exit_code == 0, result.output
    assert "PASS  _global.toml::cookie line goes on any site" in result.output

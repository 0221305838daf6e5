"""Rule-file format: parsing, and every kind of error named by file, line and rule."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from cleaner import Block
from cleaner.rules import RuleError, RuleErrors, SiteRules, parse_file
from cleaner.rules._compile import MAX_PATTERN_CHARS

MINIMAL = """
[site]
name = "example"
domains = ["example.com"]
"""


def write(tmp_path: Path, body: str, name: str = "example.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def compile_file(path: Path) -> SiteRules:
    return SiteRules(parse_file(path))


def error_of(tmp_path: Path, body: str) -> RuleError:
    with pytest.raises(RuleError) as info:
        compile_file(write(tmp_path, body))
    return info.value


def test_minimal_file_parses(tmp_path: Path) -> None:
    rules = compile_file(write(tmp_path, MINIMAL))
    assert rules.name == "example"
    assert rules.domains == ["example.com"]
    assert rules.file_name == "example.toml"


def test_full_file_parses(tmp_path: Path) -> None:
    body = (
        MINIMAL
        + """
    fingerprints = ["Example Daily"]
    categories = ["poll"]
    fingerprint_patterns = ['Example \\\\w+ Edition']
    [[drop]]
    id = "ticker"
    category = "ticker"
    lines = ['[A-Z]{3} \\\\d+\\\\.\\\\d+']
    [[keep]]
    id = "quote"
    contains = ['^>']
    [[section]]
    id = "poll"
    category = "poll"
    start = '^Poll$'
    end = '^Vote$'
    [[truncate]]
    id = "footer"
    category = "footer"
    at = '^About us$'
    [body]
    start = '^Story$'
    [metadata]
    site = "Example"
    title = '(?m)^Headline: (.+)$'
    [metadata.html]
    title = "//h1"
    [html]
    body = "//article"
    strip = ["//aside"]
    strip_id_or_class = ["share"]
    [[test]]
    text = "Headline: x"
    """
    )
    rules = compile_file(write(tmp_path, textwrap.dedent(body)))
    spec = rules.spec
    assert [r.id for r in spec.drops] == ["ticker"] and spec.keeps[0].category == "body"
    assert spec.sections[0].end == ["^Vote$"] and spec.truncates[0].at == ["^About us$"]
    assert spec.meta_site == "Example" and spec.meta_patterns["title"] == ["(?m)^Headline: (.+)$"]
    assert rules.html_body is not None and len(rules.html_strip) == 1 and rules.html_strip_id_or_class is not None
    assert len(spec.tests) == 1


def test_toml_syntax_error_has_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + "\n[[drop]]\nid = 'x\ncategory = 'related'\n")
    assert err.line == 7
    assert "TOML syntax error" in str(err) and "example.toml:7" in str(err)


def test_toml_error_at_end_of_document_has_line(tmp_path: Path) -> None:
    assert error_of(tmp_path, MINIMAL + "\n[[drop]]\nid = 'x").line == 7


def test_unknown_key_named_with_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + "\n[[drop]]\nid = 'x'\ncategory = 'advertisement'\nlinez = ['a']\n")
    assert isinstance(err, RuleErrors)
    # the typo, and what it causes (the rule has no pattern left), both reported
    typo = next(e for e in err.errors if "unknown key 'linez'" in e.message)
    assert typo.line == 9 and typo.rule == "x" and "did you mean 'lines'?" in typo.message
    assert any("needs at least one of lines" in e.message for e in err.errors)


def test_unknown_table(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + "\n[strip]\nx = 1\n")
    assert "unknown table 'strip'" in str(err) and err.line == 6


def test_unknown_site_key(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + "fingerprint = 'x'\n")
    assert "unknown key 'fingerprint'" in str(err) and err.line == 5


def test_bad_regex_names_rule(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + "\n[[drop]]\nid = 'broken'\ncategory = 'advertisement'\nlines = ['(unclosed']\n")
    assert err.rule == "broken" and err.line == 6
    assert "invalid or unsupported regex" in str(err) and "(unclosed" in str(err)


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=lookahead)", "(?<!behind)x"])
def test_backtracking_features_rejected(tmp_path: Path, pattern: str) -> None:
    err = error_of(tmp_path, MINIMAL + f"\n[[drop]]\nid = 'bt'\ncategory = 'advertisement'\ncontains = ['{pattern}']\n")
    assert err.rule == "bt"


def test_bad_xpath_named(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + "\n[html]\nstrip = ['//div[@class=']\n")
    assert "invalid XPath" in str(err) and err.rule == "html.strip" and err.line == 7


def test_xpath_unknown_function_caught_at_load(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + "\n[html]\nbody = 'nosuchfunction(//div)'\n")
    assert "invalid XPath" in str(err)


def test_bad_metadata_pattern_named(tmp_path: Path) -> None:
    err = error_of(tmp_path, MINIMAL + "\n[metadata]\ndate = '([0-9]+'\n")
    assert err.rule == "metadata.date" and err.line == 7


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("\n[[drop]]\nid = 'a'\nlines = ['x']\n", "needs a category"),
        ("\n[[drop]]\ncategory = 'advertisement'\nlines = ['x']\n", "needs an id"),
        ("\n[[drop]]\nid = 'a'\ncategory = 'advertisement'\n", "at least one of lines"),
        ("\n[[drop]]\nid = 'a'\ncategory = 'advertisement'\nlines = 3\n", "must be a string or list of strings"),
        (
            "\n[[drop]]\nid = 'a'\ncategory = 'related'\nlines = ['x']\n[[drop]]\nid = 'a'\ncategory = 'related'\nlines = ['y']\n",
            "duplicate",
        ),
        ("\n[[section]]\nid = 's'\ncategory = 'related'\nstart = 'x'\n", "exactly one of 'end'"),
        ("\n[[section]]\nid = 's'\ncategory = 'related'\nstart = 'x'\nuntil = 'gap'\n", "'until' can only be"),
        ("\n[[truncate]]\nid = 't'\ncategory = 'related'\n", "needs 'at'"),
        ("\n[body]\ncategory = 'related'\n", "needs 'start' or 'end'"),
        ("\n[[test]]\nurl = 'https://example.com/'\n", "exactly one of 'file' or 'text'"),
        ("\n[[test]]\ntext = 'x'\nmetadata = { titel = 'y' }\n", "unknown key 'titel'"),
        ("\n[[drop]]\nid = 'a'\ncategory = 'advertisement'\nlines = ['x']\nmax_words = -1\n", "integer between"),
    ],
)
def test_schema_errors(tmp_path: Path, extra: str, message: str) -> None:
    assert message in str(error_of(tmp_path, MINIMAL + extra))


def test_site_table_required(tmp_path: Path) -> None:
    assert "missing [site]" in str(error_of(tmp_path, "[[drop]]\nid='a'\ncategory='related'\nlines=['x']\n"))


@pytest.mark.parametrize("name", ["", "has space", "x" * 65, "../etc"])
def test_site_name_checked(tmp_path: Path, name: str) -> None:
    assert "name is required" in str(error_of(tmp_path, f'[site]\nname = "{name}"\n'))


def test_invalid_domain(tmp_path: Path) -> None:
    assert "invalid domain" in str(error_of(tmp_path, '[site]\nname = "x"\ndomains = ["http://x.com/"]\n'))


def test_pattern_length_capped(tmp_path: Path) -> None:
    long = "a" * (MAX_PATTERN_CHARS + 1)
    err = error_of(tmp_path, MINIMAL + f"\n[[drop]]\nid = 'long'\ncategory = 'related'\nlines = ['{long}']\n")
    assert "longer than" in str(err)


def test_rule_count_capped(tmp_path: Path) -> None:
    many = "".join(f"\n[[drop]]\nid = 'r{i}'\ncategory = 'related'\nlines = ['x{i}']\n" for i in range(301))
    assert "more than 300" in str(error_of(tmp_path, MINIMAL + many))


def test_huge_repetition_rejected(tmp_path: Path) -> None:
    err = error_of(
        tmp_path, MINIMAL + "\n[[drop]]\nid = 'big'\ncategory = 'related'\nlines = ['((a{1000}){1000}){1000}']\n"
    )
    assert err.rule == "big"


def test_file_size_capped(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "# " + "x" * 600_000 + "\n")
    with pytest.raises(RuleError, match="larger than"):
        parse_file(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'[site]\nname = "\xff"\n')
    with pytest.raises(RuleError, match="UTF-8"):
        parse_file(path)


def test_catastrophic_regex_runs_in_linear_time(tmp_path: Path) -> None:
    # exponential under a backtracking engine, yet allowed (no unbounded repetition inside the group)
    body = MINIMAL + "\n[[drop]]\nid = 'evil'\ncategory = 'related'\ncontains = ['(?:a|aa)+$', '(?:x|xx)+y']\n"
    rules = compile_file(write(tmp_path, body))
    text = "a" * 5_000 + "!" + "x" * 4_000  # under the rules' block cap
    blocks = [Block(index=0, text=text, words=1)]
    started = time.perf_counter()
    rules.apply_text(blocks)
    assert time.perf_counter() - started < 1.0  # Python's re would take ages here
    assert blocks[0].decision is None


def test_nested_unbounded_repetition_is_refused(tmp_path: Path) -> None:
    body = MINIMAL + "\n[[drop]]\nid = 'evil'\ncategory = 'related'\ncontains = ['(a+)+$', '(x+x+)+y']\n"
    with pytest.raises(RuleError, match="nested repetition"):
        compile_file(write(tmp_path, body))


def test_hostile_section_stays_linear(tmp_path: Path) -> None:
    body = MINIMAL + "\n[[section]]\nid = 's'\ncategory = 'related'\nstart = '.'\nend = 'never'\nmax_blocks = 1000000\n"
    rules = compile_file(write(tmp_path, body))
    blocks = [Block(index=i, text=f"line {i}", words=2) for i in range(20_000)]
    started = time.perf_counter()
    rules.apply_text(blocks)
    assert time.perf_counter() - started < 2.0
    assert all(b.decision is None for b in blocks)


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "notes = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(RuleError, match="nested too deeply"):
        parse_file(path)


@pytest.mark.parametrize("fingerprint", ["", "   ", "x" * (MAX_PATTERN_CHARS + 1)])
def test_bad_fingerprints(tmp_path: Path, fingerprint: str) -> None:
    assert "fingerprints must be" in str(error_of(tmp_path, MINIMAL + f'fingerprints = ["{fingerprint}"]\n'))

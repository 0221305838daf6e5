"""``cleaner rules learn``: rule files learned from a site's other pages (issue 16).

A small synthetic site: eight pages of one host sharing a masthead, a menu, a
newsletter line, a dated line, a "Most Popular" tail over headlines that change
from page to page and a footer, around prose of their own; two of the pages
share one more line, which is not chrome.
"""

from __future__ import annotations

import json
import random
import re
import tomllib
from itertools import permutations
from pathlib import Path
from typing import Any

import pytest
import re2
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import app as main_app
from cleaner.cli.rules import app
from cleaner.learn import LearnSettings, SiteModel, SiteProfile, fingerprint
from cleaner.learn._rulefile import line_pattern, plan_rules, render, rule_name, text_program_size
from cleaner.learn._texts import TextCollector
from cleaner.rules import ENV_VAR, load_file
from cleaner.rules._compile import MATCH_OPTIONS, MAX_PATTERN_CHARS, MAX_PATTERNS_PER_RULE, MAX_TEXT_PROGRAM_SIZE

runner = CliRunner()
HOST = "www.riverside-gazette.example"
SITE = "riverside-gazette.example"  # the site key: the host without www.
MASTHEAD = "The Riverside Gazette - news for the whole valley"
MENU = "Home | News | Sport | Business | Weather"
NEWSLETTER = "Subscribe to our newsletter"
POPULAR = "Most Popular"
COPYRIGHT = "© 2024 Valley Media Group Ltd. All rights reserved."
FOOTER = "The Riverside Gazette is part of Valley Media Group"
TWO_PAGES = "Residents packed the hall to hear the plans for the river district"
WORDS = [
    "council", "river", "plans", "homes", "school", "bridge", "traffic", "green", "mill", "market", "harbour",
    "valley", "road", "budget", "residents", "families", "workers", "shops", "parking", "library", "museum",
    "station", "hospital", "festival", "weather",
]  # fmt: skip
HEADLINES = [
    f"{a} {b} {c}"
    for a in ("Storm", "Mayor", "Team", "Museum")
    for b in ("wins", "closes", "opens")
    for c in ("bridge", "market", "hall")
]


def page_lines(i: int) -> list[str]:
    """Page ``i``: chrome around four paragraphs of its own, and four headlines in the tail, two of them
    also on the next page (a "most popular" list changes from day to day, not from page to page)."""
    rnd = random.Random(i)
    prose = [" ".join(rnd.choice(WORDS) for _ in range(20)).capitalize() + "." for _ in range(4)]
    lines = [MASTHEAD, MENU, NEWSLETTER, f"Updated {10 + i}:{30 + i} on {i + 1} May 2024", *prose]
    if i < 2:
        lines.insert(6, TWO_PAGES)
    return [*lines, POPULAR, *HEADLINES[2 * i : 2 * i + 4], COPYRIGHT, FOOTER]


def as_html(lines: list[str]) -> str:
    head, prose, tail = lines[:4], [x for x in lines[4:] if len(x.split()) >= 12], lines[-7:]
    return (
        f"<html><head><title>Story</title></head><body><header><h1>{head[0]}</h1><nav><p>{head[1]}</p></nav>"
        f"<p>{head[2]}</p></header><article><p>{head[3]}</p>"
        + "".join(f"<p>{p}</p>" for p in prose)
        + f"</article><aside><h3>{tail[0]}</h3><ul>"
        + "".join(f"<li>{h}</li>" for h in tail[1:5])
        + f"</ul></aside><footer><p>{tail[5]}</p><p>{tail[6]}</p></footer></body></html>"
    )


def records(kind: str = "text", pages: range = range(8), host: str = HOST) -> list[dict[str, str]]:
    out = []
    for i in pages:
        body = "\n".join(page_lines(i)) + "\n" if kind == "text" else as_html(page_lines(i))
        out.append({"url": f"https://{host}/story/{i}", kind: body})
    return out


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def learn(*args: str) -> Any:
    return runner.invoke(app, ["learn", *args])


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture(scope="module", params=["text", "html"])
def learned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The site learned from JSONL with URLs (text dumps, then HTML pages); the folder and the run."""
    tmp = tmp_path_factory.mktemp(request.param)
    data = write_jsonl(tmp / "site.jsonl", records(request.param))
    out = tmp / "out"
    with pytest.MonkeyPatch.context() as env:
        env.delenv(ENV_VAR, raising=False)
        result = learn(str(data), "--out-dir", str(out), "--site-model", str(tmp / "model.json"))
    return out, result


def rule_file(out: Path) -> Path:
    return out / f"{SITE}.toml"


def drop_lines(path: Path) -> dict[str, str]:
    """pattern -> category of every [[drop]] line of a rule file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {p: rule["category"] for rule in data.get("drop", []) for p in rule["lines"]}


def test_the_file_is_written_and_passes_check_and_test(learned: tuple[Path, Any]) -> None:
    out, result = learned
    assert result.exit_code == 0, result.output
    assert f"{rule_file(out)}: {SITE}, 8 pages (8 read)" in result.output
    assert [p.name for p in out.iterdir()] == [f"{SITE}.toml"]  # no temporary file left behind
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code == 0 and "0 with problems" in check.output, check.output
    tested = runner.invoke(app, ["test", str(out)])
    assert tested.exit_code == 0 and "2 passed, 0 failed" in tested.output, tested.output


@pytest.mark.parametrize("line", [MASTHEAD, MENU, COPYRIGHT, FOOTER, NEWSLETTER])
def test_repeated_lines_become_rules_with_their_counts(learned: tuple[Path, Any], line: str) -> None:
    text = rule_file(learned[0]).read_text(encoding="utf-8")
    pattern = line_pattern(line)
    assert re.search(re.escape(f"'{pattern}',  # seen on 8 of 8 pages"), text), pattern
    assert r"\d+" in pattern or not re.search(r"\d", line)  # the year is generalised


def test_lines_of_two_pages_and_changing_headlines_are_no_rules(learned: tuple[Path, Any]) -> None:
    text = rule_file(learned[0]).read_text(encoding="utf-8")
    assert "Residents packed the hall" not in text.split("[[test]]")[0]
    assert not any(h in text.split("[[test]]")[0] for h in HEADLINES)
    # the dateline is on every page once digits are folded, but datelines are the generic engine's
    assert "Updated" not in text.split("[[test]]")[0]
    assert "dateline or byline" in text


def test_categories_come_from_the_lexicon_else_site_chrome(learned: tuple[Path, Any]) -> None:
    lines = drop_lines(rule_file(learned[0]))
    matcher = Cleaner(site_rules=False).matcher
    found = matcher.match_short(NEWSLETTER, len(NEWSLETTER.split()))
    assert found is not None and lines[line_pattern(NEWSLETTER)] == found.category == "subscription"
    assert lines[line_pattern(MENU)] == lines[line_pattern(FOOTER)] == "site-chrome"


def test_site_table_has_the_domain_and_distinctive_fingerprints(learned: tuple[Path, Any]) -> None:
    site = tomllib.loads(rule_file(learned[0]).read_text(encoding="utf-8"))["site"]
    assert site["name"] == SITE and site["domains"] == [SITE]
    assert MASTHEAD in site["fingerprints"] and FOOTER in site["fingerprints"]
    assert NEWSLETTER not in site["fingerprints"]  # printed by many sites: not this one's mark
    assert site["min_fingerprints"] == 2


def test_the_tail_heading_becomes_a_section(learned: tuple[Path, Any]) -> None:
    data = tomllib.loads(rule_file(learned[0]).read_text(encoding="utf-8"))
    (section,) = data["section"]
    assert section["start"] == "(?i)^Most Popular$" and section["until"] == "prose"
    assert section["prose_min_words"] == 25 and section["category"] == "related"


def test_the_site_model_is_saved_with_readable_texts(learned: tuple[Path, Any]) -> None:
    model = SiteModel.load(learned[0].parent / "model.json")
    profile = model.get(SITE)
    assert profile is not None and profile.pages == 8
    assert profile.texts[fingerprint(MENU)] == MENU


def test_cleaning_with_the_learned_rules_drops_the_chrome(learned: tuple[Path, Any], tmp_path: Path) -> None:
    out = learned[0]
    page = tmp_path / "new.txt"
    lines = page_lines(11)  # a page the rules never saw
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"https://{HOST}/story/11"
    res = runner.invoke(main_app, ["clean", str(page), "--url", url, "--rules", str(out), "--format", "txt"])
    assert res.exit_code == 0, res.output
    assert lines[5][:40] in res.stdout
    for chrome in (MASTHEAD, MENU, FOOTER, COPYRIGHT, *HEADLINES[22:26]):
        assert chrome not in res.stdout
    result = Cleaner(rules_dirs=[out]).clean("\n".join(lines), url=url)
    reasons = {b.text: b.reason for b in result.blocks}
    assert reasons[FOOTER] == f"site:{SITE}:site-chrome" and reasons[NEWSLETTER] == f"site:{SITE}:subscription"
    assert reasons[HEADLINES[22]] == f"site:{SITE}:tail-1"


@pytest.mark.parametrize("order", ["reversed", "shuffled", "two files"])
def test_identical_bytes_whatever_the_input_order(tmp_path: Path, order: str) -> None:
    rows = records()
    first = learn(str(write_jsonl(tmp_path / "a.jsonl", rows)), "--out-dir", str(tmp_path / "one"))
    assert first.exit_code == 0, first.output
    if order == "reversed":
        inputs = [write_jsonl(tmp_path / "b.jsonl", rows[::-1])]
    elif order == "shuffled":
        random.Random(7).shuffle(rows)
        inputs = [write_jsonl(tmp_path / "b.jsonl", rows)]
    else:
        inputs = [write_jsonl(tmp_path / "z.jsonl", rows[5:]), write_jsonl(tmp_path / "y.jsonl", rows[:5])]
    second = learn(*map(str, inputs), "--out-dir", str(tmp_path / "two"))
    assert second.exit_code == 0, second.output
    assert (tmp_path / "one" / f"{SITE}.toml").read_bytes() == (tmp_path / "two" / f"{SITE}.toml").read_bytes()


def test_site_names_the_site_of_dumps_without_urls(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    for i in range(8):
        (dumps / f"page{i}.txt").write_text("\n".join(page_lines(i)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    nothing = learn(str(dumps), "--out-dir", str(out))
    assert nothing.exit_code == 1 and "nothing learned" in nothing.output
    assert not list(out.glob("*.toml"))
    result = learn(str(dumps), "--site", "gazette", "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    site = tomllib.loads((out / "gazette.toml").read_text(encoding="utf-8"))["site"]
    assert site["name"] == "gazette" and "domains" not in site  # a name, not a host
    # a new dump, no URL: its fingerprints name the site
    cleaned = Cleaner(rules_dirs=[out]).clean("\n".join(page_lines(9)), mode="text")
    assert cleaned.metadata.site_rule == "gazette.toml"
    assert MENU not in cleaned.text and FOOTER not in cleaned.text


@pytest.mark.parametrize(
    ("site", "name"),
    [
        ("example.com", "example.com"),
        ("../x", "x-"),
        ("..", "site-"),
        ("a/b\\c", "a_b_c-"),
        (".hidden", "hidden-"),
        ("x" * 300, "x" * 48 + "-"),
        ("café.fr", "caf_.fr-"),
    ],
)
def test_rule_names_are_safe_file_names(site: str, name: str) -> None:
    got = rule_name(site)
    assert got == name if not name.endswith("-") else got.startswith(name) and len(got) == len(name) + 8
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", got) and ".." not in got


def test_hostile_hosts_never_leave_the_out_dir(tmp_path: Path) -> None:
    hosts = ["..%2F..%2Fescaped", "a\\..\\b", "x" * 200 + ".example", ".hidden"]
    rows = [r for host in hosts for r in records(host=host)]
    out = tmp_path / "deep" / "out"
    result = learn(str(write_jsonl(tmp_path / "hostile.jsonl", rows)), "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    written = sorted(out.iterdir())
    assert len(written) == len(hosts)
    for path in written:
        assert path.parent == out and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.toml", path.name)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        ["hostile.jsonl", *(p.name for p in written)]
    )
    assert runner.invoke(app, ["test", str(out)]).exit_code == 0


def test_an_existing_file_is_kept_without_overwrite(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "site.jsonl", records())
    out = tmp_path / "out"
    out.mkdir()
    mine = rule_file(out)
    mine.write_text("# my own rules\n", encoding="utf-8")
    kept = learn(str(data), "--out-dir", str(out))
    assert kept.exit_code == 1 and "exists, kept (use --overwrite)" in kept.output
    assert mine.read_text(encoding="utf-8") == "# my own rules\n"
    replaced = learn(str(data), "--out-dir", str(out), "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert "[[drop]]" in mine.read_text(encoding="utf-8")


AWKWARD = [
    'It\'s a "quoted" line with a back\\slash',
    "Bell\x07 and DEL\x7f inside a line",
    "Regex [chars] (a+)* ^ $ | ? {3} . all literal",
    "Triple ''' and \"\"\" quotes",
    "Long line " + "word " * (MAX_PATTERN_CHARS // 4),
]


def test_awkward_lines_give_valid_toml_and_patterns(tmp_path: Path) -> None:
    rows = []
    for i in range(6):
        lines = page_lines(i)
        rows.append({"url": f"https://{HOST}/s/{i}", "text": "\n".join([*lines[:4], *AWKWARD, *lines[4:]])})
    out = tmp_path / "out"
    result = learn(str(write_jsonl(tmp_path / "a.jsonl", rows)), "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    text = rule_file(out).read_text(encoding="utf-8")
    assert "1 pattern too long or costly" in text
    assert runner.invoke(app, ["check", str(out)]).exit_code == 0
    assert runner.invoke(app, ["test", str(out)]).exit_code == 0
    page = "\n".join([*page_lines(7)[:4], *AWKWARD[:4], *page_lines(7)[4:]])
    cleaned = Cleaner(rules_dirs=[out]).clean(page, url=f"https://{HOST}/s/7")
    dropped = {b.text for b in cleaned.blocks if b.reason.startswith(f"site:{SITE}:")}
    assert {'It\'s a "quoted" line with a back\\slash', "Bell and DEL inside a line"} <= dropped
    assert {AWKWARD[2], AWKWARD[3]} <= dropped


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-"], "stdin"),
        (["IN", "--site", "../x"], "--site"),
        (["IN", "--min-share", "0"], "min_share"),
        (["IN", "--min-pages", "1"], "--min-pages"),
        (["IN", "--out-dir", "IN"], "not a folder"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], needle: str) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", records(pages=range(2)))
    result = learn(*(str(data) if a == "IN" else a for a in args))
    assert result.exit_code == 2, result.output
    assert needle in " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())


@pytest.mark.parametrize(
    ("text", "same", "other"),
    [
        ("Updated 10:32 on 12 May 2024", "updated 9:05 on 1 MAY 2025", "Updated at 10:32"),
        ("a.b*c (d) [e] {f} ^g$ h|i? \\j", "A.B*C (D) [E] {F} ^G$ H|I? \\J", "aXb*c (d) [e] {f} ^g$ h|i? \\j"),
        ('It\'s "quoted"', 'IT\'S "QUOTED"', "Its quoted"),
        ("Price ٣٠ pounds", "price ٤ pounds", "price pounds"),
    ],
)
def test_line_patterns_match_what_the_statistics_fold(text: str, same: str, other: str) -> None:
    rx = re2.compile(f"^(?:{line_pattern(text)})$", MATCH_OPTIONS)
    assert rx.search(text) and rx.search(same) and not rx.search(other)


def test_texts_are_the_most_common_form_whatever_the_order() -> None:
    pages = [["MENU", "Updated 10:32"], ["Menu", "Updated 9:15"], ["Menu", "updated 1:00"], ["MENU", "Updated 10:32"]]
    pages.append(["menu", "Updated 3:00"])
    chosen = set()
    for order in permutations(pages):
        profile = SiteProfile("s", 5, 5, {fingerprint("menu"): 5, fingerprint("updated 0:00"): 5})
        collector = TextCollector(SiteModel([profile]))
        for lines in order:
            collector.add("s", lines)
        assert collector.fill() == 2
        chosen.add((profile.texts[fingerprint("menu")], profile.texts[fingerprint("updated 0:00")]))
    # MENU and Menu tie at two pages each: the smaller; the digits of "Updated 10:32" fold into one form of four
    assert chosen == {("MENU", "Updated 10:32")}


@pytest.mark.parametrize("words", [1, 8])
def test_many_repeated_lines_fit_the_file_limits(tmp_path: Path, words: int) -> None:
    """Short lines overflow a rule's 200 patterns (split into more rules); long ones the file's RE2 budget."""
    rnd = random.Random(words)
    texts = sorted({" ".join("".join(rnd.choices("abcdefghij", k=5)) for _ in range(words)) for _ in range(900)})
    profile = SiteProfile("many.example", 40, 40, {fingerprint(t): 40 - i % 30 for i, t in enumerate(texts)})
    profile.texts = {fingerprint(t): t for t in texts}
    plan = plan_rules(profile, lambda text, n: None)
    assert text_program_size(plan.drops, plan.tails) <= MAX_TEXT_PROGRAM_SIZE
    assert all(len(rule.lines) <= MAX_PATTERNS_PER_RULE for rule in plan.drops)
    assert plan.lines + plan.skipped.get("over the file's pattern budget", 0) == len(texts)
    if words == 1:
        assert [r.id for r in plan.drops][:2] == ["site-chrome", "site-chrome-2"]
    kept = [line.pages for rule in plan.drops for line in rule.lines]
    assert min(kept) >= max(profile.chrome.values()) - 29  # the most frequent lines went in first
    path = tmp_path / "many.example.toml"
    path.write_text(render(plan, profile, LearnSettings(), []), encoding="utf-8")
    assert load_file(path).name == "many.example"

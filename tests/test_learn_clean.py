"""Crawl-aware cleaning end to end (issue 16): a site's chrome learned from its pages, then dropped.

A synthetic local paper: every page has the same menu, a promotional line
inside the article that reads like prose (only the site model can tell it is
chrome), a "Most Popular" list whose headlines change from page to page, and
the same footer; each page's own article is three paragraphs of its own.
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result as CliResult

from cleaner import Cleaner, Result
from cleaner.learn import SiteLearner, SiteModel, learn_site_model

Cli = Callable[..., CliResult]

HOST = "www.riverside-gazette.example"
SITE = "riverside-gazette.example"
TOPICS = [
    ("the council", "Millbrook", "repair the old stone bridge", "residents who cross it every morning"),
    ("the school board", "Ashford", "extend the library hours", "parents who work late shifts"),
    ("the hospital trust", "Kingsley", "open a second maternity ward", "midwives who had asked for years"),
    ("the harbour authority", "Porthaven", "dredge the silted channel", "fishermen whose boats ran aground"),
    ("the transport office", "Elmstead", "add a late evening bus route", "students at the technical college"),
    ("the parks department", "Wrenfield", "replant the flooded meadow", "volunteers who cleared the debris"),
    ("the water company", "Hollowmere", "replace the leaking mains", "shop owners on the high street"),
    ("the housing committee", "Barrowdale", "convert the empty mill into flats", "young families on the waiting list"),
    ("the fire service", "Thornbury", "build a new station by the ring road", "crews who cover the outlying villages"),
]
MENU = ["Home", "Local News", "Riverside Sport", "Weather and Tides", "Letters to the Editor"]
PROMO = (
    "The Riverside Gazette is owned by its readers and relies on subscriptions from families "
    "across the valley to pay for its reporting."
)
TAIL = "Most Popular"
FOOTER = ["Riverside Gazette, 14 Quay Street, Millbrook", "Copyright 2024 Riverside Gazette Media Limited"]
HEADLINES = [
    "Lorry sheds load of turnips on the bypass",
    "Church choir wins the county cup again",
    "Otters spotted near the weir, walkers say",
    "Bakery closes after ninety years of trade",
    "Ferry timetable changes for the winter",
    "Mayor opens the new skate park",
    "Heron rescued from a fishing net",
    "Library cat retires to a quiet farm",
    "Cricket club repaints its old pavilion",
    "Hospital car park charges to rise",
    "Farmers market moves to the square",
    "Storm brings down the oak on Mill Lane",
    "Pupils plant a hedge along the canal",
    "Police appeal after a bicycle theft",
    "Brass band marks its centenary",
    "Post office queue stretches around the block",
    "Swans return to the castle moat",
    "Council tax letters sent out late",
    "Allotment waiting list reaches record",
    "Lifeboat crew called to a stranded yacht",
    "Roadworks on the ring road extended",
    "Museum finds a lost Roman coin",
    "Chip shop wins a national award",
    "Pier lights switched on for the season",
    "Scouts restore the old signal box",
    "Village hall roof repaired at last",
    "Beekeepers report a record honey harvest",
]
LEARNED = range(8)  # the pages the model is learned from; page 8 is new to it
NEW = 8
CHROME = [*MENU, PROMO, TAIL, *FOOTER]


def headline(i: int) -> str:
    return f"{TOPICS[i][1]} votes to {TOPICS[i][2]}"


def url(i: int, host: str = HOST) -> str:
    return f"https://{host}/news/" + headline(i).lower().replace(" ", "-")


def article(i: int) -> list[str]:
    who, town, what, whom = TOPICS[i]
    return [
        f"{who.capitalize()} in {town} voted on Tuesday evening to {what}, ending a debate that had run for most "
        f"of the year and divided opinion among {whom} and their neighbours.",
        f"Supporters said the decision in {town} was long overdue and that the cost would be repaid within a "
        f"decade, while critics warned that {who} had not explained where the money would come from.",
        f"A final report on the plan to {what} is expected before the summer, and {whom} have been invited to a "
        f"public meeting in the {town} town hall to put their questions directly to officials.",
    ]


def headlines(i: int) -> list[str]:
    """Four headlines, two of them also on the next page: a "most popular" list changes by the day."""
    return HEADLINES[2 * i : 2 * i + 4]


def text_page(i: int) -> str:
    lines = [*MENU, "", headline(i), ""]
    for paragraph in article(i):
        lines += [paragraph, ""]
    lines += [PROMO, "", TAIL, *headlines(i), "", *FOOTER]
    return "\n".join(lines) + "\n"


def html_page(i: int) -> str:
    nav = "".join(f'<li><a href="/section/{j}">{m}</a></li>' for j, m in enumerate(MENU))
    paragraphs = "".join(f"<p>{p}</p>" for p in [*article(i), PROMO])
    popular = "".join(f'<li><a href="/story/{j}">{h}</a></li>' for j, h in enumerate(headlines(i)))
    footer = "".join(f"<p>{f}</p>" for f in FOOTER)
    return (
        f"<!doctype html><html><head><title>{headline(i)}</title></head><body>"
        f"<nav><ul>{nav}</ul></nav><article><h1>{headline(i)}</h1>{paragraphs}</article>"
        f"<aside><h2>{TAIL}</h2><ul>{popular}</ul></aside><footer>{footer}</footer></body></html>"
    )


def record(result: Result) -> str:
    """Everything a result says, as one string: equal strings mean identical output."""
    return json.dumps(result.to_dict(blocks=True), sort_keys=True)


def removed(result: Result) -> dict[str, str]:
    return {b.text: b.reason for b in result.removed}


@pytest.fixture(scope="module")
def text_model() -> SiteModel:
    return learn_site_model([(text_page(i), url(i)) for i in LEARNED])


@pytest.fixture(scope="module")
def html_model() -> SiteModel:
    learner = SiteLearner()
    for i in LEARNED:
        learner.add(html_page(i), url=url(i))
    return learner.model()


@pytest.fixture(scope="module")
def plain() -> Cleaner:
    return Cleaner()


def test_the_model_holds_the_site(text_model: SiteModel) -> None:
    profile = text_model.get(SITE)
    assert list(text_model.profiles) == [SITE] and profile is not None
    assert (profile.pages, profile.pages_seen) == (8, 8)
    assert len(profile.chrome) == len(CHROME) and len(profile.tails) == 1


@pytest.mark.parametrize("page", [2, NEW])
def test_learned_chrome_is_removed_and_the_article_kept(text_model: SiteModel, plain: Cleaner, page: int) -> None:
    result = Cleaner(site_model=text_model).clean(text_page(page), url=url(page))
    assert result.ok
    reasons = removed(result)
    for line in CHROME:
        assert reasons[line].startswith(f"site-model:{SITE}:seen-on-8-of-8-pages"), line
    for line in headlines(page):
        assert reasons[line] == f"site-model:{SITE}:tail-after-repeated-heading", line
    assert result.text == "\n\n".join(article(page))
    assert result.metadata.title == headline(page)
    # the promotional line reads like prose: the generic engine alone keeps it
    assert PROMO in plain.clean(text_page(page), url=url(page)).text


@pytest.mark.parametrize("engine", ["accurate", "fast"])
@pytest.mark.parametrize("page", [2, NEW])
def test_html_pages(html_model: SiteModel, engine: str, page: int) -> None:
    profile = html_model.get(SITE)
    assert profile is not None and profile.pages == 8 and len(profile.chrome) >= len(CHROME)
    without = Cleaner(engine=engine).clean(html_page(page), url=url(page))
    result = Cleaner(engine=engine, site_model=html_model).clean(html_page(page), url=url(page))
    assert PROMO in without.text
    assert PROMO not in result.text
    assert removed(result)[PROMO].startswith(f"site-model:{SITE}:seen-on-8-of-8-pages")
    for paragraph in article(page):
        assert paragraph in result.text
    assert not any(line in result.text for line in [*MENU, *FOOTER, TAIL, *headlines(page)])


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (text_page(NEW), url(NEW, "www.other-paper.example")),  # the same lines on another site
        (text_page(NEW), None),
        (text_page(NEW), "http://[/"),
        (html_page(NEW), url(NEW, "other-paper.example")),
    ],
)
def test_other_sites_are_cleaned_as_without_a_model(
    text_model: SiteModel, html_model: SiteModel, plain: Cleaner, data: str, where: str | None
) -> None:
    expected = record(plain.clean(data, url=where))
    for model in (text_model, html_model):
        assert record(Cleaner(site_model=model).clean(data, url=where)) == expected


@pytest.mark.parametrize("mode", ["text", "html"])
def test_an_empty_model_changes_nothing(plain: Cleaner, mode: str) -> None:
    with_empty = Cleaner(site_model=SiteModel())
    for i in (0, NEW):
        data = text_page(i) if mode == "text" else html_page(i)
        assert record(with_empty.clean(data, url=url(i))) == record(plain.clean(data, url=url(i)))


def test_a_forced_site_picks_the_profile(text_model: SiteModel, plain: Cleaner) -> None:
    """Pages without a URL are filed under a forced site name; the same name finds the profile."""
    data = text_page(NEW)
    assert PROMO in plain.clean(data).text
    assert PROMO not in Cleaner(site_model=text_model, site_rules=False).clean(data, site=SITE).text


def test_a_cleaner_with_a_model_pickles(text_model: SiteModel) -> None:
    original = Cleaner(site_model=text_model)
    copy = pickle.loads(pickle.dumps(original))
    assert copy.site_model is not None and copy.site_model.profiles == text_model.profiles
    result = copy.clean(text_page(NEW), url=url(NEW))
    assert PROMO not in result.text
    assert record(result) == record(original.clean(text_page(NEW), url=url(NEW)))


@pytest.mark.parametrize("model", ["x", {"sites": {}}, 0])
def test_site_model_must_be_a_site_model(model: Any) -> None:
    with pytest.raises(TypeError, match="site_model must be a SiteModel"):
        Cleaner(site_model=model)


def test_a_learned_menu_line_is_not_the_title(text_model: SiteModel) -> None:
    result = Cleaner(site_model=text_model).clean(text_page(NEW), url=f"https://{HOST}/news/{NEW}")
    assert removed(result)["Letters to the Editor"].startswith("site-model:")
    assert result.metadata.title != "Letters to the Editor"


# --- cleaner clean --learn ---------------------------------------------------------------------


def flat(output: str) -> str:
    """A usage error's text without rich's box and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def write_pages(path: Path, broken_after: int | None = None) -> Path:
    lines = []
    for i in [*LEARNED, NEW]:
        lines.append(json.dumps({"id": f"page-{i}", "url": url(i), "text": text_page(i)}))
        if i == broken_after:
            lines.append('{"id": "broken", "url": "https://www.riverside-gazette.example/x", "text": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    return write_pages(tmp_path / "pages.jsonl")


def test_clean_learn(cli: Cli, pages: Path, tmp_path: Path) -> None:
    res = cli("clean", pages, "--learn", "-o", tmp_path / "out.jsonl", "-j", "2")
    assert res.exit_code == 0, res.output
    assert "cleaner: --learn: learned 1 of 1 sites from 9 documents (0 without a site, 0 unreadable)" in res.stderr
    out = records(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == [f"page-{i}" for i in [*LEARNED, NEW]]
    for r, i in zip(out, [*LEARNED, NEW], strict=True):
        assert r["status"] == "ok" and r["text"] == "\n\n".join(article(i))
        reasons = {b["text"]: b["reason"] for b in r["removed"]}
        assert reasons[PROMO].startswith(f"site-model:{SITE}:")
    plain = cli("clean", pages, "-o", tmp_path / "plain.jsonl", "-j", "1")
    assert plain.exit_code == 0 and all(PROMO in r["text"] for r in records(tmp_path / "plain.jsonl"))


def test_a_saved_model_cleans_as_the_learning_run(cli: Cli, pages: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.json.gz"
    learned = cli("clean", pages, "--learn", "--save-site-model", model, "-o", tmp_path / "a.jsonl", "-j", "1")
    assert learned.exit_code == 0, learned.output
    assert list(SiteModel.load(model).profiles) == [SITE]
    loaded = cli("clean", pages, "--site-model", model, "-o", tmp_path / "b.jsonl", "-j", "1")
    assert loaded.exit_code == 0, loaded.output
    assert "--learn" not in loaded.stderr
    assert records(tmp_path / "b.jsonl") == records(tmp_path / "a.jsonl")


@pytest.mark.parametrize("declared", ["og", "canonical"])
def test_saved_html_pages_are_filed_under_the_url_they_give(cli: Cli, tmp_path: Path, declared: str) -> None:
    """A folder of saved pages has no URLs: each page's og:url or canonical link names its site."""
    folder = tmp_path / "saved"
    folder.mkdir()
    for i in [*LEARNED, NEW]:
        tag = (
            f'<meta property="og:url" content="{url(i)}">'
            if declared == "og"
            else f'<link rel="canonical" href="{url(i)}">'
        )
        (folder / f"page-{i}.html").write_text(html_page(i).replace("<head>", "<head>" + tag), encoding="utf-8")
    res = cli("clean", folder, "--learn", "-o", tmp_path / "out.jsonl", "-j", "1")
    assert res.exit_code == 0, res.output
    assert "learned 1 of 1 sites from 9 documents (0 without a site" in res.stderr
    for r in records(tmp_path / "out.jsonl"):
        assert PROMO not in r["text"] and article(int(r["id"].split("-")[1].split(".")[0]))[0] in r["text"]
        assert {b["text"]: b["reason"] for b in r["removed"]}[PROMO].startswith(f"site-model:{SITE}:")


def test_too_few_pages_learn_nothing(cli: Cli, pages: Path, tmp_path: Path) -> None:
    res = cli("clean", pages, "--learn", "--learn-min-pages", "20", "-o", tmp_path / "a.jsonl", "-j", "1")
    assert res.exit_code == 0, res.output
    assert "learned 0 of 1 sites" in res.stderr
    assert cli("clean", pages, "-o", tmp_path / "b.jsonl", "-j", "1").exit_code == 0
    assert records(tmp_path / "a.jsonl") == records(tmp_path / "b.jsonl")


def test_a_broken_record_does_not_stop_learning(cli: Cli, tmp_path: Path) -> None:
    pages = write_pages(tmp_path / "pages.jsonl", broken_after=3)
    res = cli("clean", pages, "--learn", "-o", tmp_path / "out.jsonl", "-j", "1")
    assert res.exit_code == 1, res.output  # one document failed
    assert "learned 1 of 1 sites from 9 documents (0 without a site, 1 unreadable)" in res.stderr
    out = records(tmp_path / "out.jsonl")
    assert len(out) == 10
    (broken,) = [r for r in out if r["status"] != "ok"]
    assert broken["status"] == "error" and "invalid JSON" in broken["error"]
    assert all(PROMO not in r["text"] for r in out)
    assert "failed 1" in res.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "--learn"], "--learn reads the inputs twice: save stdin to a file first"),
        (["{pages}", "--learn", "--site-model", "{model}"], "--site-model loads one: give one of them"),
        (["{pages}", "--save-site-model", "{tmp}/new.json"], "--save-site-model saves what --learn learned"),
        (["{pages}", "--site-model", "{pages}"], "pages.jsonl: not a site model"),
        (["{pages}", "--learn", "--save-site-model", "{pages}"], "is also an input"),
        (["{pages}", "--learn", "--learn-min-pages", "1"], "--learn-min-pages"),
        (["{pages}", "--learn", "--learn-min-share", "0"], "--learn-min-share"),
    ],
)
def test_learning_usage_errors(cli: Cli, pages: Path, tmp_path: Path, args: list[str], message: str) -> None:
    model = tmp_path / "model.json"
    SiteModel().save(model)
    before = pages.read_bytes()
    argv = [a.format(pages=pages, model=model, tmp=tmp_path) for a in args]
    res = cli("clean", *argv, "-o", tmp_path / "out.jsonl", input=pages.read_bytes())
    assert res.exit_code == 2, res.output
    assert message in flat(res.output)
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "new.json").exists()
    assert pages.read_bytes() == before


def test_with_site_model_shares_what_is_built(text_model: SiteModel, plain: Cleaner) -> None:
    learned = plain.with_site_model(text_model)
    assert learned.rulebook is plain.rulebook and learned.matcher is plain.matcher  # nothing rebuilt
    assert plain.site_model is None  # the original is unchanged
    result = learned.clean(text_page(NEW), url=url(NEW))
    assert removed(result)[PROMO].startswith(f"site-model:{SITE}:")
    assert pickle.loads(pickle.dumps(learned)).clean(text_page(NEW), url=url(NEW)).text == result.text
    assert record(plain.clean(text_page(NEW), url=url(NEW))) != record(result)
    with pytest.raises(TypeError):
        plain.with_site_model("model.json")  # type: ignore[arg-type]

"""RuleBook: host lookup, fingerprints, forced sites, precedence of sources, global rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.rules import ENV_VAR, RuleBook, RuleError, bundled_dir


def site_file(folder: Path, name: str, domains: list[str], extra: str = "", file: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (file or f"{name}.toml")
    body = f'[site]\nname = "{name}"\ndomains = {domains!r}\n'.replace("'", '"') + textwrap.dedent(extra)
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def book(tmp_path: Path) -> RuleBook:
    site_file(tmp_path, "plain", ["example.com"])
    site_file(tmp_path, "wild", [".example.org"])
    site_file(tmp_path, "deep", ["news.example.net"])
    return RuleBook.load([tmp_path], env=False, bundled=False, strict=True)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://example.com/a", "plain"),
        ("https://www.example.com/a", "plain"),
        ("http://WWW.EXAMPLE.COM./a", "plain"),
        ("https://blog.example.com/a", None),  # a bare domain covers www. only
        ("https://example.org/", "wild"),
        ("https://a.example.org/", "wild"),
        ("https://a.b.example.org/x?y=1", "wild"),
        ("https://notexample.org/", None),
        ("https://news.example.net/", "deep"),
        ("https://www.news.example.net/", "deep"),
        ("https://example.net/", None),
        ("example.com/path", "plain"),
    ],
)
def test_host_lookup(book: RuleBook, url: str, name: str | None) -> None:
    found = book.by_url(url)
    assert (found.name if found else None) == name


def test_url_wins_over_fingerprints(tmp_path: Path) -> None:
    site_file(tmp_path, "a", ["a.com"], 'fingerprints = ["Alpha Times"]\n')
    site_file(tmp_path, "b", ["b.com"])
    book = RuleBook.load([tmp_path], env=False, bundled=False)
    assert book.resolve(url="https://b.com/x", text="Alpha Times")
    assert book.resolve(url="https://b.com/x", text="Alpha Times").name == "b"  # type: ignore[union-attr]
    assert book.resolve(url=None, text="... Alpha Times ...").name == "a"  # type: ignore[union-attr]


def test_fingerprints_need_minimum_and_pick_most_hits(tmp_path: Path) -> None:
    site_file(tmp_path, "two", ["two.com"], 'fingerprints = ["Two Daily", "Two Weekly"]\nmin_fingerprints = 2\n')
    site_file(tmp_path, "one", ["one.com"], 'fingerprints = ["Shared phrase"]\n')
    site_file(tmp_path, "rx", ["rx.com"], "fingerprint_patterns = ['Issue No\\. \\d+ of RX']\n")
    book = RuleBook.load([tmp_path], env=False, bundled=False, strict=True)
    assert book.detect("only Two Daily here") is None
    assert book.detect("Two Daily and Two Weekly")
    assert book.detect("Two Daily and Two Weekly").name == "two"  # type: ignore[union-attr]
    assert book.detect("Shared phrase").name == "one"  # type: ignore[union-attr]
    assert book.detect("Issue No. 42 of RX").name == "rx"  # type: ignore[union-attr]
    assert book.detect("nothing to see") is None
    assert book.fingerprint_hits("Two Daily, Two Daily, Two Weekly") == {"two": 2}


def test_forced_site_by_name_file_or_domain(book: RuleBook) -> None:
    for key in ("plain", "PLAIN", "plain.toml", "example.com"):
        assert book.resolve(url="https://other.org/", text="", site=key).name == "plain"  # type: ignore[union-attr]
    with pytest.raises(RuleError, match="no rule file"):
        book.resolve(url=None, text="", site="nope")


def test_bundled_rules_found() -> None:
    book = RuleBook.load(env=False)
    assert (bundled_dir() / "news24.com.toml").is_file()
    assert {"news24", "thenational", "albawaba", "themoscowtimes", "grahammedia"} <= set(book.sites)
    for host in (
        "ksat.com",
        "www.click2houston.com",
        "clickondetroit.com",
        "news4jax.com",
        "clickorlando.com",
        "wsls.com",
    ):
        assert book.by_host(host).name == "grahammedia"  # type: ignore[union-attr]


def test_user_dir_overrides_bundled(tmp_path: Path) -> None:
    mine = site_file(tmp_path, "news24", ["news24.com"], "[metadata]\nsite = 'Mine'\n", file="custom.toml")
    book = RuleBook.load([tmp_path], env=False)
    assert book.by_host("news24.com").path == mine  # type: ignore[union-attr]
    assert book.find("news24").path == mine  # type: ignore[union-attr]
    assert any(hidden == bundled_dir() / "news24.com.toml" for hidden, _ in book.report.hidden)


def test_host_claimed_by_higher_source(tmp_path: Path) -> None:
    site_file(tmp_path, "other", ["news24.com"])
    book = RuleBook.load([tmp_path], env=False)
    assert book.by_host("www.news24.com").name == "other"  # type: ignore[union-attr]


def test_first_dir_wins(tmp_path: Path) -> None:
    first = site_file(tmp_path / "a", "same", ["same.com"])
    site_file(tmp_path / "b", "same", ["same.com"])
    book = RuleBook.load([tmp_path / "a", tmp_path / "b"], env=False, bundled=False)
    assert book.find("same").path == first  # type: ignore[union-attr]


def test_env_var_source_and_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = site_file(tmp_path / "env", "envsite", ["env.com"], file="news24.com.toml")
    env_file.write_text('[site]\nname = "news24"\ndomains = ["news24.com"]\n[metadata]\nsite = "FromEnv"\n')
    site_file(tmp_path / "env2", "second", ["second.com"])
    monkeypatch.setenv(ENV_VAR, f"{tmp_path / 'env'}{__import__('os').pathsep}{tmp_path / 'env2'}")
    book = RuleBook.load()
    assert book.find("news24").path == env_file  # type: ignore[union-attr]
    assert book.find("second") is not None
    cli_file = site_file(tmp_path / "cli", "news24", ["news24.com"])
    assert RuleBook.load([tmp_path / "cli"]).find("news24").path == cli_file  # type: ignore[union-attr]


def test_broken_file_is_skipped_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[site\nname = 'x'\n")
    site_file(tmp_path, "fine", ["fine.com"])
    with pytest.warns(UserWarning, match="broken.toml:1"):
        book = RuleBook.load([tmp_path], env=False, bundled=False)
    assert "fine" in book.sites and len(book.report.errors) == 1
    with pytest.raises(RuleError):
        RuleBook.load([tmp_path], env=False, bundled=False, strict=True)


GLOBAL = """
[[drop]]
id = "cookie-bar"
category = "cookie"
lines = ['We use cookies\\.']
"""


def test_global_rules_apply_everywhere_and_first(tmp_path: Path) -> None:
    site_file(tmp_path, "global", ["*"], GLOBAL, file="_global.toml")
    site_file(tmp_path, "site", ["site.com"], "[[keep]]\nid = 'k'\nlines = ['We use cookies\\\\.']\n")
    book = RuleBook.load([tmp_path], env=False, bundled=False, strict=True)
    cleaner = Cleaner(mode="text", site_rules=False)
    cleaner.rulebook = book
    page = "Headline of the story here\n\nWe use cookies.\n\n" + "A sentence of plain article prose goes on here. " * 5
    elsewhere = cleaner.clean(page, url="https://unknown.org/x")
    cookie = next(b for b in elsewhere.blocks if b.text == "We use cookies.")
    assert cookie.reason == "site:global:cookie-bar" and elsewhere.metadata.site_rule == "_global.toml"
    on_site = cleaner.clean(page, url="https://site.com/x")
    cookie = next(b for b in on_site.blocks if b.text == "We use cookies.")
    # global rules run first, so the global drop wins over the site's keep
    assert cookie.reason == "site:global:cookie-bar" and on_site.metadata.site_rule == "site.toml"


def test_no_rules_at_all(tmp_path: Path) -> None:
    book = RuleBook.load([tmp_path / "empty"], env=False, bundled=False)
    assert len(book) == 0 and book.resolve(url=None, text="anything") is None


def test_cleaner_rules_dirs_reach_the_book(tmp_path: Path) -> None:
    site_file(tmp_path, "mine", ["mine.com"], "[metadata]\nsite = 'Mine Site'\n")
    result = Cleaner(mode="text", rules_dirs=[tmp_path]).clean("Some words in a line.", url="https://mine.com/a")
    assert result.metadata.site == "Mine Site" and result.metadata.site_rule == "mine.toml"


def test_unknown_forced_site_fails_at_setup() -> None:
    with pytest.raises(RuleError, match=r"no rule file for site 'nope'.*news24"):
        Cleaner(mode="text", site="nope")
    assert Cleaner(mode="text", site="nope", site_rules=False).rulebook is None
    assert Cleaner(mode="text", site="news24").clean("x y z").metadata.site_rule == "news24.com.toml"


def test_books_are_cached_until_a_file_changes(tmp_path: Path) -> None:
    path = site_file(tmp_path, "c", ["c.com"])
    first = RuleBook.load([tmp_path], env=False, bundled=False)
    assert RuleBook.load([tmp_path], env=False, bundled=False) is first
    path.write_text(path.read_text().replace("c.com", "d.com"))  # same size, new content
    second = RuleBook.load([tmp_path], env=False, bundled=False)
    assert second is not first and second.by_host("d.com") is not None


def test_cleaner_with_a_missing_rules_dir_is_a_setup_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rules_dirs: not a folder"):
        Cleaner(mode="text", rules_dirs=[tmp_path / "typo"])
    Cleaner(mode="text", rules_dirs=[tmp_path / "typo"], site_rules=False)  # no rules wanted: nothing to check

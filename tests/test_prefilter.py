"""The Hyperscan page scan is a prefilter: labels must not change with it."""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner._classify import ChromeMatcher
from cleaner._prefilter import build_scanner, loosen, scan_expression

hyperscan = pytest.importorskip("hyperscan")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted((FIXTURES / "seeds" / "pages").glob("*.txt")) + sorted(
    (FIXTURES / "gate" / "aeb" / "text").glob("*.txt*")
)

WITH_SCAN = Cleaner(mode="text", site_rules=False)
WITHOUT_SCAN = Cleaner(mode="text", site_rules=False)
WITHOUT_SCAN.matcher = ChromeMatcher(WITHOUT_SCAN.lexicon)  # its own: Cleaners share the process's matcher
WITHOUT_SCAN.matcher.scanner = None


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _decisions(cleaner: Cleaner, data: bytes | str) -> list[tuple[str | None, str, str]]:
    return [(b.decision, b.category, b.reason) for b in cleaner.clean(data).blocks]


def test_scanner_is_available_for_the_bundled_lexicon() -> None:
    assert WITH_SCAN.matcher.scanner is not None


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_same_labels_with_and_without_the_scan(path: Path) -> None:
    data = _read(path)
    assert _decisions(WITH_SCAN, data) == _decisions(WITHOUT_SCAN, data)


chrome_lines = st.sampled_from(
    [
        "Home",
        "Share this article.",
        "Subscribe to our newsletter",
        "Photo: Jane Doe / AP",
        "1 / 31",
        "Published January 12th, 2022 - 09:51 GMT",
        "© 2024 Example Media. All rights reserved",
        "USD/ZAR 18.20 +0.4%",
        "READ | Something else happened",
        "Support independent journalism today!",
        "Comments (12)",
        "CAFÉ — Accueil",
        "Teilen auf Facebook",
    ]
)
mixed_line = st.one_of(chrome_lines, st.text(min_size=0, max_size=80), chrome_lines.map(lambda s: s.upper()))


@settings(max_examples=150, deadline=None)
@given(st.lists(mixed_line, min_size=1, max_size=30).map("\n".join))
def test_same_labels_on_arbitrary_pages(text: str) -> None:
    assert _decisions(WITH_SCAN, text) == _decisions(WITHOUT_SCAN, text)


def test_scan_works_from_several_threads() -> None:
    data = _read(PAGES[0])
    expected = _decisions(WITH_SCAN, data)
    results: list[object] = []

    def work() -> None:
        results.extend(_decisions(WITH_SCAN, data) == expected for _ in range(5))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 20


def test_loosen_gives_a_superset_form() -> None:
    assert loosen(r"\bfoo.{0,30}\d{4}\b") == r"foo.*\d*"
    assert loosen(r"a\\b\{2\}") == r"a\\b\{2\}"  # an escaped backslash before b, escaped braces: kept
    assert scan_expression("line", "home( page)?").startswith("^(?:home( page)?)")
    assert scan_expression("start", "read more$") is None  # its own anchor: no safe per-line form


def test_database_is_cached_and_a_broken_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("cleaner._prefilter._LOADED", {})
    expressions = ["^(?:subscribe)$", "donate"]
    assert build_scanner(expressions) is not None
    cached = list((tmp_path / "cleaner").glob("chrome-prefilter-*.db"))
    assert len(cached) == 1
    cached[0].write_bytes(b"not a database")
    monkeypatch.setattr("cleaner._prefilter._LOADED", {})
    scanner = build_scanner(expressions)
    assert scanner is not None
    assert scanner.scan(["Subscribe", "please donate now", "nothing"]) == [{0}, {1}, set()]


def test_lines_holding_line_breaks_keep_their_place() -> None:
    scanner = build_scanner(["^(?:share)$"])
    assert scanner is not None
    # a <pre> block may hold a line break; ids must still land on the right block
    assert scanner.scan(["code\nmore code", "Share"]) == [set(), {0}]


def test_same_database_key_in_every_process() -> None:
    """The cache key must not depend on hash randomisation (set order), or every run recompiles."""
    import subprocess
    import sys

    code = "from cleaner import Cleaner; import cleaner._prefilter as p; Cleaner(); print(sorted(p._LOADED))"
    keys = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(3)
    }
    assert len(keys) == 1


def test_old_databases_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner import _prefilter

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("cleaner._prefilter._LOADED", {})
    folder = tmp_path / "cleaner"
    folder.mkdir()
    for i in range(_prefilter.CACHE_KEEP + 3):
        (folder / f"chrome-prefilter-old{i}.db").write_bytes(b"x")
    assert build_scanner(["donate"]) is not None
    assert len(list(folder.glob("chrome-prefilter-*.db"))) == _prefilter.CACHE_KEEP


def test_a_page_that_floods_the_scan_gives_up_instead_of_hanging() -> None:
    """An unbounded pattern tail reports at every character of a long line: the scan stops early."""
    scanner = build_scanner(["^(?:more from .*)"])
    assert scanner is not None
    lines = ["More from " + "x" * 4000 for _ in range(200)]
    assert scanner.scan(lines) is None  # the classifier then checks every line exactly
    assert scanner.scan(lines[:1]) == [{0}]  # one long line stays under the cap

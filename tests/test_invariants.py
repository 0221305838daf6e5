"""Invariants of every result (issue 14), on the seeds, the HTML fixtures and a sample of the bench pages.

No invented text, paragraphs in their original order, well-formed metadata:
see bench/invariants.py, which checks the same on every bench page
(``python -m bench.invariants``). The bench sample (the first 100 pages of
aeb and of wcxb-dev, both modes) is skipped when the shared data is absent.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import default_data_dir  # noqa: E402
from bench.data import Page, load_set  # noqa: E402
from bench.invariants import violations  # noqa: E402
from cleaner import Cleaner  # noqa: E402

SAMPLE = 100
SEEDS = sorted((REPO / "fixtures" / "seeds" / "pages").glob("*.txt"))
HTML_FIXTURES = sorted((REPO / "fixtures" / "html").glob("*.html"))
_CLEANERS: dict[str, Cleaner] = {}


def _cleaner(mode: str) -> Cleaner:
    if mode not in _CLEANERS:
        _CLEANERS[mode] = Cleaner(mode=mode, site_rules=False)  # type: ignore[arg-type]
    return _CLEANERS[mode]


def _check(data: bytes | str, mode: str, url: str | None = None) -> None:
    result = _cleaner(mode).clean(data, url=url)
    # "lead-moved" (the extractor put first a few blocks from further down the page, a teaser or a
    # headline) is reordering by trafilatura, counted by `python -m bench.invariants`, not a failure here
    found = [v for v in violations(data, result, mode) if v[0] != "lead-moved"]
    assert not found, found[:5]


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed(path: Path) -> None:
    _check(path.read_bytes(), "text")


@pytest.mark.parametrize("mode", ["html", "text"])
@pytest.mark.parametrize("path", HTML_FIXTURES, ids=[p.stem for p in HTML_FIXTURES])
def test_html_fixture(path: Path, mode: str) -> None:
    _check(path.read_bytes(), mode)


def _bench_sample() -> list[tuple[str, Page | None]]:
    if not (default_data_dir() / "aeb" / "gold.jsonl").exists():
        return [("absent", None)]
    return [(name, page) for name in ("aeb", "wcxb-dev") for page in load_set(name, limit=SAMPLE)]


BENCH = _bench_sample()


@pytest.mark.parametrize("mode", ["html", "text"])
@pytest.mark.parametrize(("set_name", "page"), BENCH, ids=[f"{s}/{p.id[:12]}" if p else s for s, p in BENCH])
def test_bench_page(set_name: str, page: Page | None, mode: str) -> None:
    if page is None:
        pytest.skip("shared bench data not available (set CLEANER_BENCH_DATA)")
    if (page.html_path if mode == "html" else page.text_path) is None:
        pytest.skip(f"no {mode} input for this page")
    _check(page.read(mode), mode, page.url)

"""The skipped readability comparison: never a different result, only a faster one."""

from __future__ import annotations

import copy
import gzip
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from cleaner._decode import decode_html
from cleaner.html import _comparison
from cleaner.html._parse import parse_markup

GATE_HTML = Path(__file__).resolve().parent.parent / "fixtures" / "gate" / "aeb" / "html"
PAGES = sorted(GATE_HTML.glob("*.html.gz"))

trafilatura = pytest.importorskip("trafilatura")


def _root(path: Path) -> Any:
    parsed = parse_markup(decode_html(gzip.decompress(path.read_bytes())))
    assert parsed is not None
    return parsed.root


def _extract(root: Any, *, skip: bool) -> tuple[bytes, str]:
    with _comparison.skipping_moot_comparisons(enabled=skip):
        doc = trafilatura.bare_extraction(root, with_metadata=False, include_comments=False, output_format="xml")
    return (b"", "") if doc is None else (etree.tostring(doc.body), doc.raw_text)


@pytest.fixture(scope="module")
def installed() -> bool:
    if not _comparison.install():
        pytest.skip(f"trafilatura {trafilatura.__version__} is not a version the shortcut was checked against")
    return True


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name[:12])
def test_skipping_never_changes_the_extraction(installed: bool, path: Path) -> None:
    root = _root(path)
    assert _extract(root, skip=True) == _extract(root, skip=False)


def test_the_shortcut_is_taken_on_ordinary_articles(installed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[bool] = []
    moot = _comparison.comparison_is_moot

    def spy(*args: Any) -> bool:
        taken.append(moot(*args))
        return taken[-1]

    monkeypatch.setattr(_comparison, "comparison_is_moot", spy)
    for path in PAGES:
        _extract(_root(path), skip=True)
    # most news articles are long, clean extractions: the point of the shortcut
    assert len(taken) >= len(PAGES) and sum(taken) >= len(PAGES) // 3


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name[:12])
def test_page_bound_holds_for_readability(path: Path) -> None:
    from trafilatura.external import try_readability
    from trafilatura.utils import trim

    root = _root(path)
    summary = try_readability(copy.deepcopy(root))
    length = len(trim(etree.tostring(summary, method="text", encoding="utf-8").decode("utf-8")))
    assert length <= _comparison.page_text_bound(root)


def test_bound_subtracts_only_what_readability_drops() -> None:
    root = etree.fromstring(
        "<html><body><p>ab  cd</p><script> var x = 1; </script><noscript>ef</noscript></body></html>"
    )
    # "ab cd var x = 1; ef" is 19 characters; the script's non-space characters are 7
    assert _comparison.page_text_bound(root) == 19 - 7


def test_other_trafilatura_versions_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from trafilatura import core

    before = core.compare_extraction
    monkeypatch.setattr(_comparison, "_installed", None)
    monkeypatch.setattr(trafilatura, "__version__", "9.0.0")
    assert _comparison.install() is False
    assert core.compare_extraction is before
    with _comparison.skipping_moot_comparisons():
        assert _comparison._active.get() is False

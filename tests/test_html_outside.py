"""``list_all_removed``: in HTML mode the page text the extractor left out is listed as dropped blocks."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result as CliResult

from cleaner import Cleaner, Result
from cleaner._outside import OUTSIDE_CATEGORY, OUTSIDE_REASON

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"
PAGE = FIXTURES / "chrome_share.html"
URL = "https://gazette.example/news/story"


def _clean(list_all_removed: bool, data: bytes | None = None) -> Result:
    cleaner = Cleaner(site_rules=False, mode="html", list_all_removed=list_all_removed)
    return cleaner.clean(data if data is not None else PAGE.read_bytes(), url=URL)


def _outside(result: Result) -> list[str]:
    return [b.text for b in result.removed if b.reason.startswith(OUTSIDE_REASON)]


def test_menu_and_footer_are_listed_in_page_order_and_text_is_unchanged() -> None:
    plain, full = _clean(False), _clean(True)
    assert full.text == plain.text
    assert not _outside(plain)
    assert _outside(full) == ["Home", "News", "Sport", "© 2024 Riverside Gazette. All rights reserved."]
    assert all(b.category == OUTSIDE_CATEGORY and not b.kept for b in full.blocks if b.reason == OUTSIDE_REASON)
    # what the classifier can name is named (tests/test_outside_named.py), the rest keeps the fallback
    named = {b.text: b.category for b in full.removed if b.reason.startswith(OUTSIDE_REASON + "+")}
    assert named == {"Home": "navigation", "© 2024 Riverside Gazette. All rights reserved.": "legal"}
    # the menu before the article, the footer after it; indexes follow the new order
    texts = [b.text for b in full.blocks]
    first_prose = next(i for i, b in enumerate(full.blocks) if b.kept)
    assert texts.index("Sport") < first_prose < texts.index("© 2024 Riverside Gazette. All rights reserved.")
    assert [b.index for b in full.blocks] == list(range(len(full.blocks)))


def test_what_the_result_holds_is_not_listed_twice() -> None:
    full = _clean(True)
    listed = _outside(full)
    for block in full.blocks:
        if not block.reason.startswith(OUTSIDE_REASON):
            assert block.text not in listed
    # the classifier's own drop (the share line) keeps its category and rule
    share = next(b for b in full.removed if b.text == "Share this article on Facebook")
    assert share.reason.startswith("generic:share")


def test_a_menu_word_is_listed_even_when_the_article_uses_it() -> None:
    page = PAGE.read_bytes().replace(b"the town council", b"the town council and the news desk")
    full = _clean(True, page)
    assert "news desk" in full.text
    assert "News" in _outside(full)


def test_fallback_pages_list_their_landmarks() -> None:
    full = _clean(True, (FIXTURES / "fallback_aside.html").read_bytes())
    kept = {b.text for b in full.blocks if b.kept}
    assert kept and not kept & set(_outside(full))


def test_text_mode_is_unaffected() -> None:
    text = b"Home\n\nA paragraph long enough to count as prose, with a verb and a full stop at its end.\n"
    cleaner = Cleaner(site_rules=False, mode="text", list_all_removed=True)
    assert not [b for b in cleaner.clean(text).blocks if b.reason.startswith(OUTSIDE_REASON)]


def test_the_setting_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(Cleaner(site_rules=False, mode="html", list_all_removed=True)))
    assert copy.list_all_removed is True


@pytest.mark.parametrize(("args", "listed"), [((), False), (("--list-all-removed",), True)])
def test_clean_command_flag(cli: Callable[..., CliResult], args: tuple[str, ...], listed: bool) -> None:
    res = cli("clean", PAGE, "--no-site-rules", "--url", URL, *args)
    assert res.exit_code == 0, res.output
    assert (OUTSIDE_REASON in res.output) is listed


def test_explain_always_lists_everything(cli: Callable[..., CliResult]) -> None:
    res = cli("explain", PAGE, "--no-site-rules", "--url", URL)
    assert res.exit_code == 0, res.output
    assert OUTSIDE_REASON in res.output and "Riverside Gazette. All rights reserved." in res.output

"""Properties that hold for any input (hypothesis)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner._decode import repair_text
from cleaner._segment import normalise_space

GENERIC = Cleaner(mode="text", site_rules=False)
EXPECTED = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "expected").glob("*.expected.txt"))
TOKEN = re.compile(r"\w+")

line = st.one_of(
    st.text(min_size=0, max_size=120),
    st.sampled_from(["Home", "Share", "0:00", "1 / 31", "© 2024 X", "Subscribe", "READ | x", "", "   "]),
    st.lists(
        st.sampled_from(
            ["the", "council", "said", "on", "monday", "that", "it", "would", "open", "a", "new", "bridge", "."]
        ),
        min_size=3,
        max_size=40,
    ).map(" ".join),
)
page = st.lists(line, min_size=0, max_size=40).map("\n".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(page)
def test_no_invented_text(text: str) -> None:
    """Every kept block is a line of the decoded input (control characters removed, spaces normalised)."""
    result = GENERIC.clean(text)
    decoded = repair_text(text)
    source = {normalise_space(x) for x in re.split(r"[\n\r\u2028\u2029\x85\x0b\x0c]", decoded)}
    for block in result.blocks:
        if block.kept:
            assert block.text in source


@SETTINGS
@given(page)
def test_same_input_same_output(text: str) -> None:
    a, b = GENERIC.clean(text), GENERIC.clean(text)
    assert (a.text, a.metadata, [x.reason for x in a.blocks]) == (b.text, b.metadata, [x.reason for x in b.blocks])


@SETTINGS
@given(page)
def test_every_block_is_decided_and_explained(text: str) -> None:
    result = GENERIC.clean(text)
    for block in result.blocks:
        assert block.decision in ("keep", "drop")
        assert block.category and block.reason


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_status_not_a_crash(data: bytes) -> None:
    assert GENERIC.clean(data).status in {"ok", "empty", "binary"}


def test_clean_prose_passes_through() -> None:
    """An article with no chrome at all keeps at least 99% of its words."""
    for path in EXPECTED:
        prose = path.read_text(encoding="utf-8")
        kept = GENERIC.clean(prose).text
        assert len(TOKEN.findall(kept)) >= 0.99 * len(TOKEN.findall(prose)), path.name

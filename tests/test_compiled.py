"""The compiled core (setup.py: the hot modules built with mypyc) against pure Python.

Where the install compiled the core, the same pages must come out byte-identical
from both builds: every gate page (tests/test_quality_gate.py), text mode with
and without site rules and HTML mode, every field of every result and every
block. Each build runs in a child process (``CLEANER_PURE_PYTHON=1`` selects
pure Python at import). Where there is no compiled core (no C compiler,
``CLEANER_NO_COMPILE=1``, sources edited since the build) the comparison is
skipped and says why; the rest of this file runs everywhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner import Block, _classify, _core, _decode, _features, _segment

ROOT = Path(__file__).resolve().parents[1]

# The gate's pages and settings (bench/gate.py CHECKS), every result in full.
_DUMP = r"""
import json, sys
import cleaner
from bench.data import load_set

runs = (("seeds", "text", False), ("seeds", "text", True), ("gate-aeb", "text", False), ("gate-aeb", "html", False))
results = []
for set_name, mode, rules in runs:
    c = cleaner.Cleaner(mode=mode, site_rules=rules)
    for page in load_set(set_name):
        if (page.html_path if mode == "html" else page.text_path) is None:
            continue
        result = c.clean(page.read(mode), url=page.url)
        results.append([f"{set_name}/{page.id}/{mode}/rules={rules}", result.to_dict(blocks=True)])
out = {"compiled": cleaner.compiled(), "status": cleaner._core.STATUS, "results": results}
sys.stdout.write(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""

_WHICH = "import json, cleaner, cleaner._core as c; print(json.dumps([cleaner.compiled(), c.STATUS]))"


def _child(code: str, *, pure: bool, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (_core.PURE_ENV, "PYTHONPATH")}
    if pure:
        env[_core.PURE_ENV] = "1"
    # cwd first on sys.path: the package of this tree, extensions and all
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def _dump(*, pure: bool) -> dict[str, Any]:
    res = _child(_DUMP, pure=pure)
    assert res.returncode == 0, res.stderr[-3000:]
    out: dict[str, Any] = json.loads(res.stdout)
    return out


def test_compiled_and_pure_python_give_identical_output_on_the_gate_pages() -> None:
    if not cleaner.compiled():
        pytest.skip(f"no compiled core in this process ({_core.STATUS}); nothing to compare")
    compiled, pure = _dump(pure=False), _dump(pure=True)
    assert compiled["compiled"] is True, compiled["status"]
    assert pure["compiled"] is False and _core.PURE_ENV in pure["status"], pure["status"]
    assert len(compiled["results"]) == len(pure["results"]) >= 90
    for (key, a), (key_b, b) in zip(compiled["results"], pure["results"], strict=True):
        assert key == key_b
        assert json.dumps(a, ensure_ascii=False, sort_keys=True) == json.dumps(b, ensure_ascii=False, sort_keys=True), (
            f"{key}: compiled and pure Python differ"
        )


def test_the_environment_forces_pure_python() -> None:
    res = _child(
        "import cleaner, cleaner._core as c, sys; cleaner.Cleaner(mode='text').clean('Hello world.'); "
        "print(cleaner.compiled(), c.STATUS); "
        "print(*(sys.modules['cleaner.' + m].__file__ for m in c.COMPILED_MODULES))",
        pure=True,
    )
    assert res.returncode == 0, res.stderr
    first, files = res.stdout.splitlines()
    assert first.startswith("False pure Python: "), first
    assert all(f.endswith(".py") for f in files.split()), files


def test_a_core_built_from_other_sources_is_not_used(tmp_path: Path) -> None:
    """An editable install whose sources were edited after the build runs the edited sources."""
    if not cleaner.compiled():
        pytest.skip(f"no compiled core in this process ({_core.STATUS})")
    copy = tmp_path / "cleaner"
    shutil.copytree(ROOT / "cleaner", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "_features.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# edited after the build\n")
    res = _child(_WHICH, pure=False, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    used, status = json.loads(res.stdout)
    assert used is False and "_features.py changed since the compiled core was built" in status, status


def test_compiled_reports_the_build_in_use() -> None:
    res = _child(_WHICH, pure=False)
    assert res.returncode == 0, res.stderr
    used, status = json.loads(res.stdout)
    assert used is cleaner.compiled()
    assert status.startswith("compiled with mypyc" if used else "pure Python: "), status


# --- the presence tests that replace class searches on the hot path -----------------


def _class_members(pattern: re.Pattern[str]) -> set[str]:
    return {ch for ch in map(chr, range(sys.maxunicode + 1)) if pattern.search(ch)}


@pytest.mark.parametrize(
    ("chars", "pattern"),
    [
        (_decode._CONTROL_CHARS, _decode._CONTROL),
        (_decode._LINE_BREAK_CHARS, _decode._LINE_BREAK),
        (_decode._BIDI_CHARS, _decode._BIDI),
        (_decode._C1_CHARS, _decode._C1),
        (_segment._ODD_BREAK_CHARS, _segment._ODD_BREAK),
        (_segment._ODD_SPACE_CHARS, _segment._ODD_SPACE),
    ],
)
def test_character_lists_hold_exactly_their_class(chars: str, pattern: re.Pattern[str]) -> None:
    assert set(chars) == _class_members(pattern)


def test_mojibake_character_lists_hold_exactly_the_pairs_characters() -> None:
    source = _decode._MOJIBAKE.pattern
    lead, second = source[: source.index("]") + 1], source[source.index("]") + 1 :]
    assert set(_decode._MOJIBAKE_LEADS) == _class_members(re.compile(lead))
    assert set(_decode._MOJIBAKE_SECONDS) == _class_members(re.compile(second))


def test_case_specials_are_all_that_ignorecase_maps_to_an_ascii_letter() -> None:
    """The comment/footer prefilter lower-cases; these are the characters that does not cover."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = {ch for ch in map(chr, range(0x80, sys.maxunicode + 1)) if letter.fullmatch(ch)}
    assert found == set(_classify.CASE_SPECIALS)
    assert {ch.lower()[-1] for ch in found} - {"k"} == set(_classify._CASE_SPECIALS)


@pytest.mark.parametrize(
    "line",
    [
        "Comments",
        "23 Comments",
        "Leave a Reply",
        "What do you think?",
        "12 thoughts on “Something”",
        "Reader Comments (4)",
        "© 2024 Example Media",
        "(c) Example 2020",
        "Copyright 2019 The Paper",
        "Example News. All Rights Reserved.",
        "COMMENTS ARE CLOSED",
        "Discuſſion",
        "Dıscussion",
        "Leave a comment",
        "What do you thin\u212a",
    ],
)
def test_the_comment_prefilter_passes_every_line_the_patterns_match(line: str) -> None:
    assert _classify._COMMENT_SECTION.match(line) or _classify._FOOTER.match(line)
    blocks = [Block(0, "An article paragraph."), Block(1, line), Block(2, "Another line.")]
    found = _classify.comment_candidates(blocks)
    assert found is None or 1 in found


def test_every_cjk_character_starts_with_a_high_lead_byte() -> None:
    """_tokenize skips the CJK search where the page's UTF-8 has no byte E3-EF."""
    cjk = _class_members(_features._CJK)
    assert cjk and all(ch.encode("utf-8")[0] in _features._HIGH_LEADS for ch in cjk)


def test_the_punctuation_tokenize_turns_into_spaces_is_no_word_character() -> None:
    assert not any(_features.WORD.match(ch) for ch in _features._COMMON_NON_WORD)

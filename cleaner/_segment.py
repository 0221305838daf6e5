"""Stage 2: split decoded text into blocks.

A crawler's text dump puts every HTML block on its own line and marks some
paragraph breaks with a blank line, so a block is one non-empty line and the
blank lines are remembered as ``gap_before`` (they are a weak layout cue).
"""

from __future__ import annotations

import re

from ._model import Block

# Runs of two or more spaces, or any single space other than " " (replacing a
# lone " " by " " would cost a substitution per word on big inputs).
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")
# Unicode line and paragraph separators that str.splitlines() would also split on
# are real line breaks in a dump; treat them the same as "\n".
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_ODD_BREAK = re.compile("[\r\u2028\u2029\x85\x0b\x0c]")
# The members of _SPACES other than " ": each becomes a space on its own.
_ODD_SPACE = re.compile("[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")
# Their characters one by one, for presence tests.
_ODD_BREAK_CHARS = "\r\u2028\u2029\x85\x0b\x0c"
_ODD_SPACE_CHARS = "\t\u00a0" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000"


def normalise_space(line: str) -> str:
    if line.isascii() and "  " not in line and "\t" not in line:
        return line.strip()
    return _SPACES.sub(" ", line).strip()


def _normalise_page(text: str) -> str:
    """``_LINE_BREAKS`` to "\\n" and ``_SPACES`` to " " over the whole text at once.

    Same result as the two substitutions, but a single-class search finds the
    rare odd characters far faster than a two-branch pattern tried at every space.
    """
    if any(map(text.__contains__, _ODD_BREAK_CHARS)):  # "ch in text" runs at memchr's pace
        text = _LINE_BREAKS.sub("\n", text)
    for ch in _ODD_SPACE_CHARS:
        if ch in text:
            text = text.replace(ch, " ")  # as _ODD_SPACE.sub(" ", text): one space for each
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def split_blocks(text: str) -> list[Block]:
    text = _normalise_page(text)
    blocks: list[Block] = []
    gap = True
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            gap = True
            continue
        blocks.append(Block(len(blocks), line, "line", gap))
        gap = False
    return blocks


def split_lines(text: str) -> list[str]:
    """The texts of ``split_blocks(text)``, without building blocks (site statistics need no more)."""
    return [line for line in map(str.strip, _normalise_page(text).split("\n")) if line]

"""The headline and standfirst at the top of an article belong in metadata.

trafilatura keeps an article's ``<h1>`` and its dek when they sit inside the
article element. cleaner's body is the prose under them (the seeds, and both
benchmark sets, agree): the headline is ``metadata.title`` and the dek is
``metadata.description``. Only pages that declare themselves articles are
touched - on a product or service page the name at the top is content - and
only the first few kept blocks, when their words are those of the declared
title or description. The pipeline's finishing stage runs this for any
front-end whose page declares an article.
"""

from __future__ import annotations

from ._features import WORD
from ._model import Block, Metadata

LEAD_WINDOW = 4  # kept blocks at the top of an extraction that may be headline or dek
LEAD_MIN_WORDS = 3  # a one- or two-word heading may be a section name, not the headline
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _is_title(words: list[str], title: list[str]) -> bool:
    # the declared title may carry the site's name ("Headline | Site", "Site: Headline")
    if len(words) < LEAD_MIN_WORDS or len(words) > len(title):
        return False
    if words == title:
        return True
    n = len(words)
    return n * 3 >= len(title) * 2 and (title[:n] == words or title[-n:] == words)


def drop_lead(blocks: list[Block], meta: Metadata) -> bool:
    """Drop a leading headline/dek that repeats the metadata; True if any went."""
    title = _words(meta.title or "")
    desc = _words(meta.description or "")
    changed = False
    seen = 0
    for b in blocks:
        if not b.kept:
            continue
        seen += 1
        if seen > LEAD_WINDOW:
            break
        words = _words(b.text)
        if title and _is_title(words, title):
            b.drop("title", "generic:title:headline")
            changed = True
        # a first paragraph often doubles as the description: only a dek set as a heading goes
        elif desc and b.tag in _HEADINGS and len(words) >= LEAD_MIN_WORDS and words == desc:
            b.drop("description", "generic:description:standfirst")
            changed = True
    return changed

"""The page language: the declared one (``<html lang>``), unless the text clearly says otherwise.

Run by the pipeline's finishing stage on any page whose front-end read a
declaration from its markup.

Sites declare their template's language, not each post's: German posts on a
``lang="en"`` theme and English pages of a site marked ``lang="de"`` are
common. The kept article text is weighed with the stopword vote the text mode
uses (``_features.detect_language``); the declaration stands unless that text
is long enough and votes clearly for another language. A page of two
languages, or one of a language without a stopword list, keeps its
declaration.
"""

from __future__ import annotations

from ._features import LANGUAGE_SAMPLE_TOKENS, WORD, detect_language
from ._lexicon import Lexicon
from ._model import Block

# Kept words below which the text is too short to overrule the page's declaration
# (a caption-length post holds a handful of stopwords, and one loanword phrase could tip them).
MIN_EVIDENCE_WORDS = 80
# The detected language must draw this many times the declared language's stopwords ...
OUTVOTE_RATIO = 3.0
# ... and make up this share of the text's tokens: prose runs at 0.3-0.5 with the
# bundled lists, a table of names and numbers at a few hundredths.
MIN_STOPWORD_SHARE = 0.2


def _sample(blocks: list[Block]) -> tuple[list[list[str]], list[str]]:
    """Tokens and texts of the kept blocks, up to the sample size the text mode uses."""
    token_lists: list[list[str]] = []
    texts: list[str] = []
    total = 0
    for b in blocks:
        if not b.kept:
            continue
        if total >= LANGUAGE_SAMPLE_TOKENS:
            break
        tokens = WORD.findall(b.text.lower())
        token_lists.append(tokens)
        texts.append(b.text)
        total += len(tokens)
    return token_lists, texts


def _hits(token_lists: list[list[str]], stopwords: frozenset[str]) -> int:
    return sum(sum(map(stopwords.__contains__, tokens)) for tokens in token_lists)


def settle_language(declared: str, page_language: str | None, blocks: list[Block], lexicon: Lexicon) -> str:
    """``declared``, or the language the kept text clearly shows instead.

    ``page_language`` is the text engine's detection over all of the result's
    blocks, already made: when it agrees with the declaration nothing more is
    done. A declared language without a stopword list is kept: its text
    cannot be weighed (Catalan would draw Spanish stopwords and lose to them).
    """
    if page_language == declared or declared not in lexicon.stopwords:
        return declared
    if sum(b.words for b in blocks if b.kept) < MIN_EVIDENCE_WORDS:
        return declared
    token_lists, texts = _sample(blocks)
    detected = detect_language(token_lists, texts, lexicon)
    if detected is None or detected == declared:
        return declared
    if detected not in lexicon.stopwords:
        # a script guess (Japanese, Korean, Chinese): no language with a stopword list is written so
        return detected
    found = _hits(token_lists, lexicon.stopwords[detected])
    tokens = sum(map(len, token_lists))
    clear = (
        found >= OUTVOTE_RATIO * _hits(token_lists, lexicon.stopwords[declared])
        and found >= MIN_STOPWORD_SHARE * tokens
    )
    return detected if clear else declared

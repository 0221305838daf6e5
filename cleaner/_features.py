"""Stage 3a: per-block features and page language.

Features are deliberately cheap: word count, stopword density, how the
block ends, and how often its text repeats on the page.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Final

from ._lexicon import Lexicon
from ._model import Block

WORD: Final = re.compile(r"\w+")
# Han, Hiragana, Katakana and Hangul: scripts written without spaces, where a
# \w+ "word" is a whole clause and characters are the better length unit.
_CJK: Final = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_KANA: Final = re.compile(r"[\u3040-\u30ff]")
_HANGUL: Final = re.compile(r"[\uac00-\ud7af]")
_HAN: Final = re.compile(r"[\u4e00-\u9fff]")
# Chars per word-equivalent in CJK text (roughly one word per two characters).
CJK_CHARS_PER_WORD: Final = 2
# Below this share of stopwords no language is claimed for the page.
LANGUAGE_MIN_SHARE: Final = 0.08
LANGUAGE_SAMPLE_TOKENS: Final = 3000

# Memo of short lines' tokens: entries, and the longest line worth memoising.
MEMO_SIZE: Final = 100_000
MEMO_MAX_CHARS: Final = 200
# Blocks longer than this are measured on a prefix of this many characters.
FEATURE_SAMPLE_CHARS: Final = 20_000

TERMINAL: Final = tuple('.!?。！？…"”’»)」』:;')


def count_words(text: str) -> tuple[list[str], int]:
    """Lower-cased word tokens and the length in word units (CJK: by characters)."""
    if len(text) <= MEMO_MAX_CHARS:
        return _count_words_memo(text)
    return _count_words(text)


def _count_words(text: str) -> tuple[list[str], int]:
    tokens = WORD.findall(text.lower())
    return tokens, len(tokens) if text.isascii() else _word_units(text, tokens)


def _word_units(text: str, tokens: list[str]) -> int:
    cjk = len(_CJK.findall(text))
    return max(len(tokens), cjk // CJK_CHARS_PER_WORD) if cjk else len(tokens)


# Short lines (menus, buttons, widget labels) recur across a site's pages.
_count_words_memo = lru_cache(maxsize=MEMO_SIZE)(_count_words)


def _script_language(texts: list[str]) -> str | None:
    joined = "".join(texts)
    if joined.isascii() or not _CJK.search(joined):
        return None
    total = max(1, len(joined))
    if len(_KANA.findall(joined)) / total > 0.05:
        return "ja"
    if len(_HANGUL.findall(joined)) / total > 0.15:
        return "ko"
    if len(_HAN.findall(joined)) / total > 0.15:
        return "zh"
    return None


def detect_language(
    token_lists: list[list[str]], texts: list[str], lexicon: Lexicon, has_cjk: bool | None = None
) -> str | None:
    """The language whose stopwords cover most tokens, or a CJK script guess.

    ``has_cjk=False`` says that no text holds a CJK character (the caller has
    searched them already), which spares the script check its own search.
    """
    sample: list[str] = []
    used = 0  # texts whose tokens are in the sample
    for tokens in token_lists:
        if len(sample) >= LANGUAGE_SAMPLE_TOKENS:
            break
        sample += tokens
        used += 1
    if has_cjk is not False:
        script = _script_language([text[:FEATURE_SAMPLE_CHARS] for text in texts[:used]])
        if script:
            return script
    if not sample:
        return None
    # only stopwords can vote: filtering first keeps the count small
    counts = _count_known(sample, lexicon.stop_index)
    present = counts.keys()
    best, best_n = None, 0
    for lang, stopwords in lexicon.stopwords.items():  # set intersections run in C
        n = sum(map(counts.__getitem__, present & stopwords))
        if n > best_n:
            best, best_n = lang, n
    return best if best_n / len(sample) >= LANGUAGE_MIN_SHARE else None


def _tokens_and_words(blocks: list[Block], keys: list[str]) -> tuple[list[list[str]], list[int], bool]:
    """Every block's lower-cased tokens, its length in word units, and whether the page has CJK text."""
    if keys and max(map(len, keys)) > FEATURE_SAMPLE_CHARS:
        token_lists, words = [], []
        for b in blocks:
            if len(b.text) > FEATURE_SAMPLE_CHARS:
                # a giant block (a minified blob, a 20 MB line): estimate from a sample
                tokens, n = count_words(b.text[:FEATURE_SAMPLE_CHARS])
                n = n * len(b.text) // FEATURE_SAMPLE_CHARS
            else:
                tokens, n = count_words(b.text)
            token_lists.append(tokens)
            words.append(n)
        return token_lists, words, True
    token_lists, others, high = _tokenize(keys)
    # CJK text is rare: a search of the lines that are not ASCII, where the page has characters
    # from U+3000 up at all, spares a search per block
    if not high or not any(map(_CJK.search, others)):
        return token_lists, list(map(len, token_lists)), False
    return token_lists, [_word_units(b.text, t) for b, t in zip(blocks, token_lists, strict=True)], True


# Every ASCII byte that \w does not match becomes a space; "\n" and the bytes of
# non-ASCII characters stay as they are.
_ASCII_NON_WORD_TO_SPACE: Final = bytes(
    [b if b >= 0x80 or b == 0x0A or chr(b).isalnum() or b == 0x5F else 0x20 for b in range(256)]
)


_HIGH_LEADS: Final = bytes(range(0xE3, 0xF0))
# Punctuation that \w does not match and prose is full of (curly quotes, dashes, ellipsis,
# guillemets, bullets, no-break space, signs): a space in its place splits tokens the same.
_COMMON_NON_WORD: Final = (
    "\u2019\u2018\u201c\u201d\u2013\u2014\u2026\u00a0\u00ab\u00bb\u2022\u00b7\u00a9\u00ae\u2122\u00b0"
)


def tokenize(texts: list[str]) -> list[list[str]]:
    """``WORD.findall`` of every text, faster.

    ASCII is most of any page, even one in another script, and a regex pays
    per character: the page is joined, every ASCII non-word character becomes
    a space in one ``bytes.translate``, and a line (or, in a line with other
    characters, a space-separated run) that is then ASCII splits on spaces into
    exactly the tokens the regex finds. What is left, the runs holding
    non-ASCII characters, goes to the regex: its ends are non-word characters,
    so its tokens are the ones the regex finds in the whole text.
    """
    return _tokenize(texts)[0]


def _tokenize(texts: list[str]) -> tuple[list[list[str]], list[str], bool]:
    """``tokenize``; the texts that are not ASCII (their ASCII non-word characters as spaces);
    and whether any text may hold a character from U+3000 up (False: surely none)."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text holding a line break: one regex call each
        return list(map(WORD.findall, texts)), [t for t in texts if not t.isascii()], True
    # surrogatepass: any str round-trips, a lone surrogate included
    data = joined.encode("utf-8", "surrogatepass")
    # UTF-8 starts every character from U+3000 up (and every surrogate) with a byte E3-EF
    high = len(data.translate(None, _HIGH_LEADS)) != len(data)
    text = data.translate(_ASCII_NON_WORD_TO_SPACE).decode("utf-8", "surrogatepass")
    for ch in _COMMON_NON_WORD:  # as spaces too, most lines of prose in a Latin script become ASCII
        if ch in text:
            text = text.replace(ch, " ")
    lines = text.split("\n")
    out: list[list[str]] = []
    others: list[str] = []
    for line in lines:
        if line.isascii():
            out.append(line.split())
            continue
        others.append(line)
        tokens: list[str] = []
        for run in line.split():
            if run.isascii():
                tokens.append(run)
            else:
                tokens += WORD.findall(run)
        out.append(tokens)
    return out, others, high


def compute_features(blocks: list[Block], lexicon: Lexicon) -> str | None:
    """Fill word counts, stopword density and repeats; return the page language."""
    keys = [b.text.lower() for b in blocks]
    token_lists, words, has_cjk = _tokens_and_words(blocks, keys)
    language = detect_language(token_lists, [b.text for b in blocks], lexicon, has_cjk)
    stopwords = lexicon.stopwords.get(language or "")
    counts = Counter(keys)
    for b, tokens, key, n in zip(blocks, token_lists, keys, words, strict=True):
        b.words = n
        b.stop_ratio = _count_in(tokens, stopwords) / len(tokens) if stopwords and tokens else 0.0
        b.repeats = counts[key]
    return language


# Whether this module runs compiled (mypyc): there a plain loop is the fast way to count,
# in the interpreter map() and Counter are. Both ways count the same.
_COMPILED: Final = not __file__.endswith(".py")


def _count_in(tokens: list[str], words: frozenset[str]) -> int:
    """How many of ``tokens`` are in ``words``."""
    if not _COMPILED:
        return sum(map(words.__contains__, tokens))
    n = 0
    for token in tokens:
        if token in words:
            n += 1
    return n


def _count_known(tokens: list[str], known: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """How often each of ``tokens`` that is a key of ``known`` occurs."""
    if not _COMPILED:
        return Counter(filter(known.__contains__, tokens))
    counts: dict[str, int] = {}
    for token in tokens:
        if token in known:
            counts[token] = counts.get(token, 0) + 1
    return counts


def ends_like_sentence(text: str) -> bool:
    return text.endswith(TERMINAL)

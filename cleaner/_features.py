"""Stage 3a: per-block features and page language.

Features are deliberately cheap: word count, stopword density, how the
block ends, and how often its text repeats on the page.
"""

from __future__ import annotations

import re
from collections import Counter

from ._lexicon import Lexicon
from ._model import Block

WORD = re.compile(r"\w+")
# Han, Hiragana, Katakana and Hangul: scripts written without spaces, where a
# \w+ "word" is a whole clause and characters are the better length unit.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Chars per word-equivalent in CJK text (roughly one word per two characters).
CJK_CHARS_PER_WORD = 2
# Below this share of stopwords no language is claimed for the page.
LANGUAGE_MIN_SHARE = 0.08
LANGUAGE_SAMPLE_TOKENS = 3000

# Blocks longer than this are measured on a prefix of this many characters.
FEATURE_SAMPLE_CHARS = 20_000

TERMINAL = tuple('.!?。！？…"”’»)」』:;')


def count_words(text: str) -> tuple[list[str], int]:
    tokens = WORD.findall(text)
    if text.isascii():
        return tokens, len(tokens)
    cjk = len(_CJK.findall(text))
    return tokens, max(len(tokens), cjk // CJK_CHARS_PER_WORD) if cjk else len(tokens)


def detect_language(blocks: list[Block], lexicon: Lexicon) -> str | None:
    """The language whose stopwords cover most tokens, or a CJK script guess."""
    sample: list[str] = []
    chars: list[str] = []
    for b in blocks:
        if len(sample) >= LANGUAGE_SAMPLE_TOKENS:
            break
        text = b.text[:FEATURE_SAMPLE_CHARS]
        sample.extend(t.lower() for t in WORD.findall(text))
        chars.append(text)
    joined = "".join(chars)
    if not joined:
        return None
    if not joined.isascii():
        kana = len(re.findall(r"[\u3040-\u30ff]", joined))
        hangul = len(re.findall(r"[\uac00-\ud7af]", joined))
        han = len(re.findall(r"[\u4e00-\u9fff]", joined))
        total = max(1, len(joined))
        if kana / total > 0.05:
            return "ja"
        if hangul / total > 0.15:
            return "ko"
        if han / total > 0.15:
            return "zh"
    if not sample:
        return None
    counts = Counter(sample)
    best, best_share = None, 0.0
    for lang, words in lexicon.stopwords.items():
        share = sum(n for w, n in counts.items() if w in words) / len(sample)
        if share > best_share:
            best, best_share = lang, share
    return best if best_share >= LANGUAGE_MIN_SHARE else None


def _repeat_key(text: str) -> str:
    return text.lower()


def compute_features(blocks: list[Block], stopwords: frozenset[str] | None) -> None:
    counts = Counter(_repeat_key(b.text) for b in blocks)
    for b in blocks:
        if len(b.text) > FEATURE_SAMPLE_CHARS:
            # a giant block (a minified blob, a 20 MB line): estimate from a sample
            tokens, words = count_words(b.text[:FEATURE_SAMPLE_CHARS])
            b.words = words * len(b.text) // FEATURE_SAMPLE_CHARS
        else:
            tokens, b.words = count_words(b.text)
        if stopwords and tokens:
            b.stop_ratio = sum(1 for t in tokens if t.lower() in stopwords) / len(tokens)
        else:
            b.stop_ratio = 0.0
        b.repeats = counts[_repeat_key(b.text)]


def ends_like_sentence(text: str) -> bool:
    return text.endswith(TERMINAL)

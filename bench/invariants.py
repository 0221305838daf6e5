"""Invariants of cleaner's output, checked on every page of the bench sets.

usage:
    python -m bench.invariants [--sets aeb,wcxb-dev,seeds] [--modes html,text] [--limit N] [--rules] [--show 5]
                               [--engine accurate|fast]

Whatever the page, a result must:

* invent no text: every kept block, normalised (``normalise``), occurs in
  the normalised text rendering of the input;
* keep paragraphs in their original order: each kept block occurs in the
  input at or after the place where the one before it starts (a first block
  moved from further down is counted apart, as "lead-moved": see ``_order``);
* hold well-formed metadata: an ISO 8601 date, and no markup tag, control
  character or bidi formatting character in any field (nor in the text).

Prints the number of results checked and of violations per invariant, with
examples; exit status 1 when there is any violation.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator

from lxml import etree

import cleaner
from cleaner._decode import repair_text
from cleaner._metadata import MARKUP_TAG

from .data import load_set

DEFAULT_SETS = ("aeb", "wcxb-dev", "seeds")
# Leading blocks the extractor may take from further down the page (see _order).
MAX_LEAD_MOVED = 3
# YYYY-MM-DD, optionally with a time (and seconds, fractions, a zone).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_NOISE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NOISE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Everything that is not a letter or a digit is dropped before comparing: the extractor joins,
# splits and spaces text differently from a plain rendering, adds list bullets, and C1 controls
# become punctuation ("&#133;" is "…").
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Letters and digits alone, NFKC and case-folded: what "the same text" means here."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def rendering(data: bytes | str, mode: str) -> str:
    """The input's text as cleaner reads it before any choice: decoded, repaired (ftfy fixes
    mojibake in both modes, so the reference is repaired too) and, for HTML, the whole
    document's text with its attribute values (an extractor may keep an image's alt text)."""
    if mode == "text":
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        return repair_text(text)
    from cleaner._decode import decode_html
    from cleaner.html._parse import parse_markup

    markup = data if isinstance(data, str) else decode_html(data)
    parsed = parse_markup(markup)
    if parsed is None:
        return ""
    # inline scripts and styles are never page text; the extractor cuts them out of a paragraph
    # and joins the text around them
    etree.strip_elements(parsed.root, "script", "style", "template", with_tail=False)
    parts = [t for t in parsed.root.itertext() if isinstance(t, str)]
    parts += [v for el in parsed.root.iter() for v in el.attrib.values()]
    return repair_text("\n".join(parts))


def without_buttons(data: bytes | str, mode: str) -> str:
    """The HTML rendering without the elements trafilatura cuts out (<button>, <svg> titles,
    <time>, <label>, ...): it joins the text around them (the full-page rendering keeps them)."""
    if mode == "text":
        return ""
    from cleaner._decode import decode_html
    from cleaner.html._parse import parse_markup

    parsed = parse_markup(data if isinstance(data, str) else decode_html(data))
    if parsed is None:
        return ""
    from trafilatura.settings import MANUALLY_CLEANED

    etree.strip_elements(parsed.root, "template", *MANUALLY_CLEANED, with_tail=False)
    return repair_text("\n".join(t for t in parsed.root.itertext() if isinstance(t, str)))


def without_hidden(data: bytes | str, mode: str) -> str:
    """The HTML rendering without what the fast engine never reads as text (hidden and
    aria-hidden elements, scripts, <svg>, <noscript>, <iframe>, ...): it joins the text around
    an inline one ("55.4k<span aria-hidden=true>24</span>24 gold badges")."""
    if mode == "text":
        return ""
    from cleaner._decode import decode_html
    from cleaner._html_text import SKIP_TAGS
    from cleaner.html._parse import parse_markup

    parsed = parse_markup(data if isinstance(data, str) else decode_html(data))
    if parsed is None:
        return ""
    etree.strip_elements(parsed.root, "title", *(SKIP_TAGS - {"head"}), with_tail=False)
    for el in parsed.root.xpath("//*[@hidden or @aria-hidden='true']"):
        if el.getparent() is not None:
            el.drop_tree()  # keeps its tail
    return repair_text("\n".join(t for t in parsed.root.itertext() if isinstance(t, str)))


# A block's text may join pieces from separate elements: table cells (" | ") and lines (a <br>,
# nested blocks); the extractor can leave out an empty or link-only cell between two it keeps.
_PIECES = re.compile(r"\n| \| ")


def violations(data: bytes | str, result: cleaner.Result, mode: str) -> Iterator[tuple[str, str]]:
    """(invariant, detail) for each way ``result`` breaks an invariant on input ``data``."""
    reference = normalise(rendering(data, mode)) if result.blocks else ""
    # other renderings, made when needed: what trafilatura cuts out, what the fast engine skips
    others: list[Callable[[bytes | str, str], str]] = [without_buttons, without_hidden]
    made: list[str] = []
    # where each kept block's first piece occurs first, that piece, and the block's text
    placed: list[tuple[int, str, str]] = []
    for block in result.blocks:
        pieces = [p for p in map(normalise, _PIECES.split(block.text)) if p] if block.kept else []
        if not pieces:
            continue
        missing = [p for p in pieces if p not in reference]
        if missing:
            for i, render in enumerate(others):
                if not missing:
                    break
                if i == len(made):
                    made.append(normalise(render(data, mode)))
                missing = [p for p in missing if p not in made[i]]
            if missing:
                yield "invented", block.text[:80]
            continue  # not placed: its position is in another rendering
        placed.append((reference.find(pieces[0]), pieces[0], block.text))
    yield from _order(placed, reference)
    if _NOISE_IN_TEXT.search(result.text):
        yield "text-control", repr(_NOISE_IN_TEXT.search(result.text))
    meta = result.metadata
    if meta.date and not _ISO_DATE.fullmatch(meta.date):
        yield "date", meta.date
    for name, value in meta.to_dict().items():
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str):
                continue
            if MARKUP_TAG.search(item):
                yield "metadata-markup", f"{name}: {item[:80]}"
            if _NOISE.search(item):
                yield "metadata-control", f"{name}: {item[:80]!r}"


def _order(placed: list[tuple[int, str, str]], reference: str) -> Iterator[tuple[str, str]]:
    """Blocks out of their original order.

    The main-content extractor sometimes puts first a few blocks it found
    elsewhere on the page (a headline and dek, a highlighted teaser or summary
    further down);
    that is "lead-moved", counted apart from "order": the rest must follow
    the page's order.
    """
    late = _out_of_order(placed, reference)
    for moved in range(1, MAX_LEAD_MOVED + 1) if late else ():
        if not _out_of_order(placed[moved:], reference):
            yield "lead-moved", placed[0][2][:80]
            return
    for i in late:
        yield "order", placed[i][2][:80]


def _out_of_order(placed: list[tuple[int, str, str]], reference: str) -> list[int]:
    """Indexes of the blocks that occur only before the block ahead of them (a text that occurs
    several times counts where it occurs at or after its predecessor). A block is found by its
    first piece that has letters or digits ("Leo" in "– \\n Leo")."""
    late: list[int] = []
    start = 0
    for i, (first, piece, _text) in enumerate(placed):
        at = first if first >= start else reference.find(piece, start)
        if at < 0:
            late.append(i)
            at = first  # one block out of place is one violation, not all that follow
        start = at
    return late


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.invariants", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS))
    ap.add_argument("--modes", default="html,text")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    ap.add_argument("--rules", action="store_true", help="site rules on (default: the generic engine)")
    ap.add_argument("--show", type=int, default=5, help="examples per invariant")
    ap.add_argument("--engine", default="accurate", help="HTML engine: accurate (default) or fast")
    args = ap.parse_args(argv)
    modes = args.modes.split(",")
    cleaners = {m: cleaner.Cleaner(mode=m, site_rules=args.rules, engine=args.engine) for m in modes}  # type: ignore[arg-type]
    checked, broken = 0, Counter[str]()
    statuses = Counter[str]()
    examples: dict[str, list[str]] = {}
    for set_name in args.sets.split(","):
        for page in load_set(set_name, limit=args.limit):
            for mode in modes:
                if (page.html_path if mode == "html" else page.text_path) is None:
                    continue
                data = page.read(mode)
                result = cleaners[mode].clean(data, url=page.url)
                checked += 1
                statuses[result.status] += 1
                for kind, detail in violations(data, result, mode):
                    broken[kind] += 1
                    examples.setdefault(kind, [])
                    if len(examples[kind]) < args.show:
                        examples[kind].append(f"{set_name}/{page.id}/{mode}: {detail}")
    print(f"{checked} results checked ({', '.join(f'{s} {n}' for s, n in statuses.most_common())})")
    for kind in ("invented", "order", "lead-moved", "text-control", "date", "metadata-markup", "metadata-control"):
        print(f"  {kind}: {broken[kind]}")
        for line in examples.get(kind, []):
            print(f"    {line}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())

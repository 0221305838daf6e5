"""The systems under test: cleaner and its peers, each a factory of ``extract(data, url) -> Output``.

Factories import their library lazily so that a worker process only loads the
system it measures (peak RSS is per system).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Output = tuple[str, dict[str, Any] | None]  # (text, metadata or None)
Extract = Callable[[bytes | str, str | None], Output]
# A system that learns from the whole set first (cleaner --learn): all (document, url) pairs in, an Extract out.
Learn = Callable[[list[tuple[bytes | str, str | None]]], Extract]


@dataclass(frozen=True, slots=True)
class System:
    name: str
    kind: str  # "html" or "text": which input it reads
    label: str  # how the docs describe it
    packages: tuple[str, ...]  # distributions whose versions are reported
    factory: Callable[[], Extract]
    slow: bool = False
    default: bool = True  # part of the default run
    # set for systems that read the whole set before cleaning it (the worker times both passes)
    learner: Callable[[], Learn] | None = None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_html(data: bytes | str) -> str:
    """Bytes to str for peers that need str: <meta charset>, else UTF-8, else cp1252."""
    if isinstance(data, str):
        return data
    m = _META_CHARSET.search(data[:4096])
    candidates = [m.group(1).decode("ascii", "replace")] if m else []
    for enc in [*candidates, "utf-8"]:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


# --- cleaner -----------------------------------------------------------------


def _cleaner(
    mode: str, site_rules: bool, engine: str = "accurate", *, include_comments: bool = False
) -> Callable[[], Extract]:
    def factory() -> Extract:
        import cleaner

        return _extract_with(
            cleaner.Cleaner(mode=mode, site_rules=site_rules, engine=engine, include_comments=include_comments)  # type: ignore[arg-type]
        )

    return factory


def _extract_with(c: Any) -> Extract:
    """A Cleaner as a system: its text, and the metadata fields the harness scores."""

    def extract(data: bytes | str, url: str | None) -> Output:
        r = c.clean(data, url=url)
        m = r.metadata
        return r.text, {"title": m.title, "author": m.author, "date": m.date}

    return extract


def _cleaner_learning(mode: str, engine: str = "accurate", *, include_comments: bool = False) -> Callable[[], Learn]:
    """cleaner with site rules and ``--learn``: a SiteModel learned from the set's pages (no gold read), then cleaning."""

    def factory() -> Learn:
        import cleaner
        from cleaner.learn import SiteLearner

        base = cleaner.Cleaner(mode=mode, engine=engine, include_comments=include_comments)  # type: ignore[arg-type]

        def learn(pages: list[tuple[bytes | str, str | None]]) -> Extract:
            learner = SiteLearner(base)
            for data, url in pages:
                learner.add(data, url=url)
            return _extract_with(base.with_site_model(learner.model()))

        return learn

    return factory


def _not_learning() -> Extract:
    raise RuntimeError("a learning system is run through its learner")


# --- HTML peers --------------------------------------------------------------


def _trafilatura(*, favor_precision: bool = False, metadata: bool = False) -> Callable[[], Extract]:
    def factory() -> Extract:
        import json

        import trafilatura

        def extract(data: bytes | str, url: str | None) -> Output:
            if not metadata:
                return trafilatura.extract(data, url=url, favor_precision=favor_precision) or "", None
            out = trafilatura.extract(data, url=url, output_format="json", with_metadata=True)
            if not out:
                return "", None
            d = json.loads(out)
            # the txt output of extract() is the body followed by the comments
            text = d.get("text") or ""
            if d.get("comments"):
                text = f"{text}\n{d['comments']}"
            return text, {"title": d.get("title"), "author": d.get("author"), "date": d.get("date")}

        return extract

    return factory


def _readability() -> Extract:
    import lxml.html
    from readability import Document

    def extract(data: bytes | str, url: str | None) -> Output:
        summary = Document(data, url=url).summary(html_partial=True)
        if not summary.strip():
            return "", None
        tree = lxml.html.fromstring(summary)
        # one paragraph per block element, like a browser's innerText
        for el in tree.iter("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "blockquote", "pre"):
            el.tail = "\n" + (el.tail or "")
        return tree.text_content().strip(), None

    return extract


def _justext_html() -> Extract:
    import justext

    stoplist = justext.get_stoplist("English")

    def extract(data: bytes | str, url: str | None) -> Output:
        paras = justext.justext(data, stoplist)
        return "\n\n".join(p.text for p in paras if not p.is_boilerplate), None

    return extract


def _resiliparse() -> Extract:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    def extract(data: bytes | str, url: str | None) -> Output:
        markup = data if isinstance(data, str) else bytes_to_str(data, detect_encoding(data))
        return extract_plain_text(markup, main_content=True), None

    return extract


def _boilerpy3() -> Extract:
    from boilerpy3 import extractors

    ex = extractors.ArticleExtractor(raise_on_failure=False)

    def extract(data: bytes | str, url: str | None) -> Output:
        return ex.get_content(decode_html(data)) or "", None

    return extract


def _newspaper() -> Extract:
    import newspaper

    def extract(data: bytes | str, url: str | None) -> Output:
        art = newspaper.Article(url or "http://example.com/")
        art.download(input_html=decode_html(data))
        art.parse()
        date = art.publish_date.date().isoformat() if art.publish_date else None
        return art.text or "", {"title": art.title, "author": ", ".join(art.authors) or None, "date": date}

    return extract


def _goose3() -> Extract:
    from goose3 import Goose

    g = Goose()

    def extract(data: bytes | str, url: str | None) -> Output:
        art = g.extract(raw_html=decode_html(data))
        return art.cleaned_text or "", None

    return extract


# --- text-dump peers ---------------------------------------------------------


def _keep_everything() -> Extract:
    def extract(data: bytes | str, url: str | None) -> Output:
        return (data if isinstance(data, str) else data.decode("utf-8", "replace")), None

    return extract


def _c4() -> Extract:
    from .c4 import c4_filter

    def extract(data: bytes | str, url: str | None) -> Output:
        return c4_filter(data if isinstance(data, str) else data.decode("utf-8", "replace")), None

    return extract


def _c4_style() -> Extract:
    from .c4 import c4_style_filter

    def extract(data: bytes | str, url: str | None) -> Output:
        return c4_style_filter(data if isinstance(data, str) else data.decode("utf-8", "replace")), None

    return extract


def lines_to_html(text: str) -> str:
    """A text dump as HTML with each non-empty line one <p> (how jusText sees lines)."""
    paras = "\n".join(f"<p>{html_lib.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return f"<html><head><meta charset='utf-8'></head><body>\n{paras}\n</body></html>"


def _justext_lines() -> Extract:
    import justext

    stoplist = justext.get_stoplist("English")

    def extract(data: bytes | str, url: str | None) -> Output:
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        paras = justext.justext(lines_to_html(text), stoplist)
        return "\n\n".join(p.text for p in paras if not p.is_boilerplate), None

    return extract


SYSTEMS: dict[str, System] = {
    s.name: s
    for s in [
        System("cleaner-html", "html", "cleaner, HTML mode (generic engine)", ("cleaner",), _cleaner("html", False)),
        System(
            "cleaner-html-rules", "html", "cleaner, HTML mode, with site rules", ("cleaner",), _cleaner("html", True)
        ),
        # scored on text plus comments, as trafilatura's default output is (dragnet's gold holds the comments)
        System(
            "cleaner-html-comments",
            "html",
            "cleaner, HTML mode (generic engine), include_comments=True: text plus the reader comments",
            ("cleaner",),
            _cleaner("html", False, include_comments=True),
            default=False,
        ),
        System(
            "cleaner-html-learn",
            "html",
            "cleaner, HTML mode, with site rules and --learn (site statistics from the set's pages first)",
            ("cleaner",),
            _not_learning,
            learner=_cleaner_learning("html"),
        ),
        System(
            "cleaner-html-learn-comments",
            "html",
            "cleaner, HTML mode, with site rules and --learn, include_comments=True: text plus the reader comments",
            ("cleaner",),
            _not_learning,
            learner=_cleaner_learning("html", include_comments=True),
            default=False,
        ),
        System(
            "cleaner-fast",
            "html",
            "cleaner, HTML mode, fast engine (generic engine)",
            ("cleaner",),
            _cleaner("html", False, "fast"),
        ),
        System(
            "cleaner-fast-rules",
            "html",
            "cleaner, HTML mode, fast engine, with site rules",
            ("cleaner",),
            _cleaner("html", True, "fast"),
        ),
        System("trafilatura", "html", "trafilatura, default settings", ("trafilatura",), _trafilatura()),
        System(
            "trafilatura-precision",
            "html",
            "trafilatura, favor_precision=True",
            ("trafilatura",),
            _trafilatura(favor_precision=True),
        ),
        System(
            "trafilatura-metadata",
            "html",
            "trafilatura, default + with_metadata=True (for metadata accuracy)",
            ("trafilatura",),
            _trafilatura(metadata=True),
        ),
        System(
            "readability",
            "html",
            "readability-lxml Document.summary() -> text",
            ("readability-lxml",),
            _readability,
        ),
        System("justext", "html", "jusText on HTML, English stoplist", ("jusText",), _justext_html),
        System(
            "resiliparse",
            "html",
            "resiliparse extract_plain_text(main_content=True)",
            ("Resiliparse",),
            _resiliparse,
        ),
        System("boilerpy3", "html", "boilerpy3 ArticleExtractor", ("boilerpy3",), _boilerpy3),
        System("newspaper4k", "html", "newspaper4k Article.parse()", ("newspaper4k",), _newspaper, slow=True),
        System("goose3", "html", "goose3 extract().cleaned_text", ("goose3",), _goose3, slow=True),
        System(
            "cleaner-text", "text", "cleaner, plain-text mode (generic engine)", ("cleaner",), _cleaner("text", False)
        ),
        System(
            "cleaner-text-comments",
            "text",
            "cleaner, plain-text mode (generic engine), include_comments=True: text plus the reader comments",
            ("cleaner",),
            _cleaner("text", False, include_comments=True),
            default=False,
        ),
        System(
            "cleaner-text-rules",
            "text",
            "cleaner, plain-text mode, with site rules",
            ("cleaner",),
            _cleaner("text", True),
        ),
        System(
            "cleaner-text-learn",
            "text",
            "cleaner, plain-text mode, with site rules and --learn (site statistics from the set's pages first)",
            ("cleaner",),
            _not_learning,
            learner=_cleaner_learning("text"),
        ),
        System(
            "cleaner-text-learn-comments",
            "text",
            "cleaner, plain-text mode, with site rules and --learn, include_comments=True: text plus the reader comments",
            ("cleaner",),
            _not_learning,
            learner=_cleaner_learning("text", include_comments=True),
            default=False,
        ),
        System("keep-everything", "text", "keep every line of the dump", (), _keep_everything),
        System("c4", "text", "C4 page-cleaning rules, strict (bench/c4.py)", (), _c4),
        System("c4-style", "text", "C4-style line filter, the README's looser variant (bench/c4.py)", (), _c4_style),
        System(
            "justext-lines",
            "text",
            "jusText over lines (each line a <p>), English stoplist",
            ("jusText",),
            _justext_lines,
        ),
    ]
}

BASELINE = {"html": "trafilatura", "text": "c4"}  # speed ratios are relative to these


def select(names: str | None, *, slow: bool) -> list[System]:
    if names:
        out = []
        for n in names.split(","):
            n = n.strip()
            if n not in SYSTEMS:
                raise SystemExit(f"unknown system {n!r}; known: {', '.join(SYSTEMS)}")
            out.append(SYSTEMS[n])
        return out
    return [s for s in SYSTEMS.values() if s.default and (slow or not s.slow)]


def available(system: System) -> bool:
    """False when the system's library is not installed (slow peers are optional)."""
    import importlib.util

    mod = {"newspaper4k": "newspaper", "goose3": "goose3"}.get(system.name)
    return mod is None or importlib.util.find_spec(mod) is not None

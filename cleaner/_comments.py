"""Reader comments: found in the markup (HTML) or after a comments heading (text), cut into comments.

Two pure finders, one per kind of input, and the policy that places them:

* ``tree_comments(root)``: the page's repeated elements whose class or id
  names a comment or reply (``li.comment``, ``div#comment-12``, Disqus's
  posts); the group holding the most text is the thread. Each element's own
  text (nested replies are comments of their own) gives one comment; its
  author and date come from the elements named so (``.comment-author``,
  ``<cite>``, ``<time>``, ``.date``).
* ``block_comments(blocks)``: the blocks the classifier dropped after a
  comments heading ("12 Comments", "Leave a reply"). A header line (a short
  line with a date, or "NAME says:") opens a comment; lines such as "Reply",
  "Report" or a vote count only close one.
* ``place``: the comments go into the text only on request
  (``include_comments``), and never those whose text the result already
  holds. A rule that put a thread's replies into the text by itself (a first
  post not much longer than the replies) was measured and dropped: on
  wcxb-dev's forum pages it lifted text mode by 0.001 but cost HTML mode
  0.009, and on aeb's news articles text mode 0.016 (articles whose comment
  thread outweighs the article's text were taken for threads).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from lxml import etree

from ._model import Block, Comment, Result
from .html._kind import xpath_elements

# --- markup --------------------------------------------------------------------
# class or id of a comment (or reply) element, and of a thread's container
_COMMENT_ATTR: Final = re.compile(r"comment|repl(?:y|ies)|respon|disqus|dsq-|answer", re.IGNORECASE)
# A lone element is a thread of one only when it is named as one comment ("comment", "comment-12",
# "dsq-comment"), not as a part of one or as the thread's box
_ONE_COMMENT: Final = re.compile(r"(?:[a-z]+-)?comment(?:-?\d+)?", re.IGNORECASE)
# elements the reader does not see (popups, templates, collapsed boxes): never a comment
_HIDDEN_CLASS: Final = re.compile(r"hidden|hide|popup|modal|dialog|template|tooltip", re.IGNORECASE)
_HIDDEN_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# ... and of what is only a part of one, or of the comment form and widgets around the thread:
# a group of these is never the thread itself
_PART_ATTR: Final = re.compile(
    r"form|respond$|reply-?(?:link|title|button|to)|count|avatar|meta|author|date|time|nav|pagin|action|button"
    r"|feed|rss|closed|open|enabled|subscri|login|policy|vote|rating|header|footer|title|permalink|link|number"
    r"|icon|tool|share|^has-|^no-|like|flag|edit|widget|recent|popular|latest|sidebar|textarea|field|label|input",
    re.IGNORECASE,
)
# the box holding the thread, named as a whole ("comments", "comments-block", "commentlist")
_COMMENTS_BOX: Final = re.compile(r"(?:[a-z]+[-_])?comments?[-_]?(?:list|block|area|section|wrapper|container)?", re.I)
# a post's body in schema.org microdata, and its author's name and date within the post's itemscope
_POST_BODIES: Final = etree.XPath("(//body)[1]//*[@itemprop='text' or @itemprop='articleBody']")
_POST_AUTHOR: Final = etree.XPath(
    ".//*[@itemprop='author']//*[@itemprop='name'] | .//*[@itemprop='author'][not(.//*[@itemprop='name'])]"
)
_POST_DATE: Final = etree.XPath(".//*[@itemprop='datePublished' or @itemprop='dateCreated']")
_ITEM_TAGS: Final = frozenset(["li", "article", "div", "section", "dd", "blockquote", "tr", "td", "table"])
_SKIP_TAGS: Final = frozenset(
    ["script", "style", "noscript", "template", "svg", "form", "textarea", "select", "button", "iframe", "head"]
)
# elements that break a line; an author's <cite> and a <time> too, so that header lines stand alone
_BLOCK_TAGS: Final = frozenset(
    [
        "p",
        "div",
        "li",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "dd",
        "dt",
        "section",
        "article",
        "header",
        "footer",
        "ul",
        "ol",
        "table",
        "td",
        "th",
        "cite",
        "time",
    ]
)
# where a comment's author and date are written
_AUTHOR_ATTR: Final = re.compile(r"author|\bfn\b|nick|user-?name|\buser\b|\bname\b|vcard|poster|byline", re.I)
_DATE_ATTR: Final = re.compile(r"date|time|published|posted|\bmeta\b|stamp", re.IGNORECASE)
# A thread needs this many comments, and this many words in them, to be worth reporting: fewer is a
# lone box of the page named "comment" (a count, a teaser) more often than a thread.
MIN_COMMENTS: Final = 2
MIN_THREAD_WORDS: Final = 15
# A group holding this share of the most text of any group is that text's finer cut when it has more members
# (dragnet: Typepad's two "comments-content" boxes, 2,254 words, against their 40 "comment" items)
WRAPPER_SHARE: Final = 0.9
# An author is a name: longer "names" are a header line of their own
MAX_AUTHOR_WORDS: Final = 6
MAX_DATE_WORDS: Final = 12

# --- lines ---------------------------------------------------------------------
# lines that only serve to find a comment's bounds: buttons, vote counts, permalinks
_METADATA: Final = re.compile(
    r"(reply|report|quote|share|like|unlike|permalink|link|flag|edit|delete|vote|upvote|downvote|top|parent"
    r"|log ?in to reply|login to reply|reply to this( comment)?|report (this )?(comment|abuse)|in reply to .{0,40}"
    r"|view (the )?(full )?comment|show (more|replies|\d+ replies)|\d+ (replies|repl(y|ies) hidden)"
    r"|[↑↓^#\s]+|[+-−]?\s*\d+\s*(points?|votes?|likes?)?|(like|dislike|thumbs? up|thumbs? down)\s*\(?\d*\)?"
    r"|(commented|posted|written|submitted)\b.{0,60}|(says|said|wrote|writes)"
    r"|\d+\s+(minutes?|hours?|days?|weeks?|months?|years?) ago"
    r"|(\d+|no|one)\s+(comments?|responses?|replies|reactions|thoughts)( so far)?( on .{0,80})?"
    r")[\s.:!|·•]*",
    re.IGNORECASE,
)
_SAYS: Final = re.compile(r"(?P<name>.{1,60}?)\s+(says|said|wrote|writes|sagt|schrieb|dice|dijo|kirjoitti)\s*:?$", re.I)
_TIME: Final = re.compile(
    r"\b(\d{1,2}:\d{2}\s*([ap]\.?m\.?)?|\d+\s+(minutes?|hours?|days?|weeks?|months?|years?)\s+ago)\b"
    r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}"
    r"|\b\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b",
    re.IGNORECASE,
)
# the comment form and the page's end after a thread: nothing beyond them is a comment
_FORM: Final = re.compile(
    r"(leave|post|write|add|submit|join) (a|the|your|new) (comment|reply|response)|cancel reply"
    r"|(name|e-?mail|website|url)\s*(\(required\)|\*|\(will not be published\))"
    r"|notify me of|your email address will not be published|you must be logged in|comments are closed",
    re.IGNORECASE,
)
_SEPARATORS: Final = " \t—–-|·•,:@"

# --- placing -------------------------------------------------------------------
# A comment counts as already in the text when this share of its 4-word shingles is there.
IN_TEXT_SHARE: Final = 0.6
SHINGLE: Final = 4
_WORD: Final = re.compile(r"\w+")
# ... or when its first paragraph of at least IN_TEXT_FIRST_WORDS words is: the extractor kept the reply
# and judged the rest (badges, buttons, the small comments under a Q&A answer); measured on wcxb-dev's
# Q&A pages, the share test alone appended answers the text already held
IN_TEXT_FIRST_SHARE: Final = 0.8
IN_TEXT_FIRST_WORDS: Final = 8

# The lexicon's category of a line of ``words`` words (a Cleaner's ``lexicon_category``), None for no chrome:
# "Share on other sites", "Link to comment" are the page's chrome inside every comment
Chrome = Callable[[str, int], "str | None"]


def _no_chrome(text: str, words: int) -> str | None:
    return None


def tree_comments(root: Any, chrome: Chrome = _no_chrome) -> list[Comment]:
    """The comments of a parsed page (lxml root), in page order; [] when it shows none.
    Lines that ``chrome`` names are left out."""
    if root is None:
        return []
    items = _thread_items(root)
    found = set(items)
    out = [c for c in (_item_comment(el, found, chrome) for el in items) if c is not None]
    # named items that hold no comment (a "Comments (3)" link in the post's meta line) hide no thread
    return out or _definition_comments(root, chrome)


def thread_posts(root: Any, chrome: Chrome = _no_chrome) -> list[Comment]:
    """The posts of a forum thread or Q&A page as its schema.org microdata marks them, in page order.

    Each post's body is an ``itemprop="text"`` (or ``articleBody``) element inside the post's own
    itemscope, which also names its author and date (Discourse, Stack Exchange, many forum
    engines). Bodies are grouped by tag and class: the group holding the most text is the posts
    ("s-prose" answers, not the one-line "comment-copy" remarks under them). [] where none.
    """
    if root is None:
        return []
    groups: dict[str, list[Any]] = {}
    for el in xpath_elements(_POST_BODIES(root)):
        if not _hidden(el):
            groups.setdefault(f"{el.tag}.{el.get('class') or ''}", []).append(el)
    best: tuple[int, list[Comment]] = (0, [])
    for members in groups.values():
        scopes = [next((a for a in el.iterancestors() if a.get("itemscope") is not None), None) for el in members]
        # a scope that holds several bodies is the thread's, not a post's: its author is the thread's, and
        # searching it once per body would cost the page's size times the posts
        held = Counter(id(s) for s in scopes if s is not None)
        shared = {key for key, n in held.items() if n > 1}
        posts = [
            c
            for c in (
                _post(el, None if s is None or id(s) in shared else s, chrome)
                for el, s in zip(members, scopes, strict=True)
            )
            if c is not None
        ]
        words = sum(len(c.text.split()) for c in posts)
        if len(posts) >= MIN_COMMENTS and words >= MIN_THREAD_WORDS and words > best[0]:
            best = (words, posts)
    return best[1]


def _post(body: Any, scope: Any, chrome: Chrome) -> Comment | None:
    lines = [line for line in _own_lines(body, set()) if chrome(line, len(line.split())) is None]
    if not lines:
        return None
    author = date = None
    if scope is not None:
        author = _scope_value(scope, _POST_AUTHOR, MAX_AUTHOR_WORDS)
        date = _scope_value(scope, _POST_DATE, MAX_DATE_WORDS)
    return Comment("\n\n".join(lines), author, date)


def _scope_value(scope: Any, path: Any, max_words: int) -> str | None:
    """The first value ``path`` finds in the post's scope: a meta's content, a time's text or datetime,
    else the element's text, if short enough to be a name or a date."""
    for el in xpath_elements(path(scope)):
        text = " ".join(" ".join(el.itertext()).split()) or el.get("content") or el.get("datetime") or ""
        if text and len(text.split()) <= max_words:
            return str(text)
    return None


def _definition_comments(root: Any, chrome: Chrome) -> list[Comment]:
    """Comments written as a definition list inside the page's comments box: each ``<dt>`` a header (author,
    date), each ``<dd>`` after it the comment (Blogger, many hand-made blogs). Their items carry no comment
    class, so ``_thread_items`` does not see them."""
    for box in root.iter("div", "section", "ol", "ul", "dl"):
        names = f"{box.get('id') or ''} {box.get('class') or ''}".split()
        if not any(_COMMENTS_BOX.fullmatch(n) for n in names) or _hidden(box):
            continue
        for dl in box.iter("dl"):
            found = _dl_comments(dl, chrome)
            if sum(len(c.text.split()) for c in found) >= MIN_THREAD_WORDS:
                return found
    return []


def _dl_comments(dl: Any, chrome: Chrome) -> list[Comment]:
    out: list[Comment] = []
    header: tuple[str | None, str | None] = (None, None)
    for child in dl:
        classes = (child.get("class") or "").split()
        if child.tag == "dt":
            line = " ".join(_own_lines(child, set()))
            header = _header(line, None) or (_strip_says(line) if len(line.split()) <= MAX_AUTHOR_WORDS else None, None)
        elif child.tag == "dd" and not any(_PART_ATTR.search(c) for c in classes):
            lines = [ln for ln in _own_lines(child, set()) if chrome(ln, len(ln.split())) is None]
            body = [ln for ln in lines if not _METADATA.fullmatch(ln)]
            if body:
                out.append(Comment("\n\n".join(body), header[0] or None, header[1] or None))
    return out


def _thread_items(root: Any) -> list[Any]:
    """The elements of the group of comment-named elements holding the most text (a thread)."""
    groups: dict[str, list[Any]] = {}
    for el in root.iter(*_ITEM_TAGS):
        key = _signature(el)
        if key is not None:
            groups.setdefault(key, []).append(el)
    scored: list[tuple[int, list[Any]]] = []
    lone: list[Any] = []
    for key, members in groups.items():
        members = [m for m in members if not _holds_form(m) and not _hidden(m)]
        if len(members) < MIN_COMMENTS:
            if members and not lone and _ONE_COMMENT.fullmatch(key.rpartition(".")[2]):
                lone = members
            continue
        found = set(members)
        words = sum(len(" ".join(_own_lines(m, found)).split()) for m in members)
        if words >= MIN_THREAD_WORDS:
            scored.append((words, members))
    if not scored:
        return lone
    most = max(words for words, _ in scored)
    # boxes that wrap the thread ("comments-content", one per page part) hold as much text as its items:
    # of the groups holding nearly the most text, the one with the most members is the comments themselves
    return max((m for words, m in scored if words >= WRAPPER_SHARE * most), key=len)


def _hidden(el: Any) -> bool:
    """Whether the element or one of its ancestors is hidden from the reader."""
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag != "body":
        if (
            node.get("hidden") is not None
            or node.get("aria-hidden") == "true"
            or _HIDDEN_STYLE.search(node.get("style") or "")
            or any(_HIDDEN_CLASS.fullmatch(t) for t in (node.get("class") or "").split())
        ):
            return True
        node = node.getparent()
    return False


def _signature(el: Any) -> str | None:
    """``tag.token`` of the element's first comment-naming class (or id) token, digits dropped; None if none
    or when that token names only a part of a comment."""
    for attr in ("class", "id"):
        for token in (el.get(attr) or "").split():
            if _COMMENT_ATTR.search(token):
                if _PART_ATTR.search(token):
                    return None
                return f"{el.tag}.{attr}.{re.sub(r'[0-9]+', '', token.lower())}"
    return None


def _holds_form(el: Any) -> bool:
    return next(el.iter("form", "textarea"), None) is not None


def _own_lines(el: Any, items: set[Any]) -> list[str]:
    """The element's text as lines, without the nested comments (``items``) and without scripts or forms."""
    parts: list[str] = []
    stack: list[tuple[Any, bool]] = [(el, False)]
    while stack:  # iterative: a hostile page may nest deeply
        node, closing = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if closing:
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node is not el and (node in items or tag in _SKIP_TAGS):
            if node.tail:
                parts.append(node.tail)
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return [" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip()]


def _item_comment(el: Any, items: set[Any], chrome: Chrome) -> Comment | None:
    lines = [line for line in _own_lines(el, items) if chrome(line, len(line.split())) is None]
    author = _part_text(el, items, _AUTHOR_ATTR, ("cite",), MAX_AUTHOR_WORDS)
    date = _time_text(el, items) or _part_text(el, items, _DATE_ATTR, (), MAX_DATE_WORDS)
    if author is not None:
        author = _strip_says(author)
    body = [line for line in lines if not _header_or_metadata(line, author, date)]
    if not body:
        return None
    return Comment("\n\n".join(body), author or None, date or None)


def _descendants(el: Any, items: set[Any]) -> Iterator[Any]:
    """The element's descendants outside the nested comments, in document order."""
    stack = list(reversed(el))
    while stack:
        node = stack.pop()
        if node in items or not isinstance(node.tag, str) or node.tag in _SKIP_TAGS:
            continue
        yield node
        stack.extend(reversed(node))


def _part_text(el: Any, items: set[Any], attr: re.Pattern[str], tags: Sequence[str], max_words: int) -> str | None:
    for node in _descendants(el, items):
        named = node.tag in tags or attr.search(f"{node.get('class', '')} {node.get('itemprop', '')}")
        if not named:
            continue
        text = " ".join(" ".join(node.itertext()).split())
        if text and len(text.split()) <= max_words:
            return text
    return None


def _time_text(el: Any, items: set[Any]) -> str | None:
    for node in _descendants(el, items):
        if node.tag == "time":
            text = " ".join(" ".join(node.itertext()).split())
            return text or node.get("datetime") or None
    return None


def _strip_says(text: str) -> str:
    m = _SAYS.match(text)
    return (m.group("name") if m else text).strip(_SEPARATORS)


def _header_or_metadata(line: str, author: str | None, date: str | None) -> bool:
    """A line that only names the comment's author or date, or is a button or count."""
    if _METADATA.fullmatch(line):
        return True
    rest = line
    for part in (author, date):
        if part:
            rest = rest.replace(part, " ")
    if rest != line and not _WORD.search(_METADATA.sub(" ", _SAYS_WORDS.sub(" ", rest))):
        return True
    return bool(_SAYS.fullmatch(line)) and len(line.split()) <= MAX_AUTHOR_WORDS + 1


_SAYS_WORDS: Final = re.compile(r"\b(says|said|wrote|writes|on|at|by|posted|am|pm)\b", re.IGNORECASE)


# --- text: the blocks after a comments heading ---------------------------------

COMMENTS_REASON: Final = "generic:comments:after-article-end"


def block_comments(blocks: Sequence[Block], chrome: Chrome = _no_chrome) -> list[Comment]:
    """The comments among the blocks dropped after a comments heading, in page order."""
    start = next((i for i, b in enumerate(blocks) if b.reason.startswith(COMMENTS_REASON)), None)
    if start is None:
        return []
    lines: list[Block] = []
    for b in blocks[start:]:
        if _FORM.search(b.text) and b.words <= 20:
            break  # the comment form, and the page's footer after it
        if chrome(b.text, b.words) is None:
            lines.append(b)
    return _segment(lines)


def _segment(lines: Sequence[Block]) -> list[Comment]:
    """Header lines open comments; metadata lines are dropped; other lines are the comments' text."""
    out: list[Comment] = []
    author: str | None = None
    date: str | None = None
    body: list[str] = []
    pending: str | None = None  # a short line that may be the author of the date line after it
    for b in lines:
        text = b.text.strip()
        header = _header(text, pending)
        if header is not None:
            _close(out, body, author, date)
            (author, date), body, pending = header, [], None
            continue
        if pending is not None:
            body.append(pending)
            pending = None
        if _METADATA.fullmatch(text) or not b.reason.startswith(COMMENTS_REASON):
            continue  # a button, a count, or chrome the classifier named
        if len(text.split()) <= MAX_AUTHOR_WORDS and not text.endswith((".", "!", "?", ":", '"')):
            pending = text
            continue
        body.append(text)
    _close(out, body, author, date)
    return out


def _header(text: str, pending: str | None) -> tuple[str | None, str | None] | None:
    """(author, date) when ``text`` opens a comment: "NAME says:", or a short line with a date or time."""
    says = _SAYS.fullmatch(text)
    if says and len(text.split()) <= MAX_AUTHOR_WORDS + 1:
        return says.group("name").strip(_SEPARATORS), None
    if len(text.split()) > MAX_DATE_WORDS:
        return None
    when = _TIME.search(text)
    if when is None:
        return None
    name = text[: when.start()].strip(_SEPARATORS)
    name = re.sub(r"\b(on|at|posted|by)$", "", name, flags=re.IGNORECASE).strip(_SEPARATORS)
    date = text[when.start() :].strip(_SEPARATORS)
    author = _strip_says(name) if name and len(name.split()) <= MAX_AUTHOR_WORDS else pending
    return author or None, date or None


def _close(out: list[Comment], body: list[str], author: str | None, date: str | None) -> None:
    # A comment without a header line (no author, no date) is kept only when it reads as prose: what
    # follows a comments heading before the first header is, when its lines are short, the heading's own
    # list ("Recent Comments", "Post Comments (Atom)", an archive), and, when they are sentences, a first
    # reply or answer whose header the dump lost. Measured: such sidebar runs on dragnet held 0-52% of
    # their words in sentence-length lines, the header-less replies of wcxb-dev's forum and Q&A pages 76-93%.
    if body and (author is not None or date is not None or _prose_share(body) >= HEADERLESS_PROSE_SHARE):
        out.append(Comment("\n\n".join(body), author, date))


# share of a header-less run's words that must sit in lines of at least PROSE_LINE_WORDS words (see _close)
HEADERLESS_PROSE_SHARE: Final = 0.65
PROSE_LINE_WORDS: Final = 10


def _prose_share(lines: Sequence[str]) -> float:
    counts = [len(line.split()) for line in lines]
    return sum(n for n in counts if n >= PROSE_LINE_WORDS) / max(1, sum(counts))


# --- placing them ----------------------------------------------------------------


def place(result: Result, comments: list[Comment], *, include: bool) -> None:
    """Set ``result.comments``; append to its text the comments it lacks when asked to (``include``)."""
    result.comments = comments
    if not include or not comments or not result.text:
        return
    have = _shingles(result.text)
    missing = [c for c in comments if not _in_text(c, have)]
    if missing:
        result.text = "\n\n".join([result.text, *(c.render() for c in missing)])


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


def _covered(text: str, have: set[tuple[str, ...]], share: float = IN_TEXT_SHARE) -> bool:
    mine = _shingles(text)
    return bool(mine) and len(mine & have) >= share * len(mine)


def _in_text(comment: Comment, have: set[tuple[str, ...]]) -> bool:
    if _covered(comment.text, have):
        return True
    first = next((p for p in comment.text.split("\n\n") if len(p.split()) >= IN_TEXT_FIRST_WORDS), None)
    return first is not None and _covered(first, have, IN_TEXT_FIRST_SHARE)

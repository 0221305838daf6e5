"""Bounding what a rule's pattern or XPath may cost, before it is compiled.

RE2 keeps every regex linear in the text, but the factor can be huge; lxml
has no such guarantee for XPath (``//*[count(//*)>0]`` is quadratic). These
checks look at the shape of an expression and reject the costly forms with a
message that says what to write instead. Each returns the problem as a string
(or None); the caller turns it into a located :class:`RuleError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# {n}, {n,} or {n,m}: anything else after '{' is a literal brace in RE2.
_COUNTED = re.compile(r"\{(\d+)(,(\d*))?\}")
# \p{Greek}, \x{263a}: braces that belong to the escape, not a repetition
_BRACED_ESCAPES = "pPx"
# (?:, (?i:, (?P<name>, (?<name>: what follows '(' before a group's content
_GROUP_PREFIX = re.compile(r"\?(?:P?<[^>]*>|[a-zA-Z-]*:?)")
# A repeated group around an unbounded repetition is allowed up to this many times
# ((?: [A-Z]\w+){0,3}), or without bound when it starts with a separator ((?:\.\d+)*).
MAX_NESTED_REPEAT = 10
_META = set(".[]()|*+?{}^$\\")
_QUANTIFIER_START = set("*+?{")


@dataclass(slots=True)
class _Group:
    unbounded: bool = False  # holds a *, + or {n,} somewhere inside
    starts_with_separator: bool | None = None  # first atom a fixed punctuation or space character; None: no atom yet


@dataclass(slots=True)
class _Scan:
    """State of one left-to-right pass over a regex."""

    max_repeat: int
    stack: list[_Group] = field(default_factory=lambda: [_Group()])
    last_group: _Group | None = None  # the group just closed, when it is what a quantifier applies to


def regex_problem(pattern: str, max_repeat: int) -> str | None:
    """Why ``pattern``'s shape is too costly, or None.

    Rejected: a counted repetition above ``max_repeat``, and a repeated group
    around an unbounded repetition (``(a+)+``, ``(.*){2,50}``): quadratic under a
    backtracking engine, and under RE2 a large program for no gain. Allowed:
    the group repeated at most MAX_NESTED_REPEAT times, or starting with a fixed
    separator character that delimits each repetition (``(?:\\.\\d+)*``).
    """
    scan = _Scan(max_repeat)
    i = 0
    while i < len(pattern):
        i, problem = _step(pattern, i, scan)
        if problem:
            return problem
    return None


def _step(p: str, i: int, scan: _Scan) -> tuple[int, str | None]:
    """Consume one token at ``i``; return the next index and any problem."""
    ch = p[i]
    if ch == "\\":
        scan.last_group = None
        end = _skip_escape(p, i)
        escaped = p[i + 1 : end]
        _first_atom(scan, separator=len(escaped) == 1 and not escaped.isalnum() and not _quantified_next(p, end))
        return end, None
    if ch == "[":
        scan.last_group = None
        _first_atom(scan, separator=False)
        return _skip_class(p, i), None
    if ch == "|":  # another branch may start differently: no longer a known separator
        scan.stack[-1].starts_with_separator = False
        scan.last_group = None
        return i + 1, None
    if ch == "(":
        _first_atom(scan, separator=False)
        scan.stack.append(_Group())
        scan.last_group = None
        prefix = _GROUP_PREFIX.match(p, i + 1) if p.startswith("?", i + 1) else None
        return (prefix.end() if prefix else i + 1), None
    if ch == ")":
        closed = scan.stack.pop() if len(scan.stack) > 1 else _Group()
        scan.stack[-1].unbounded |= closed.unbounded
        scan.last_group = closed
        return i + 1, None
    quantifier = _quantifier(p, i)
    if quantifier is None:
        scan.last_group = None
        plain = ch not in _META and not ch.isalnum()
        _first_atom(scan, separator=plain and not _quantified_next(p, i + 1))
        return i + 1, None
    end, low, high = quantifier
    return _skip_lazy(p, end), _quantified(p[i:end], low, high, scan)


def _quantified(text: str, low: int, high: int | None, scan: _Scan) -> str | None:
    """Check one quantifier (``high`` None: unbounded) against the atom before it."""
    if max(low, high or 0) > scan.max_repeat:
        return f"counted repetition {text} above {scan.max_repeat}: use a smaller bound or '*'/'+'"
    inner = scan.last_group
    scan.last_group = None
    many = high is None or high > MAX_NESTED_REPEAT
    if inner is not None and inner.unbounded and many and not inner.starts_with_separator:
        return (
            f"nested repetition: a group holding '*', '+' or '{{n,}}' repeated by {text!r} "
            "(quadratic or worse under a backtracking engine); bound the inner repetition (e.g. {1,50}), "
            f"repeat the group at most {{0,{MAX_NESTED_REPEAT}}}, or start it with a separator like (?:, \\w+)*"
        )
    scan.stack[-1].unbounded |= high is None or (inner is not None and inner.unbounded)
    return None


def _first_atom(scan: _Scan, *, separator: bool) -> None:
    group = scan.stack[-1]
    if group.starts_with_separator is None:
        group.starts_with_separator = separator


def _quantified_next(p: str, i: int) -> bool:
    return i < len(p) and p[i] in _QUANTIFIER_START


def _quantifier(p: str, i: int) -> tuple[int, int, int | None] | None:
    """(end, low, high) of a quantifier starting at ``i``, or None."""
    ch = p[i]
    if ch == "*":
        return i + 1, 0, None
    if ch == "+":
        return i + 1, 1, None
    if ch == "?":
        return i + 1, 0, 1
    if ch != "{":
        return None
    m = _COUNTED.match(p, i)
    if m is None:
        return None
    # cap the digits first: int() of a 1,000-digit count is itself a cost
    low = int(m.group(1)[:12])
    if m.group(2) is None:
        return m.end(), low, low
    high = int(m.group(3)[:12]) if m.group(3) else None
    return m.end(), low, high


def _skip_lazy(p: str, i: int) -> int:
    return i + 1 if i < len(p) and p[i] == "?" else i


def _skip_escape(p: str, i: int) -> int:
    if i + 1 >= len(p):
        return i + 1
    if p[i + 1] == "Q":  # \Q...\E: literal text
        end = p.find("\\E", i + 2)
        return len(p) if end < 0 else end + 2
    if p[i + 1] in _BRACED_ESCAPES and i + 2 < len(p) and p[i + 2] == "{":
        end = p.find("}", i + 3)
        return len(p) if end < 0 else end + 1
    return i + 2


def _skip_class(p: str, i: int) -> int:
    """Index after the character class starting at ``i`` (``[]a]`` and ``[^]a]`` hold a literal ']')."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p):
        if p[j] == "\\":
            j += 2
            continue
        if p.startswith("[:", j):
            end = p.find(":]", j + 2)
            j = j + 1 if end < 0 else end + 2
            continue
        if p[j] == "]":
            return j + 1
        j += 1
    return len(p)


# --- XPath ---

_XPATH_TOKEN = re.compile(
    r"""\s+|"[^"]*"|'[^']*'|\d+(?:\.\d*)?|\.\d+|//|/|::|\.\.|\.|@|\[|\]|\(|\)|,|\||!=|<=|>=|[=<>+*-]|\$"""
    r"""|[A-Za-z_][\w.-]*(?::(?:[A-Za-z_][\w.-]*|\*))?"""
)
# Axes whose cost per context element grows with the document: from every
# element of a large set they walk most of the tree.
_COSTLY_AXES = {
    "ancestor", "ancestor-or-self", "descendant", "descendant-or-self", "following",
    "following-sibling", "namespace", "preceding", "preceding-sibling",
}  # fmt: skip
# Tokens after which '/' or '//' begins a new path rather than a further step.
_PATH_STARTS = {None, "(", "[", ",", "|", "=", "!=", "<", ">", "<=", ">=", "+", "-"}
# Words that are operators only after an operand (``//div`` is an element name).
_WORD_OPERATORS = {"and", "or", "div", "mod"}
_NOT_OPERAND_END = _PATH_STARTS | {"/", "//", "@", "::", "$"}


def xpath_tokens(expr: str) -> list[str] | None:
    """The XPath's tokens without whitespace, or None when a character fits no token."""
    out: list[str] = []
    pos = 0
    while pos < len(expr):
        m = _XPATH_TOKEN.match(expr, pos)
        if m is None or m.end() == pos:
            return None
        if not m.group().isspace():
            out.append(m.group())
        pos = m.end()
    return out


def xpath_problem(expr: str, max_steps: int, max_nesting: int) -> str | None:
    """Why ``expr`` may cost more than linear time in the page, or None.

    Allowed: paths that start with ``//`` or ``/`` and go down with ``/``
    (``//article``, ``//figure/figcaption``, ``//time/@datetime``), and
    predicates over the element itself, its attributes, children and parent
    (``//*[contains(@class,'x')]``, ``//h1[@class='headline']``). Rejected:
    a path inside a predicate that starts from the root (``//*[count(//*)>0]``),
    ``//`` after the first step, axes that walk the tree from every element,
    more than ``max_steps`` steps or ``max_nesting`` levels of brackets.
    """
    tokens = xpath_tokens(expr)
    if tokens is None:
        return None  # not XPath: lxml gives the better message
    open_brackets: list[str] = []
    steps, prev, before = 0, None, None
    for index, tok in enumerate(tokens):
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if tok in ("[", "("):
            open_brackets.append(tok)
            if len(open_brackets) > max_nesting:
                return f"more than {max_nesting} levels of nested predicates or calls"
        elif tok in ("]", ")"):
            open_brackets = open_brackets[:-1]
        elif tok in ("/", "//"):
            steps += 1
            starts_path = prev in _PATH_STARTS or (prev in _WORD_OPERATORS and before not in _NOT_OPERAND_END)
            problem = _slash_problem(tok, starts_path, "[" in open_brackets)
            if problem:
                return problem
        elif nxt == "::" and tok in _COSTLY_AXES:
            return f"axis '{tok}::' walks the document from every element; use '/' steps and predicates"
        before, prev = prev, tok
    if steps > max_steps:
        return f"more than {max_steps} steps"
    return None


def _slash_problem(tok: str, starts_path: bool, in_predicate: bool) -> str | None:
    if in_predicate and starts_path:
        return f"a path from the document root ({tok!r}) inside a predicate reads the whole page for every element"
    if in_predicate and tok == "//":
        return "'//' inside a predicate searches below every element; use '/' steps"
    if tok == "//" and not starts_path:
        return "'//' after the first step searches below every match; use '/' steps or a predicate"
    return None

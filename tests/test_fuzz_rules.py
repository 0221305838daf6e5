"""The rule loader never crashes and stays fast, whatever a rule file holds (hypothesis).

Rule files come from strangers: any bytes, any TOML, any shape of tables must
end as a loaded file or a :class:`RuleError` (usually :class:`RuleErrors`),
never another exception, and within a time bound.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.rules import RuleError, load_file

# Per example, generous for a 2-core machine shared with other jobs: a load takes milliseconds.
MAX_SECONDS = 2.0
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
# generating nested tables costs hypothesis far more than loading them
TABLE_SETTINGS = settings(SETTINGS, max_examples=60)
# one folder for every example: creating and removing one each time would cost more than the load
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-rules-"))
atexit.register(shutil.rmtree, FOLDER, True)

# Pieces of rule files, sound and hostile, for text that is almost TOML.
FRAGMENTS = [
    "[site]", "[[drop]]", "[[keep]]", "[[section]]", "[[truncate]]", "[body]", "[metadata]", "[metadata.html]",
    "[html]", "[[test]]", "[test.metadata]", "name = ", "domains = ", "id = ", "category = ", "lines = ",
    "contains = ", "starts = ", "start = ", "end = ", "at = ", "until = ", "blocks = ", "strip = ", "body = ",
    "title = ", "file = ", "expected = ", "text = ", "max_words = ", "fingerprints = ", "min_fingerprints = ",
    '"x"', "'related'", "'(a+)+$'", "'(.*){1,1000}a'", "'.{1,300}x'", "'(unclosed'", "'\\\\1'", '"//*[count(//*)>0]"',
    '"//article"', '"/etc/passwd"', '"../x"', '"*"', '"news.example"', "[", "]", "{", "}", ",", "=", ".", "1",
    "-1", "99999999999999999999", "true", "1979-05-27", '"""', "'''", "#", "\n", "\n", "\n", " ", "\x00", "\ufeff",
]  # fmt: skip
toml_ish = st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join)

KEYS = [
    "site", "name", "domains", "drop", "keep", "section", "truncate", "body", "metadata", "html", "test", "id",
    "category", "lines", "starts", "ends", "contains", "start", "end", "at", "until", "blocks", "max_words",
    "strip", "strip_id_or_class", "title", "date", "file", "expected", "text", "url", "fingerprints", "x",
]  # fmt: skip
scalars = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["related", "(a+)+$", "//article", "//*[count(//*)>0]", "/etc/passwd", "*", "x.example"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=12,
)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)


def toml_value(value: Any) -> str:
    """A TOML inline value (hypothesis values only: str, int, float, bool, list, dict)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) and value in (float("inf"), -float("inf")) else str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (\uXXXX escapes included)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def to_toml(doc: dict[str, Any]) -> str:
    """Top-level tables as [tables], arrays of tables as [[arrays]], the rest as key = value."""
    plain, tables = [], []
    for key, value in doc.items():
        if isinstance(value, dict):
            tables.append(
                f"[{json.dumps(key)}]\n" + "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in value.items())
            )
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                tables.append(
                    f"[[{json.dumps(key)}]]\n"
                    + "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in item.items())
                )
        else:
            plain.append(f"{json.dumps(key)} = {toml_value(value)}\n")
    return "".join(plain) + "\n".join(tables)


def load_bounded(data: bytes) -> None:
    """Load ``data`` as a rule file: a RuleError is fine, any other exception fails, and so does slowness."""
    path = FOLDER / "fuzz.toml"
    path.write_bytes(data)
    started = time.perf_counter()
    try:
        load_file(path)
    except RuleError as exc:
        assert str(exc)  # a message a user can read
    assert time.perf_counter() - started < MAX_SECONDS


@SETTINGS
@given(toml_ish)
def test_toml_ish_text_never_crashes_the_loader(text: str) -> None:
    load_bounded(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_loader(data: bytes) -> None:
    load_bounded(data)


@TABLE_SETTINGS
@given(documents)
def test_arbitrary_tables_never_crash_the_loader(doc: dict[str, Any]) -> None:
    load_bounded(to_toml(doc).encode("utf-8", "surrogatepass"))


@TABLE_SETTINGS
@given(documents.map(lambda d: {"site": {"name": "fuzz", "domains": ["fuzz.example"]}, **d}))
def test_tables_after_a_sound_site_never_crash_the_loader(doc: dict[str, Any]) -> None:
    load_bounded(to_toml(doc).encode("utf-8", "surrogatepass"))

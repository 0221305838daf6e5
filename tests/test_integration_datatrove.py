"""cleaner.integrations.datatrove: the extractor step, document by document (no executor).

The executor runs (workers in their own processes, a cold cache) are in
test_integration_datatrove_executor.py.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datatrove", reason="datatrove is not installed (pip install 'cleaner-web[datatrove]')")

from datatrove.data import Document
from datatrove.executor.base import ExecutorJSONEncoder

from cleaner import RECORD_SCHEMA
from cleaner.integrations.datatrove import CleanerExtractor

HTML = Path(__file__).resolve().parent.parent / "fixtures" / "html"
ARTICLE = (HTML / "chrome_caption.html").read_text(encoding="utf-8")
ARTICLE_START = "The river had been rising for three days"
NO_TEXT = "<!doctype html><html><body><footer>© 2024 Example News.</footer></body></html>"


@pytest.fixture(scope="module")
def step() -> CleanerExtractor:
    return CleanerExtractor()


def run(step: CleanerExtractor, *docs: Document) -> list[Document]:
    return list(step.run(iter(docs)))


def doc(text: Any, **metadata: Any) -> Document:
    return Document(text=text, id="d", metadata=metadata)


def counts(step: CleanerExtractor) -> dict[str, int]:
    return {name: int(stat.total) for name, stat in step.stats.stats.items()}


def test_an_article_is_cleaned_and_its_record_written_to_the_metadata(step: CleanerExtractor) -> None:
    out = run(step, doc(ARTICLE, url="https://news.example.com/a", date="2024-05-01T12:00:00Z"))
    assert len(out) == 1
    meta = out[0].metadata
    assert out[0].text.startswith(ARTICLE_START) and "Photo: Volunteers" not in out[0].text
    expected = {f"cleaner_{name}" for name, _ in RECORD_SCHEMA} - {"cleaner_text"}
    assert expected <= set(meta) and "cleaner_text" not in meta
    assert meta["cleaner_status"] == "ok" and meta["cleaner_title"] == "Flood gates opened as river rises"
    assert meta["cleaner_removed_count"] >= 1 and "caption" in json.loads(meta["cleaner_removed_by_category"])
    # the reader's own keys are left as they came
    assert meta["url"] == "https://news.example.com/a" and meta["date"] == "2024-05-01T12:00:00Z"
    assert meta["cleaner_url"] == "https://news.example.com/a"


@pytest.mark.parametrize(
    ("url", "cleaner_url"),
    [
        (None, None),
        (float("nan"), None),
        (42, None),
        ("http://[/", "http://[/"),  # given back as it came, not used
        (b"https://news.example.com/b", "https://news.example.com/b"),
        ("https://news.example.com/c", "https://news.example.com/c"),
    ],
)
def test_any_url_value_is_read_or_ignored_never_fatal(
    step: CleanerExtractor, url: object, cleaner_url: str | None
) -> None:
    out = run(step, doc(ARTICLE, url=url))
    assert len(out) == 1 and out[0].metadata["cleaner_status"] == "ok"
    assert out[0].metadata["cleaner_url"] == cleaner_url
    assert out[0].metadata["url"] is url or (isinstance(url, float) and math.isnan(out[0].metadata["url"]))


def test_a_document_without_a_url_key_is_cleaned(step: CleanerExtractor) -> None:
    out = run(step, doc(ARTICLE))
    assert out[0].metadata["cleaner_url"] is None and "url" not in out[0].metadata


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        (NO_TEXT, "empty"),
        ("\x00\x00\x01\x02 IHDR \x00\x00", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(200), "binary"),
        (None, "empty"),
        (12345, "invalid"),
    ],
)
def test_a_document_without_prose_is_dropped_and_counted_by_status(text: object, status: str) -> None:
    step = CleanerExtractor()
    assert run(step, doc(text, url="https://news.example.com/x"), doc(ARTICLE)) != []
    stats = counts(step)
    assert stats[status] == 1 and stats["ok"] == 1
    assert stats["total"] == 2 and stats["forwarded"] == 1 and stats["dropped"] == 1


def test_keep_failed_forwards_the_failed_document_with_its_status() -> None:
    step = CleanerExtractor(keep_failed=True)
    out = run(step, doc(NO_TEXT, url="https://news.example.com/x"))
    assert len(out) == 1 and out[0].text == ""
    assert out[0].metadata["cleaner_status"] == "empty" and out[0].metadata["cleaner_error"]
    assert counts(step)["forwarded"] == 1 and "dropped" not in counts(step)


def test_a_plain_text_dump_is_cleaned_as_text(step: CleanerExtractor) -> None:
    page = "\n".join(
        ["Home", "News", "Sport", ""]
        + [f"The council met on Tuesday and agreed item {i} of the budget after a long debate." for i in range(6)]
        + ["", "Share on Facebook", "© 2024 Example News. All rights reserved."]
    )
    out = run(step, doc(page))
    assert out[0].metadata["cleaner_mode"] == "text"
    assert "agreed item 0" in out[0].text and "Share on Facebook" not in out[0].text


def test_bytes_are_decoded_by_cleaners_own_charset_handling(step: CleanerExtractor) -> None:
    page = ARTICLE.replace("<head>", '<head><meta charset="windows-1252">').replace("three days", "three café days")
    assert "café" in page and 'charset="windows-1252"' in page
    out = run(step, doc(page.encode("windows-1252")))
    assert "three café days" in out[0].text


def test_removed_blocks_are_written_on_request() -> None:
    out = run(CleanerExtractor(removed=True), doc(ARTICLE))
    gone = out[0].metadata["cleaner_removed"]
    assert gone and all(set(block) == {"text", "category", "reason"} for block in gone)
    assert any(block["category"] == "caption" for block in gone)
    assert "cleaner_removed" not in run(CleanerExtractor(), doc(ARTICLE))[0].metadata


def test_the_prefix_is_an_option_and_never_clobbers_the_readers_keys() -> None:
    out = run(CleanerExtractor(prefix="c."), doc(ARTICLE, url="https://news.example.com/a"))
    assert out[0].metadata["c.status"] == "ok" and not any(k.startswith("cleaner_") for k in out[0].metadata)
    with pytest.raises(ValueError, match="overwrite"):
        CleanerExtractor(prefix="")


def test_an_exception_in_one_document_is_counted_and_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    step = CleanerExtractor()
    real = step._cleaner.cleaner.clean

    def flaky(data: Any, **kwargs: Any) -> Any:
        if data == "boom":
            raise RuntimeError("a bug")
        return real(data, **kwargs)

    monkeypatch.setattr(step._cleaner.cleaner, "clean", flaky)
    out = run(step, doc("boom"), doc(ARTICLE))
    assert [d.metadata["cleaner_status"] for d in out] == ["ok"]
    assert counts(step)["error"] == 1 and counts(step)["dropped"] == 1


def stuck_on(step: CleanerExtractor, monkeypatch: pytest.MonkeyPatch, hang: Any) -> None:
    """Make the document "stuck" run ``hang()``; the others are cleaned as usual."""
    real = step._cleaner.cleaner._clean

    def clean(data: Any, *args: Any) -> Any:
        return hang() if data == "stuck" else real(data, *args)

    monkeypatch.setattr(step._cleaner.cleaner, "_clean", clean)


def loop_in_python() -> None:
    while True:  # short sleeps: cleaner's limit stops it at the next bytecode
        time.sleep(0.01)


def test_the_in_process_timeout_stops_one_document_and_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    step = CleanerExtractor(timeout=0.3)
    stuck_on(step, monkeypatch, loop_in_python)
    out = run(step, doc("stuck"), doc(ARTICLE))
    assert [d.metadata["cleaner_status"] for d in out] == ["ok"]
    assert counts(step)["timeout"] == 1 and counts(step)["total"] == 2 and counts(step)["dropped"] == 1


def test_the_sandbox_kills_a_document_stuck_in_one_call_and_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # one long call, as in C code: the in-process limit cannot stop it; the sandbox kills its child
    step = CleanerExtractor(timeout=0.3, sandbox=True, keep_failed=True)
    stuck_on(step, monkeypatch, lambda: time.sleep(30))
    out = run(step, doc("stuck"), doc(ARTICLE))
    assert [d.metadata["cleaner_status"] for d in out] == ["timeout", "ok"]
    assert "killed" in out[0].metadata["cleaner_error"] and out[1].text.startswith(ARTICLE_START)


def test_the_sandbox_survives_its_child_dying(monkeypatch: pytest.MonkeyPatch) -> None:
    step = CleanerExtractor(sandbox=True)
    stuck_on(step, monkeypatch, lambda: os._exit(1))  # as a segfault or an OOM kill would
    out = run(step, doc("stuck"), doc(ARTICLE))
    assert [d.metadata["cleaner_status"] for d in out] == ["ok"]
    assert counts(step)["error"] == 1 and counts(step)["forwarded"] == 1


def test_repr_and_executor_json_show_the_settings() -> None:
    step = CleanerExtractor(engine="fast", timeout=5, sandbox=True)
    assert repr(step) == "🛢 - EXTRAC: 🧹 cleaner (mode=auto, engine=fast, timeout=5 s sandboxed)"
    dumped = json.loads(json.dumps(step, cls=ExecutorJSONEncoder))
    assert dumped["engine"] == "fast" and dumped["timeout"] == 5 and dumped["sandbox"] is True
    assert dumped["_cleaner"].startswith("Cleaner(mode='auto', engine='fast'")
    assert " at 0x" not in json.dumps(dumped) and "stats" not in dumped


def test_the_step_pickles_by_its_settings_and_rebuilds_its_cleaner(step: CleanerExtractor) -> None:
    copy = pickle.loads(pickle.dumps(step))
    assert repr(copy) == repr(step) and copy._cleaner.cleaner is not step._cleaner.cleaner
    assert run(copy, doc(ARTICLE))[0].text.startswith(ARTICLE_START)


def test_extract_gives_the_cleaned_text(step: CleanerExtractor) -> None:
    assert step.extract(ARTICLE).startswith(ARTICLE_START)


def test_importing_cleaner_does_not_import_datatrove() -> None:
    code = "import sys, cleaner, cleaner.integrations; print('datatrove' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run_ = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert run_.stdout.strip() == "False"


def test_every_option_is_in_the_docs_table() -> None:
    import inspect

    doc_text = (Path(__file__).resolve().parent.parent / "docs" / "integrations.md").read_text(encoding="utf-8")
    section = doc_text[doc_text.index("## datatrove") :]
    options = [name for name in inspect.signature(CleanerExtractor.__init__).parameters if name != "self"]
    assert options and all(f"| `{name}` |" in section for name in options)

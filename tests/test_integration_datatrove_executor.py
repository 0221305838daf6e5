"""CleanerExtractor under datatrove's LocalPipelineExecutor: 2 tasks on 2 workers, a cold cache.

Each pipeline runs in a fresh Python process (so no compiled pattern database is already
loaded, and the executor's forkserver starts with this test's environment), with
CLEANER_CACHE_DIR an empty folder and a 1 s limit per document: building and warming the
Cleaner must happen outside any document's time, or documents are lost to it.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_datatrove_readers

pytest.importorskip("datatrove", reason="datatrove is not installed (pip install 'cleaner-web[datatrove]')")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "integrations"
EXPECTED = json.loads((ROOT / "fixtures" / "html" / "chrome_expected.json").read_text(encoding="utf-8"))

# argv: reader ("jsonl" | "warc"), input folder, output folder, logs folder, sandbox, empty_cache
PIPELINE = """
import os, shutil, sys
from pathlib import Path
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader, WarcReader
from datatrove.pipeline.writers import JsonlWriter
from cleaner.integrations.datatrove import CleanerExtractor

kind, source, out, logs, sandbox, empty_cache = sys.argv[1:]
reader = JsonlReader(source) if kind == "jsonl" else WarcReader(source)
step = CleanerExtractor(timeout=1, sandbox=sandbox == "1")
if empty_cache == "1":  # as on a node the driver could not warm: each worker compiles the patterns itself
    cache = Path(os.environ["CLEANER_CACHE_DIR"])
    shutil.rmtree(cache)
    cache.mkdir()
executor = LocalPipelineExecutor([reader, step, JsonlWriter(out)], tasks=2, workers=2, logging_dir=logs)
executor.run()
"""


def run_pipeline(tmp_path: Path, kind: str, source: Path, *, sandbox: bool = False, empty_cache: bool = False) -> Path:
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {**os.environ, "CLEANER_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    args = [kind, source, tmp_path / "out", tmp_path / "logs", str(int(sandbox)), str(int(empty_cache))]
    done = subprocess.run(
        [sys.executable, "-c", PIPELINE, *map(str, args)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert list(cache.glob("*.db")), "the pattern database was not cached"
    return tmp_path


def outputs(run: Path) -> list[dict[str, Any]]:
    rows = []
    for path in sorted((run / "out").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines]
    return rows


def step_stats(run: Path) -> dict[str, int]:
    merged = json.loads((run / "logs" / "stats.json").read_text(encoding="utf-8"))
    (ours,) = [s for s in merged if "cleaner" in s["name"]]
    # a count is written as a number, a measured stat (doc_len) as a dict
    return {name: value if isinstance(value, int) else value["total"] for name, value in ours["stats"].items()}


def split_jsonl(tmp_path: Path) -> Path:
    """The JSONL fixture as two files, so that each of the two tasks has documents."""
    lines = (FIXTURES / "pages.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.jsonl").write_text("".join(lines[:3]), encoding="utf-8")
    (source / "b.jsonl").write_text("".join(lines[3:]), encoding="utf-8")
    return source


def test_jsonl_through_two_workers_loses_no_document(tmp_path: Path) -> None:
    require_datatrove_readers()
    run = run_pipeline(tmp_path, "jsonl", split_jsonl(tmp_path), sandbox=True)
    stats = step_stats(run)
    # 6 documents: 4 with prose (HTML with a good, null or broken URL; a text dump), 2 without
    assert stats["total"] == 6 and stats["ok"] == 4 and stats["empty"] == 2
    assert stats["forwarded"] == 4 and stats["dropped"] == 2 and "timeout" not in stats and "error" not in stats
    rows = {row["id"]: row for row in outputs(run)}
    assert set(rows) == {"html-url", "html-null-url", "html-broken-url", "text-dump"}
    assert rows["html-broken-url"]["metadata"]["url"] == "http://[/"
    assert rows["text-dump"]["metadata"]["cleaner_mode"] == "text"
    for row in rows.values():
        assert row["text"] and row["metadata"]["cleaner_status"] == "ok"
    for row_id, page in [("html-url", "chrome_byline.html"), ("html-null-url", "chrome_headline.html")]:
        assert EXPECTED[page]["keep"][0] in rows[row_id]["text"]
        assert EXPECTED[page]["drop"] not in rows[row_id]["text"]
        assert rows[row_id]["metadata"]["cleaner_title"] == EXPECTED[page]["title"]
    # executor.json: the step's settings, readable
    executor = json.loads((run / "logs" / "executor.json").read_text(encoding="utf-8"))
    (ours,) = [s for s in executor["pipeline"] if "_cleaner" in s]
    assert ours["timeout"] == 1 and ours["engine"] == "accurate" and ours["sandbox"] is True
    assert ours["_cleaner"].startswith("Cleaner(mode='auto'") and " at 0x" not in json.dumps(ours)


def test_warc_through_two_workers_with_a_cache_cold_in_each_worker(tmp_path: Path) -> None:
    require_datatrove_readers()
    source = tmp_path / "in"
    source.mkdir()
    for name in ("a", "b"):  # two files: both tasks have pages
        shutil.copyfile(FIXTURES / "pages.warc.gz", source / f"{name}.warc.gz")
    run = run_pipeline(tmp_path, "warc", source, empty_cache=True)
    stats = step_stats(run)
    # per file: 3 articles and a page with no text (the request record never reaches the step)
    assert stats["total"] == 8 and stats["ok"] == 6 and stats["empty"] == 2
    assert stats["forwarded"] == 6 and stats["dropped"] == 2 and "timeout" not in stats
    rows = outputs(run)
    assert len(rows) == 6
    by_url = {row["metadata"]["url"]: row for row in rows}
    pages = {
        "https://news.example.com/2024/04/18/flood-gates": "chrome_caption.html",
        "https://news.example.com/2024/04/19/northern-gates": "chrome_related.html",
        "https://news.example.com/2024/04/25/warning-mark": "chrome_share.html",
    }
    assert set(by_url) == set(pages)
    for url, page in pages.items():
        row = by_url[url]
        assert EXPECTED[page]["keep"][-1] in row["text"] and EXPECTED[page]["drop"] not in row["text"]
        meta = row["metadata"]
        assert meta["date"] == "2024-05-01T12:00:00Z" and meta["cleaner_url"] == url  # the crawl's, kept
        assert meta["cleaner_title"] == EXPECTED[page]["title"] and meta["cleaner_removed_count"] >= 1

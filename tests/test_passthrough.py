"""JSONL inputs: fields cleaner does not read go through to the output record, nothing dropped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Cli = Callable[..., Result]


def test_extra_fields_and_the_inputs_metadata_go_through(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    source = {
        "doc_id": "d1",
        "text": seeds[0].read_text(),
        "url": "https://news.example.org/a",
        "lang": "en",
        "source": "cc-2024-10",
        "status": "crawled",  # the record has its own status: kept under "input"
        "metadata": {"title": "Given title", "dump": "CC-MAIN-2024-10", "language": "xx"},
    }
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps(source) + "\n")
    res = cli("clean", dump, "--id-field", "doc_id")
    assert res.exit_code == 0, res.output
    [rec] = [json.loads(line) for line in res.stdout.splitlines()]
    assert rec["id"] == "d1" and "doc_id" not in rec  # the id field became the record's id
    assert rec["lang"] == "en" and rec["source"] == "cc-2024-10"  # free names: top level, unchanged
    assert rec["status"] == "ok" and rec["input"]["status"] == "crawled"  # taken names: under "input"
    assert rec["input"]["metadata"] == source["metadata"]  # the input's metadata, whole
    assert rec["metadata"]["dump"] == "CC-MAIN-2024-10"  # fills what cleaner did not have
    assert rec["metadata"]["language"] == "en"  # what cleaner found wins
    assert rec["metadata"]["url"] == "https://news.example.org/a"
    assert rec["text"] != source["text"]  # the cleaned text, not the input's


def test_an_unread_text_field_is_kept_when_html_is_cleaned(cli: Cli, tmp_path: Path) -> None:
    html = "<html><body><article><p>" + "A long enough sentence about the harbour and the boats. " * 20
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "x", "html": html + "</p></article></body></html>", "text": "old"}) + "\n")
    [rec] = [json.loads(line) for line in cli("clean", dump).stdout.splitlines()]
    assert rec["input"] == {"text": "old"} and "html" not in rec

"""JSONL inputs: fields cleaner does not read go through to the output record, nothing dropped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cleaner import RECORD_SCHEMA
from cleaner._model import RECORD_REMOVED_KEY

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


# -- flat records (--flat [--prefix P]): the integrations' keys, the same pass-through rules --------

RECORD_KEYS = [name for name, _type in RECORD_SCHEMA] + [RECORD_REMOVED_KEY]


def flat_records(cli: Cli, dump: Path, *args: str) -> list[dict[str, Any]]:
    res = cli("clean", dump, "-j", "1", "--flat", *args)
    assert res.exit_code == 0, res.output
    return [json.loads(line) for line in res.stdout.splitlines()]


@pytest.mark.parametrize("prefix", ["", "cleaner_"])
def test_flat_records_have_the_keys_every_integration_writes(
    cli: Cli, seeds: list[Path], tmp_path: Path, prefix: str
) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "d1", "text": seeds[0].read_text(), "url": "https://news.example.org/a"}) + "\n")
    [rec] = flat_records(cli, dump, *(["--prefix", prefix] if prefix else []))
    assert list(rec) == ["id", "path", *(prefix + key for key in RECORD_KEYS)]
    assert rec[f"{prefix}status"] == "ok" and rec[f"{prefix}url"] == "https://news.example.org/a"
    assert rec["id"] == "d1" and rec[f"{prefix}removed_count"] == len(rec[f"{prefix}removed"])


@pytest.mark.parametrize(
    ("prefix", "top", "under_input"),
    [
        ("", {"lang", "metadata"}, {"status", "date"}),  # date and status are cleaner's keys here
        ("cleaner_", {"lang", "metadata", "status", "date"}, set()),  # the prefix frees every name
    ],
)
def test_flat_records_pass_input_fields_through(
    cli: Cli, seeds: list[Path], tmp_path: Path, prefix: str, top: set[str], under_input: set[str]
) -> None:
    given = {"lang": "en", "status": "crawled", "date": "2024-01-02", "metadata": {"dump": "CC", "title": "T"}}
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "d1", "text": seeds[0].read_text(), **given}) + "\n")
    [rec] = flat_records(cli, dump, *(["--prefix", prefix] if prefix else []))
    assert {k: rec[k] for k in top} == {k: given[k] for k in top}
    assert rec.get("input", {}) == {k: given[k] for k in under_input}
    assert rec["metadata"] == given["metadata"]  # a flat record has no metadata of its own: nothing filled


def test_flat_and_nested_records_list_the_same_removed_blocks(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps({"id": p.name, "text": p.read_text()}) + "\n" for p in seeds[:2]))
    nested = [json.loads(line) for line in cli("clean", dump, "-j", "1").stdout.splitlines()]
    flat = flat_records(cli, dump)
    assert any(rec["removed"] for rec in nested)  # the seeds have chrome: the comparison means something
    assert [rec["removed"] for rec in flat] == [rec["removed"] for rec in nested]


def test_a_failed_line_still_gets_a_flat_record(cli: Cli, tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text('{"id": "ok", "text": "A short line of text about the weather."}\n{not json\n')
    res = cli("clean", dump, "-j", "1", "--flat", "--prefix", "cleaner_")
    assert res.exit_code == 1  # a failure is never silent
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [list(r) for r in records] == [["id", "path", *("cleaner_" + k for k in RECORD_KEYS)]] * 2
    assert records[1]["cleaner_status"] == "error" and "invalid JSON" in records[1]["cleaner_error"]


def test_flat_json_tree(cli: Cli, seeds: list[Path], tmp_path: Path) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "d1", "text": seeds[0].read_text()}) + "\n")
    res = cli("clean", dump, "-j", "1", "--flat", "--format", "json", "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    rec = json.loads((tmp_path / "out" / "d.jsonl" / "1.json").read_text())
    assert rec["status"] == "ok" and "metadata" not in rec and "title" in rec


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--flat", "--format", "txt"], "--flat shapes the JSON records"),
        (["--flat", "--format", "md"], "--flat shapes the JSON records"),
        (["--flat", "-o", "out/"], "--flat shapes the JSON records"),  # -o DIR writes txt by default
        (["--prefix", "cleaner_"], "add --flat"),
    ],
)
def test_flat_options_where_they_mean_nothing_are_usage_errors(
    cli: Cli, tmp_path: Path, args: list[str], message: str
) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "d1", "text": "Some words."}) + "\n")
    res = cli("clean", dump, *[str(tmp_path / a) if a == "out/" else a for a in args])
    assert res.exit_code == 2
    assert message in " ".join(res.output.replace("│", " ").split())
    assert not (tmp_path / "out").exists()  # refused before anything is written

"""Result.to_record: one flat shape, the same keys and types everywhere."""

from __future__ import annotations

import json

import pytest

import cleaner
from cleaner import RECORD_SCHEMA

PAGE = (
    "<html><head><title>A story</title></head><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
    "<article><h1>A story</h1><p>" + "The council met on Tuesday to discuss the new budget for schools. " * 6 + "</p>"
    "</article><footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
)
TYPES = {"string": (str, type(None)), "bool": (bool,), "int": (int,), "list<string>": (list,)}


@pytest.mark.parametrize("prefix", ["", "cleaner_"])
def test_record_has_the_schema_keys_in_order(prefix: str) -> None:
    record = cleaner.clean(PAGE, url="https://example.com/a").to_record(prefix)
    assert list(record) == [prefix + name for name, _ in RECORD_SCHEMA]
    for name, kind in RECORD_SCHEMA:
        assert isinstance(record[prefix + name], TYPES[kind]), name


def test_removed_counts_and_blocks() -> None:
    result = cleaner.clean(PAGE, url="https://example.com/a", list_all_removed=True)
    record = result.to_record(removed=True)
    assert record["removed_count"] == len(result.removed) == len(record["removed"]) > 0
    counts = json.loads(record["removed_by_category"])
    assert sum(counts.values()) == record["removed_count"]
    assert set(record["removed"][0]) == {"text", "category", "reason"}
    assert "removed" not in result.to_record()


@pytest.mark.parametrize("data", [None, 42, b"\x89PNG\r\n\x1a\n" + bytes(300)])
def test_failed_results_fit_the_same_shape(data: object) -> None:
    record = cleaner.clean(data).to_record()  # type: ignore[arg-type]
    assert list(record) == [name for name, _ in RECORD_SCHEMA]
    assert record["status"] != "ok" and record["error"] and record["text"] == ""

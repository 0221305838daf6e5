"""cleaner.integrations.hf: Dataset.map with num_proc, a fixed schema, a stable fingerprint."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner._model import RECORD_SCHEMA

datasets = pytest.importorskip("datasets", reason="the hf extra (datasets) is not installed")
from datasets.fingerprint import Hasher  # noqa: E402

from cleaner.integrations import hf  # noqa: E402
from cleaner.integrations.hf import FEATURES, STATUS_ERROR, clean_dataset, cleaner_map, features  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "fixtures" / "html"
AEB = ROOT / "fixtures" / "gate" / "aeb"
SEEDS = ROOT / "fixtures" / "seeds" / "pages"
GOLD_URLS = {r["id"]: r["url"] for r in map(json.loads, (AEB / "gold.jsonl").read_text().splitlines())}
NYT, TC = (
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",
    "1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892",
)

# (content, url, expected status, expected cleaner_url): HTML, gzip'd HTML, text dumps, nothing
ROWS: list[tuple[bytes | None, str | bytes | None, str, str | None]] = [
    (
        (HTML / "chrome_related.html").read_bytes(),
        "https://www.example.com/news/gates",
        "ok",
        "https://www.example.com/news/gates",
    ),
    ((HTML / "chrome_byline.html").read_bytes(), None, "ok", None),
    ((HTML / "fallback_aside.html").read_bytes(), b"https://example.org/diary", "ok", "https://example.org/diary"),
    ((HTML / "repeated_labels.html").read_bytes(), "http://[/", "ok", "http://[/"),
    ((AEB / "html" / f"{TC}.html.gz").read_bytes(), GOLD_URLS[TC], "ok", GOLD_URLS[TC]),
    ((AEB / "html" / f"{NYT}.html.gz").read_bytes(), GOLD_URLS[NYT], "ok", GOLD_URLS[NYT]),
    ((SEEDS / "000_cc0ab38538eaacaa.txt").read_bytes(), None, "ok", None),
    (
        (SEEDS / "001_5c830fc63e033197.txt").read_bytes(),
        "https://www.example.com/world/kz",
        "ok",
        "https://www.example.com/world/kz",
    ),
    (b"", "https://example.com/empty", "empty", "https://example.com/empty"),
    (None, None, "empty", None),
    (b"\x00\x01\x02" * 100, None, "binary", None),
    (
        (SEEDS / "002_cda58cf3099d18d8.txt").read_bytes(),
        b"https://example.com/caf\xe9",
        "ok",
        "https://example.com/caf\ufffd",
    ),
]
STRING = datasets.Features({"html": datasets.Value("string"), "url": datasets.Value("string")})
BINARY = datasets.Features({"html": datasets.Value("binary"), "url": datasets.Value("binary")})


def _text(value: bytes | str | None) -> str | None:
    """A page as a string column holds it: gzip opened, bytes decoded."""
    if not isinstance(value, bytes):
        return value
    return (gzip.decompress(value) if value[:2] == b"\x1f\x8b" else value).decode("utf-8", errors="replace")


def _binary(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


def _dataset(kind: Any) -> Any:
    convert = _binary if kind is BINARY else _text
    columns = {"html": [convert(r[0]) for r in ROWS], "url": [convert(r[1]) for r in ROWS]}
    return datasets.Dataset.from_dict(columns, features=kind)


@pytest.fixture(autouse=True)
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """datasets writes under tmp_path, never under ~/.cache (workers are forked: they inherit it)."""
    cache = tmp_path / "hf-cache"
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache))
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)
    return cache


def test_features_follow_the_record_schema() -> None:
    kinds = {"string": datasets.Value("string"), "bool": datasets.Value("bool"), "int": datasets.Value("int64")}
    kinds["list<string>"] = datasets.List(datasets.Value("string"))
    assert dict(FEATURES) == {f"cleaner_{name}": kinds[kind] for name, kind in RECORD_SCHEMA}
    assert list(FEATURES) == [f"cleaner_{name}" for name, _ in RECORD_SCHEMA]  # the record's order
    with_removed = features(prefix="c.", removed=True)
    assert list(with_removed)[-1] == "c.removed"
    assert with_removed["c.removed"] == datasets.List(
        {k: datasets.Value("string") for k in ("text", "category", "reason")}
    )


@pytest.mark.parametrize("kind", [STRING, BINARY], ids=["string-columns", "binary-columns"])
def test_num_proc_map_gives_a_row_for_every_row_as_cleaner_would(kind: Any, tmp_path: Path) -> None:
    ds = _dataset(kind)
    out = clean_dataset(ds, num_proc=2, batch_size=4, cache_file_name=str(tmp_path / "cleaned.arrow"))
    assert out.num_rows == len(ROWS)
    assert out.features == datasets.Features({**kind, **FEATURES})
    assert out["html"] == ds["html"] and out["url"] == ds["url"]  # input columns kept, in order
    expected_status = [r[2] for r in ROWS]
    if kind is STRING:
        expected_status[10] = "empty"  # the control bytes as text: nothing article-like, not "binary"
    assert out["cleaner_status"] == expected_status
    assert out["cleaner_url"] == [r[3] for r in ROWS]
    reference = cleaner.Cleaner()
    for row in out:
        want = reference.clean(row["html"], url=row["url"]).to_record("cleaner_")
        assert {k: row[k] for k in FEATURES} == want
    assert out["cleaner_categories"][4] == ["post"]  # a list that is not empty comes through as a list


def test_fixed_features_keep_all_null_shards_readable_together(tmp_path: Path) -> None:
    # Two shards cleaned apart (num_proc's shards, or one job per file): in the first every
    # page is missing, so every title is None and every category list is empty.
    ds = _dataset(STRING).select([9, 8, 0, 1])
    halves = (ds.select([0, 1]), ds.select([2, 3]))
    fn = cleaner_map()
    guessed = [h.map(fn, batched=True) for h in halves]
    assert guessed[0].features["cleaner_title"] == datasets.Value("null")  # inferred from None alone
    assert guessed[0].features["cleaner_categories"] == datasets.List(datasets.Value("null"))
    fixed = [clean_dataset(h, fn) for h in halves]
    assert all(f.features == datasets.Features({**STRING, **FEATURES}) for f in fixed)

    def read_together(parts: list[Any], name: str) -> Any:
        files = [str(tmp_path / f"{name}{i}.parquet") for i, part in enumerate(parts)]
        for part, file in zip(parts, files, strict=True):
            part.to_parquet(file)
        return datasets.load_dataset("parquet", data_files=files, split="train", cache_dir=str(tmp_path / name))

    with pytest.raises(datasets.exceptions.DatasetGenerationError):  # null vs string: cannot be cast
        read_together(guessed, "guessed")
    both = read_together(fixed, "fixed")
    assert both["cleaner_status"] == ["empty", "empty", "ok", "ok"]


def test_fingerprint_is_the_settings_alone() -> None:
    first, second = cleaner_map(html_column="body"), cleaner_map(html_column="body")
    assert Hasher.hash(first) == Hasher.hash(second)
    assert Hasher.hash(first) != Hasher.hash(cleaner_map(html_column="body", removed=True))
    first({"body": ["Some words of a page."], "url": [None]})  # builds the process's Cleaner
    assert Hasher.hash(first) == Hasher.hash(second)  # ... which the map function does not hold
    code = "from datasets.fingerprint import Hasher; from cleaner.integrations.hf import cleaner_map; print(Hasher.hash(cleaner_map(html_column='body')))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert fresh.stdout.strip() == Hasher.hash(first)  # the same in another interpreter


def test_a_second_map_with_the_same_settings_is_read_from_the_cache(tmp_path: Path) -> None:
    ds = _dataset(STRING).select([0, 6])
    file = str(tmp_path / "cleaned.arrow")
    first = clean_dataset(ds, cleaner_map(), cache_file_name=file)
    second = clean_dataset(ds, cleaner_map(), cache_file_name=file)
    assert second._fingerprint == first._fingerprint
    assert [f["filename"] for f in second.cache_files] == [file]


def test_one_cleaner_per_process_not_per_batch_nor_per_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    builds = tmp_path / "builds.txt"

    def counting_cleaner(**settings: Any) -> cleaner.Cleaner:
        with builds.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return cleaner.Cleaner(**settings)

    monkeypatch.setattr(hf, "Cleaner", counting_cleaner)
    hf._cleaner.cache_clear()  # the forked workers start from this process's (empty) cache
    fn = cleaner_map()
    copy = pickle.loads(pickle.dumps(fn))
    assert copy == fn and copy is not fn
    batch = {"html": ["One short page of words."] * 3, "url": [None] * 3}
    for _ in range(3):
        fn(batch)
        copy(batch)
    assert builds.read_text().split() == [str(os.getpid())]
    hf._cleaner.cache_clear()
    builds.unlink()
    clean_dataset(_dataset(STRING), num_proc=2, batch_size=2, cache_file_name=str(tmp_path / "out.arrow"))
    pids = builds.read_text().split()  # six batches over two workers
    assert 1 <= len(pids) <= 2 and len(set(pids)) == len(pids)
    hf._cleaner.cache_clear()  # the counting Cleaners must not serve later tests


def test_an_exception_in_one_page_gives_an_error_row_not_a_failed_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    real = cleaner.Cleaner()

    class Breaking:
        mode = "auto"

        def clean(self, data: Any, *, url: Any = None) -> cleaner.Result:
            if data == "boom":
                raise RuntimeError("a bug in one page")
            return real.clean(data, url=url)

    monkeypatch.setattr(hf, "_cleaner", lambda build: Breaking())
    page = (SEEDS / "000_cc0ab38538eaacaa.txt").read_text()
    out = cleaner_map(removed=True)(
        {"html": [page, "boom", None], "url": ["https://a.example/x", b"https://b.example/y", None]}
    )
    assert out["cleaner_status"] == ["ok", STATUS_ERROR, "empty"]
    assert out["cleaner_url"] == ["https://a.example/x", "https://b.example/y", None]
    assert out["cleaner_error"][1] == "RuntimeError: a bug in one page"
    assert out["cleaner_removed"][1] == [] and out["cleaner_text"][1] == ""
    assert set(out) == set(features(removed=True))


def test_a_column_of_the_wrong_type_gives_invalid_rows() -> None:
    ds = datasets.Dataset.from_dict({"html": [1, 2, 3]})
    out = clean_dataset(ds, cleaner_map(url_column=None))
    assert out["cleaner_status"] == ["invalid"] * 3
    assert out["cleaner_error"][0] == "input must be str or bytes, not int"


def test_missing_columns_and_bad_settings_fail_before_any_work() -> None:
    ds = datasets.Dataset.from_dict({"content": ["A page."]})
    with pytest.raises(KeyError, match="html_column: no column 'html'"):
        clean_dataset(ds)
    with pytest.raises(KeyError, match="url_column=None cleans without URLs"):
        clean_dataset(ds, cleaner_map(html_column="content"))
    assert clean_dataset(ds, cleaner_map(html_column="content", url_column=None))["cleaner_status"] == ["empty"]
    with pytest.raises(ValueError, match="engine"):
        cleaner_map(engine="quick")
    with pytest.raises(ValueError, match="mode"):
        cleaner_map(mode="pdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rules_dirs"):
        cleaner_map(rules_dirs=["/no/such/folder"])


def test_removed_column_and_remove_columns(tmp_path: Path) -> None:
    ds = _dataset(STRING).select([0, 9])
    out = clean_dataset(ds, cleaner_map(removed=True, prefix="c_"), remove_columns=["html"])
    assert out.column_names == ["url", *features("c_", removed=True)]
    want = cleaner.Cleaner().clean(ds[0]["html"], url=ds[0]["url"]).to_record("c_", removed=True)["c_removed"]
    assert out[0]["c_removed"] == want and want  # the chrome of chrome_related.html, block by block


def test_map_without_batched_cleans_one_example() -> None:
    ds = _dataset(STRING).select([6, 9])
    out = ds.map(cleaner_map(), features=datasets.Features({**STRING, **FEATURES}))
    assert out["cleaner_status"] == ["ok", "empty"]
    numbers = datasets.Dataset.from_dict({"html": [7]})
    assert numbers.map(cleaner_map(url_column=None))["cleaner_status"] == ["invalid"]


@pytest.mark.parametrize("form", ["numpy", "pandas", "arrow"])
def test_a_formatted_dataset_gives_the_same_rows(form: str) -> None:
    ds = _dataset(BINARY).select([0, 9, 11])
    out = clean_dataset(ds.with_format(form)).with_format(None)
    assert out["cleaner_status"] == ["ok", "empty", "ok"]
    assert out["cleaner_url"] == [ROWS[0][3], None, ROWS[11][3]]


def test_timeout_per_page_in_worker_processes(tmp_path: Path) -> None:
    huge = "<html><body>" + "<p>a few words here</p>" * 60_000 + "</body></html>"  # ~10 s to clean
    small = (HTML / "chrome_byline.html").read_text()
    ds = datasets.Dataset.from_dict({"html": [huge, small]})
    out = clean_dataset(
        ds, cleaner_map(url_column=None, timeout=2), num_proc=2, cache_file_name=str(tmp_path / "t.arrow")
    )
    assert out["cleaner_status"] == ["timeout", "ok"]
    assert out["cleaner_error"][0] == "cleaning took longer than 2 s"


@pytest.mark.parametrize("module", ["cleaner", "cleaner.integrations"])
def test_importing_cleaner_does_not_import_datasets(module: str) -> None:
    code = f"import sys, {module}; print([m for m in ('datasets', 'pyarrow') if m in sys.modules])"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"

"""cleaner.integrations.spark: a row out for every row in, through pandas alone and through Spark."""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner import RECORD_SCHEMA

pd = pytest.importorskip("pandas", reason="the Spark integration works on pandas frames: pandas is not installed")
spark_mod = pytest.importorskip("cleaner.integrations.spark")

ROOT = Path(__file__).resolve().parents[1]
HTML = (ROOT / "fixtures" / "html" / "chrome_share.html").read_text(encoding="utf-8")
HTML2 = (ROOT / "fixtures" / "html" / "chrome_related.html").read_bytes()
DUMP = (ROOT / "fixtures" / "seeds" / "pages" / "000_cc0ab38538eaacaa.txt").read_text(encoding="utf-8")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)
URL = "https://example.com/news/story"
NAN = float("nan")

# (id, page, url, what that row is, as Cleaner.clean sees it: page and url)
STRING_ROWS: list[tuple[str, Any, Any, Any, Any]] = [
    ("html", HTML, URL, HTML, URL),
    ("html-null-url", HTML, None, HTML, None),
    ("dump", DUMP, "https://www.reuters.com/world/x", DUMP, "https://www.reuters.com/world/x"),
    ("dump-no-url", DUMP, None, DUMP, None),
    ("bad-url", HTML, "http://[/", HTML, "http://[/"),
    ("empty-string", "", URL, "", URL),
    ("null-page", None, URL, None, URL),
    ("null-both", None, None, None, None),
]
BINARY_ROWS: list[tuple[str, Any, Any, Any, Any]] = [
    ("bytes", HTML2, URL.encode(), HTML2, URL),
    ("gzip", gzip.compress(HTML2), None, HTML2, None),
    ("png", PNG, URL.encode(), PNG, URL),
    ("null-bytes", None, b"\xff\xfe", None, b"\xff\xfe"),
]
STATUS = {
    "html": "ok", "html-null-url": "ok", "dump": "ok", "dump-no-url": "ok", "bad-url": "ok",
    "empty-string": "empty", "null-page": "empty", "null-both": "empty",
    "bytes": "ok", "gzip": "ok", "png": "binary", "null-bytes": "empty",
}  # fmt: skip
RECORD_COLUMNS = ["cleaner_" + name for name, _ in RECORD_SCHEMA]


def expected(page: Any, url: Any) -> dict[str, Any]:
    """What Cleaner.clean gives for the row, with the Python values pandas and Spark stand in for."""
    return cleaner.Cleaner().clean(page, url=url).to_record("cleaner_")


# ---- pandas alone: PartitionCleaner.clean_frame ---------------------------------------------


def frame(rows: list[tuple[str, Any, Any, Any, Any]]) -> Any:
    return pd.DataFrame({"id": [r[0] for r in rows], "html": [r[1] for r in rows], "url": [r[2] for r in rows]})


@pytest.mark.parametrize("rows", [STRING_ROWS, BINARY_ROWS], ids=["str", "bytes"])
def test_clean_frame_gives_a_row_per_row_as_clean_does(rows: list[tuple[str, Any, Any, Any, Any]]) -> None:
    out = spark_mod.clean_partitions(keep=("id",)).clean_frame(
        frame(rows).set_index(pd.Index(range(50, 50 + len(rows))))
    )
    assert list(out.columns) == ["id", *RECORD_COLUMNS]
    assert list(out["id"]) == [r[0] for r in rows]  # in order, whatever the input's index
    for (id_, _, _, page, url), record in zip(rows, out.to_dict("records"), strict=True):
        want = expected(page, url)
        assert record["cleaner_status"] == STATUS[id_] == want["cleaner_status"], id_
        assert record["cleaner_text"] == want["cleaner_text"], id_


@pytest.mark.parametrize("missing", [None, NAN, pd.NA], ids=["None", "NaN", "NA"])
def test_missing_urls_and_pages_from_pandas_are_none(missing: Any) -> None:
    pages = pd.Series([HTML, missing], dtype=object)
    urls = pd.Series([missing, b"https://example.org/b"], dtype=object)
    out = spark_mod.clean_partitions().clean_frame(pd.DataFrame({"html": pages, "url": urls}))
    assert list(out["cleaner_status"]) == ["ok", "empty"]
    assert out["cleaner_error"][1] == "no input (None)"  # not "invalid": a missing page is no page
    assert pd.isna(out["cleaner_url"][0]) and out["cleaner_url"][1] == "https://example.org/b"


def test_pandas_string_dtype_nulls() -> None:
    """pandas 3's ``str`` columns hold a null as NaN: what broke the first Spark job."""
    df = pd.DataFrame({"html": pd.array([HTML, None], dtype="string"), "url": pd.array([None, URL], dtype="string")})
    out = spark_mod.clean_partitions().clean_frame(df)
    assert list(out["cleaner_status"]) == ["ok", "empty"]


def test_no_url_column_and_removed_blocks() -> None:
    fn = spark_mod.clean_partitions(url_col=None, removed=True, prefix="")
    out = fn.clean_frame(pd.DataFrame({"html": [HTML]}))
    assert list(out.columns) == [name for name, _ in RECORD_SCHEMA] + ["removed"]
    removed = out["removed"][0]
    assert len(removed) == out["removed_count"][0] > 0 and set(removed[0]) == {"text", "category", "reason"}


def test_an_exception_in_one_page_is_that_row_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    real = cleaner.Cleaner()

    class Breaks:
        mode = "auto"

        def clean(self, page: Any, **kw: Any) -> Any:
            if page == "boom":
                raise RuntimeError("a bug")
            return real.clean(page, **kw)

    monkeypatch.setattr(spark_mod, "_cleaner", lambda build: Breaks())
    out = spark_mod.clean_partitions().clean_frame(
        pd.DataFrame({"html": [HTML, "boom", DUMP], "url": [None, URL, None]})
    )
    assert list(out["cleaner_status"]) == ["ok", "error", "ok"]
    assert out["cleaner_error"][1] == "RuntimeError: a bug" and out["cleaner_url"][1] == URL


def test_a_readers_error_is_passed_on_not_cleaned() -> None:
    df = pd.DataFrame({"html": [HTML, None], "url": [URL, URL], "err": [None, "WARC offset 9: truncated"]})
    out = spark_mod.clean_partitions(error_col="err").clean_frame(df)
    assert list(out["cleaner_status"]) == ["ok", "error"]
    assert out["cleaner_error"][1] == "WARC offset 9: truncated"


def test_timeout_per_page() -> None:
    out = spark_mod.clean_partitions(timeout=1e-6).clean_frame(pd.DataFrame({"html": [HTML], "url": [URL]}))
    assert out["cleaner_status"][0] == "timeout"


def test_charset_column_decodes_bytes() -> None:
    page = "<html><body><p>" + "Ça coûte très cher à Zürich, déclare le maire de la ville. " * 5 + "</p></body></html>"
    df = pd.DataFrame({"html": [page.encode("cp1252")], "url": [None], "cs": ["windows-1252"]})
    out = spark_mod.clean_partitions(charset_col="cs").clean_frame(df)
    assert "coûte très cher à Zürich" in out["cleaner_text"][0]


def test_an_empty_batch_has_the_columns() -> None:
    out = spark_mod.clean_partitions(keep=("id",)).clean_frame(pd.DataFrame({"id": [], "html": [], "url": []}))
    assert len(out) == 0 and list(out.columns) == ["id", *RECORD_COLUMNS]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"mode": "pdf"}, ValueError),
        ({"engine": "quick"}, ValueError),
        ({"timeout": -1}, ValueError),
        ({"keep": ("cleaner_text",)}, ValueError),
        ({"keep": ("id", "id")}, ValueError),
    ],
)
def test_setup_errors_are_raised_on_the_driver(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        spark_mod.clean_partitions(**kwargs)


def test_a_missing_column_names_the_option() -> None:
    with pytest.raises(KeyError, match="url_col: no column 'url'"):
        spark_mod.clean_partitions().clean_frame(pd.DataFrame({"html": [HTML]}))


def test_ddl_is_derived_from_the_record_schema() -> None:
    ddl = spark_mod.record_ddl("p_", removed=True)
    names = re.findall(r"`([^`]+)` [A-Z]", ddl)  # columns: a struct's fields are `name`: TYPE
    assert names == ["p_" + name for name, _ in RECORD_SCHEMA] + ["p_removed"]
    assert "`p_removed` ARRAY<STRUCT<`text`: STRING, `category`: STRING, `reason`: STRING>>" in ddl
    assert spark_mod.record_ddl("cleaner_") == spark_mod.RECORD_DDL


def test_importing_cleaner_does_not_import_spark_pandas_or_arrow() -> None:
    code = (
        "import sys, cleaner, cleaner.integrations; heavy = ('pyspark', 'pandas', 'pyarrow');"
        "print(sorted(m for m in heavy if m in sys.modules));"
        "import cleaner.integrations.spark; print('pyspark' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.split("\n")[:2] == ["[]", "False"]


# ---- WARC rows ------------------------------------------------------------------------------


def write_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, status, ctype, body in [
            ("https://example.com/a", "200 OK", "text/html; charset=windows-1252", HTML.encode("cp1252")),
            ("https://example.com/logo.png", "200 OK", "image/png", PNG),
            ("https://example.com/gone", "404 Not Found", "text/html", b"<p>gone</p>"),
        ]:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )
        fh.write(b"WARC/1.0\r\nContent-Length: 999\r\n\r\ncut short")


def test_warc_rows_pages_and_broken_records(tmp_path: Path) -> None:
    pytest.importorskip("warcio", reason="warcio is not installed (pip install 'cleaner-web[warc]')")
    write_warc(tmp_path / "crawl.warc.gz")
    rows = list(spark_mod.warc_rows(tmp_path / "crawl.warc.gz"))
    assert [(r["url"], r["charset"], r["read_error"] is None) for r in rows] == [
        ("https://example.com/a", "windows-1252", True),
        (None, None, False),  # the cut-off record: a row, with its error
    ]
    assert rows[0]["html"] == HTML.encode("cp1252") and rows[1]["html"] is None
    missing = list(spark_mod.warc_rows(tmp_path / "nope.warc"))
    assert len(missing) == 1 and "cannot read" in missing[0]["read_error"]


# ---- Spark ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'cleaner-web[spark]')")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime: no `java` on PATH")
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as mp:
        # the workers run this Python and import cleaner from this checkout
        mp.setenv("PYSPARK_PYTHON", sys.executable)
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        session = (
            SparkSession.builder.master("local[2]")
            .appName("cleaner-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "3")  # several batches per partition
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


def spark_frame(spark: Any, rows: list[tuple[str, Any, Any, Any, Any]], kind: str) -> Any:
    pdf = frame(rows)
    if kind == "string":
        pdf["url"] = pdf["url"].where(pdf["url"].notna(), NAN)  # the NaN pandas hands Spark for a null
    return spark.createDataFrame(pdf, f"id STRING, html {kind}, url {kind}").repartition(2)


@pytest.mark.parametrize(("rows", "kind"), [(STRING_ROWS, "string"), (BINARY_ROWS, "binary")], ids=["str", "bytes"])
def test_map_in_pandas_row_for_row(spark: Any, rows: list[tuple[str, Any, Any, Any, Any]], kind: str) -> None:
    from pyspark.sql.types import StructType

    df = spark_frame(spark, rows, kind)
    out = spark_mod.clean_partitions(keep=("id",)).apply(df)
    assert out.schema == StructType.fromDDL("id STRING, " + spark_mod.RECORD_DDL)
    got = {row["id"]: row.asDict() for row in out.collect()}
    assert sorted(got) == sorted(r[0] for r in rows)  # a row out for every row in
    for id_, _, _, page, url in rows:
        want = expected(page, url)
        assert got[id_]["cleaner_status"] == STATUS[id_] == want["cleaner_status"], id_
        assert got[id_]["cleaner_text"] == want["cleaner_text"], id_
        assert got[id_]["cleaner_url"] == want["cleaner_url"], id_


def test_pandas_udf_struct(spark: Any) -> None:
    from pyspark.sql.functions import col

    df = spark_frame(spark, STRING_ROWS, "string")
    udf = spark_mod.clean_udf(removed=True)
    out = df.withColumn("cleaned", udf(col("html"), col("url"))).select("id", "cleaned.*")
    assert out.schema.fields[1:] == spark_mod.record_schema(removed=True).fields
    got = {row["id"]: row for row in out.collect()}
    assert len(got) == len(STRING_ROWS)
    for id_, _, _, page, url in STRING_ROWS:
        want = expected(page, url)
        assert (got[id_]["cleaner_status"], got[id_]["cleaner_text"]) == (STATUS[id_], want["cleaner_text"]), id_
        assert len(got[id_]["cleaner_removed"]) == got[id_]["cleaner_removed_count"]
    no_url = df.select(udf("html").alias("c")).select("c.cleaner_status", "c.cleaner_url").collect()
    assert len(no_url) == len(STRING_ROWS) and {r["cleaner_url"] for r in no_url} == {None}


def test_schema_constant_matches_the_ddl(spark: Any) -> None:
    from pyspark.sql.types import StructType

    for prefix, removed in [("cleaner_", False), ("", True)]:
        ddl = spark_mod.record_ddl(prefix, removed=removed)
        assert StructType.fromDDL(ddl) == spark_mod.record_schema(prefix, removed=removed)


def test_parquet_round_trip_keeps_the_schema(spark: Any, tmp_path: Path) -> None:
    df = spark_frame(spark, STRING_ROWS[:3], "string")
    fn = spark_mod.clean_partitions(keep=("id",))
    fn.apply(df).write.parquet(str(tmp_path / "out"))
    back = spark.read.parquet(str(tmp_path / "out"))
    assert back.schema == fn.schema(df.schema) and back.count() == 3


def test_warc_rows_through_spark(spark: Any, tmp_path: Path) -> None:
    pytest.importorskip("warcio", reason="warcio is not installed (pip install 'cleaner-web[warc]')")
    write_warc(tmp_path / "crawl.warc.gz")
    paths = spark.sparkContext.parallelize([str(tmp_path / "crawl.warc.gz")], 1)
    pages = spark.createDataFrame(paths.flatMap(spark_mod.warc_rows), spark_mod.WARC_ROW_DDL)
    fn = spark_mod.clean_partitions(keep=("id",), charset_col="charset", error_col="read_error")
    rows = fn.apply(pages).collect()
    assert [r["cleaner_status"] for r in rows] == ["ok", "error"]
    assert rows[0]["cleaner_text"] == expected(HTML, "https://example.com/a")["cleaner_text"]


def test_rule_folders_shipped_with_add_file(spark: Any, tmp_path: Path) -> None:
    rules = tmp_path / "shipped_rules"
    rules.mkdir()
    (rules / "t.toml").write_text(
        '[site]\nname = "t-site"\ndomains = ["t-site.com"]\ncategories = ["widget"]\n\n'
        '[[drop]]\nid = "w"\ncategory = "widget"\nstarts = ["Engineers from the regional"]\n',
        encoding="utf-8",
    )
    spark.sparkContext.addFile(str(rules), recursive=True)
    df = spark.createDataFrame([(HTML, "https://t-site.com/a"), (HTML, URL)], "html STRING, url STRING")
    out = spark_mod.clean_partitions(shipped_rules=("shipped_rules",)).apply(df).collect()
    by_rule = {r["cleaner_site_rule"]: r["cleaner_text"] for r in out}
    assert set(by_rule) == {None, "t.toml"}  # the rule file applied
    assert "Engineers from" in by_rule[None] and "Engineers from" not in by_rule["t.toml"]


def test_an_empty_dataframe(spark: Any) -> None:
    df = spark.createDataFrame([], "id STRING, html STRING, url STRING")
    out = spark_mod.clean_partitions(keep=("id",)).apply(df)
    assert out.count() == 0 and out.columns == ["id", *RECORD_COLUMNS]

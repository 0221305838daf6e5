"""cleaner as a Spark step: a ``mapInPandas`` function, a pandas UDF, and their output schema.

>>> from cleaner.integrations.spark import clean_partitions, clean_udf
>>> cleaned = clean_partitions(html_col="html", url_col="url", keep=("id",)).apply(df)
>>> # the same, spelled out: df.mapInPandas(fn, schema="id STRING, " + RECORD_DDL)
>>> df.withColumn("cleaned", clean_udf()("html", "url")).select("*", "cleaned.*")

Every input row gives exactly one output row: its ``cleaner_status`` says what became of
it (ok, empty, binary, too_large, invalid, timeout, or error: a reader's error passed in
``error_col``, or an exception in cleaner itself, which never ends the task). Missing
values (None, NaN, ``pd.NA``) are no page (status ``empty``) and no URL.

Running it (docs/integrations.md, Spark):

* batch size: Arrow hands Python ``spark.sql.execution.arrow.maxRecordsPerBatch`` rows at
  a time (default 10,000: at 100 KB a page, a gigabyte per task); for HTML columns set it
  to 256-1,000, or cap bytes with ``spark.sql.execution.arrow.maxBytesPerBatch``;
* workers build one Cleaner per Python worker and settings, and Spark reuses its Python
  workers, so rules and patterns load once per worker; run ``cleaner warm`` with
  ``CLEANER_CACHE_DIR`` on a shared path (or in the image) so that none compiles them;
* ``rules_dirs`` must exist on every worker; ``shipped_rules`` names folders shipped with
  ``SparkContext.addFile(folder, recursive=True)``, found on each worker with ``SparkFiles``.

pandas is imported with this module, pyspark only by the functions that need it: the
pandas-level function (:meth:`PartitionCleaner.clean_frame`) runs without Spark.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

try:
    import pandas as pd
except ImportError as exc:  # pragma: no cover - the [spark] extra installs it
    raise ImportError("cleaner.integrations.spark needs pandas: pip install 'cleaner-web[spark]'") from exc

from .._model import RECORD_REMOVED_FIELDS, RECORD_REMOVED_KEY, RECORD_SCHEMA, Metadata, Mode, Result
from .._pipeline import DEFAULT_MAX_BYTES, Cleaner
from ..batch.document import STATUS_ERROR, describe
from ..frontends import DEFAULT_ENGINE, check_engine
from . import DEFAULT_PREFIX

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame
    from pyspark.sql.types import DataType, StructField, StructType

# Spark's names for the record's value types (cleaner.RECORD_SCHEMA).
_DDL_TYPES = {"string": "STRING", "bool": "BOOLEAN", "int": "BIGINT", "list<string>": "ARRAY<STRING>"}
_MODES: tuple[str, ...] = get_args(Mode)


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def record_ddl(prefix: str = DEFAULT_PREFIX, *, removed: bool = False) -> str:
    """The record's columns as a Spark DDL string; kept input columns go in front
    (``"id STRING, " + record_ddl()``), as :meth:`PartitionCleaner.clean_frame` puts them."""
    columns = [(prefix + name, _DDL_TYPES[kind]) for name, kind in RECORD_SCHEMA]
    if removed:
        fields = ", ".join(f"{_quoted(name)}: STRING" for name in RECORD_REMOVED_FIELDS)
        columns.append((prefix + RECORD_REMOVED_KEY, f"ARRAY<STRUCT<{fields}>>"))
    return ", ".join(f"{_quoted(name)} {kind}" for name, kind in columns)


# The default output columns (prefix "cleaner_", no removed blocks), as mapInPandas takes them.
RECORD_DDL = record_ddl()


def _spark_type(kind: str) -> DataType:
    from pyspark.sql.types import ArrayType, BooleanType, LongType, StringType

    types: dict[str, DataType] = {
        "string": StringType(),
        "bool": BooleanType(),
        "int": LongType(),
        "list<string>": ArrayType(StringType()),
    }
    return types[kind]


def _removed_type() -> DataType:
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    return ArrayType(StructType([StructField(name, StringType()) for name in RECORD_REMOVED_FIELDS]))


def record_schema(
    prefix: str = DEFAULT_PREFIX,
    *,
    removed: bool = False,
    keep: Sequence[str] = (),
    input_schema: StructType | None = None,
) -> StructType:
    """The output schema: the ``keep`` columns as ``input_schema`` has them, then the record's.

    Every field is nullable, as a DDL string writes them and as Spark reads Parquet back:
    the schema of a written result equals this one. Equal to ``record_ddl(prefix, removed=...)``.
    """
    from pyspark.sql.types import StructField, StructType

    fields = _kept_fields(keep, input_schema)
    fields += [StructField(prefix + name, _spark_type(kind)) for name, kind in RECORD_SCHEMA]
    if removed:
        fields.append(StructField(prefix + RECORD_REMOVED_KEY, _removed_type()))
    return StructType(fields)


def _kept_fields(keep: Sequence[str], input_schema: StructType | None) -> list[StructField]:
    if not keep:
        return []
    if input_schema is None:
        raise ValueError("keep: the kept columns' types come from input_schema (df.schema); none was given")
    by_name = {f.name: f for f in input_schema.fields}
    missing = [name for name in keep if name not in by_name]
    if missing:
        raise KeyError(f"keep: no column {', '.join(map(repr, missing))} (columns: {', '.join(by_name)})")
    return [by_name[name] for name in keep]


@dataclass(frozen=True, slots=True)
class _Build:
    """What a worker builds its Cleaner from: plain values, the key of the per-process cache."""

    mode: str
    engine: str
    site_rules: bool
    rules_dirs: tuple[str, ...]
    shipped_rules: tuple[str, ...]
    timeout: float | None
    cache_dir: str | None


def _build(
    mode: str,
    engine: str,
    site_rules: bool,
    rules_dirs: Sequence[str | Path],
    shipped_rules: Sequence[str],
    timeout: float | None,
    cache_dir: str | Path | None,
) -> _Build:
    """The settings, checked on the driver: a setup error fails the call, not every task.
    ``rules_dirs`` is not checked here: it must exist on the workers, which may not be this machine."""
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {', '.join(_MODES)}, not {mode!r}")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0):
        raise ValueError(f"timeout must be a number of seconds >= 0, not {timeout!r}")
    return _Build(
        mode=mode,
        engine=check_engine(engine),
        site_rules=bool(site_rules),
        rules_dirs=tuple(str(d) for d in rules_dirs),
        shipped_rules=tuple(shipped_rules),
        timeout=None if timeout is None else float(timeout),
        cache_dir=None if cache_dir is None else str(cache_dir),
    )


@functools.lru_cache(maxsize=8)
def _cleaner(build: _Build) -> Cleaner:
    """One Cleaner per Python worker and settings. Spark reuses its Python workers from task to
    task (``spark.python.worker.reuse``), so rules and patterns load once per worker."""
    return Cleaner(
        mode=build.mode,  # type: ignore[arg-type]  # checked against _MODES by _build
        engine=build.engine,
        site_rules=build.site_rules,
        rules_dirs=build.rules_dirs + _shipped(build.shipped_rules),
        timeout=build.timeout,
        cache_dir=build.cache_dir,
    )


def _shipped(names: tuple[str, ...]) -> tuple[str, ...]:
    """Where this worker's copies of folders shipped with ``addFile`` are (a path per executor)."""
    if not names:
        return ()
    from pyspark import SparkFiles

    return tuple(SparkFiles.get(name) for name in names)


def _present(value: object) -> object:
    """``value``, or None for a missing one: pandas gives a null string as NaN (pandas 3's
    ``str`` dtype) or ``pd.NA``, and a missing page is no page, not a page of the wrong type."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True, slots=True)
class _Rows:
    """Cleans columns of values into a frame of records, one row per value, never raising."""

    build: _Build
    prefix: str
    removed: bool

    @property
    def columns(self) -> list[str]:
        keys = [name for name, _ in RECORD_SCHEMA] + ([RECORD_REMOVED_KEY] if self.removed else [])
        return [self.prefix + key for key in keys]

    def frame(self, pages: list[Any], urls: list[Any], charsets: list[Any], errors: list[Any]) -> pd.DataFrame:
        cleaner = _cleaner(self.build)
        rows = zip(pages, urls, charsets, errors, strict=True)
        records = [self.record(cleaner, page, url, charset, error) for page, url, charset, error in rows]
        return pd.DataFrame.from_records(records, columns=self.columns)

    def record(self, cleaner: Cleaner, page: object, url: object, charset: object, error: object) -> dict[str, Any]:
        if _present(error) is not None:  # a reader's error on this row: reported as it came, not cleaned
            return self.failed(cleaner, url, str(error))
        try:
            result = cleaner.clean(_present(page), url=url, charset=charset)  # type: ignore[arg-type]  # any value: never raises
        except Exception as exc:  # a bug in cleaner on one page must not end the task, and its row must come out
            return self.failed(cleaner, url, describe(exc))
        return result.to_record(self.prefix, removed=self.removed)

    def failed(self, cleaner: Cleaner, url: object, error: str) -> dict[str, Any]:
        meta = Metadata(url=url if isinstance(url, str) else None)
        result = Result(text="", metadata=meta, blocks=[], mode=cleaner.mode, status=STATUS_ERROR, error=error)
        return result.to_record(self.prefix, removed=self.removed)


@dataclass(frozen=True, slots=True)
class PartitionCleaner:
    """A ``mapInPandas`` function: cleans one column of pages, keeps the ``keep`` columns in front.

    Build it with :func:`clean_partitions`. It pickles as its settings; each Python worker builds
    its Cleaner once (see :func:`_cleaner`).
    """

    html_col: str
    url_col: str | None
    keep: tuple[str, ...]
    charset_col: str | None
    error_col: str | None
    rows: _Rows

    def __post_init__(self) -> None:
        clash = sorted(set(self.keep) & set(self.rows.columns))
        if clash:
            raise ValueError(f"keep: {', '.join(clash)} would clash with the record's columns; change the prefix")
        if len(set(self.keep)) != len(self.keep):
            raise ValueError(f"keep: a column named twice in {list(self.keep)}")

    def __call__(self, batches: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield self.clean_frame(batch)

    def clean_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """One batch: a row out for every row in, in order, the ``keep`` columns first."""
        self.check_columns(frame.columns)
        out = self.rows.frame(
            frame[self.html_col].tolist(), self._values(frame, self.url_col),
            self._values(frame, self.charset_col), self._values(frame, self.error_col),
        )  # fmt: skip
        for position, name in enumerate(self.keep):
            out.insert(position, name, frame[name].reset_index(drop=True))
        return out

    @staticmethod
    def _values(frame: pd.DataFrame, column: str | None) -> list[Any]:
        return [None] * len(frame) if column is None else list(frame[column].tolist())

    def check_columns(self, columns: Iterable[str]) -> None:
        """KeyError naming the option when a column this function reads is not in ``columns``."""
        names = list(columns)
        wanted = [("html_col", self.html_col), ("url_col", self.url_col), ("charset_col", self.charset_col)]
        wanted += [("error_col", self.error_col), *(("keep", name) for name in self.keep)]
        for role, name in wanted:
            if name is not None and name not in names:
                hint = "; url_col=None cleans without URLs" if role == "url_col" else ""
                raise KeyError(f"{role}: no column {name!r} (columns: {', '.join(names)}){hint}")

    def schema(self, input_schema: StructType | None = None) -> StructType:
        """The output schema (``input_schema`` gives the kept columns' types)."""
        return record_schema(self.rows.prefix, removed=self.rows.removed, keep=self.keep, input_schema=input_schema)

    def apply(self, df: DataFrame) -> DataFrame:
        """``df`` cleaned: ``df.mapInPandas(self, self.schema(df.schema))``, its columns checked first."""
        self.check_columns(df.columns)
        return df.mapInPandas(self, self.schema(df.schema))


def clean_partitions(
    html_col: str = "html",
    url_col: str | None = "url",
    *,
    keep: Sequence[str] = (),
    charset_col: str | None = None,
    error_col: str | None = None,
    mode: str = "auto",
    engine: str = DEFAULT_ENGINE,
    prefix: str = DEFAULT_PREFIX,
    removed: bool = False,
    timeout: float | None = None,
    site_rules: bool = True,
    rules_dirs: Sequence[str | Path] = (),
    shipped_rules: Sequence[str] = (),
    cache_dir: str | Path | None = None,
) -> PartitionCleaner:
    """A ``mapInPandas`` function; ``.apply(df)`` runs it with the right schema.

    Args:
        html_col: the pages: HTML or text dumps, a string or binary column (gzip too).
        url_col: each page's URL, or None for none.
        keep: input columns copied to the output, in front (an id, to join the results back).
        charset_col: each page's declared charset (a WARC's Content-Type), or None.
        error_col: a reader's error for the row: a row with one is not cleaned and comes out
            with status "error" and that error (:func:`warc_rows`' ``read_error``).
        mode, engine, site_rules, rules_dirs, cache_dir: as for :class:`cleaner.Cleaner`;
            ``rules_dirs`` must exist on every worker.
        prefix: put before every record column's name.
        removed: add ``<prefix>removed``, the removed blocks (text, category, reason).
        timeout: seconds allowed per page (None: no limit); past it the row's status is "timeout".
        shipped_rules: names of rule folders shipped with ``SparkContext.addFile(folder,
            recursive=True)`` (or ``--files``), after ``rules_dirs``.
    """
    build = _build(mode, engine, site_rules, rules_dirs, shipped_rules, timeout, cache_dir)
    rows = _Rows(build, prefix, bool(removed))
    return PartitionCleaner(html_col, url_col, tuple(keep), charset_col, error_col, rows)


def clean_udf(
    *,
    mode: str = "auto",
    engine: str = DEFAULT_ENGINE,
    prefix: str = DEFAULT_PREFIX,
    removed: bool = False,
    timeout: float | None = None,
    site_rules: bool = True,
    rules_dirs: Sequence[str | Path] = (),
    shipped_rules: Sequence[str] = (),
    cache_dir: str | Path | None = None,
) -> Callable[..., Column]:
    """A pandas UDF returning the record as a struct: ``udf(html, url=None, charset=None)``.

    >>> cleaned = df.withColumn("cleaned", clean_udf()(col("html"), col("url")))
    >>> cleaned.select("id", "cleaned.*")  # the record's columns, as clean_partitions gives them

    Options as for :func:`clean_partitions`; the struct's fields are ``record_schema(prefix, removed=...)``.
    """
    from pyspark.sql.functions import lit
    from pyspark.sql.pandas.functions import pandas_udf

    build = _build(mode, engine, site_rules, rules_dirs, shipped_rules, timeout, cache_dir)
    rows = _Rows(build, prefix, bool(removed))

    # the annotations tell Spark this is a Series -> DataFrame (struct) UDF; pd is a module global
    def clean_pages(html: pd.Series, url: pd.Series, charset: pd.Series) -> pd.DataFrame:
        return rows.frame(html.tolist(), url.tolist(), charset.tolist(), [None] * len(html))

    udf = pandas_udf(clean_pages, returnType=record_schema(prefix, removed=bool(removed)))  # type: ignore[call-overload]  # the stubs omit struct returns

    def call(html: Column | str, url: Column | str | None = None, charset: Column | str | None = None) -> Column:
        missing = lit(None).cast("string")
        result: Column = udf(html, missing if url is None else url, missing if charset is None else charset)
        return result

    return call


# The rows warc_rows gives: mapInPandas or createDataFrame takes this schema.
WARC_ROW_DDL = "id STRING, url STRING, html BINARY, charset STRING, read_error STRING"


def warc_rows(path: str | Path, *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Iterator[dict[str, Any]]:
    """The pages of a WARC file (gzipped or not) as rows of :data:`WARC_ROW_DDL`, read as
    ``cleaner clean`` reads them: a broken or oversized record, or a file that cannot be read,
    is a row with ``read_error`` set and no ``html``; records that are not pages (requests,
    metadata, images, non-2xx responses) are passed over.

    >>> paths = spark.sparkContext.parallelize(warc_paths, len(warc_paths))
    >>> pages = spark.createDataFrame(paths.flatMap(warc_rows), WARC_ROW_DDL)
    >>> clean_partitions(keep=("id",), charset_col="charset", error_col="read_error").apply(pages)
    """
    from ..batch.readers import WarcReader

    name = str(path)
    reader = WarcReader(name, Path(name).name, Path(name).name, mode=None, max_bytes=max_bytes)
    for doc in reader.read():
        error = doc.error or (f"skipped: {doc.skip}" if doc.skip else None)
        html = doc.data.encode("utf-8") if isinstance(doc.data, str) else doc.data
        yield {"id": doc.id, "url": doc.url, "html": html, "charset": doc.charset, "read_error": error}


__all__ = [
    "RECORD_DDL",
    "WARC_ROW_DDL",
    "PartitionCleaner",
    "clean_partitions",
    "clean_udf",
    "record_ddl",
    "record_schema",
    "warc_rows",
]

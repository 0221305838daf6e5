"""cleaner in a Hugging Face ``datasets`` pipeline: a batched map function with a fixed schema.

>>> from cleaner.integrations.hf import clean_dataset, cleaner_map
>>> cleaned = clean_dataset(ds, cleaner_map(html_column="html", url_column="url"), num_proc=4)

which is, by hand::

    fn = cleaner_map(html_column="html", url_column="url")
    ds.map(fn, batched=True, num_proc=4, features=fn.features_for(ds.features))

Every row in gives a row out: the input columns, kept, and the columns of
:data:`FEATURES` (the keys of :meth:`cleaner.Result.to_record`, prefixed
``cleaner_``); ``cleaner_status`` says what became of the page. Pass
``features=`` (``clean_dataset`` does): without it ``datasets`` infers each
shard's types from its values, and a shard whose titles are all None gets a
``null`` column that no longer matches the other shards'.

The map function holds only its settings: it pickles and fingerprints the same
every time (``datasets`` caches a map's output under that fingerprint), and each
process builds its :class:`cleaner.Cleaner` once, on its first batch.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets

from .._model import RECORD_REMOVED_FIELDS, RECORD_REMOVED_KEY, RECORD_SCHEMA, Metadata, Mode, Result
from .._pipeline import Cleaner
from ..batch.document import STATUS_ERROR
from ..frontends import DEFAULT_ENGINE, check_engine
from . import DEFAULT_PREFIX

__all__ = ["FEATURES", "STATUS_ERROR", "CleanerMap", "clean_dataset", "cleaner_map", "features"]

# STATUS_ERROR ("error", as in the CLI's run report): the status of a row whose cleaning raised
# (a bug: Cleaner.clean does not raise on bad input); its ``error`` column names the exception.
_MODES = ("auto", "html", "text")
_VALUES = {"string": "string", "bool": "bool", "int": "int64"}


def _list_of(feature: Any) -> Any:
    # datasets >= 4 has List; before it a Python list in a Features meant an Arrow list (a
    # Sequence of a dict there is a dict of lists, another shape)
    make = getattr(datasets, "List", None)
    return make(feature) if make is not None else [feature]


def _feature(kind: str) -> Any:
    if kind == "list<string>":
        return _list_of(datasets.Value("string"))
    return datasets.Value(_VALUES[kind])


def features(prefix: str = DEFAULT_PREFIX, removed: bool = False) -> datasets.Features:
    """The ``datasets`` types of the record's columns (:data:`cleaner.RECORD_SCHEMA`), in order.

    ``removed=True`` adds ``<prefix>removed``: a list of {text, category, reason} strings.
    """
    columns = {prefix + name: _feature(kind) for name, kind in RECORD_SCHEMA}
    if removed:
        block = {name: datasets.Value("string") for name in RECORD_REMOVED_FIELDS}
        columns[prefix + RECORD_REMOVED_KEY] = _list_of(block)
    return datasets.Features(columns)


# The columns a default map function adds.
FEATURES = features()


@dataclass(frozen=True)
class _Build:
    """What a Cleaner is built from: the key of the per-process cache."""

    mode: Mode
    engine: str
    timeout: float | None
    rules_dirs: tuple[str, ...]
    cache_dir: str | None


@functools.lru_cache(maxsize=8)
def _cleaner(build: _Build) -> Cleaner:
    """One Cleaner per process and settings. Not held by the map function: ``datasets`` sends
    it to its workers pickled, once per job, and a Cleaner costs rule loading and a pattern
    database to build."""
    return Cleaner(
        mode=build.mode,
        engine=build.engine,
        timeout=build.timeout,
        rules_dirs=build.rules_dirs,
        cache_dir=build.cache_dir,
    )


class CleanerMap:
    """A ``Dataset.map`` function (``batched=True``) that cleans one column of pages.

    Build it with :func:`cleaner_map`. Its pickled form and fingerprint are its settings alone.
    """

    __slots__ = ("_build", "html_column", "prefix", "removed", "url_column")

    def __init__(
        self,
        html_column: str = "html",
        url_column: str | None = "url",
        *,
        mode: Mode = "auto",
        engine: str = DEFAULT_ENGINE,
        prefix: str = DEFAULT_PREFIX,
        removed: bool = False,
        timeout: float | None = None,
        rules_dirs: Sequence[str | Path] = (),
        cache_dir: str | Path | None = None,
    ) -> None:
        # setup errors are raised here, in the caller's process, not from a worker's first batch
        if not isinstance(html_column, str) or not (url_column is None or isinstance(url_column, str)):
            raise TypeError("html_column must be a column name, url_column a column name or None")
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {', '.join(_MODES)}, not {mode!r}")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout >= 0
        ):
            raise ValueError(f"timeout must be a number of seconds >= 0, not {timeout!r}")
        missing = [str(d) for d in rules_dirs if not Path(d).is_dir()]
        if missing:
            raise ValueError(f"rules_dirs: not a folder: {', '.join(missing)}")
        self.html_column, self.url_column = html_column, url_column
        self.prefix, self.removed = prefix, bool(removed)
        self._build = _Build(
            mode=mode,
            engine=check_engine(engine),
            timeout=None if timeout is None else float(timeout),
            rules_dirs=tuple(str(d) for d in rules_dirs),
            cache_dir=None if cache_dir is None else str(cache_dir),
        )

    def _settings(self) -> tuple[tuple[str, Any], ...]:
        b = self._build
        return (
            ("html_column", self.html_column),
            ("url_column", self.url_column),
            ("mode", b.mode),
            ("engine", b.engine),
            ("prefix", self.prefix),
            ("removed", self.removed),
            ("timeout", b.timeout),
            ("rules_dirs", b.rules_dirs),
            ("cache_dir", b.cache_dir),
        )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # plain values only, in a fixed order: datasets' fingerprint of the map is a hash of this
        return _rebuild, (self._settings(),)

    def __repr__(self) -> str:
        return f"cleaner_map({', '.join(f'{k}={v!r}' for k, v in self._settings())})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CleanerMap) and self._settings() == other._settings()

    def __hash__(self) -> int:
        return hash(self._settings())

    @property
    def features(self) -> datasets.Features:
        """The columns this function adds, with their types."""
        return features(self.prefix, self.removed)

    def features_for(self, input_features: Mapping[str, Any] | None) -> datasets.Features | None:
        """``map``'s ``features=``: the input's columns (kept) and this function's. None when the
        input's are unknown (an IterableDataset read without them)."""
        if input_features is None:
            return None
        return datasets.Features({**input_features, **self.features})

    def check_columns(self, column_names: Iterable[str] | None) -> None:
        """Raise KeyError, before any work, when a column this function reads is not there."""
        if column_names is None:
            return
        names = list(column_names)
        for role, name in (("html_column", self.html_column), ("url_column", self.url_column)):
            if name is not None and name not in names:
                hint = "; url_column=None cleans without URLs" if role == "url_column" else ""
                raise KeyError(f"{role}: no column {name!r} (columns: {', '.join(names)}){hint}")

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, Any]:
        """Clean a batch ({column: values}, any format: python, numpy, pandas, arrow); one example
        too (``map`` without ``batched=True``)."""
        self.check_columns(getattr(batch, "column_names", None) or batch.keys())  # an Arrow table has no keys()
        documents = batch[self.html_column]
        urls = None if self.url_column is None else batch[self.url_column]
        cleaner = _cleaner(self._build)
        pages = _column(documents)
        if pages is None:  # one example: map was called without batched=True
            return self._record(cleaner, documents, urls)
        url_list = [None] * len(pages) if urls is None else _column(urls) or []
        records = [self._record(cleaner, page, url) for page, url in zip(pages, url_list, strict=True)]
        return {key: [record[key] for record in records] for key in self._keys()}

    def _keys(self) -> list[str]:
        keys = [name for name, _ in RECORD_SCHEMA] + ([RECORD_REMOVED_KEY] if self.removed else [])
        return [self.prefix + key for key in keys]

    def _record(self, cleaner: Cleaner, document: Any, url: Any) -> dict[str, Any]:
        try:
            result = cleaner.clean(document, url=url)
        except Exception as exc:  # a bug in one page must not end the job, and its row must still come out
            meta = Metadata(url=_as_text(url))
            error = f"{type(exc).__name__}: {exc}"
            result = Result(text="", metadata=meta, blocks=[], mode=cleaner.mode, status=STATUS_ERROR, error=error)
        return result.to_record(self.prefix, removed=self.removed)


def _column(values: Any) -> list[Any] | None:
    """A batch's column as a list (from a list, or a numpy, pandas or Arrow column of a formatted
    dataset), or None for one example's value (a page, None, or a value of another type)."""
    if isinstance(values, list | tuple):
        return list(values)
    for convert in ("to_pylist", "tolist"):  # Arrow arrays; numpy arrays and pandas series
        method = getattr(values, convert, None)
        if callable(method):
            converted = method()
            return converted if isinstance(converted, list) else None  # a numpy scalar: one value
    return None


def _as_text(url: Any) -> str | None:
    """The URL of an error row as Cleaner.clean would have read it: bytes decoded, non-strings none."""
    if isinstance(url, bytes | bytearray):
        return bytes(url).decode("utf-8", errors="replace")
    return url if isinstance(url, str) else None


def _rebuild(settings: tuple[tuple[str, Any], ...]) -> CleanerMap:
    return CleanerMap(**dict(settings))


def cleaner_map(
    html_column: str = "html",
    url_column: str | None = "url",
    *,
    mode: Mode = "auto",
    engine: str = DEFAULT_ENGINE,
    prefix: str = DEFAULT_PREFIX,
    removed: bool = False,
    timeout: float | None = None,
    rules_dirs: Sequence[str | Path] = (),
    cache_dir: str | Path | None = None,
) -> CleanerMap:
    """A map function for ``Dataset.map(fn, batched=True, features=fn.features_for(ds.features))``.

    Args:
        html_column: the pages: str, or bytes (a ``Value("binary")`` column; gzip too).
            None or "" gives status "empty"; another type gives "invalid".
        url_column: each page's URL (str or bytes; None: none), or None for no URL column.
        mode, engine, rules_dirs, cache_dir: as for :class:`cleaner.Cleaner`.
        prefix: put before every added column's name.
        removed: add ``<prefix>removed``, the removed blocks themselves.
        timeout: seconds allowed per page (None: no limit); past it the row's status is
            "timeout". Works in the worker processes of ``num_proc`` too.
    """
    return CleanerMap(
        html_column,
        url_column,
        mode=mode,
        engine=engine,
        prefix=prefix,
        removed=removed,
        timeout=timeout,
        rules_dirs=rules_dirs,
        cache_dir=cache_dir,
    )


def clean_dataset(
    dataset: Any,
    fn: CleanerMap | None = None,
    *,
    num_proc: int | None = None,
    batch_size: int = 100,
    **map_kwargs: Any,
) -> Any:
    """``dataset.map(fn, batched=True, features=...)``: ``fn`` defaults to ``cleaner_map()``.

    Checks the columns first; ``map_kwargs`` go to ``map`` (``cache_file_name``, ``desc``,
    ``remove_columns``, ...). A batch of 100 pages keeps a worker's memory to a few tens of MB.
    """
    fn = fn if fn is not None else CleanerMap()
    fn.check_columns(getattr(dataset, "column_names", None))
    if "features" not in map_kwargs:
        map_kwargs["features"] = fn.features_for(_kept(getattr(dataset, "features", None), map_kwargs))
    if num_proc is not None:
        map_kwargs["num_proc"] = num_proc  # IterableDataset.map has no num_proc: only pass it when asked
    return dataset.map(fn, batched=True, batch_size=batch_size, **map_kwargs)


def _kept(input_features: Mapping[str, Any] | None, map_kwargs: Mapping[str, Any]) -> dict[str, Any] | None:
    """The input's features less the columns ``remove_columns`` takes out of the output."""
    if input_features is None:
        return None
    gone = map_kwargs.get("remove_columns") or ()
    gone = {gone} if isinstance(gone, str) else set(gone)
    return {name: feature for name, feature in input_features.items() if name not in gone}

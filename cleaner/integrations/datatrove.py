"""cleaner as a datatrove extractor step: ``CleanerExtractor()``, with no glue.

    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerExtractor

    pipeline = [WarcReader("crawl/"), CleanerExtractor(), JsonlWriter("out/")]

Each document's ``text`` (HTML or a text dump, sniffed per document; bytes are decoded by
cleaner's own charset handling) is replaced by the cleaned text, and the rest of
:meth:`cleaner.Result.to_record` goes into ``doc.metadata`` under the prefix ``cleaner_``; the
URL is read from ``doc.metadata["url"]``, where datatrove's readers put it.

Why not datatrove's usual extractor shape (``extract()`` building its engine lazily, run in
datatrove's ``ExtractorSandbox``)? The sandbox's child builds the engine inside its first
timed call, and a Cleaner whose pattern cache is cold compiles for seconds: every document
timed out. Here the Cleaner is built in ``__init__`` and rebuilt from its settings wherever
the step is unpickled (each executor worker, before its first document); there the cache is
warmed and a few warm-up documents cleaned (libraries that load on first use), all untimed.
The per-document limit is cleaner's own, in the worker's process; ``sandbox=True`` adds
datatrove's child process, for crashes and hangs in C code.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from multiprocessing import Pipe, Process
from pathlib import Path
from typing import Any

from .. import CacheWarning, Cleaner, warm
from .._model import STATUS_OK, STATUS_TIMEOUT, Metadata, Mode, Result
from ..frontends import DEFAULT_ENGINE
from . import DEFAULT_PREFIX

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
    from datatrove.utils.logging import logger
    from datatrove.utils.typeshelper import StatHints
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("cleaner.integrations.datatrove needs datatrove: pip install 'cleaner-web[datatrove]'") from exc

# Seconds one document may take, by default. Measured with the default Cleaner over all 3,059
# HTML pages of aeb, wcxb-dev and dragnet (one process, a shared 2-core machine): median 0.11 s,
# p99 1.0 s, slowest 2.5 s (a 3.3 MB page; 2.1-2.7 s over runs). 30 s is twelve times the slowest:
# only a pathological page meets it, not a slow or busy machine. (datatrove's extractors default
# to 1 s, which 1% of these pages exceed.)
DEFAULT_TIMEOUT = 30.0
# In sandbox mode the child is killed only past this multiple of ``timeout``: cleaner's own limit
# stops the document first in the child (which then goes on), the kill is for C code that hangs.
SANDBOX_KILL_FACTOR = 2.0
# How long a sandbox child may take to start (build its Cleaner, load or compile the cache): not
# part of any document's time.
SANDBOX_STARTUP_SECONDS = 300.0
STATUS_ERROR = "error"  # cleaning raised (a bug), or the sandbox's child died
# Keys of doc.metadata that belong to the reader (the crawl's URL and date): never overwritten.
READER_KEYS = frozenset({"url", "date"})
# Cleaned once, untimed, when the Cleaner is built: a process's first page of each kind pays for
# loading that libraries defer to first use (trafilatura's jusText rescue, run on a page with no
# article, loads the stopwords of 100 languages: 1-3 s), which a 1 s limit would charge to a document.
_SENTENCE = "The council met on Tuesday evening and agreed the budget for the coming year after a long debate."
WARM_UP_DOCUMENTS: tuple[str, ...] = (
    "<!doctype html><html><head><title>Warm-up</title></head><body><nav><a href='/'>Home</a></nav><article>"
    + f"<h1>Warm-up</h1>{f'<p>{_SENTENCE}</p>' * 5}</article><footer>© 2024 Example</footer></body></html>",
    "<!doctype html><html><body><footer>© 2024 Example</footer></body></html>",
    f"Home\nNews\n\n{_SENTENCE}\n{_SENTENCE}\n\nShare on Facebook\n",
)
WARM_UP_URL = "https://www.example.com/2024/01/02/warm-up"


class CleanerExtractor(BaseExtractor):  # type: ignore[misc]  # datatrove is untyped
    """Clean each document's HTML or text dump with cleaner; see the module docstring.

    Args:
        mode: "auto" (sniff each document: HTML or a text dump), "html" or "text".
        engine: cleaner's HTML front-end, "accurate" (default) or "fast".
        site_rules: apply per-site rule files (bundled, ``rules_dirs``, ``CLEANER_RULES``).
        rules_dirs: extra folders of ``*.toml`` rule files, highest precedence first.
        timeout: seconds one document may take (None or 0: no limit); past it the document has
            status ``timeout``. Default 30 s: the slowest of 3,059 real pages took 2.5 s
            (see ``DEFAULT_TIMEOUT`` and docs/integrations.md).
        cache_dir: where the compiled pattern database is cached (default: $CLEANER_CACHE_DIR,
            else ~/.cache/cleaner); warmed when the step is built and wherever it is unpickled.
        prefix: put before every metadata key the step writes (default ``cleaner_``).
        removed: also write the removed blocks themselves (``cleaner_removed``: a list of
            {"text", "category", "reason"}); their counts are always written.
        keep_failed: forward documents whose status is not ``ok`` with empty text and their status
            in the metadata, instead of dropping them (default: dropped, as datatrove's
            extractors drop documents left without text; counted by status either way).
        sandbox: clean in a child process, as datatrove's extractors do: survives a crash or an
            out-of-memory kill in C code, and kills a document hung in C code past
            ``SANDBOX_KILL_FACTOR`` x ``timeout``; costs a pipe round trip per page (default False:
            cleaner's in-process limit, which stops any document at its next Python bytecode).

    Stats: ``total``, one per status (``ok``, ``empty``, ``binary``, ``too_large``, ``invalid``,
    ``timeout``, ``error``), ``forwarded`` and ``dropped``; ``total`` = ``forwarded`` + ``dropped``.
    """

    type = "🛢 - EXTRAC"
    name = "🧹 cleaner"
    _warned_error: bool  # set by BaseExtractor

    def __init__(
        self,
        *,
        mode: Mode = "auto",
        engine: str = DEFAULT_ENGINE,
        site_rules: bool = True,
        rules_dirs: Sequence[str | Path] = (),
        timeout: float | None = DEFAULT_TIMEOUT,
        cache_dir: str | Path | None = None,
        prefix: str = DEFAULT_PREFIX,
        removed: bool = False,
        keep_failed: bool = False,
        sandbox: bool = False,
    ) -> None:
        clashes = sorted(READER_KEYS & {prefix + key for key in ("url", "date")})
        if clashes:
            raise ValueError(f"prefix {prefix!r} would overwrite the reader's metadata {clashes}")
        # settings first: datatrove names the step's stats after its repr, in super().__init__
        self.mode, self.engine, self.site_rules = mode, engine, site_rules
        self.rules_dirs = [str(d) for d in rules_dirs]
        self.cache_dir = None if cache_dir is None else str(cache_dir)
        self.prefix, self.removed, self.keep_failed, self.sandbox = prefix, removed, keep_failed, sandbox
        self.timeout = timeout or None
        super().__init__(timeout=self.timeout)
        self._cleaner = _BuiltCleaner(self._settings())

    def _settings(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "engine": self.engine,
            "site_rules": self.site_rules,
            "rules_dirs": tuple(self.rules_dirs),
            "cache_dir": self.cache_dir,
            "timeout": self.timeout,
        }

    def __repr__(self) -> str:
        limit = f"{self.timeout:g} s" if self.timeout else "none"
        where = "sandboxed" if self.sandbox else "in-process"
        return f"{self.type}: {self.name} (mode={self.mode}, engine={self.engine}, timeout={limit} {where})"

    def extract(self, text: str) -> str:
        """The cleaned text alone (datatrove's extractor interface); :meth:`run` writes the whole record."""
        return self._cleaner.cleaner.clean(text).text

    def clean_record(self, data: object, url: object = None) -> dict[str, Any]:
        """The prefixed record of one document; never raises (an exception gives status ``error``)."""
        try:
            result = self._cleaner.cleaner.clean(data, url=url)  # type: ignore[arg-type]  # any input: never raises
        except Exception as exc:  # a bug in cleaner must not end the batch
            return self._failed(STATUS_ERROR, f"{type(exc).__name__}: {exc}")
        return result.to_record(self.prefix, removed=self.removed)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        if data is None:
            return
        if not self.sandbox:
            yield from self._clean_all(data, self.clean_record)
            return
        hard = self.timeout * SANDBOX_KILL_FACTOR if self.timeout else math.inf
        with _Sandbox(hard, SANDBOX_STARTUP_SECONDS) as sandbox:
            yield from self._clean_all(data, lambda text, url: self._in_sandbox(sandbox, text, url))

    def _clean_all(self, data: DocumentsPipeline, clean: Any) -> Iterator[Document]:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                record = clean(doc.text, _url_of(doc))
            if self._apply(doc, record):
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
            else:
                self.stat_update(StatHints.dropped)

    def _in_sandbox(self, sandbox: _Sandbox, text: object, url: str | None) -> dict[str, Any]:
        try:
            record: dict[str, Any] = sandbox.process_document((text, url), self.clean_record)
        except TimeoutError:
            return self._failed(STATUS_TIMEOUT, f"the sandbox was killed after {sandbox.timeout:g} s")
        except EOFError:
            return self._failed(STATUS_ERROR, "the sandbox process died (a crash, or killed for memory)")
        except Exception as exc:  # the document could not be sent or its record received
            return self._failed(STATUS_ERROR, f"{type(exc).__name__}: {exc}")
        return record

    def _failed(self, status: str, error: str) -> dict[str, Any]:
        if status == STATUS_ERROR and not self._warned_error:
            self._warned_error = True  # once per worker: the stats count every one
            logger.warning(f"cleaner: {error} (documents with status 'error' are counted; warned once)")
        return _failed_record(status, error, self.mode, self.prefix, removed=self.removed)

    def _apply(self, doc: Document, record: dict[str, Any]) -> bool:
        """Write ``record`` into ``doc``; whether the document goes on."""
        status = record[self.prefix + "status"]
        self.stat_update(status)
        if status != STATUS_OK and not self.keep_failed:
            return False
        doc.text = record.pop(self.prefix + "text")
        doc.metadata.update(record)
        return True


class _BuiltCleaner:
    """The step's Cleaner, built eagerly, with its cache warmed; pickled as its settings.

    Unpickling it (in each executor worker, as the pipeline arrives) builds the Cleaner, warms the
    cache and cleans the warm-up documents there, before the first document; its repr keeps
    ``executor.json`` readable.
    """

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.cleaner = Cleaner(**settings)
        _warm(settings["cache_dir"])
        for document in WARM_UP_DOCUMENTS:
            self.cleaner.clean(document, url=WARM_UP_URL, timeout=0)  # 0: no limit

    def __reduce__(self) -> tuple[type[_BuiltCleaner], tuple[dict[str, Any]]]:
        return _BuiltCleaner, (self.settings,)

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.settings.items())
        return f"Cleaner({shown})"


def _warm(cache_dir: str | None) -> None:
    """Make sure the compiled database is in the cache folder; a folder that cannot be written
    only costs each process a compile, outside any document's time."""
    try:
        warm(cache_dir)
    except OSError as exc:
        warnings.warn(
            f"cleaner could not warm its cache ({exc}); each worker compiles its patterns", CacheWarning, stacklevel=3
        )


def _url_of(doc: Document) -> str | bytes | None:
    """The document's URL where the readers store it; cleaner reads a bad one as no URL, and
    anything but text is dropped here so that it need not cross the sandbox's pipe."""
    url = doc.metadata.get("url") if isinstance(doc.metadata, dict) else None
    return url if isinstance(url, str | bytes) else None


def _failed_record(status: str, error: str, mode: str, prefix: str, *, removed: bool) -> dict[str, Any]:
    result = Result(text="", metadata=Metadata(), blocks=[], mode=mode, status=status, error=error)
    return result.to_record(prefix, removed=removed)


class _Sandbox(ExtractorSandbox):  # type: ignore[misc]  # datatrove is untyped
    """datatrove's sandbox, but the child's start (its Cleaner, its cache) is not timed against a document."""

    process: Any  # set by ExtractorSandbox

    def __init__(self, timeout: float, startup: float) -> None:
        super().__init__(timeout=timeout, warmup_text=("", None))
        self.startup = startup

    def _ensure_process(self, extract_fn: Any) -> None:
        if self.process is not None and self.process.is_alive():
            return
        if self.process is not None:
            self._cleanup_process()
        self.parent_conn, self.child_conn = Pipe()
        self.process = Process(target=self._worker, args=(self.child_conn, extract_fn), daemon=True)
        self.process.start()
        self.all_processes.append(self.process)
        # the child has its end now: closing ours lets a child's death show at once as EOF on the
        # pipe, instead of after datatrove's next 5 s poll
        self.child_conn.close()
        if not self.parent_conn.poll(self.startup):
            self._cleanup_process()
            raise EOFError(f"the sandbox process did not start within {self.startup:g} s")
        self.parent_conn.recv()

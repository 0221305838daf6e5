"""Batch cleaning (private; the ``cleaner clean`` command is its user interface).

Steps in the manner of datatrove, each a small class:

* :class:`~.readers.Reader` turns one input (file, WARC, JSONL, stdin) into
  :class:`~.document.Document` objects; :func:`~.discover.discover` expands
  command-line paths into readers.
* :class:`~.worker.Worker` cleans documents (in pool processes built by
  :func:`~.worker.init_worker`), under a per-document deadline.
* :class:`~.writers.Writer` stores results: a tree of files, one JSONL file,
  or stdout; :class:`~.writers.ReportWriter` lists every input's status.
* :class:`~.runner.Runner` owns iteration, chunking, the process pool,
  timeouts, crash recovery and statistics.

Nothing here imports typer or rich; options arrive as plain dataclasses
(:class:`~.document.CleanerConfig`, :class:`~.runner.RunConfig`,
:class:`~.discover.InputOptions`).
"""

from .discover import InputOptions, discover
from .document import CleanerConfig, Document, Outcome
from .readers import FileReader, JsonlFields, JsonlReader, Reader, StdinReader, WarcReader
from .runner import ProgressHook, RunConfig, Runner, Stats
from .writers import JsonlFileWriter, ReportWriter, StreamWriter, TreeWriter, Writer

__all__ = [
    "CleanerConfig",
    "Document",
    "FileReader",
    "InputOptions",
    "JsonlFields",
    "JsonlFileWriter",
    "JsonlReader",
    "Outcome",
    "ProgressHook",
    "Reader",
    "ReportWriter",
    "RunConfig",
    "Runner",
    "Stats",
    "StdinReader",
    "StreamWriter",
    "TreeWriter",
    "WarcReader",
    "Writer",
    "discover",
]

"""cleaner as a step in other pipelines, with no glue: one module per engine.

* ``cleaner.integrations.datatrove``: an extractor step (``pip install 'cleaner-web[datatrove]'``);
* ``cleaner.integrations.spark``: a ``mapInPandas`` function and a pandas UDF (``[spark]``);
* ``cleaner.integrations.hf``: ``datasets`` features and a batched map function (``[hf]``).

Every engine writes the same flat record, :meth:`cleaner.Result.to_record` with the prefix
``cleaner_`` (see :data:`cleaner.RECORD_SCHEMA`), and the engines' own packages are imported
only by the module that needs them: ``import cleaner`` never imports any of them.
"""

# The prefix every integration puts before the record's keys, so that they never clash with
# a pipeline's own columns or metadata (datatrove's ``date`` and ``url`` are the crawl's).
DEFAULT_PREFIX = "cleaner_"

__all__ = ["DEFAULT_PREFIX"]

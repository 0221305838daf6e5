"""The HTML toolbox the HTML front-ends share (``cleaner.frontends``).

Each module does one thing on an lxml tree: ``_parse`` (one safe parse, and
the page measured for the extractor), ``_meta`` (what the page declares:
meta tags, JSON-LD, dates; with ``_author``), ``_kind`` (article, product or
neither), ``_extract`` (trafilatura's main content as blocks; with
``_comparison``), ``_links`` (a trailing run of link lines). None of them
imports the pipeline or a front-end: the flow runs one way, pipeline to
front-end to toolbox.
"""

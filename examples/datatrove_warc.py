"""A datatrove pipeline: WARC -> cleaner -> JSONL (needs ``pip install 'cleaner-web[datatrove]'``).

    python examples/datatrove_warc.py                        # the bundled 5-record WARC
    python examples/datatrove_warc.py crawl/ -o out/crawl -t 4   # a folder of .warc(.gz) files, 4 tasks

Each page's text becomes the cleaned article text and its metadata gains the ``cleaner_*``
record (status, title, date, author, removed counts, ...); pages without article text are
dropped and counted by status in the stats printed at the end (and in LOGS/stats.json).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import WarcReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner.integrations.datatrove import CleanerExtractor

BUNDLED = Path(__file__).resolve().parent.parent / "fixtures" / "integrations" / "pages.warc.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", nargs="?", type=Path, default=BUNDLED, help="a WARC file or a folder of them")
    parser.add_argument("-o", "--output", type=Path, default=Path("out/datatrove"), help="output folder")
    parser.add_argument("-t", "--tasks", type=int, default=1, help="tasks (and worker processes)")
    args = parser.parse_args()
    folder, pattern = (args.input.parent, args.input.name) if args.input.is_file() else (args.input, "*.warc*")

    LocalPipelineExecutor(
        pipeline=[
            WarcReader(str(folder), glob_pattern=pattern),
            CleanerExtractor(),
            JsonlWriter(str(args.output / "data")),
        ],
        tasks=args.tasks,
        logging_dir=str(args.output / "logs"),
        skip_completed=False,  # rerunnable as an example; keep datatrove's default (True) to resume big runs
    ).run()


if __name__ == "__main__":  # the executor's worker processes import this file
    main()

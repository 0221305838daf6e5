"""Clean web pages with Spark: JSONL and WARC in, Parquet out (cleaner.integrations.spark).

    python examples/spark_job.py                      # the bundled pages, into out/spark/
    python examples/spark_job.py --jsonl pages.jsonl --warc crawl.warc.gz --out results/

Runs on a laptop as written (``local[2]``; needs ``pip install 'cleaner-web[spark,warc]'``
and Java). On a cluster drop ``.master(...)``, and see docs/integrations.md for the pattern
cache and rule folders on the workers.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pyspark.sql import SparkSession

from cleaner.integrations.spark import WARC_ROW_DDL, clean_partitions, warc_rows

BUNDLED = Path(__file__).resolve().parent / "spark_input"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jsonl", default=str(BUNDLED / "pages.jsonl"), help="JSON lines with id, url, html")
    parser.add_argument("--warc", nargs="*", default=[str(BUNDLED / "pages.warc.gz")], help="WARC files")
    parser.add_argument("--out", default="out/spark", help="folder for the Parquet results")
    args = parser.parse_args()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers run this Python, with cleaner
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("cleaner")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")  # HTML rows are large: 500 a batch
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")

    # JSONL: one page a line; every line gives a row, its status says what became of it
    pages = spark.read.schema("id STRING, url STRING, html STRING").json(args.jsonl)
    clean_partitions(keep=("id",)).apply(pages).write.mode("overwrite").parquet(f"{args.out}/jsonl")

    # WARC: the files are read on the workers, one task a file
    files = spark.sparkContext.parallelize(args.warc, len(args.warc))
    records = spark.createDataFrame(files.flatMap(warc_rows), WARC_ROW_DDL)
    cleaning = clean_partitions(keep=("id",), charset_col="charset", error_col="read_error")
    cleaning.apply(records).write.mode("overwrite").parquet(f"{args.out}/warc")

    cleaned = spark.read.parquet(f"{args.out}/jsonl", f"{args.out}/warc")
    cleaned.groupBy("cleaner_status").count().orderBy("cleaner_status").show()
    cleaned.select("id", "cleaner_status", "cleaner_title", "cleaner_removed_count").show(truncate=48)
    spark.stop()


if __name__ == "__main__":
    main()

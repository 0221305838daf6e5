"""Clean a JSONL of web pages with Hugging Face ``datasets``, two processes, and save the result.

    pip install 'cleaner-web[hf]'
    python examples/hf_map.py [OUT_DIR]      # default: out/hf_map

Reads examples/hf_pages.jsonl (one page a line: id, url, html; HTML pages, plain-text
dumps, and a row whose page is missing), adds the ``cleaner_*`` columns with
``Dataset.map(..., batched=True, num_proc=2)`` and writes them to Parquet and JSONL.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

import datasets

from cleaner.integrations.hf import clean_dataset, cleaner_map

HERE = Path(__file__).resolve().parent


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as cache:  # datasets' own cache: not kept
        pages = datasets.load_dataset("json", data_files=str(HERE / "hf_pages.jsonl"), split="train", cache_dir=cache)
        # features= is passed for you: the cleaner_* columns have the same types in every shard
        cleaned = clean_dataset(
            pages,
            cleaner_map(html_column="html", url_column="url", timeout=30),
            num_proc=2,
            remove_columns=["html"],  # keep id and url, drop the raw page
            cache_file_name=str(Path(cache) / "cleaned.arrow"),
        )
        cleaned.to_parquet(str(out_dir / "cleaned.parquet"))
        cleaned.to_json(str(out_dir / "cleaned.jsonl"), lines=True, force_ascii=False)

    print(f"{pages.num_rows} pages in, {cleaned.num_rows} rows out: {dict(Counter(cleaned['cleaner_status']))}")
    for row in cleaned:
        words = len(row["cleaner_text"].split())
        print(f"  {row['id']:<26} {row['cleaner_status']:<6} {words:>4} words  {row['cleaner_title']!r}")
    print(f"wrote {out_dir / 'cleaned.parquet'} and {out_dir / 'cleaned.jsonl'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/hf_map"))

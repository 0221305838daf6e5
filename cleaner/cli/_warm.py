"""``cleaner warm``: compile the pattern database into the cache before the workers start."""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Annotated

import typer

from .._pipeline import warm
from .._prefilter import CACHE_ENV, CacheWarning, cache_folder
from ..batch.formats import printable


def warm_command(
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="DIR",
            help=f"Cache folder to fill (default: ${CACHE_ENV}, else ~/.cache/cleaner).",
        ),
    ] = None,
) -> None:
    """Compile the chrome-pattern database into the cache, so that no worker pays for it.

    A process that finds the database cached loads it in milliseconds; without it, every new
    process compiles it (several seconds). Run this when building an image or before a cluster
    job, with the cache folder the workers use (`--cache-dir` or `$CLEANER_CACHE_DIR`); the file
    is readable by every user.

    * `cleaner warm`
    * `CLEANER_CACHE_DIR=/opt/cleaner-cache cleaner warm`
    """
    folder = cache_folder(cache_dir)
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CacheWarning)  # said below, as an error
            path = warm(cache_dir)
    except OSError as exc:
        typer.echo(f"error: cannot write the cache in {printable(str(folder))}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    if path is None:
        typer.echo("nothing to cache: Hyperscan is not installed (pip install 'cleaner-web[fast]')")
        return
    typer.echo(f"pattern database ready: {printable(str(path))} ({time.perf_counter() - started:.1f} s)")

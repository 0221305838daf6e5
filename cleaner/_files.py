"""File helpers shared by every writer: the mode a file others read is created with."""

from __future__ import annotations

import os


def umask() -> int:
    """The process's umask: read from /proc where there is one (setting it to read it back is a race
    with any other thread creating files), else set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def share(path: str | os.PathLike[str]) -> None:
    """Give a file made by ``mkstemp`` (mode 0600) the mode ``open`` would have given it: a model,
    rule file or cache that other users and a cluster's workers read."""
    os.chmod(path, 0o666 & ~umask())

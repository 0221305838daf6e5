"""Compiled or pure Python: which build of the text engine's hot modules this process uses.

Where the install had a C compiler, setup.py compiled ``COMPILED_MODULES`` with
mypyc into extension modules beside their ``.py`` sources; Python imports an
extension before a source of the same name. Both give the same output; the
compiled ones are faster. This module runs first (``cleaner/__init__.py``) and
decides, once per process:

* no extensions (no compiler, ``CLEANER_NO_COMPILE=1``, a failed build): pure Python;
* ``CLEANER_PURE_PYTHON=1`` in the environment: pure Python, on purpose (tests
  compare the two in child processes);
* extensions built from other sources than the ``.py`` files beside them (an
  editable install whose sources were edited since): pure Python, so that an edit
  is never shadowed by an old build (``pip install -e .`` rebuilds them);
* otherwise the compiled modules.

For pure Python a finder placed first on ``sys.meta_path`` imports these modules
from their ``.py`` files. ``cleaner.compiled()`` says which build is in use and
``STATUS`` why.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

# Keep in step with setup.py (COMPILED, GROUP).
COMPILED_MODULES = ("_model", "_segment", "_features", "_lexicon", "_prefilter", "_classify", "_dates", "_metadata")
RUNTIME = "cleaner._core__mypyc"  # mypyc's shared runtime of the compiled modules
DIGESTS = "_core_sources.txt"  # SHA-256 of each source the extensions were built from
PURE_ENV = "CLEANER_PURE_PYTHON"
_HERE = Path(__file__).resolve().parent


def _extension(name: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = _HERE / f"{name}{suffix}"
        if path.exists():
            return path
    return None


def _stale() -> str | None:
    """Why the extensions may not match the sources beside them, or None when they do."""
    try:
        lines = (_HERE / DIGESTS).read_text(encoding="utf-8").splitlines()
    except OSError:
        return f"no {DIGESTS} beside the extensions"
    recorded = dict(line.split(maxsplit=1) for line in lines if line.strip())
    for name in COMPILED_MODULES:
        digest = hashlib.sha256((_HERE / f"{name}.py").read_bytes()).hexdigest()
        if recorded.get(name, "").strip() != digest:
            return f"cleaner/{name}.py changed since the compiled core was built (pip install -e . rebuilds it)"
    return None


class _PureFinder(importlib.abc.MetaPathFinder):
    """Imports the hot modules from their ``.py`` sources, past their extensions."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __package__ or name not in COMPILED_MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, _HERE / f"{name}.py")


def _select() -> tuple[bool, str]:
    built = [name for name in COMPILED_MODULES if _extension(name) is not None]
    if not built:
        return False, "pure Python: no compiled core in this install"
    if os.environ.get(PURE_ENV, "").strip() not in ("", "0"):
        reason = f"pure Python: {PURE_ENV} is set"
    elif len(built) != len(COMPILED_MODULES) or _extension(RUNTIME.rpartition(".")[2]) is None:
        reason = "pure Python: the compiled core is incomplete"
    else:
        stale = _stale()
        if stale is None:
            return True, f"compiled with mypyc ({len(built)} modules)"
        reason = f"pure Python: {stale}"
    sys.meta_path.insert(0, _PureFinder())
    return False, reason


ACTIVE, STATUS = _select()


def compiled() -> bool:
    """True when the text engine's hot modules run compiled (mypyc), False for pure Python."""
    module = sys.modules.get(f"{__package__}._classify")
    if module is None:
        return ACTIVE
    return not str(getattr(module, "__file__", "")).endswith(".py")

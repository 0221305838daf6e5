"""The compiled core: the text engine's hot modules built with mypyc, where that works.

Everything else about the package is declared in pyproject.toml. This file only
adds extension modules: the modules in ``COMPILED`` compiled by mypyc (the code is
mypy --strict, so mypyc compiles it as it is) into C extensions that sit beside
their ``.py`` sources and are imported instead of them. Output is byte-identical
either way (tests/test_compiled.py); only the speed differs.

The build never fails because of it. Without a C compiler, when mypyc is missing
or fails, or when a module does not compile, the install goes on as pure Python
and says so in one line of the build log ("cleaner: compiled core skipped: ...").
``CLEANER_NO_COMPILE=1`` skips the compiled core on purpose.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import sysconfig
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
# The modules on the text engine's hot path, in dependency order. Keep in step with
# cleaner/_core.py (COMPILED_MODULES, RUNTIME), which checks that the built core matches them.
COMPILED = ["_model", "_segment", "_features", "_lexicon", "_prefilter", "_classify", "_dates", "_metadata"]
GROUP = "cleaner._core"  # mypyc names the shared runtime GROUP + "__mypyc"
DIGESTS = "_core_sources.txt"  # written beside the extensions: the sources they were built from
# The setup.py commands that build extension modules (pip runs setup.py once more for metadata).
_BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


def _say(message: str) -> None:
    # setuptools' own log level hides info lines under pip; stderr shows in `pip install -v`
    # and in the build output pip prints when a build fails
    print(f"cleaner: {message}", file=sys.stderr, flush=True)


def _digest_lines() -> str:
    return "".join(
        f"{name} {hashlib.sha256((HERE / 'cleaner' / f'{name}.py').read_bytes()).hexdigest()}\n" for name in COMPILED
    )


# The sources' digests as mypyc reads them (a source edited during the build then reads as stale).
_DIGESTS_AT_MYPYC = ""


def _c_compiler() -> str | None:
    """The C compiler build_ext would run, if it is on PATH (checked before mypyc spends its time)."""
    if sys.platform == "win32":
        return "msvc"  # found by setuptools itself; a failure there is caught like any other
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()
    return shutil.which(cc[0]) if cc else None


def _extensions() -> list[object]:
    if not _BUILDS & set(sys.argv[1:]):
        return []  # metadata only (egg_info, dist_info, sdist): mypyc's minute is not needed
    if os.environ.get("CLEANER_NO_COMPILE", "").strip() not in ("", "0"):
        _say("compiled core skipped: CLEANER_NO_COMPILE is set (pure Python)")
        return []
    compiler = _c_compiler()
    if compiler is None:
        _say("compiled core skipped: no C compiler found (pure Python)")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _say(f"compiled core skipped: mypyc not available ({exc}); pure Python")
        return []
    global _DIGESTS_AT_MYPYC
    _DIGESTS_AT_MYPYC = _digest_lines()
    try:
        return list(
            mypycify(
                # silent: type errors are only reported in the compiled modules; the rest of the
                # package imports libraries (lxml, typer) that may not be installed yet when pip
                # builds (an editable install builds before it installs the dependencies)
                ["--follow-imports=silent", *(f"cleaner/{name}.py" for name in COMPILED)],
                opt_level="3",
                group_name=GROUP,  # the shared runtime: cleaner/_core__mypyc, inside the package
            )
        )
    except BaseException as exc:  # mypyc reports type errors with SystemExit
        _say(f"compiled core skipped: mypyc failed ({type(exc).__name__}: {exc}); pure Python")
        return []


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python instead of failing the install."""

    def run(self) -> None:
        if not self.extensions:
            return
        try:
            super().run()
        except Exception as exc:  # no compiler (DistutilsPlatformError), compile or link errors
            self._give_up(exc)
            return
        self._write_digests()
        _say(f"compiled core built ({len(COMPILED)} modules with mypyc)")

    def _give_up(self, exc: Exception) -> None:
        _say(f"compiled core skipped: could not build it ({type(exc).__name__}: {exc}); pure Python")
        # whatever was built is removed: half a core (a module without its runtime) must not load
        for ext in self.extensions:
            path = Path(self.get_ext_fullpath(ext.name))
            path.unlink(missing_ok=True)
        (Path(self.get_ext_fullpath("cleaner._model")).parent / DIGESTS).unlink(missing_ok=True)
        self.extensions = []

    def _write_digests(self) -> None:
        """Record the sources the extensions were built from (cleaner/_core.py reads it)."""
        package_dir = Path(self.get_ext_fullpath("cleaner._model")).parent
        (package_dir / DIGESTS).write_text(_DIGESTS_AT_MYPYC, encoding="utf-8")

    def get_outputs(self) -> list[str]:
        outputs = list(super().get_outputs())
        if self.extensions:
            outputs.append(str(Path(self.get_ext_fullpath("cleaner._model")).parent / DIGESTS))
        return outputs


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})  # type: ignore[arg-type]

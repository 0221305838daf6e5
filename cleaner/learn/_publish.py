"""Writing a learned rule file: inside its folder, atomically, never over a file unasked, and only
once it passes ``cleaner rules check`` and ``cleaner rules test``.

The file is rendered into a hidden temporary file in the output folder, loaded
as any rule file is (parse and compile), its tests derived from the loaded
rules, rendered again with them, loaded and run; only then is it moved into
place, by a hard link (which fails when the name exists: no window in which
another writer's file is replaced) or, with ``overwrite``, by ``os.replace``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .._files import share
from ..rules import RuleError, SiteRules, load_file
from ._model import LearnSettings, SiteProfile
from ._rulefile import CategoryOf, RulePlan, plan_rules, render, rule_name
from ._ruletests import RuleTester


class LearnedFileError(RuntimeError):
    """A learned rule file fails its own checks: a bug in the learner, never the input's fault."""


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    plan: RulePlan
    tests: int


def target(out_dir: Path, site: str) -> Path:
    """Where the rule file of ``site`` goes: ``out_dir/<rule name>.toml``, never anywhere else."""
    name = rule_name(site)  # letters, digits, '.', '_', '-', starting with a letter or digit
    path = out_dir / f"{name}.toml"
    if path.parent.resolve() != out_dir.resolve() or path.name.startswith("."):
        raise LearnedFileError(f"the rule name {name!r} would leave the folder {out_dir}")
    return path


def publish(
    out_dir: Path,
    profile: SiteProfile,
    settings: LearnSettings,
    category_of: CategoryOf,
    tester: RuleTester,
    pages: Sequence[str],
    *,
    overwrite: bool = False,
) -> Written:
    """Write the rule file learned for ``profile`` into ``out_dir``.

    Raises FileExistsError when the file exists and not ``overwrite``,
    LearnedFileError when the learned file fails its checks (then no file is left in place).
    """
    path = target(out_dir, profile.site)
    if not overwrite and path.exists():
        raise FileExistsError(str(path))
    plan = plan_rules(profile, category_of)
    fd, name = tempfile.mkstemp(dir=out_dir, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        rules = _load(tmp, render(plan, profile, settings, []))
        tests = tester.derive(rules, pages)
        rules = _load(tmp, render(plan, profile, settings, tests))
        failures = tester.verify(rules)
        if failures:
            raise LearnedFileError(f"learned rules for {profile.site!r} fail their own tests: {'; '.join(failures)}")
        _move(tmp, path, overwrite=overwrite)
    finally:
        tmp.unlink(missing_ok=True)
    try:
        _load(path, None)  # as `cleaner rules check` reads it, from where it now is
    except LearnedFileError as exc:
        path.unlink(missing_ok=True)  # a broken file would be skipped, with a warning, by every run
        raise LearnedFileError(f"{path} removed again: {exc}") from None
    return Written(path, plan, len(tests))


def _load(path: Path, text: str | None) -> SiteRules:
    """Write ``text`` to ``path`` (when given) and load it as a rule file; LearnedFileError if it does not load."""
    if text is not None:
        path.write_bytes(text.encode("utf-8"))
    try:
        return load_file(path)
    except RuleError as exc:
        raise LearnedFileError(f"learned rule file does not pass `cleaner rules check`:\n{exc}") from None


def _move(tmp: Path, path: Path, *, overwrite: bool) -> None:
    share(tmp)  # mkstemp makes it private; a rule file is for everyone who cleans
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if the name exists, even when it appeared a moment ago
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system
        if path.exists():
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)

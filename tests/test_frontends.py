"""Front-ends as peers: the engine choice, the one-way flow, and the pipeline's alternative loop."""

from __future__ import annotations

import ast
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner, Result
from cleaner._segment import split_blocks
from cleaner.frontends import HTML_ENGINES, TEXT, Alternative, Page, Rendering, Settings, frontend

PACKAGE = Path(__file__).resolve().parents[1] / "cleaner"
PROSE = "\n".join(f"The council said on Monday that bridge {i} would open to traffic next spring." for i in range(8))
GENERIC = Cleaner(mode="html", site_rules=False)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against the cleaner package."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("folder", ["frontends", "html"])
def test_front_ends_and_the_html_toolbox_never_import_the_pipeline(folder: str) -> None:
    for path in sorted((PACKAGE / folder).glob("*.py")):
        imported = _imports(path)
        assert "cleaner._pipeline" not in imported, path
        if folder == "html":
            assert not any(m.startswith("cleaner.frontends") for m in imported), path


def test_engine_defaults_to_accurate_and_survives_pickling() -> None:
    assert "accurate" in HTML_ENGINES and TEXT not in HTML_ENGINES
    c = Cleaner(mode="text", site_rules=False)
    assert c.engine == "accurate"
    assert pickle.loads(pickle.dumps(c)).engine == "accurate"


@pytest.mark.parametrize("engine", ["nope", "text", "", None, "ACCURATE"])
def test_an_unknown_engine_is_a_setup_error(engine: object) -> None:
    with pytest.raises(ValueError, match="engine must be one of 'accurate'"):
        Cleaner(mode="text", site_rules=False, engine=engine)  # type: ignore[arg-type]


def test_text_mode_never_imports_an_html_engine() -> None:
    code = (
        "import sys, cleaner; cleaner.Cleaner(mode='text').clean('Hello there.\\nA line.'); "
        "print('trafilatura' in sys.modules, 'cleaner.frontends._trafilatura' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_the_text_front_end_makes_one_block_per_line() -> None:
    page = frontend(TEXT).segment("One line.\n\nTwo lines.", url=None, rules=None, settings=Settings())
    assert [b.text for b in page.blocks] == ["One line.", "Two lines."]
    assert page.use_region and page.metadata is None and not page.alternatives


def _rendering(text: str, truncated: bool = False) -> Rendering:
    return Rendering(split_blocks(text), truncated)


def _run(page: Page) -> Result:
    return GENERIC._run(page, url=None, mode="html", rules=None)


def test_an_alternative_replaces_an_empty_primary_and_marks_every_reason() -> None:
    alt = Alternative(
        "test", render=lambda: _rendering(PROSE, truncated=True), needed=lambda _: 1000, replaces_empty=True
    )
    result = _run(Page([], alternatives=[alt]))
    assert result.ok and result.truncated
    assert all(b.reason.endswith(";fallback:test") for b in result.blocks)


def test_an_alternative_that_does_not_apply_is_never_rendered() -> None:
    def render() -> Rendering:
        raise AssertionError("rendered")

    skipped = Alternative("skipped", render=render, needed=lambda _: None)
    taken = Alternative("taken", render=lambda: _rendering(PROSE), needed=lambda _: 1)
    result = _run(Page([], alternatives=[skipped, taken]))
    assert result.ok and result.blocks[0].reason.endswith(";fallback:taken")


def test_the_first_applicable_alternative_decides_even_when_it_loses() -> None:
    primary = split_blocks(PROSE)
    loses = Alternative("loses", render=lambda: _rendering("Home"), needed=lambda words: words + 1)
    never = Alternative("never", render=lambda: _rendering(PROSE + "\n" + PROSE), needed=lambda _: 1)
    result = _run(Page(primary, alternatives=[loses, never]))
    assert result.ok and not any("fallback" in b.reason for b in result.blocks)


def test_the_wider_rendering_is_taken_when_the_first_keeps_too_little() -> None:
    alt = Alternative(
        "short",
        render=lambda: _rendering("Home"),
        needed=lambda _: 1,
        wider=lambda: _rendering(PROSE),
        replaces_empty=True,
    )
    result = _run(Page([], alternatives=[alt]))
    assert result.ok and len(result.text.split()) > 50


def test_a_limit_marks_the_result_truncated_and_names_itself_when_empty() -> None:
    result = _run(Page([], limit="the parser stopped early: too deep"))
    assert result.truncated and result.status == "empty"
    assert result.error is not None and result.error.endswith("; the parser stopped early: too deep")

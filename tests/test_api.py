"""The public API: what ``import cleaner`` offers, and that it stays honest."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import cleaner

PUBLIC = {
    "BinaryInputError",
    "compiled",
    "Block",
    "Cleaner",
    "Metadata",
    "Result",
    "RuleError",
    "RuleFileWarning",
    "__version__",
    "clean",
    "LearnSettings",
    "SiteLearner",
    "SiteModel",
    "learn_site_model",
    "CacheWarning",
    "RECORD_SCHEMA",
    "Comment",
    "warm",
}


def test_all_lists_exactly_the_public_names() -> None:
    assert set(cleaner.__all__) == PUBLIC
    for name in cleaner.__all__:
        assert hasattr(cleaner, name), name
    # nothing public beyond __all__ (private modules start with "_", subpackages are documented)
    extra = (
        {n for n in vars(cleaner) if not n.startswith("_")}
        - PUBLIC
        - {"rules", "html", "batch", "cli", "frontends", "learn", "integrations"}
    )
    assert not extra, f"public names missing from __all__: {sorted(extra)}"


def test_import_does_not_pull_cli_libraries() -> None:
    code = "import sys, cleaner; cleaner.clean('Hello there.'); print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_clean_returns_text_metadata_blocks_and_removed() -> None:
    page = (
        "Home\nNews\nSport\n\nA headline about the council budget\n\n"
        + "\n\n".join(
            f"The council met on Tuesday evening and agreed paragraph number {i} of the budget after a long debate."
            for i in range(6)
        )
        + "\n\nShare on Facebook\n© 2024 Example News. All rights reserved.\n"
    )
    result = cleaner.clean(page, url="https://www.example.com/news/budget")
    assert result.ok and result.status == "ok"
    assert result.text.count("\n\n") == 5  # paragraphs separated by one blank line
    assert "Share on Facebook" not in result.text
    assert result.metadata.title == "A headline about the council budget"
    assert result.metadata.domain == "example.com"
    assert result.metadata.url == "https://www.example.com/news/budget"
    assert [b.index for b in result.blocks] == list(range(len(result.blocks)))
    removed = {b.text: b.category for b in result.removed}
    assert removed["Share on Facebook"] == "share"
    assert all(b.category and b.reason for b in result.removed)


def test_to_dict_is_json_ready() -> None:
    result = cleaner.clean("One sentence that is long enough to be kept as the body of this page.\n")
    data = json.loads(json.dumps(result.to_dict(blocks=True)))
    assert set(data) >= {"text", "metadata", "removed", "blocks", "status", "mode"}
    assert set(data["metadata"]) >= {"title", "date", "author", "site", "domain", "description", "language", "url"}


def test_cleaner_is_reusable_and_deterministic() -> None:
    c = cleaner.Cleaner(mode="text", site_rules=False)
    page = "Menu\n\n" + "A quiet paragraph of plain prose that says what happened and why it matters. " * 4
    first, second = c.clean(page), c.clean(page)
    assert first.text == second.text and first.text


@pytest.mark.parametrize("mode", ["html", "text", "auto"])
def test_modes_are_accepted(mode: str) -> None:
    assert cleaner.clean("<p>Short.</p>", mode=mode).status in {"ok", "empty"}


def test_bad_mode_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="mode"):
        cleaner.Cleaner(mode="pdf")  # type: ignore[arg-type]


def test_a_cleaner_pickles_by_its_settings() -> None:
    """Spark and multiprocessing ship a configured Cleaner to workers; it is rebuilt there."""
    import pickle

    original = cleaner.Cleaner(mode="text", site_rules=False, max_bytes=10_000)
    copy = pickle.loads(pickle.dumps(original))
    assert (copy.mode, copy.max_bytes, copy.rulebook) == ("text", 10_000, None)
    page = "Home\nShare\n" + "\n".join(
        f"The council said on Monday that bridge {i} would open next spring." for i in range(6)
    )
    assert copy.clean(page).to_dict() == original.clean(page).to_dict()


def test_repr_is_short_on_a_large_page() -> None:
    page = "\n\n".join(
        f"Paragraph {i} of a long story that keeps going on and on about the council." for i in range(2000)
    )
    result = cleaner.clean(page)
    text = repr(result)
    assert len(text) < 300 and text.startswith("<Result status=") and "words=" in text


def test_to_dict_is_the_one_record_shape() -> None:
    record = cleaner.clean("x").to_dict()
    assert list(record) == ["text", "status", "error", "mode", "truncated", "metadata", "removed", "comments"]
    assert "status" not in record["metadata"] and record["truncated"] is False

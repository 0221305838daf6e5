"""Unit tests of the benchmark harness: the scorer, the C4-style filter, the floors logic."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import default_data_dir, gate, metrics  # noqa: E402
from bench.c4 import c4_filter, c4_style_filter, count_sentences  # noqa: E402
from bench.run import field_match, norm_text, side_by_side  # noqa: E402
from bench.systems import lines_to_html  # noqa: E402

CASES = [
    ("", ""),
    ("", "gold text here"),
    ("some text", ""),
    ("The cat sat on the mat.", "The cat sat on the mat."),
    ("the the cat", "The cat sat on the mat today, said the cat."),
    ("A b c d e f g", "a B c d e f g h"),
    ("Один два три четыре пять", "один два три четыре"),
    ("x", "x"),
]


def _reference_score_module():  # type: ignore[no-untyped-def]
    path = default_data_dir() / "score.py"
    if not path.exists():
        pytest.skip("shared/bench/score.py not available")
    spec = importlib.util.spec_from_file_location("reference_score", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize(("pred", "gold"), CASES)
def test_metrics_match_reference_script(pred: str, gold: str) -> None:
    ref = _reference_score_module()
    assert metrics.bag_prf(pred, gold) == ref.bag_prf(pred, gold)
    assert metrics.shingle_pr(pred, gold) == ref.shingle_pr(pred, gold)


def test_bag_and_shingle_values() -> None:
    assert metrics.bag_prf("", "") == (1.0, 1.0, 1.0)
    assert metrics.bag_prf("a b", "") == (0.0, 1.0, 0.0)
    p, r, f = metrics.bag_prf("a b c d", "a b")
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)
    assert metrics.shingle_pr("a b c d e", "a b c d") == (0.5, 1.0)
    assert metrics.shingle_pr("a b", "a b") == (1.0, 1.0)  # short texts make one shingle


def test_aggregate_matches_score_py_formula() -> None:
    rows = [metrics.page_scores("a b c d e", "a b c d"), metrics.page_scores("", "x y z w")]
    agg = metrics.aggregate(rows)
    sp, sr = (0.5 + 0.0) / 2, (1.0 + 0.0) / 2
    assert agg["n"] == 2
    assert agg["shingleF1"] == round(2 * sp * sr / (sp + sr), 4)
    assert agg["F1"] == round((metrics.bag_prf("a b c d e", "a b c d")[2] + 0.0) / 2, 4)


def test_read_jsonl_splits_on_newline_only(tmp_path: Path) -> None:
    p = tmp_path / "g.jsonl"
    rows = [{"id": "1", "text": "a\u2028b\u2029c\x85d"}, {"id": "2", "text": "e"}]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert metrics.read_jsonl(p) == rows


PROSE = [
    "The council met on Tuesday to discuss the new budget.",
    "Members argued for hours about the cost of repairs.",
    "In the end, they voted to delay the decision.",
    "A final vote is expected next month, officials said.",
    'The mayor said: "We will get this right."',
]


def test_c4_keeps_prose_lines_and_drops_chrome() -> None:
    page = "\n".join(["Home | News | Sport", "Share this", *PROSE, "Subscribe now", "Read more..."])
    assert c4_filter(page) == "\n".join(PROSE)


def test_c4_line_rules() -> None:
    extra = [
        "Too short.",  # 2 words
        "Please enable JavaScript to view the comments.",
        "By using this site you agree to our Privacy Policy.",
        "This website uses cookies to improve your experience.",
        "Wait for it...",
        "Cited in the report [1] and elsewhere [edit].",
    ]
    out = c4_filter("\n".join(PROSE + extra)).splitlines()
    assert out[: len(PROSE)] == PROSE
    assert out[len(PROSE) :] == ["Cited in the report  and elsewhere ."]


def test_c4_page_rules() -> None:
    assert c4_filter("\n".join(PROSE[:2])) == ""  # fewer than 5 sentences
    assert c4_filter("\n".join([*PROSE, "Lorem ipsum dolor sit amet."])) == ""
    assert c4_filter("\n".join([*PROSE, "function f() { return 1; }."])) == ""
    assert c4_filter("\n".join(PROSE), min_sentences=0) == "\n".join(PROSE)


def test_c4_style_variant_is_looser() -> None:
    quoted = "“We will be back next year,” the captain told reporters on Sunday.”"
    assert c4_filter("\n".join([*PROSE[:2], quoted])) == ""  # too few sentences for strict C4
    assert c4_style_filter("\n".join([*PROSE[:2], quoted])) == "\n".join([*PROSE[:2], quoted])
    code = "function f() { return 1; }."
    assert c4_style_filter("\n".join([*PROSE, code])) == "\n".join(PROSE)


def test_count_sentences() -> None:
    assert count_sentences("One. Two! Three? Four.") == 4
    assert count_sentences("No end mark") == 1
    assert count_sentences("") == 0


def test_lines_to_html_escapes_and_skips_blank_lines() -> None:
    html = lines_to_html("a < b\n\n  c & d  \n")
    assert "<p>a &lt; b</p>\n<p>c &amp; d</p>" in html


def test_metadata_normalization() -> None:
    assert norm_text("  The  Title: A “Story”!  ") == "the title a story"
    assert field_match("title", "the title — a story", "The Title: A Story")
    assert field_match("date", "2025-09-04T10:00:00+00:00", "2025-09-04")
    assert not field_match("date", "2025-09-05", "2025-09-04")
    assert not field_match("author", None, "Jane Doe")


def test_floor_rounding_and_update_plan() -> None:
    assert gate.floor_of(0.9876) == 0.977
    assert gate.floor_of(0.99) == 0.98
    assert gate.floor_of(0.005) == 0.0
    floors = {"a": {"F1": 0.5, "shingleF1": 0.9}}
    raises, lowers = gate.plan_update(floors, {"a": {"F1": 0.8, "shingleF1": 0.8, "n": 1}}, 0.01)
    assert raises == [("a", "F1", 0.5, 0.79)]
    assert lowers == [("a", "shingleF1", 0.9, 0.79)]
    raises, _ = gate.plan_update({}, {"a": {"F1": 1.0, "shingleF1": 1.0}}, 0.01, {"a": 0.0})
    assert raises == [("a", "F1", None, 1.0), ("a", "shingleF1", None, 1.0)]


def test_floors_file_round_trips() -> None:
    data = {
        "floors": {"seeds-text": {"F1": 0.95, "shingleF1": 0.9}},
        "margins": {"seeds-text-rules": 0.0},
        "history": [
            {"date": "2026-01-01", "key": "seeds-text", "metric": "F1", "old": 0.96, "new": 0.95, "note": 'a "b"'}
        ],
    }
    assert gate.load_floors(gate.dump_floors(data)) == data


def test_gate_ids_are_deterministic() -> None:
    ids = [f"id{i}" for i in range(100)]
    assert gate.gate_ids(ids, 5) == gate.gate_ids(list(reversed(ids)), 5)
    assert len(set(gate.gate_ids(ids, 40))) == 40


def test_summarize_and_render_smoke() -> None:
    from bench.data import Page
    from bench.report import console_table, render
    from bench.run import add_ratios, summarize

    pages = [
        Page("p1", {"id": "p1", "text": "The cat sat.", "page_type": "article", "title": "Cats", "date": "2024-01-02"}),
        Page("p2", {"id": "p2", "text": "A dog ran far.", "page_type": "forum", "title": "Dogs"}),
    ]

    def res(system: str, kind: str, texts: list[str]) -> dict[str, object]:
        preds = [
            {"id": p.id, "text": t, "meta": {"title": p.gold["title"], "date": None}, "cpu_s": 0.01}
            for p, t in zip(pages, texts, strict=True)
        ]
        return {"system": system, "kind": kind, "n": 2, "bytes": 2000, "cpu_s": 0.02, "wall_s": 0.02}, preds

    rows = {}
    for system, kind, texts in [
        ("cleaner-html", "html", ["The cat sat.", ""]),
        ("trafilatura", "html", ["The cat sat. Menu", "A dog ran far."]),
    ]:
        head, preds = res(system, kind, texts)
        head.update({"setup_s": 0.1, "peak_rss_mb": 50.0, "errors": [], "preds": preds})
        rows[system] = summarize("x", pages, head)
    add_ratios(rows)
    assert rows["cleaner-html"]["F1"] == 0.5
    assert rows["cleaner-html"]["worst"][0]["id"] == "p2"
    assert rows["cleaner-html"]["metadata"]["title"]["accuracy"] == 1.0
    assert rows["trafilatura"]["speed"]["speed_vs_baseline"] == 1.0
    result = {
        "date": "2026-01-01 00:00 UTC",
        "command": "python -m bench run",
        "limit": None,
        "duration_s": 60.0,
        "environment": {
            "cpu": "cpu",
            "cores": 2,
            "python": "3.11",
            "platform": "linux",
            "versions": {},
            "git": {"commit": "abc", "dirty": False},
        },
        "skipped": [],
        "sets": {"x": {"n": 2, "systems": rows}},
        "scaling": None,
        "reference": {},
    }
    md = render(result)
    assert "| `cleaner-html` | html |" in md and "Bag F1 by page type" in md and "Metadata accuracy" in md
    assert "cleaner-html" in console_table(result)


def test_speed_baselines_run_beside_cleaner() -> None:
    names = ["cleaner-html", "cleaner-html-rules", "trafilatura", "readability", "cleaner-text", "c4-style", "c4"]
    order = side_by_side(names, {"html": "trafilatura", "text": "c4"})
    assert order[:3] == ["cleaner-html", "trafilatura", "cleaner-html-rules"]
    assert order[order.index("cleaner-text") + 1] == "c4"
    assert sorted(order) == sorted(names)
    # a baseline without its cleaner row (or the reverse) stays where it was
    assert side_by_side(["trafilatura", "readability"], {"html": "trafilatura"}) == ["trafilatura", "readability"]

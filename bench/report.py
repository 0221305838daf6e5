"""Render results (``bench/results/latest.json``) as ``docs/benchmarks.md`` and a console table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import BENCH_DIR, REPO, RESULTS_DIR

BENCH_NOTES = BENCH_DIR / "notes.md"  # hand-written findings, appended to the generated report

SET_TITLES = {
    "aeb": "aeb — article-extraction-benchmark (news and blog articles)",
    "wcxb-dev": "wcxb-dev — WCXB development split (articles and other page types)",
    "seeds": "seeds — five dumps of one news story (text only)",
    "gate-aeb": "gate-aeb — the 40 pinned aeb pages of the regression gate",
    "dragnet": "dragnet — news and blog pages of 2012, several per site (gold includes reader comments)",
    "dragnet-multi": "dragnet-multi — dragnet's pages of the 71 sites with at least five pages (where --learn acts)",
    **{
        f"turku-{lang}": f"turku-{lang} — {name} text already extracted from web pages, lines labelled clean or noise "
        "(TurkuNLP, train split; text systems only)"
        for lang, name in (("en", "English"), ("de", "German"), ("es", "Spanish"), ("fi", "Finnish"))
    },
}


def _f(x: Any, nd: int = 3) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def _rows(set_out: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [r for r in set_out["systems"].values() if "failed" not in r]
    return sorted(rows, key=lambda r: (r["kind"] != "html", -r["F1"]))


def console_table(result: dict[str, Any]) -> str:
    lines = []
    for name, s in result["sets"].items():
        lines.append(f"\n{name} ({s['n']} pages)")
        lines.append(
            f"{'system':24} {'in':4} {'P':>6} {'R':>6} {'F1':>6} {'shF1':>6} {'pg/s':>8} {'xBase':>6} {'RSS':>6}"
        )
        for r in _rows(s):
            sp = r["speed"]
            lines.append(
                f"{r['system']:24} {r['kind']:4} {r['P']:6.3f} {r['R']:6.3f} {r['F1']:6.3f} {r['shingleF1']:6.3f} "
                f"{sp['pages_per_s_core']:8.1f} {_f(sp.get('speed_vs_baseline'), 2):>6} {sp['peak_rss_mb']:6.0f}"
            )
        for r in s["systems"].values():
            if "failed" in r:
                lines.append(f"{r['system']:24} FAILED")
    return "\n".join(lines)


def quality_table(set_out: dict[str, Any], ref: dict[str, Any] | None, set_name: str) -> list[str]:
    show_ref = bool(ref)
    head = "| system | input | P | R | F1 | shingle P | shingle R | shingle F1 | pages/s/core | MB/s | speed vs base | peak RSS MB (added) | errors |"
    sep = "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    if show_ref:
        head += " README ref |"
        sep += "---|"
    out = [head, sep]
    for r in _rows(set_out):
        sp = r["speed"]
        base = f"{_f(sp.get('speed_vs_baseline'), 2)}× {sp.get('baseline', '')}".strip()
        cells = [
            f"`{r['system']}`",
            r["kind"],
            _f(r["P"]),
            _f(r["R"]),
            f"**{_f(r['F1'])}**",
            _f(r["shingleP"]),
            _f(r["shingleR"]),
            f"**{_f(r['shingleF1'])}**",
            _f(sp["pages_per_s_core"], 1),
            _f(sp["mb_per_s"], 2),
            base,
            f"{_f(sp['peak_rss_mb'], 0)} ({_f(sp.get('rss_added_mb'), 0)})",
            str(r["errors"]),
        ]
        if show_ref and ref is not None:
            rv = ref.get(r["system"])
            if rv is None:
                cells.append("")
            elif set_name == "wcxb-dev":
                cells.append(f"{_f(rv[0])} all / {_f(rv[1])} art.")
            else:
                cells.append(f"{_f(rv[0])} / {_f(rv[1])}")
        out.append("| " + " | ".join(cells) + " |")
    for r in set_out["systems"].values():
        if "failed" in r:
            out.append(f"| `{r['system']}` | failed: {r['failed'][-120:]!r} |")
    return out


def type_table(set_out: dict[str, Any]) -> list[str]:
    rows = [r for r in _rows(set_out) if r.get("by_type")]
    if not rows:
        return []
    types = sorted({t for r in rows for t in r["by_type"]})
    counts = {t: rows[0]["by_type"].get(t, {}).get("n", 0) for t in types}
    out = [
        "| system | all | " + " | ".join(f"{t} ({counts[t]})" for t in types) + " |",
        "|---|--:|" + "--:|" * len(types),
    ]
    for r in rows:
        cells = [_f(r["by_type"].get(t, {}).get("F1")) for t in types]
        out.append(f"| `{r['system']}` | {_f(r['F1'])} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Shingle F1 by page type:")
    out.append("")
    out.append("| system | all | " + " | ".join(types) + " |")
    out.append("|---|--:|" + "--:|" * len(types))
    for r in rows:
        cells = [_f(r["by_type"].get(t, {}).get("shingleF1")) for t in types]
        out.append(f"| `{r['system']}` | {_f(r['shingleF1'])} | " + " | ".join(cells) + " |")
    return out


def meta_table(set_out: dict[str, Any]) -> list[str]:
    rows = [r for r in _rows(set_out) if r.get("metadata")]
    if not rows:
        return []
    fields = [f for f in ("title", "author", "date") if any(f in r["metadata"] for r in rows)]
    n = {f: next(r["metadata"][f]["n"] for r in rows if f in r["metadata"]) for f in fields}
    out = [
        "| system | " + " | ".join(f"{f} accuracy (n={n[f]}) | {f} given" for f in fields) + " |",
        "|---|" + "--:|--:|" * len(fields),
    ]
    for r in rows:
        cells = []
        for f in fields:
            m = r["metadata"].get(f)
            cells += [_f(m["accuracy"]), _f(m["coverage"])] if m else ["–", "–"]
        out.append(f"| `{r['system']}` | " + " | ".join(cells) + " |")
    return out


def worst_list(set_out: dict[str, Any], k: int = 5) -> list[str]:
    out = []
    for r in _rows(set_out):
        if not r.get("worst"):
            continue
        items = ", ".join(f"`{w['id']}` {w['F1']:.2f} (P {w['P']:.2f} R {w['R']:.2f})" for w in r["worst"][:k])
        out.append(f"- `{r['system']}`: {items}")
    return out


def render(result: dict[str, Any]) -> str:
    env = result["environment"]
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
    L: list[str] = []
    L += [
        "# Benchmarks",
        "",
        "<!-- Generated by `python -m bench run` (bench/report.py); edit the template there, not this file. -->",
        "",
        "How well and how fast cleaner strips boilerplate, next to the usual peers, measured on the same pages in "
        "the same run. Regenerate with `make bench` (or `.venv/bin/python -m bench run`); numbers below are from:",
        "",
        f"- **date**: {result['date']}; this invocation took {result['duration_s'] / 60:.1f} min"
        + (" (scoring and scaling; the workers' outputs were reused, see below)" if result.get("reused") else ""),
        f"- **command**: `{result['command']}`"
        + (f" (first {result['limit']} pages per set)" if result["limit"] else ""),
        f"- **machine**: {env['cpu']}, {env['cores']} cores; Python {env['python']}; {env['platform']}; "
        f"1-min load average at the end of the run: {env.get('load_at_end', '–')}",
        f"- **cleaner**: {env['versions'].get('cleaner')} at commit `{env['git']['commit']}`"
        + (" (with uncommitted changes under cleaner/)" if env["git"]["dirty"] else ""),
        f"- **versions**: {versions}",
    ]
    cpu = {
        name: sum(r["speed"]["cpu_s"] for r in st["systems"].values() if "speed" in r)
        for name, st in result["sets"].items()
    }
    L.append(
        "- **extraction CPU time, all systems**: "
        + ", ".join(f"{name} {v / 60:.1f} min" for name, v in cpu.items())
        + " (time inside the extraction calls, one core)"
    )
    if result.get("reused"):
        L.append(
            f"- **resumed run**: {len(result['reused'])} worker outputs were reused from earlier invocations "
            "(`--reuse`); each table gives the time every row finished"
        )
    if result.get("skipped"):
        L.append(f"- **skipped (not installed)**: {', '.join(result['skipped'])}")
    L += ["", METHOD, ""]
    for name, s in result["sets"].items():
        ref = result.get("reference", {}).get(name)
        L += [f"## {SET_TITLES.get(name, name)}", "", f"{s['n']} pages.", ""]
        L += quality_table(s, ref, name)
        learning = [
            f"`{r['system']}` {r['speed']['learn_cpu_s']} s, {100 * r['speed']['learn_share']:.0f}% of its cleaning pass"
            for r in _rows(s)
            if r.get("speed", {}).get("learn_share") is not None
        ]
        if learning:
            L += ["", "Learning pass (included in pages/s): " + "; ".join(learning) + "."]
        stamps = [f"`{r['system']}` {r['measured_at']}" for r in _rows(s) if r.get("measured_at")]
        if stamps:
            L += ["", "<sub>Rows finished at (UTC): " + ", ".join(stamps) + "</sub>"]
        types = type_table(s)
        if types:
            L += ["", "### Bag F1 by page type", "", *types]
        meta = meta_table(s)
        if meta:
            L += ["", "### Metadata accuracy", "", META_NOTE, "", *meta]
        worst = worst_list(s)
        if worst:
            L += ["", "### cleaner's worst pages (lowest bag F1; ten per row in latest.json)", "", *worst]
        L.append("")
    sc = result.get("scaling")
    if sc:
        L += ["## Scaling: 1 vs 2 workers", "", f"Method: {sc['method']}; pages of `{sc['set']}`; wall time.", ""]
        L += [
            "| input | pages | MB | --jobs 1 (s) | pages/s | --jobs 2 (s) | pages/s | speedup | load before |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for kind in ("text", "html"):
            row = sc.get(kind)
            if row:
                L.append(
                    f"| {kind} | {row['pages']} | {row['mb']} | {row['jobs1_s']} | {row['jobs1_pages_per_s']} | "
                    f"{row['jobs2_s']} | {row['jobs2_pages_per_s']} | {row['speedup']}× | {row.get('load_before', '–')} |"
                )
        L.append("")
    L += [REFERENCE_NOTE, "", GATE_DOC]
    notes = BENCH_NOTES.read_text(encoding="utf-8").strip() if BENCH_NOTES.exists() else ""
    if notes:
        L += ["", notes]
    return "\n".join(L).rstrip() + "\n"


def report_command(args: Any) -> int:
    path = Path(args.results) if args.results else RESULTS_DIR / "latest.json"
    result = json.loads(path.read_text(encoding="utf-8"))
    docs = Path(args.docs) if args.docs else REPO / "docs" / "benchmarks.md"
    docs.write_text(render(result), encoding="utf-8")
    print(f"wrote {docs}")
    return 0


METHOD = """## What is measured

- **Quality** — the metric of `shared/bench/score.py`, replicated in `bench/metrics.py` (a unit test checks it
  against the script): **F1** is the mean over pages of the bag-of-words F1 over lower-cased `\\w+` tokens
  (the WCXB metric), with P and R the means of the per-page values; **shingle F1** is the harmonic mean of the
  mean per-page precision and mean per-page recall over 4-token shingles (the scrapinghub metric). A page a
  system fails on scores as empty.
- **Inputs** — HTML systems read `html/<id>.html.gz` (decompressed outside the timed region; the system's own
  charset decoding is timed); text systems read the full-page dumps `text/<id>.txt`. The page URL from the gold
  file is passed to cleaner, trafilatura and readability (a crawler knows it); nothing else from the gold is
  used. The seeds have text dumps only.
- **Speed** — each system runs over each set in a fresh `python -m bench worker` process, one after the
  other. *pages/s/core* is pages divided by the process CPU time spent inside the extraction calls (single
  threaded, so per core; CPU time keeps other load on the machine out); *MB/s* is uncompressed input MB per CPU
  second; *speed vs base* divides pages/s by that of trafilatura (HTML rows) or of the strict C4 filter `c4` (text
  rows) on the same set in the same run, so machine noise largely cancels. Start-up (imports, building the
  extractor) is not counted. *Peak RSS* is the worker process's maximum resident set (VmHWM); it includes the
  harness (the set's gold and all predictions are held in memory, which is why even `keep-everything` shows
  about 150 MB on wcxb-dev); *(added)* is the peak minus the worker's footprint after loading the gold, i.e.
  the system's libraries, its state and its outputs.
- **Systems** — `cleaner-html` / `cleaner-text`: `cleaner.Cleaner(mode=..., site_rules=False)`, the generic
  engine; `cleaner-fast`: the same with `engine="fast"` (one lxml walk, the article found by its container, no
  trafilatura extraction); `-rules` rows: `site_rules=True` (bundled site rules). Peers run with default settings:
  `trafilatura.extract(html, url=url)`; `-precision`: `favor_precision=True`; `trafilatura-metadata`:
  `with_metadata=True`, JSON output (same text as default, used for metadata accuracy; metadata extraction
  roughly doubles its cost); `readability`: readability-lxml `Document(html).summary()` turned into text with
  lxml, one line per block element; `justext`: jusText on the HTML with the English stoplist for every page (no
  language taken from the gold); `resiliparse`: `extract_plain_text(html, main_content=True)` after its own
  encoding detection; `boilerpy3`: `ArticleExtractor`; `newspaper4k`, `goose3` with `--slow` when installed.
  Text-dump peers: `keep-everything` (the whole dump); `c4`: the C4 page-cleaning rules (below); `justext-lines`:
  each non-empty line of the dump wrapped as a `<p>` and given to jusText with the English stoplist.
- **C4 filters** (`bench/c4.py`) — `c4` is strict C4, the rules of TensorFlow Datasets' `c4_utils.clean_page`:
  keep lines ending in `. ? ! "` (not `...`) with at least **3** words; strip `[1]`/`[edit]`/`[citation needed]`;
  drop lines with "javascript" or a policy phrase ("terms of use", "privacy policy", "cookie policy", "uses
  cookies", "use of cookies", "use cookies") and lines with a word over 1000 characters; drop the whole page if a
  kept line has "lorem ipsum" or `{`, or if fewer than **5** sentences remain (C4's numbers: 3 words per line,
  5 sentences per page). Left out as corpus-level: the bad-words list, English-only language ID,
  three-sentence dedup. `c4-style` is the looser variant that reproduces the README's "C4-style line filter"
  figures: `”` also ends a sentence, "lorem ipsum" and `{` drop only their line, no minimum of sentences per
  page. Strict C4 is the text-mode speed baseline (both run at the same speed). Sentences are counted with a regex, not NLTK punkt."""

META_NOTE = """Pages whose gold lacks a field are left out for that field. Title and author: NFKC, casefold,
punctuation to spaces, whitespace collapsed, then exact match; date: the same calendar day (`YYYY-MM-DD` found
in the value). *given* is the share of those pages for which the system produced any value."""

REFERENCE_NOTE = """## Faithfulness of the peers

The *README ref* column repeats the reference figures of `shared/bench/README.md` (same scorer, same machine
type, default settings) — aeb: F1 / shingle F1; wcxb-dev: F1 on all pages / on the 790 article pages (compare
with the `article` column of the page-type table). A peer within about 0.01 of its reference is run as the
reference ran it; larger gaps are discussed in the notes at the end of this file, when there are any."""

GATE_DOC = """## Regression gate

`tests/test_quality_gate.py` runs with the ordinary test command (`make test` / `pytest`) on a small pinned
subset and fails when quality drops:

- **Inputs** — the five seeds (`fixtures/seeds/`) and 40 aeb pages copied into `fixtures/gate/aeb/`
  (`html/*.html.gz`, `text/*.txt`, `gold.jsonl`). The 40 are not hand-picked: they are the first 40 aeb ids
  ordered by the SHA-256 of the id (`python -m bench gate-fixtures`). `fixtures/gate/manifest.json` lists the
  SHA-256 of every input and gold file, seeds included; the test checks them first, so inputs cannot change
  silently.
- **Checks** — bag F1 and shingle F1 of the generic engine (`site_rules=False`) on `seeds-text` (seeds, text
  mode), `gate-aeb-text` (text dumps), `gate-aeb-html` (HTML), `gate-aeb-html-fast` (HTML, `engine="fast"`),
  and of the engine with site rules on the seeds (`seeds-text-rules`). Each must stay at or above its floor
  in `bench/floors.toml`.
- **Floors** — set a little below the measured value: measured − 0.01, rounded down to 0.001.
  `python -m bench floors` prints measured values next to the floors. `python -m bench floors --update` raises
  every floor that sits below measured − 0.01 and never lowers one; lowering needs
  `python -m bench floors --update --allow-lower --note "why"`, which writes the old value, the new one, the
  date and the note into the `[[history]]` table of `floors.toml`. The test also compares the floors with the
  committed ones (`git show HEAD:bench/floors.toml`; set `CLEANER_FLOORS_BASE=origin/main` in CI to compare
  with the target branch instead) and fails when a floor went down without a matching history entry, so a
  lowered floor is always a visible, explained change in review. A per-check margin in `[margins]` can pin a
  check exactly: `seeds-text-rules` has margin 0, so the seeds with site rules must stay at 1.000.
- The gate takes a few seconds; it is a tripwire, not a measurement: use `python -m bench run` for numbers."""

"""Command line: ``python -m bench run|worker|floors|report|textspeed``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("run", help="measure every system on every set; write results and docs")
    r.add_argument(
        "--sets",
        default="aeb,wcxb-dev,seeds,turku-en,turku-de,turku-es,turku-fi",
        help="comma-separated: aeb, wcxb-dev, dragnet, dragnet-multi, seeds, gate-aeb, turku-en, turku-de, turku-es, turku-fi",
    )
    r.add_argument("--systems", help="comma-separated system names (default: all non-slow ones)")
    r.add_argument("--slow", action="store_true", help="also run newspaper4k and goose3 if installed")
    r.add_argument("--slow-sets", default="aeb", help="sets the --slow systems run on (default aeb)")
    r.add_argument("--limit", type=int, help="first N pages of each set (quick runs)")
    r.add_argument("--data", help="benchmark data folder (default $CLEANER_BENCH_DATA or ../shared/bench)")
    r.add_argument(
        "--jobs-scaling",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time the cleaner with 1 and 2 workers (default on)",
    )
    r.add_argument("--scaling-pages", type=int, default=400, help="pages used for the scaling test (0: all)")
    r.add_argument("--reuse", action="store_true", help="keep finished worker outputs found in --workdir (resume)")
    r.add_argument("--parallel", type=int, default=1, help="worker processes at once (1 gives the cleanest timings)")
    r.add_argument("--workdir", help="where predictions go (default: a new /tmp folder)")
    r.add_argument("--out", help="results JSON (default bench/results/latest.json)")
    r.add_argument("--docs", help="markdown report (default docs/benchmarks.md)")
    r.add_argument("--no-docs", action="store_true", help="do not write the markdown report")

    w = sub.add_parser("worker", help="(internal) one system over one set in this process")
    w.add_argument("--system", required=True)
    w.add_argument("--set", required=True)
    w.add_argument("--data")
    w.add_argument("--limit", type=int)
    w.add_argument("--out", required=True)

    f = sub.add_parser("floors", help="measure the gate subsets; show or update bench/floors.toml")
    f.add_argument("--update", action="store_true", help="raise floors to measured - margin")
    f.add_argument("--allow-lower", action="store_true", help="with --update: also lower floors (needs --note)")
    f.add_argument("--note", help="why floors are lowered (kept in the floors file history)")
    f.add_argument("--margin", type=float, default=0.01)

    rep = sub.add_parser("report", help="re-render docs/benchmarks.md from a results JSON")
    rep.add_argument("--results", help="default bench/results/latest.json")
    rep.add_argument("--docs", help="default docs/benchmarks.md")

    sub.add_parser(
        "textspeed",
        help="text mode's ms per page on the aeb text dumps (python -m bench.textspeed --help)",
        add_help=False,
    )

    g = sub.add_parser(
        "gate-fixtures", help="(maintainers) copy the gate pages into fixtures/gate and write the manifest"
    )
    g.add_argument("--data")
    g.add_argument("--n", type=int, default=40)

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["textspeed"]:  # its own options: python -m bench textspeed --repeats 9
        from .textspeed import main as textspeed_main

        return textspeed_main(argv[1:])
    args = ap.parse_args(argv)
    if args.cmd == "run":
        from .run import run

        return run(args)
    if args.cmd == "worker":
        from .worker import main as worker_main

        return worker_main(args)
    if args.cmd == "floors":
        from .gate import floors_command

        return floors_command(args)
    if args.cmd == "report":
        from .report import report_command

        return report_command(args)
    if args.cmd == "gate-fixtures":
        from .gate import build_fixtures

        return build_fixtures(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())

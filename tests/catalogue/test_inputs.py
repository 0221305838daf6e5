"""Hostile inputs in general (issue 14): pages, file names, symlinks, gzip bombs, stdin.

Every table row states the input and its expected outcome: the report status
(and reason or error), the exit code; the bomb cases also bound the peak
memory of a real ``cleaner`` process. The batch always goes on: each case runs
next to a sound page that must come out ``ok``.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

Cli = Callable[..., Result]

STORY = "<p>The council met on Monday to discuss the new budget for the town library and its schools.</p>" * 12
HTML = f"<html><head><title>Budget</title></head><body><article>{STORY}</article></body></html>"
SOUND = "zz_sound.html"  # sorts last: the batch reaches it after the hostile input
MB = 1024 * 1024


def report_rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(cli: Cli, tmp_path: Path, *args: str | Path) -> tuple[Result, dict[str, dict[str, object]]]:
    """Clean ``args``; the report rows by the file name of their path."""
    report = tmp_path / "report.jsonl"
    result = cli("clean", *args, "--report", report, "-o", tmp_path / "out.jsonl", "--jobs", "1")
    rows = report_rows(report)
    return result, {os.path.basename(str(r["path"])): r for r in rows}


# -- pages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    data: bytes
    status: str
    says: str = ""  # a word the error must hold


PAGES = [
    Page("empty.html", b"", "empty"),
    Page("whitespace.html", b" \n\t\r\n ", "empty"),
    Page("whitespace.txt", b" \n\t\r\n ", "empty"),
    Page("png.html", b"\x89PNG\r\n\x1a\n" + bytes(500), "binary", "binary"),
    Page("zip.txt", b"PK\x03\x04" + bytes(500), "binary", "binary"),
    Page("some-nul.html", HTML.encode().replace(b"<p>", b"<p>\x00", 3), "ok"),
    Page("nul-everywhere.html", HTML.encode().replace(b" ", b"\x00"), "binary", "control bytes"),
    Page("truncated.html.gz", gzip.compress(HTML.encode())[:-20], "error", "EOFError"),
    Page("not-gzip.html.gz", HTML.encode(), "error", "Not a gzipped file"),
    Page("gzip-garbage.html.gz", b"\x1f\x8b\x08\x00garbage", "error", ""),
    Page("utf16le-bom.html", b"\xff\xfe" + HTML.encode("utf-16-le"), "ok"),
    Page("utf16be-bom.html", b"\xfe\xff" + HTML.encode("utf-16-be"), "ok"),
    Page("utf16le.html", HTML.encode("utf-16-le"), "ok"),
    Page("utf16be.html", HTML.encode("utf-16-be"), "ok"),
    Page("utf32-bom.html", HTML.encode("utf-32"), "ok"),
    Page("utf32le.html", HTML.encode("utf-32-le"), "ok"),  # no BOM: detected by its NUL pattern
    Page("utf32be.html", HTML.encode("utf-32-be"), "ok"),
    Page("utf16le-bom.txt", b"\xff\xfe" + STORY.encode("utf-16-le"), "ok"),
    Page("utf16le.txt", STORY.encode("utf-16-le"), "ok"),
    Page("utf32-bom.txt", STORY.encode("utf-32"), "ok"),
]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_each_page_gets_a_clear_status_and_the_batch_goes_on(cli: Cli, tmp_path: Path, page: Page) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / page.name).write_bytes(page.data)
    (folder / SOUND).write_text(HTML)
    result, rows = run(cli, tmp_path, folder)
    assert rows[page.name]["status"] == page.status, rows[page.name]
    assert page.says in str(rows[page.name]["error"])
    assert rows[SOUND]["status"] == "ok"
    failed = page.status not in ("ok", "empty")
    assert result.exit_code == (1 if failed else 0), result.output


# -- file names ----------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    case: str
    name: bytes  # the file name as the file system holds it
    shown: str  # the name as the report shows it
    given: str = "folder"  # "folder": found by walking; "arg": named on the command line


NAMES = [
    Name("newline", b"new\nline.html", "new\nline.html"),
    Name("escape sequence", b"esc\x1b[31mred.html", "esc\x1b[31mred.html"),
    Name("not UTF-8", b"bad\xff\xfe.html", "bad\ufffd\ufffd.html"),
    Name("not UTF-8, named", b"bad\xff.html", "bad\ufffd.html", given="arg"),
    Name("very long", b"a" * 240 + b".html", "a" * 240 + ".html"),
    Name("starts with a dash", b"-rf.html", "-rf.html"),
    Name("starts with a dash, named as ./-rf.html", b"-rf.html", "-rf.html", given="arg"),
    Name("spaces and quotes", b'it\'s "quoted" .html', 'it\'s "quoted" .html'),
]


@pytest.mark.parametrize("name", NAMES, ids=[n.case for n in NAMES])
def test_hostile_file_names_are_read_and_reported_as_encodable_text(cli: Cli, tmp_path: Path, name: Name) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    target = os.path.join(os.fsencode(folder), name.name)
    Path(os.fsdecode(target)).write_text(HTML)
    (folder / SOUND).write_text(HTML)
    args: list[str | Path] = [folder] if name.given == "folder" else [os.fsdecode(target), folder / SOUND]
    result, rows = run(cli, tmp_path, *args)  # report_rows reads the report as strict UTF-8
    assert rows[name.shown]["status"] == "ok", rows
    assert rows[SOUND]["status"] == "ok"
    assert result.exit_code == 0, result.output
    records = report_rows(tmp_path / "out.jsonl")
    assert len(records) == 2 and all(r["status"] == "ok" for r in records)


# -- symlinks ------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    case: str
    target: str  # what in/link.html (or in/sub) points to; "SECRET" is a page outside the folder
    follow: bool
    status: str
    reason: str = ""
    kind: str = "file"  # "file": in/link.html; "folder": in/sub -> target; "named": the link is an argument


LINKS = [
    Link("file symlink in a folder", "SECRET", False, "skipped", "symlink (use --follow-symlinks)"),
    Link("file symlink followed on request", "SECRET", True, "ok"),
    Link("file symlink named on the command line", "SECRET", False, "ok", kind="named"),
    Link("broken symlink in a folder", "missing.html", False, "skipped", "symlink (use --follow-symlinks)"),
    Link("broken symlink followed", "missing.html", True, "error"),
    Link("folder symlink", "OUTSIDE", False, "skipped", "symlink (use --follow-symlinks)", kind="folder"),
    Link("folder symlink followed", "OUTSIDE", True, "ok", kind="folder"),
    Link("folder symlink loop (absolute) followed", "ROOT", True, "skipped", "symlink to a folder already walked", kind="folder"),
    Link("folder symlink to itself followed", ".", True, "skipped", "symlink to a folder already walked", kind="folder"),
]  # fmt: skip


@pytest.mark.parametrize("link", LINKS, ids=[k.case for k in LINKS])
def test_symlinks_are_followed_only_by_choice(cli: Cli, tmp_path: Path, link: Link) -> None:
    folder, outside = tmp_path / "in", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.html").write_text(HTML.replace("Budget", "SECRET"))
    (folder / SOUND).write_text(HTML)
    targets = {"SECRET": outside / "secret.html", "OUTSIDE": outside, "ROOT": folder}
    target = targets.get(link.target, Path(link.target))
    name = "sub" if link.kind == "folder" else "link.html"
    (folder / name).symlink_to(target)
    args: list[str | Path] = [folder / name, folder / SOUND] if link.kind == "named" else [folder]
    if link.follow:
        args.append("--follow-symlinks")
    result, rows = run(cli, tmp_path, *args)
    row = rows["secret.html" if link.kind == "folder" and link.status == "ok" else name]
    assert row["status"] == link.status, rows
    assert link.reason in str(row["reason"])
    assert rows[SOUND]["status"] == "ok"
    assert result.exit_code == (1 if link.status == "error" else 0), result.output
    read = any("SECRET" in str(r["metadata"]) for r in report_rows(tmp_path / "out.jsonl"))
    assert read == (link.status == "ok" and link.target in ("SECRET", "OUTSIDE"))


# -- gzip bombs: memory bounded --------------------------------------------------

BOMB_MB = 200  # decompressed size of each bomb
RSS_LIMIT_MB = 180  # a cleaner process that read a bomb whole would hold 200 MB more than it starts with
MAX_BYTES = "1000000"


def _zeros_gzip(megabytes: int) -> bytes:
    """``megabytes`` MB of b"a" as gzip members of 1 MB each: cheap to build, costly to read whole."""
    return gzip.compress(b"a" * MB, compresslevel=9) * megabytes


def bomb_page() -> bytes:
    return gzip.compress(b"<html><body><p>") + _zeros_gzip(BOMB_MB)


def bomb_jsonl() -> bytes:
    tail = b'"}\n{"id": "after", "html": "<p>The record after the bomb.</p>"}\n'
    return gzip.compress(b'{"id": "bomb", "html": "') + _zeros_gzip(BOMB_MB) + gzip.compress(tail)


def bomb_warc() -> bytes:
    def head(rid: str, length: int) -> bytes:
        return (
            f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Target-URI: https://x.org/{rid}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {length}\r\n\r\n"
        ).encode()

    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    after = http + b"<p>The record after the bomb.</p>"
    return (
        gzip.compress(head("bomb", len(http) + BOMB_MB * MB) + http)
        + _zeros_gzip(BOMB_MB)
        + gzip.compress(b"\r\n\r\n" + head("after", len(after)) + after + b"\r\n\r\n")
    )


def peak_rss_mb(args: list[str], stdin: Path | None = None) -> tuple[int, str]:
    """Run ``python -m cleaner clean ARGS`` in a fresh process; its peak RSS (MB, workers included)."""
    code = (
        "import resource, subprocess, sys\n"
        "stdin = open(sys.argv[1], 'rb') if sys.argv[1] else subprocess.DEVNULL\n"
        "p = subprocess.run([sys.executable, '-m', 'cleaner', 'clean', *sys.argv[2:]], stdin=stdin)\n"
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", code, str(stdin or ""), *args], capture_output=True, text=True, env=env, check=True
    )
    code_, rss = done.stdout.split()[-2:]
    return int(rss), code_


def test_gzip_bombs_in_every_file_container_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    files = {"page.html.gz": bomb_page(), "dump.jsonl.gz": bomb_jsonl(), "crawl.warc.gz": bomb_warc()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    report = tmp_path / "report.jsonl"
    args = [*map(str, (tmp_path / n for n in files)), "--max-bytes", MAX_BYTES, "--report", str(report), "-j", "1"]
    rss, exit_code = peak_rss_mb([*args, "-o", str(tmp_path / "out.jsonl")])
    statuses = {str(r["id"]): r["status"] for r in report_rows(report)}
    assert statuses == {
        "page": "too_large",
        "dump/1": "too_large",
        "after": "ok",
        "<urn:uuid:bomb>": "too_large",
        "<urn:uuid:after>": "ok",
    }
    assert exit_code == "1"
    assert rss < RSS_LIMIT_MB, f"peak RSS {rss} MB"


STDIN_BOMBS = [
    ("page, sniffed", bomb_page, [], {"stdin": "too_large"}),
    ("page, --input-format html", bomb_page, ["--input-format", "html"], {"stdin": "too_large"}),
    ("jsonl, sniffed", bomb_jsonl, [], {"stdin/1": "too_large", "after": "ok"}),
    ("jsonl, --input-format jsonl", bomb_jsonl, ["--input-format", "jsonl"], {"stdin/1": "too_large", "after": "ok"}),
    ("warc, --input-format warc", bomb_warc, ["--input-format", "warc"],
     {"<urn:uuid:bomb>": "too_large", "<urn:uuid:after>": "ok"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "make", "options", "statuses"), STDIN_BOMBS, ids=[b[0] for b in STDIN_BOMBS])
def test_gzip_bombs_on_stdin_are_refused_in_bounded_memory(
    tmp_path: Path, case: str, make: Callable[[], bytes], options: list[str], statuses: dict[str, str]
) -> None:
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(make())
    report = tmp_path / "report.jsonl"
    rss, exit_code = peak_rss_mb(["-", "--max-bytes", MAX_BYTES, "--report", str(report), *options], stdin=bomb)
    assert {str(r["id"]): r["status"] for r in report_rows(report)} == statuses
    assert exit_code == "1"
    assert rss < RSS_LIMIT_MB, f"peak RSS {rss} MB"


def test_resource_module_reports_children() -> None:
    """The bound above means something: RUSAGE_CHILDREN sees a child that holds 300 MB."""
    code = "import resource, subprocess, sys\n" + (
        "subprocess.run([sys.executable, '-c', 'x = bytearray(300 * 1024 * 1024); x[::4096] = b\"a\" * len(x[::4096])'])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout) > RSS_LIMIT_MB
    assert resource.RUSAGE_CHILDREN is not None


def test_names_that_are_not_utf8_get_distinct_ids_and_mirrored_outputs(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    names = [b"bad\xfe.html", b"bad\xff.html"]  # both show as "bad\ufffd.html"
    for name in names:
        Path(os.fsdecode(os.path.join(os.fsencode(folder), name))).write_text(HTML)
    report, out = tmp_path / "report.jsonl", tmp_path / "out"
    result = cli("clean", folder, "--report", report, "-o", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert sorted(str(r["id"]) for r in report_rows(report)) == ["bad\ufffd", "bad\ufffd~2"]
    written = sorted(n for n in os.listdir(os.fsencode(out)) if n.endswith(b".txt"))
    assert written == [name + b".txt" for name in names]


def test_a_fifo_in_a_folder_is_skipped_not_waited_for(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.html")  # opening it would block until a writer comes
    (folder / SOUND).write_text(HTML)
    result, rows = run(cli, tmp_path, folder)
    assert rows["pipe.html"]["status"] == "skipped"
    assert rows["pipe.html"]["reason"] == "not a regular file (FIFO, socket or device)"
    assert rows[SOUND]["status"] == "ok"
    assert result.exit_code == 0

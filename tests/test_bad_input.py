"""Bad input gets a clear status, never a crash or a hang."""

from __future__ import annotations

import codecs

import pytest

from cleaner import Cleaner

GENERIC = Cleaner(mode="text", site_rules=False)
PROSE = "The committee published its findings on Thursday and said the results were encouraging. "


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", "empty"),
        ("", "empty"),
        (b"   \n\t\n  \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "binary"),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 10, "binary"),  # gzip that does not decompress
        (bytes(range(0, 32)) * 100, "binary"),
    ],
    ids=["empty-bytes", "empty-str", "whitespace", "png", "corrupt-gzip", "control-bytes"],
)
def test_statuses(data: bytes | str, status: str) -> None:
    result = GENERIC.clean(data)
    assert result.status == status
    assert result.text == ""
    assert result.error


def test_utf8_with_a_broken_byte_stays_utf8() -> None:
    data = (PROSE * 3).replace("findings", "café findings").encode("utf-8") + b" broken \xff byte."
    result = GENERIC.clean(data)
    assert result.ok and "café findings" in result.text


def test_legacy_single_byte_encoding_is_detected() -> None:
    french = (
        "Le comité a publié ses conclusions jeudi et a déclaré que les résultats étaient très encourageants "
        "pour l'année prochaine, même si la reprise économique reste fragile dans la région. "
    )
    result = GENERIC.clean((french * 3).encode("cp1252"))
    assert result.ok and "comité a publié" in result.text


def test_utf16_with_bom() -> None:
    result = GENERIC.clean(codecs.BOM_UTF16_LE + (PROSE * 3).encode("utf-16-le"))
    assert result.ok and result.text.startswith("The committee")


def test_utf16_without_bom() -> None:
    assert GENERIC.clean((PROSE * 3).encode("utf-16-le")).text.startswith("The committee")


def test_mojibake_is_repaired() -> None:
    broken = (PROSE * 2 + "It’s a café, isn’t it?").encode("utf-8").decode("cp1252")
    assert "â€™" in broken
    assert "It’s a café, isn’t it?" in GENERIC.clean(broken).text


def test_nul_bytes_are_removed() -> None:
    result = GENERIC.clean((PROSE * 3).replace("committee", "comm\x00ittee").encode())
    assert result.ok and "\x00" not in result.text and "committee" in result.text


def test_huge_single_line_finishes() -> None:
    data = b"word " * (4 * 1024 * 1024)  # 20 MB on one line, no sentence in sight
    result = GENERIC.clean(data)
    assert result.status in {"ok", "empty"}


def test_max_bytes_refuses_with_a_status() -> None:
    result = Cleaner(mode="text", site_rules=False, max_bytes=1000).clean(b"x" * 2000)
    assert result.status == "too_large" and "max_bytes" in (result.error or "")

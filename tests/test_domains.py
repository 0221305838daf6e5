"""metadata.domain: the registered domain under the Public Suffix List, for any host."""

from __future__ import annotations

import pytest

from cleaner import Cleaner
from cleaner._metadata import domain_of, registered_domain


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.example.com/a", "example.com"),
        ("http://www.bbc.co.uk/news", "bbc.co.uk"),
        ("https://www.abc.net.au/news", "abc.net.au"),
        ("https://news.example.co.jp/x", "example.co.jp"),
        # private suffixes: each user's site is its own domain
        ("https://alice.github.io/blog/post", "alice.github.io"),
        ("http://foo.blogspot.com/2020/01/a.html", "foo.blogspot.com"),
        ("https://bob.pages.dev/", "bob.pages.dev"),
        # deep public suffixes
        ("http://www.city.kawasaki.jp/a", "city.kawasaki.jp"),
        # no public suffix to find
        ("http://192.168.0.1:8080/admin", "192.168.0.1"),
        ("http://[2001:db8::1]:8080/x", "2001:db8::1"),
        ("http://localhost:8000/page", "localhost"),
        ("http://intranet/page", "intranet"),
        ("http://wiki.corp.internal/page", "corp.internal"),  # unknown suffix: the last two labels
        # the URL's other parts do not matter
        ("https://user:secret@WWW.Example.COM:443/a?b=c#d", "example.com"),
        ("https://www.example.com./a", "example.com"),
        ("www.example.org/page", "example.org"),
        ("example.org", "example.org"),
        # internationalised hosts stay in the form given
        ("http://www.bücher.de/x", "bücher.de"),
        ("http://www.xn--bcher-kva.de/x", "xn--bcher-kva.de"),
        ("http://пример.рф/", "пример.рф"),
        # garbage
        (None, None),
        ("", None),
        ("http://", None),
        ("http://[::1", None),
        ("   ", None),
    ],
)
def test_domain_of(url: str | None, domain: str | None) -> None:
    assert domain_of(url) == domain


@pytest.mark.parametrize("value", [3.5, float("nan"), b"https://example.com", ["https://example.com"]])
def test_domain_of_non_strings_is_none(value: object) -> None:
    assert domain_of(value) is None  # type: ignore[arg-type]


def test_lookups_are_cached_per_host() -> None:
    registered_domain.cache_clear()
    for path in ("a", "b", "c"):
        domain_of(f"https://alice.github.io/{path}")
    info = registered_domain.cache_info()
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.parametrize("mode", ["text", "html"])
def test_result_domain(mode: str) -> None:
    page = "The committee published its findings on Thursday and said the results were encouraging. " * 3
    data = page if mode == "text" else f"<html><body><article><p>{page}</p></article></body></html>"
    result = Cleaner(mode=mode, site_rules=False).clean(data, url="https://alice.github.io/findings")  # type: ignore[arg-type]
    assert result.metadata.domain == "alice.github.io"

"""The origin of a URL (tagaudit.model.urls.origin_of): the one answer for every part."""

from __future__ import annotations

import pytest

from tagaudit.model.urls import origin_of


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://shop.example/a?b=1#c", "https://shop.example"),
        ("https://shop.example:8443/a", "https://shop.example:8443"),
        ("HTTPS://Shop.Example/Cart/", "https://shop.example"),  # as browsers compare
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://shop.example?utm_source=x", "https://shop.example"),  # no path
        ("wss://live.shop.example/socket", "wss://live.shop.example"),
        ("http://[::1]:9/x", "http://[::1]:9"),
    ],
)
def test_scheme_and_host_lower_cased(url: str, origin: str) -> None:
    assert origin_of(url) == origin


@pytest.mark.parametrize(
    "url",
    [
        "about:blank",
        "data:text/html,<p>hi",
        "blob:https://shop.example/1234",
        "file:///tmp/page.html",
        "chrome-extension://abc/x.js",
        "/checkout/",
        "",
        None,
        "http://[::1",  # does not parse
    ],
)
def test_a_url_without_an_origin_of_its_own_has_none(url: str | None) -> None:
    assert origin_of(url) == ""

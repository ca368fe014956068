"""Scope patterns: globs on the path, whole-URL globs, `re:` regexes, excludes, scenarios."""

from __future__ import annotations

import pytest

from tagaudit.model import PageVisit
from tagaudit.rules.rule import Scope, url_matches

CASES = [
    ("**", "https://shop.test/", True),
    ("**", "https://shop.test/a/b/c?x=1", True),
    ("/checkout/thank-you*", "https://shop.test/checkout/thank-you", True),
    ("/checkout/thank-you*", "https://shop.test/checkout/thank-you-dup/?order=1", True),
    ("/checkout/thank-you*", "https://shop.test/checkout/", False),
    ("/checkout/*", "https://shop.test/checkout/a/b", False),
    ("/checkout/**", "https://shop.test/checkout/a/b", True),
    ("/p/?", "https://shop.test/p/1", True),
    ("/p/?", "https://shop.test/p/12", False),
    ("/search?q=*", "https://shop.test/search?q=shoes", True),
    ("/search", "https://shop.test/search?q=shoes", True),
    ("https://shop.test/**", "https://shop.test/x", True),
    ("https://shop.test/**", "https://other.test/x", False),
    ("https://shop.test", "https://shop.test/", True),
    ("re:^/p/\\d+$", "https://shop.test/p/42", True),
    ("re:^/p/\\d+$", "https://shop.test/p/x", False),
    ("re:utm_source=", "https://shop.test/?utm_source=a", True),
    ("re:^https://shop\\.test/", "https://shop.test/a", True),
]


@pytest.mark.parametrize(("pattern", "url", "expected"), CASES)
def test_url_matches(pattern: str, url: str, expected: bool) -> None:
    assert url_matches(pattern, url) is expected


def test_scope_excludes_scenarios_and_final_url() -> None:
    scope = Scope(pages=["/checkout/**"], exclude=["/checkout/test*"], scenarios=["accept"])
    page = PageVisit("https://shop.test/checkout/done", scenario="accept")
    assert scope.covers_page(page)
    assert not scope.covers_page(PageVisit("https://shop.test/checkout/done", scenario="none"))
    assert not scope.covers_page(PageVisit("https://shop.test/checkout/test-1", scenario="accept"))
    redirected = PageVisit("https://shop.test/go", final_url="https://shop.test/checkout/x")
    assert Scope(pages=["/checkout/**"]).covers_page(redirected)

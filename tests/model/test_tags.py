"""What one tag is: the account without its conversion label, account matching, the label.

The words rules, reports, the baseline and the pytest plugin share (tagaudit.model.tags),
and the TagHit / PageVisit properties that read them.
"""

from __future__ import annotations

import pytest

from tagaudit.model import (
    PageVisit,
    TagHit,
    account_matches,
    base_account,
    from_dict,
    tag_label,
    to_dict,
)


@pytest.mark.parametrize(
    ("account", "base"),
    [
        ("AW-123/AbC-dEf", "AW-123"),
        ("AW-123", "AW-123"),
        ("G-ABC123", "G-ABC123"),
        ("DC-1/cat/act", "DC-1"),
        (None, None),
        ("", ""),
    ],
)
def test_the_base_account_drops_the_conversion_label(account: str | None, base: str) -> None:
    assert base_account(account) == base
    assert TagHit("google_ads", account=account).base_account == base


@pytest.mark.parametrize(
    ("wanted", "account", "matches"),
    [
        (None, "AW-1/a", True),  # None wants any account
        ("", None, True),
        (None, None, True),
        ("AW-1", None, False),
        ("AW-1", "AW-1", True),
        ("AW-1", "AW-1/a", True),  # the account covers its labels
        ("AW-1/a", "AW-1/a", True),
        ("AW-1/a", "AW-1/b", False),  # a label names one conversion: another is not it
        ("AW-1/a", "AW-1", False),
        ("AW-12", "AW-1/a", False),
        ("aw-1", "AW-1/a", True),  # ids compare case-insensitively
        ("g-abc123", "G-ABC123", True),
        ("AW-1/A", "aw-1/a", True),
    ],
)
def test_account_matching(wanted: str | None, account: str | None, matches: bool) -> None:
    assert account_matches(wanted, account) is matches


def test_the_tag_label_is_provider_and_base_account() -> None:
    assert tag_label("ga4", "G-ABC123") == "ga4 G-ABC123"
    assert tag_label("google_ads", "AW-123/AbC") == "google_ads AW-123"
    assert tag_label("meta_pixel") == "meta_pixel"
    assert tag_label("meta_pixel", "") == "meta_pixel"
    hit = TagHit("google_ads", account="AW-123/AbC", event="conversion")
    assert hit.tag == "google_ads AW-123"
    assert TagHit("tiktok").tag == "tiktok"


@pytest.mark.parametrize(
    ("error", "status", "loaded"),
    [
        (None, 200, True),
        (None, None, True),  # no status seen (a file, a HAR): nothing says it failed
        (None, 304, True),
        (None, 399, True),
        (None, 400, False),
        (None, 404, False),
        (None, 503, False),
        ("net::ERR_NAME_NOT_RESOLVED", None, False),
        ("page did not load within 30 s", 200, False),
    ],
)
def test_a_page_loaded_without_error_or_4xx_5xx(
    error: str | None, status: int | None, loaded: bool
) -> None:
    assert PageVisit("https://shop.example/", status=status, error=error).loaded is loaded


def test_the_properties_stay_out_of_the_json_report() -> None:
    hit = TagHit("google_ads", account="AW-1/a", event="conversion")
    page = PageVisit("https://shop.example/", status=200, hits=[hit])
    data = to_dict(page)
    assert "loaded" not in data
    assert not {"tag", "base_account"} & set(data["hits"][0])
    assert data["hits"][0]["account"] == "AW-1/a"
    back = from_dict(PageVisit, data)
    assert back.loaded and back.hits[0].tag == "google_ads AW-1"

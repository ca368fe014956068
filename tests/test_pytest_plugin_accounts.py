"""The pytest plugin matches accounts as the rules do (tagaudit.model.account_matches).

`tracking.hits(account=…)` and `expect_hit(…, account=…)` over a recording that holds fixed
hits: no browser needed to hold the plugin to the model's words.
"""

from __future__ import annotations

from typing import Any

import pytest

from tagaudit.model import TagHit
from tagaudit.pytest_plugin import Tracking


class FixedRecording:
    """What Tracking reads of a live recording: its page and the hits decoded so far."""

    def __init__(self, hits: list[TagHit]) -> None:
        self.page: Any = None
        self._hits = hits

    def hits(self) -> list[TagHit]:
        return self._hits

    def wait(self, ms: int) -> None:
        pass


HITS = [
    TagHit("google_ads", account="AW-1/signup", event="conversion"),
    TagHit("google_ads", account="AW-1/purchase", event="conversion"),
    TagHit("google_ads", account="AW-2", event="page_view"),
    TagHit("ga4", account="G-ABC123", event="purchase"),
]


def _accounts(account: str) -> list[str | None]:
    tracking = Tracking(FixedRecording(HITS), "test")
    return [h.account for h in tracking.hits(account=account)]


def test_a_labelled_account_matches_only_that_label() -> None:
    assert _accounts("AW-1/purchase") == ["AW-1/purchase"]
    assert _accounts("AW-1/refund") == []


def test_an_account_matches_all_its_labels() -> None:
    assert _accounts("AW-1") == ["AW-1/signup", "AW-1/purchase"]


def test_accounts_compare_case_insensitively() -> None:
    assert _accounts("g-abc123") == ["G-ABC123"]
    assert _accounts("aw-1/SIGNUP") == ["AW-1/signup"]


def test_expect_hit_of_another_label_fails_listing_what_fired() -> None:
    tracking = Tracking(FixedRecording(HITS), "test")
    with pytest.raises(AssertionError, match="no google_ads AW-1/refund conversion hit"):
        tracking.expect_hit("google_ads", event="conversion", account="AW-1/refund", timeout=0)
    hit = tracking.expect_hit("google_ads", event="conversion", account="aw-1/purchase", timeout=0)
    assert hit.account == "AW-1/purchase"

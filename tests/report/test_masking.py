"""Reports meant for people mask the email addresses a page leaked into its hits."""

from __future__ import annotations

import pytest

from tagaudit.model import TagHit
from tagaudit.report.common import mask_emails, shown_params


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("jane.doe@example.com", "j***@example.com"),
        (
            "https://x.test/?email=jane.doe%40example.co.uk&a=1",
            "https://x.test/?email=j***%40example.co.uk&a=1",
        ),
        ("no address here", "no address here"),
        ("user@localhost", "user@localhost"),
    ],
)
def test_mask_emails(raw: str, shown: str) -> None:
    assert mask_emails(raw) == shown


def test_shown_params_mask_but_the_hit_keeps_its_raw_value() -> None:
    hit = TagHit(provider="ga4", params={"ep.user_email": "jane.doe@example.com", "value": 5})
    assert shown_params(hit) == [("ep.user_email", "j***@example.com"), ("value", "5")]
    assert hit.params["ep.user_email"] == "jane.doe@example.com"

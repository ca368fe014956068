"""How tagaudit names a tag: its account without a conversion label, matching, its label.

One tag is a provider and an account: `google_ads AW-123` whether a hit sent the account
alone or with a conversion label (`AW-123/AbC-dEf`, Google Ads "About conversion tracking":
the label names one conversion action of that account). Rules, reports, the baseline and
the pytest plugin read tags through these words only, so they agree on what one tag is.
`TagHit.base_account` and `TagHit.tag` say the same for a hit. Imports nothing from tagaudit.
"""

from __future__ import annotations


def base_account(account: str | None) -> str | None:
    """`AW-123/label` → `AW-123`: the account without its conversion label.

    An account that is None or empty comes back as it is.
    """
    return account.split("/", 1)[0] if account else account


def account_matches(wanted: str | None, account: str | None) -> bool:
    """Does a hit's `account` satisfy `wanted`?

    None (or empty) wants any account; `AW-123` matches `AW-123` and any of its labels
    (`AW-123/label`); a labelled `AW-123/a` matches only itself, never `AW-123/b`. Account ids
    compare case-insensitively (`g-abc123` is `G-ABC123`).
    """
    if not wanted:
        return True
    if not account:
        return False
    if wanted.lower() == account.lower():
        return True
    return "/" not in wanted and base_account(account).lower() == wanted.lower()


def tag_label(provider: str, account: str | None = None) -> str:
    """`ga4 G-ABC123`, `google_ads AW-123` (label dropped), or `meta_pixel` when no account."""
    return " ".join(part for part in (provider, base_account(account)) if part)

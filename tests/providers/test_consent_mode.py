"""Consent Mode decoding against the documented letter table and both gcd layouts."""

from __future__ import annotations

import pytest

from tagaudit.providers.consent_mode import (
    decode_consent_params,
    decode_gcd,
    decode_gcd_letter,
    decode_gcs,
)

# consent.md §4.3: letter → (default, update, effective); None = not set.
LETTER_TABLE = {
    "l": (None, None, None),
    "p": ("denied", None, "denied"),
    "q": ("denied", "denied", "denied"),
    "t": ("granted", None, "granted"),
    "r": ("denied", "granted", "granted"),
    "m": (None, "denied", "denied"),
    "n": (None, "granted", "granted"),
    "u": ("granted", "denied", "denied"),
    "v": ("granted", "granted", "granted"),
}


@pytest.mark.parametrize("letter", sorted(LETTER_TABLE))
def test_every_documented_gcd_letter(letter: str) -> None:
    decoded = decode_gcd_letter(letter)
    assert (decoded["default"], decoded["update"], decoded["effective"]) == LETTER_TABLE[letter]
    assert decoded["letter"] == letter


@pytest.mark.parametrize("letter", ["0", "A", "_", "?", ""])
def test_letters_outside_the_table_are_unknown_not_denied(letter: str) -> None:
    decoded = decode_gcd_letter(letter)
    assert (decoded["default"], decoded["update"], decoded["effective"]) == (None, None, None)


def test_classic_layout() -> None:
    gcd = decode_gcd("11p1r1t1v5")
    assert gcd["raw"] == "11p1r1t1v5"
    assert gcd["ad_storage"]["effective"] == "denied"
    assert gcd["analytics_storage"] == {
        "letter": "r",
        "default": "denied",
        "update": "granted",
        "effective": "granted",
    }
    assert gcd["ad_user_data"]["default"] == "granted"
    assert gcd["ad_personalization"]["update"] == "granted"
    assert gcd["extra"] == []


def test_newer_layout_with_an_extra_slot() -> None:
    gcd = decode_gcd("13q3n3p2u5l1")
    letters = [gcd[t]["letter"] for t in ("ad_storage", "analytics_storage", "ad_user_data")]
    assert letters == ["q", "n", "p"]
    assert gcd["ad_personalization"]["effective"] == "denied"
    assert gcd["extra"] == ["l"]


def test_all_unset_gcd_when_consent_mode_is_not_used() -> None:
    gcd = decode_gcd("13l3l3l2l1l1")
    assert all(gcd[t]["effective"] is None for t in ("ad_storage", "ad_personalization"))


def test_short_or_garbage_gcd_keeps_raw_and_never_raises() -> None:
    gcd = decode_gcd("1")
    assert gcd["raw"] == "1" and gcd["ad_storage"]["letter"] is None
    assert decode_gcd("")["analytics_storage"]["effective"] is None


@pytest.mark.parametrize(
    ("raw", "ad", "analytics"),
    [
        ("G100", "denied", "denied"),
        ("G101", "denied", "granted"),
        ("G110", "granted", "denied"),
        ("G111", "granted", "granted"),
        ("G1--", None, None),
        ("X9", None, None),
    ],
)
def test_gcs(raw: str, ad: str | None, analytics: str | None) -> None:
    assert decode_gcs(raw) == {"raw": raw, "ad_storage": ad, "analytics_storage": analytics}


def test_params_bundle_keeps_raw_and_decodes_flags() -> None:
    params = {
        "gcs": "G101",
        "npa": "1",
        "dma": "0",
        "dma_cps": "syphamo",
        "gdpr": "1",
        "gdpr_consent": "CPxyz",
        "asc": "D",
        "en": "page_view",
    }
    consent = decode_consent_params(params)
    assert set(consent) == {"gcs", "npa", "dma", "dma_cps", "gdpr", "gdpr_consent", "asc"}
    assert consent["npa"] == {"raw": "1", "non_personalized_ads": True}
    assert consent["dma"] == {"raw": "0", "in_scope": False}
    assert consent["dma_cps"] == {"raw": "syphamo"}
    assert consent["gdpr"]["applies"] is True
    assert consent["gdpr_consent"] == {"raw": "CPxyz"}
    assert consent["asc"] == {"raw": "D", "ad_storage": "denied"}


def test_params_bundle_only_reads_the_names_asked_for() -> None:
    assert decode_consent_params({"gcs": "G111", "asc": "G"}, ("asc",)) == {
        "asc": {"raw": "G", "ad_storage": "granted"}
    }

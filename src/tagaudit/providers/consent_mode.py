"""Google Consent Mode and other consent signals carried on tag hits: pure decoding.

This module owns the meaning of the consent parameters vendors put on their requests
(`gcs`, `gcd`, `npa`, `dma`, `dma_cps`, `gcu`, `gcut`, `gdpr`, `gdpr_consent`, Microsoft UET
`asc`). It imports nothing from tagaudit and never raises on odd input: unknown shapes keep
their `raw` value and mark what could not be read as `None`.

Output shape (what `TagHit.consent` holds; every entry keeps the wire value as `raw`)::

    {
      "gcs": {"raw": "G101", "ad_storage": "denied", "analytics_storage": "granted"},
      "gcd": {
        "raw": "13p3r3p2p5l1",
        "ad_storage":         {"letter": "p", "default": "denied", "update": None,
                               "effective": "denied"},
        "analytics_storage":  {"letter": "r", "default": "denied", "update": "granted",
                               "effective": "granted"},
        "ad_user_data":       {...}, "ad_personalization": {...},
        "extra": ["l"],      # letters beyond the four known slots, undecoded
      },
      "npa": {"raw": "1", "non_personalized_ads": True},
      "dma": {"raw": "1", "in_scope": True},
      "dma_cps": {"raw": "syphamo"},
      "gdpr": {"raw": "1", "applies": True},
      "gdpr_consent": {"raw": "CP…"},
      "asc": {"raw": "D", "ad_storage": "denied"},      # Microsoft UET
      "gcu": {"raw": "1"}, "gcut": {"raw": "2"},
    }

States are `"granted"`, `"denied"` or `None` (not set / unknown). For `gcd`, `effective` is the
update when there was one, else the default (consent.md §4.3).

`gcd` letters (tag-anchors.md §c.4): the letter's index in the alphabet `0-9a-zA-Z-_` packs two
2-bit states, bits 2-3 = the `default` command, bits 0-1 = the `update` command, each 1 = not
set, 2 = denied, 3 = granted. So `l` (21) = not set/not set, `p` (25) = denied/–, `r` (27) =
denied/granted, `v` (31) = granted/granted, `m` (22) = –/denied. The four types sit at string
positions 2, 4, 6, 8 in the classic `11p1p1p1p5` and the newer `13r3r3r2r5l1` layouts alike.

    >>> decode_gcs("G101")["analytics_storage"]
    'granted'
    >>> decode_gcd("11p1r1p1p5")["analytics_storage"]["effective"]
    'granted'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CONSENT_TYPES: tuple[str, ...] = (
    "ad_storage",
    "analytics_storage",
    "ad_user_data",
    "ad_personalization",
)
GCD_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
_STATE_BITS: dict[int, str | None] = {1: None, 2: "denied", 3: "granted"}
_GCS_DIGITS: dict[str, str] = {"1": "granted", "0": "denied"}

# Parameters decoded by `decode_consent_params`, in the order they are reported.
CONSENT_PARAMS: tuple[str, ...] = (
    "gcs",
    "gcd",
    "npa",
    "dma",
    "dma_cps",
    "gcu",
    "gcut",
    "gdpr",
    "gdpr_consent",
    "asc",
)


def decode_gcs(raw: str) -> dict[str, Any]:
    """`G1` + ad_storage digit + analytics_storage digit (1 granted, 0 denied, else unknown)."""
    raw = str(raw)
    digits = raw[2:4] if raw.upper().startswith("G1") else ""
    ad = _GCS_DIGITS.get(digits[:1]) if digits else None
    analytics = _GCS_DIGITS.get(digits[1:2]) if len(digits) > 1 else None
    return {"raw": raw, "ad_storage": ad, "analytics_storage": analytics}


def decode_gcd_letter(letter: str) -> dict[str, Any]:
    """One `gcd` letter → its default, update and effective states.

    >>> decode_gcd_letter("r")
    {'letter': 'r', 'default': 'denied', 'update': 'granted', 'effective': 'granted'}
    """
    index = GCD_ALPHABET.find(letter) if len(letter) == 1 else -1
    default_bits, update_bits = (index >> 2) & 3, index & 3
    # Every real letter has bit 4 set and nothing above it (g…v); others are not Consent Mode.
    if index >> 4 != 1 or default_bits == 0 or update_bits == 0:
        return {"letter": letter, "default": None, "update": None, "effective": None}
    default, update = _STATE_BITS[default_bits], _STATE_BITS[update_bits]
    return {"letter": letter, "default": default, "update": update, "effective": update or default}


def _gcd_letters(raw: str) -> list[str]:
    """The letter slots: even positions from 2 on (both layouts); else letters in order."""
    slots = list(raw[2::2])
    if slots[:4] and all(not c.isdigit() for c in slots[:4]):
        return [c for c in slots if not c.isdigit()]
    return [c for c in raw[2:] if c.isalpha()]


def decode_gcd(raw: str) -> dict[str, Any]:
    """A `gcd` string → per consent type {letter, default, update, effective}, plus extras."""
    raw = str(raw)
    letters = _gcd_letters(raw)
    out: dict[str, Any] = {"raw": raw}
    for name, letter in zip(CONSENT_TYPES, letters[:4], strict=False):
        out[name] = decode_gcd_letter(letter)
    for name in CONSENT_TYPES[len(letters) :]:
        out[name] = {"letter": None, "default": None, "update": None, "effective": None}
    out["extra"] = letters[len(CONSENT_TYPES) :]
    return out


def _flag(raw: str) -> bool | None:
    return {"1": True, "0": False, "true": True, "false": False}.get(str(raw).strip().lower())


def decode_npa(raw: str) -> dict[str, Any]:
    """`npa=1`: the hit asks for non-personalised ads."""
    return {"raw": str(raw), "non_personalized_ads": _flag(raw)}


def decode_dma(raw: str) -> dict[str, Any]:
    """`dma=1`: the request is treated as in scope of the EU Digital Markets Act."""
    return {"raw": str(raw), "in_scope": _flag(raw)}


def decode_gdpr(raw: str) -> dict[str, Any]:
    """`gdpr=1`: the TCF says GDPR applies to this user."""
    return {"raw": str(raw), "applies": _flag(raw)}


def decode_asc(raw: str) -> dict[str, Any]:
    """Microsoft UET `asc`: `G` ad_storage granted, `D` denied (UET Consent Mode)."""
    state = {"G": "granted", "D": "denied"}.get(str(raw).strip().upper())
    return {"raw": str(raw), "ad_storage": state}


_DECODERS = {
    "gcs": decode_gcs,
    "gcd": decode_gcd,
    "npa": decode_npa,
    "dma": decode_dma,
    "gdpr": decode_gdpr,
    "asc": decode_asc,
}


def decode_consent_params(
    params: Mapping[str, Any], names: tuple[str, ...] | list[str] = CONSENT_PARAMS
) -> dict[str, Any]:
    """Decode every consent parameter of `names` present in `params` (others keep `raw`).

    >>> decode_consent_params({"gcs": "G100", "npa": "1", "en": "x"})["npa"]
    {'raw': '1', 'non_personalized_ads': True}
    """
    out: dict[str, Any] = {}
    for name in names:
        value = params.get(name)
        if value is None or isinstance(value, (dict, list)):
            continue
        decoder = _DECODERS.get(name)
        out[name] = decoder(str(value)) if decoder else {"raw": str(value)}
    return out

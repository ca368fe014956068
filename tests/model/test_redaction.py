"""What counts as a credential (model.redaction): the names, the places, the OAuth code that
must be masked and the promo code that must not, and a cost linear in a page's strings."""

from __future__ import annotations

import time

import pytest

from tagaudit.model import Finding, normalise_url
from tagaudit.model.redaction import is_secret_name, mask_emails, mask_header, mask_secrets


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("https://ann:hunter2@shop.test/a", "https://***@shop.test/a"),
        (
            "https://shop.test/?access_token=a1&password=p2&key=k3&sig=s4&x_token=t5&utm_source=n",
            "https://shop.test/?access_token=***&password=***&key=***&sig=***&x_token=***"
            "&utm_source=n",
        ),
        (  # camelCase and kebab-case names
            "https://shop.test/?accessToken=a&apiKey=b&clientSecret=c&api-key=d&refreshToken=e",
            "https://shop.test/?accessToken=***&apiKey=***&clientSecret=***&api-key=***"
            "&refreshToken=***",
        ),
        (  # an OAuth authorization response (RFC 6749 §4.1.2), and RFC 9207's `iss`
            "https://shop.test/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz",
            "https://shop.test/callback?code=***&state=xyz",
        ),
        (
            "https://shop.test/cb?iss=https%3A%2F%2Fid.test&code=c1",
            "https://shop.test/cb?iss=https%3A%2F%2Fid.test&code=***",
        ),
        ("https://shop.test/cart?code=SPRING24", "https://shop.test/cart?code=SPRING24"),
        (  # a long code is a credential even without `state` (PKCE clients may omit it)
            "https://shop.test/cb?code=4%2F0AX4XfWjYxZ-long-authorization-code",
            "https://shop.test/cb?code=***",
        ),
        (  # inside GA4's dl: one level of URL encoding, user-info included
            "dl=https%3A%2F%2Fann%3Ahunter2%40shop.test%2Fcb%3Fcode%3Dc9%26state%3Ds"
            "%26accessToken%3Dt%26utm_source%3Dn&en=page_view",
            "dl=https%3A%2F%2F***%40shop.test%2Fcb%3Fcode%3D***%26state%3Ds"
            "%26accessToken%3D***%26utm_source%3Dn&en=page_view",
        ),
        (  # a redirect target encoded twice
            "https://t.test/?u=https%253A%252F%252Fshop.test%252F%253Ftoken%253Dt2%2526a%253D1",
            "https://t.test/?u=https%253A%252F%252Fshop.test%252F%253Ftoken%253D***%2526a%253D1",
        ),
        ("https://shop.test/;jsessionid=S1?a=1", "https://shop.test/;jsessionid=***?a=1"),
        ("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer ***"),
        ("the token expired", "the token expired"),
        (
            "https://shop.test/?tokens=5&monkey=1&keyword=shoes",
            "https://shop.test/?tokens=5&monkey=1&keyword=shoes",
        ),
    ],
)
def test_mask_secrets(raw: str, masked: str) -> None:
    assert mask_secrets(raw) == masked
    assert mask_secrets(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("Cookie", True),
        ("X-Staging-Token", True),
        ("accessToken", True),
        ("apiKey", True),
        ("api_key", True),
        ("ep.client_secret", True),
        ("user.password", True),
        ("session_id", False),  # an analytics session (Amplitude), not a login
        ("key", False),  # {key: "color", value: "red"}
        ("auth", False),  # {auth: true}
        ("code", False),  # TikTok's pixel code
        ("keyword", False),
        ("monkey", False),
        ("transaction_id", False),
    ],
)
def test_is_secret_name(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_a_masked_header_says_what_it_was() -> None:
    assert mask_header("Authorization", "Bearer abc.def") == "Bearer ***"
    assert mask_header("Cookie", "sid=1; cart=2") == "sid=***; cart=***"
    assert mask_header("Set-Cookie", "sid=1; Path=/; HttpOnly") == "sid=***"
    assert mask_header("X-Api-Key", "k-123") == "***"


def test_fingerprints_are_the_same_for_a_report_read_back_masked() -> None:
    """`merge` and `--baseline` read masked JSON: a finding on a URL with a token must have
    the fingerprint the unmasked run gave it (and a rotated token is no new finding)."""
    raw = "https://ann:pw@shop.test/go?access_token=T1&utm_source=n"
    masked = mask_secrets(raw)
    for category in ("stripped-params", "missing-tag"):  # with and without the query
        one = Finding("r", category, "error", "m", url=raw)
        two = Finding("r", category, "error", "m", url=masked)
        assert one.fingerprint == two.fingerprint
    assert normalise_url(raw.replace("T1", "T2"), keep_query=True) == normalise_url(raw, True)


@pytest.mark.parametrize(
    "unit",
    ["?code=", "%26", "=a", "%3Ftoken%3D%2525", "https%3A%2F%2F", "a.", "x_", "aT", "@a.b"],
)
def test_masking_costs_no_more_than_reading(unit: str) -> None:
    """A page controls these strings: ten times the length may cost about ten times the time,
    never a hundred (a quadratic pattern would). CPU time, the least of five runs: a busy
    machine slows some runs, never all of them."""

    def seconds(length: int) -> float:
        text = unit * (length // len(unit)) + "=1@x.test"
        times = []
        for _ in range(5):
            start = time.process_time()
            mask_emails(mask_secrets(text))
            times.append(time.process_time() - start)
        return min(times)

    seconds(1000)
    small, large = seconds(20_000), seconds(200_000)
    assert large < max(small, 0.001) * 30, (small, large)

"""UTM hygiene, the GA4 default channel and privacy strippers, as pure functions
(the parameter ledger they read is tested in tests/model/test_params.py)."""

from __future__ import annotations

import pytest

from tagaudit.model import Finding, LinkResult
from tagaudit.rules import links_hygiene as hygiene
from tagaudit.rules.links_channels import channel_for
from tagaudit.rules.links_privacy import strippers


def make(message, evidence, location):
    return Finding(rule_id="t", category="utm-hygiene", severity="warning", message=message)


def messages(check, url: str, args=None) -> list[str]:
    return [f.message for f in check(LinkResult(url=url), args or {}, make)]


@pytest.mark.parametrize(
    ("source", "medium", "campaign", "channel"),
    [
        ("google", "cpc", "x", "Paid Search"),
        ("facebook", "paid_social", "x", "Paid Social"),
        ("facebook", "social_paid", "x", "Organic Social"),
        ("email", "cpc", "x", "Paid Other"),
        ("newsletter", "email", "x", "Email"),
        ("newsletter", "qr", "x", "Unassigned"),
        ("foo", "cpm", "x", "Display"),
        ("youtube", "cpm", "x", "Paid Video"),
        ("amazon", "ppc", "x", "Paid Shopping"),
        ("partner", "cpc", "summer-shop", "Paid Shopping"),
        ("partner", "affiliate", "x", "Affiliates"),
        ("app", "web-push", "x", "Mobile Push Notifications"),
        ("Google", "CPC", "x", "Paid Search"),
        ("a", "b", "Cross-Network spring", "Cross-network"),
        ("(direct)", "(none)", "", "Direct"),
    ],
)
def test_ga4_default_channel(source, medium, campaign, channel):
    assert channel_for(source, medium, campaign) == channel


def test_missing_and_untagged():
    assert messages(hygiene.missing, "https://a/?utm_source=x") == [
        "missing utm_medium, utm_campaign"
    ]
    assert messages(hygiene.missing, "https://a/") == [
        "untagged campaign link: missing utm_source, utm_medium, utm_campaign"
    ]
    assert messages(hygiene.missing, "https://a/?gclid=1") == []


def test_empty_encoding_and_unknown_names():
    url = "https://a/?utm_source=&utm_medium=e mail&utm_souce=x&utm_campaign=%zz"
    assert messages(hygiene.empty, url) == ["empty utm_source"]
    assert messages(hygiene.encoding, url) == [
        "unencoded characters in utm_medium='e mail'; utm_campaign='%zz'"
    ]
    assert messages(hygiene.unknown_names, url) == [
        "unknown parameter utm_souce (did you mean utm_source?)"
    ]


def test_channel_flags_unassigned_and_unexpected():
    url = "https://a/?utm_source=newsletter&utm_medium=qr&utm_campaign=s"
    assert messages(hygiene.channel, url) == [
        "GA4 would file this link under Unassigned (source='newsletter', medium='qr')"
    ]
    link = LinkResult(url="https://a/?utm_source=google&utm_medium=cpc&utm_campaign=s")
    link.expected["channel"] = "Email"
    found = hygiene.channel(link, {}, make)
    assert [f.message for f in found] == [
        "GA4 would file this link under Paid Search, expected Email"
    ]


def test_case_variants_across_one_campaign():
    links = [
        LinkResult(url="https://a/?utm_source=Facebook&utm_medium=social&utm_campaign=Spring"),
        LinkResult(url="https://a/b?utm_source=facebook&utm_medium=social&utm_campaign=spring"),
        LinkResult(url="https://a/?utm_source=facebook&utm_medium=social&utm_campaign=autumn"),
    ]
    found = hygiene.case_variants(links, lambda link: make)
    assert [f.message for f in found] == [
        "utm_source spelt 'Facebook' / 'facebook' in campaign 'spring'",
        "utm_campaign spelt 'Spring' / 'spring' in campaign 'spring'",
    ]


def test_privacy_strippers_are_advice_per_browser():
    assert strippers(["gclid", "utm_source", "ttclid", "fbclid"]) == {
        "gclid": ["brave", "safari"],
        "fbclid": ["brave", "firefox", "safari"],
    }

"""A run's own GA4 source names (`links.sources`) reach the channel rules through the rule
set, never a global: re-evaluating a report with the config's rules gives the run's verdicts."""

from __future__ import annotations

import tagaudit
from tagaudit.model import Hop, LinkResult, Report

LINK = "https://shop.test/?utm_source=mastodon&utm_medium=referral&utm_campaign=spring"


def _report() -> Report:
    link = LinkResult(url=LINK, final_url=LINK, final_status=200, verdict="ok")
    link.hops = [Hop(url=LINK, status=200)]
    return Report(links=[link])


def _channels(rules: object = None) -> list[str]:
    findings = tagaudit.evaluate(_report(), rules)
    return [f.message for f in findings if f.rule_id == "utm-channel"]


def test_the_config_sources_reach_the_channel_rule_every_time() -> None:
    config = {"links": {"sources": {"social": ["mastodon"]}}}
    rules = tagaudit.load_rules(config)
    assert _channels(rules) == ["GA4 default channel: Organic Social"]
    assert _channels(rules) == ["GA4 default channel: Organic Social"]  # the same, again
    # Without them, the built-in lists do not know the source: nothing leaked from before.
    assert _channels(tagaudit.load_rules()) == ["GA4 default channel: Referral"]
    assert _channels(rules) == ["GA4 default channel: Organic Social"]

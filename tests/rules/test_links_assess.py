"""Link findings: the pure checks, and the same checks through the rules engine."""

from __future__ import annotations

import asyncio

import pytest

from tagaudit.links.inputs import LinkTarget
from tagaudit.model import Finding, Hop, LinkResult, Report
from tagaudit.model.params import build_ledger
from tagaudit.rules import links_assess as assess
from tagaudit.runner.links import follow_and_look as check_links
from tests.support.redirect_server import CAMPAIGN


def make(message, evidence, location):
    return Finding(
        rule_id="t",
        category="x",
        severity="error",
        message=message,
        location=location,
        evidence=evidence,
    )


def checked(routes, quick, *targets: LinkTarget) -> list[LinkResult]:
    return asyncio.run(check_links(list(targets), quick))


def test_stripped_params_message_names_params_and_first_hop(routes, quick):
    (link,) = checked(routes, quick, LinkTarget(routes.url("/start?utm_source=n&utm_campaign=s")))
    (found,) = assess.stripped_params(link, {}, make)
    assert (
        found.message == "utm_source, utm_campaign dropped at hop 2 (301 from /go/spring to /promo)"
    )
    assert found.location == {"hop": 2}
    assert found.evidence["server"] == "basehttp"  # the test server's Server header


def test_expected_landing_mismatch_has_both_urls(routes, quick):
    target = LinkTarget(routes.url(f"/wrong?{CAMPAIGN}"), expected_landing="/promo")
    (link,) = checked(routes, quick, target)
    (found,) = assess.landing(link, {}, make)
    assert found.message == f"lands on {routes.url('/home?' + CAMPAIGN)}, expected /promo"
    good = LinkTarget(routes.url(f"/start?{CAMPAIGN}"), expected_landing="127.0.0.1/prom*")
    (link,) = checked(routes, quick, good)
    assert assess.landing(link, {}, make) == []


def test_must_arrive(routes, quick):
    target = LinkTarget(routes.url(f"/partial?{CAMPAIGN}"), must_arrive=["gclid", "utm_medium"])
    (link,) = checked(routes, quick, target)
    (found,) = assess.must_arrive(link, {}, make)
    assert found.message.startswith("gclid did not arrive on the landing page")


def test_chain_budget(routes, quick):
    (link,) = checked(routes, quick, LinkTarget(routes.url("/chain/4")))
    (found,) = assess.chain_length(link, {"max_hops": 3}, make)
    assert found.message.startswith("4 redirects (budget 3): /chain/4 [302] → /chain/3 [302]")
    assert assess.chain_length(link, {"max_hops": 4}, make) == []


def test_https_downgrade():
    link = LinkResult(
        url="https://a/", hops=[Hop("https://a/", 301, "http://b/"), Hop("http://b/", 200)]
    )
    (found,) = assess.https_downgrade(link, {}, make)
    assert found.message == "https → http at hop 1 (https://a/ → http://b/)"


def test_broken_and_unverifiable_verdicts(routes, quick):
    gone, wall = checked(
        routes, quick, LinkTarget(routes.url("/gone")), LinkTarget(routes.url("/li"))
    )
    assert [f.message for f in assess.verdict(gone, {"verdict": "broken"}, make)] == [
        "HTTP 404 at hop 2 (/missing)"
    ]
    assert assess.verdict(wall, {"verdict": "broken"}, make) == []
    assert len(assess.verdict(wall, {"verdict": "unverifiable"}, make)) == 1


def test_input_copies_keep_their_own_expectations(routes, quick):
    url = routes.url("/landing?copies=1")
    a, b = checked(
        routes,
        quick,
        LinkTarget(url, source="x:1"),
        LinkTarget(url, source="x:2", expected_landing="/other"),
    )
    assert a.expected == {"source": "x:1"}
    assert b.expected == {"source": "x:2", "landing": "/other"}
    assert routes.hits["/landing?copies=1"] == 1


@pytest.fixture()
def report(routes, quick) -> Report:
    targets = [
        LinkTarget(routes.url(f"/start?{CAMPAIGN}")),
        LinkTarget(routes.url("/loop/a?utm_source=a&utm_medium=email&utm_campaign=c")),
        LinkTarget(routes.url("/landing?utm_source=newsletter&utm_medium=qr&utm_campaign=c")),
    ]
    return Report(links=checked(routes, quick, *targets))


def ids(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.url.split("/", 3)[3]) for f in findings)


def test_the_link_rules_run_in_the_rules_engine(report):
    from tagaudit.rules.engine import apply, load_rules

    apply(report, load_rules())
    assert ("link-stripped-params", f"start?{CAMPAIGN}") in ids(report.findings)
    assert ("link-broken", "loop/a?utm_source=a&utm_medium=email&utm_campaign=c") in ids(
        report.findings
    )
    unassigned = [f for f in report.findings if f.rule_id == "utm-unassigned"]
    assert [f.category for f in unassigned] == ["utm-hygiene"]
    assert {f.severity for f in report.findings if f.rule_id == "link-privacy-strip"} == {"info"}


def test_a_parameter_put_back_later_is_not_lost():
    hops = [
        Hop("https://a/?utm_source=s&gclid=g", 302),
        Hop("https://a/login", 302),
        Hop("https://a/promo?utm_source=s", 200),
    ]
    link = LinkResult(url=hops[0].url, hops=hops, ledger=build_ledger(hops))
    (found,) = assess.stripped_params(link, {}, make)
    assert found.message == "gclid dropped at hop 1 (302 from / to /login)"


def test_server_signatures_and_hints():
    import httpx

    from tagaudit.links.servers import server_of

    assert server_of(httpx.Headers({"Server": "nginx/1.25.3"})) == "nginx"
    assert server_of(httpx.Headers({"Server": "cloudflare", "CF-RAY": "8a"})) == "cloudflare"
    assert server_of(httpx.Headers({"X-Amz-Cf-Id": "x", "Server": "AmazonS3"})) == "cloudfront"
    assert server_of(httpx.Headers({})) is None
    hops = [Hop("https://a/?gclid=1", 301, "/b", server="nginx"), Hop("https://a/b", 200)]
    link = LinkResult(url=hops[0].url, hops=hops, ledger=build_ledger(hops))
    (found,) = assess.stripped_params(link, {}, make)
    assert found.evidence["server"] == "nginx"
    assert "$is_args$args" in found.evidence["server_hint"]

"""The follower against a real threaded server on 127.0.0.1: hops, verdicts, ledger."""

from __future__ import annotations

import asyncio

import pytest

from tagaudit.links.follower import Follower
from tagaudit.links.settings import LinkSettings
from tagaudit.model import LinkResult
from tests.support.redirect_server import CAMPAIGN


def follow(settings: LinkSettings, url: str) -> LinkResult:
    async def run() -> LinkResult:
        async with Follower(settings) as follower:
            return await follower.follow(url)

    return asyncio.run(run())


def paths(result: LinkResult, port: int) -> list[str]:
    return [h.url.split(f":{port}", 1)[1].split("?", 1)[0] for h in result.hops]


@pytest.mark.parametrize("transport", ["asyncio", "aiohttp", "httpx"])
@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_each_redirect_status_is_a_hop_and_keeps_params(routes, quick, code, transport):
    quick.transport = transport
    result = follow(quick, routes.url(f"/s/{code}?{CAMPAIGN}"))
    assert result.verdict == "ok"
    assert [h.status for h in result.hops] == [code, 200]
    assert result.hops[0].location == f"/landing?{CAMPAIGN}"
    assert result.final_url == routes.url(f"/landing?{CAMPAIGN}")
    assert result.ledger[0].kept == ["utm_source", "utm_medium", "utm_campaign", "gclid"]
    assert result.ledger[0].dropped == []


@pytest.mark.parametrize(
    ("path", "landed"), [("/dir/rel", "/dir/landing"), ("/up/dir/rel", "/dir/landing")]
)
def test_relative_locations_resolve_against_the_hop(routes, quick, path, landed):
    result = follow(quick, routes.url(f"{path}?{CAMPAIGN}"))
    assert paths(result, routes.port) == [path, landed]
    assert result.final_status == 200


def test_first_hop_that_lost_the_params_is_named(routes, quick):
    result = follow(quick, routes.url(f"/start?{CAMPAIGN}"))
    assert paths(result, routes.port) == ["/start", "/go/spring", "/promo"]
    assert [c.hop for c in result.ledger] == [1, 2]
    assert result.ledger[0].kept and not result.ledger[0].dropped
    assert result.ledger[1].dropped == ["utm_source", "utm_medium", "utm_campaign", "gclid"]


def test_changed_value_and_encoding_are_told_apart(routes, quick):
    result = follow(quick, routes.url(f"/lower?{CAMPAIGN}"))
    change = result.ledger[0]
    assert change.changed == ["utm_source", "utm_campaign"]
    assert change.details["utm_source"] == "value 'Google' → 'google'"
    assert change.details["utm_campaign"] == "encoding 'spring%20sale' → 'spring+sale'"
    assert change.kept == ["utm_medium", "gclid"]


def test_reencoding_only(routes, quick):
    change = follow(quick, routes.url(f"/reencode?{CAMPAIGN}")).ledger[0]
    assert change.changed == ["utm_campaign"] and change.details["utm_campaign"].startswith("enc")


def test_params_moved_into_the_fragment(routes, quick):
    change = follow(quick, routes.url(f"/frag?{CAMPAIGN}")).ledger[0]
    assert change.moved_to_fragment == ["utm_source", "utm_medium", "utm_campaign", "gclid"]
    assert change.dropped == [] and change.kept == []


def test_partial_drop(routes, quick):
    change = follow(quick, routes.url(f"/partial?{CAMPAIGN}")).ledger[0]
    assert change.kept == ["utm_medium"]
    assert change.dropped == ["utm_source", "utm_campaign", "gclid"]


def test_loop_is_named_with_its_cycle(routes, quick):
    result = follow(quick, routes.url("/loop/a?x=1"))
    assert (result.verdict, result.reason) == ("broken", "loop")
    assert result.error == "redirect loop: /loop/a → /loop/b → /loop/c → /loop/a"
    assert len(result.hops) == 3


def test_hop_cap(routes, quick):
    quick.max_hops = 4
    result = follow(quick, routes.url("/chain/6"))
    assert (result.verdict, result.reason) == ("broken", "too-many-hops")
    assert len(result.hops) == 5 and result.hops[-1].location == "/chain/1"


def test_long_chain_within_cap_is_ok(routes, quick):
    result = follow(quick, routes.url(f"/chain/5?{CAMPAIGN}"))
    assert result.verdict == "ok" and len(result.hops) == 6
    assert result.ledger[-1].kept == ["utm_source", "utm_medium", "utm_campaign", "gclid"]


@pytest.mark.parametrize(("path", "status"), [("/gone", 404), ("/err", 500)])
def test_error_endings_are_broken(routes, quick, path, status):
    result = follow(quick, routes.url(path))
    assert (result.verdict, result.reason, result.final_status) == ("broken", "http-status", status)


def test_500_is_retried_before_it_counts(routes, quick):
    before = routes.hits["/err?retry=1"]
    follow(quick, routes.url("/err?retry=1"))
    assert routes.hits["/err?retry=1"] - before == quick.retries + 1


def test_timeout_is_broken_not_raised(routes, quick):
    quick.timeout = 0.2
    result = follow(quick, routes.url("/slow"))
    assert (result.verdict, result.reason) == ("broken", "timeout")


def test_429_with_retry_after_then_success(routes, quick):
    result = follow(quick, routes.url("/limited?n=1"))
    assert result.verdict == "ok" and result.final_status == 200
    assert routes.hits["/limited?n=1"] == 2


def test_429_after_retries_is_unverifiable(routes, quick):
    result = follow(quick, routes.url("/always429"))
    assert (result.verdict, result.reason) == ("unverifiable", "rate-limited")


@pytest.mark.parametrize("path", ["/wall", "/li"])
def test_bot_walls_are_unverifiable(routes, quick, path):
    result = follow(quick, routes.url(path))
    assert (result.verdict, result.reason) == ("unverifiable", "bot-wall")


def test_meta_refresh_is_a_hop(routes, quick):
    result = follow(quick, routes.url(f"/meta?{CAMPAIGN}"))
    assert [h.via for h in result.hops] == ["meta", "http"]
    assert result.hops[0].location == f"/landing?{CAMPAIGN}"
    assert result.final_url == routes.url(f"/landing?{CAMPAIGN}")


def test_cookies_set_on_a_hop_are_sent_on_the_next(routes, quick):
    assert follow(quick, routes.url("/cookie")).final_status == 200


@pytest.mark.parametrize("transport", ["asyncio", "aiohttp", "httpx"])
def test_a_cookie_one_link_got_never_rides_on_another(routes, quick, transport):
    """Each link has its own jar; the shared transport keeps none (aiohttp's default would).

    By host name: aiohttp's default jar ignores cookies from IP addresses.
    """
    quick.transport = transport
    by_name = routes.url("").replace("127.0.0.1", "localhost")

    async def run() -> tuple[LinkResult, LinkResult]:
        async with Follower(quick) as follower:
            first = await follower.follow(by_name + "/cookie")
            return first, await follower.follow(by_name + "/cookie2")

    first, second = asyncio.run(run())
    assert (first.final_status, second.final_status) == (200, 403)


def test_connection_refused_is_broken(quick):
    result = follow(quick, "http://127.0.0.1:9/nothing")
    assert (result.verdict, result.reason) == ("broken", "connect")


def test_identical_urls_are_followed_once(routes, quick):
    url = routes.url("/landing?dedupe=1")

    async def run() -> dict[str, LinkResult]:
        async with Follower(quick) as follower:
            return await follower.follow_all([url, url, url])

    assert list(asyncio.run(run())) == [url]
    assert routes.hits["/landing?dedupe=1"] == 1


def test_a_page_that_refreshes_itself_is_not_a_redirect(routes, quick):
    result = follow(quick, routes.url("/reload"))
    assert result.verdict == "ok" and len(result.hops) == 1 and result.hops[0].location is None


def test_a_raw_space_the_server_encodes_is_kept_not_changed(routes, quick):
    result = follow(quick, routes.url("/s/301?utm_campaign=spring sale&utm_source=a"))
    assert result.final_status == 200
    assert result.ledger[0].kept == ["utm_campaign", "utm_source"]

"""The demo site's exact tag inventory, captured in real headless Chromium.

fixtures/demo-site/EXPECTED.yaml lists, page by page, every hit (provider, account, event,
count) with key parameters, how GA4 batched its events, and what the CSP blocked. This test
holds the capture + decoding pipeline to it, strictly both ways, and checks that no hit left
the machine: every request to a vendor host was answered by tagaudit itself.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

pytestmark = pytest.mark.e2e
EXPECTED = Path(__file__).resolve().parents[2] / "fixtures" / "demo-site" / "EXPECTED.yaml"


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages(demo_audit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {urlsplit(p["url"]).path: p for p in demo_audit["pages"]}


def hit_counts(page: dict[str, Any]) -> Counter:
    """The page's tag hits that left it (a hit its CSP blocked is decoded, marked, not sent)."""
    return Counter(
        (h["provider"], h["account"], h["event"])
        for h in page["hits"]
        if h["kind"] == "hit" and h.get("blocked") != "csp"
    )


def test_the_crawl_reached_every_page(expected: dict, pages: dict) -> None:
    assert set(pages) == set(expected["pages"])


def test_every_page_fires_exactly_its_expected_hits(expected: dict, pages: dict) -> None:
    for path, spec in expected["pages"].items():
        want = Counter(
            {(h["provider"], h["account"], h["event"]): h["count"] for h in spec["hits"]}
        )
        assert hit_counts(pages[path]) == want, path
        assert pages[path]["status"] == spec["status"], path


def _same(actual: Any, wanted: Any) -> bool:
    try:
        return float(actual) == float(wanted)
    except (TypeError, ValueError):
        return str(actual) == str(wanted)


def test_key_parameters_are_decoded(expected: dict, pages: dict) -> None:
    checked = 0
    for path, spec in expected["pages"].items():
        for want in spec["hits"]:
            hits = [
                h
                for h in pages[path]["hits"]
                if (h["provider"], h["account"], h["event"])
                == (want["provider"], want["account"], want["event"])
            ]
            for name, value in (want.get("params") or {}).items():
                for hit in hits:
                    got = hit["params"].get(name)
                    got = len(got) if name == "items" and isinstance(got, list) else got
                    assert _same(got, value), f"{path} {want['event']} {name}: {got!r}"
                    checked += 1
            for name in want.get("params_absent") or []:
                assert all(name not in h["params"] for h in hits), f"{path} {name}"
    assert checked > 30


def test_ga4_events_keep_their_batches(expected: dict, pages: dict) -> None:
    for path, spec in expected["pages"].items():
        page = pages[path]
        by_request: dict[int, list[str]] = {}
        for hit in page["hits"]:
            if hit["provider"] == "ga4" and hit["kind"] == "hit":
                by_request.setdefault(hit["request_index"], []).append(hit["event"])
        assert [by_request[i] for i in sorted(by_request)] == spec["ga4_batches"], path


def test_csp_blocked_hits_are_recorded_not_counted(expected: dict, pages: dict) -> None:
    spec = expected["pages"]["/landing/webinar/"]
    page = pages["/landing/webinar/"]
    blocked = [r for r in page["requests"] if r["failure"] == "csp"]
    for want in spec["blocked_by_csp"]:
        assert any(r["url"].startswith(want["url_prefix"]) for r in blocked), want
    assert {v["directive"] for v in page["csp_violations"]} >= {"img-src", "connect-src"}


def test_no_hit_left_the_machine(pages: dict) -> None:
    vendor = 0
    for page in pages.values():
        for request in page["requests"]:
            if urlsplit(request["url"]).hostname == "127.0.0.1" or request["failure"] == "csp":
                continue
            vendor += 1
            assert request["answered_locally"], request["url"]
    assert vendor > 100


def test_identifier_cookies_and_data_layer(pages: dict) -> None:
    page = pages["/checkout/thank-you/"]
    assert {"_ga", "_fbp"} <= {c["name"] for c in page["cookies"]}
    events = [e.get("event") for e in page["data_layer"] if isinstance(e, dict)]
    assert "purchase" in events

"""What the SDK fixture pages (fixtures/sdk-site) send, shared by the tests that drive them:
the events each page's SDK sends with its defaults, how a vendor answers, and the site's
server and sink modules (standalone files of the fixture, loaded by path)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SITE = Path(__file__).resolve().parents[2] / "fixtures" / "sdk-site"
NODE_MODULES = SITE.parents[1] / "node_modules"
POSTHOG = "phc_TagauditFixtureToken0123456789abcdefABCD"
MIXPANEL = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
AMPLITUDE = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
SEGMENT = "Tg4uD1tF1xtur3Wr1teKey0123456789"
RUDDERSTACK = "2TagauditFixtureWriteKey01A"
DATASTREAM = "7e6d5c4b-3a29-4180-9f0e-1d2c3b4a5968"
DATADOG = "3f2e1d0c-9b8a-4766-8554-433221100fed"
POSTHOG_LITE = "phc_TagauditLiteToken0123456789abcdefABCDEF"
JITSU = "jitsuFixtureKey01"
COUNTLY = "0123456789abcdef0123456789abcdef01234567"
STATSIG = "client-TagauditFixtureKey0123456789abcdef"
LAUNCHDARKLY = "0a1b2c3d4e5f60718293a4b5"
FARO = "0123456789abcdef0123456789abcdef"
CLARITY = "tgaudfix01"
# Every event each page's SDK sends with its defaults (the page's own calls plus what the SDK
# adds by itself), as decoded: (provider, account, event).
EXPECTED: dict[str, set[tuple[str, str, str]]] = {
    "posthog": {
        ("posthog", POSTHOG, "$pageview"),
        ("posthog", POSTHOG, "purchase"),
        ("posthog", POSTHOG, "$identify"),
    },
    "mixpanel": {
        ("mixpanel", MIXPANEL, "$mp_web_page_view"),
        ("mixpanel", MIXPANEL, "Purchase"),
        ("mixpanel", MIXPANEL, "$identify"),
        ("mixpanel", MIXPANEL, "$set_once"),
        ("mixpanel", MIXPANEL, "$set"),
    },
    "amplitude": {
        ("amplitude", AMPLITUDE, "session_start"),
        ("amplitude", AMPLITUDE, "[Amplitude] Page Viewed"),
        ("amplitude", AMPLITUDE, "Purchase"),
        ("amplitude", AMPLITUDE, "$identify"),
    },
    "segment": {
        ("segment", SEGMENT, "page"),
        ("segment", SEGMENT, "Order Completed"),
        ("segment", SEGMENT, "identify"),
    },
    "rudderstack": {
        ("rudderstack", RUDDERSTACK, "page"),
        ("rudderstack", RUDDERSTACK, "Order Completed"),
        ("rudderstack", RUDDERSTACK, "identify"),
    },
    "snowplow": {
        ("snowplow", "tagaudit-fixture", "page_view"),
        ("snowplow", "tagaudit-fixture", "order_completed"),
        ("snowplow", "tagaudit-fixture", "purchase"),
    },
    # Vendors added by issue 19: SDKs that speak another vendor's wire format to the shop's
    # own hosts (Jitsu: Segment's; posthog-js-lite through a proxy; a self-hosted Countly)
    # and vendors of their own.
    "alloy": {
        ("adobe_web_sdk", DATASTREAM, "web.webpagedetails.pageViews"),
        ("adobe_web_sdk", DATASTREAM, "commerce.purchases"),
    },
    "datadog": {("datadog_rum", DATADOG, "view"), ("datadog_rum", DATADOG, "purchase")},
    "posthog-lite": {
        ("posthog", POSTHOG_LITE, "$pageview"),
        ("posthog", POSTHOG_LITE, "purchase"),
        ("posthog", POSTHOG_LITE, "$identify"),
    },
    "jitsu": {
        ("segment", JITSU, "page"),
        ("segment", JITSU, "Order Completed"),
        ("segment", JITSU, "identify"),
    },
    "countly": {
        ("countly", COUNTLY, "health_check"),
        ("countly", COUNTLY, "begin_session"),
        ("countly", COUNTLY, "[CLY]_orientation"),
        ("countly", COUNTLY, "[CLY]_view"),
        ("countly", COUNTLY, "purchase"),
    },
    "statsig": {
        ("statsig", STATSIG, "statsig::diagnostics"),
        ("statsig", STATSIG, "statsig::gate_exposure"),
        ("statsig", STATSIG, "purchase"),
    },
    "launchdarkly": {
        ("launchdarkly", LAUNCHDARKLY, "identify"),
        ("launchdarkly", LAUNCHDARKLY, "purchase"),
        ("launchdarkly", LAUNCHDARKLY, "summary"),
    },
    "faro": {
        ("grafana_faro", FARO, "session_start"),
        ("grafana_faro", FARO, "purchase"),
        ("grafana_faro", FARO, "faro.performance.navigation"),
        ("grafana_faro", FARO, "web-vitals"),
        ("grafana_faro", FARO, "log"),
        ("grafana_faro", FARO, "exception"),
    },
    # Microsoft Clarity's own tracker (clarity-js on npm): the page's first upload opens the
    # page view and carries the custom events; later uploads (a timer, the page-hide beacon)
    # carry replay data.
    "clarity": {
        ("clarity", CLARITY, "page_view"),
        ("clarity", CLARITY, "purchase"),
        ("clarity", CLARITY, "sign_up"),
        ("clarity", CLARITY, "upload"),
    },
}
# Events an SDK sends only when the page takes its time to go (timing, not a fault): Countly
# ends its session on `beforeunload` by queueing a `session_duration` request, which leaves
# only if its 0.5 s queue timer fires before the next document commits; on a busy runner the
# commit took 0.3-0.8 s and it did. Allowed, never required; an audit must mark it `leaving`.
MAY_SEND_ON_LEAVE: dict[str, set[str]] = {"countly": {"session_duration"}}


def may_send_on_leave(sdk: str) -> set[tuple[str, str, str]]:
    """MAY_SEND_ON_LEAVE of `sdk` as (provider, account, event), like EXPECTED."""
    provider, account, _ = next(iter(EXPECTED[sdk]))
    return {(provider, account, event) for event in MAY_SEND_ON_LEAVE.get(sdk, ())}


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"sdk_site_{name}", SITE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _answer(url: str) -> tuple[int, str, str]:
    """What the vendor would answer: Mixpanel, Amplitude, Countly and Adobe's Edge read the
    body, not the status (Countly backs off for a minute, alloy throws, on anything else)."""
    if "mixpanel.com" in url:
        return 200, '{"status":1,"error":null}', "application/json"
    if "amplitude.com" in url:
        return 200, '{"code":200,"events_ingested":1}', "application/json"
    if "countly" in url.split("/")[2] if "://" in url else False:
        return 200, '{"result":"Success"}', "application/json"
    if "/ee/v1/" in url:
        return 200, '{"requestId":"0","handle":[]}', "application/json"
    return 200, "{}", "application/json"

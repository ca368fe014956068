"""Root causes and their fixes: the words every missing-tag finding shares.

A cause is a short key (`csp img-src https://www.facebook.com`, `http-error <url>`,
`not-configured ga4 G-1`): two findings on one page with the same cause are one problem, and
tagaudit.rules.causes keeps one of them. A fix is one sentence that matches its cause: which
directive to extend with which host, which URL answers 404, which `gtag('config', …)` call
is missing, which consent purpose holds the tag back. Imports only the model's words (the
base account of a tag, the origin of a URL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tagaudit.model import base_account
from tagaudit.model.urls import origin_of

# Tags that share one library: gtag.js runs GA4, Google Ads and Floodlight, each switched on
# by its own gtag('config', id).
SHARED_LIBRARY = {"ga4": "gtag", "google_ads": "gtag", "floodlight": "gtag"}

# Which consent purpose a vendor waits for (Consent Mode names; CMPs call them statistics
# and marketing). https://developers.google.com/tag-platform/security/concepts/consent-mode
ANALYTICS_PROVIDERS = frozenset(
    [
        "ga4",
        "universal_analytics",
        "adobe_analytics",
        "matomo",
        "plausible",
        "posthog",
        "hotjar",
        "clarity",
        "amplitude",
        "mixpanel",
        "segment",
        "snowplow",
        "rudderstack",
        "piwik_pro",
    ]
)


@dataclass
class Explanation:
    """A reason code, one sentence for people, what it was read from, the root cause (a key
    shared by every finding about it on the page) and the fix that matches that cause."""

    why: str
    text: str
    evidence: dict[str, Any] = field(default_factory=dict)
    cause: str = ""
    fix: str = ""


def tag_cause(why: str, provider: str, account: str | None, event: str | None = None) -> str:
    """The cause key of a reason that belongs to one tag (not to one request)."""
    return " ".join(part for part in (why, provider, base_account(account), event) if part)


def host_of(url: str) -> str:
    """`https://www.facebook.com` from a request URL: what a CSP source list names (its
    origin; a CSP report's `inline`, `eval` or `data` comes back as it is)."""
    return origin_of(url) or url


def csp_cause(directive: str | None, url: str) -> str:
    """One cause per directive and host: one header change fixes every request it blocked."""
    return f"csp {directive or '?'} {host_of(url)}"


def csp_fix(directive: str | None, url: str) -> str:
    """Which directive of the page's Content-Security-Policy to extend with which host."""
    host = host_of(url)
    if directive:
        return (
            f"Add {host} to the {directive} directive of this page's Content-Security-Policy "
            f"(or to default-src if the policy has no {directive})."
        )
    return f"Allow {host} in this page's Content-Security-Policy."


def request_cause(why: str, url: str) -> str:
    """One cause per failing URL (without its query: cache-busters differ per request)."""
    return f"{why} {url.split('?', 1)[0].split('#', 1)[0]}"


def request_fix(problem: str, url: str, what: str) -> str:
    """The URL that failed and what to do about it."""
    bare = url.split("?", 1)[0]
    if "library" in what:
        if problem.startswith("HTTP "):
            return (
                f"{bare} answers {problem}: fix the script URL in the page template or tag "
                "manager (or load the vendor's own copy of the library)."
            )
        return f"{bare} failed ({problem}): check the script's host and URL, then re-run."
    return (
        f"The endpoint {bare} answered {problem}: check the collection endpoint (first-party "
        "proxy or server-side container) that receives these hits."
        if problem.startswith("HTTP ")
        else f"Requests to {bare} failed ({problem}): check the host and the network path."
    )


def configure_fix(provider: str, account: str | None) -> str:
    """The missing set-up call: `gtag('config', id)` for the Google tag family."""
    base = base_account(account) or ""
    if SHARED_LIBRARY.get(provider) == "gtag" and base:
        return (
            f"Add gtag('config', '{base}') to this page's Google tag snippet (after "
            "gtag('js', new Date())), or fire its Google tag in Tag Manager on this page."
        )
    return f"Initialise {provider} {base} on this page (its library runs, but not for this id)."


def consent_purpose(provider: str) -> str:
    """`analytics_storage` for measurement tools, `ad_storage` for advertising tags."""
    return "analytics_storage" if provider in ANALYTICS_PROVIDERS else "ad_storage"


def send_fix(provider: str, event: str | None) -> str:
    if provider == "ga4" and event:
        return f"Send the event on this page: gtag('event', '{event}', {{…}}) or a GA4 event tag."
    what = f"the {event} event" if event else "its hits"
    return f"Make {provider} send {what} on this page (the code that should send it did not run)."

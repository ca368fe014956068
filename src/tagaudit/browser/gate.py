"""What may leave the machine: the audit's one decision per request, known vendor or not.

Fails closed (DESIGN.md, "Decisions"): a request to a third-party host — not the audited
site's, not the page's own — is answered here and recorded, unless the page needs it to
render (a document, script, style, font, image or media file of a host that is not a
tracking endpoint), it is a GET of a vendor's library or settings the catalog knows (on any
host for a wire-format family's settings: Segment's spec on Customer.io's CDN), or the
user lets it through (`allow_hosts`, `--deliver-hits`). So a `POST`, a beacon, a ping or an
XHR/fetch to a tracker nobody catalogued is answered like a known vendor's hit. A collection
endpoint of the catalog (GA4's first-party `/g/collect` included) is answered on any host.

    gate = Gate(site_hosts=["shop.example"])
    gate.decide("https://collector.nobody-knows.example/e", "POST", "fetch")
    # Verdict(answer=True, third_party=True, let_through=None)
    gate.decide("https://cdn.example/lib.js", "GET", "script")
    # Verdict(answer=False, third_party=True, let_through="page resource")

Pure: imports the providers' catalog and the model's URL helpers, nothing of Playwright, so
the edge (browser/edge.py), the sync recording and the tests share it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from tagaudit.model import ALLOWED, DELIVERED, PAGE_RESOURCE, VENDOR_FILE
from tagaudit.providers import Catalog, default_catalog

# What a page needs to render: loaded when its host is not a tracking endpoint.
PAGE_RESOURCES = frozenset(
    {"document", "script", "stylesheet", "font", "image", "media", "texttrack", "manifest"}
)


@dataclass(frozen=True)
class Verdict:
    """One request's fate: `answer` here (recorded, never delivered) or let it go on.

    `let_through` says why a third-party request was allowed to leave (None when it was
    answered, or when it went to the site itself)."""

    answer: bool
    third_party: bool
    let_through: str | None = None


class Gate:
    """The decision for one run: the site's hosts, the user's allowances, the catalog."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        site_hosts: Iterable[str] = (),
        allow_hosts: Iterable[str] = (),
        deliver_hits: bool = False,
    ) -> None:
        self.catalog = catalog or default_catalog()
        self.site_hosts = {_own(h) for h in site_hosts if h}
        self.allow_hosts = tuple(h.lower().strip() for h in allow_hosts if h.strip())
        self.deliver_hits = deliver_hits

    def decide(
        self, url: str, method: str, resource_type: str, page_hosts: Iterable[str] = ()
    ) -> Verdict:
        """Answer here, or let through (and why): see the module docstring.

        `page_hosts` are the hosts of the documents the page itself loaded (a link's
        landing, a journey's next site): first-party for that page.
        """
        host = host_of(url)
        if not host:
            return Verdict(answer=False, third_party=False)
        third_party = not self.is_first_party(host, page_hosts)
        match = self.catalog.match(url)
        if match is not None and match.endpoint.is_collection:
            passes = self._allowance(host)
            return Verdict(answer=passes is None, third_party=third_party, let_through=passes)
        if not third_party:
            return Verdict(answer=False, third_party=False)
        known_file = match is not None or self.catalog.is_family_file(url)
        passes = self._allowance(host) or _needed(method, resource_type, known_file)
        return Verdict(answer=passes is None, third_party=True, let_through=passes)

    def is_first_party(self, host: str, page_hosts: Iterable[str] = ()) -> bool:
        """The site's hosts, the page's own, and their subdomains (`api.shop.example` for
        `www.shop.example`)."""
        owners = self.site_hosts.union(_own(h) for h in page_hosts if h)
        return any(host == o or host.endswith("." + o) for o in owners)

    def is_allowed(self, host: str) -> bool:
        """In `allow_hosts` (exact, or a `*.example.com` pattern)."""
        return any(host == a or fnmatch.fnmatchcase(host, a) for a in self.allow_hosts)

    def _allowance(self, host: str) -> str | None:
        if self.is_allowed(host):
            return ALLOWED
        return DELIVERED if self.deliver_hits else None


def _needed(method: str, resource_type: str, known_file: bool) -> str | None:
    """Why a third-party request the catalog does not count as a hit may still load."""
    if method.upper() not in ("GET", "HEAD"):
        return None
    if resource_type.lower() in PAGE_RESOURCES:
        return PAGE_RESOURCE
    return VENDOR_FILE if known_file else None


def host_of(url: str) -> str:
    """The lower-cased host of an http(s) URL, or "" (data:, blob:, about:, a bad URL)."""
    try:
        parts = urlsplit(url)
        return (parts.hostname or "") if parts.scheme in ("http", "https") else ""
    except ValueError:
        return ""


def _own(host: str) -> str:
    """The part of a site's host whose subdomains are its own: `www.` dropped."""
    host = host.lower().strip(".")
    return host[4:] if host.startswith("www.") and host.count(".") >= 2 else host

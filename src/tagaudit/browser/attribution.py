"""Which step and single-page-app view a tag hit belongs to: where the page made the event,
not where the page was when the request carrying it left.

A recording labels each request with the step and view current when it was sent. Batching
SDKs send later: GA4 holds events for a moment and sends them in one request, so a
product view's `page_view` can leave after the test moved on to the cart (a new `step()`,
a `history.pushState` to /cart) and would count as the cart's. Each event in such a batch
says which page it was made on: GA4's body lines may carry their own `dl` over the shared
one in the URL (d8a-tech/d8a, docs/.../ga4-gtag.md: `dl`, `dt`, `dr` are "shared"
parameters, sent in either place); Meta's `dl`, Segment's `context.page.url`, PostHog's
`$current_url` … likewise. The decoders put it in `params["page_url"]`.

`Places` is the page's route through the recording: each time the step began, the view
changed or a document loaded, the URL and labels from then on. `attribute(hits, requests)`
moves a hit whose own page URL is not where its request left to where the page was at that
URL, the last time before the request left. A page view is the start of the view it
reports, so it goes to the step in which the page *arrived* at that URL (even when it left
from there: `step("cart")` on the product view does not make the product's page view the
cart's); any other event to the last step the page spent there (an add_to_cart clicked
after `step("cart")`, still on the product view, is the cart step's). A hit that names no
page, or a page the recording never saw, keeps its request's labels: nothing is guessed.

Pure code over plain data; imports the model only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag

from tagaudit.model import Request, TagHit

# Page-view events as the providers send them, lower-cased and stripped of all but letters
# and digits: GA4/Snowplow `page_view`, Meta `PageView`, TikTok `Pageview`, LinkedIn
# `pageview`, PostHog `$pageview`, UET `pageLoad`, Pinterest `pagevisit`, Mixpanel
# `$mp_web_page_view`, Amplitude `[Amplitude] Page Viewed`.
PAGE_VIEWS = frozenset(
    {"pageview", "pageload", "pagevisit", "mpwebpageview", "amplitudepageviewed"}
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def is_page_view(event: str | None) -> bool:
    return bool(event) and _NOT_ALNUM.sub("", str(event).lower()) in PAGE_VIEWS


@dataclass
class Place:
    """From `at` (seconds on the Recorder's clock, as Request.timestamp) the page was at
    `url`, in step `step` and single-page-app view `view` (None: the document itself)."""

    at: float
    url: str
    step: str | None
    view: str | None


def _same_page(a: str, b: str) -> bool:
    return a == b or urldefrag(a)[0] == urldefrag(b)[0]


class Places:
    """The places of one recording, in time order (`mark` as they happen)."""

    def __init__(self) -> None:
        self.marks: list[Place] = []

    @classmethod
    def of(cls, marks: list[Place], requests: list[Request]) -> Places:
        """The places of `marks` (steps begun, views changed) and of the documents that
        `requests` loaded (each a new page, no view yet), in time order."""
        loads = [Place(r.timestamp, r.url, r.step, None) for r in requests if r.navigation]
        places = cls()
        for place in sorted([*marks, *loads], key=lambda p: p.at):
            places.mark(place.at, place.url, place.step, place.view)
        return places

    def mark(self, at: float, url: str, step: str | None, view: str | None) -> None:
        last = self.marks[-1] if self.marks else None
        if last is not None and (last.url, last.step, last.view) == (url, step, view):
            return
        self.marks.append(Place(at, url, step, view))

    def where(self, at: float) -> Place | None:
        """Where the page was at `at`."""
        found = None
        for place in self.marks:
            if place.at > at:
                break
            found = place
        return found

    def made_at(self, url: str, before: float, page_view: bool) -> Place | None:
        """Where the page was at `url` last before `before`: the last place of that stay,
        or its first (`page_view`: the arrival). None when it was never there."""
        earlier = [i for i, p in enumerate(self.marks) if p.at <= before]
        last = next((i for i in reversed(earlier) if _same_page(self.marks[i].url, url)), None)
        if last is None:
            return None
        if not page_view:
            return self.marks[last]
        first = last
        while first > 0 and _same_page(self.marks[first - 1].url, url):
            first -= 1
        arrival = self.marks[first]
        return Place(arrival.at, arrival.url, arrival.step, self.marks[last].view)

    def attribute(self, hits: list[TagHit], requests: list[Request]) -> list[TagHit]:
        """`hits` (decoded from `requests`), each labelled where the page made it."""
        for hit in hits:
            page = hit.params.get("page_url")
            if not isinstance(page, str) or hit.request_index is None:
                continue
            sent = requests[hit.request_index].timestamp
            page_view = is_page_view(hit.event)
            now = self.where(sent)
            if not page_view and (now is None or _same_page(now.url, page)):
                continue  # made where it left, as far as anything tells
            made = self.made_at(page, sent, page_view)
            if made is not None:
                hit.step, hit.view = made.step, made.view
        return hits

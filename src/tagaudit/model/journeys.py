"""Journeys in the model: how each step went, and the click id's path to the conversion.

A journey's captures are PageVisits (one per step and single-page-app view, with
`journey`/`step`/`view` set) in `Report.pages`; what only a journey has lives here: the
steps' outcome (a step that failed, the ones skipped after it) and, per click id on the
start link, the chain link → landing → hits → first-party cookie → conversion hit, with
the place it breaks (tagaudit.journeys.clickid computes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tagaudit.model.reached import Reached

STEP_STATES = ("ok", "failed", "skipped")
# Where a click id must show up, in order (ClickIdPath.links).
CHAIN_STAGES = ("link", "landing", "hits", "cookie", "conversion")


@dataclass
class StepResult:
    """One step of a journey: `ok`, `failed` (with the reason and a screenshot), or
    `skipped` (a step before it failed). `url` is where the step ended; `views` are the
    single-page-app views it went through; `reached` what its visit reached (the page, the
    consent state, the goal: tagaudit.model.reached); `source` where tagaudit.yaml defines
    it (`tagaudit.yaml:31`)."""

    name: str
    status: str = "ok"
    url: str | None = None
    error: str | None = None
    screenshot: str | None = None
    started_ms: float = 0.0
    duration_ms: float = 0.0
    views: list[str] = field(default_factory=list)
    reached: Reached | None = None
    source: str | None = None


@dataclass
class ChainLink:
    """One place the click id should reach: `stage` (CHAIN_STAGES), what was looked at, and
    whether it was there (`ok`), with what was seen (`detail`)."""

    stage: str
    label: str
    ok: bool
    step: str | None = None
    detail: str = ""


@dataclass
class ClickIdPath:
    """A click id of the start link (`gclid=TEST123`) followed along the journey.

    Example: gclid reached the landing URL and GA4's `dl`, but `_gcl_aw` was never set, so
    the purchase's Google Ads hit carries no `gclaw`: `broken_at="cookie"`, and `reason`
    says why that usually happens (consent denied, no Conversion Linker).
    """

    name: str
    value: str | None = None
    links: list[ChainLink] = field(default_factory=list)
    broken_at: str | None = None
    reason: str | None = None
    # The tags of the click id's platform that ran on the journey (`google_ads AW-1`); none:
    # nothing could store or send the click id, so nothing is lost (`reason` says so).
    tags: list[str] = field(default_factory=list)


@dataclass
class JourneyResult:
    """A journey as it ran: its steps, its click-id chains, and where it was defined."""

    name: str
    consent: str = "none"
    start: str | None = None
    status: str = "ok"
    steps: list[StepResult] = field(default_factory=list)
    click_ids: list[ClickIdPath] = field(default_factory=list)
    error: str | None = None
    source: str | None = None

    def failed_step(self) -> StepResult | None:
        return next((s for s in self.steps if s.status == "failed"), None)

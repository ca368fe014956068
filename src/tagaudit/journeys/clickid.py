"""The click id's path along a journey: link → landing → hits → cookie → conversion hit.

Attribution needs every link of this chain: the ad click's id (`gclid=TEST123`) must survive
the redirects to the landing URL, reach the tags there (GA4's `dl`), be stored by the
vendor's tag in its first-party cookie (`_gcl_aw`: the "conversion linker"), and come back
on the conversion hit at the confirmation (`gclaw`). This module follows each click id of
the journey's start link through the journey's visits and says where the chain breaks, and
what usually causes that. Pure: reads the model only (the click-id table is vocabulary).

    >>> # gclid on the start link, landed with it, GA4 saw it, _gcl_aw never set:
    >>> # ClickIdPath(name="gclid", value="TEST123", broken_at="cookie",
    >>> #   reason="gclid reached the landing page but _gcl_aw was never set (…)")
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from tagaudit.model import (
    CLICK_IDS,
    ChainLink,
    ClickIdPath,
    JourneyResult,
    PageVisit,
    StepResult,
    TagHit,
)

# Why a chain usually breaks where it does (tag-anchors.md and link-anchors.md, c.1–c.2): one
# sentence per break, the same words in the finding, the terminal and the HTML.
CAUSES = {
    "landing": "a redirect dropped it: keep the query string on every hop",
    "hits": "the landing page's tags were blocked, or strip the query from the URL they report",
    "cookie": "the tag that stores it (Google's Conversion Linker, the Meta pixel …) did not "
    "run on the landing page, or consent denied ad storage",
    "other-cookie": "an earlier click's cookie was kept: the tag did not update it",
    "no-conversion": "the conversion tag did not fire at that step",
    "not-carried": "the conversion tag did not read the cookie, or sends no click identifier",
    "consent": "the tags wait for consent, which this journey did not give (add `consent: "
    "accept` to the journey)",
}


def click_ids_of(url: str | None) -> dict[str, str]:
    """The click ids in `url`'s query or fragment: {name: value}."""
    if not url:
        return {}
    parts = urlsplit(url)
    found: dict[str, str] = {}
    for text in (parts.query, parts.fragment):
        for name, value in parse_qsl(text, keep_blank_values=True):
            if name in CLICK_IDS and value and name not in found:
                found[name] = value
    return found


def follow_click_ids(result: JourneyResult, visits: list[PageVisit]) -> list[ClickIdPath]:
    """One ClickIdPath per click id of the journey's start link (or its first page)."""
    start = result.start or (visits[0].url if visits else None)
    landing = _landing(visits)
    paths = []
    for name, value in click_ids_of(start).items():
        path = ClickIdPath(name=name, value=value)
        path.links = [
            ChainLink("link", "the start link", True, visits[0].step if visits else None, value),
            _landing_link(name, value, landing),
            _hits_link(name, value, landing),
            _cookie_link(name, value, visits),
            _conversion_link(name, value, visits),
        ]
        path.tags = _vendor_tags(name, visits)
        broken = next((link for link in path.links if not link.ok), None)
        failed = result.failed_step()
        if not path.tags:
            path.reason = _unused(name)
        elif broken is not None and failed is not None and _after(broken, failed, visits):
            # The journey stopped before this stage: a half chain proves nothing here.
            path.reason = f"not judged from the {broken.stage} on: step {failed.name} failed"
        elif broken is not None:
            path.broken_at = broken.stage
            path.reason = _reason(name, broken, _waits_for_consent(landing))
        paths.append(path)
    return paths


def _after(broken: ChainLink, failed: StepResult, visits: list[PageVisit]) -> bool:
    """Is the broken stage one the failed step kept from being reached? The conversion is
    always after it; landing, tags and cookie are judged on the landing, which came before
    unless the landing itself failed."""
    first = visits[0].step if visits else None
    return broken.stage == "conversion" or failed.name == first


def _vendor_tags(name: str, visits: list[PageVisit]) -> list[str]:
    """The tags of the click id's platform that loaded or sent anything on the journey."""
    providers = CLICK_IDS[name]["providers"]
    return sorted({h.tag for v in visits for h in v.hits if h.provider in providers})


def _unused(name: str) -> str:
    """The one line for a click id no tag of its platform could use."""
    vendors = " or ".join(CLICK_IDS[name]["providers"])
    return (
        f"{name} is on the start link, but no {vendors} tag ran on this journey: nothing "
        "stores or sends it, so nothing is lost"
    )


def _waits_for_consent(landing: list[PageVisit]) -> bool:
    return any(v.reached.consent == "none" for v in landing)


def _landing(visits: list[PageVisit]) -> list[PageVisit]:
    """The visits of the first step (the landing: where the start link ended)."""
    if not visits:
        return []
    first = visits[0].step
    return [v for v in visits if v.step == first]


def _landing_link(name: str, value: str, landing: list[PageVisit]) -> ChainLink:
    url = landing[0].final_url or landing[0].url if landing else None
    arrived = click_ids_of(url).get(name)
    step = landing[0].step if landing else None
    if arrived == value:
        return ChainLink("landing", "the landing URL", True, step, url or "")
    seen = f"landed on {url}" + (f" with {name}={arrived}" if arrived else f" without {name}")
    return ChainLink("landing", "the landing URL", False, step, seen)


def _hits_link(name: str, value: str, landing: list[PageVisit]) -> ChainLink:
    carriers = []
    for visit in landing:
        for hit in visit.hits:
            if hit.kind == "hit" and hit.left_page() and _mentions(hit, value):
                carriers.append(f"{hit.provider} {hit.event or ''}".strip())
    step = landing[0].step if landing else None
    if carriers:
        shown = ", ".join(sorted(set(carriers)))
        return ChainLink("hits", "the landing page's tags", True, step, shown)
    return ChainLink("hits", "the landing page's tags", False, step, f"no hit carried {name}")


def _cookie_link(name: str, value: str, visits: list[PageVisit]) -> ChainLink:
    names = CLICK_IDS[name]["cookies"]
    label = " or ".join(names) + " cookie"
    present = [c for v in visits for c in v.cookies if c.name in names]
    holding = next((c for c in present if c.value and value in unquote(c.value)), None)
    if holding is not None:
        return ChainLink("cookie", label, True, holding.step, f"{holding.name} set")
    if present:
        other = present[0]
        return ChainLink("cookie", label, False, other.step, f"{other.name} holds another id")
    return ChainLink("cookie", label, False, None, "never set")


def _conversion_link(name: str, value: str, visits: list[PageVisit]) -> ChainLink:
    """The journey's last step that ran: its hits of the click id's platform must carry it."""
    providers = CLICK_IDS[name]["providers"]
    last = visits[-1].step if visits else None
    hits = [
        h
        for v in visits
        if v.step == last
        for h in v.hits
        if h.kind == "hit" and h.provider in providers and h.left_page()
    ]
    label = f"{' / '.join(providers)} hits at the last step"
    if not hits:
        return ChainLink("conversion", label, False, last, f"no {providers[0]} hit was sent")
    carrying = [h for h in hits if _carries(h, name, value)]
    if carrying:
        shown = ", ".join(sorted({h.event or h.provider for h in carrying}))
        return ChainLink("conversion", label, True, last, shown)
    events = ", ".join(sorted({h.event or h.provider for h in hits}))
    return ChainLink("conversion", label, False, last, f"{events}: no click identifier")


def _mentions(hit: TagHit, value: str) -> bool:
    page = hit.params.get("page_url") or hit.params.get("dl") or ""
    return isinstance(page, str) and value in unquote(page)


def _carries(hit: TagHit, name: str, value: str) -> bool:
    for param in CLICK_IDS[name]["params"]:
        carried = hit.params.get(param)
        if isinstance(carried, str) and value in unquote(carried):
            return True
    return _mentions(hit, value)


def _reason(name: str, broken: ChainLink, consent_wait: bool = False) -> str:
    """The sentence people read: what happened, then its usual cause (one per break)."""
    cookie = CLICK_IDS[name]["cookies"][0]
    stage = broken.stage
    if stage == "landing":
        what, cause = f"{name} was lost on the way to the landing page ({broken.detail})", stage
    elif stage == "hits":
        what, cause = f"{name} reached the landing page but no tag there reported it", stage
    elif stage == "cookie" and "another" in broken.detail:
        what, cause = (
            f"{name} reached the landing page but {cookie} holds another click id",
            ("other-cookie"),
        )
    elif stage == "cookie":
        what, cause = f"{name} reached the landing page but {cookie} was never set", stage
    elif broken.detail.startswith("no "):
        vendor = broken.label.split(" hits")[0]
        what = f"no {vendor} conversion hit was sent at step {broken.step}"
        cause = "no-conversion"
    else:
        what = f"the {broken.detail.split(':')[0]} hit at step {broken.step} carries no click id"
        cause = "not-carried"
    if consent_wait and stage in ("hits", "cookie"):
        cause = "consent"
    return f"{what}: {CAUSES[cause]}"

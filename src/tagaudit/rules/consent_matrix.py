"""The per-page scenario × tag matrix: what fires with no choice, after accept, after reject.

Owns computing it (`consent_matrices(pages)`, pure over the scenario visits) into the model's
`ConsentMatrix`, which the runner keeps in `Report.config.consent_matrix`; the reporters
render it from there (tagaudit.report.consent). Imports only tagaudit.model and classify.

Cell states, per tag and scenario (ConsentMatrix.STATES):
    fires-before-consent  a tracking hit before any choice (all of `none`; before the action)
    fires                 hits only after the action (or after the reload)
    cookieless            only Consent Mode pings with storage denied (gcs=G100)
    blocked               no hit here, though the tag fires in another scenario of the page
    not-run               the scenario was not run for this page
"""

from __future__ import annotations

from collections.abc import Iterable

from tagaudit.model import SCENARIOS, ConsentMatrix, MatrixRow, PageVisit, tag_label
from tagaudit.rules.consent_classify import (
    AFTER_ACTION,
    before_choice_phases,
    is_denied_ping,
    tag_key,
    visits_by_url,
)


def _cell(page: PageVisit, tag: tuple[str, str | None]) -> str | None:
    hits = [h for h in page.hits if h.kind == "hit" and h.left_page() and tag_key(h) == tag]
    early = before_choice_phases(page)
    if any(h.phase in early and not is_denied_ping(h) for h in hits):
        return "fires-before-consent"
    if any(h.phase in AFTER_ACTION and not is_denied_ping(h) for h in hits):
        return "fires"
    if hits:
        return "cookieless"
    return None


def page_matrix(url: str, visits: dict[str, PageVisit]) -> ConsentMatrix:
    """The matrix of one page from its scenario visits ({scenario: visit})."""
    tags = sorted(
        {tag_key(h) for v in visits.values() for h in v.hits if h.kind == "hit" and h.left_page()},
        key=str,
    )
    rows = []
    for tag in tags:
        cells = {}
        for scenario in SCENARIOS:
            page = visits.get(scenario)
            cells[scenario] = "not-run" if page is None else (_cell(page, tag) or "blocked")
        rows.append(MatrixRow(tag=tag_label(*tag), provider=tag[0], account=tag[1], cells=cells))
    first = next(iter(visits.values()))
    return ConsentMatrix(
        url=url,
        cmp=next((v.consent.cmp for v in visits.values() if v.consent.cmp), None),
        method=first.consent.method,
        scenarios=[s for s in SCENARIOS if s in visits],
        verified={s: v.consent.verified for s, v in visits.items()},
        tags=rows,
    )


def consent_matrices(pages: Iterable[PageVisit]) -> list[ConsentMatrix]:
    """One matrix per page URL that ran consent scenarios, in the order the pages come."""
    return [page_matrix(url, visits) for url, visits in visits_by_url(pages).items()]

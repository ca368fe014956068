"""The per-page scenario × tag matrix: what fires with no choice, after accept, after reject.

Owns `scenario_matrix(report)` (pure data every reporter can render), `attach_matrix(report)`
(stores it in `report.config["consent_matrix"]`, so the JSON report carries it as is),
`matrix_lines(report)` (plain text for the terminal and Markdown) and `html_section(page,
report)` (a self-contained HTML fragment with the banner screenshots, shaped for
tagaudit.report.html.register_page_section). Imports only tagaudit.model and classify.

Cell states, per tag and scenario:
    fires-before-consent  a tracking hit before any choice (all of `none`; before the action)
    fires                 hits only after the action (or after the reload)
    cookieless            only Consent Mode pings with storage denied (gcs=G100)
    blocked               no hit here, though the tag fires in another scenario of the page
    not-run               the scenario was not run for this page
"""

from __future__ import annotations

from html import escape
from typing import Any

from tagaudit.consent.classify import (
    AFTER_ACTION,
    before_choice_phases,
    is_denied_ping,
    tag_key,
    tag_label,
    visits_by_url,
)
from tagaudit.model import SCENARIOS, PageVisit, Report

STATES = ("fires-before-consent", "fires", "cookieless", "blocked", "not-run")
SHORT = {
    "fires-before-consent": "before consent",
    "fires": "fires",
    "cookieless": "cookieless",
    "blocked": "blocked",
    "not-run": "–",
}


def _cell(page: PageVisit, tag: tuple[str, str | None]) -> str | None:
    hits = [h for h in page.hits if h.kind == "hit" and tag_key(h) == tag]
    early = before_choice_phases(page)
    if any(h.phase in early and not is_denied_ping(h) for h in hits):
        return "fires-before-consent"
    if any(h.phase in AFTER_ACTION and not is_denied_ping(h) for h in hits):
        return "fires"
    if hits:
        return "cookieless"
    return None


def _page_matrix(url: str, visits: dict[str, PageVisit]) -> dict[str, Any]:
    tags = sorted({tag_key(h) for v in visits.values() for h in v.hits if h.kind == "hit"}, key=str)
    rows = []
    for tag in tags:
        cells = {}
        for scenario in SCENARIOS:
            page = visits.get(scenario)
            cells[scenario] = "not-run" if page is None else (_cell(page, tag) or "blocked")
        rows.append({"tag": tag_label(tag), "provider": tag[0], "account": tag[1], "cells": cells})
    first = next(iter(visits.values()))
    return {
        "url": url,
        "cmp": next((v.consent.get("cmp") for v in visits.values() if v.consent.get("cmp")), None),
        "method": first.consent.get("method"),
        "scenarios": [s for s in SCENARIOS if s in visits],
        "verified": {s: v.consent.get("verified") for s, v in visits.items()},
        "tags": rows,
    }


def matrix_for_visits(visits: list[PageVisit]) -> dict[str, Any] | None:
    """The matrix of one URL from its scenario visits (what run_scenarios stores)."""
    by_scenario = {v.scenario: v for v in visits if v.consent}
    return _page_matrix(visits[0].url, by_scenario) if by_scenario else None


def scenario_matrix(report: Report) -> list[dict[str, Any]]:
    """One matrix per page URL that ran consent scenarios, in report order."""
    return [_page_matrix(url, visits) for url, visits in visits_by_url(report).items()]


def attach_matrix(report: Report) -> None:
    """Put the matrix into `report.config["consent_matrix"]` (JSON reports carry it)."""
    matrices = scenario_matrix(report)
    if matrices:
        report.config = {**(report.config or {}), "consent_matrix": matrices}


def matrix_lines(report: Report) -> list[str]:
    """The matrix as plain text lines (terminal, Markdown code block)."""
    lines: list[str] = []
    for matrix in scenario_matrix(report):
        lines.append(f"{matrix['url']}  (CMP: {matrix['cmp'] or 'none found'})")
        width = max([len(r["tag"]) for r in matrix["tags"]] + [3])
        lines.append("  " + "tag".ljust(width) + "".join(f"  {s:<15}" for s in SCENARIOS))
        for row in matrix["tags"]:
            cells = "".join(f"  {SHORT[row['cells'][s]]:<15}" for s in SCENARIOS)
            lines.append("  " + row["tag"].ljust(width) + cells)
    return lines


def _screenshots(page: PageVisit) -> str:
    shots = page.consent.get("screenshots") or {}
    images = [
        f'<figure><img src="{escape(src)}" alt="banner {moment}" style="max-width:320px">'
        f"<figcaption>{escape(page.scenario)}: {moment} the action</figcaption></figure>"
        for moment, src in shots.items()
        if isinstance(src, str) and src.startswith(("data:image/", "/", "."))
    ]
    return f'<div class="consent-shots">{"".join(images)}</div>' if images else ""


def html_section(page: PageVisit, report: Report) -> str:
    """The scenario × tag table for `page` (shown once, on its `none` or first visit)."""
    visits = visits_by_url(report).get(page.url) or {}
    if not visits or (visits.get("none") or next(iter(visits.values()))) is not page:
        return ""
    matrix = _page_matrix(page.url, visits)
    head = "".join(f"<th>{s}</th>" for s in SCENARIOS)
    rows = "".join(
        f"<tr><td>{escape(r['tag'])}</td>"
        + "".join(f'<td class="c-{r["cells"][s]}">{SHORT[r["cells"][s]]}</td>' for s in SCENARIOS)
        + "</tr>"
        for r in matrix["tags"]
    )
    shots = "".join(_screenshots(v) for v in visits.values())
    cmp = escape(matrix["cmp"] or "no banner found")
    return (
        f'<section class="consent"><h3>Consent scenarios ({cmp}, {escape(str(matrix["method"]))})'
        f'</h3><table class="matrix"><tr><th>tag</th>{head}</tr>{rows}</table>{shots}</section>'
    )

"""Journeys for people: each journey's steps, and each click id's chain to the conversion.

Renders `Report.journeys` as plain text (terminal, Markdown) and as an HTML section with a
small diagram per click id: link → landing → tags → cookie → conversion, each box green when
the id got there and red where the chain breaks, with the reason under it. The same words
and states in both. Page data is masked and escaped by `esc` (report.html_sections).
"""

from __future__ import annotations

from html import escape

from tagaudit.model import ClickIdPath, JourneyResult, Report
from tagaudit.model.urls import origin_of
from tagaudit.report.html_sections import esc

TITLE = "Journeys"
STAGE_WORDS = {
    "link": "link",
    "landing": "landing",
    "hits": "tags",
    "cookie": "cookie",
    "conversion": "conversion",
}
MARKS = {"ok": "✓", "failed": "✗", "skipped": "–"}


def journey_lines(report: Report) -> list[str]:
    """Each journey: a line per step, then a line per click id's chain."""
    lines: list[str] = []
    for journey in report.journeys:
        lines.append(f"{journey.name}  ({_summary(journey)})")
        origin = origin_of(journey.start or next((s.url for s in journey.steps if s.url), ""))
        for step in journey.steps:
            mark = MARKS.get(step.status, "?")
            shown = _short(step.url, origin)
            where = f"  {shown}" if shown and step.status != "skipped" else ""
            lines.append(f"  {mark} {step.name}{where}")
            if step.error:
                lines.append(f"      {step.error}")
            for view in step.views:
                lines.append(f"      view {_short(view, origin)}")
        for path in journey.click_ids:
            lines.append("  " + chain_text(path))
            if path.reason:
                lines.append(f"      {path.reason}")
    return lines


def _short(url: str | None, origin: str) -> str:
    """The path of `url` when it is on the journey's site (what people scan for)."""
    if url and origin and url.startswith(origin + "/"):
        return url[len(origin) :]
    return url or ""


def chain_text(path: ClickIdPath) -> str:
    """`gclid=TEST123: link ✓ → landing ✓ → tags ✓ → cookie ✗ → conversion ✗`."""
    stages = " → ".join(
        f"{STAGE_WORDS[link.stage]} {'✓' if link.ok else '✗'}" for link in path.links
    )
    return f"{path.name}={path.value}: {stages}"


def _summary(journey: JourneyResult) -> str:
    done = sum(1 for s in journey.steps if s.status == "ok")
    words = [f"{done}/{len(journey.steps)} steps"]
    if journey.consent != "none":
        words.append(f"consent: {journey.consent}")
    if journey.status != "ok":
        words.append(journey.status)
    if journey.error:
        words.append(journey.error)
    return ", ".join(words)


def journeys_html(report: Report) -> str:
    """The journeys section of the HTML report ("" when the run had none)."""
    if not report.journeys:
        return ""
    parts = ['<section class="journeys" id="journeys"><h2>Journeys</h2>']
    for journey in report.journeys:
        parts.append(_journey_html(journey))
    parts.append("</section>")
    return "".join(parts)


def _journey_html(journey: JourneyResult) -> str:
    steps = "".join(
        f'<li class="step-{esc(s.status)}"><b>{esc(s.name)}</b> '
        f'<span class="muted">{esc(s.status)}</span>'
        + (f" <code>{esc(s.url)}</code>" if s.url and s.status != "skipped" else "")
        + (f'<div class="error">{esc(s.error)}</div>' if s.error else "")
        + "".join(f'<div class="muted">view {esc(v)}</div>' for v in s.views)
        + (
            f'<img class="shot" src="{escape(s.screenshot)}" alt="{esc(s.name)} failed">'
            if s.screenshot and s.screenshot.startswith("data:image/")
            else ""
        )
        + "</li>"
        for s in journey.steps
    )
    chains = "".join(_chain_html(path) for path in journey.click_ids)
    return (
        f'<div class="journey" id="journey-{esc(journey.name)}"><h3>{esc(journey.name)} '
        f'<span class="muted">{esc(_summary(journey))}</span></h3>'
        f'<ol class="steps">{steps}</ol>{chains}</div>'
    )


def _chain_html(path: ClickIdPath) -> str:
    boxes = "".join(
        f'<div class="link {"ok" if link.ok else "broken"}" title="{esc(link.detail)}">'
        f"<b>{STAGE_WORDS[link.stage]}</b><span>{esc(link.label)}</span>"
        f"<small>{esc(link.detail[:80])}</small></div>"
        for link in path.links
    )
    reason = f'<p class="error">{esc(path.reason)}</p>' if path.reason else ""
    return (
        f'<div class="chain" data-click-id="{esc(path.name)}">'
        f"<p><code>{esc(path.name)}={esc(path.value or '')}</code></p>"
        f'<div class="links">{boxes}</div>{reason}</div>'
    )

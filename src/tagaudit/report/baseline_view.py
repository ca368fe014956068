"""What a `--baseline` comparison looks like to people, the same in every format.

Each finding is `new` (this change brought it) or `unchanged` (the baseline had it): a badge in
the HTML, a column in the Markdown, a mark in the terminal. The comparison itself is one
summary line, the tags that appeared or disappeared per page or URL template, and the
findings that are fixed (gone from pages audited again). Every value passes through the
format's own escaping (`esc`, `cell`, `for_people`), so page data stays text.
Imports only tagaudit.model.
"""

from __future__ import annotations

from collections.abc import Callable

from tagaudit.model import Finding, Report

TITLE = "Since the baseline"
STATE_HINTS = {
    "new": "not in the baseline: this change brought it",
    "unchanged": "the baseline had it too",
}
MAX_FIXED = 50


def state_of(members: list[Finding]) -> str | None:
    """A grouped finding's state: new when any of its scenarios is new."""
    states = {f.baseline for f in members}
    if "new" in states:
        return "new"
    return "unchanged" if "unchanged" in states else None


def tag_rows(report: Report) -> list[tuple[str, str, str, str]]:
    """(page or template, scenario, lost, gained) per tag change, lost first."""
    diff = report.baseline
    if diff is None:
        return []
    rows = []
    for change in diff.tags:
        place = change.url + (" (template)" if change.template else "")
        rows.append((place, change.scenario, ", ".join(change.lost), ", ".join(change.gained)))
    return sorted(rows, key=lambda row: (not row[2], row[0]))


def _with_scenarios(rows: list[tuple[str, str, str, str]]) -> bool:
    """A scenario column only when consent scenarios ran (not every change is `none`)."""
    return any(scenario != "none" for _, scenario, _, _ in rows)


def fixed_rows(report: Report) -> list[tuple[str, str, str]]:
    """(rule id, page, message) of the baseline's findings that are gone."""
    diff = report.baseline
    if diff is None:
        return []
    return [(f.rule_id, f.url or "(site)", f.message) for f in diff.fixed]


def html_section(report: Report, esc: Callable[[object], str]) -> str:
    """The HTML section: the summary, tag changes (lost in red), the fixed findings."""
    diff = report.baseline
    if diff is None:
        return ""
    parts = [
        f'<section id="baseline"><h2>{esc(TITLE)}</h2>',
        f"<p>{esc(diff.summary(report.findings))}</p>",
    ]
    tags = tag_rows(report)
    if tags:
        scenarios = _with_scenarios(tags)
        head = "<th>scenario</th>" if scenarios else ""
        parts.append(
            f"<h3>Tags that changed</h3><table><tr><th>page or template</th>{head}"
            "<th>lost</th><th>new</th></tr>"
        )
        for place, scenario, lost, gained in tags:
            cell = f"<td>{esc(scenario)}</td>" if scenarios else ""
            parts.append(
                f'<tr><td class="url">{esc(place)}</td>{cell}'
                f'<td class="lost">{esc(lost)}</td><td class="gained">{esc(gained)}</td></tr>'
            )
        parts.append("</table>")
    fixed = fixed_rows(report)
    if fixed:
        parts.append(f'<h3>Fixed ({len(fixed)})</h3><ul class="fixed">')
        for rule, url, message in fixed[:MAX_FIXED]:
            parts.append(
                f'<li><span class="url">{esc(url)}</span>: {esc(message)} '
                f'<span class="muted small">rule {esc(rule)}</span></li>'
            )
        if len(fixed) > MAX_FIXED:
            parts.append(f"<li>… and {len(fixed) - MAX_FIXED} more (see the JSON report)</li>")
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def html_badge(members: list[Finding], esc: Callable[[object], str]) -> str:
    state = state_of(members)
    if state is None:
        return ""
    return f' <span class="tag base-{state}" title="{esc(STATE_HINTS[state])}">{state}</span>'


def markdown_lines(report: Report, cell: Callable[[object], str], limit: int) -> list[str]:
    """The Markdown section: the summary, a table of tag changes, the fixed findings."""
    diff = report.baseline
    if diff is None:
        return []
    lines = [f"### {TITLE}", "", cell(diff.summary(report.findings)), ""]
    tags = tag_rows(report)
    if tags:
        scenarios = _with_scenarios(tags)
        head = ["page or template", *(["scenario"] if scenarios else []), "lost", "new"]
        lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        for place, scenario, lost, gained in tags[:limit]:
            row = [place, *([scenario] if scenarios else []), lost, gained]
            lines.append("| " + " | ".join(cell(v) for v in row) + " |")
        lines.append("")
    fixed = fixed_rows(report)
    if fixed:
        lines.append(f"Fixed ({len(fixed)}):")
        lines.append("")
        for rule, url, message in fixed[:limit]:
            lines.append(f"- {cell(url)}: {cell(message)} (`{cell(rule)}`)")
        if len(fixed) > limit:
            lines.append(f"- … and {len(fixed) - limit} more (see the JSON report)")
        lines.append("")
    return lines


def terminal_lines(report: Report, limit: int = 10) -> list[tuple[str, str]]:
    """(text, style) lines for the terminal: the summary, lost tags, then the fixed."""
    diff = report.baseline
    if diff is None:
        return []
    lines = [(f"\n{TITLE}", "bold"), (f"  {diff.summary(report.findings)}", "")]
    tags = tag_rows(report)
    for place, scenario, lost, gained in tags[:limit]:
        where = place if scenario == "none" else f"{place} [{scenario}]"
        if lost:
            lines.append((f"  − {where}: {lost}", "red"))
        if gained:
            lines.append((f"  + {where}: {gained}", "green"))
    if len(tags) > limit:
        lines.append((f"  … and {len(tags) - limit} more page(s) or template(s)", "dim"))
    for rule, url, message in fixed_rows(report)[:limit]:
        lines.append((f"  ✓ fixed {rule} on {url}: {message}", "green"))
    if len(diff.fixed) > limit:
        lines.append((f"  … and {len(diff.fixed) - limit} more fixed", "dim"))
    return lines

"""Campaign links at a glance: one row per link, worst verdicts first, the same in every view.

A marketer's question ("which of my links lose what?") is answered by one table, before
any detail: the verdict people read (`params lost`, `broken`, `unverifiable`, `warning`,
`ok`: tagaudit.report.common.link_verdict), the link's name (its CSV line, `ads.csv:7`, else
a short host/path), and what happened to it in a few words (what was dropped at which hop,
the worst finding, or where it landed and which click id was stored). Rows are grouped by
verdict, worst first, in input order within a group. The terminal prints it with a header
and the counts first, each row one line cut to the width; the HTML opens with it. Imports
only tagaudit.model and the other report modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

from tagaudit.model import LinkResult, Report, severity_rank
from tagaudit.report.common import link_verdict
from tagaudit.report.html_sections import esc
from tagaudit.report.masking import for_people

# Verdict words, worst first (the order of the groups).
ORDER = ("broken", "params lost", "problem", "unverifiable", "warning", "ok")
HEAD = ("verdict", "link", "what happened")
NAME_WIDTH = 24  # at most, for the link column


@dataclass
class LinkRow:
    """One link as the overview shows it."""

    verdict: str
    css: str
    name: str
    what: str
    link: LinkResult


def link_rows(report: Report) -> list[LinkRow]:
    """Every link of the report, grouped by verdict (worst first), input order within."""
    rows = []
    one_file = bool(source_file(report))
    for link in report.links:
        word, css = link_verdict(link, report)
        name = link_name(link, one_file)
        rows.append(LinkRow(word, css, name, what_happened(link, report), link))
    rank = {word: i for i, word in enumerate(ORDER)}
    return sorted(rows, key=lambda row: rank.get(row.verdict, len(ORDER)))


def source_file(report: Report) -> str:
    """The one file every link was read from (`campaign-links.csv`), else ""."""
    files = {_file_line(k)[0] for k in report.links}
    return next(iter(files)) if len(files) == 1 and "" not in files else ""


def _file_line(link: LinkResult) -> tuple[str, str]:
    source = str(link.expected.get("source") or "")
    path, _, line = source.rpartition(":")
    return (PurePath(path).name, line) if path and line.isdigit() else ("", "")


def input_lines(report: Report) -> dict[str, str]:
    """Link URL → `campaign-links.csv:5`, for the links read from a file: where a finding
    about the link sends the reader back to its row."""
    lines = {}
    for link in report.links:
        file, line = _file_line(link)
        if file:
            lines[link.url] = f"{file}:{line}"
    return lines


def link_name(link: LinkResult, one_file: bool = False) -> str:
    """`campaign-links.csv:5` for a link read from a file (`5` when every link came from
    that file: the column is then `line`), else `host/path` of the URL."""
    file, line = _file_line(link)
    if file:
        return line if one_file else f"{file}:{line}"
    parts = urlsplit(link.url)
    host = parts.netloc.rpartition("@")[2]  # never the user-info: a name is cut, not masked
    return f"{host}{parts.path}" or link.url


def what_happened(link: LinkResult, report: Report) -> str:
    """A few words: the worst counted finding on the link, else where it landed."""
    own = [f for f in report.counted_findings() if f.url == link.url and f.severity != "info"]
    if link.verdict != "ok" and not own:
        return link.error or link.reason or link.verdict
    lost = _lost(link) if link.verdict == "ok" else ""
    if lost:
        return lost
    if own:
        worst = min(own, key=lambda f: severity_rank(f.severity))
        more = f" (+{len(own) - 1} more)" if len(own) > 1 else ""
        return worst.message + more
    return _landed(link)


def _lost(link: LinkResult) -> str:
    """`/go/old dropped gclid, utm_source/medium/campaign`: the hop that lost them."""
    if not link.ledger or not link.ledger[-1].dropped:
        return ""
    dropped = link.ledger[-1].dropped
    first = next((c.hop for c in link.ledger if set(c.dropped) & set(dropped)), None)
    utm = [n.removeprefix("utm_") for n in dropped if n.startswith("utm_")]
    names = [n for n in dropped if not n.startswith("utm_")]
    if utm:
        names.append("utm_" + "/".join(utm))
    if first is not None and 0 < first <= len(link.hops):
        return f"{_path(link.hops[first - 1].url)} dropped {', '.join(names)}"
    return f"lost {', '.join(names)}"


def _path(url: str | None) -> str:
    return (urlsplit(url or "").path or "/") if url else "?"


def _landed(link: LinkResult) -> str:
    """`→ /lp/spring/ · gclid stored` for a link that works and keeps its parameters."""
    landed = urlsplit(link.final_url or link.url).path or "/"
    parts = [f"→ {landed}"]
    stored = link.landing.get("stored_in_cookies") or {}
    if stored:
        parts.append(f"{', '.join(sorted(stored))} stored")
    return " · ".join(parts)


def consent_note(report: Report) -> str:
    """One line on the landings' consent banners: what the run chose on them."""
    states = [k.landing.get("consent") for k in report.links if k.landing.get("banner")]
    if not states:
        return ""
    banners = sorted({str(k.landing["banner"]) for k in report.links if k.landing.get("banner")})
    words = {"granted": "after accept", "denied": "after reject"}
    how = words.get(max(set(states), key=states.count) or "", "with no choice made")
    return f"{len(states)} landing(s) behind a {'/'.join(banners)} banner: judged {how} (--consent)"


def counts_line(rows: list[LinkRow], source: str = "") -> str:
    """`9 links of ads.csv: 1 params lost, 1 warning, 7 ok`, worst first."""
    counts = {word: sum(1 for r in rows if r.verdict == word) for word in ORDER}
    shown = ", ".join(f"{n} {word}" for word, n in counts.items() if n)
    where = f" of {source}" if source else ""
    return f"{len(rows)} link(s){where}: {shown}" if rows else "no links"


def terminal_lines(report: Report, width: int = 80) -> list[str]:
    """The overview as plain lines of at most `width` characters: counts, header, rows."""
    rows = link_rows(report)
    if not rows:
        return []
    source = source_file(report)
    head = (HEAD[0], "line" if source else HEAD[1], HEAD[2])
    name_width = min(max(len(head[1]), *(len(r.name) for r in rows)), NAME_WIDTH)
    verdict_width = max(len(head[0]), *(len(r.verdict) for r in rows))
    room = max(width - 2 - verdict_width - 2 - name_width - 2, 12)
    lines = [_cut(counts_line(rows, source), width)]
    for verdict, name, what in [head, *((r.verdict, r.name, r.what) for r in rows)]:
        cells = (verdict.ljust(verdict_width), _cut(name, name_width).ljust(name_width))
        lines.append(f"  {cells[0]}  {cells[1]}  {_cut(what, room)}".rstrip())
    note = consent_note(report)
    if note:
        lines.append(_cut(note, width))
    return lines


def _cut(text: str, width: int) -> str:
    """One line of at most `width`, masked first: a credential cut in half is not seen."""
    text = " ".join(for_people(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def hop_lines(link: LinkResult) -> list[str]:
    """`hop 1  301  /landing/spring/  dropped utm_source, gclid` for each hop (-v)."""
    ledger = {change.hop: change for change in link.ledger}
    lines = []
    for number, hop in enumerate(link.hops):
        change = ledger.get(number)
        parts = []
        if change is not None:
            for word, names in (
                ("kept", change.kept),
                ("changed", change.changed),
                ("moved to #", change.moved_to_fragment),
                ("dropped", change.dropped),
            ):
                if names:
                    parts.append(f"{word} {', '.join(names)}")
        status = "" if hop.status is None else str(hop.status)
        via = "" if hop.via == "http" else f" ({hop.via})"
        tail = f"  {'; '.join(parts)}" if parts else ""
        lines.append(f"    hop {number}  {status}{via}  {hop.url}{tail}")
    return lines


def links_overview(report: Report) -> str:
    """The HTML table every link report opens with ("" without links): each row links to
    the link's hop-by-hop card further down."""
    rows = link_rows(report)
    if not rows:
        return ""
    source = source_file(report)
    index = {id(link): i for i, link in enumerate(report.links)}
    body = "".join(
        f'<tr class="v-{esc(r.css)}"><td class="verdict-word v-{esc(r.css)}">{esc(r.verdict)}'
        f'</td><td><a href="#link-{index[id(r.link)]}">{esc(r.name)}</a></td>'
        f"<td>{esc(r.what)}</td></tr>"
        for r in rows
    )
    note = consent_note(report)
    return (
        f'<section id="links-overview"><h2>{esc(counts_line(rows, source))}</h2>'
        + (f'<p class="muted">{esc(note)}</p>' if note else "")
        + '<table class="hits links-overview"><tr><th>verdict</th>'
        f"<th>{'line' if source else 'link'}</th><th>what happened</th></tr>{body}</table>"
        "</section>"
    )

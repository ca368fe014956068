"""What went to third parties: answered here, or let through and why (`Request.let_through`).

The audit fails closed (DESIGN.md): every request to a third-party host that can carry a hit
is answered on the machine; what was let through — the page's resources, a vendor's library
or settings, `allow_hosts`, `--deliver-hits` — is listed here, host by host, so a reader can
see that nothing slipped. Used by the HTML report (its own section) and the CLI (one line).
Imports only tagaudit.model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tagaudit.model import Report

# A request that should have been answered here and was not: listed first, in red.
UNCOVERED = "not intercepted"


@dataclass
class Passage:
    """The requests to one host let through for one reason."""

    host: str
    why: str
    count: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    example: str = ""


def third_parties(report: Report) -> tuple[int, list[Passage]]:
    """(third-party requests answered here, what was let through by host and reason)."""
    answered = 0
    passages: dict[tuple[str, str], Passage] = {}
    for page in report.pages:
        for request in page.requests:
            if request.let_through is None:
                answered += request.answered_locally and request.resource_type != "document"
                continue
            host = urlsplit(request.url).hostname or request.url[:60]
            passage = passages.setdefault(
                (host, request.let_through), Passage(host, request.let_through)
            )
            passage.count += 1
            passage.kinds[f"{request.method} {request.resource_type}"] += 1
            passage.example = passage.example or request.url
    order = sorted(passages.values(), key=lambda p: (p.why != UNCOVERED, p.why, -p.count, p.host))
    return answered, order


def summary_line(report: Report) -> str | None:
    """One line for people: how many were answered here, how many let through, and why."""
    answered, passages = third_parties(report)
    if not answered and not passages:
        return None
    reasons = Counter[str]()
    for passage in passages:
        reasons[passage.why] += passage.count
    let = sum(reasons.values())
    why = ", ".join(f"{why} {n}" for why, n in reasons.most_common())
    line = f"third parties: {answered} answered here (never delivered), "
    line += f"{let} let through ({why})" if let else "none let through"
    return line + (": listed in the HTML and JSON reports" if let else "")


def html_section(report: Report, esc: Callable[[object], str]) -> str:
    """The report's "Third parties" section ("" when no request went to one)."""
    answered, passages = third_parties(report)
    if not answered and not passages:
        return ""
    rows = "".join(
        f'<tr class="{"failed" if p.why == UNCOVERED else ""}"><td>{esc(p.host)}</td>'
        f"<td>{esc(p.why)}</td><td>{p.count}</td>"
        f"<td>{esc(', '.join(f'{k} ×{n}' for k, n in p.kinds.most_common()))}</td>"
        f'<td class="small">{esc(p.example[:160])}</td></tr>'
        for p in passages
    )
    table = (
        '<div class="scroll"><table class="hits"><tr><th>host</th><th>why it was let '
        f"through</th><th>requests</th><th>kinds</th><th>example</th></tr>{rows}</table></div>"
        if passages
        else '<p class="muted">Nothing was let through to a third party.</p>'
    )
    return (
        '<section id="third-parties"><h2>Third parties</h2><p class="muted">'
        f"{answered} request(s) to third parties that could carry a hit (beacons, pings, "
        "XHR/fetch, POSTs, tracking pixels) were answered on this machine and never delivered. "
        "Every third-party request that did leave it is listed here, with why.</p>"
        f"{table}</section>"
    )

"""The tag matrix (pages × provider:account) with the reason behind every cell.

An empty cell must say why it is empty, the same way in the terminal, the HTML report and the
Markdown summary. Each cell has one state, a short text, a symbol, a CSS class and a reason
(shown on hover in HTML):

    fired     N hits reached the vendor (or were answered locally)        "3"
    loaded    the library loaded (or is loaded but never configured),      "○ no hit"
              and no hit was sent
    csp       its requests were refused by the page's Content Security     "⊘ CSP"
              Policy
    failed    its requests failed (4xx/5xx, network)                       "✗ 404" / "✗ failed"
    consent   held back by consent (reject scenario, banner unanswered,    "◐ consent"
              or the findings say consent)
    absent    not on the page                                               "—"

The reasons come from the capture and from the page's findings (`evidence.why` of the rules:
`not-configured` shows as loaded, `consent` as held by consent). Imports only tagaudit.model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tagaudit.model import UNKNOWN_PROVIDER, Finding, PageVisit, Report, TagHit, base_account

# state → (words in legends and tooltips, symbol, CSS class); the terminal styles by class.
STATES: dict[str, tuple[str, str, str]] = {
    "fired": ("fired (hits sent)", "", "fired"),
    "loaded": ("loaded, no hit", "○", "loaded"),
    "csp": ("blocked by CSP", "⊘", "blocked"),
    "failed": ("failed", "✗", "failed"),
    "consent": ("held by consent", "◐", "consent"),
    "absent": ("absent", "—", "absent"),
}
# The same colours everywhere (terminal styles; html_style.py uses the same classes).
STYLES = {
    "fired": "green",
    "loaded": "yellow",
    "blocked": "bold red",
    "failed": "bold red",
    "consent": "blue",
    "absent": "dim",
}
_CANCELLED = ("net::err_aborted",)


@dataclass
class Cell:
    """One page × tag cell: its state, the hits sent, the events seen and why."""

    state: str = "absent"
    hits: int = 0
    events: list[str] = field(default_factory=list)
    reason: str = ""
    problem: str = ""

    def parts(self) -> tuple[str, str]:
        """(symbol or count, word): `("3", "")`, `("⊘", "CSP")`, `("✗", "404")` …"""
        if self.state == "fired":
            return str(self.hits), ""
        if self.state == "failed":
            code = self.problem.removeprefix("HTTP ") if self.problem.startswith("HTTP ") else ""
            return "✗", code or "failed"
        word = {"loaded": "no hit", "csp": "CSP", "consent": "consent"}.get(self.state, "")
        return STATES[self.state][1], word

    def text(self) -> str:
        """The cell as shown: a count, or a symbol and a word."""
        return " ".join(part for part in self.parts() if part)

    def css(self) -> str:
        return STATES[self.state][2]

    def words(self) -> str:
        return STATES[self.state][0]


# A sample cell of each state, for the legends (terminal, HTML, Markdown: the same words).
SAMPLES = {
    "fired": "3",
    "loaded": "○ no hit",
    "csp": "⊘ CSP",
    "failed": "✗ 404",
    "consent": "◐ consent",
    "absent": "—",
}
LEGEND = " · ".join(f"{SAMPLES[state]}: {words}" for state, (words, _, _) in STATES.items())


def tag_key(hit: TagHit, only_account: dict[str, str] | None = None) -> str:
    """Matrix column of a hit: its tag (`TagHit.tag`) as `provider:account`, the colon being
    where the renderers split a column's heading.

    A hit whose account is unknown (a blocked request shows its URL, not its body) joins
    its provider's column when the run saw exactly one account of that provider. Provider
    `unknown` is no one vendor: its column is its collector's host (`TagHit.tag_account`).
    """
    account = hit.tag_account or (only_account or {}).get(hit.provider, "")
    return f"{hit.provider}:{account}" if account else hit.provider


def single_accounts(report: Report) -> dict[str, str]:
    """provider → its account, for providers with exactly one account in the run (not
    `unknown`: no one vendor, its columns are its collectors' hosts)."""
    accounts: dict[str, set[str]] = defaultdict(set)
    for page in report.pages:
        for hit in page.hits:
            if hit.account:
                accounts[hit.provider].add(hit.base_account)
    for finding in report.findings:
        provider, account = finding.location.get("provider"), finding.location.get("account")
        if provider and account and finding.category == "missing-tag":
            accounts[provider].add(base_account(str(account)))
    accounts.pop(UNKNOWN_PROVIDER, None)
    return {provider: next(iter(seen)) for provider, seen in accounts.items() if len(seen) == 1}


def tag_matrix(report: Report) -> tuple[list[str], list[tuple[PageVisit, dict[str, Cell]]]]:
    """(column tags, rows of (page, {tag: Cell})) over every page of the report.

    A row's page is the report's own when its pages are a list in memory (the HTML links
    each row to its page by identity); when they are read back one at a time (a long
    run's, on disk: runner/spool.py), it is the page without what it captured (its `head`),
    so the matrix of 2,000 pages does not hold 2,000 whole pages."""
    only_account = single_accounts(report)
    whole = type(report.pages) is list
    columns: set[str] = set()
    rows = []
    for page in report.pages:
        if _nothing_to_show(page):
            continue
        cells: dict[str, Cell] = defaultdict(Cell)
        for hit in page.hits:
            key = tag_key(hit, only_account)
            columns.add(key)
            _add_hit(cells[key], page, hit)
        for finding in _missing_tag_findings(report, page):
            key = _finding_key(finding, only_account)
            columns.add(key)
            _add_finding(cells[key], finding)
        rows.append((page if whole else page.head(), dict(cells)))
    fired_by_url: dict[str, set[str]] = defaultdict(set)
    for page, cells in rows:
        fired_by_url[page.url] |= {key for key, cell in cells.items() if cell.state == "fired"}
    ordered = sorted(columns)
    for page, cells in rows:
        for column in ordered:
            cell = cells.setdefault(column, Cell())
            _settle(cell, page, column in fired_by_url[page.url])
    return ordered, rows


def _nothing_to_show(page: PageVisit) -> bool:
    """A journey step that sent nothing and loaded no page of its own (it failed before,
    or stayed on the page of the step before): no row of its own, its page has one."""
    reached = page.reached
    idle = reached.goal == "failed" or reached.page in ("same", "not-run")
    return page.journey is not None and idle and not page.hits


def _add_hit(cell: Cell, page: PageVisit, hit: TagHit) -> None:
    request = page.request_of(hit)
    problem = request.delivery_problem() if request is not None else None
    if problem == "csp":
        cell.reason = cell.reason or _blocked_reason(hit, request.url if request else "")
        cell.state = "csp" if cell.state in ("absent", "loaded") else cell.state
    elif problem is not None and problem.lower() not in _CANCELLED:
        cell.problem = cell.problem or problem
        cell.reason = cell.reason or f"{hit.kind} {problem}: {request.url if request else ''}"
        cell.state = "failed" if cell.state in ("absent", "loaded") else cell.state
    elif problem is None and hit.kind == "hit":
        cell.hits += 1
        cell.state = "fired"
        if hit.event and hit.event not in cell.events:
            cell.events.append(hit.event)
    elif problem is None and cell.state == "absent":
        cell.state = "loaded"


def _blocked_reason(hit: TagHit, url: str) -> str:
    what = hit.event or hit.kind
    return f"{what} refused by the page's Content Security Policy: {url[:120]}"


def _missing_tag_findings(report: Report, page: PageVisit) -> list[Finding]:
    return [
        f
        for f in report.findings
        if f.category == "missing-tag"
        and f.url == page.url
        and f.location.get("scenario", page.scenario) == page.scenario
        and f.location.get("provider")
    ]


def _finding_key(finding: Finding, only_account: dict[str, str]) -> str:
    provider, account = str(finding.location["provider"]), finding.location.get("account")
    # An unknown collector's finding names its host: in `evidence` (collector-unknown, whose
    # account is one a hit sent) or as the account (the rules' tag, `TagHit.tag_account`).
    host = None
    if provider == UNKNOWN_PROVIDER:
        host = (finding.evidence or {}).get("host") or account
    return tag_key(TagHit(provider, account=account, collector=host), only_account)


def _add_finding(cell: Cell, finding: Finding) -> None:
    """A missing-tag finding explains an empty cell: its `why` decides the state, its
    message is the reason (it names the directive, the URL, the missing config call)."""
    if cell.state == "fired":
        return
    why = str(finding.evidence.get("why") or "")
    if cell.state == "absent":
        cell.state = _FINDING_STATES.get(why, "absent")
        cell.problem = str(finding.evidence.get("problem") or "")
    cell.reason = finding.message


_FINDING_STATES = {
    "not-configured": "loaded",
    "consent": "consent",
    "csp": "csp",
    "http-error": "failed",
    "network": "failed",
}


def _settle(cell: Cell, page: PageVisit, fires_elsewhere: bool) -> None:
    """The last word on a cell: words for a fired one, consent for an empty one whose tag
    fires in another consent scenario of the same page."""
    if cell.state == "fired":
        sent = ", ".join(cell.events) or "hits"
        cell.reason = f"{cell.hits} hit(s) sent: {sent}" + (
            f" ({cell.reason})" if cell.reason else ""
        )
    elif cell.state == "absent" and fires_elsewhere and _consent_pending(page):
        cell.state = "consent"
        cell.reason = cell.reason or _consent_words(page)
    elif cell.state == "loaded" and not cell.reason:
        cell.reason = "the library loaded but sent no hit"
    elif cell.state == "absent" and not cell.reason:
        cell.reason = "not on this page"


def _consent_pending(page: PageVisit) -> bool:
    if page.scenario == "reject":
        return True
    return page.scenario == "none" and bool(page.consent.popup)


def _consent_words(page: PageVisit) -> str:
    if page.scenario == "reject":
        return 'held back after "reject all"'
    return "held back: the consent banner showed and nobody chose"

"""What every reporter reads the same way: the tag matrix, findings by page, rule catalog.

Owns the views of a finished Report that more than one format shows, so the terminal, HTML
and Markdown agree cell for cell. Imports only tagaudit.model.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from tagaudit.model import SEVERITIES, Finding, PageVisit, Report, RuleInfo, TagHit

LEVEL_WORDS = {"error": "errors", "warning": "warnings", "info": "info"}


def rule_catalog(report: Report) -> dict[str, RuleInfo]:
    """Rule id → its description: from the run's rules, else from the findings."""
    catalog = dict(report.config.rules)
    for finding in report.findings:
        catalog.setdefault(
            finding.rule_id,
            RuleInfo(finding.rule_id, finding.category, finding.severity, finding.help),
        )
    return dict(sorted(catalog.items()))


def counts_line(report: Report) -> str:
    """`2 errors, 1 warning, 0 info (1 suppressed)` from the counted findings."""
    counted = report.counted_findings()
    parts = []
    for severity in SEVERITIES:
        n = sum(1 for f in counted if f.severity == severity)
        word = {"error": "error", "warning": "warning", "info": "info"}[severity]
        parts.append(f"{n} {word}{'s' if n != 1 and severity != 'info' else ''}")
    suppressed = len(report.findings) - len(counted)
    tail = f" ({suppressed} suppressed)" if suppressed else ""
    return ", ".join(parts) + tail


def page_label(page: PageVisit, report: Report) -> str:
    """The page URL, with its scenario when the run had more than one."""
    scenarios = {p.scenario for p in report.pages}
    return f"{page.url} [{page.scenario}]" if len(scenarios) > 1 else page.url


def short_label(page: PageVisit, report: Report) -> str:
    """`/checkout/` instead of the whole URL when every page is on one origin (matrix rows)."""
    origins = {_origin(p.url) for p in report.pages}
    label = page_label(page, report)
    if len(origins) == 1:
        return label[len(_origin(page.url)) :] or "/"
    return label


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def findings_by_page(report: Report) -> dict[str, list[Finding]]:
    """Findings grouped by URL (+ scenario), in report order."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding_place(finding, report)].append(finding)
    return dict(groups)


def finding_place(finding: Finding, report: Report) -> str:
    scenarios = {p.scenario for p in report.pages}
    scenario = finding.location.get("scenario")
    if len(scenarios) > 1 and scenario:
        return f"{finding.url} [{scenario}]"
    return finding.url or "(site)"


def is_delivered(page: PageVisit, hit: TagHit) -> bool:
    """Did the hit's request get through (or was it answered locally)?"""
    request = page.request_of(hit)
    return request is None or request.delivery_problem() is None


def tag_key(hit: TagHit, only_account: dict[str, str] | None = None) -> str:
    """Matrix column of a hit: `provider:account` (account without an Ads conversion label).

    A hit whose account is unknown (a blocked request shows its URL, not its body) joins
    its provider's column when the run saw exactly one account of that provider
    (`only_account`, from `single_accounts`).
    """
    account = (hit.account or "").split("/", 1)[0]
    account = account or (only_account or {}).get(hit.provider, "")
    return f"{hit.provider}:{account}" if account else hit.provider


def single_accounts(report: Report) -> dict[str, str]:
    """provider → its account, for providers with exactly one account in the run."""
    accounts: dict[str, set[str]] = defaultdict(set)
    for page in report.pages:
        for hit in page.hits:
            if hit.account:
                accounts[hit.provider].add(hit.account.split("/", 1)[0])
    return {provider: next(iter(seen)) for provider, seen in accounts.items() if len(seen) == 1}


@dataclass
class Cell:
    """One page × tag cell: hits sent, events seen, and whether only the library loaded."""

    hits: int = 0
    events: list[str] = field(default_factory=list)
    loaded: bool = False
    failed: int = 0

    def text(self) -> str:
        if self.hits:
            return str(self.hits)
        if self.failed:
            return "failed"
        return "loaded" if self.loaded else ""


def tag_matrix(report: Report) -> tuple[list[str], list[tuple[PageVisit, dict[str, Cell]]]]:
    """(column tags, rows of (page, {tag: Cell})) over every page of the report."""
    columns: set[str] = set()
    rows = []
    only_account = single_accounts(report)
    for page in report.pages:
        cells: dict[str, Cell] = defaultdict(Cell)
        for hit in page.hits:
            key = tag_key(hit, only_account)
            columns.add(key)
            cell = cells[key]
            if not is_delivered(page, hit):
                cell.failed += 1
            elif hit.kind == "hit":
                cell.hits += 1
                if hit.event and hit.event not in cell.events:
                    cell.events.append(hit.event)
            else:
                cell.loaded = True
        rows.append((page, dict(cells)))
    return sorted(columns), rows


# Email addresses, plain or URL-encoded, in values shown to people: reports get shared, so
# the personal data a page leaked is masked there (the pii-in-hit finding names the field;
# the JSON report keeps the raw request for machines).
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@|%40)([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def mask_emails(text: str) -> str:
    """`jane.doe@example.com` → `j***@example.com` (also inside URL-encoded values)."""
    return EMAIL.sub(r"\1***\2\3", text)


def shown_params(hit: TagHit, limit: int = 40) -> list[tuple[str, str]]:
    """A hit's decoded params as (name, text) pairs for people: long values shortened,
    email addresses masked."""
    pairs = []
    for key, value in (hit.params or {}).items():
        text = mask_emails(value if isinstance(value, str) else repr(value))
        if len(text) > 160:
            text = text[:157] + "…"
        pairs.append((str(key), text))
    return pairs[:limit]

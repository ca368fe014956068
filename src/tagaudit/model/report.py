"""A run's outcome: findings, what the run was and did, and the Report that holds it all.

Plain dataclasses, JSON-safe through tagaudit.model.serial (`Report.to_dict`,
`Report.from_dict`). Reporters read only this; the CLI picks the exit code from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tagaudit.model.capture import PageVisit
from tagaudit.model.consent import ConsentMatrix
from tagaudit.model.journeys import JourneyResult
from tagaudit.model.links import LinkResult
from tagaudit.model.redaction import mask_secrets
from tagaudit.model.urls import page_of
from tagaudit.model.vocabulary import LINK_CATEGORIES, SCHEMA_VERSION, SEVERITIES


@dataclass
class RuleInfo:
    """What reporters show of a rule that ran: its title, category, default fix, docs."""

    title: str
    category: str
    severity: str
    help: str = ""
    description: str = ""
    check: str = ""
    # Where the rule was declared (`rules/tags.yaml:3`, or the tagaudit.yaml line of an
    # `expect:`): SARIF locates results there when no config line declared their page.
    source: str = ""
    # What it applied to in this run, as index ranges into Report.pages / Report.links
    # (`0-3,7`; "" for nothing): JUnit lists a rule only where it applied. None when not
    # recorded (a report from an older version). `seconds`: its evaluation time.
    pages: str | None = None
    links: str | None = None
    seconds: float | None = None
    # Where it was meant to apply but the visit stopped short of the state it needs (a
    # journey step that failed: index ranges into Report.pages) and the journey steps
    # (`journey/step`) that never ran: JUnit lists them as skipped, never as passed.
    skipped: str | None = None
    skipped_steps: list[str] = field(default_factory=list)
    # A name for people where the id is a number (`expect-1`): the expectation as tagaudit.yaml
    # writes it (`expect event ga4:purchase on /checkout/thank-you*`); "" for the others.
    name: str = ""


@dataclass
class RunInfo:
    """What the run was (`Report.config` in JSON): its targets and settings, the browser, the
    rules applied, the consent matrix, and what went wrong with the run itself.

    `notes` are lines for people about how the run went ("no Chromium found; links checked
    over HTTP only"): the library never prints, the CLI shows them. `run_error` is set when
    the run itself failed part-way (exit 3), with whatever finished still in the Report.
    """

    OMIT_EMPTY: ClassVar[bool] = True

    command: str | None = None
    targets: list[str] = field(default_factory=list)
    base_url: str | None = None
    concurrency: int | None = None
    consent: list[str] | None = None
    consent_engine: str | None = None
    browser: str | bool | None = None
    transport: str | None = None
    links: int | None = None
    input_problems: list[str] = field(default_factory=list)
    demo: bool | None = None
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    disabled_rules: list[str] = field(default_factory=list)
    rule_errors: list[str] = field(default_factory=list)
    consent_matrix: list[ConsentMatrix] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    run_error: str | None = None
    # Where each target was declared, `url → "tagaudit.yaml:4"` (a `pages:` entry, the
    # `crawl.sitemap` line that listed it): SARIF locates a page's results there.
    declared: dict[str, str] = field(default_factory=dict)
    # The tagaudit.yaml of the run, as given (a merge checks that its shards used the same).
    config_file: str | None = None
    # `--shard I/N`: which shard this was, how many targets the whole plan had, and the
    # plan's fingerprint (a merge checks its shards planned the same list).
    shard: str | None = None
    planned: int | None = None
    plan_id: str | None = None
    # What a written JSON report did with credentials: `masked` (replaced by `***`, the
    # default) or `kept` (`--keep-secrets`, also set on the run's Report so its JSON keeps
    # them). None in memory means masked when written (tagaudit.report.masking).
    secrets: str | None = None


@dataclass
class Finding:
    """One problem a rule found, with enough evidence to act on it."""

    rule_id: str
    category: str
    severity: str
    message: str
    url: str = ""
    confidence: str = "high"
    location: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    help: str = ""
    fingerprint: str = ""
    suppressed: str | None = None
    # With --baseline: `new`, `unchanged` (same fingerprint in the baseline) or `fixed` (only
    # in Report.baseline.fixed); None without a baseline. HTML/Markdown show it as a column.
    baseline: str | None = None

    def __post_init__(self) -> None:
        if not self.fingerprint:
            keep_query = self.category in LINK_CATEGORIES
            self.fingerprint = fingerprint(self.rule_id, self.url, self.location, keep_query)

    def __repr__(self) -> str:
        return f"<Finding {self.describe()}>"

    def describe(self) -> str:
        """One line: severity, rule, where (page, or journey, step and page), message.

        `error tag-blocked-by-csp /checkout/: ga4 G-ABC123 blocked by the page's CSP (img-src)`;
        a pytest failure or a `print` shows it whole, where the dataclass's repr was cut.
        """
        page = page_of(self.url)
        journey, step = self.location.get("journey"), self.location.get("step")
        where = page
        if journey:  # the step, and the page it was on (a test's step names no page)
            where = f"journey {journey}" + (f", step {step}" if step else "")
            where += f", {page}" if page.startswith("/") else ""
        scenario = self.location.get("scenario")
        if scenario and scenario != "none":
            where += f" [{scenario}]"
        quiet = f" (suppressed: {self.suppressed})" if self.suppressed else ""
        return f"{self.severity} {self.rule_id} {where}: {self.message}{quiet}"


@dataclass
class TagChange:
    """With --baseline: what changed in the tag inventory of one page (or URL template) and
    scenario since the baseline.

    Items are `provider account` for a tag that loaded or sent anything (`ga4 G-ABC123`)
    and `provider account: event` for an event it sent (`ga4 G-ABC123: purchase`):

        TagChange(url="https://shop.example/checkout/thank-you/", lost=["ga4 G-1: purchase"])
    """

    OMIT_EMPTY: ClassVar[bool] = True

    url: str
    scenario: str = "none"
    template: bool = False  # `url` names a URL template (`https://shop.example/product/*`)
    lost: list[str] = field(default_factory=list)
    gained: list[str] = field(default_factory=list)


@dataclass
class BaselineDiff:
    """What `--baseline source` found beyond marking findings new or unchanged: the earlier
    findings that are gone (`fixed`, on pages and links this run checked again), the tag
    inventory changes, and how many earlier findings were on targets not checked this time."""

    source: str = ""
    fixed: list[Finding] = field(default_factory=list)
    tags: list[TagChange] = field(default_factory=list)
    not_rechecked: int = 0

    def summary(self, findings: list[Finding]) -> str:
        """`baseline previous.json: 2 new, 14 unchanged, 1 fixed; tags changed on 1 page…`,
        the same line in the terminal, the HTML and the Markdown."""
        new = sum(1 for f in findings if f.baseline == "new")
        unchanged = sum(1 for f in findings if f.baseline == "unchanged")
        line = f"baseline {self.source}: {new} new, {unchanged} unchanged, {len(self.fixed)} fixed"
        if self.not_rechecked:
            line += f" ({self.not_rechecked} on pages not audited this time)"
        if self.tags:
            line += f"; tags changed on {len(self.tags)} page(s) or template(s)"
        return line


@dataclass(repr=False)
class Report:
    """A finished (or interrupted) run: what was visited, followed and found.

    Its repr is a one-line count: asyncio formats the finished run task (result included)
    when `asyncio.run` restores its SIGINT handler, and the dataclass repr of a 1,000-link
    report took a tenth of a second there.
    """

    tool_version: str = ""
    started: str = ""
    finished: str = ""
    config: RunInfo = field(default_factory=RunInfo)
    pages: list[PageVisit] = field(default_factory=list)
    links: list[LinkResult] = field(default_factory=list)
    journeys: list[JourneyResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False
    schema: str = SCHEMA_VERSION
    baseline: BaselineDiff | None = None  # --baseline: fixed findings, tag changes

    def __repr__(self) -> str:
        counts = f"pages={len(self.pages)}, links={len(self.links)}, journeys={len(self.journeys)}"
        state = ", interrupted" if self.interrupted else ""
        return f"<Report {counts}, findings={len(self.findings)}{state}>"

    def to_dict(self) -> dict[str, Any]:
        from tagaudit.model.serial import to_dict

        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """A Report read back from its JSON form (fields it does not know are ignored)."""
        from tagaudit.model.serial import from_dict

        return from_dict(cls, data)

    def exit_code(self, fail_on: str = "error", new_only: bool = False) -> int:
        """0 when nothing counted is at or above `fail_on`, else 1 (DESIGN.md exit codes);
        3 when the run itself failed (`config.run_error`: no page could be loaded …).

        Suppressed findings never count; `never` gives 0 (unless the run failed). With
        `new_only` (`--fail-on-new`) only findings the baseline did not have count.
        """
        if self.config.run_error:
            return 3
        counted = (f for f in self.findings if not new_only or f.baseline == "new")
        return 1 if any(fails(f, fail_on) for f in counted) else 0

    def counted_findings(self) -> list[Finding]:
        """Findings that count for the exit code (not suppressed)."""
        return [f for f in self.findings if not f.suppressed]

    def summarize(self) -> dict[str, Any]:
        """Recompute `summary` from pages, links and findings, and return it."""
        counted = self.counted_findings()
        self.summary = {
            "pages": len(self.pages),
            "page_errors": sum(1 for p in self.pages if p.error),
            "links": len(self.links),
            "journeys": len(self.journeys),
            "hits": sum(len(p.hits) for p in self.pages),
            "findings": {sev: sum(1 for f in counted if f.severity == sev) for sev in SEVERITIES},
            "suppressed": len(self.findings) - len(counted),
        }
        return self.summary


AUTH_FAILURE = "ERR_INVALID_AUTH_CREDENTIALS"


def no_page_loaded(pages: list[PageVisit]) -> str | None:
    """Why the run itself failed when not one page loaded, or None.

    Every page failing to load (DNS, refused, timeouts, or a 5xx answer on all of them) is
    a site that is down, not a tracking finding: the run failed (exit 3, DESIGN.md).
    """
    failed = [p for p in pages if p.error or (p.status or 0) >= 500]
    if not pages or len(failed) < len(pages):
        return None
    first = failed[0]
    reason = first.error or f"HTTP {first.status} at {first.url}"
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    if all(AUTH_FAILURE in (p.error or "") for p in failed):
        # Chromium's answer to a basic-auth challenge it has no (right) credentials for
        why = "the site asks for a login (set browser.basic_auth, or check its password)"
        return f"no page could be loaded, {why}: {reason}{more}"
    return f"no page could be loaded, the site looks down: {reason}{more}"


def normalise_url(url: str, keep_query: bool = False) -> str:
    """Drop the fragment, and the query unless asked, so fingerprints survive re-runs; and
    credentials (model.redaction), so a report read back masked (merge, --baseline) gives
    the fingerprints of the run that wrote it, and a rotated token is no new finding."""
    url = url.split("#", 1)[0]
    return mask_secrets(url if keep_query else url.split("?", 1)[0].rstrip("/"))


_FINGERPRINT_KEYS = ("scenario", "provider", "account", "event")


def fingerprint(rule_id: str, url: str, location: dict[str, Any], keep_query: bool = False) -> str:
    """A stable id for a finding: rule, normalised url, scenario, provider, account, event."""
    parts = [rule_id, normalise_url(url, keep_query)]
    parts += [str(location.get(k) or "") for k in _FINGERPRINT_KEYS]
    # surrogatepass: a page can put a lone surrogate in a URL, and JSON keeps it (`\udfff`)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def fails(finding: Finding, fail_on: str) -> bool:
    """Does this finding fail a run with `--fail-on fail_on` (suppressed ones never do)?"""
    if finding.suppressed or fail_on == "never":
        return False
    return severity_rank(finding.severity) <= severity_rank(fail_on)


def index_ranges(indices: list[int]) -> str:
    """`[0, 1, 2, 3, 7]` → `"0-3,7"`: a compact record of which pages or links a rule read."""
    parts: list[str] = []
    run: list[int] = []
    for index in sorted(set(indices)):
        if run and index == run[-1] + 1:
            run.append(index)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [index]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(parts)


def parse_ranges(text: str) -> set[int]:
    """The indices `index_ranges` wrote (`"0-3,7"` → {0, 1, 2, 3, 7}); "" → empty."""
    indices: set[int] = set()
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        indices.update(range(int(first), int(last or first) + 1))
    return indices

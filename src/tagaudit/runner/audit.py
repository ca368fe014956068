"""The core of `tagaudit audit`: targets → one browser session → visits → rules → Report.

Owns the order of work of an audit. One BrowserSession per run; a pool of workers takes
jobs from one queue: plain visits (the crawl frontier, on a reused tab per worker: the page
engine's Visitor) and consent scenario jobs, which start as soon as the plain visit of their
page showed a banner (or, with explicit scenarios, for every target) and take that visit's
place in the report. Everything finished is kept, so an interrupted run still reports it:
`audit()` raises `Interrupted` carrying that partial Report. The library never prints;
progress goes to an optional callback.

    report = audit(["https://shop.example/"], config="tagaudit.yaml", concurrency=2)
    report.findings, report.exit_code(fail_on="error")
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tagaudit.browser.collectors import note_answers, own_endpoints, probe_endpoints
from tagaudit.browser.page import PageEngine, Tab, quietly
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.visitor import Visitor
from tagaudit.config import Config
from tagaudit.config.targets import resolve_target
from tagaudit.consent.builtin import detect_banner
from tagaudit.consent.engines import JourneyConsent, describe_engine
from tagaudit.consent.scenarios import run_scenarios
from tagaudit.consent.settings import ConsentSettings
from tagaudit.crawl.frontier import Frontier
from tagaudit.crawl.shards import Shard, parse_shard
from tagaudit.errors import UsageError
from tagaudit.journeys.clickid import follow_click_ids
from tagaudit.journeys.run import JourneyOutcome, new_outcome, play
from tagaudit.journeys.settings import check_journey_urls
from tagaudit.model import (
    SCENARIOS,
    TOOL_VERSION,
    ConsentMatrix,
    PageVisit,
    Report,
    RunInfo,
    no_page_loaded,
    reach,
)
from tagaudit.rules.consent_matrix import consent_matrices
from tagaudit.rules.engine import RuleSet, load_rules
from tagaudit.runner.options import AUDIT_OPTIONS
from tagaudit.runner.run import (
    ConfigLike,
    Run,
    apply_with_baseline,
    base_url_of,
    build_catalog,
    load_baseline,
    now_iso,
    resolve_config,
    secrets_kept,
    session_settings,
)
from tagaudit.runner.site_plan import PlannedTargets, plan_site
from tagaudit.runner.spool import Entry, PageFile, SpooledPages

__all__ = [
    "AUDIT_OPTIONS",
    "AuditRun",
    "ConsentSettings",
    "Progress",
    "audit",
    "audit_async",
    "prepare_audit",
]
READ_LINKS = "() => Array.from(document.links, (a) => a.href)"
# How a finished job shows in the progress (consent scenarios report one by one: _play).
JOB_LABELS = {"visit": "{}", "journey": "journey {}"}
JOB_KINDS = {"visit": "page", "journey": "journey"}


@dataclass
class Progress:
    """How far a run is: `done` of `total` units known so far (the total grows as a crawl
    discovers pages and banners), and what just finished. A unit is a page visit, one
    consent scenario of a page or a journey (`kind`: `page` | `scenario` | `journey`)."""

    done: int
    total: int
    label: str
    kind: str = "page"


ProgressCallback = Callable[[Progress], None]


class AuditRun(Run):
    """One audit: prepared at once (config, rules, targets), then `execute()` the crawl."""

    def __init__(
        self,
        targets: list[str] | None,
        config: Config,
        on_progress: ProgressCallback | None = None,
        shard: Shard | None = None,
        baseline: Report | str | Path | None = None,
    ) -> None:
        self.config = config
        self.shard = shard
        self.baseline = load_baseline(baseline)  # a bad file fails now, before the browser
        self.ruleset: RuleSet = load_rules(config.rule_options())  # a bad rule file fails now
        self.journeys = config.journeys.selected()
        self.targets = plan_targets(targets, config, with_journeys=bool(self.journeys))
        if shard is not None:  # journeys are shared out like pages: every N-th, in config order
            self.journeys = shard.take(self.journeys)
        self.base_url = base_url_of(config, self.targets)
        check_journey_urls(self.journeys, self.base_url, config)
        self.journey_outcomes: dict[str, JourneyOutcome] = {}
        self.session: BrowserSession | None = None
        self.run_error: str | None = None  # the run itself failed (the browser died)
        self.catalog = build_catalog(config)
        self.consent = config.consent
        self.scenarios = config.consent.scenarios  # None: decide per page from its banner
        self.frontier = Frontier(self.targets, config.crawl.max_pages, config.crawl.depth)
        # Finished pages, past the first few kept on disk (runner/spool.py): a long run's
        # memory stays flat. Each page is kept once, as it finishes (`_keep`).
        self.page_file = PageFile()
        self.visits: dict[str, Entry] = {}
        self.scenario_visits: dict[str, list[Entry]] = {}
        # Pages that sent hits to the site's own collector, by id of their entry: where
        # they sent them (probed at the end, the answers written back on the pages).
        self.sent_own: dict[int, list[tuple[str, str]]] = {}
        self.ran_scenarios = False  # a kept visit was a consent scenario's
        self.jobs: deque[tuple[str, str, int]] = deque()  # (kind, url, depth), front of the line
        self.in_flight = 0
        self.done = 0
        self.scenario_jobs = 0  # scenarios queued so far: the progress total grows with them
        self.browser_version = ""
        self.on_progress = on_progress
        self.report = Report(tool_version=TOOL_VERSION, started=now_iso())
        for journey in self.journeys:  # long jobs first: they overlap with the crawl
            self.jobs.append(("journey", journey.name, 0))
        self.plain_visits = self.scenarios is None or config.crawl.depth > 0
        self.planned: PlannedTargets | None = None

    def _start(self, planned: PlannedTargets) -> None:
        """The planned targets (site_plan.py: sitemaps, filters, shard) become the frontier."""
        self.planned = planned
        admit = planned.selector.admit if planned.selector is not None else None
        crawl = self.config.crawl
        self.frontier = Frontier(planned.targets, crawl.max_pages, crawl.depth, admit)
        if not self.plain_visits:
            # Explicit scenarios on the given pages only: no plain visit is needed.
            while (item := self.frontier.take()) is not None:
                self._queue_scenarios(item[0], item[1])

    async def execute(self) -> Report:
        """Run every job in one browser; returns the finished Report (rules applied).

        If the browser dies mid-run (crashed, killed), the jobs it took down are not
        reported as page errors: the run stops, keeps what finished, and says so in
        `config.run_error` (exit 3).
        """
        settings = session_settings(self.config, self.targets)
        async with BrowserSession(settings, self.catalog) as session:
            self.session = session
            self._start(await plan_site(session, self.config, self.targets, self.shard))
            self.browser_version = session.version
            engine = PageEngine(session, self.config.page)
            visitors = [Visitor(engine) for _ in range(self.config.crawl.concurrency)]
            try:
                await asyncio.gather(*(self._work(engine, v) for v in visitors))
            finally:
                for visitor in visitors:
                    await visitor.close()
            await self._probe_collectors(session)
        return self.finish()

    async def _probe_collectors(self, session: BrowserSession) -> None:
        """Hits answered locally that were bound for the site's own collector: is it up?
        Each endpoint is probed once; the pages that sent to one are read back one at a
        time, noted (what they reached again: a collector down delivers nothing), and
        written back."""
        pages = self.pages()
        entries = pages.entries
        endpoints: dict[str, str] = {}
        for entry in entries:
            for endpoint, origin in self.sent_own.get(id(entry), ()):
                endpoints.setdefault(endpoint, origin)
        journeys = [v for outcome in self.journey_outcomes.values() for v in outcome.visits]
        for visit in journeys:
            for endpoint, origin in own_endpoints(visit):
                endpoints.setdefault(endpoint, origin)
        answers = await probe_endpoints(session, endpoints)
        if not answers:
            return
        for index, entry in enumerate(entries):
            if id(entry) in self.sent_own:
                page = pages[index]
                if note_answers(page, answers):  # a collector found down: tags not delivered
                    pages[index] = reach(page)
        for visit in journeys:
            note_answers(visit, answers)

    async def _next_job(self) -> tuple[str, str, int] | None:
        while True:
            if self.run_error:
                return None
            if self.jobs:
                self.in_flight += 1
                return self.jobs.popleft()
            item = self.frontier.take()
            if item is not None:
                self.in_flight += 1
                return ("visit", *item)
            if self.in_flight == 0:
                return None
            await asyncio.sleep(0.02)  # a page in flight may add links or a scenario job

    async def _work(self, engine: PageEngine, visitor: Visitor) -> None:
        while (job := await self._next_job()) is not None:
            kind, url, depth = job
            try:
                if kind == "visit":
                    await self._visit(visitor, url, depth)
                elif kind == "journey":
                    await self._journey(engine, url)
                else:
                    await self._play(engine, url)
            except Exception as problem:  # one broken page must not sink the run
                reason = f"capture failed: {type(problem).__name__}: {problem}"
                if kind == "journey":
                    self.journey_outcomes[url].result.status = "failed"
                    self.journey_outcomes[url].result.error = reason
                else:
                    self._forget(self.visits.get(url))
                    self.visits[url] = self._keep(PageVisit(url=url, error=reason))
                await visitor.close()  # its tab may be broken: start the next one clean
            finally:
                self.in_flight -= 1
                # Each consent scenario counts itself (_play).
                if not self._browser_lost(kind, url) and kind != "scenarios":
                    self.done += 1
                    self._progress(JOB_LABELS[kind].format(url), JOB_KINDS[kind])

    def _browser_lost(self, kind: str, url: str) -> bool:
        """Did the browser die under this job? Then its result is the browser's, not the
        page's: dropped, and the run stops with `run_error` (see `execute`)."""
        lost = self.session.lost if self.session is not None else None
        if not lost:
            return False
        if kind == "journey":
            self.journey_outcomes.pop(url, None)
        else:
            self._forget(self.visits.pop(url, None))
            for entry in self.scenario_visits.pop(url, None) or []:
                self._forget(entry)
        if not self.run_error:
            self.run_error = f"{lost} after {self.done} finished job(s)"
        return True

    async def _visit(self, visitor: Visitor, url: str, depth: int) -> None:
        links: list[str] = []

        async def inspect(tab: Tab, visit: PageVisit) -> None:
            nonlocal links
            if self.config.crawl.depth > depth:
                links = await _read_links(tab)
            if self.scenarios is None:
                visit.consent.banner = await detect_banner(tab.page)

        visit = await visitor.visit(url, inspect)
        self.visits[url] = self._keep(visit)
        self.frontier.done(url, links, depth)
        if self._wants_scenarios(visit):
            self._queue_scenarios(url, depth)

    def _keep(self, visit: PageVisit) -> Entry:
        """A finished page, what it reached filled in, kept in memory or on disk, with
        where it sent hits to the site's own collector (probed at the end)."""
        reach(visit)
        self.ran_scenarios |= visit.consent.is_scenario()
        entry = self.page_file.keep(visit)
        endpoints = own_endpoints(visit)
        if endpoints:
            self.sent_own[id(entry)] = endpoints
        return entry

    def _forget(self, entry: Entry | None) -> None:
        """A kept page dropped or replaced: its own-collector note goes with it (it is
        keyed by the entry's id, which a later entry may reuse)."""
        if entry is not None:
            self.sent_own.pop(id(entry), None)

    def _queue_scenarios(self, url: str, depth: int) -> None:
        self.jobs.append(("scenarios", url, depth))
        self.scenario_jobs += len(self.scenarios or SCENARIOS)

    def _wants_scenarios(self, visit: PageVisit) -> bool:
        if visit.error:
            return False
        if self.scenarios is not None:
            return True
        return bool(visit.consent.banner and visit.consent.banner.visible)

    async def _journey(self, engine: PageEngine, name: str) -> None:
        journey = next(j for j in self.journeys if j.name == name)
        outcome = self.journey_outcomes[name] = new_outcome(journey, self.base_url)
        choice = JourneyConsent(self.consent)  # the journey's choice on the banner, if any
        timeout = self.config.journeys.action_timeout
        await play(engine, journey, self.base_url, choice, outcome, action_timeout=timeout)
        outcome.result.click_ids = follow_click_ids(outcome.result, outcome.visits)

    async def _play(self, engine: PageEngine, url: str) -> None:
        """The page's scenarios side by side (consent.scenarios.run_scenarios), each
        counted in the progress and kept as it finishes: an interrupted run reports the
        scenarios that finished."""

        kept: dict[int, Entry] = {}  # each visit kept once, as the list it is in grows

        def finished(scenario: str, visits: list[PageVisit]) -> None:
            if visits:
                for visit in visits:
                    if id(visit) not in kept:
                        kept[id(visit)] = self._keep(visit)
                self.scenario_visits[url] = [kept[id(visit)] for visit in visits]
            self.done += 1
            self._progress(f"{url} [{scenario}]", "scenario")

        chosen = list(self.scenarios or SCENARIOS)
        await run_scenarios(engine, url, chosen, self.consent, finished)

    def _progress(self, label: str, kind: str = "page") -> None:
        if self.on_progress is not None:
            visits = len(self.frontier.rank) if self.plain_visits else 0
            total = visits + self.scenario_jobs + len(self.journeys)
            self.on_progress(Progress(self.done, max(total, self.done), label, kind))

    def pages(self) -> SpooledPages:
        """Finished visits in discovery order; scenario visits take their page's place.
        Journeys' steps (kept in memory by their journeys) come last."""
        pages: list[Entry] = []
        for url in self._urls():
            pages.extend(self.scenario_visits.get(url) or [self.visits[url]])
        for journey in self.journeys:
            if journey.name in self.journey_outcomes:
                pages.extend(self.journey_outcomes[journey.name].visits)
        return SpooledPages(self.page_file, pages)

    def _urls(self) -> list[str]:
        rank = self.frontier.rank
        return sorted({*self.visits, *self.scenario_visits}, key=lambda u: rank.get(u, len(rank)))

    def _consent_matrices(self) -> list[ConsentMatrix]:
        """One matrix per page URL that ran scenarios, in page order: each URL's scenario
        visits read back together, one URL at a time."""
        matrices = []
        for url in self._urls():
            entries = self.scenario_visits.get(url)
            if entries:
                matrices += consent_matrices(SpooledPages(self.page_file, entries))
        return matrices

    def finish(self, interrupted: bool = False) -> Report:
        """The Report of what finished: run info, consent matrix, rules applied."""
        report = self.report
        report.interrupted = interrupted
        # Each crawled page's `reached` was filled in as it was kept (_keep); journeys
        # record their steps' own (journeys.run).
        report.pages = self.pages()  # type: ignore[assignment]
        report.journeys = [
            self.journey_outcomes[j.name].result
            for j in self.journeys
            if j.name in self.journey_outcomes
        ]
        report.finished = now_iso()
        ran_scenarios = self.ran_scenarios
        planned = self.planned
        report.config = RunInfo(
            command="audit",
            targets=list(planned.targets if planned else self.targets),
            base_url=self.base_url,
            concurrency=self.config.crawl.concurrency,
            consent=self.scenarios,
            browser=self.browser_version or None,
            consent_engine=describe_engine(self.consent) if ran_scenarios else None,
            consent_matrix=self._consent_matrices(),
            declared=planned.declared if planned else self.config.declared,
            config_file=str(self.config.path) if self.config.path else None,
            run_error=self.run_error or (None if interrupted else no_page_loaded(report.pages)),
            notes=[
                *(planned.notes if planned else []),
                *self._catalog_problems(),
                *self._unplaced(),
                *([self.page_file.problem] if self.page_file.problem else []),
            ],
            shard=str(self.shard) if self.shard else None,
            planned=planned.planned if planned and self.shard else None,
            plan_id=planned.plan_id if planned and self.shard else None,
            secrets=secrets_kept(self.config),
        )
        apply_with_baseline(report, self.ruleset, self.baseline)
        return report

    def _unplaced(self) -> list[str]:
        """Requests the edge decided but could place on no page: said, not dropped."""
        edge = self.session.edge if self.session is not None else None
        line = edge.unplaced_note() if edge is not None else None
        return [line] if line else []

    def _catalog_problems(self) -> list[str]:
        """The user's provider regexes that ran out of time (routing.Catalog.problems)."""
        return self.catalog.problems() if self.catalog is not None else []


def plan_targets(
    targets: list[str] | None, config: Config, with_journeys: bool = False
) -> list[str]:
    """The pages to start from: the given ones, else the config's `pages:`, else (when no
    journey runs) the base URL; paths are joined to the base URL (urls.resolve_target)."""
    raw = targets or config.pages
    if not raw and config.base_url and not with_journeys:
        raw = [config.base_url]
    if not raw and not with_journeys:
        raise UsageError(
            "no pages to audit: give URLs, or `pages:`, `journeys:` or `base_url` in a config"
        )
    return list(dict.fromkeys(resolve_target(u, config.base_url) for u in raw or []))


async def _read_links(tab: Tab) -> list[str]:
    return await quietly(tab.page.evaluate(READ_LINKS), []) or []


def prepare_audit(
    targets: list[str] | None = None,
    *,
    config: ConfigLike = None,
    consent_settings: ConsentSettings | None = None,
    on_progress: ProgressCallback | None = None,
    shard: str | None = None,
    baseline: Report | str | Path | None = None,
    as_flags: bool = False,
    **options: Any,
) -> AuditRun:
    """The run `audit` executes, prepared: options applied and checked, rules loaded, targets
    planned, the shard spec read. Bad input raises here, before any browser starts.

    `options` are the keywords of AUDIT_OPTIONS (their Settings name them); `as_flags` names
    a bad one by its command-line flag. `consent_settings` tunes the consent engines (its
    `scenarios` give way to a `consent` option).
    """
    resolved = resolve_config(config, {}, AUDIT_OPTIONS)
    if consent_settings is not None:
        scenarios = consent_settings.scenarios or resolved.consent.scenarios
        resolved.consent = dataclasses.replace(consent_settings, scenarios=scenarios)
    resolved = resolved.with_options(options, AUDIT_OPTIONS, as_flags)
    return AuditRun(targets, resolved, on_progress, parse_shard(shard, "shard"), baseline)


async def audit_async(targets: list[str] | None = None, **arguments: Any) -> Report:
    """`audit` for callers with their own event loop (same arguments as `audit`)."""
    return await prepare_audit(targets, **arguments).run_async()


def audit(targets: list[str] | None = None, **arguments: Any) -> Report:
    """Load pages in headless Chromium, decode every tag they fire, apply the rules.

    `targets` are page URLs (else the config's `pages:`); `config=` is a tagaudit.yaml path,
    a mapping with its keys, or a Config (tagaudit.load_config). Keyword options win over the
    file: concurrency, max_pages, depth, quiet_ms, page_timeout, max_wait_ms, isolation,
    browser (a path), browser_endpoint, browser_args, deliver_hits, consent (a list of
    scenarios), rules (extra rule files), base_url, device, viewport, storage_state,
    headers, cookies, user_agent, locale, timezone (tagaudit.yaml's `browser:` keys), and
    journeys (the names of the config's journeys to run; None runs all). `shard="2/4"`
    audits the second quarter of the planned pages (tagaudit.merge joins the shards'
    reports); `baseline` (a JSON report's path, or a Report) marks each finding `new` or
    `unchanged` and records fixed findings and tag changes in `report.baseline`;
    `on_progress` is called as work finishes; `consent_settings` tunes the consent engines.
    Raises TagauditError for bad input (exit code on the exception) and `Interrupted`,
    carrying the partial Report, on Ctrl-C.
    """
    return prepare_audit(targets, **arguments).run()

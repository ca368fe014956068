"""The core of `tagaudit links`: campaign links → followed hop by hop → rules → Report.

Owns the link check as a library call: inputs (URLs, .txt lists, .csv exports) become link
targets (bad ones are recorded in the report, the rest still run), the link follower
(httpx) follows them, and the run's one browser — when there is one — loads each landing on
the page engine (JS redirects, the landing's tags and click-id cookies), where the landing
meets its consent banner as an audited page does (`links.consent`, `--consent`: accept by
default, so tags that wait for consent are judged after it); the rules engine
turns the LinkResults into findings. The library never prints: what a person should know
about how the run went ("no Chromium found; links checked over HTTP only") is in
`report.config.notes`.

Browser policy (`browser=`): None (auto) uses Chromium when one is found and the list has
at most AUTO_BROWSER_LIMIT distinct links; True insists (EnvironmentProblem without one);
False never starts one.
"""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

from tagaudit.config import Config
from tagaudit.crawl.shards import Shard, parse_shard, plan_id
from tagaudit.errors import EnvironmentProblem, UsageError
from tagaudit.links.follower import Follower
from tagaudit.links.inputs import LinkTarget, read_inputs
from tagaudit.links.navigator import LinkNavigator, merge_visit
from tagaudit.links.settings import LinkSettings
from tagaudit.links.shards import WorkerFailed
from tagaudit.links.transport import used_transport
from tagaudit.model import TOOL_VERSION, LinkResult, Report, RunInfo
from tagaudit.rules.engine import load_rules
from tagaudit.runner.options import LINK_ALIASES, LINK_OPTIONS
from tagaudit.runner.run import (
    ConfigLike,
    Run,
    apply_with_baseline,
    build_catalog,
    load_baseline,
    now_iso,
    resolve_config,
    secrets_kept,
    session_settings,
)

AUTO_BROWSER_LIMIT = 100
BROWSER_CONCURRENCY = 3  # landings loaded at once in the browser
CHAIN_RULE = "link-redirect-chain"  # the chain budget is its `max_hops` (rules/links.yaml)


class LinkRun(Run):
    """One link check: set up at once (config, rules, inputs), then `execute()`."""

    def __init__(
        self,
        inputs: list[str],
        config: Config,
        browser: bool | None,
        shard: Shard | None = None,
        baseline: Report | str | Path | None = None,
    ) -> None:
        self.config = config
        self.ruleset = load_rules(config.rule_options())  # a bad rule file fails now
        self.baseline = load_baseline(baseline)
        read = read_inputs([*inputs, *config.links.targets])
        self.targets: list[LinkTarget] = read.targets
        self.settings = config.links
        self.done: dict[str, LinkResult] = {}
        self.report = Report(tool_version=TOOL_VERSION, started=now_iso())
        self.report.config = RunInfo(
            command="links",
            links=len(self.targets),
            input_problems=list(read.problems),
            transport=used_transport(self.settings),
            secrets=secrets_kept(self.config),
        )
        if shard is not None:  # every shard reads the same inputs: round-robin over them
            planned = [t.url for t in self.targets]
            self.targets = shard.take(self.targets)
            info = self.report.config
            info.shard, info.planned, info.plan_id = str(shard), len(planned), plan_id(planned)
            info.links = len(self.targets)
            info.targets = [t.url for t in self.targets]
        self.mode = self._browser_mode(browser) if self.targets else "off"

    def require_targets(self) -> None:
        """UsageError (exit 2) when no input gave a usable link (the problems say why)."""
        if not self.targets:
            raise UsageError("no usable links: give URLs, a .txt list or a .csv with a URL column")

    def _browser_mode(self, wanted: bool | None) -> str:
        """`on`, `off` or `auto`, with a note when auto falls back to HTTP only."""
        if wanted is not None:
            return "on" if wanted else "off"
        distinct = len({t.url for t in self.targets})
        if distinct > AUTO_BROWSER_LIMIT:
            self.note(
                f"more than {AUTO_BROWSER_LIMIT} links: checking over HTTP only "
                "(--browser to load every landing in Chromium)"
            )
            return "off"
        from tagaudit.browser.discovery import find_browser

        try:
            find_browser(self.config.session.path)
        except EnvironmentProblem:
            self.note("no Chromium found; checking links over HTTP only")
            return "off"
        return "auto"

    def note(self, line: str) -> None:
        self.report.config.notes.append(line)

    async def execute(self) -> Report:
        """Follow every link (and load the landings in the browser when on); the Report.

        A follower worker that dies, or the browser dying while landings are looked at,
        leaves the finished links in the Report, with `config.run_error` set (exit 3).
        """
        try:
            return await self._follow()
        except WorkerFailed as failure:
            return self.finish(interrupted=True, run_error=failure.one_line())

    async def _follow(self) -> Report:
        if self.mode == "off":
            await follow_and_look(self.targets, self.settings, done=self.done)
            return self.finish()
        # The browser side is imported only when a browser is wanted: Playwright and the
        # page engine cost a link check over HTTP a third of its own CPU to import.
        from tagaudit.browser.link_navigator import PlaywrightLinkNavigator
        from tagaudit.browser.page import PageEngine
        from tagaudit.browser.session import BrowserSession
        from tagaudit.consent.engines import LandingConsent

        session = BrowserSession(session_settings(self.config), build_catalog(self.config))
        try:
            await session.__aenter__()
        except EnvironmentProblem as problem:
            if self.mode == "on":
                raise
            self.note(f"{problem.one_line()}; checking over HTTP only")
            await follow_and_look(self.targets, self.settings, done=self.done)
            return self.finish()
        try:
            self.report.config.browser = True
            choice = self.settings.consent
            navigator = PlaywrightLinkNavigator(
                PageEngine(session, self.config.page),
                consent=lambda: LandingConsent(self.config.consent, choice),
            )
            await follow_and_look(self.targets, self.settings, navigator, done=self.done)
        finally:
            await session.__aexit__(None, None, None)
        if session.lost:
            return self.finish(run_error=f"{session.lost} while loading the landing pages")
        return self.finish()

    def finish(self, interrupted: bool = False, run_error: str | None = None) -> Report:
        """The Report of the links that finished, with the rules applied."""
        report = self.report
        report.interrupted = interrupted
        report.config.run_error = run_error
        report.config.browser = report.config.browser or False
        report.links = per_target(self.targets, self.done)
        report.finished = now_iso()
        # where each link was listed (`links.csv:17`), for SARIF locations
        report.config.declared = {t.url: t.source for t in self.targets if ":" in t.source}
        report.config.config_file = str(self.config.path) if self.config.path else None
        apply_with_baseline(report, self.ruleset, self.baseline)
        return report


def prepare_links(
    links: list[str] | None = None,
    *,
    config: ConfigLike = None,
    browser: bool | None = None,
    shard: str | None = None,
    baseline: Report | str | Path | None = None,
    chain_budget: int | None = None,
    as_flags: bool = False,
    **options: Any,
) -> LinkRun:
    """The run `check_links` executes, prepared: options applied, inputs read (bad ones kept
    as `report.config.input_problems`), rules loaded. `chain_budget` is the
    `link-redirect-chain` rule's `max_hops` (`--chain-budget`)."""
    options = {LINK_ALIASES.get(name, name): value for name, value in options.items()}
    resolved = resolve_config(config, options, LINK_OPTIONS, as_flags)
    if chain_budget is not None:
        label = "--chain-budget" if as_flags else "chain_budget"
        resolved = resolved.with_rule_arg(CHAIN_RULE, "max_hops", chain_budget, label)
    return LinkRun(list(links or []), resolved, browser, parse_shard(shard, "shard"), baseline)


def check_links(links: list[str] | None = None, **arguments: Any) -> Report:
    """Follow campaign links hop by hop: lost utm_*/click ids, broken redirects, UTM hygiene.

    `links` are URLs or paths of .txt/.csv lists (plus the config's `links.targets`);
    keyword options: max_hops, concurrency, per_host, timeout, retries, transport,
    extra_params, browser_path (the Chromium to use), rules; `chain_budget`; `browser`: None
    loads the landings in Chromium when one is found (up to AUTO_BROWSER_LIMIT links), True
    insists, False never starts one. A follower worker that dies leaves the finished links
    in the Report with `config.run_error` set; Ctrl-C raises `Interrupted` with the partial
    Report. Inputs that are not usable links are listed in `report.config.input_problems`;
    none usable at all is a UsageError. `shard="2/4"` and `baseline` work as for
    `tagaudit.audit`.
    """
    run = prepare_links(links, **arguments)
    run.require_targets()
    return run.run()


async def check_links_async(links: list[str] | None = None, **arguments: Any) -> Report:
    """`check_links` for callers with their own event loop."""
    run = prepare_links(links, **arguments)
    run.require_targets()
    return await run.run_async()


async def follow_and_look(
    targets: list[LinkTarget],
    settings: LinkSettings | None = None,
    navigator: LinkNavigator | None = None,
    done: dict[str, LinkResult] | None = None,
) -> list[LinkResult]:
    """One LinkResult per target, in input order.

    `done` (URL → result) fills up as links finish; after an interrupt, `per_target(targets,
    done)` still gives the finished ones.
    """
    settings = settings or LinkSettings()
    done = done if done is not None else {}
    async with Follower(settings) as follower:
        await follower.follow_all([t.url for t in targets], done)
    if navigator is not None:
        await _look(list(done.values()), settings, navigator)
    return per_target(targets, done)


def per_target(targets: list[LinkTarget], done: dict[str, LinkResult]) -> list[LinkResult]:
    """The result of each target that has one, carrying its own expectations.

    A URL given more than once (say, in two CSV rows with different expectations) was
    followed once; each later target gets a deep copy so the expectations stay apart.
    """
    results, given = [], set()
    for target in targets:
        if target.url in done:
            found = done[target.url]
            result = copy.deepcopy(found) if target.url in given else found
            given.add(target.url)
            result.expected = _expectations(target)
            results.append(result)
    return results


def _expectations(target: LinkTarget) -> dict[str, object]:
    expected: dict[str, object] = {"source": target.source}
    if target.expected_landing:
        expected["landing"] = target.expected_landing
    if target.must_arrive:
        expected["must_arrive"] = list(target.must_arrive)
    if target.expected_channel:
        expected["channel"] = target.expected_channel
    return expected


def wants_browser(result: LinkResult) -> bool:
    """Only links that landed on a page are worth a browser visit."""
    return result.verdict == "ok" and result.final_status is not None and result.final_status < 300


async def _look(results: list[LinkResult], settings: LinkSettings, nav: LinkNavigator) -> None:
    gate = asyncio.Semaphore(BROWSER_CONCURRENCY)

    async def one(result: LinkResult) -> None:
        async with gate:
            try:
                visit = await nav.visit(
                    result.url, timeout=settings.timeout, settle=settings.browser_settle
                )
            except Exception as problem:  # one crashed visit must not sink the run
                result.landing = {"browser_error": f"{type(problem).__name__}: {problem}"}
                return
        merge_visit(result, visit, settings.extra_params, settings.max_hops)

    await asyncio.gather(*(one(r) for r in results if wants_browser(r)))

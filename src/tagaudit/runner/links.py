"""The core of `tagaudit links`: campaign links → followed hop by hop → rules → Report.

Owns the link check as a library call: inputs (URLs, .txt lists, .csv exports) become link
targets (bad ones are recorded in the report, the rest still run), the link follower
(httpx) follows them, and the run's one browser — when there is one — loads each landing on
the page engine (JS redirects, the landing's tags and click-id cookies); the rules engine
turns the LinkResults into findings. The library never prints: what a person should know
about how the run went ("no Chromium found; links checked over HTTP only") is in
`report.config.notes`.

Browser policy (`browser=`): None (auto) uses Chromium when one is found and the list has
at most AUTO_BROWSER_LIMIT distinct links; True insists (EnvironmentProblem without one);
False never starts one.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tagaudit import __version__
from tagaudit.config import Config
from tagaudit.crawl.shards import Shard, parse_shard, plan_id
from tagaudit.errors import EnvironmentProblem, UsageError
from tagaudit.links.inputs import LinkTarget, read_inputs
from tagaudit.links.shards import WorkerFailed
from tagaudit.model import LinkResult, Report, RunInfo
from tagaudit.rules.engine import load_rules
from tagaudit.rules.links_channels import sources_added
from tagaudit.runner.common import (
    Interrupted,
    apply_with_baseline,
    build_catalog,
    load_baseline,
    now_iso,
    resolve_config,
)
from tagaudit.runner.link_follow import check_links as follow_links
from tagaudit.runner.link_follow import per_target

AUTO_BROWSER_LIMIT = 100
CHAIN_RULE = "link-redirect-chain"  # the chain budget is its `max_hops` (rules/links.yaml)
# Keyword arguments of `check_links()` → the config fields they override.
LINK_FIELDS = {
    "max_hops": "links.max_hops",
    "concurrency": "links.concurrency",
    "per_host": "links.per_host",
    "timeout": "links.timeout",
    "retries": "links.retries",
    "transport": "links.transport",
    "extra_params": "links.extra_params",
    "chain_budget": ("args", CHAIN_RULE, "max_hops"),
    "browser_path": "browser.path",
    "rules": "rules",
}


class LinkRun:
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
        self.settings = config.links.settings
        self.done: dict[str, LinkResult] = {}
        self.report = Report(tool_version=__version__, started=now_iso())
        self.report.config = RunInfo(
            command="links",
            links=len(self.targets),
            input_problems=list(read.problems),
            transport=self.settings.transport,
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
            find_browser(self.config.browser.path)
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
            await follow_links(self.targets, self.settings, done=self.done)
            return self.finish()
        # The browser side is imported only when a browser is wanted: Playwright and the
        # page engine cost a link check over HTTP a third of its own CPU to import.
        from tagaudit.browser.link_navigator import PlaywrightLinkNavigator
        from tagaudit.browser.page import PageEngine
        from tagaudit.browser.session import BrowserSession
        from tagaudit.runner.audit import page_settings, session_settings

        settings = session_settings(self.config, build_catalog(self.config))
        session = BrowserSession(settings)
        try:
            await session.__aenter__()
        except EnvironmentProblem as problem:
            if self.mode == "on":
                raise
            self.note(f"{problem.one_line()}; checking over HTTP only")
            await follow_links(self.targets, self.settings, done=self.done)
            return self.finish()
        try:
            self.report.config.browser = True
            navigator = PlaywrightLinkNavigator(PageEngine(session, page_settings(self.config)))
            await follow_links(self.targets, self.settings, navigator, done=self.done)
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
        with sources_added(self.config.links.sources):
            apply_with_baseline(report, self.ruleset, self.baseline)
        return report


def _link_run(
    links: list[str] | None,
    config: Config | dict[str, Any] | str | Path | None,
    browser: bool | None,
    shard: str | None,
    baseline: Report | str | Path | None,
    overrides: dict[str, Any],
) -> LinkRun:
    """The run `check_links` and `check_links_async` execute, its targets checked first."""
    resolved = resolve_config(config, overrides, LINK_FIELDS)
    run = LinkRun(list(links or []), resolved, browser, parse_shard(shard, "shard"), baseline)
    run.require_targets()
    return run


def check_links(
    links: list[str] | None = None,
    *,
    config: Config | dict[str, Any] | str | Path | None = None,
    browser: bool | None = None,
    shard: str | None = None,
    baseline: Report | str | Path | None = None,
    **overrides: Any,
) -> Report:
    """Follow campaign links hop by hop: lost utm_*/click ids, broken redirects, UTM hygiene.

    `links` are URLs or paths of .txt/.csv lists (plus the config's `links.targets`);
    keyword overrides: max_hops, concurrency, per_host, timeout, retries, transport,
    extra_params, chain_budget, browser_path, rules. A follower worker that dies leaves the
    finished links in the Report with `config.run_error` set; Ctrl-C raises `Interrupted`
    with the partial Report. Inputs that are not usable links are listed in
    `report.config.input_problems`; none usable at all is a UsageError. `shard="2/4"` and
    `baseline` work as for `tagaudit.audit`.
    """
    run = _link_run(links, config, browser, shard, baseline, overrides)
    try:
        return asyncio.run(run.execute())
    except KeyboardInterrupt:
        raise Interrupted(run.finish(interrupted=True)) from None


async def check_links_async(
    links: list[str] | None = None,
    *,
    config: Config | dict[str, Any] | str | Path | None = None,
    browser: bool | None = None,
    shard: str | None = None,
    baseline: Report | str | Path | None = None,
    **overrides: Any,
) -> Report:
    """`check_links` for callers with their own event loop."""
    run = _link_run(links, config, browser, shard, baseline, overrides)
    return await run.execute()

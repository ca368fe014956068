"""What every run shares: prepare → execute → finish, the interrupt, options over the config,
the provider catalog, and the rules with the baseline comparison around them.

A run is prepared at once (config read, options checked, rules loaded, targets planned: bad
input fails before any browser starts), then executed, then finished into its Report. The
library functions (`tagaudit.audit`, `check_links`) and the CLI drive the same runs:

    run = prepare_audit(["https://shop.example/"], concurrency=2)   # AuditRun
    report = run.run()          # Ctrl-C: Interrupted, carrying the report of what finished

`run()` works from any caller: where an event loop is already running in the thread (a
pytest-asyncio test, pytest-playwright's sync API, a Jupyter cell) it cannot borrow that
loop without blocking it, so the run gets a thread and a loop of its own (runner/beside.py)
and the caller's thread waits for it; `await run.run_async()` is the natural call there.

Imports no browser: `tagaudit links` over HTTP and `tagaudit merge` start light (measured
with -X importtime, Playwright and the consent engines were a third of a 1,000-link check's
own CPU).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tagaudit.browser.settings import SessionSettings, SiteAccess
from tagaudit.config import Config, config_from_mapping, load_config
from tagaudit.errors import UsageError, first_line
from tagaudit.model import Report
from tagaudit.model.urls import origin_of
from tagaudit.rules.engine import RuleSet, apply
from tagaudit.runner.baseline import compare as compare_baseline
from tagaudit.runner.baseline import mark as mark_baseline
from tagaudit.runner.beside import loop_is_running, run_beside
from tagaudit.runner.reports import read_report

if TYPE_CHECKING:
    from tagaudit.providers import Catalog

ConfigLike = Config | dict[str, Any] | str | Path | None


class Interrupted(KeyboardInterrupt):
    """The run was interrupted (Ctrl-C, SIGTERM); `report` holds everything that finished."""

    def __init__(self, report: Report) -> None:
        super().__init__("interrupted")
        self.report = report


class Run:
    """A prepared run: `execute()` does the work, `finish()` makes the Report of what is done.

    Subclasses (AuditRun, LinkRun) prepare in their constructor and implement both.
    """

    report: Report

    async def execute(self) -> Report:
        raise NotImplementedError

    def finish(self, interrupted: bool = False) -> Report:
        raise NotImplementedError

    def run(self) -> Report:
        """Execute in a new event loop; on Ctrl-C, `Interrupted` with the partial Report.

        The loop is this thread's, unless one is running here already: then it is a thread's
        of its own, and Ctrl-C here cancels the run there (its report is kept the same way).
        """
        try:
            if loop_is_running():
                return run_beside(self.execute)
            return asyncio.run(self.execute())
        except KeyboardInterrupt:
            raise Interrupted(self.finish(interrupted=True)) from None

    async def run_async(self) -> Report:
        """Execute in the caller's loop; a cancelled run still finishes what it has."""
        try:
            return await self.execute()
        except asyncio.CancelledError:
            self.finish(interrupted=True)
            raise


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def resolve_config(
    config: ConfigLike, options: dict[str, Any], allowed: tuple[str, ...], as_flags: bool = False
) -> Config:
    """The config file (or mapping, or Config) with `options` over it (Config.with_options):
    keyword → value, None meaning "not given"; a bad one is named by its keyword or flag."""
    if isinstance(config, dict):
        base = config_from_mapping(config)
    else:
        base = config if isinstance(config, Config) else load_config(config)
    return base.with_options(options, allowed, as_flags)


def build_catalog(config: Config) -> Catalog | None:
    """The built-in catalog with the user's `providers:` (None when there are none)."""
    if not config.providers:
        return None
    from tagaudit.providers import load_catalog  # the catalog: only runs that decode hits

    return load_catalog(config.providers, source=str(config.path) if config.path else None)


def load_baseline(baseline: Report | str | Path | None) -> tuple[Report, str] | None:
    """The baseline report and where it came from (a path is read: bad ones are exit 2)."""
    if baseline is None:
        return None
    if isinstance(baseline, Report):
        return baseline, "baseline"
    return read_report(baseline, "baseline"), str(baseline)


def apply_with_baseline(
    report: Report, ruleset: RuleSet, baseline: tuple[Report, str] | None
) -> None:
    """The rules on `report`, with the baseline's tag changes first and marks after.

    The baseline was checked when it was read (runner.reports); should comparing with it
    still fail, the finished run is kept and reported, unmarked, with the reason as its
    `run_error` (exit 3): a baseline file never costs the run it is compared with."""
    if baseline is None:
        apply(report, ruleset)
        return
    previous, source = baseline
    applied = False
    try:
        report.baseline = compare_baseline(previous, report, source)
        apply(report, ruleset)
        applied = True
        mark_baseline(report, previous, source)
    except Exception as problem:  # the run's reports come first
        if not applied:
            report.baseline = None
            apply(report, ruleset)
        _unmarked(report, source, problem)
        return
    if report.baseline is not None:
        report.config.notes.append(report.baseline.summary(report.findings))


def session_settings(config: Config, targets: list[str] | None = None) -> SessionSettings:
    """The config's session settings with the site's access bound to the origins of the
    base URL and of `targets`."""
    return dataclasses.replace(config.session, access=site_access(config, targets or []))


def _unmarked(report: Report, source: str, problem: Exception) -> None:
    """The run without its baseline comparison, and why (`run_error`)."""
    report.baseline = None
    for finding in report.findings:
        finding.baseline = None
    report.config.run_error = (
        f"the baseline {source} could not be compared ({type(problem).__name__}: "
        f"{first_line(problem, 'no reason given')}); findings are not marked new or fixed"
    )


def secrets_kept(config: Config) -> str | None:
    """RunInfo.secrets of a run: `kept` with `keep_secrets` (its JSON report keeps
    credentials), else None (masked when written: tagaudit.report.masking)."""
    return "kept" if config.keep_secrets else None


def site_access(config: Config, targets: list[str]) -> SiteAccess:
    """The config's access, bound to the site: the base URL's origin first, then the pages'.

    A secret the environment lacks (`${STAGING_PASSWORD}` not set) is refused here, before
    any browser starts: one line naming the variable, the file and the line (exit 2).
    """
    unresolved = config.session.access.unresolved
    if unresolved:
        raise UsageError(unresolved[0])
    access = dataclasses.replace(config.session.access)
    places = [u for u in (config.base_url, *targets) if u]
    access.origins = list(dict.fromkeys(origin_of(u) for u in places))
    access.cookie_url = places[0] if places else None
    return access


def base_url_of(config: Config, targets: list[str]) -> str | None:
    """What relative paths (journeys' `start:` and `goto:`) are joined to: the config's
    `base_url` when it has one, else the site of the first page audited."""
    if config.base_url:
        return config.base_url
    return origin_of(targets[0]) + "/" if targets else None

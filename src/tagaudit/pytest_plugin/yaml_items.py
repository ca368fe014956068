"""`pytest tagaudit.yaml`: a tagaudit config collected as tests.

    $ pytest tagaudit.yaml -v
    tagaudit.yaml::/checkout/thank-you/ PASSED
    tagaudit.yaml::journey:checkout FAILED

One item per page of `pages:` (named as written), one per journey (`journey:<name>`, its
steps shown as sub-results), and `crawl` for the pages a crawl or sitemap discovers (only
when the config crawls). An item fails when a finding of its pages (or its journey's
steps) is at or above the config's `fail_on` (default `error`); the failure lists them one
line each, by step for a journey. Suppressed findings never fail. `-k`, `-x`, `--lf`,
`--deselect`, JUnit XML and xdist work as for any item: the audit itself runs once per file
for what was selected (file_run.py), when the first of its items runs.

A file is collected when it is named on the command line (`pytest tagaudit.yaml`), or when
its name matches the ini option `tagaudit_files` (globs, e.g. `tagaudit*.yaml`) while pytest
walks folders; other YAML files are left alone. A config that cannot be read is one
collection error in one line, as the CLI says it.
"""

from __future__ import annotations

import fnmatch
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tagaudit.errors import TagauditError
from tagaudit.model import Finding, PageVisit, Report
from tagaudit.model.report import fails
from tagaudit.pytest_plugin.file_run import FileRuns, Outcome, Selection

CRAWL = "crawl"
JOURNEY = "journey:"


def wanted(file_path: Path, parent: pytest.Collector) -> bool:
    """Is `file_path` a tagaudit config pytest should collect (module docstring)?"""
    if file_path.suffix not in (".yaml", ".yml"):
        return False
    if parent.session.isinitpath(file_path):
        return True
    globs = parent.config.getini("tagaudit_files")
    return any(fnmatch.fnmatch(file_path.name, g) for g in globs)


class TagauditFile(pytest.File):
    """A tagaudit.yaml: its pages, journeys and crawl as items."""

    def collect(self) -> Iterator[pytest.Item]:
        from tagaudit.runner.api import load_config, resolve_target
        from tagaudit.runner.audit import plan_targets

        try:
            self.tagaudit_config = config = load_config(self.path)
            journeys = config.journeys.journeys
            pages = plan_targets(None, config, with_journeys=bool(journeys))
            written = {resolve_target(p, config.base_url): p for p in config.pages}
        except TagauditError as problem:
            raise self.CollectError(f"tagaudit: {problem.one_line()}") from None
        lines = config.declared
        for url in pages:
            name = written.get(url, url)
            yield PageItem.from_parent(self, name=name, url=url, where=lines.get(url))
        for journey in journeys:
            yield JourneyItem.from_parent(self, name=JOURNEY + journey.name, journey=journey.name)
        if config.crawl.depth > 0 or config.crawl.sitemap:
            yield CrawlItem.from_parent(self, name=CRAWL)

    def selection(self) -> Selection:
        """What of this file the test run selected (its items still in session.items)."""
        mine = [i for i in self.session.items if isinstance(i, AuditItem) and i.parent is self]
        return Selection(
            config_path=self.path,
            pages=tuple(i.url for i in mine if isinstance(i, PageItem)),
            journeys=tuple(i.journey for i in mine if isinstance(i, JourneyItem)),
            crawl=any(isinstance(i, CrawlItem) for i in mine),
        )


class FindingsFailed(Exception):
    """An item's findings at or above fail_on (or the run's one-line problem)."""


class AuditItem(pytest.Item):
    """One part of a file's audit; `runtest` reads its findings from the file's Report."""

    parent: TagauditFile

    def runtest(self) -> None:
        runs: FileRuns = self.config.stash[RUNS]
        outcome = runs.outcome(self.parent.selection(), self.parent.tagaudit_config)
        report = self._report(outcome)
        mine = [f for f in report.findings if self in owners(f, report, self.parent)]
        fail_on = self.parent.tagaudit_config.rules.fail_on or "error"
        failing = [f for f in mine if not f.suppressed and fails(f, fail_on)]
        others = [f for f in mine if f not in failing]
        self.add_report_section("call", "tagaudit", self.summary(report, others, fail_on))
        if failing:
            raise FindingsFailed(self.failure(report, failing, fail_on))

    def _report(self, outcome: Outcome) -> Report:
        if outcome.report is None:
            raise FindingsFailed(outcome.problem or "tagaudit: the audit did not run")
        if outcome.report.config.run_error:
            raise FindingsFailed(f"tagaudit: {outcome.report.config.run_error}")
        return outcome.report

    def owns(self, page: PageVisit) -> bool:
        raise NotImplementedError

    def summary(self, report: Report, others: list[Finding], fail_on: str) -> str:
        """What the item's visits sent, and the findings that do not fail it."""
        pages = [p for p in report.pages if self.owns(p)]
        hits = sum(len([h for h in p.hits if h.kind == "hit"]) for p in pages)
        lines = [f"{len(pages)} visit(s), {hits} hit(s)"]
        if others:
            lines.append(f"findings below {fail_on} or suppressed:")
            lines += [f"  {f.describe()}" for f in others]
        return "\n".join(lines)

    def failure(self, report: Report, failing: list[Finding], fail_on: str) -> str:
        lines = [headline(failing, fail_on), *(f"  {f.describe()}" for f in failing)]
        return "\n".join(lines)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, FindingsFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"tagaudit {self.name}"


class PageItem(AuditItem):
    """A page of `pages:`: its visit, or its consent scenarios' visits."""

    def __init__(self, *, url: str, where: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url, self.where = url, where
        self.extra_keyword_matches.add("page")

    def owns(self, page: PageVisit) -> bool:
        return page.journey is None and page.url == self.url

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.where.rpartition(":")[2] if self.where else ""
        return self.path, int(line) - 1 if line.isdigit() else None, f"tagaudit {self.name}"


class JourneyItem(AuditItem):
    """A journey: its steps' visits and outcome; steps are its sub-results."""

    def __init__(self, *, journey: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.journey = journey
        self.extra_keyword_matches.add("journey")

    def owns(self, page: PageVisit) -> bool:
        return page.journey == self.journey

    def failure(self, report: Report, failing: list[Finding], fail_on: str) -> str:
        """The findings by step: `step cart: ok`, then its findings, one line each."""
        result = next((j for j in report.journeys if j.name == self.journey), None)
        steps = [s.name for s in result.steps] if result else []
        by_step: dict[str | None, list[Finding]] = {}
        for finding in failing:
            by_step.setdefault(step_of(finding, report, self.journey), []).append(finding)
        lines = [headline(failing, fail_on)]
        for step in [*steps, *(s for s in by_step if s not in steps)]:
            status = next((s.status for s in result.steps if s.name == step), "") if result else ""
            found = by_step.get(step, [])
            mark = "FAILED" if found or status == "failed" else status or "ok"
            lines.append(f"  step {step}: {mark}" if step else f"  the whole journey: {mark}")
            lines += [f"    {f.severity} {f.rule_id}: {f.message}" for f in found]
        return "\n".join(lines)


class CrawlItem(AuditItem):
    """The pages a crawl or a sitemap discovered beyond those of `pages:`."""

    def owns(self, page: PageVisit) -> bool:
        declared = {i.url for i in self.parent.session.items if isinstance(i, PageItem)}
        return page.journey is None and page.url not in declared


def headline(failing: list[Finding], fail_on: str) -> str:
    """`2 findings at error or worse: tag-blocked-by-csp, pii-in-hit` (pytest's summary
    line shows this one)."""
    rules = ", ".join(dict.fromkeys(f.rule_id for f in failing))
    return f"{len(failing)} finding(s) at {fail_on} or worse: {rules}"


# (a weak reference to the last report asked about, its visits by URL without what they
# captured): owners() is asked once per finding and item, and a long run's pages are read
# back from disk (runner/spool.py): reading them all each time was quadratic.
_BY_URL: list[Any] = [None, {}]


def pages_at(report: Report, url: str) -> list[PageVisit]:
    """The visits of `report` at `url` (URL, journey, step and the rest of what names a
    visit, without its requests and hits), from one read of the report's pages."""
    held = _BY_URL[0]
    if held is None or held() is not report:
        index: dict[str, list[PageVisit]] = {}
        for page in report.pages:
            index.setdefault(page.url, []).append(page.head())
        _BY_URL[:] = [weakref.ref(report), index]
    found: list[PageVisit] = _BY_URL[1].get(url, [])
    return found


def step_of(finding: Finding, report: Report, journey: str) -> str | None:
    """The step of `journey` a finding is about (its location, else its page's step)."""
    if finding.location.get("step"):
        return finding.location["step"]
    steps = [p.step for p in pages_at(report, finding.url) if p.journey == journey]
    return steps[0] if steps else None


def owners(finding: Finding, report: Report, file: TagauditFile) -> list[AuditItem]:
    """The items of `file` a finding belongs to: its journey's, else those whose visits
    have its URL (a page item before a journey that passed the same page, unless the
    journey's own visits alone give the finding), else the crawl's or the first item."""
    items = [i for i in file.session.items if isinstance(i, AuditItem) and i.parent is file]
    journey = finding.location.get("journey")
    if journey:
        return [i for i in items if isinstance(i, JourneyItem) and i.journey == journey]
    pages = pages_at(report, finding.url)
    mine = [i for i in items if any(i.owns(p) for p in pages)]
    if len(mine) > 1:
        mine = [i for i in mine if finding.fingerprint in _prints(i, report)] or mine[:1]
    return mine or items[:1]


def _prints(item: AuditItem, report: Report) -> set[str]:
    """The fingerprints the rules give on `item`'s visits alone (cached on the item)."""
    cached = getattr(item, "_tagaudit_prints", None)
    if cached is None:
        from tagaudit.runner.api import evaluate, load_rules

        alone = Report(pages=[p for p in report.pages if item.owns(p)])
        alone.journeys = [
            j for j in report.journeys if isinstance(item, JourneyItem) and j.name == item.journey
        ]
        rules = load_rules(item.parent.tagaudit_config)
        cached = {f.fingerprint for f in evaluate(alone, rules)}
        item._tagaudit_prints = cached  # type: ignore[attr-defined]
    return cached


RUNS = pytest.StashKey[FileRuns]()

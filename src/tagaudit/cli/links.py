"""`tagaudit links`: follow campaign links hop by hop and report lost parameters.

Thin: arguments become LinkTargets (bad inputs are one line each on stderr; exit 2 only when
nothing usable is left), the link runner follows them (httpx) and, when asked or by default
when a browser is available, loads the landings in Chromium; the rules engine turns the
LinkResults into findings; reporters and the exit code are shared with `audit`.

`--browser` policy: `auto` (default) uses Chromium when one can be found and the list has at
most AUTO_BROWSER_LIMIT distinct links, because the `links` command has no page audit that
would otherwise look at the landing page's tags (JS redirects, click-id cookies, the GA4
page_view); when none is found, or the list is longer, it says so and checks over HTTP only.
`--browser` insists (exit 3 without one), `--no-browser` never starts one.

tagaudit.yaml may hold a `links:` mapping: `targets:` (URLs or files) and any LinkSettings
field (`max_hops`, `concurrency`, `per_host`, `timeout`, `retries`, `extra_params` …), and
`sources:` ({search|social|shopping|video: [names]}) to extend GA4's source lists.
"""

from __future__ import annotations

import datetime as dt
import inspect
import sys
from typing import Annotated, Any

import typer

from tagaudit import __version__
from tagaudit.cli import app
from tagaudit.cli.common import (
    ConfigOpt,
    FailOnOpt,
    HtmlOpt,
    JsonOpt,
    JunitOpt,
    MarkdownOpt,
    QuietOpt,
    ReportOptions,
    RulesOpt,
    SarifOpt,
    VerboseOpt,
    exit_code_for,
    write_reports,
)
from tagaudit.config import Config, load_config
from tagaudit.errors import EnvironmentProblem, UsageError
from tagaudit.links.channels import sources_added
from tagaudit.links.inputs import read_inputs
from tagaudit.links.settings import TRANSPORTS, LinkSettings
from tagaudit.links.shards import WorkerFailed
from tagaudit.model import LinkResult, Report

AUTO_BROWSER_LIMIT = 100
CHAIN_RULE = "link-redirect-chain"  # --chain-budget is its `max_hops` (rules/links.yaml)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def link_settings(config: Config, flags: dict[str, Any]) -> LinkSettings:
    """Defaults ← tagaudit.yaml `links:` section ← command-line flags."""
    settings = LinkSettings()
    section = (config.raw or {}).get("links") or {}
    if not isinstance(section, dict):
        raise UsageError("`links:` in the config must be a mapping")
    for key, value in {**section, **{k: v for k, v in flags.items() if v is not None}}.items():
        if key in ("targets", "sources"):
            continue
        if not hasattr(settings, key):
            raise UsageError(f"unknown links setting {key!r}")
        setattr(settings, key, value)
    if settings.transport not in TRANSPORTS:
        raise UsageError(f"--transport must be one of {', '.join(TRANSPORTS)}")
    if settings.max_hops < 1 or settings.concurrency < 1 or settings.per_host < 1:
        raise UsageError("--max-hops, --concurrency and --per-host must be at least 1")
    return settings


def extra_sources(config: Config) -> dict[str, list[str]]:
    """`links.sources` of tagaudit.yaml: more names for GA4's source categories."""
    sources = ((config.raw or {}).get("links") or {}).get("sources") or {}
    for category, names in sources.items():
        if category not in ("search", "social", "shopping", "video") or not isinstance(names, list):
            raise UsageError(f"links.sources.{category}: a list under search/social/shopping/video")
    return {category: [str(n) for n in names] for category, names in sources.items()}


def _navigator(mode: str, path: str | None) -> Any:
    """The Chromium navigator, or None (auto without a browser, or --no-browser)."""
    if mode == "off":
        return None
    from tagaudit.browser.discovery import find_browser

    try:
        found = find_browser(path) if path else find_browser()
    except EnvironmentProblem:
        if mode == "on":
            raise
        print("tagaudit: no Chromium found; checking links over HTTP only", file=sys.stderr)
        return None
    from tagaudit.browser.link_navigator import PlaywrightLinkNavigator

    return PlaywrightLinkNavigator(found.path)


def follow(
    targets: list[Any], settings: LinkSettings, navigator: Any, report: Report, mode: str = "on"
) -> None:
    """Run the link checker into `report.links`; an interrupt keeps the finished links.

    In `auto` mode a browser that cannot start costs only the browser checks (a note on
    stderr); with `--browser` it is an EnvironmentProblem (exit 3).
    """
    import asyncio

    from tagaudit.links.runner import check_links, per_target

    done: dict[str, LinkResult] = {}

    async def run() -> list[LinkResult]:
        if navigator is None:
            return await check_links(targets, settings, done=done)
        try:
            nav = await navigator.__aenter__()
        except EnvironmentProblem as problem:
            if mode != "auto":
                raise
            print(f"tagaudit: {problem.one_line()}; checking over HTTP only", file=sys.stderr)
            report.config["browser"] = False
            return await check_links(targets, settings, done=done)
        try:
            return await check_links(targets, settings, nav, done=done)
        finally:
            await navigator.__aexit__(None, None, None)

    try:
        report.links = asyncio.run(run())
    except KeyboardInterrupt:
        report.interrupted = True
        report.links = per_target(targets, done)
    except WorkerFailed as failure:  # the finished links still make a report (exit 3)
        print(f"tagaudit: {failure.one_line()}; reporting the links that finished", file=sys.stderr)
        report.interrupted = True
        report.config["run_error"] = failure.one_line()
        report.links = per_target(targets, done)


def load_link_rules(config: Config) -> Any:
    """The rule set, loaded before any link is followed so a bad rule file fails at once
    (None when the rules engine is not importable: the links-only fallback runs)."""
    try:
        from tagaudit.rules import load_rules
    except ImportError:
        return None
    return load_rules(config)


def apply_rules(report: Report, config: Config, ruleset: Any = None) -> str:
    """Findings through the rules engine; the links-only fallback when it is absent."""
    try:
        from tagaudit.rules import apply
    except ImportError:
        from tagaudit.links.rulebook import evaluate

        report.findings = evaluate(report.links)
        report.summarize()
        return "links.rulebook"
    if ruleset is None:
        apply(report, config)
    else:
        apply(report, config, ruleset=ruleset)
    return "rules"


def print_links(report: Report, options: ReportOptions) -> None:
    """One line per link, then the findings (via the terminal reporter when present)."""
    if not options.quiet:
        for link in report.links:
            redirects = max(0, len(link.hops) - 1)
            verdict = f"{link.verdict} ({link.reason})" if link.reason else link.verdict
            print(f"{verdict:>24}  {redirects} redirect(s)  {link.url} → {link.final_url}")
    try:
        from tagaudit.report import terminal
    except ImportError:
        terminal = None
    if terminal is not None and hasattr(terminal, "render"):
        kwargs = {"verbose": options.verbose, "quiet": options.quiet}
        if "console" in inspect.signature(terminal.render).parameters:
            from rich.console import Console

            kwargs["console"] = Console()
        terminal.render(report, **kwargs)
        return
    if not options.quiet:
        for finding in report.findings:
            print(f"{finding.severity:>8}  {finding.rule_id}  {finding.url}")
            print(f"          {finding.message}")
    counts = report.summary.get("findings", {})
    print(f"{len(report.links)} links: " + ", ".join(f"{n} {s}" for s, n in counts.items()))


@app.command()
def links(
    inputs: Annotated[
        list[str] | None, typer.Argument(help="URLs, .txt lists (# comments) or .csv exports.")
    ] = None,
    config_path: ConfigOpt = None,
    rule_files: RulesOpt = None,
    browser: Annotated[
        bool | None,
        typer.Option(
            "--browser/--no-browser",
            help="Load landings in Chromium (JS redirects, tags). Default: if found, ≤100 links.",
        ),
    ] = None,
    browser_path: Annotated[
        str | None,
        typer.Option(
            "--browser-path", help="Chromium/Chrome executable (else TAGAUDIT_BROWSER, …)."
        ),
    ] = None,
    max_hops: Annotated[int | None, typer.Option(help="Give up after this many redirects.")] = None,
    chain_budget: Annotated[
        int | None,
        typer.Option(help="Warn on chains with more redirects than this (default 3)."),
    ] = None,
    concurrency: Annotated[int | None, typer.Option(help="Links followed at once.")] = None,
    per_host: Annotated[int | None, typer.Option(help="Requests at once per host.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Limit per link (s).")] = None,
    retries: Annotated[int | None, typer.Option(help="Retries on 429/5xx.")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Extra tracking parameter (repeatable).")
    ] = None,
    transport: Annotated[str | None, typer.Option(help="aiohttp (default) or httpx.")] = None,
    json_path: JsonOpt = None,
    junit: JunitOpt = None,
    html: HtmlOpt = None,
    sarif: SarifOpt = None,
    markdown: MarkdownOpt = None,
    fail_on: FailOnOpt = "error",
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Follow campaign links hop by hop: lost utm_*/click ids, broken redirects, UTM hygiene."""
    options = ReportOptions(json_path, junit, html, sarif, markdown, fail_on, quiet, verbose)
    config = load_config(config_path)
    config.rule_files.extend(rule_files or [])
    if chain_budget is not None:
        if chain_budget < 0:
            raise UsageError("--chain-budget must be 0 or more")
        config.args.setdefault(CHAIN_RULE, {})["max_hops"] = chain_budget
    flags = {
        "max_hops": max_hops,
        "concurrency": concurrency,
        "per_host": per_host,
        "timeout": timeout,
        "retries": retries,
        "transport": transport,
        "extra_params": param or None,
    }
    settings = link_settings(config, flags)
    sources = extra_sources(config)
    ruleset = load_link_rules(config)
    section = (config.raw or {}).get("links") or {}
    read = read_inputs(list(inputs or []) + [str(t) for t in section.get("targets") or []])
    for problem in read.problems:
        print(f"tagaudit: {problem}", file=sys.stderr)
    if not read.targets:
        raise UsageError("no usable links: give URLs, a .txt list or a .csv with a URL column")
    mode = {True: "on", False: "off", None: "auto"}[browser]
    if mode == "auto" and len({t.url for t in read.targets}) > AUTO_BROWSER_LIMIT:
        print(
            f"tagaudit: more than {AUTO_BROWSER_LIMIT} links: checking over HTTP only "
            "(--browser to load every landing in Chromium)",
            file=sys.stderr,
        )
        mode = "off"
    navigator = _navigator(mode, browser_path)
    report = Report(tool_version=__version__, started=_now())
    report.config = {
        "command": "links",
        "links": len(read.targets),
        "input_problems": read.problems,
        "browser": navigator is not None,
        "transport": settings.transport,
    }
    follow(read.targets, settings, navigator, report, mode)
    report.finished = _now()
    with sources_added(sources):
        report.config["findings_by"] = apply_rules(report, config, ruleset)
    print_links(report, options)
    for path in write_reports(report, options):
        if not quiet:
            print(f"wrote {path}")
    if report.config.get("run_error"):
        raise typer.Exit(WorkerFailed.exit_code)
    raise typer.Exit(130 if report.interrupted else exit_code_for(report, options.fail_on))

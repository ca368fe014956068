"""`tagaudit audit`: options → `tagaudit.audit` → terminal summary, report files, exit code.

Thin on purpose: the core (tagaudit.runner.audit) does the work; this module turns flags into
overrides of the config (config.apply_flags reports a bad one under its flag's name), shows
progress, and finishes with the reporters and the exit code (cli.common.finish). The crawl
side (Playwright, consent, the catalog) is imported when the command runs, not when the
`tagaudit` CLI starts: `tagaudit links` and `decode` never need it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tagaudit.cli import app
from tagaudit.cli.common import (
    BaselineOpt,
    BaseUrlOpt,
    BrowserOpt,
    ConfigOpt,
    FailOnNewOpt,
    FailOnOpt,
    HtmlOpt,
    JsonOpt,
    JunitOpt,
    MarkdownOpt,
    QuietOpt,
    ReportOptions,
    RulesOpt,
    SarifOpt,
    ShardOpt,
    VerboseOpt,
    execute_run,
    finish,
)
from tagaudit.config import CrawlSettings, load_config, parse_scenarios


def run_audit(
    targets: list[str] | None,
    config: Any,
    options: ReportOptions,
    demo: bool = False,
    journeys: list[str] | None = None,
    shard: str | None = None,
    baseline: Path | None = None,
    **overrides: Any,
) -> int:
    """Run the core with a progress bar; an interrupt still writes what finished."""
    from tagaudit.crawl.shards import parse_shard
    from tagaudit.report.progress import progress
    from tagaudit.runner.audit import AUDIT_FIELDS, AuditRun, ConsentSettings, resolve_config

    settings = resolve_config(config, overrides, AUDIT_FIELDS, as_flags=True)
    # Screenshots only when an HTML report will show them (they make JSON reports big).
    consent = ConsentSettings(screenshots="base64" if options.html is not None else "none")
    with progress(quiet=options.quiet) as show:
        run = AuditRun(
            targets,
            settings,
            consent,
            on_progress=show,
            journeys=journeys,
            shard=parse_shard(shard),
            baseline=options.compare_with(baseline),
        )
        report = execute_run(run)
    report.config.demo = demo or None
    return finish(report, options)


_CRAWL = CrawlSettings()


@app.command(short_help="Load pages in Chromium, decode every tag hit, check them.")
def audit(
    urls: Annotated[list[str] | None, typer.Argument(metavar="URL", hidden=True)] = None,
    config_path: ConfigOpt = None,
    rule_files: RulesOpt = None,
    consent: Annotated[
        str | None,
        typer.Option(
            metavar="LIST",
            help="Consent scenarios to play, e.g. none,accept,reject (default: all three on "
            "pages that show a consent banner).",
        ),
    ] = None,
    max_pages: Annotated[
        int | None,
        typer.Option(metavar="N", help=f"Stop after N pages (default: {_CRAWL.max_pages})."),
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option(
            metavar="N", help=f"Follow same-site links N clicks deep (default: {_CRAWL.depth})."
        ),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(metavar="N", help=f"Pages loaded at once (default: {_CRAWL.concurrency})."),
    ] = None,
    deliver_hits: Annotated[
        bool,
        typer.Option(
            "--deliver-hits",
            help="Send tracking hits to the vendors (default: answer them locally).",
        ),
    ] = False,
    quiet_ms: Annotated[
        int | None,
        typer.Option(
            metavar="MS",
            help="Quiet period after load that catches late beacons, in milliseconds "
            f"(default: {_CRAWL.quiet_ms}).",
        ),
    ] = None,
    page_timeout: Annotated[
        float | None,
        typer.Option(
            metavar="SECONDS",
            help=f"Hard limit per page (default: {_CRAWL.page_timeout:g}).",
        ),
    ] = None,
    isolation: Annotated[
        str | None,
        typer.Option(
            metavar="MODE",
            help="reuse (wipe state between pages) or context (a new one each time) "
            f"(default: {_CRAWL.isolation}).",
        ),
    ] = None,
    browser: BrowserOpt = None,
    browser_endpoint: Annotated[
        str | None,
        typer.Option(
            metavar="URL", help="A remote browser: a Playwright ws:// or a CDP http:// URL."
        ),
    ] = None,
    journey: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="Run only this journey of the config (repeatable; default: all).",
        ),
    ] = None,
    base_url: BaseUrlOpt = None,
    device: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Emulate a Playwright device, e.g. 'iPhone 13' (default: a desktop Chrome).",
        ),
    ] = None,
    storage_state: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="A Playwright storage-state file: audit as that logged-in user.",
        ),
    ] = None,
    shard: ShardOpt = None,
    baseline: BaselineOpt = None,
    fail_on_new: FailOnNewOpt = False,
    json_path: JsonOpt = None,
    junit: JunitOpt = None,
    html: HtmlOpt = None,
    sarif: SarifOpt = None,
    markdown: MarkdownOpt = None,
    fail_on: FailOnOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Load pages in headless Chromium, decode every tag they fire, and check them.

    URL... are the pages to audit (default: the config's `pages:`).
    """
    config = load_config(config_path)
    fail_on = fail_on or config.fail_on or "error"
    options = ReportOptions(json_path, junit, html, sarif, markdown, fail_on, quiet, verbose)
    options.fail_on_new = fail_on_new
    options.check_paths()
    code = run_audit(
        urls,
        config,
        options,
        rules=[str(p) for p in rule_files or []] or None,
        consent=parse_scenarios(consent),
        max_pages=max_pages,
        depth=depth,
        concurrency=concurrency,
        quiet_ms=quiet_ms,
        page_timeout=page_timeout,
        isolation=isolation,
        browser=browser,
        browser_endpoint=browser_endpoint,
        deliver_hits=deliver_hits or None,
        journeys=journey or None,
        base_url=base_url,
        device=device,
        storage_state=str(storage_state.resolve()) if storage_state else None,
        shard=shard,
        baseline=baseline,
    )
    raise typer.Exit(code)


def run_demo(site_root: Path, json_path: Path | None = None, html_path: Path | None = None) -> int:
    """Serve the demo site on 127.0.0.1, audit all of it, and show the tag inventory."""
    from tagaudit.runner.sitesrv import SiteServer

    config = load_config(site_root / "tagaudit.yaml")
    options = ReportOptions(json=json_path, html=html_path, fail_on="never")
    with SiteServer(site_root) as site:
        targets = [site.url(path) for path in config.pages or ["/"]]
        print(f"tagaudit demo: serving {site_root} at {site.base_url}")
        return run_audit(targets, config, options, demo=True)

"""`tagaudit links`: options → the link core (tagaudit.runner_links) → reports, exit code.

Thin: flags become overrides of the config's `links:` section (checked like the file's
keys), bad inputs are one line each on stderr (exit 2 only when nothing usable is left), the
core follows the links and loads the landings in Chromium when there is one (its policy:
tagaudit.runner_links), and reporters and the exit code are shared with `audit`.
`--browser` insists on a browser (exit 3 without one), `--no-browser` never starts one.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tagaudit.cli import app
from tagaudit.cli.common import (
    BaselineOpt,
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
    finish,
)
from tagaudit.config import load_config

if TYPE_CHECKING:
    from tagaudit.model import Report


def print_links(report: Report, options: ReportOptions) -> None:
    """One line per link before the findings (the rest is the shared terminal summary)."""
    if options.quiet:
        return
    for link in report.links:
        redirects = max(0, len(link.hops) - 1)
        verdict = f"{link.verdict} ({link.reason})" if link.reason else link.verdict
        print(f"{verdict:>24}  {redirects} redirect(s)  {link.url} → {link.final_url}")


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
    """Follow campaign links hop by hop: lost utm_*/click ids, broken redirects, UTM hygiene."""
    from tagaudit.crawl.shards import parse_shard
    from tagaudit.runner_links import LINK_FIELDS, LinkRun
    from tagaudit.runs import resolve_config

    file = load_config(config_path)
    fail_on = fail_on or file.fail_on or "error"
    options = ReportOptions(json_path, junit, html, sarif, markdown, fail_on, quiet, verbose)
    options.fail_on_new = fail_on_new
    overrides = {
        "max_hops": max_hops,
        "concurrency": concurrency,
        "per_host": per_host,
        "timeout": timeout,
        "retries": retries,
        "transport": transport,
        "extra_params": param or None,
        "chain_budget": chain_budget,
        "browser_path": browser_path,
        "rules": [str(p) for p in rule_files or []] or None,
    }
    config = resolve_config(file, overrides, LINK_FIELDS, as_flags=True)
    compared = options.compare_with(baseline)
    run = LinkRun(list(inputs or []), config, browser, parse_shard(shard), compared)
    for problem in run.report.config.input_problems:
        print(f"tagaudit: {problem}", file=sys.stderr)
    run.require_targets()
    report = _execute(run)
    print_links(report, options)
    raise typer.Exit(finish(report, options))


def _execute(run: Any) -> Report:
    """The run's Report; on Ctrl-C or SIGTERM, the Report of what finished."""
    import asyncio

    from tagaudit.cli.audit import sigterm_interrupts

    with sigterm_interrupts():
        try:
            return asyncio.run(run.execute())
        except KeyboardInterrupt:
            return run.finish(interrupted=True)

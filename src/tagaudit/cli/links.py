"""`tagaudit links`: options → the link core (tagaudit.runner.links) → reports, exit code.

Thin: flags become overrides of the config's `links:` section (checked like the file's
keys), bad inputs are one line each on stderr (exit 2 only when nothing usable is left), the
core follows the links and loads the landings in Chromium when there is one (its policy:
tagaudit.runner.links), and reporters and the exit code are shared with `audit`.

`--browser PATH` means what it means for `audit`: the Chromium to drive (and, named here, a
browser the run insists on: exit 3 without one). `--http-only` never starts a browser
(`--no-browser` is its old name). Each link is one line before the summary, with the
verdict people read: a link that works but loses its utm_* and click ids is not "ok".
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from tagaudit.cli import app
from tagaudit.cli.common import (
    BaselineOpt,
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
from tagaudit.config import load_config
from tagaudit.errors import UsageError
from tagaudit.links.settings import LinkSettings

if TYPE_CHECKING:
    from tagaudit.model import LinkResult, Report

_LINKS = LinkSettings()


def print_links(report: Report, options: ReportOptions) -> None:
    """One line per link before the findings; with -v, what each hop did to the parameters."""
    from tagaudit.report.common import link_verdict
    from tagaudit.report.masking import for_people

    if options.quiet:
        return
    for link in report.links:
        redirects = max(0, len(link.hops) - 1)
        word, _ = link_verdict(link, report)
        verdict = f"{word} ({link.reason})" if link.reason else word
        line = f"{verdict:>24}  {redirects} redirect(s)  {link.url} → {link.final_url}"
        print(for_people(line))
        if options.verbose:
            for hop_line in hop_lines(link):
                print(for_people(hop_line))
    sys.stdout.flush()


def hop_lines(link: LinkResult) -> list[str]:
    """`hop 1  301 /landing/spring/  dropped utm_source, gclid` for each hop of the chain."""
    ledger = {change.hop: change for change in link.ledger}
    lines = []
    for number, hop in enumerate(link.hops):
        change = ledger.get(number)
        parts = []
        if change is not None:
            for word, names in (
                ("kept", change.kept),
                ("changed", change.changed),
                ("moved to #", change.moved_to_fragment),
                ("dropped", change.dropped),
            ):
                if names:
                    parts.append(f"{word} {', '.join(names)}")
        status = "" if hop.status is None else str(hop.status)
        via = "" if hop.via == "http" else f" ({hop.via})"
        tail = f"  {'; '.join(parts)}" if parts else ""
        lines.append(f"{'':>26}hop {number}  {status}{via}  {hop.url}{tail}")
    return lines


@app.command(short_help="Follow campaign links hop by hop: lost utm_* and click ids.")
def links(
    inputs: Annotated[list[str] | None, typer.Argument(metavar="INPUT", hidden=True)] = None,
    config_path: ConfigOpt = None,
    rule_files: RulesOpt = None,
    browser: BrowserOpt = None,
    http_only: Annotated[
        bool,
        typer.Option(
            "--http-only",
            "--no-browser",
            help="Follow links over HTTP only, never start a browser (default: load the "
            "landings in Chromium when one is found, up to 100 links).",
        ),
    ] = False,
    browser_path: Annotated[str | None, typer.Option("--browser-path", hidden=True)] = None,
    max_hops: Annotated[
        int | None,
        typer.Option(metavar="N", help=f"Give up after N redirects (default: {_LINKS.max_hops})."),
    ] = None,
    chain_budget: Annotated[
        int | None,
        typer.Option(metavar="N", help="Warn on chains of more than N redirects (default: 3)."),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(metavar="N", help=f"Links followed at once (default: {_LINKS.concurrency})."),
    ] = None,
    per_host: Annotated[
        int | None,
        typer.Option(metavar="N", help=f"Requests at once per host (default: {_LINKS.per_host})."),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(metavar="SECONDS", help=f"Limit per link (default: {_LINKS.timeout:g})."),
    ] = None,
    retries: Annotated[
        int | None,
        typer.Option(metavar="N", help=f"Retries on 429/5xx (default: {_LINKS.retries})."),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", metavar="NAME", help="One more tracking parameter (repeatable)."),
    ] = None,
    transport: Annotated[
        str | None,
        typer.Option(metavar="NAME", help=f"aiohttp or httpx (default: {_LINKS.transport})."),
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
    """Follow campaign links hop by hop: lost utm_*/click ids, broken redirects, UTM hygiene.

    INPUT... are URLs, .txt lists (# comments) or .csv exports (a URL column; optionally
    the expected landing, parameters that must arrive, the expected channel).
    """
    from tagaudit.crawl.shards import parse_shard
    from tagaudit.runner.common import resolve_config
    from tagaudit.runner.links import LINK_FIELDS, LinkRun

    if browser is not None and browser.startswith("-"):
        raise UsageError(
            f"--browser needs the path of a Chromium or Chrome executable, not {browser!r}",
            hint="--http-only checks links without a browser",
        )
    if browser is not None and http_only:
        raise UsageError("--browser and --http-only contradict each other")
    file = load_config(config_path)
    fail_on = fail_on or file.fail_on or "error"
    options = ReportOptions(json_path, junit, html, sarif, markdown, fail_on, quiet, verbose)
    options.fail_on_new = fail_on_new
    options.check_paths()
    overrides = {
        "max_hops": max_hops,
        "concurrency": concurrency,
        "per_host": per_host,
        "timeout": timeout,
        "retries": retries,
        "transport": transport,
        "extra_params": param or None,
        "chain_budget": chain_budget,
        "browser_path": browser or browser_path,
        "rules": [str(p) for p in rule_files or []] or None,
    }
    config = resolve_config(file, overrides, LINK_FIELDS, as_flags=True)
    wanted = False if http_only else (True if browser is not None else None)
    compared = options.compare_with(baseline)
    run = LinkRun(list(inputs or []), config, wanted, parse_shard(shard), compared)
    for problem in run.report.config.input_problems:
        print(f"tagaudit: {problem}", file=sys.stderr)
    run.require_targets()
    report = execute_run(run)
    print_links(report, options)
    raise typer.Exit(finish(report, options))

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
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tagaudit.cli.common import (
    BaselineOpt,
    ConfigOpt,
    FailOnNewOpt,
    QuietOpt,
    ReportOptions,
    ShardOpt,
    VerboseOpt,
    execute_run,
    finish,
    say,
)
from tagaudit.cli.options import split_options, with_options
from tagaudit.config import load_config
from tagaudit.errors import UsageError
from tagaudit.runner.options import LINK_OPTIONS

if TYPE_CHECKING:
    from tagaudit.model import LinkResult, Report

# The flags of `tagaudit links`: the settings the run takes, and what fails the run.
LINK_FLAGS = (*LINK_OPTIONS, "rules.fail_on")


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


@with_options(LINK_FLAGS)
def links(
    inputs: Annotated[list[str] | None, typer.Argument(metavar="INPUT", hidden=True)] = None,
    config_path: ConfigOpt = None,
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
    chain_budget: Annotated[
        int | None,
        typer.Option(metavar="N", help="Warn on chains of more than N redirects (default: 3)."),
    ] = None,
    shard: ShardOpt = None,
    baseline: BaselineOpt = None,
    fail_on_new: FailOnNewOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    **flags: Any,
) -> None:
    """Follow campaign links hop by hop: lost utm_*/click ids, broken redirects, UTM hygiene.

    INPUT... are URLs, .txt lists (# comments) or .csv exports (a URL column; optionally
    the expected landing, parameters that must arrive, the expected channel).
    """
    from tagaudit.runner.links import prepare_links

    paths, settings = split_options(flags)
    browser = settings.pop("browser", None)
    if browser is not None and browser.startswith("-"):
        raise UsageError(
            f"--browser needs the path of a Chromium or Chrome executable, not {browser!r}",
            hint="--http-only checks links without a browser",
        )
    if browser is not None and http_only:
        raise UsageError("--browser and --http-only contradict each other")
    file = load_config(config_path)
    fail_on = settings.pop("fail_on", None) or file.rules.fail_on or "error"
    options = ReportOptions(paths, fail_on, quiet, verbose, fail_on_new)
    options.check_paths()
    wanted = False if http_only else (True if browser is not None else None)
    run = prepare_links(
        list(inputs or []),
        config=file,
        browser=wanted,
        browser_path=browser or browser_path,
        shard=shard,
        baseline=options.compare_with(baseline),
        chain_budget=chain_budget,
        as_flags=True,
        **settings,
    )
    for problem in run.report.config.input_problems:
        say(problem)
    run.require_targets()
    report = execute_run(run)
    print_links(report, options)
    raise typer.Exit(finish(report, options))

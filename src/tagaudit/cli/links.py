"""`tagaudit links`: options → the link core (tagaudit.runner.links) → reports, exit code.

Thin: flags become overrides of the config's `links:` section (checked like the file's
keys), bad inputs are one line each on stderr (exit 2 only when nothing usable is left), the
core follows the links and loads the landings in Chromium when there is one (its policy:
tagaudit.runner.links), and reporters and the exit code are shared with `audit` (the
terminal opens with one line per link, tagaudit.report.links_view).

`--browser PATH` means what it means for `audit`: the Chromium to drive (and, named here, a
browser the run insists on: exit 3 without one). `--http-only` never starts a browser
(`--no-browser` is its old name).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

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

# The flags of `tagaudit links`: the settings the run takes, and what fails the run.
LINK_FLAGS = (*LINK_OPTIONS, "rules.fail_on")
# Cyclic garbage collection while a run holds its results: a collection every 50,000 new
# objects, not every 700 (Python's default), and a full one rarely. A link run makes millions
# of small objects that live to the end (hops, ledgers, findings, the masked copy and the
# JSON data of the report), and each collection walked them again: measured on 10,000 links
# (benchmarks/bench_links.py), Python's thresholds cost a fifth of the command's CPU, and
# writing the JSON report took twice as long. Memory is the same (peak RSS 560 MB either
# way): almost nothing a run makes is cyclic garbage, reference counting frees the rest.
RUN_GC_THRESHOLDS = (50_000, 20, 100)


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
    with fewer_collections():
        report = execute_run(run)
        code = finish(report, options)
    raise typer.Exit(code)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """RUN_GC_THRESHOLDS for the run and its reports (its forked workers inherit them);
    the caller's thresholds again afterwards (the CLI also runs inside tests)."""
    previous = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)

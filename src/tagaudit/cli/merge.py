"""`tagaudit merge`: shard reports → one report in every format, and its exit code.

Thin: the core (tagaudit.runner.merge) joins the reports and runs the rules, the baseline and the
run checks again on the whole; this module reads the options and finishes like `audit`
(cli.common.finish). Writing the merged JSON over one of the inputs is fine: every input is
read before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tagaudit.cli.common import (
    BaselineOpt,
    ConfigOpt,
    FailOnNewOpt,
    QuietOpt,
    ReportOptions,
    VerboseOpt,
    finish,
)
from tagaudit.cli.options import split_options, with_options
from tagaudit.config import load_config
from tagaudit.runner.options import MERGE_OPTIONS


@with_options((*MERGE_OPTIONS, "rules.fail_on"))
def merge(
    reports: Annotated[list[Path] | None, typer.Argument(metavar="REPORT", hidden=True)] = None,
    config_path: ConfigOpt = None,
    baseline: BaselineOpt = None,
    fail_on_new: FailOnNewOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    **flags: Any,
) -> None:
    """Join shard reports into one: rules, site-wide checks and the exit code on the whole.

    REPORT... are the JSON reports of `tagaudit audit --shard I/N` (or `links --shard`)
    runs; every format of the merged report can be written, and --baseline compares it.
    """
    from tagaudit.runner.merge import merge as merge_reports

    config = load_config(config_path)
    paths, settings = split_options(flags)
    fail_on = settings.pop("fail_on", None) or config.rules.fail_on or "error"
    options = ReportOptions(paths, fail_on, quiet, verbose, fail_on_new)
    options.check_paths()
    merged = merge_reports(
        list(reports or []),
        config=config,
        rules=settings.get("rules"),
        baseline=options.compare_with(baseline),
        keep_secrets=settings.get("keep_secrets"),
        as_flags=True,
    )
    raise typer.Exit(finish(merged, options))

"""`tagaudit merge`: shard reports → one report in every format, and its exit code.

Thin: the core (tagaudit.runner.merge) joins the reports and runs the rules, the baseline and the
run checks again on the whole; this module reads the options and finishes like `audit`
(cli.common.finish). Writing the merged JSON over one of the inputs is fine: every input is
read before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    VerboseOpt,
    finish,
)
from tagaudit.config import load_config


@app.command(short_help="Join shard reports into one; rules and exit code on the whole.")
def merge(
    reports: Annotated[list[Path] | None, typer.Argument(metavar="REPORT", hidden=True)] = None,
    config_path: ConfigOpt = None,
    rule_files: RulesOpt = None,
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
    """Join shard reports into one: rules, site-wide checks and the exit code on the whole.

    REPORT... are the JSON reports of `tagaudit audit --shard I/N` (or `links --shard`)
    runs; every format of the merged report can be written, and --baseline compares it.
    """
    from tagaudit.runner.merge import merge as merge_reports

    config = load_config(config_path)
    fail_on = fail_on or config.fail_on or "error"
    options = ReportOptions(json_path, junit, html, sarif, markdown, fail_on, quiet, verbose)
    options.fail_on_new = fail_on_new
    options.check_paths()
    merged = merge_reports(
        list(reports or []),
        config=config,
        rules=[str(p) for p in rule_files or []] or None,
        baseline=options.compare_with(baseline),
    )
    raise typer.Exit(finish(merged, options))

"""`tagaudit audit`: options → the core's audit run → terminal summary, report files, exit code.

Thin on purpose: the core (tagaudit.runner.audit) prepares and executes the run; this
module's flags are made from the settings the run accepts (each setting's flag and help
are its own, tagaudit.model.settings), it shows progress, and it finishes with the reporters and the
exit code (cli.common.finish). The crawl side (Playwright, consent, the catalog) is imported
when the command runs, not when the `tagaudit` CLI starts: `tagaudit links` and `decode`
never need it.
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
    ShardOpt,
    VerboseOpt,
    execute_run,
    finish,
)
from tagaudit.cli.options import split_options, with_options
from tagaudit.config import Config, load_config
from tagaudit.runner.options import AUDIT_OPTIONS

# The flags of `tagaudit audit`: the settings the run takes (those with a flag: their
# Settings say), and what fails the run.
AUDIT_FLAGS = (*AUDIT_OPTIONS, "rules.fail_on")


def run_audit(
    targets: list[str] | None,
    config: Config,
    options: ReportOptions,
    demo: bool = False,
    shard: str | None = None,
    baseline: Path | None = None,
    **settings: Any,
) -> int:
    """Prepare the core's run, execute it with a progress bar (an interrupt still writes
    what finished), finish with the reports and the exit code."""
    from tagaudit.report.progress import progress
    from tagaudit.runner.audit import ConsentSettings, prepare_audit

    # Screenshots only when an HTML report will show them (they make JSON reports big).
    screenshots = "base64" if "html" in options.paths else "none"
    with progress(quiet=options.quiet) as show:
        run = prepare_audit(
            targets,
            config=config,
            consent_settings=ConsentSettings(screenshots=screenshots),
            on_progress=show,
            shard=shard,
            baseline=options.compare_with(baseline),
            as_flags=True,
            **settings,
        )
        report = execute_run(run)
    report.config.demo = demo or None
    return finish(report, options)


@with_options(AUDIT_FLAGS)
def audit(
    urls: Annotated[list[str] | None, typer.Argument(metavar="URL", hidden=True)] = None,
    config_path: ConfigOpt = None,
    shard: ShardOpt = None,
    baseline: BaselineOpt = None,
    fail_on_new: FailOnNewOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    **flags: Any,
) -> None:
    """Load pages in headless Chromium, decode every tag they fire, and check them.

    URL... are the pages to audit (default: the config's `pages:`).
    """
    config = load_config(config_path)
    paths, settings = split_options(flags)
    fail_on = settings.pop("fail_on", None) or config.rules.fail_on or "error"
    options = ReportOptions(paths, fail_on, quiet, verbose, fail_on_new)
    options.check_paths()
    settings["deliver_hits"] = settings.get("deliver_hits") or None
    code = run_audit(urls, config, options, shard=shard, baseline=baseline, **settings)
    raise typer.Exit(code)


def run_demo(site_root: Path, json_path: Path | None = None, html_path: Path | None = None) -> int:
    """Serve the demo site on 127.0.0.1, audit all of it, and show the tag inventory."""
    from tagaudit.runner.sitesrv import SiteServer

    config = load_config(site_root / "tagaudit.yaml")
    paths = {name: path for name, path in (("json", json_path), ("html", html_path)) if path}
    options = ReportOptions(paths, fail_on="never")
    with SiteServer(site_root) as site:
        targets = [site.url(path) for path in config.pages or ["/"]]
        print(f"tagaudit demo: serving {site_root} at {site.base_url}")
        return run_audit(targets, config, options, demo=True)

"""Options and the finishing steps shared by `audit`, `links` and `demo`: reports, exit code.

Keeping them here means the commands accept the same report flags and exit the same way.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tagaudit.errors import UsageError
from tagaudit.model import FAIL_ON_LEVELS, Report

if TYPE_CHECKING:
    from tagaudit.report import Written

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", metavar="PATH", help="The tagaudit.yaml to read.")
]
ShardOpt = Annotated[
    str | None,
    typer.Option(
        metavar="I/N",
        help="Run only shard I of N of the planned targets, e.g. 2/4 (join the shards' "
        "JSON reports with tagaudit merge).",
    ),
]
BaselineOpt = Annotated[
    Path | None,
    typer.Option(
        metavar="PATH",
        help="An earlier JSON report: mark findings new, unchanged or fixed and compare "
        "the tags of each page with it.",
    ),
]
FailOnNewOpt = Annotated[
    bool,
    typer.Option(
        "--fail-on-new",
        help="Exit 1 only on findings the --baseline did not have (default: on all).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Print every hit and finding, info included.")
]


@dataclass
class ReportOptions:
    """Where the reports go (format name → path: tagaudit.report.formats) and what fails
    the run."""

    paths: dict[str, Path] = field(default_factory=dict)
    fail_on: str = "error"
    quiet: bool = False
    verbose: bool = False
    fail_on_new: bool = False

    def __post_init__(self) -> None:
        if self.fail_on not in FAIL_ON_LEVELS:
            raise UsageError(
                f"--fail-on must be one of {', '.join(FAIL_ON_LEVELS)}, not {self.fail_on!r}"
            )

    def compare_with(self, baseline: Path | None) -> Path | None:
        """The baseline to compare with; --fail-on-new without one is a usage error."""
        if self.fail_on_new and baseline is None:
            raise UsageError("--fail-on-new needs --baseline PREVIOUS.json")
        return baseline

    def check_paths(self) -> None:
        """A report path that cannot be written fails now (exit 2), not after the run."""
        from tagaudit.report import path_problem

        problem = path_problem(self.paths)
        if problem:
            raise UsageError(problem)


def write_reports(report: Report, options: ReportOptions) -> Written:
    """Write every requested report file, each on its own (see tagaudit.report.write_all)."""
    from tagaudit.report import write_all

    return write_all(report, options.paths, options.fail_on)


def say(line: str) -> None:
    """One line on stderr, masked as every line for people is (CI logs are read by many)."""
    from tagaudit.report.masking import for_people

    print(f"tagaudit: {for_people(line)}", file=sys.stderr)


def show_notes(report: Report, quiet: bool = True) -> None:
    """What the run has to say about itself (fallbacks, rule errors) on stderr.

    The baseline comparison's line is one of them; the terminal summary opens with it, so
    it is repeated here only when that summary is not shown (`-q`)."""
    shown = report.baseline.summary(report.findings) if report.baseline and not quiet else None
    for line in report.config.notes:
        if line != shown:
            say(line)


def finish(report: Report, options: ReportOptions) -> int:
    """Terminal summary, report files, exit code: the end of `audit`, `links` and `demo`.

    Exit codes (DESIGN.md): 130 when interrupted, 3 when the run itself failed part-way
    (`run_error`), 3 when a report could not be written (2 when its path is bad; the other
    reports are still written), else 1 when a counted finding is at or above `--fail-on`,
    else 0.
    """
    from tagaudit.report import terminal

    terminal.render(report, verbose=options.verbose, quiet=options.quiet, fail_on=options.fail_on)
    sys.stdout.flush()  # the summary ends with its newline before any note on stderr
    show_notes(report, quiet=options.quiet)
    written = write_reports(report, options)
    for path in written.paths:
        if not options.quiet:
            print(f"wrote {path}")
    sys.stdout.flush()
    for problem in written.problems:
        say(problem)
    warn_kept_secrets(report, options, written)
    if report.config.run_error:
        what = "links" if report.links else "pages"
        say(f"{report.config.run_error}; reporting the {what} that finished")
        return 3
    if report.interrupted:
        return 130
    if written.problems:
        return 2 if written.bad_path else 3
    return report.exit_code(options.fail_on, new_only=options.fail_on_new)


def warn_kept_secrets(report: Report, options: ReportOptions, written: Written) -> None:
    """`--keep-secrets` is loud: the JSON report it wrote holds credentials."""
    path = options.paths.get("json")
    if report.config.secrets == "kept" and path is not None and Path(path) in written.paths:
        say(f"--keep-secrets: {path} holds credentials (passwords, tokens): do not publish it")


def _interrupt(signum: int, frame: object) -> None:
    # Delivered again as SIGINT: inside asyncio.run its handler cancels the run's main task,
    # which then stops as on Ctrl-C. Raising KeyboardInterrupt here instead could land in a
    # garbage collector callback, where Python ignores it and the run goes on.
    signal.raise_signal(signal.SIGINT)


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a CI runner cancelling the job) stops the run like Ctrl-C: reports are kept."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def execute_run(run: Any) -> Report:
    """The run's Report; on Ctrl-C or SIGTERM, the Report of what finished (the core's
    `Interrupted` carries it)."""
    from tagaudit.runner.run import Interrupted

    with sigterm_interrupts():
        try:
            return run.run()
        except Interrupted as stopped:
            return stopped.report

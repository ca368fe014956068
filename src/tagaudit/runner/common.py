"""What every run shares and needs no browser: options over the config, timestamps, the
interrupt, the provider catalog, and the rules with the baseline comparison around them.

Split from runner.py so that `tagaudit links` (over HTTP only) and `tagaudit merge` do not
import Playwright and the consent engines just to start: measured with -X importtime, that
was about a third of a 1,000-link check's own CPU. runner.py re-exports these names.
Imports the config, the model, the rules engine, tagaudit.runner.baseline and the report reader.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tagaudit.config import Config, apply_flags, config_from_mapping, load_config
from tagaudit.errors import UsageError
from tagaudit.model import Report
from tagaudit.providers import Catalog, load_catalog
from tagaudit.rules.engine import RuleSet, apply
from tagaudit.runner.baseline import compare as compare_baseline
from tagaudit.runner.baseline import mark as mark_baseline
from tagaudit.runner.reports import read_report


class Interrupted(KeyboardInterrupt):
    """The run was interrupted (Ctrl-C, SIGTERM); `report` holds everything that finished."""

    def __init__(self, report: Report) -> None:
        super().__init__("interrupted")
        self.report = report


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def resolve_config(
    config: Config | dict[str, Any] | str | Path | None,
    overrides: dict[str, Any],
    fields: dict[str, Any],
    as_flags: bool = False,
) -> Config:
    """The config file (or Config) with keyword overrides applied by config.apply_flags.

    A bad value is reported under its keyword (`concurrency`), or with `as_flags` under the
    command-line flag of the same name (`--concurrency`).
    """
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise UsageError(f"unknown option {unknown[0]!r} (known: {', '.join(sorted(fields))})")
    if isinstance(config, dict):
        base = config_from_mapping(config)
    else:
        base = config if isinstance(config, Config) else load_config(config)
    flags = {fields[name]: value for name, value in overrides.items()}
    names = {
        fields[name]: "--" + name.replace("_", "-") if as_flags else name for name in overrides
    }
    return apply_flags(base, flags, names)


def build_catalog(config: Config) -> Catalog | None:
    """The built-in catalog with the user's `providers:` (None when there are none)."""
    if not config.providers:
        return None
    return load_catalog(config.providers, source=str(config.path) if config.path else None)


def load_baseline(baseline: Report | str | Path | None) -> tuple[Report, str] | None:
    """The baseline report and where it came from (a path is read: bad ones are exit 2)."""
    if baseline is None:
        return None
    if isinstance(baseline, Report):
        return baseline, "baseline"
    return read_report(baseline, "baseline"), str(baseline)


def apply_with_baseline(
    report: Report, ruleset: RuleSet, baseline: tuple[Report, str] | None
) -> None:
    """The rules on `report`, with the baseline's tag changes first and marks after."""
    if baseline is not None:
        report.baseline = compare_baseline(baseline[0], report, baseline[1])
    apply(report, ruleset)
    if baseline is not None:
        mark_baseline(report, baseline[0], baseline[1])
        if report.baseline is not None:
            report.config.notes.append(report.baseline.summary(report.findings))

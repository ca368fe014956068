"""What a user can say about the rules, as plain data: extra files, expectations, selections.

tagaudit.yaml's `rules:`, `expect:`, `disable:`, `severity:`, `args:`, `ignore:` and
`fail_on:` are read by tagaudit.config into these types; the rules engine takes them without
knowing where they came from (so `rules/` never imports the config). Imports only the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tagaudit.model.settings import setting
from tagaudit.model.vocabulary import FAIL_ON_LEVELS


@dataclass
class Expectation:
    """One compact site expectation from `expect:`, compiled into rules by tagaudit.rules."""

    provider: str
    account: str | None = None
    event: str | None = None
    on: list[str] = field(default_factory=lambda: ["**"])
    not_on: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    absent: bool = False
    min: int | None = None
    max: int | None = None
    severity: str | None = None
    id: str | None = None
    line: int | None = None
    # Set for an expectation written under a journey step: it applies to that step's pages.
    journey: str | None = None
    step: str | None = None


@dataclass
class Ignore:
    """A known finding to keep reporting but not count: by fingerprint, or by rule (+ pages)."""

    reason: str
    fingerprint: str | None = None
    rule: str | None = None
    on: list[str] = field(default_factory=list)


@dataclass
class RuleOptions:
    """The user's say over the rule set; `source` names the file errors point at.

    `args` maps rule ids to argument overrides; its values may be YAML mappings that remember
    their lines (tagaudit.yamlfile), so a bad argument is reported at its line.
    `link_sources` are a run's own names for GA4's source categories (`links.sources`),
    handed to the channel rules as their `sources` argument. `fail_on` is what fails a run.
    """

    files: list[Path] = setting(
        default_factory=list,
        key="rules",
        name="rules",
        flag="--rules",
        metavar="PATH",
        help="One more rule file (repeatable).",
        repeat=True,
        extends=True,
    )
    expect: list[Expectation] = setting(default_factory=list, key="expect")
    disable: list[str] = setting(default_factory=list, key="disable")
    severity: dict[str, str] = setting(default_factory=dict, key="severity")
    args: dict[str, Any] = setting(default_factory=dict, key="args")
    ignore: list[Ignore] = setting(default_factory=list, key="ignore")
    fail_on: str | None = setting(
        None,
        key="fail_on",
        flag="--fail-on",
        metavar="LEVEL",
        help="Exit 1 on findings at or above LEVEL: error, warning, info or never "
        "(default: the config's fail_on, else error).",
        choices=FAIL_ON_LEVELS,
    )
    link_sources: dict[str, list[str]] = field(default_factory=dict)
    source: str | None = None

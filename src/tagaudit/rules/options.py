"""What a user can say about the rules, as plain data: extra files, expectations, selections.

tagaudit.yaml's `rules:`, `expect:`, `disable:`, `severity:`, `args:` and `ignore:` are read
by tagaudit.config into these types; the rules engine takes them without knowing where they
came from (so `rules/` never imports the config). Imports nothing from tagaudit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
    """

    files: list[Path] = field(default_factory=list)
    expect: list[Expectation] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    args: dict[str, Any] = field(default_factory=dict)
    ignore: list[Ignore] = field(default_factory=list)
    source: str | None = None

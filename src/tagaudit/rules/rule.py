"""A rule as data: id, title, category, severity, scope, check kind + args, help, docs.

Owns the Rule and Scope types and the one way a check kind turns what it saw into a Finding
(`Rule.finding`). Imports tagaudit.model and tagaudit.patterns.

Scope patterns match a page's path (`/checkout/thank-you*`), or the whole URL when the pattern
has a scheme (`https://shop.example/**`), or a regex when written `re:^/p/\\d+$`: the URL
pattern language of tagaudit.patterns, shared with ignores and the crawl's include/exclude.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from tagaudit.model import (
    LINK_CATEGORIES,
    Finding,
    LinkResult,
    PageVisit,
    Report,
    RuleInfo,
    fingerprint,
)
from tagaudit.patterns import any_matches, url_matches

__all__ = ["Rule", "Scope", "any_matches", "url_matches"]


@dataclass
class Scope:
    """Which pages, scenarios, journey steps and links a rule looks at.

    `steps` (globs over `journey/step`, e.g. `checkout/confirmation`, `*/confirmation`)
    narrows a rule to journey steps; without it, journey steps are pages like any other
    (matched by their URL).
    """

    pages: list[str] = field(default_factory=lambda: ["**"])
    exclude: list[str] = field(default_factory=list)
    scenarios: list[str] | None = None
    links: list[str] = field(default_factory=lambda: ["**"])
    steps: list[str] | None = None

    def covers_url(self, url: str) -> bool:
        return any_matches(self.pages, url) and not any_matches(self.exclude, url)

    def covers_page(self, page: PageVisit) -> bool:
        if self.scenarios is not None and page.scenario not in self.scenarios:
            return False
        if self.steps is not None:
            named = f"{page.journey}/{page.step}" if page.journey else None
            return named is not None and any(fnmatch.fnmatchcase(named, p) for p in self.steps)
        return self.covers_url(page.url) or bool(
            page.final_url and page.final_url != page.url and self.covers_url(page.final_url)
        )

    def covers_link(self, link: LinkResult) -> bool:
        return any_matches(self.links, link.url) and not any_matches(self.exclude, link.url)

    def covers_every_link(self) -> bool:
        """The default link scope (`**`, nothing excluded): no URL needs to be looked at."""
        return "**" in self.links and not self.exclude


@dataclass
class Rule:
    """One rule. `check` names a registered check kind; `args` are that kind's arguments."""

    id: str
    title: str
    category: str
    severity: str
    check: str
    args: dict[str, Any] = field(default_factory=dict)
    scope: Scope = field(default_factory=Scope)
    help: str = ""
    description: str = ""
    examples: dict[str, str] = field(default_factory=dict)
    source: str = ""
    enabled: bool = True
    # For people where the id is a number: an expectation as tagaudit.yaml writes it.
    name: str = ""

    def pages(self, report: Report) -> list[PageVisit]:
        """The visited pages this rule applies to."""
        return [p for p in report.pages if self.scope.covers_page(p)]

    def links(self, report: Report) -> list[LinkResult]:
        """The followed links this rule applies to."""
        if self.scope.covers_every_link():
            return list(report.links)
        return [link for link in report.links if self.scope.covers_link(link)]

    def finding(
        self,
        message: str,
        url: str,
        *,
        page: PageVisit | None = None,
        location: dict[str, Any] | None = None,
        evidence: dict[str, Any] | None = None,
        confidence: str = "high",
        distinct: str | None = None,
        help: str | None = None,
    ) -> Finding:
        """A Finding of this rule; `page` adds its scenario to the location (and fingerprint),
        and for a journey step its journey and step (not in the fingerprint).

        `distinct` separates findings that share rule, page and tag (e.g. an email and a phone
        number in the same hit) in the fingerprint; it must be stable across runs. `help`
        replaces the rule's generic fix when the check knows the concrete one (the CSP
        directive to extend, the URL that answers 404).
        """
        where = dict(location or {})
        if page is not None:
            where.setdefault("scenario", page.scenario)
            if page.journey is not None:  # a journey step: reports place it there
                where.setdefault("journey", page.journey)
                where.setdefault("step", page.step)
        where = {k: v for k, v in where.items() if v is not None}
        key = f"{self.id}/{distinct}" if distinct else self.id
        return Finding(
            rule_id=self.id,
            category=self.category,
            severity=self.severity,
            message=message,
            url=url,
            confidence=confidence,
            location=where,
            evidence=evidence or {},
            help=help or self.help,
            fingerprint=fingerprint(key, url, where, self.category in LINK_CATEGORIES),
        )

    def summary(self) -> RuleInfo:
        """What reporters need to describe the rule (kept in Report.config.rules)."""
        return RuleInfo(
            title=self.title,
            category=self.category,
            severity=self.severity,
            help=self.help,
            description=self.description,
            check=self.check,
            source=self.source,
            name=self.name,
        )

"""Check kinds that compare with the baseline (`--baseline previous.json`): `baseline-tags`
turns the tag inventory changes the comparison found (Report.baseline.tags, computed by
tagaudit.runner.baseline before the rules run) into findings, for what was lost or what is new.
Without a baseline they find nothing. Imports only tagaudit.model and tagaudit.rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from tagaudit.model import Finding, Report, TagChange
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.rule import Rule

KINDS = Kinds()
DIRECTIONS = ("lost", "gained")


def _validate(args: dict) -> list[tuple[str, str]]:
    if args.get("direction") not in DIRECTIONS:
        return [("direction", f"must be one of {', '.join(DIRECTIONS)}")]
    return []


def parse_item(item: str) -> dict[str, str | None]:
    """`ga4 G-ABC123: purchase` → provider, account, event (TagChange's item format)."""
    tag, _, event = item.partition(": ")
    provider, _, account = tag.partition(" ")
    return {"provider": provider, "account": account or None, "event": event or None}


def _covered(rule: Rule, change: TagChange) -> bool:
    scenarios = rule.scope.scenarios
    return (scenarios is None or change.scenario in scenarios) and rule.scope.covers_url(change.url)


@KINDS.register("baseline-tags", required={"direction": str}, validate=_validate)
def baseline_tags(rule: Rule, report: Report) -> Iterator[Finding]:
    """A tag or event the baseline had and this run lacks (lost), or the other way (gained)."""
    if report.baseline is None:
        return
    direction = rule.args["direction"]
    for change in report.baseline.tags:
        if not _covered(rule, change):
            continue
        where = "these pages (the URL template)" if change.template else "this page"
        for item in getattr(change, direction):
            what = "event" if ": " in item else "tag"
            if direction == "lost":
                message = f"{item}: this {what} fired on {where} in the baseline and no longer does"
            else:
                message = f"{item}: a {what} that did not fire on {where} in the baseline"
            yield rule.finding(
                message,
                change.url,
                location={"scenario": change.scenario, **parse_item(item)},
                evidence={"baseline": report.baseline.source, "template": change.template},
            )

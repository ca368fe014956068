"""One root cause, one finding: findings that name the same cause on the same page are merged.

A CSP that refuses the Meta pixel on a page is met by the page-level `tag-csp-blocked` rule, by
`tag-inferred-missing` (the pixel is on every other page) and by a user's `expect:`. Each says
why (evidence `cause`, tagaudit.rules.fixes). So does a campaign link whose redirect drops
the click id its CSV row says must arrive (`link-stripped-params`, `link-must-arrive`). One
of them is kept:

  - the most specific check first (a page-level cause kind, then an expectation, then the
    site-wide inference), so the fix shown is the one that matches the cause;
  - with the worst severity of the group (an `expect:` at error still fails the run);
  - with what the others said in `evidence.also` (rule, severity, message), and the tag's
    account filled in from them when the kept one could not read it from the page.

Pure: a list of (check kind, finding) in, findings out. Imports only tagaudit.model.
"""

from __future__ import annotations

from typing import Any

from tagaudit.model import Finding, severity_rank

# Check kinds that read the cause on the page itself, most specific first.
PAGE_LEVEL = (
    "page-reached",
    "tag-csp-blocked",
    "tag-library-failed",
    "tag-request-failed",
    "tag-not-configured",
    "tag-collector-down",
)
_RANK = {
    **{kind: 0 for kind in PAGE_LEVEL},
    "tag-present": 1,
    "tag-inferred": 2,
    # A link: the hop that dropped the parameters, then the input's `must_arrive`.
    "link-stripped-params": 0,
    "link-must-arrive": 1,
}


def _key(finding: Finding) -> tuple[str, str, str] | None:
    cause = finding.evidence.get("cause")
    if not cause:
        return None
    return (finding.url, str(finding.location.get("scenario") or ""), str(cause))


def one_per_cause(found: list[tuple[str, Finding]]) -> list[Finding]:
    """The findings with every group that shares (page, scenario, cause) merged into one."""
    groups: dict[tuple[str, str, str], list[tuple[str, Finding]]] = {}
    order: list[Any] = []
    for kind, finding in found:
        key = _key(finding)
        if key is None:
            order.append(finding)
            continue
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((kind, finding))
    return [item if isinstance(item, Finding) else _merge(groups[item]) for item in order]


def _merge(group: list[tuple[str, Finding]]) -> Finding:
    if len(group) == 1:
        return group[0][1]
    ranked = sorted(group, key=lambda kf: (_RANK.get(kf[0], 3), severity_rank(kf[1].severity)))
    kept = ranked[0][1]
    others = [finding for _, finding in ranked[1:]]
    kept.severity = min((f.severity for f in group_findings(group)), key=severity_rank)
    for other in others:
        same_tag = other.location.get("provider") == kept.location.get("provider")
        if same_tag and not kept.location.get("account") and other.location.get("account"):
            kept.location["account"] = other.location["account"]
    kept.evidence = {
        **kept.evidence,
        "also": [{"rule": f.rule_id, "severity": f.severity, "message": f.message} for f in others],
    }
    return kept


def group_findings(group: list[tuple[str, Finding]]) -> list[Finding]:
    return [finding for _, finding in group]

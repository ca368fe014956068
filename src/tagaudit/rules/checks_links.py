"""The link checker's check kinds (rules/links.yaml uses them).

Each kind wraps one pure function of links.assess / links.hygiene: for every link in the
rule's scope it calls the function with the rule's args and `Rule.finding` as the maker, so
id, category, severity and help come from the rule file. Each is registered with its
`per_link` form too, so the engine runs all of them in one pass over the links. Imports the
model, tagaudit.rules and the pure modules of links (assess, hygiene), never its HTTP side.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tagaudit.model import Finding, LinkResult, Report
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.links_assess import LINK_CHECKS, LinkCheck, Make
from tagaudit.rules.links_hygiene import UTM_CHECKS, case_variants
from tagaudit.rules.rule import Rule

KINDS = Kinds()

# Optional args per kind (the rule loader validates rule files against these).
ARGS: dict[str, dict[str, Any]] = {
    "redirect-chain": {"max_hops": int},
    "link-verdict": {"verdict": str},
    "link-must-arrive": {"params": list},
    "link-param-stored": {"params": list},
    "link-param-consent": {"params": list},
    "utm-required": {"params": list},
    "utm-names": {"allow": list},
    # `sources`: more names for GA4's source categories (tagaudit.yaml `links.sources`, which
    # the rules engine puts here: rules.engine.CHANNEL_KINDS)
    "utm-channel": {"flag": list, "sources": dict},
    "utm-channel-info": {"sources": dict},
}


def maker(rule: Rule, link: LinkResult) -> Make:
    """`Rule.finding` bound to one link: (message, evidence, location) → Finding."""

    def make(message: str, evidence: dict[str, Any], location: dict[str, Any]) -> Finding:
        return rule.finding(message, link.url, location=location, evidence=evidence)

    return make


def _no_negative(args: dict[str, Any]) -> list[tuple[str, str]]:
    value = args.get("max_hops")
    return [("max_hops", "must be 0 or more")] if isinstance(value, int) and value < 0 else []


VALIDATORS = {"redirect-chain": _no_negative}


def _register(name: str, func: LinkCheck) -> None:
    def judge(rule: Rule, link: LinkResult) -> list[Finding]:
        return func(link, rule.args, maker(rule, link))

    def run(rule: Rule, report: Report) -> Iterator[Finding]:
        for link in rule.links(report):
            yield from judge(rule, link)

    run.__doc__ = func.__doc__
    optional, validate = ARGS.get(name, {}), VALIDATORS.get(name)
    KINDS.register(name, optional=optional, validate=validate, per_link=judge)(run)


for _name, _func in {**LINK_CHECKS, **UTM_CHECKS}.items():
    _register(_name, _func)


@KINDS.register("utm-case")
def utm_case(rule: Rule, report: Report) -> Iterator[Finding]:
    """utm_* values that differ only by case across one campaign's links."""
    yield from case_variants(rule.links(report), lambda link: maker(rule, link))

"""Check kinds about what hits carry: `event-params` and `duplicate-events`.

`event-params` reads the shared parameter names providers fill in for every vendor (`value`,
`currency`, `transaction_id`, `event_id` …, see TagHit), so one rule shape covers GA4, Meta
and Ads. Formats: `number`, `integer`, `currency` (ISO 4217), `nonempty`, or `re:<regex>`.
Imports only tagaudit.model and tagaudit.rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from tagaudit.model import Finding, PageVisit, Report, TagHit
from tagaudit.patterns import regex_fullmatch, regex_problem
from tagaudit.rules.currencies import is_currency
from tagaudit.rules.kinds import (
    Kinds,
    as_list,
    describe_tag,
    hit_location,
    hit_matches,
    is_delivered,
)
from tagaudit.rules.rule import Rule

KINDS = Kinds()

FORMATS = ("number", "integer", "currency", "nonempty")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return str(value).strip().lower() not in ("nan", "inf", "-inf", "infinity")


def _is_integer(value: Any) -> bool:
    return _is_number(value) and float(str(value)) == int(float(str(value)))


def format_problem(value: Any, fmt: str) -> str | None:
    """Why `value` does not have format `fmt`, or None when it does."""
    if fmt.startswith("re:"):
        ok = regex_fullmatch(fmt[3:], str(value))
        return None if ok else f"does not match {fmt[3:]}"
    checks = {
        "number": (_is_number, "is not a number"),
        "integer": (_is_integer, "is not a whole number"),
        "currency": (is_currency, "is not an ISO 4217 currency code"),
        "nonempty": (lambda v: str(v).strip() != "", "is empty"),
    }
    test, problem = checks[fmt]
    return None if test(value) else problem


def _is_missing(params: dict[str, Any], name: str) -> bool:
    return params.get(name) in (None, "", [], {})


def _applies(hit: TagHit, args: dict[str, Any]) -> bool:
    """`when: [params]` limits a rule to hits that carry all of them (e.g. an order id)."""
    return not any(_is_missing(hit.params or {}, name) for name in as_list(args.get("when")))


def hit_problems(hit: TagHit, args: dict[str, Any]) -> list[str]:
    """Everything wrong with one hit's params (and account) under an event-params rule."""
    params = hit.params or {}
    problems = [f"missing {n}" for n in as_list(args.get("required")) if _is_missing(params, n)]
    problems += [f"carries {n}" for n in as_list(args.get("forbidden")) if n in params]
    for name, fmt in (args.get("formats") or {}).items():
        if not _is_missing(params, name):
            problem = format_problem(params[name], fmt)
            if problem:
                problems.append(f"{name} {params[name]!r} {problem}")
    pattern = args.get("account_format")
    if pattern and not regex_fullmatch(pattern, hit.account or ""):
        problems.append(args.get("account_problem") or f"account {hit.account!r} is malformed")
    return problems


def _validate_params_args(args: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    for name, fmt in (args.get("formats") or {}).items():
        if not isinstance(fmt, str) or not (fmt in FORMATS or fmt.startswith("re:")):
            problems.append((f"formats.{name}", f"must be one of {', '.join(FORMATS)} or re:…"))
        elif fmt.startswith("re:") and (problem := regex_problem(fmt[3:])):
            problems.append((f"formats.{name}", problem))
    pattern = args.get("account_format")
    if isinstance(pattern, str) and (problem := regex_problem(pattern)):
        problems.append(("account_format", problem))
    return problems


@KINDS.register(
    "event-params",
    per_page=True,
    validate=_validate_params_args,
    required={"provider": str},
    optional={
        "event": (str, list),
        "account": str,
        "required": list,
        "forbidden": list,
        "formats": dict,
        "account_format": str,
        "account_problem": str,
        "when": list,
    },
)
def event_params(rule: Rule, report: Report) -> Iterator[Finding]:
    """Each matching hit has its required params, none of the forbidden, in the right format."""
    provider, account = rule.args["provider"], rule.args.get("account")
    events = as_list(rule.args.get("event"))
    for page in rule.pages(report):
        # Identical hits with identical problems (a double-fired event) make one finding.
        groups: dict[tuple, list[int]] = defaultdict(list)
        for index, hit in enumerate(page.hits):
            if not hit.left_page():
                continue
            if hit_matches(hit, provider, account, events) and _applies(hit, rule.args):
                problems = hit_problems(hit, rule.args)
                if problems:
                    groups[(hit.provider, hit.account, hit.event, *problems)].append(index)
        for indexes in groups.values():
            yield _params_finding(rule, page, indexes)


def _params_finding(rule: Rule, page: PageVisit, indexes: list[int]) -> Finding:
    hit = page.hits[indexes[0]]
    problems = hit_problems(hit, rule.args)
    tag = describe_tag(hit.provider, hit.account, hit.event)
    times = f" ({len(indexes)} hits)" if len(indexes) > 1 else ""
    return rule.finding(
        f"{tag}: {'; '.join(problems)}{times}",
        page.url,
        page=page,
        location=hit_location(hit, hit_index=indexes[0]),
        evidence={"problems": problems, "params": _shown_params(hit), "hit_indexes": indexes},
    )


_SHOWN = ("transaction_id", "event_id", "value", "currency", "label")


def _shown_params(hit: TagHit) -> dict[str, Any]:
    return {k: hit.params[k] for k in _SHOWN if k in (hit.params or {})}


@KINDS.register(
    "duplicate-events",
    per_page=True,
    optional={"provider": str, "event": (str, list), "keys": list, "unkeyed": bool},
)
def duplicate_events(rule: Rule, report: Report) -> Iterator[Finding]:
    """The same event with the same dedup key (transaction_id / event_id) is sent twice."""
    provider = rule.args.get("provider")
    events = as_list(rule.args.get("event"))
    keys = as_list(rule.args.get("keys")) or ["transaction_id", "event_id"]
    unkeyed = rule.args.get("unkeyed", False)
    for page in rule.pages(report):
        groups: dict[tuple, list[int]] = defaultdict(list)
        for index, hit in enumerate(page.hits):
            if hit_matches(hit, provider, None, events) and is_delivered(page, hit):
                key = _dedup_key(hit, keys)
                if key[1] is not None or unkeyed:
                    groups[(hit.provider, hit.account, hit.event, hit.phase, *key)].append(index)
        for group, indexes in groups.items():
            if len(indexes) > 1:
                yield _duplicate_finding(rule, page, group, indexes)


def _dedup_key(hit: TagHit, keys: list[str]) -> tuple[str | None, str | None]:
    for name in keys:
        value = (hit.params or {}).get(name)
        if value not in (None, ""):
            return name, str(value)
    return None, None


def _duplicate_finding(rule: Rule, page: PageVisit, group: tuple, indexes: list[int]) -> Finding:
    provider, account, event, phase, key, value = group
    tag = describe_tag(provider, account, event)
    keyed = f" with {key} {value}" if key else " (no transaction_id / event_id)"
    return rule.finding(
        f"{tag}{keyed} sent {len(indexes)} times on this page: it is counted {len(indexes)} times",
        page.url,
        page=page,
        location={"provider": provider, "account": account, "event": event, "phase": phase},
        evidence={"count": len(indexes), "key": key, "value": value, "hit_indexes": indexes},
    )

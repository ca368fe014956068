"""Site expectations (`expect:` in tagaudit.yaml) compiled into ordinary rules.

Owns the translation: `{tag: ga4:G-ABC123, on: "**"}` → a `tag-present` rule
(`missing-tag`, error); `absent: true` → `tag-absent` (`unexpected-tag`); `params: [...]` →
an extra `event-params` rule that also checks `value` is a number and `currency` ISO 4217.
Rule ids are the expectation's `id`, else `expect-<n>` (1-based, in file order; kept, as
baselines and ignores name them); their `name` is the expectation as written (`expect event
ga4:purchase on /checkout/thank-you*`), which JUnit shows.
Imports tagaudit.rules.options and tagaudit.rules.rule only.
"""

from __future__ import annotations

from tagaudit.rules.options import Expectation, RuleOptions
from tagaudit.rules.rule import Rule, Scope

KNOWN_FORMATS = {"value": "number", "currency": "currency", "transaction_id": "nonempty"}


def compile_expectations(options: RuleOptions) -> list[Rule]:
    """Site expectations are `expect-<n>`; a journey step's are `expect-<journey>-<step>-<n>`."""
    rules: list[Rule] = []
    numbers: dict[tuple[str | None, str | None], int] = {}
    for expectation in options.expect:
        where = (expectation.journey, expectation.step)
        numbers[where] = number = numbers.get(where, 0) + 1
        prefix = "expect" if expectation.journey is None else f"expect-{where[0]}-{where[1]}"
        rule_id = expectation.id or f"{prefix}-{number}"
        rules.extend(_compile_one(expectation, rule_id, options.source))
    return rules


def _compile_one(exp: Expectation, rule_id: str, path: str | None) -> list[Rule]:
    source = f"{path}:{exp.line}" if path else "tagaudit.yaml"
    scope = Scope(pages=list(exp.on), exclude=list(exp.not_on))
    where = ", ".join(exp.on)
    if exp.journey is not None:
        scope.steps = [f"{exp.journey}/{exp.step}"]
        where = f"step {exp.step} of journey {exp.journey}"
    if where == "**":
        where = "every page"
    tag = " ".join(p for p in (exp.provider, exp.account, exp.event) if p)
    name = f"expect {_as_written(exp)}" + ("" if where == "every page" else f" on {where}")
    if exp.journey is not None:
        name = f"expect {_as_written(exp)}"  # its suite names the journey and step
    if exp.id:
        name = ""  # the user named it: the id is the name
    args = {"provider": exp.provider, "account": exp.account, "event": exp.event}
    args = {k: v for k, v in args.items() if v}
    if exp.absent:
        return [
            Rule(
                id=rule_id,
                title=f"{tag} fires on {where}, where it must not",
                category="unexpected-tag",
                severity=exp.severity or "error",
                check="tag-absent",
                args=args,
                scope=scope,
                help=f"Remove {tag} from these pages, or narrow the trigger in your tag manager.",
                source=source,
                name=name and f"{name} absent",
            )
        ]
    counts = {k: v for k, v in (("min", exp.min), ("max", exp.max)) if v is not None}
    rules = [
        Rule(
            id=rule_id,
            title=f"{tag} not sent as expected on {where}",
            category="missing-tag",
            severity=exp.severity or "error",
            check="tag-present",
            args={**args, **counts},
            scope=scope,
            help=f"Install {tag} on these pages (or fix its trigger), then re-run the audit.",
            source=source,
            name=name,
        )
    ]
    if exp.params:
        formats = {p: KNOWN_FORMATS[p] for p in exp.params if p in KNOWN_FORMATS}
        formats.update(exp.formats)
        rules.append(
            Rule(
                id=f"{rule_id}-params",
                title=f"{tag} without {', '.join(exp.params)}",
                category="event-params",
                severity=exp.severity or "error",
                check="event-params",
                args={**args, "required": list(exp.params), "formats": formats},
                scope=scope,
                help=f"Send {', '.join(exp.params)} with every {tag} hit.",
                source=source,
                name=name and f"{name} params",
            )
        )
    return rules


def _as_written(exp: Expectation) -> str:
    """`tag ga4:G-ABC123`, `event ga4:purchase`: the expectation as tagaudit.yaml has it."""
    if exp.event:
        return f"event {exp.provider}:{exp.event}"
    return f"tag {exp.provider}" + (f":{exp.account}" if exp.account else "")

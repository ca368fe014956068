"""`tagaudit rules [ID]`: list the rules a run would apply, or explain one with its examples.

Reads the same rule set as `audit` (built-ins, the config's `rules:` and `expect:`, `--rules`
files, `disable:` / `severity:`), so what it shows is what will run. `--kinds` lists the
registered check kinds with their arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from rich.console import Console
from rich.text import Text

from tagaudit.cli.common import ConfigOpt
from tagaudit.errors import UsageError
from tagaudit.yamlfile import nearest

if TYPE_CHECKING:
    from tagaudit.runner.api import Rule, RuleSet

RulesOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules", metavar="PATH", help="One more rule file (repeatable)."),
]


def rules_command(
    rule_id: Annotated[str | None, typer.Argument(metavar="ID", hidden=True)] = None,
    config_path: ConfigOpt = None,
    rule_files: RulesOpt = None,
    kinds: Annotated[bool, typer.Option("--kinds", help="List the check kinds.")] = False,
) -> None:
    """List the rules (id, severity, category, title), or explain one: `tagaudit rules ID`."""
    console = Console(highlight=False, soft_wrap=True)
    if kinds:
        _show_kinds(console)
        return
    from tagaudit.runner.api import load_rules

    ruleset = load_rules(config_path, extra_files=rule_files or [])
    if rule_id is None:
        _show_list(console, ruleset)
        return
    rule = ruleset.get(rule_id)
    if rule is None:
        guess = nearest(rule_id, [r.id for r in ruleset.rules])
        hint = f"did you mean {guess!r}? " if guess else ""
        raise UsageError(f"no rule {rule_id!r}", hint=f"{hint}`tagaudit rules` lists them")
    _explain(console, rule)


def _show_list(console: Console, ruleset: RuleSet) -> None:
    width = max(len(r.id) for r in ruleset.rules) + 2
    console.print(f"{'id':<{width}}{'severity':<10}{'category':<17}title", style="bold")
    for rule in ruleset.rules:
        severity = rule.severity if rule.enabled else "off"
        console.print(
            f"{rule.id:<{width}}{severity:<10}{rule.category:<17}{rule.title}", markup=False
        )
    console.print(f"\n{len(ruleset.rules)} rules; `tagaudit rules ID` explains one, with examples.")


def _explain(console: Console, rule: Rule) -> None:
    console.print(Text(f"{rule.id}: {rule.title}", style="bold"))
    state = "" if rule.enabled else " (disabled by config)"
    facts = f"category {rule.category} · severity {rule.severity}{state} · check {rule.check}"
    console.print(facts, markup=False)
    for paragraph in rule.description.split("\n\n") if rule.description else []:
        console.print()
        console.print(" ".join(paragraph.split()), markup=False)
    for label in ("bad", "good"):
        if rule.examples.get(label):
            console.print(Text(f"\n{label.capitalize()} example:", style="bold"))
            for line in rule.examples[label].splitlines():
                console.print(f"  {line}", markup=False)
    console.print(Text("\nHow to fix: ", style="bold") + Text(rule.help))
    scope = {k: v for k, v in vars(rule.scope).items() if v and v != ["**"]}
    settings = {"args": rule.args, **({"scope": scope} if scope else {})}
    console.print()
    console.print(yaml.safe_dump(settings, sort_keys=False).rstrip(), markup=False)
    console.print(Text(f"defined at {rule.source}", style="dim"))


def _show_kinds(console: Console) -> None:
    from tagaudit.runner.api import CHECK_KINDS

    kinds = sorted(CHECK_KINDS.items())
    width = max(len(name) for name, _ in kinds) + 2
    for name, kind in kinds:
        args = [f"{a}*" for a in kind.required] + list(kind.optional)
        console.print(f"{name:<{width}}{kind.doc}", markup=False)
        if args:
            console.print(f"{'':<{width}}args: {', '.join(args)}", markup=False)
    console.print("\n* required")

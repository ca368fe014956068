"""`journeys:` in tagaudit.yaml → Journey, Step and Action values, every mistake one line.

Reads the format of tagaudit.journeys.settings (its module docstring shows every action); each
step's `expect:` becomes an expectation of the rules scoped to that step. Imports the floor,
the journeys' plain types, the rules' option types and config.rules (the expectation reader).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from tagaudit.config import rules as config_rules
from tagaudit.journeys.settings import (
    ACTIONS,
    JOURNEY_KEYS,
    STEP_KEYS,
    TARGET_KEYS,
    TARGETS,
    Action,
    Journey,
    Step,
)
from tagaudit.model import SCENARIOS
from tagaudit.rules.options import Expectation
from tagaudit.yamlfile import Where


def read_journeys(where: Where, base: Path) -> tuple[list[Journey], list[Expectation]]:
    """Every journey under `journeys:` (`base` is the folder script paths are relative to),
    and the expectations of their steps (each scoped to its journey and step)."""
    expected: list[Expectation] = []
    journeys = [_journey(item, base, expected) for item in config_rules.entries(where, "journeys")]
    names = [j.name for j in journeys]
    for index, name in enumerate(names):
        if name in names[:index]:
            where.child("journeys", index).fail("name", f"journey {name!r} is defined twice")
    return journeys, expected


def _journey(where: Where, base: Path, expected: list[Expectation]) -> Journey:
    data = where.data
    _known(where, JOURNEY_KEYS)
    name = _name(where)
    journey = Journey(name=name, source=f"{where.path}:{where.line()}")
    journey.consent = config_rules.choice(where, "consent", SCENARIOS) or "none"
    journey.start = _text(where, "start")
    journey.timeout = _seconds(where, "timeout")
    if ("steps" in data) == ("script" in data):
        where.fail(None, "needs either `steps:` or `script:` (a Python file with journey(page))")
    if "script" in data:
        journey.script = _script(where, base)
    else:
        steps = config_rules.entries(where, "steps")
        journey.steps = [_step(step, name, expected) for step in steps]
        if not journey.steps:
            where.fail("steps", "needs at least one step")
        _unique_steps(where, journey.steps)
    return journey


def _step(where: Where, journey: str, expected: list[Expectation]) -> Step:
    _known(where, STEP_KEYS)
    step = Step(name=_name(where), timeout=_seconds(where, "timeout"), line=where.line())
    actions = where.data.get("do")
    if not isinstance(actions, list) or not actions:
        where.fail("do" if "do" in where.data else None, "needs `do:`, a list of actions")
    inner = where.child("do")
    step.actions = [
        _action(Where(where.path, item, inner.name(i)), item) for i, item in enumerate(actions)
    ]
    for entry in config_rules.entries(where, "expect"):
        expectation = config_rules.expectation(entry)
        expected.append(replace(expectation, journey=journey, step=step.name))
    return step


def _action(where: Where, item: Any) -> Action:
    if not isinstance(item, dict) or len(item) != 1:
        where.fail(None, f"an action is one of {', '.join(ACTIONS)} with its target")
    kind, value = next(iter(item.items()))
    if kind not in ACTIONS:
        where.fail(kind, f"unknown action {kind!r} (known: {', '.join(ACTIONS)})")
    form = ACTIONS[kind]
    inner = Where(where.path, value, where.name(kind))
    line = where.line(kind)
    if form.text_only and not isinstance(value, str):
        where.fail(
            kind, f"`{kind}` takes a text: {'a URL or a path' if kind == 'goto' else form.plain}"
        )
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        if form.plain is None:
            where.fail(kind, f"`{kind}` needs a mapping, e.g. {form.example}")
        return Action(kind, {form.plain: str(value)}, line)
    if not isinstance(value, dict):
        where.fail(kind, f"must be a text or a mapping, e.g. {form.example}")
    known = (*TARGET_KEYS, *form.extra)
    for key in value:
        if key not in known:
            inner.fail(key, f"unknown key of `{kind}` (known: {', '.join(known)})")
    args = {str(k): v for k, v in value.items()}
    _check_action(inner, kind, args)
    return Action(kind, args, line)


def _check_action(inner: Where, kind: str, args: dict[str, Any]) -> None:
    """The arguments each action needs (a target, a value, exactly one condition …)."""
    form = ACTIONS[kind]
    for key in form.needs:
        if key not in args:
            inner.fail(None, f"`{kind}` needs a `{key}`, e.g. {form.example}")
    if form.target and not any(k in args for k in TARGETS):
        inner.fail(
            None, f"`{kind}` needs a target: role+name, label, css, text, placeholder or test_id"
        )
    if "role" in args and "name" not in args and kind != "wait_for":
        inner.fail("role", "a role needs the element's accessible `name` too")
    if kind == "wait_for":
        conditions = [k for k in ("url", "selector", "hit") if k in args]
        if len(conditions) != 1:
            inner.fail(None, "`wait_for` needs exactly one of url, selector or hit")
        if "hit" in args and ":" not in str(args["hit"]):
            inner.fail("hit", "write provider:event, e.g. ga4:purchase")


def _known(where: Where, keys: tuple[str, ...]) -> None:
    if not isinstance(where.data, dict):
        where.fail(None, "must be a mapping")
    for key in where.data:
        if key not in keys:
            where.fail(key, f"unknown key (known: {', '.join(keys)})")


def _name(where: Where) -> str:
    name = where.data.get("name")
    if not isinstance(name, (str, int)) or not str(name).strip():
        where.fail("name" if "name" in where.data else None, "needs a `name`")
    if "/" in str(name):
        where.fail("name", "a name cannot contain '/' (steps are named journey/step)")
    return str(name).strip()


def _text(where: Where, key: str) -> str | None:
    value = where.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        where.fail(key, "must be a URL or a path")
    return value.strip()


def _seconds(where: Where, key: str) -> float | None:
    value = where.data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        where.fail(key, f"must be a number of seconds above 0, not {value!r}")
    return float(value)


def _script(where: Where, base: Path) -> Path:
    value = _text(where, "script")
    assert value is not None
    path = (base / value).resolve()
    if path.suffix != ".py":
        where.fail("script", "must be a Python file (.py) that defines journey(page)")
    if not path.is_file():
        where.fail("script", f"no such file: {path}")
    return path


def _unique_steps(where: Where, steps: list[Step]) -> None:
    seen: set[str] = set()
    for index, step in enumerate(steps):
        if step.name in seen:
            where.child("steps", index).fail("name", f"step {step.name!r} is named twice")
        seen.add(step.name)

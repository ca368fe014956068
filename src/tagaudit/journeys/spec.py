"""`journeys:` in tagaudit.yaml → Journey, Step and Action values, every mistake one line.

Owns the journey format of ../shared/DESIGN.md ("Journeys"): named journeys, each either a
list of steps (each a name, the actions it does, and expectations checked on it) or a Python
`script:`; an optional `consent:` choice made on the banner first and a `start:` campaign
link followed through its redirects in the browser. Actions and their targets:

    goto: /product/widget/                    a path (joined to the site) or a URL
    click: Add to cart                        visible text of a button, link or element;
    click: {role: button, name: Place order}  or by ARIA role and name, {label: …},
    click: {css: "#buy"}                      {css: …}, {text: …}, {placeholder: …}, {test_id: …}
    fill: {label: Email, value: a@b.example}  a target plus the text to type
    select: {label: Country, value: DE}       an option of a <select> (value or label)
    check: {label: I accept the terms}        a checkbox or radio
    press: Enter                              a key (on the focused element), or {key, …target}
    submit: {css: "form#checkout"}            submits the form of the target (a POST, usually)
    wait_for: {url: "**/thank-you*"}          or {selector: …} or {hit: "ga4:purchase"}
    evaluate: "window.scrollTo(0, 9999)"      JavaScript in the page
    screenshot: after-payment                 a picture of the page, kept with the step

Pure: imports the YAML cursor, the rules' expectation reader and option types, no browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tagaudit.config import rules as config_rules
from tagaudit.errors import ConfigError, UsageError
from tagaudit.model import SCENARIOS
from tagaudit.rules.options import Expectation
from tagaudit.yamlfile import Where

TARGET_KEYS = ("role", "name", "label", "css", "text", "placeholder", "test_id", "exact")
TARGETS = ("role", "label", "css", "text", "placeholder", "test_id")  # one of these names it


@dataclass(frozen=True)
class ActionForm:
    """How an action is written. `fill: {label: Email, value: a@b.example}` has the form
    ActionForm(None, extra=("value",), needs=("value",), target=True): no plain-text form, a
    `value` key besides the target's keys, which it needs, and a target it acts on."""

    plain: str | None  # the key a plain text fills (`click: Buy` = {text: Buy}); None: none
    extra: tuple[str, ...] = ()  # keys its mapping may have besides a target's
    needs: tuple[str, ...] = ()  # keys its mapping must have
    target: bool = False  # acts on an element: needs role+name, label, css, text …
    text_only: bool = False  # a text, never a mapping (`goto: /cart/`)
    example: str = "{css: '#id'}"  # shown when it is written wrong


# Every action kind and its argument forms; journeys/actions.py has one handler per kind.
ACTIONS: dict[str, ActionForm] = {
    "goto": ActionForm("url", text_only=True),
    "click": ActionForm("text", target=True),
    "fill": ActionForm(
        None,
        extra=("value",),
        needs=("value",),
        target=True,
        example="{label: Email, value: buyer@example.com}",
    ),
    "select": ActionForm(
        None, extra=("value",), needs=("value",), target=True, example="{label: Country, value: DE}"
    ),
    "check": ActionForm("label", target=True),
    "press": ActionForm(
        "key", extra=("key",), needs=("key",), example="{key: Enter, label: Search}"
    ),
    "submit": ActionForm("css", target=True),
    "wait_for": ActionForm(
        None, extra=("url", "selector", "hit", "state"), example='{url: "**/thank-you*"}'
    ),
    "evaluate": ActionForm("script", text_only=True),
    "screenshot": ActionForm("name", text_only=True),
}
JOURNEY_KEYS = ("name", "consent", "start", "steps", "script", "timeout")
STEP_KEYS = ("name", "do", "expect", "timeout")


@dataclass
class Action:
    """One thing a visitor does: `kind` (an ACTIONS key) and its arguments."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    def describe(self) -> str:
        """`click {role: button, name: Place order}` — for step errors people read."""
        shown = ", ".join(f"{k}: {v}" for k, v in self.args.items() if k != "value")
        return f"{self.kind} {{{shown}}}" if len(self.args) > 1 else f"{self.kind} {shown}"


@dataclass
class Step:
    """A named step: its actions, the expectations checked on it, an optional timeout (s)."""

    name: str
    actions: list[Action] = field(default_factory=list)
    expect: list[Expectation] = field(default_factory=list)
    timeout: float | None = None
    line: int | None = None


@dataclass
class Journey:
    """A visitor's path to a conversion: steps (or a Python script), in one browser context."""

    name: str
    steps: list[Step] = field(default_factory=list)
    script: Path | None = None
    consent: str = "none"
    start: str | None = None
    timeout: float | None = None
    source: str | None = None  # file:line where it is defined


def select_journeys(journeys: list[Journey], names: list[str] | None) -> list[Journey]:
    """The journeys a run plays: all of them, or those named (an unknown name is exit 2)."""
    if names is None:
        return list(journeys)
    known = {j.name: j for j in journeys}
    for name in names:
        if name not in known:
            listed = ", ".join(known) or "none defined"
            raise UsageError(f"--journey: no journey named {name!r} (journeys: {listed})")
    return [known[name] for name in dict.fromkeys(names)]


def check_journey_urls(journeys: list[Journey], base_url: str | None, config: Any) -> None:
    """A journey that starts from a path needs a site to join it to: refuse it up front."""
    if base_url is not None:
        return
    for journey in journeys:
        first = journey.start or next(
            (a.args["url"] for s in journey.steps for a in s.actions if a.kind == "goto"), None
        )
        if first is not None and "://" not in first:
            raise ConfigError(
                f"journey {journey.name!r} starts at the path {first!r}: set `base_url` in "
                "the config, give a full URL, or audit a page of the site too",
                path=str(getattr(config, "path", None) or "") or None,
            )


def read_journeys(where: Where, base: Path) -> list[Journey]:
    """Every journey under `journeys:` (`base` is the folder script paths are relative to)."""
    journeys = [_journey(item, base) for item in config_rules.entries(where, "journeys")]
    names = [j.name for j in journeys]
    for index, name in enumerate(names):
        if name in names[:index]:
            where.child("journeys", index).fail("name", f"journey {name!r} is defined twice")
    return journeys


def _journey(where: Where, base: Path) -> Journey:
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
        journey.steps = [_step(step) for step in config_rules.entries(where, "steps")]
        if not journey.steps:
            where.fail("steps", "needs at least one step")
        _unique_steps(where, journey.steps)
    return journey


def _step(where: Where) -> Step:
    _known(where, STEP_KEYS)
    step = Step(name=_name(where), timeout=_seconds(where, "timeout"), line=where.line())
    actions = where.data.get("do")
    if not isinstance(actions, list) or not actions:
        where.fail("do" if "do" in where.data else None, "needs `do:`, a list of actions")
    inner = where.child("do")
    step.actions = [
        _action(Where(where.path, item, inner.name(i)), item) for i, item in enumerate(actions)
    ]
    step.expect = [config_rules.expectation(w) for w in config_rules.entries(where, "expect")]
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

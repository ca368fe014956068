"""Journeys as plain data: Journey, Step and Action, and the table of actions they may do.

Owns the journey format of ../shared/DESIGN.md ("Journeys"): named journeys, each either a
list of steps (each a name and the actions it does; its expectations are rules scoped to the
step, tagaudit.rules.options) or a Python `script:`; an optional `consent:` choice made on the
banner first and a `start:` campaign link followed through its redirects in the browser.
tagaudit.config.journeys reads them from tagaudit.yaml. Actions and their targets:

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

Pure: imports only the model and the exception tree (no browser, no config).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tagaudit.errors import ConfigError, UsageError
from tagaudit.model.settings import setting

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
    """A named step: its actions and an optional action timeout (s; see JourneySettings)."""

    name: str
    actions: list[Action] = field(default_factory=list)
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


@dataclass
class JourneySettings:
    """`journeys:` of tagaudit.yaml, and which of them a run plays (`only`: all when None)."""

    journeys: list[Journey] = setting(default_factory=list, key="journeys")
    # How long one action waits for its element (a click, a fill, a wait_for): a missing
    # button fails its step in seconds, not after the page timeout. Loading a page (`goto`,
    # the navigation a click started) stays bounded by the page timeout. A journey's or a
    # step's `timeout:` sets it for that journey or step.
    action_timeout: float = setting(
        10.0,
        key="crawl.action_timeout",
        flag="--action-timeout",
        metavar="SECONDS",
        help="How long a journey action waits for its element (default: {default:g}); "
        "loading a page is bounded by --page-timeout.",
        above=0,
    )
    only: list[str] | None = setting(
        None,
        name="journeys",
        flag="--journey",
        metavar="NAME",
        help="Run only this journey of the config (repeatable; default: all).",
        repeat=True,
    )

    def selected(self) -> list[Journey]:
        """The journeys a run plays (an unknown name in `only` is a usage error)."""
        return select_journeys(self.journeys, self.only)


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

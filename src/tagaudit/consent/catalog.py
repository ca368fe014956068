"""The built-in CMP catalog (cmps.yaml) as typed data.

Owns reading and validating the data file; the built-in engine and the first-layer probe use
it. Pure: no Playwright, no I/O beyond reading the packaged YAML file.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tagaudit.errors import ConfigError

CATALOG_FILE = Path(__file__).with_name("cmps.yaml")


@dataclass(frozen=True)
class ActionPlan:
    """How to accept or reject on one CMP: first-layer buttons, second layer, JS API."""

    click: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    second: tuple[str, ...] = ()
    api: str | None = None


@dataclass(frozen=True)
class CmpEntry:
    """One consent management platform: how to detect it, act on it and read it back."""

    id: str
    name: str
    selectors: tuple[str, ...] = ()
    globals: tuple[str, ...] = ()
    banner: tuple[str, ...] = ()
    accept: ActionPlan = field(default_factory=ActionPlan)
    reject: ActionPlan = field(default_factory=ActionPlan)
    state: str | None = None

    def plan(self, action: str) -> ActionPlan:
        """The plan for `accept` or `reject`."""
        return self.accept if action == "accept" else self.reject

    def detect_script(self) -> str:
        """A JS expression that is true when this CMP is on the page (even if hidden)."""
        checks = [f"!!document.querySelector({_js(s)})" for s in self.selectors]
        checks += [f"(typeof window[{_js(g)}] !== 'undefined')" for g in self.globals]
        return " || ".join(checks) or "false"


def _js(text: str) -> str:
    """A JS string literal (JSON is a subset of JS for strings)."""
    return json.dumps(text)


def _plan(raw: Any, where: str) -> ActionPlan:
    if raw is None:
        return ActionPlan()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping", path=str(CATALOG_FILE), field=where)
    return ActionPlan(
        click=tuple(raw.get("click") or ()),
        settings=tuple(raw.get("settings") or ()),
        second=tuple(raw.get("second") or ()),
        api=raw.get("api"),
    )


def _entry(raw: dict[str, Any]) -> CmpEntry:
    cmp_id = raw.get("id")
    if not cmp_id or not raw.get("name"):
        raise ConfigError("every CMP needs an id and a name", path=str(CATALOG_FILE), field="id")
    detect = raw.get("detect") or {}
    return CmpEntry(
        id=cmp_id,
        name=raw["name"],
        selectors=tuple(detect.get("selectors") or ()),
        globals=tuple(detect.get("globals") or ()),
        banner=tuple(raw.get("banner") or ()),
        accept=_plan(raw.get("accept"), f"{cmp_id}.accept"),
        reject=_plan(raw.get("reject"), f"{cmp_id}.reject"),
        state=raw.get("state"),
    )


@functools.lru_cache(maxsize=4)
def load_catalog(path: Path = CATALOG_FILE) -> tuple[CmpEntry, ...]:
    """Every CMP in the catalog, in the order the built-in engine tries them."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    entries = tuple(_entry(item) for item in raw)
    ids = [e.id for e in entries]
    if len(ids) != len(set(ids)):
        raise ConfigError("duplicate CMP id in the catalog", path=str(path), field="id")
    return entries


def cmp_by_id(cmp_id: str) -> CmpEntry | None:
    """The catalog entry with this id, or None."""
    return next((e for e in load_catalog() if e.id == cmp_id), None)


# autoconsent rule names → catalog ids, so both engines report the same CMP id.
AUTOCONSENT_NAMES = {
    "onetrust": "onetrust",
    "cybotcookiebot": "cookiebot",
    "didomi": "didomi",
    "usercentrics-api": "usercentrics",
    "usercentrics-button": "usercentrics",
    "quantcast": "quantcast",
    "inmobi": "quantcast",
    "cookieyes": "cookieyes",
    "trustarc-top": "trustarc",
    "trustarc-newcm": "trustarc",
    "osano": "osano",
    "complianz-banner": "complianz",
    "complianz-optin": "complianz",
    "complianz-opt-out": "complianz",
    "complianz-categories": "complianz",
    "complianz-notice": "complianz",
    "klaro": "klaro",
    "cookieconsent3": "cookieconsent3",
    "cookieconsent2": "cookieconsent3",
    "tarteaucitron.js": "tarteaucitron",
    "tarteaucitron-deny": "tarteaucitron",
}


def cmp_id_for_rule(rule_name: str) -> str:
    """The catalog id an autoconsent rule acts for (the rule name itself when unknown)."""
    name = rule_name.lower().replace(" ", "-")  # rule names come as "Complianz optin" too
    return AUTOCONSENT_NAMES.get(name, name)

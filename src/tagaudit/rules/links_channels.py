"""GA4's default channel group for a link's utm_source / utm_medium / utm_campaign.

Owns evaluating Google's published first-match rules, which live as data in
`data/ga4_channels.yaml` (with the revision and source there). Pure; imports yaml and the
standard library only.

Example: `channel_for("google", "cpc", "spring")` → "Paid Search";
`channel_for("newsletter", "mail", "spring")` → "Unassigned".
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).with_name("data") / "ga4_channels.yaml"
UNASSIGNED = "Unassigned"


@functools.lru_cache(maxsize=1)
def channel_table() -> dict[str, Any]:
    """The channel rules, patterns and source lists (lowercased), read once."""
    table = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    table["sources"] = {k: {s.lower() for s in v} for k, v in table["sources"].items()}
    table["compiled"] = {k: re.compile(v, re.I) for k, v in table["patterns"].items()}
    return table


def _holds(condition: dict[str, Any], fields: dict[str, str], table: dict[str, Any]) -> bool:
    """One condition of a channel rule against the (lowercased) source/medium/campaign."""
    ((kind, arg),) = condition.items()
    if kind == "any":
        return any(_holds(c, fields, table) for c in arg)
    if kind in ("source", "medium"):
        return fields[kind] in {str(a).lower() for a in arg}
    if kind == "source_list":
        return fields["source"] in table["sources"][arg] | extra_sources().get(arg, set())
    if kind == "campaign_contains":
        return str(arg).lower() in fields["campaign"]
    if kind.endswith("_matches"):
        return bool(table["compiled"][arg].search(fields[kind.removesuffix("_matches")]))
    raise ValueError(f"unknown channel condition {kind!r}")


_EXTRA: dict[str, set[str]] = {}


def extra_sources() -> dict[str, set[str]]:
    """Sources added per category for the current run (`links.sources` in tagaudit.yaml)."""
    return _EXTRA


@contextlib.contextmanager
def sources_added(extra: dict[str, list[str]]) -> Iterator[None]:
    """Extend the source categories (search, social, shopping, video) within the block."""
    saved = {k: set(v) for k, v in _EXTRA.items()}
    for category, names in extra.items():
        _EXTRA.setdefault(category, set()).update(n.lower() for n in names)
    _channel.cache_clear()
    try:
        yield
    finally:
        _EXTRA.clear()
        _EXTRA.update(saved)
        _channel.cache_clear()


def channel_for(source: str | None, medium: str | None, campaign: str | None = None) -> str:
    """The first channel whose conditions all hold; "Unassigned" when none does."""
    return _channel(
        (source or "(not set)").strip().lower(),
        (medium or "(not set)").strip().lower(),
        (campaign or "").strip().lower(),
    )


@functools.lru_cache(maxsize=4096)
def _channel(source: str, medium: str, campaign: str) -> str:
    """channel_for on normalised fields; links of one campaign share the answer (cached;
    `sources_added` clears it)."""
    table = channel_table()
    fields = {"source": source, "medium": medium, "campaign": campaign}
    for rule in table["channels"]:
        if all(_holds(c, fields, table) for c in rule["all"]):
            return str(rule["name"])
    return UNASSIGNED

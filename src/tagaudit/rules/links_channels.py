"""GA4's default channel group for a link's utm_source / utm_medium / utm_campaign.

Owns evaluating Google's published first-match rules, which live as data in
`data/ga4_channels.yaml` (with the revision and source there); a run's own source names
(tagaudit.yaml `links.sources`) come in as an argument, never through a global, so the same
report and rules always give the same channels. Pure; imports yaml and the standard library.

Example: `channel_for("google", "cpc", "spring")` → "Paid Search";
`channel_for("newsletter", "mail", "spring")` → "Unassigned".
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

# libyaml's loader where PyYAML was built with it: a tenth of the pure-Python one's time,
# which was most of a small link check's rules.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA = Path(__file__).with_name("data") / "ga4_channels.yaml"
UNASSIGNED = "Unassigned"


@functools.lru_cache(maxsize=1)
def channel_table() -> dict[str, Any]:
    """The channel rules, patterns and source lists (lowercased), read once."""
    table = yaml.load(DATA.read_text(encoding="utf-8"), Loader=LOADER)
    table["sources"] = {k: {s.lower() for s in v} for k, v in table["sources"].items()}
    table["compiled"] = {k: re.compile(v, re.I) for k, v in table["patterns"].items()}
    return table


Sources = tuple[tuple[str, frozenset[str]], ...]  # category → more source names (hashable)


def _holds(
    condition: dict[str, Any], fields: dict[str, str], table: dict[str, Any], extra: Sources
) -> bool:
    """One condition of a channel rule against the (lowercased) source/medium/campaign."""
    ((kind, arg),) = condition.items()
    if kind == "any":
        return any(_holds(c, fields, table, extra) for c in arg)
    if kind in ("source", "medium"):
        return fields[kind] in {str(a).lower() for a in arg}
    if kind == "source_list":
        added = next((names for category, names in extra if category == arg), frozenset())
        return fields["source"] in table["sources"][arg] or fields["source"] in added
    if kind == "campaign_contains":
        return str(arg).lower() in fields["campaign"]
    if kind.endswith("_matches"):
        return bool(table["compiled"][arg].search(fields[kind.removesuffix("_matches")]))
    raise ValueError(f"unknown channel condition {kind!r}")


def more_sources(extra: dict[str, list[str]] | None) -> Sources:
    """`links.sources` of tagaudit.yaml ({category: [names]}) in the form the cache keys on."""
    return tuple(
        sorted(
            (category, frozenset(n.lower() for n in names))
            for category, names in (extra or {}).items()
        )
    )


def channel_for(
    source: str | None,
    medium: str | None,
    campaign: str | None = None,
    extra: dict[str, list[str]] | None = None,
) -> str:
    """The first channel whose conditions all hold; "Unassigned" when none does. `extra`
    adds names to the source categories (search, social, shopping, video) for this call."""
    return _channel(
        (source or "(not set)").strip().lower(),
        (medium or "(not set)").strip().lower(),
        (campaign or "").strip().lower(),
        more_sources(extra),
    )


@functools.lru_cache(maxsize=4096)
def _channel(source: str, medium: str, campaign: str, extra: Sources) -> str:
    """channel_for on normalised fields; links of one campaign share the answer (cached)."""
    table = channel_table()
    fields = {"source": source, "medium": medium, "campaign": campaign}
    for rule in table["channels"]:
        if all(_holds(c, fields, table, extra) for c in rule["all"]):
            return str(rule["name"])
    return UNASSIGNED

"""Which click ids visitors' browsers strip on their own (Safari, Firefox, Brave).

Owns the advice that separates "some browsers drop this" (not the site's fault: capture it
server-side on the first request, rely on UTMs / enhanced conversions) from "your redirect
dropped this" (an error, found by the ledger). The lists, with their public sources, live in
`data/privacy_strip.yaml`. Pure; imports yaml only.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

# libyaml's loader where PyYAML was built with it: a tenth of the pure-Python one's time,
# which was most of a small link check's rules.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA = Path(__file__).with_name("data") / "privacy_strip.yaml"


@functools.lru_cache(maxsize=1)
def strip_lists() -> dict[str, dict[str, Any]]:
    """browser → {label, source, as_of, params}."""
    return yaml.load(DATA.read_text(encoding="utf-8"), Loader=LOADER)


def strippers(params: list[str]) -> dict[str, list[str]]:
    """For each parameter some browser strips: the browsers that do (sorted)."""
    out: dict[str, list[str]] = {}
    for browser, entry in sorted(strip_lists().items()):
        for name in params:
            if name in entry["params"]:
                out.setdefault(name, []).append(browser)
    return out


def sources_for(browsers: set[str]) -> dict[str, str]:
    """browser → where its list comes from (for a finding's evidence)."""
    lists = strip_lists()
    return {b: f"{lists[b]['source']} (as of {lists[b]['as_of']})" for b in sorted(browsers)}

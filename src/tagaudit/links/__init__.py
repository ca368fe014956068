"""The campaign link checker: follow links hop by hop, keep a ledger of their parameters.

Public API (everything else is private to the package):

    check_links(targets, settings, navigator) -> list[LinkResult]   (async; runner)
    check_links_sync(...)                     the same for synchronous callers
    read_inputs(items) -> InputProblems       URLs, .txt and .csv → LinkTargets + problems
    Follower, LinkSettings, LinkTarget        the HTTP side and its settings
    LinkNavigator, merge_visit                the Protocol a browser implements
    build_ledger, tracking_params             the parameter ledger
    channel_for                               GA4 default channel of source/medium/campaign

Names are loaded lazily, so importing the pure modules (params, assess, hygiene: the link
rules in tagaudit.rules.checks_links read them) does not pull in httpx. This package never
imports Playwright (STYLE.md arrows).
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "check_links": "runner",
    "check_links_sync": "runner",
    "read_inputs": "inputs",
    "InputProblems": "inputs",
    "LinkTarget": "inputs",
    "Follower": "follower",
    "LinkSettings": "settings",
    "LinkNavigator": "navigator",
    "merge_visit": "navigator",
    "build_ledger": "params",
    "tracking_params": "params",
    "channel_for": "channels",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'tagaudit.links' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tagaudit.links.{_WHERE[name]}"), name)

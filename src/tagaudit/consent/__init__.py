"""Consent scenarios: what fires before consent, what consent blocks, what never fires.

- scenarios.py: playing one scenario (none / accept / reject) on the page engine: load,
  observe, act on the banner, observe, reload (tagaudit.browser.page does the loading);
- catalog.py / cmps.yaml: the built-in CMP catalog (detect, accept, reject, read back);
- engine.py: ConsentSettings, the engine protocol, `make_engine`, `describe_engine`;
- autoconsent.py: DuckDuckGo autoconsent (npm, MPL-2.0, never vendored) via its Playwright
  bundle; builtin.py: the catalog driven with Playwright;
- readback.py / readback.js: CMP API, TCF `__tcfapi`, GPP `__gpp`, Consent Mode hook;
- classify.py: reading scenario visits (pure; the consent rules in tagaudit.rules use it);
- matrix.py: the per-page scenario × tag matrix (pure; into Report.config.consent_matrix).

Names load lazily: importing this package (or classify) does not import Playwright.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "CmpEntry": "catalog",
    "cmp_by_id": "catalog",
    "load_catalog": "catalog",
    "ConsentSettings": "engine",
    "describe_engine": "engine",
    "make_engine": "engine",
    "consent_matrices": "matrix",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'tagaudit.consent' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tagaudit.consent.{_WHERE[name]}"), name)

"""Consent scenarios' building blocks: CMP catalog, engines, read-back, checks, matrix.

What fires before consent, what consent blocks, what never fires. The scenario loop itself
lives in tagaudit.crawl.scenarios (`run_scenarios`, `audit_consent`); this package holds:

- catalog.py / cmps.yaml: the built-in CMP catalog (detect, accept, reject, read back);
- engine.py: ConsentSettings, the engine protocol, `make_engine`, `describe_engine`;
- autoconsent.py: DuckDuckGo autoconsent (npm, MPL-2.0, never vendored) via its Playwright
  bundle; builtin.py: the catalog driven with Playwright;
- readback.py / readback.js: CMP API, TCF `__tcfapi`, GPP `__gpp`, Consent Mode hook;
- classify.py, checks.py, checks_mode.py: the `consent` check kinds (rules/consent.yaml);
- matrix.py: the per-page scenario × tag matrix for the reports.

Importing this package does not import Playwright (only the engines and read-back do).
"""

from __future__ import annotations

from tagaudit.consent.catalog import CmpEntry, cmp_by_id, load_catalog
from tagaudit.consent.engine import ConsentSettings, describe_engine, make_engine
from tagaudit.consent.matrix import attach_matrix, matrix_lines, scenario_matrix

__all__ = [
    "CmpEntry",
    "ConsentSettings",
    "attach_matrix",
    "cmp_by_id",
    "describe_engine",
    "load_catalog",
    "make_engine",
    "matrix_lines",
    "scenario_matrix",
]

"""Consent scenarios: what fires before consent, what consent blocks, what never fires.

- scenarios.py: playing one scenario (none / accept / reject) on the page engine: load,
  observe, act on the banner, observe, reload (tagaudit.browser.page does the loading);
- catalog.py / cmps.yaml: the built-in CMP catalog (detect, accept, reject, read back);
- settings.py: ConsentSettings, the consent part of the run's settings (plain data);
- engine.py: what an engine reports (Detection, ActionOutcome) and the engine Protocol;
- engines.py: choosing the engine (`make_engine`) and describing it (`describe_engine`);
- autoconsent.py: DuckDuckGo autoconsent (npm, MPL-2.0, never vendored) via its Playwright
  bundle; builtin.py: the catalog driven with Playwright;
- readback.py / readback.js: CMP API, TCF `__tcfapi`, GPP `__gpp`, Consent Mode hook.

Reading scenario visits and the consent matrix are pure and belong to the rules
(tagaudit.rules.consent_classify, tagaudit.rules.consent_matrix).
"""

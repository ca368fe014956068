"""Conversion journeys: from the campaign click to the confirmation page, in one context.

    spec.py      `journeys:` of tagaudit.yaml → Journey / Step / Action (pure)
    actions.py   doing an action on the page (Playwright locators, auto-waiting, a timeout)
    views.py     single-page-app views: history.pushState / replaceState / hash changes
    run.py       playing a journey on the page engine, one PageVisit per step (and view)
    python.py    journeys written as Python (`journey(page)`, sync or async), `step()`
    clickid.py   the click id's path: link → landing → hits → cookie → conversion (pure)

Importing this package (or spec.py, which the config reads) does not import Playwright.
"""

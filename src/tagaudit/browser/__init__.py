"""The browser side: the only package (with consent's page actions) that drives Playwright.

    discovery.py     which Chromium to run (flag, env, Playwright's, the system's)
    settings.py      SessionSettings, PageSettings (plain data, no Playwright)
    session.py       BrowserSession: one browser per run, contexts that answer hits locally
    page.py          the page engine: Tab (load, settle, snapshot, leave, decode), PageEngine
    steps.py         a recording's steps, first-seen cookies, one PageVisit per step, screenshots
    visitor.py       plain visits, one target after another, isolated from each other
    capture.py       Recorder: requests, responses, failures, CSP blocks, console, cookies
    leaving.py       leaving a page without losing or leaking its page-hide beacons
    hits.py          answering tracking hits locally (routes), the interception pattern
    link_navigator.py  link landings on the page engine (main-frame navigations → hops)
    sync_recording.py  the pytest plugin's recording of a sync Playwright page (same capture)

Imports tagaudit.providers (to answer and decode hits) and the model, nothing else of
tagaudit.
"""

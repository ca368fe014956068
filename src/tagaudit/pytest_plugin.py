"""tagaudit's pytest plugin: tracking checks inside the end-to-end suites teams already run.

Installed with tagaudit (entry point `pytest11`). It gives a `tracking` fixture: a page whose
every request is recorded and decoded (tracking hits answered locally, as in an audit), and
assertions on what it sent:

    def test_checkout_sends_the_purchase(tracking):
        page = tracking.page
        page.goto("https://staging.shop.example/checkout/")
        page.get_by_role("button", name="Place order").click()
        tracking.step("confirmation")
        tracking.expect_hit("ga4", event="purchase", params={"currency": "EUR"})
        assert tracking.findings(severity="error") == []

With pytest-playwright installed and the test also asking for its `page` fixture, `tracking`
records that page (pytest-playwright's browser, context and options); otherwise it launches
the Chromium tagaudit would drive (`--browser`/TAGAUDIT_BROWSER, else Playwright's, else the
system's) once per session. A failing assertion lists the hits that did fire.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tagaudit.errors import TagauditError
from tagaudit.model import Finding, Report, TagHit, account_matches, severity_rank


class Tracking:
    """The `tracking` fixture's value: `page`, `step()`, `hits()`, `expect_hit()`, `findings()`."""

    def __init__(self, recording: Any, name: str) -> None:
        self._recording, self._name = recording, name
        self.page = recording.page

    def step(self, name: str) -> None:
        """What the page sends from now on belongs to step `name` (rules and reports say so)."""
        self._recording.step(name)

    def hits(
        self, provider: str | None = None, event: str | None = None, account: str | None = None
    ) -> list[TagHit]:
        """The tag hits sent so far (hits the page's CSP blocked are left out)."""
        return [
            h
            for h in self._recording.hits()
            if h.kind == "hit"
            and h.left_page()
            and (provider is None or h.provider == provider)
            and (event is None or h.event == event)
            and account_matches(account, h.account)
        ]

    def expect_hit(
        self,
        provider: str,
        event: str | None = None,
        account: str | None = None,
        params: dict[str, Any] | None = None,
        timeout: float = 5.0,
    ) -> TagHit:
        """Wait (up to `timeout` s) for a matching hit and return it; AssertionError else.

        `params` values must match the decoded parameter (as text); a name mapped to `...`
        only has to be present.
        """
        __tracebackhide__ = True  # the user's line, not the plugin's, in the failure
        wanted = params or {}
        deadline = timeout * 1000
        waited = 0
        while True:
            for hit in self.hits(provider, event, account):
                if all(_matches(hit.params.get(k), v) for k, v in wanted.items()):
                    return hit
            if waited >= deadline:
                break
            self._recording.wait(50)
            waited += 50
        raise AssertionError(_missing(provider, event, account, wanted, self.hits(), timeout))

    def findings(self, severity: str | None = None) -> list[Finding]:
        """The built-in rules' findings on what was recorded, at `severity` or worse."""
        from tagaudit.runner.api import evaluate, load_rules

        self._recording.settle()
        visits = self._recording.visits()
        for visit in visits:
            visit.journey = self._name
        found = evaluate(Report(pages=visits), load_rules())
        if severity is None:
            return found
        return [f for f in found if severity_rank(f.severity) <= severity_rank(severity)]


def _matches(value: Any, wanted: Any) -> bool:
    if wanted is ...:
        return value is not None
    return value is not None and str(value) == str(wanted)


def _missing(
    provider: str,
    event: str | None,
    account: str | None,
    params: dict[str, Any],
    fired: list[TagHit],
    timeout: float,
) -> str:
    """The assertion message: what was expected, then every hit that did fire."""
    wanted = " ".join(p for p in (provider, account, event) if p)
    if params:
        wanted += " with " + ", ".join(f"{k}={'…' if v is ... else v}" for k, v in params.items())
    lines = [f"no {wanted} hit within {timeout:g} s; the hits that fired:"]
    for hit in fired:
        keys = ("transaction_id", "value", "currency", "event_id")
        shown = ", ".join(
            f"{k}={hit.params[k]}" for k in keys if hit.params.get(k) not in (None, "")
        )
        lines.append(f"  {hit.provider} {hit.account or '-'} {hit.event or '-'}  {shown}".rstrip())
    if not fired:
        lines.append("  (none)")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def tagaudit_browser() -> Iterator[Any]:
    """The Chromium tagaudit drives, launched once per test session (sync API)."""
    from tagaudit.browser.sync_recording import launch_browser

    try:
        playwright, browser = launch_browser()
    except TagauditError as problem:
        pytest.fail(f"tagaudit: {problem.one_line()}", pytrace=False)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def tracking(request: pytest.FixtureRequest) -> Iterator[Tracking]:
    """A recording page with tracking assertions (see the module docstring)."""
    from tagaudit.browser.sync_recording import SyncRecording, new_context

    context = None
    if "page" in request.fixturenames and request.config.pluginmanager.hasplugin("playwright"):
        page = request.getfixturevalue("page")  # pytest-playwright's
    else:
        context = new_context(request.getfixturevalue("tagaudit_browser"))
        page = context.new_page()
    recording = SyncRecording(page).attach()
    try:
        yield Tracking(recording, request.node.name)
    finally:
        recording.detach()
        if context is not None:
            context.close()

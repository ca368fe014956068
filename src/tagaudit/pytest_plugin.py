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
system's) once per session. A failing assertion lists the hits that did fire, as a page
sent them but safe to print: terminal escapes and other control characters shown as
`\x1b`, credentials and email addresses masked (tagaudit.model.redaction), each value cut
at SHOWN_CHARS and the list at SHOWN_HITS (pytest prints the message into CI logs).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tagaudit.errors import TagauditError
from tagaudit.model import Finding, Report, TagHit, account_matches, severity_rank
from tagaudit.model.redaction import mask_emails, mask_secrets

SHOWN_CHARS = 120  # of one value in a failure message
SHOWN_HITS = 30  # hits listed in a failure message; the rest are counted


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
    """The assertion message: what was expected, then the hits that did fire (safe to print:
    see the module docstring)."""
    wanted = " ".join(_shown(p) for p in (provider, account, event) if p)
    if params:
        pairs = (f"{_shown(k)}={'…' if v is ... else _shown(v)}" for k, v in params.items())
        wanted += " with " + ", ".join(pairs)
    lines = [f"no {wanted} hit within {timeout:g} s; the hits that fired:"]
    keys = ("transaction_id", "value", "currency", "event_id")
    for hit in fired[:SHOWN_HITS]:
        values = ", ".join(
            f"{k}={_shown(hit.params[k])}" for k in keys if hit.params.get(k) not in (None, "")
        )
        tag = " ".join(_shown(v or "-") for v in (hit.provider, hit.account, hit.event))
        lines.append(f"  {tag}  {values}".rstrip())
    if len(fired) > SHOWN_HITS:
        lines.append(f"  … and {len(fired) - SHOWN_HITS} more")
    if not fired:
        lines.append("  (none)")
    return "\n".join(lines)


def _shown(value: Any) -> str:
    """A value a page sent, fit for a terminal: masked, control characters escaped, cut."""
    text = str(value)
    if len(text) > 4 * SHOWN_CHARS:  # mask only what is shown: a page's value may be 1 MB
        text = text[: 4 * SHOWN_CHARS]
    text = mask_emails(mask_secrets(text))
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


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

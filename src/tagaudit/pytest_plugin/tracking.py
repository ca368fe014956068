"""The `tracking` fixture's value: a recorded page and assertions that read like pytest's.

    tracking.step("cart")
    tracking.expect_hit("ga4", event="add_to_cart", params={"currency": "EUR"}, step="cart")
    tracking.expect_no_hit("ga4", event="page_view", view="/cart")
    tracking.assert_no_findings(severity="error")

Hits are matched as the rules match them: accounts by `tagaudit.model.account_matches`
(case-insensitive; `AW-1` matches its labels, `AW-1/a` only itself), params as text (a name
mapped to `...` only has to be present), `step` by name, `view` against the page the hit
was made on (the single-page-app view, else the page URL the hit reports) as a whole URL,
a path (`/cart/`) or a glob (`**/cart*`). A failed assertion says what was wanted and lists
every hit (or finding) on one line each, safe to print: terminal escapes shown as `\\x1b`,
credentials and email addresses masked, each line cut, at most SHOWN_LINES of them.
Imports the model (and the runner's rules, when findings are asked for).
"""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from tagaudit.model import (
    SEVERITIES,
    Finding,
    PageVisit,
    Report,
    TagHit,
    account_matches,
    severity_rank,
)
from tagaudit.model.redaction import mask_emails, mask_secrets
from tagaudit.model.urls import page_of

POLL_MS = 50
SHOWN_CHARS = 300  # of one listed line of a failure message
SHOWN_LINES = 30  # lines listed in a failure message; the rest are counted


class Recording(Protocol):
    """What Tracking reads of a recording (browser/sync_recording.py's SyncRecording)."""

    page: Any

    def step(self, name: str) -> None: ...
    def hits(self) -> list[TagHit]: ...
    def wait(self, milliseconds: int) -> None: ...
    def settle(self, quiet_ms: int = 500, max_wait_ms: int = 5000) -> None: ...
    def visits(self) -> list[PageVisit]: ...


@dataclass
class Wanted:
    """A hit as an assertion describes it; `matches(hit)`, and how to say it."""

    provider: str | None = None
    event: str | None = None
    account: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    step: str | None = None
    view: str | None = None

    def matches(self, hit: TagHit) -> bool:
        return (
            hit.kind == "hit"
            and hit.left_page()
            and (self.provider is None or hit.provider == self.provider)
            and (self.event is None or hit.event == self.event)
            and account_matches(self.account, hit.account)
            and (self.step is None or hit.step == self.step)
            and (self.view is None or view_matches(self.view, made_on(hit)))
            and all(_param_matches(hit.params.get(k), v) for k, v in self.params.items())
        )

    def __str__(self) -> str:
        text = " ".join(p for p in (self.provider, self.account, self.event) if p) or "any"
        if self.params:
            shown = ", ".join(f"{k}={'…' if v is ... else v}" for k, v in self.params.items())
            text += f" with {shown}"
        if self.step is not None:
            text += f" in step {self.step}"
        if self.view is not None:
            text += f" on view {self.view}"
        return text


def made_on(hit: TagHit) -> str | None:
    """The page a hit was made on: its single-page-app view, else the page URL it reports."""
    page = hit.view or hit.params.get("page_url")
    return page if isinstance(page, str) else None


def view_matches(wanted: str, url: str | None) -> bool:
    """`wanted` (a URL, a path, or a glob of either) names the page `url`?"""
    if not url:
        return False
    path = page_of(url)
    for candidate in (url, path, path.split("?")[0]):
        if candidate == wanted or fnmatch.fnmatchcase(candidate, wanted):
            return True
    return False


def _param_matches(value: Any, wanted: Any) -> bool:
    if wanted is ...:
        return value is not None
    return value is not None and str(value) == str(wanted)


def _listing(title: str, lines: list[str]) -> str:
    """A failure message pytest prints into CI logs: page data made safe to print (see
    `shown`), at most SHOWN_LINES lines and the rest counted."""
    listed = [shown(line) for line in lines[:SHOWN_LINES]] or ["(none)"]
    if len(lines) > SHOWN_LINES:
        listed.append(f"… and {len(lines) - SHOWN_LINES} more")
    return "\n".join([shown(title), *(f"  {line}" for line in listed)])


def shown(text: str) -> str:
    """Text a page sent, fit for a terminal: credentials and email addresses masked
    (tagaudit.model.redaction), control characters escaped (`\\x1b`: a terminal escape
    never acts), cut at SHOWN_CHARS (a page's value may be a megabyte)."""
    text = mask_emails(mask_secrets(text[: 4 * SHOWN_CHARS]))
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


class Tracking:
    """`page`, `step()`, `hits()`, `expect_hit()`, `expect_no_hit()`, `findings()`,
    `assert_no_findings()` (see the module docstring)."""

    def __init__(self, recording: Recording, name: str) -> None:
        self._recording, self._name = recording, name
        self.page = recording.page

    def step(self, name: str) -> None:
        """What the page makes from now on belongs to step `name` (rules and reports say so)."""
        self._recording.step(name)

    def hits(
        self,
        provider: str | None = None,
        event: str | None = None,
        account: str | None = None,
        *,
        params: dict[str, Any] | None = None,
        step: str | None = None,
        view: str | None = None,
    ) -> list[TagHit]:
        """The tag hits sent so far that match (hits the page's CSP blocked never left)."""
        wanted = Wanted(provider, event, account, dict(params or {}), step, view)
        return [h for h in self._recording.hits() if wanted.matches(h)]

    def _sent(self) -> list[TagHit]:
        return [h for h in self._recording.hits() if h.kind == "hit"]

    def expect_hit(
        self,
        provider: str,
        event: str | None = None,
        account: str | None = None,
        params: dict[str, Any] | None = None,
        *,
        step: str | None = None,
        view: str | None = None,
        count: int | None = None,
        timeout: float = 5.0,
    ) -> TagHit:
        """Wait (up to `timeout` s) for a matching hit and return it (the first);
        AssertionError listing every hit sent, else. With `count`, exactly that many must
        match once the page has gone quiet."""
        __tracebackhide__ = True  # the user's line, not the plugin's, in the failure
        if count is not None and count < 1:
            raise ValueError(f"count={count}: expect_no_hit() says that none was sent")
        wanted = Wanted(provider, event, account, dict(params or {}), step, view)
        found = self._wait_for(wanted, count or 1, timeout)
        if count is not None:
            self._recording.settle()
            found = [h for h in self._recording.hits() if wanted.matches(h)]
            if len(found) != count:
                title = f"{len(found)} {wanted} hit(s), {count} expected; the hits sent:"
                raise AssertionError(_listing(title, [h.describe() for h in self._sent()]))
        if not found:
            title = f"no {wanted} hit within {timeout:g} s; the hits sent:"
            raise AssertionError(_listing(title, [h.describe() for h in self._sent()]))
        return found[0]

    def _wait_for(self, wanted: Wanted, enough: int, timeout: float) -> list[TagHit]:
        deadline = time.monotonic() + timeout
        while True:
            found = [h for h in self._recording.hits() if wanted.matches(h)]
            if len(found) >= enough or time.monotonic() >= deadline:
                return found
            self._recording.wait(POLL_MS)

    def expect_no_hit(
        self,
        provider: str,
        event: str | None = None,
        account: str | None = None,
        params: dict[str, Any] | None = None,
        *,
        step: str | None = None,
        view: str | None = None,
    ) -> None:
        """Once the page has gone quiet (late beacons included), no hit matches; else
        AssertionError listing the ones that did."""
        __tracebackhide__ = True
        self._recording.settle()
        wanted = Wanted(provider, event, account, dict(params or {}), step, view)
        found = [h for h in self._recording.hits() if wanted.matches(h)]
        if found:
            title = f"{len(found)} {wanted} hit(s), none expected:"
            raise AssertionError(_listing(title, [h.describe() for h in found]))

    def findings(self, severity: str | None = None) -> list[Finding]:
        """The built-in rules' findings on what was recorded, at `severity` or worse."""
        from tagaudit.runner.api import evaluate, load_rules

        if severity is not None and severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
        self._recording.settle()
        visits = self._recording.visits()
        for visit in visits:
            visit.journey = self._name
        found = evaluate(Report(pages=visits), load_rules())
        if severity is None:
            return found
        return [f for f in found if severity_rank(f.severity) <= severity_rank(severity)]

    def assert_no_findings(self, severity: str = "error") -> None:
        """No finding of the built-in rules at `severity` or worse; else AssertionError
        listing each on one line (rule, page or step, message)."""
        __tracebackhide__ = True
        found = self.findings(severity)
        if found:
            title = f"{len(found)} finding(s) at {severity} or worse:"
            raise AssertionError(_listing(title, [f.describe() for f in found]))

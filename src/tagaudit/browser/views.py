"""Single-page-app views: a history.pushState / replaceState, a popstate or a hash change in
the main frame is a new (virtual) page view, with its own URL.

GA4's enhanced measurement sends a page_view on such history changes, and SPA checkouts fire
their conversion on a view that never reloads the document; so every request recorded after a
view change carries that view's URL (`Request.view`), and a journey splits its steps there.
The hook wraps `History.prototype` (so a tag manager that wraps `history.pushState` later
still goes through it) and reports through a binding, only when the URL actually changed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

BINDING = "__tagauditView"  # the name VIEW_HOOK calls
VIEW_HOOK = """
(() => {
  if (window.top !== window || window.__tagauditViews) return;
  window.__tagauditViews = true;
  let last = location.href;
  const report = (kind) => {
    const now = location.href;
    if (now === last) return;
    last = now;
    try { window.__tagauditView(now, kind); } catch (e) {}
  };
  for (const name of ['pushState', 'replaceState']) {
    const original = History.prototype[name];
    History.prototype[name] = function (...args) {
      const result = original.apply(this, args);
      report(name);
      return result;
    };
  }
  addEventListener('popstate', () => report('popstate'));
  addEventListener('hashchange', () => report('hashchange'));
})();
"""


@dataclass
class View:
    """One virtual page view: its URL, what made it (`pushState` …), when (monotonic s)."""

    url: str
    kind: str
    at: float


class ViewTracker:
    """Collects the views of one context's page and labels the recording with the current one.

    `on_view(url)` is called with each new view's URL (the page engine sets it on its
    recorder, so requests carry it).
    """

    def __init__(self, on_view: Any) -> None:
        self.views: list[View] = []
        self._on_view = on_view

    async def install(self, context: BrowserContext) -> None:
        """Before any page of `context` opens: the binding and the hook in every document."""
        await context.expose_binding(BINDING, self._saw)
        await context.add_init_script(VIEW_HOOK)

    def _saw(self, source: Any, url: str, kind: str) -> None:
        self.views.append(View(str(url), str(kind), time.monotonic()))
        self._on_view(str(url))

    def since(self, moment: float) -> list[View]:
        return [v for v in self.views if v.at >= moment]

"""Single-page-app views: a history.pushState / replaceState, a popstate or a hash change in
the main frame is a new (virtual) page view, with its own URL.

GA4's enhanced measurement sends a page_view on such history changes, and SPA checkouts fire
their conversion on a view that never reloads the document; so every request recorded after a
view change carries that view's URL (`Request.view`), and a journey splits its steps there.
The hook wraps `History.prototype` (so a tag manager that wraps `history.pushState` later
still goes through it) and reports through a binding, only when the URL actually changed,
and at most `MAX_VIEWS` times per document: every binding call crosses the driver's one pipe,
and a page that floods history (thousands of pushState a second) would otherwise queue up
calls that delay every other page of the run for minutes (tests/hostile: pushstate-flood).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

BINDING = "__tagauditView"  # the name VIEW_HOOK calls
MAX_VIEWS = 100  # views reported per document; a real single-page app has a handful
VIEW_HOOK = """
(() => {
  if (window.top !== window || window.__tagauditViews) return;
  window.__tagauditViews = true;
  let last = location.href;
  let reported = 0;
  const report = (kind) => {
    const now = location.href;
    if (now === last) return;
    last = now;
    if (++reported > MAX_VIEWS) return;
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
""".replace("MAX_VIEWS", str(MAX_VIEWS))


class ViewTracker:
    """Labels one context's recording with its current view.

    The binding is installed before any page opens (`install`); each new view's URL goes to
    `on_view`, which the page engine's Tab points at its recorder.
    """

    def __init__(self) -> None:
        self.on_view: Callable[[str], None] = lambda url: None

    async def install(self, context: BrowserContext) -> None:
        """Before any page of `context` opens: the binding and the hook in every document."""
        await context.expose_binding(BINDING, self._saw)
        await context.add_init_script(VIEW_HOOK)

    def _saw(self, source: Any, url: str, kind: str) -> None:
        self.on_view(str(url))

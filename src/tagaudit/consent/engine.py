"""What every consent engine (autoconsent, built-in catalog) promises the scenario loop.

Owns the result types and the engine Protocol; consent/engines.py picks an engine, and
consent/settings.py holds the settings. Imports no Playwright itself; the engines do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the engines import Playwright; the settings alone must not
    from playwright.async_api import BrowserContext, Page

ACTIONS = {"accept": "optIn", "reject": "optOut"}
# How long a click on a banner's control may take: Playwright first waits until the control
# is visible, stable and receives events, and on a loaded machine that took over 3 s; the
# API fallback after a failed click hides the banner's own bug (a reject that grants).
CLICK_TIMEOUT_MS = 8000


@dataclass
class Detection:
    """What the engine saw of a consent banner before acting."""

    cmp: str | None = None
    rule: str | None = None
    popup: bool = False
    frame_url: str | None = None


@dataclass
class ActionOutcome:
    """What acting on the banner did, as the engine reports it (not yet verified)."""

    action: str
    method: str
    cmp: str | None = None
    rule: str | None = None
    result: bool | None = None
    clicks: int | None = None
    via: str | None = None  # first-layer | second-layer | api | rule
    steps: list[str] = field(default_factory=list)
    error: str | None = None
    duration: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ConsentEngine(Protocol):
    """One engine per scenario context: install, detect, act, check the banner again."""

    method: str
    events: list[dict[str, Any]]

    async def install(self, context: BrowserContext) -> None:
        """Prepare `context` before any page of it opens (bindings, init scripts)."""

    async def detect(self, page: Page, timeout: float) -> Detection:
        """Wait (bounded) for a CMP and its visible popup on `page`."""

    async def act(self, page: Page, action: str, detection: Detection) -> ActionOutcome:
        """Accept or reject on the detected banner."""

    async def popup_visible(self, page: Page, cmp: str | None, timeout: float) -> bool:
        """Is a consent popup showing now (after a reload: the choice was not kept)?"""

    def new_document(self) -> None:
        """Forget per-document detection state before a reload."""

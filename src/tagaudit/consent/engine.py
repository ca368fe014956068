"""What every consent engine (autoconsent, built-in catalog) promises the scenario loop.

Owns the shared settings and result types and `make_engine()`, which picks the engine:
autoconsent when its npm package is found, else the built-in catalog (or whichever the
settings ask for). Imports no Playwright itself; the engines do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the engines import Playwright; the settings alone must not
    from playwright.async_api import BrowserContext, Page

ACTIONS = {"accept": "optIn", "reject": "optOut"}


@dataclass
class ConsentSettings:
    """How scenarios run: which engine, where autoconsent lives, how long to wait.

    `engine`: `auto` (autoconsent when installed, else built-in), `autoconsent` (required:
    an EnvironmentProblem says how to install it when absent) or `builtin`. `observe_ms` is
    the least time each scenario keeps watching after its action (late tags, timeouts such
    as Consent Mode's wait_for_update) before it reloads; `empty_page_wait` is how long
    detection waits when not even a CMP script is present (no banner at all). Load timeouts
    and quiet periods are the run's (tagaudit.browser.settings.PageSettings).
    """

    engine: str = "auto"
    node_modules: Path | None = None
    detect_timeout: float = 6.0
    empty_page_wait: float = 3.0
    action_timeout: float = 10.0
    reappear_timeout: float = 1.5
    observe_ms: int = 1000
    # Before acting, at least this much network quiet (whatever the run's quiet period):
    # longer than a typical Consent Mode wait_for_update (500 ms).
    min_quiet_ms: int = 800
    screenshots: str = "base64"  # base64 | none | a directory path
    main_world: bool = True


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


def describe_engine(settings: ConsentSettings) -> str:
    """One line for the CLI and `tagaudit doctor`: which engine runs, or why not autoconsent."""
    from tagaudit.consent.autoconsent import INSTALL_HINT, find_autoconsent

    if settings.engine == "builtin":
        return "consent engine: built-in CMP catalog (chosen)"
    package = find_autoconsent(settings.node_modules)
    if package is None:
        return (
            "consent engine: built-in CMP catalog — @duckduckgo/autoconsent is not installed "
            f"({INSTALL_HINT})"
        )
    return f"consent engine: autoconsent {package.version} ({package.root})"


def make_engine(settings: ConsentSettings) -> ConsentEngine:
    """The engine the settings ask for (see ConsentSettings.engine)."""
    from tagaudit.consent.autoconsent import AutoconsentEngine, find_autoconsent
    from tagaudit.consent.builtin import BuiltinEngine

    if settings.engine == "builtin":
        return BuiltinEngine(settings.empty_page_wait)
    package = find_autoconsent(settings.node_modules, required=settings.engine == "autoconsent")
    if package is None:
        return BuiltinEngine(settings.empty_page_wait)
    return AutoconsentEngine(package, settings)

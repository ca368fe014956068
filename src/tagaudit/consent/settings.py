"""How consent scenarios run, as plain data: the consent part of the run's settings.

`scenarios` is tagaudit.yaml's `consent:` (and `--consent`); the rest tunes the engines and
their waits. Imports only the model (the config composes it; the engines read it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tagaudit.model.settings import setting
from tagaudit.model.vocabulary import SCENARIOS


@dataclass
class ConsentSettings:
    """Which scenarios run, with which engine, where autoconsent lives, how long to wait.

    `scenarios`: the scenarios played on every target (None: `none`, `accept` and `reject`
    on pages that show a consent banner). `engine`: `auto` (autoconsent when installed,
    else built-in), `autoconsent` (required: an EnvironmentProblem says how to install it
    when absent) or `builtin`. Each deliberate wait of a scenario ends as soon as its
    condition holds (consent/scenarios.py): `observe_ms` is the longest it waits after its
    action for the choice to hold: the banner gone and every source the page reads back
    agreeing with it (then the network must be quiet; generous, as it ends early);
    `reappear_timeout` the longest it looks for the banner after the reload, unless the page
    reads back the choice just made; `min_quiet_ms` the wait before acting when the page's
    Consent Mode `wait_for_update` cannot be read; `empty_page_wait` how long detection,
    which starts once the page is quiet, waits when not even a CMP script is present (no
    banner at all).
    Load timeouts and quiet periods are the run's (tagaudit.browser.settings.PageSettings).
    """

    scenarios: list[str] | None = setting(
        None,
        key="consent",
        name="consent",
        flag="--consent",
        metavar="LIST",
        help="Consent scenarios to play, e.g. none,accept,reject (default: all three on "
        "pages that show a consent banner).",
        choices=SCENARIOS,
    )
    engine: str = "auto"
    node_modules: Path | None = None
    detect_timeout: float = 6.0
    empty_page_wait: float = 1.0
    action_timeout: float = 10.0
    reappear_timeout: float = 1.5
    observe_ms: int = 3000
    # Before acting, when the page's Consent Mode wait_for_update cannot be read: longer
    # than a typical one (500 ms).
    min_quiet_ms: int = 800
    screenshots: str = "base64"  # base64 | none | a directory path
    main_world: bool = True

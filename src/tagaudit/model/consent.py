"""Consent in the model: the banner a visit saw, what a scenario did, the scenario × tag matrix.

A plain visit fills only `ConsentRecord.banner` (the cheap detection every visit runs); a
consent scenario (none / accept / reject) fills the rest: which CMP and engine, what the
action did, the consent state read back from the page at each phase, and whether that state
agrees with the action. Only the fields that were set appear in JSON reports (`OMIT_EMPTY`).
The engine-specific parts (read-back states, engine events) stay plain dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass
class Banner:
    """A consent banner (CMP) a plain visit detected: its catalog id, and whether it showed."""

    cmp: str | None = None
    visible: bool = False


@dataclass
class ConsentRecord:
    """What one visit saw of consent, and (in a scenario) what was done about it.

    Example, after "reject all" on a Klaro banner: `cmp="klaro"`, `method="autoconsent"`,
    `popup=True`, `action={"action": "reject", "result": True, …}`, `verified=True`,
    `persisted=True`, `readback={"before-action": {…}, "after-action": {…}, …}`.
    """

    OMIT_EMPTY: ClassVar[bool] = True

    banner: Banner | None = None
    cmp: str | None = None
    rule: str | None = None
    method: str | None = None
    popup: bool | None = None
    banner_frame: str | None = None
    first_layer: dict[str, Any] = field(default_factory=dict)
    screenshots: dict[str, str | None] = field(default_factory=dict)
    readback: dict[str, Any] = field(default_factory=dict)
    action_at: float | None = None
    action: dict[str, Any] = field(default_factory=dict)
    clicks: int | None = None
    reload_error: str | None = None
    banner_after_reload: bool | None = None
    verified: bool | None = None
    verification: dict[str, Any] = field(default_factory=dict)
    persisted: bool | None = None
    consent_mode: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    engine: dict[str, Any] = field(default_factory=dict)
    timeline: dict[str, Any] = field(default_factory=dict)

    def is_scenario(self) -> bool:
        """Was this recorded by the consent scenario loop (not a plain visit's detection)?"""
        return self.method is not None


@dataclass
class MatrixRow:
    """One tag's row of a page's consent matrix: its state in each scenario (see STATES)."""

    tag: str
    provider: str
    account: str | None = None
    cells: dict[str, str] = field(default_factory=dict)


@dataclass
class ConsentMatrix:
    """What fires with no choice, after accept and after reject, per tag, for one page.

    Cell states: `fires-before-consent`, `fires` (only after the action), `cookieless`
    (Consent Mode pings with storage denied), `blocked` (fires in another scenario, not
    here), `not-run` (the scenario did not run for this page).
    """

    STATES: ClassVar[tuple[str, ...]] = (
        "fires-before-consent",
        "fires",
        "cookieless",
        "blocked",
        "not-run",
    )

    url: str
    cmp: str | None = None
    method: str | None = None
    scenarios: list[str] = field(default_factory=list)
    verified: dict[str, bool | None] = field(default_factory=dict)
    tags: list[MatrixRow] = field(default_factory=list)

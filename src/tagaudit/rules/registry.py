"""Every check kind the rules engine knows, joined explicitly from the modules that define them.

Adding a kind: define it in a checks module with `@KINDS.register(...)` and, for a new
module, add it to the list below (no module names in strings, no registration by import
side effect: STYLE.md).
"""

from __future__ import annotations

from tagaudit.rules import (
    checks_baseline,
    checks_capture,
    checks_consent,
    checks_consent_mode,
    checks_delivery,
    checks_journeys,
    checks_links,
    checks_pages,
    checks_params,
    checks_pii,
    checks_tags,
)
from tagaudit.rules.kinds import Kinds

CHECK_KINDS: Kinds = Kinds.joined(
    checks_tags.KINDS,
    checks_delivery.KINDS,
    checks_params.KINDS,
    checks_pii.KINDS,
    checks_pages.KINDS,
    checks_links.KINDS,
    checks_consent.KINDS,
    checks_consent_mode.KINDS,
    checks_baseline.KINDS,
    checks_journeys.KINDS,
    checks_capture.KINDS,
)

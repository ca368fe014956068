"""A journey with a consent choice, on the page engine only: the choice comes from the runner
(tagaudit.consent's JourneyConsent), `wait_for: {hit: …}` polls the engine's hits so far, and
a `screenshot:` action is the engine's picture. The OneTrust fixture fires its Meta pixel
only once the visitor accepted."""

from __future__ import annotations

import pytest

import tagaudit
from tagaudit.consent.settings import ConsentSettings
from tests.support.consent_sites import ConsentSites

pytestmark = pytest.mark.e2e

CONFIG = """
journeys:
  - name: accepted
    consent: accept
    start: {start}
    steps:
      - name: tracked
        do:
          - wait_for: {{hit: "meta_pixel:PageView"}}
          - screenshot: after-accept
  - name: undecided
    start: {start}
    steps:
      - name: tracked
        timeout: 2
        do:
          - wait_for: {{hit: "meta_pixel:PageView"}}
"""


@pytest.fixture(scope="module")
def report(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> tagaudit.Report:
    folder = tmp_path_factory.mktemp("journeys")
    with ConsentSites() as sites:
        config = folder / "tagaudit.yaml"
        config.write_text(CONFIG.format(start=sites.url("/onetrust/")))
        return tagaudit.audit(
            config=config,
            browser=chromium_path,
            consent_settings=ConsentSettings(engine="builtin", screenshots="none"),
        )


def test_the_choice_is_made_and_recorded_on_the_first_step(report: tagaudit.Report) -> None:
    accepted = next(j for j in report.journeys if j.name == "accepted")
    assert [(s.name, s.status) for s in accepted.steps] == [("start", "ok"), ("tracked", "ok")]
    start = next(p for p in report.pages if p.journey == "accepted" and p.step == "start")
    assert start.consent.popup is True and start.consent.cmp == "onetrust"
    assert start.consent.action and start.consent.action["action"] == "accept"
    # The journey's own picture, whatever the consent settings say about banner pictures.
    tracked = accepted.steps[1]
    assert tracked.screenshot and tracked.screenshot.startswith("data:image/jpeg;base64,")


def test_no_choice_no_pixel(report: tagaudit.Report) -> None:
    undecided = next(j for j in report.journeys if j.name == "undecided")
    tracked = undecided.steps[1]
    assert tracked.status == "failed"
    assert tracked.error == "waited 2 s for hit 'meta_pixel:PageView', it never came"
    start = next(p for p in report.pages if p.journey == "undecided" and p.step == "start")
    assert not start.consent.popup and start.consent.method is None

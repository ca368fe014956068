"""The built-in CMP catalog (cmps.yaml): complete, well-formed, consistent with autoconsent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagaudit.consent.catalog import cmp_by_id, cmp_id_for_rule, load_catalog
from tagaudit.errors import ConfigError

REQUIRED = {
    "onetrust",
    "cookiebot",
    "didomi",
    "usercentrics",
    "quantcast",
    "cookieyes",
    "trustarc",
    "osano",
    "complianz",
    "klaro",
    "cookieconsent3",
}


def test_the_major_cmps_are_in_the_catalog() -> None:
    assert {entry.id for entry in load_catalog()} >= REQUIRED


@pytest.mark.parametrize("entry", load_catalog(), ids=lambda e: e.id)
def test_every_entry_can_detect_accept_and_reject(entry) -> None:
    assert entry.selectors or entry.globals
    assert entry.banner
    assert entry.accept.click or entry.accept.api
    assert entry.reject.click or entry.reject.api or entry.reject.settings
    assert "||" in entry.detect_script() or "querySelector" in entry.detect_script()


def test_detect_script_quotes_selectors_as_js_strings() -> None:
    script = cmp_by_id("onetrust").detect_script()
    assert 'document.querySelector("#onetrust-banner-sdk")' in script
    assert "typeof window[\"OneTrust\"] !== 'undefined'" in script


def test_autoconsent_rule_names_map_to_catalog_ids() -> None:
    assert cmp_id_for_rule("Cybotcookiebot") == "cookiebot"
    assert cmp_id_for_rule("Onetrust") == "onetrust"
    assert cmp_id_for_rule("some-site-rule") == "some-site-rule"


def test_duplicate_ids_are_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "cmps.yaml"
    bad.write_text("- {id: a, name: A}\n- {id: a, name: B}\n")
    with pytest.raises(ConfigError, match="duplicate CMP id"):
        load_catalog(bad)

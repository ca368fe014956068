"""Judging the read-back state against the action (pure parts of readback.py)."""

from __future__ import annotations

from tagaudit.consent.readback import (
    assess,
    consent_mode_decision,
    effective_consent,
    summarize_tcf,
    tcf_decision,
)

DEFAULT = {"command": "default", "values": {"ad_storage": "denied", "analytics_storage": "denied"}}
GRANT = {"command": "update", "values": {"ad_storage": "granted", "analytics_storage": "granted"}}
DENY = {"command": "update", "values": {"ad_storage": "denied", "analytics_storage": "denied"}}


def test_effective_consent_lets_the_update_win_over_the_default() -> None:
    assert effective_consent([GRANT, DEFAULT])["ad_storage"] == "granted"
    assert effective_consent([DEFAULT])["analytics_storage"] == "denied"


def test_consent_mode_decision_needs_an_update() -> None:
    assert consent_mode_decision([DEFAULT]) is None
    assert consent_mode_decision([DEFAULT, GRANT]) == "accept"
    assert consent_mode_decision([DEFAULT, DENY]) == "reject"
    half = {"command": "update", "values": {"ad_storage": "denied", "analytics_storage": "granted"}}
    assert consent_mode_decision([DEFAULT, half]) == "partial"


def test_tcf_decision_waits_for_the_user() -> None:
    shown = {"eventStatus": "cmpuishown", "purposeConsents": {"1": False}}
    done = {"eventStatus": "useractioncomplete", "purposeConsents": {"1": True, "2": True}}
    none = {"eventStatus": "useractioncomplete", "purposeConsents": {"1": False, "2": False}}
    assert tcf_decision(shown) is None
    assert tcf_decision(done) == "accept"
    assert tcf_decision(none) == "reject"
    assert (
        tcf_decision({"eventStatus": "tcloaded", "purposeConsents": {"1": True, "2": False}})
        == "partial"
    )
    assert summarize_tcf([shown, done])["events"] == ["cmpuishown", "useractioncomplete"]


def test_assess_verifies_when_sources_agree() -> None:
    state = {"cmp": "reject", "tcf": None, "consent_mode": {"commands": [DEFAULT, DENY]}}
    verdict = assess("reject", state)
    assert verdict["verified"] and verdict["agrees"] == ["cmp", "consent_mode"]


def test_assess_marks_a_disagreeing_source_unverified() -> None:
    state = {"cmp": "accept", "tcf": None, "consent_mode": {"commands": [DEFAULT, DENY]}}
    verdict = assess("reject", state)
    assert not verdict["verified"] and verdict["disagrees"] == ["cmp"]


def test_assess_without_any_read_back_is_unverified() -> None:
    assert not assess("accept", {"cmp": None, "tcf": None})["verified"]


def test_assess_none_flags_consent_assumed_without_a_choice() -> None:
    assert assess("none", {"cmp": None, "consent_mode": {"commands": [DEFAULT]}})["verified"]
    assumed = assess("none", {"cmp": None, "consent_mode": {"commands": [DEFAULT, GRANT]}})
    assert not assumed["verified"] and assumed["disagrees"] == ["consent_mode"]

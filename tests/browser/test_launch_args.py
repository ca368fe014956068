"""Chromium keeps only the last `--disable-features=`: ours replaced Playwright's whole list
(the time query to clients2.google.com went out although Playwright turns it off), so we
pass none of our own, and a user's list is joined to Playwright's as one flag."""

from __future__ import annotations

from tagaudit.browser.session import LAUNCH_ARGS, PLAYWRIGHT_DISABLED_FEATURES, launch_args

FLAG = "--disable-features="


def test_without_a_users_list_playwrights_stands_alone() -> None:
    assert not any(a.startswith(FLAG) for a in launch_args(["--lang=de"]))
    assert launch_args(["--lang=de"]) == [*LAUNCH_ARGS, "--lang=de"]


def test_a_users_lists_are_joined_to_playwrights_as_the_last_flag() -> None:
    args = launch_args([f"{FLAG}Translate", "--lang=de", f"{FLAG}Foo,MediaRouter"])
    features = [a for a in args if a.startswith(FLAG)]
    assert features == [args[-1]] and "--lang=de" in args
    names = args[-1][len(FLAG) :].split(",")
    assert names[: len(PLAYWRIGHT_DISABLED_FEATURES)] == list(PLAYWRIGHT_DISABLED_FEATURES)
    assert names[len(PLAYWRIGHT_DISABLED_FEATURES) :] == ["Translate", "Foo"]  # once each

"""Finding autoconsent, filtering its rules, choosing the engine, parsing --consent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagaudit.config import Config
from tagaudit.consent.autoconsent import AutoconsentEngine, find_autoconsent, rules_for
from tagaudit.consent.builtin import ACCEPT_WORDS, REJECT_WORDS, BuiltinEngine, _has_word
from tagaudit.consent.engines import describe_engine, make_engine
from tagaudit.consent.settings import ConsentSettings
from tagaudit.errors import EnvironmentProblem, UsageError
from tests.consent.scenario_runs import require_npm_banners
from tests.support.consent_sites import NODE_MODULES


def test_autoconsent_is_found_in_node_modules_and_pinned() -> None:
    require_npm_banners()
    package = find_autoconsent(NODE_MODULES)
    assert package is not None and package.version == "16.23.0"
    assert "autoconsentReceiveMessage" in package.bundle
    assert not any(rule.get("cosmetic") for rule in package.rules)


def test_rules_are_filtered_by_url_pattern_and_frame() -> None:
    require_npm_banners()
    package = find_autoconsent(NODE_MODULES)
    main = rules_for(package, "http://127.0.0.1:8000/", main_frame=True)
    assert {"didomi", "cookieconsent3", "quantcast"} <= {r["name"] for r in main}
    assert len(main) < len(package.rules) / 2  # site-specific rules for other sites dropped
    frame = rules_for(package, "http://127.0.0.1:8000/", main_frame=False)
    assert all((r.get("runContext") or {}).get("frame") for r in frame)


def test_the_init_reply_is_the_filtered_rules_as_json_made_once_per_frame_kind() -> None:
    """Each scenario's context asks autoconsent's init for the same frames: the reply text
    (hundreds of KB) is made once and handed to the page as text, not as an object."""
    require_npm_banners()
    package = find_autoconsent(NODE_MODULES)
    config = AutoconsentEngine(package, ConsentSettings()).config()
    url = "http://127.0.0.1:8000/"
    text = package.init_reply(url, True, config)
    assert package.init_reply(url, True, config) is text  # made once
    message = json.loads(text)
    assert message["type"] == "initResp" and message["config"] == config
    names = [r["name"] for r in message["rules"]["autoconsent"]]
    assert names == [r["name"] for r in rules_for(package, url, main_frame=True)]
    framed = json.loads(package.init_reply(url, False, config))["rules"]["autoconsent"]
    assert len(framed) < len(names)  # a frame's reply is its own


def test_missing_autoconsent_says_how_to_install_it(tmp_path: Path, monkeypatch) -> None:
    # Pretend the only place to look is an empty folder (the repository has it installed).
    monkeypatch.setattr(
        "tagaudit.consent.autoconsent._candidates",
        lambda explicit: [tmp_path / "node_modules/@duckduckgo/autoconsent"],
    )
    with pytest.raises(EnvironmentProblem) as problem:
        find_autoconsent(tmp_path, required=True)
    assert "npm" in problem.value.one_line() and "not installed" in problem.value.one_line()
    assert find_autoconsent(tmp_path) is None
    assert isinstance(make_engine(ConsentSettings(engine="auto")).inner, BuiltinEngine)
    line = describe_engine(ConsentSettings(engine="auto"))
    assert "built-in CMP catalog" in line and "not installed" in line and "npm" in line


def test_engine_choice() -> None:
    require_npm_banners()
    # Every engine falls back to banners no rule knows (consent/generic.py).
    assert isinstance(make_engine(ConsentSettings(engine="builtin")).inner, BuiltinEngine)
    auto = make_engine(ConsentSettings(engine="auto", node_modules=NODE_MODULES)).inner
    assert isinstance(auto, AutoconsentEngine)
    assert "autoconsent 16.23.0" in describe_engine(ConsentSettings(node_modules=NODE_MODULES))
    config = auto.config()
    assert config["autoAction"] is None and config["enableCosmeticRules"] is False


def _scenarios(text: str | None) -> list[str] | None:
    flags = Config().with_options({"consent": text}, ("consent.scenarios",), as_flags=True)
    return flags.consent.scenarios


def test_consent_flag_is_read_like_the_file_key() -> None:
    assert _scenarios(None) is None
    assert _scenarios("auto") is None
    assert _scenarios("reject, none,reject") == ["reject", "none"]
    with pytest.raises(UsageError, match="--consent: scenarios are none, accept, reject, not"):
        _scenarios("none,maybe")


def test_button_words_match_whole_words_only() -> None:
    assert not _has_word(["Cookie Settings"], ACCEPT_WORDS)  # "ok" inside "cookie"
    assert _has_word(["OK"], ACCEPT_WORDS)
    assert _has_word(["Continue without accepting"], REJECT_WORDS)
    assert _has_word(["Alle ablehnen"], REJECT_WORDS)
    assert not _has_word(["Manage preferences"], REJECT_WORDS)

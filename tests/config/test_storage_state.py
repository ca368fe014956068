"""A hostile storage-state file is one line, exit 2, naming the file and the field, when the
config is read (before, Playwright or Chromium refused it mid-run: exit 3); what the check
lets through, Chromium takes (the limits are Chromium's own, measured)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from tagaudit.cli import main
from tagaudit.config import load_config
from tagaudit.config.storage_state import LAST_EXPIRY, MAX_COOKIE_BYTES, read_storage_state
from tagaudit.errors import ConfigError

COOKIE = {
    "name": "session",
    "value": "abc",
    "domain": "127.0.0.1",
    "path": "/",
    "expires": -1,
    "httpOnly": True,
    "secure": False,
    "sameSite": "Lax",
}
GOOD = {
    "cookies": [COOKIE],
    "origins": [{"origin": "http://127.0.0.1:8000", "localStorage": [{"name": "a", "value": "1"}]}],
}


def _with(section: str, key: str | None, value: Any) -> dict[str, Any]:
    state = copy.deepcopy(GOOD)
    if key is None:
        state[section] = value
    elif value is ...:
        del state[section][0][key]
    else:
        state[section][0][key] = value
    return state


HOSTILE = [
    (_with("cookies", None, {"a": 1}), "cookies: must be a list, not an object"),
    (_with("cookies", None, ["x"]), "cookies[0]: must be an object, not 'x'"),
    (_with("cookies", "name", 5), "cookies[0].name: must be a string, not 5"),
    (_with("cookies", "value", "a\tb"), "cookies[0].value: no control characters"),
    (
        _with("cookies", "value", "a;b"),
        "cookies[0].value: no control characters (tab included) or `;`",
    ),
    (_with("cookies", "name", "a=b"), "cookies[0].name: no control characters, `;` or `=`"),
    (_with("cookies", "value", "v" * MAX_COOKIE_BYTES), "name and value longer than 4096 bytes"),
    (_with("cookies", "domain", ""), "cookies[0].domain: must not be empty"),
    (_with("cookies", "path", ...), "cookies[0].path: missing"),
    (_with("cookies", "path", "x"), "cookies[0].path: must start with /"),
    (_with("cookies", "expires", "soon"), "cookies[0].expires: must be -1 (a session cookie)"),
    (_with("cookies", "expires", 1e15), "up to year 9999, not 1000000000000000.0"),
    (_with("cookies", "expires", -5), "cookies[0].expires"),
    (_with("cookies", "httpOnly", "yes"), "cookies[0].httpOnly: must be true or false"),
    (_with("cookies", "sameSite", "Weird"), "cookies[0].sameSite: must be one of Strict, Lax"),
    (_with("origins", "origin", "not a url"), "origins[0].origin: no scheme"),
    (_with("origins", "origin", "ftp://x"), "origins[0].origin: unsupported scheme 'ftp'"),
    (_with("origins", "localStorage", "x"), "origins[0].localStorage: must be a list, not 'x'"),
    (
        _with("origins", "localStorage", [{"name": "a", "value": 5}]),
        "origins[0].localStorage[0].value: must be a string, not 5",
    ),
    (
        _with("origins", "localStorage", [{"name": "a", "value": "x" * 6_000_000}]),
        "past the browser's quota",
    ),
    ("[" * 100_000 + "]" * 100_000, "nested too deep"),
    ('{"cookies": [], "origins": [], "x": NaN}', "NaN is not a JSON number"),
    ("[]", "it must be an object"),
]


def _write(path: Path, state: Any) -> None:
    path.write_text(state if isinstance(state, str) else json.dumps(state), encoding="utf-8")


@pytest.mark.parametrize(("state", "said"), HOSTILE, ids=[s[:40] for _, s in HOSTILE])
def test_a_hostile_storage_state_names_the_file_and_the_field(
    tmp_path: Path, state: Any, said: str
) -> None:
    _write(tmp_path / "state.json", state)
    (tmp_path / "tagaudit.yaml").write_text(
        "pages: [http://127.0.0.1:8000/]\nbrowser:\n  storage_state: state.json\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "tagaudit.yaml")
    line = caught.value.one_line()
    assert "tagaudit.yaml:3" in line and "browser.storage_state" in line, line
    assert f"{tmp_path / 'state.json'}: " in line and said in line, line
    assert caught.value.exit_code == 2


def test_the_flag_is_checked_the_same_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "state.json", _with("cookies", "expires", "soon"))
    args = ["audit", "http://127.0.0.1:9/", "--storage-state", str(tmp_path / "state.json")]
    assert main(args) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("tagaudit: ") and "--storage-state" in line
    assert "cookies[0].expires: must be -1" in line


@pytest.mark.e2e
def test_what_the_check_lets_through_chromium_takes(tmp_path: Path, chromium_path: str) -> None:
    edge = copy.deepcopy(GOOD)
    edge["cookies"] = [
        {**COOKIE, "name": "at-the-limit", "value": "v" * (MAX_COOKIE_BYTES - 12)},
        {**COOKIE, "name": "last", "expires": LAST_EXPIRY, "sameSite": "None", "secure": True},
        {**COOKIE, "name": "zero", "expires": 0},
        {"name": "", "value": "nameless", "domain": "127.0.0.1", "path": "/"},
    ]
    edge["origins"][0]["localStorage"] = [{"name": "big", "value": "x" * 5_000_000}]
    _write(tmp_path / "state.json", edge)
    state = read_storage_state(tmp_path / "state.json")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        try:
            context = browser.new_context(storage_state=state)
            assert {c["name"] for c in context.cookies()} >= {"at-the-limit", "last"}
            context.close()
        finally:
            browser.close()

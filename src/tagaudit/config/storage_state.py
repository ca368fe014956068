"""What a Playwright storage-state file must hold before a browser is given it.

`browser.storage_state` / `--storage-state` name a file anyone can edit (`playwright codegen
--save-storage` writes it). Playwright checks some of it and Chromium the rest, each when a
context opens, which is mid-run: a cookie value with a tab in it (`Invalid cookie fields`),
a relative path, an `expires` past year 9999, 6 MB of localStorage (its quota) or an origin
that is no URL failed the run with exit 3 (measured with Chromium 156). Here every one of
those is one line, exit 2, naming the file and the field (`cookies[2].expires`), when the
config is read:

    {"cookies": [{"name": "session", "value": "…", "domain": "shop.example", "path": "/",
                  "expires": -1, "httpOnly": true, "secure": true, "sameSite": "Lax"}],
     "origins": [{"origin": "https://shop.example",
                  "localStorage": [{"name": "cart", "value": "3"}]}]}

Keys it does not know are left to Playwright (newer versions add some). Imports only the
model's URL check.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from tagaudit.model.urls import url_problem

MAX_FILE_BYTES = 50 * 1024 * 1024  # a real one is kilobytes
MAX_COOKIE_BYTES = 4096  # name + value (RFC 6265bis §5.6, Chromium's limit)
LAST_EXPIRY = 253402300799  # 9999-12-31T23:59:59Z, the last time Chromium stores
# Chromium's localStorage quota: 10 MiB per origin, in UTF-16 (two bytes a character).
MAX_LOCAL_STORAGE_CHARS = 5 * 1024 * 1024
SAME_SITE = ("Strict", "Lax", "None")
# Control characters (tab included) and `;` end or break a cookie (RFC 6265bis §5.6).
COOKIE_VALUE_BREAKS = re.compile(r"[\x00-\x1f\x7f;]")
COOKIE_NAME_BREAKS = re.compile(r"[\x00-\x1f\x7f;=]")


class StateProblem(ValueError):
    """Why a storage-state file cannot be used (its field first: `cookies[2].path: …`)."""


def read_storage_state(path: Path) -> dict[str, Any]:
    """The storage state in `path`, checked; StateProblem saying what is wrong otherwise."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise StateProblem(f"{size:,} bytes: a storage state is kilobytes")
        state = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        if isinstance(problem, StateProblem):
            raise
        raise StateProblem(f"not a Playwright storage-state file ({problem})") from None
    except RecursionError:
        raise StateProblem("not a Playwright storage-state file (nested too deep)") from None
    if not isinstance(state, dict):
        raise StateProblem("not a Playwright storage-state file (it must be an object)")
    for index, cookie in enumerate(_list(state, "cookies")):
        _check_cookie(cookie, f"cookies[{index}]")
    for index, origin in enumerate(_list(state, "origins")):
        _check_origin(origin, f"origins[{index}]")
    return state


def holds_local_storage(state: dict[str, Any]) -> bool:
    """Does the (checked) storage state hold localStorage, not only cookies?"""
    return any(origin.get("localStorage") for origin in state.get("origins") or [])


def _list(data: dict[str, Any], key: str, where: str = "") -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        place = f"{where}.{key}" if where else key
        raise StateProblem(f"{place}: must be a list, not {_shown(value)}")
    return value


def _check_cookie(cookie: Any, where: str) -> None:
    if not isinstance(cookie, dict):
        raise StateProblem(f"{where}: must be an object, not {_shown(cookie)}")
    name, value = _text(cookie, "name", where), _text(cookie, "value", where)
    if COOKIE_NAME_BREAKS.search(name):
        raise StateProblem(f"{where}.name: no control characters, `;` or `=` in a name")
    if COOKIE_VALUE_BREAKS.search(value):
        raise StateProblem(f"{where}.value: no control characters (tab included) or `;`")
    if len(name.encode()) + len(value.encode()) > MAX_COOKIE_BYTES:
        raise StateProblem(f"{where}: name and value longer than {MAX_COOKIE_BYTES} bytes")
    if not _text(cookie, "domain", where):
        raise StateProblem(f"{where}.domain: must not be empty")
    if not _text(cookie, "path", where).startswith("/"):
        raise StateProblem(f"{where}.path: must start with /")
    expires = cookie.get("expires", -1)
    if not _is_number(expires) or not (expires == -1 or 0 <= expires <= LAST_EXPIRY):
        raise StateProblem(
            f"{where}.expires: must be -1 (a session cookie) or a Unix time in seconds "
            f"up to year 9999, not {_shown(expires)}"
        )
    for flag in ("httpOnly", "secure"):
        if flag in cookie and not isinstance(cookie[flag], bool):
            raise StateProblem(f"{where}.{flag}: must be true or false, not {_shown(cookie[flag])}")
    if "sameSite" in cookie and cookie["sameSite"] not in SAME_SITE:
        shown = _shown(cookie["sameSite"])
        raise StateProblem(f"{where}.sameSite: must be one of {', '.join(SAME_SITE)}, not {shown}")


def _check_origin(origin: Any, where: str) -> None:
    if not isinstance(origin, dict):
        raise StateProblem(f"{where}: must be an object, not {_shown(origin)}")
    url = _text(origin, "origin", where)
    problem = url_problem(url)
    if problem is not None:
        raise StateProblem(f"{where}.origin: {problem}: {_shown(url)}")
    stored = _list(origin, "localStorage", where)
    size = 0
    for index, item in enumerate(stored):
        place = f"{where}.localStorage[{index}]"
        if not isinstance(item, dict):
            raise StateProblem(f"{place}: must be an object, not {_shown(item)}")
        size += len(_text(item, "name", place)) + len(_text(item, "value", place))
    if size > MAX_LOCAL_STORAGE_CHARS:
        raise StateProblem(
            f"{where}.localStorage: {size:,} characters, past the browser's quota of "
            f"{MAX_LOCAL_STORAGE_CHARS:,} for one origin"
        )


def _text(data: dict[str, Any], key: str, where: str) -> str:
    if key not in data:
        raise StateProblem(f"{where}.{key}: missing")
    value = data[key]
    if not isinstance(value, str):
        raise StateProblem(f"{where}.{key}: must be a string, not {_shown(value)}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value: Any) -> str:
    """A value of the file in a few characters, escaped (it may hold anything)."""
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return {dict: "an object", list: "a list"}[type(value)]
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


__all__ = ["StateProblem", "holds_local_storage", "read_storage_state"]

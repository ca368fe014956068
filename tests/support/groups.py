"""Tests that share an expensive set-up run on one xdist worker (`make test`: `-n 2 --dist
loadgroup`), so the set-up runs once, not once per worker.

xdist's plain `load` sends tests in chunks, and a module whose tests straddle two chunks
has its module fixture set up on both workers (the uncatalogued-banner consent audit, 60-80 s,
ran twice). xdist's own `loadgroup` groups by the `xdist_group` mark by rewriting node ids,
which pytest 9 no longer lets a plugin do. So this module does it the other way round: each
worker writes which tests share a set-up (a module- or class-scoped fixture; the session's
SHARED_RUNS) to a file the controller named, and the controller's scheduler reads it. Groups
are handed out first, largest first; lone tests follow one by one and even out the end. If
the file cannot be read, every test is its own unit: plain load balancing, nothing lost.

Imported by tests/conftest.py, which exposes the hooks; imports only pytest and xdist.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

# Session fixtures that run tagaudit itself (tens of seconds each): all their readers go to
# one worker.
SHARED_RUNS = ("demo_audit", "consent_cli_run")
GROUPS_FILE = "TAGAUDIT_TEST_GROUPS"  # the environment variable naming the file


def shared_setup(item: pytest.Item) -> str | None:
    """The name of the expensive set-up `item` shares with other tests, or None."""
    names = getattr(item, "fixturenames", ())
    shared = [name for name in SHARED_RUNS if name in names]
    if shared:
        return shared[0]
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info is not None else ()
    if any(defs and defs[-1].scope in ("module", "class") for defs in definitions):
        return item.nodeid.split("::", 1)[0]
    return None


def announce(config: pytest.Config) -> None:
    """On the controller of `--dist loadgroup`: name the file the workers write groups to
    (workers inherit the environment)."""
    if getattr(config.option, "dist", "no") != "loadgroup" or hasattr(config, "workerinput"):
        return
    folder = tempfile.mkdtemp(prefix="tagaudit-groups-")
    os.environ[GROUPS_FILE] = str(Path(folder) / "groups.json")


def record(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker: write {node id: group} for the tests that share a set-up."""
    target = os.environ.get(GROUPS_FILE)
    on_worker = hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)
    if not target or not on_worker:  # (a worker of a plain `-n` run inherits the variable)
        return
    groups = {item.nodeid: group for item in items if (group := shared_setup(item))}
    mine = Path(f"{target}.{config.workerinput['workerid']}")
    mine.write_text(json.dumps(groups), encoding="utf-8")
    mine.replace(Path(target))  # whole files only: both workers write the same map


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    """The scheduler for `--dist loadgroup`, or None for xdist's own choice."""
    if getattr(config.option, "dist", "no") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedSetupScheduling(LoadScopeScheduling):
        """Units are the groups the workers recorded, then lone tests."""

        def __init__(self, config: pytest.Config, log: Any = None) -> None:
            super().__init__(config, log)
            self.groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                self.groups = _read_groups()
            return self.groups.get(nodeid, nodeid)

    return SharedSetupScheduling(config, log)


def _read_groups() -> dict[str, str]:
    target = os.environ.get(GROUPS_FILE)
    try:
        groups = json.loads(Path(target).read_text(encoding="utf-8")) if target else {}
    except (OSError, ValueError):
        return {}
    return {str(k): f"group:{v}" for k, v in groups.items()} if isinstance(groups, dict) else {}


def forget(config: pytest.Config) -> None:
    """On the controller, at the end: remove the file and its folder."""
    target = os.environ.get(GROUPS_FILE)
    if not target or hasattr(config, "workerinput"):
        return
    shutil.rmtree(Path(target).parent, ignore_errors=True)
    del os.environ[GROUPS_FILE]

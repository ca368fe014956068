"""`make test`'s scheduling (tests/support/groups.py): under `-n 2 --dist loadgroup`, the
tests that share a module-scoped set-up all run on one worker.

xdist's own `loadgroup` stopped grouping anything under pytest 9 without a word (it rewrites
node ids, which pytest 9 ignores), so this runs a small suite through the real xdist and
reads back which worker ran each test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONFTEST = """
from typing import Any

import pytest

from tests.support import groups


def pytest_configure(config: pytest.Config) -> None:
    groups.announce(config)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    groups.record(config, items)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    return groups.make_scheduler(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    groups.forget(config)
"""
MODULE = """
import os
from pathlib import Path

import pytest

RAN = Path(__file__).parent / "ran"


@pytest.fixture(scope="{scope}")
def shared():
    return 1


@pytest.mark.parametrize("i", range(8))
def test_{name}(i, {uses}):
    (RAN / f"{name}-{{i}}").write_text(os.environ["PYTEST_XDIST_WORKER"])
"""


def test_a_module_fixture_keeps_its_tests_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "ran").mkdir()
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    for name, scope, uses in (("grouped", "module", "shared"), ("alone", "function", "shared")):
        module = MODULE.format(name=name, scope=scope, uses=uses)
        (tmp_path / f"test_{name}.py").write_text(module, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")])}
    command = [sys.executable, "-m", "pytest", "-q", str(tmp_path), "-p", "no:cacheprovider"]
    command += ["-p", "no:tagaudit", "-p", "no:playwright"]  # quicker to start: not needed
    done = subprocess.run(
        [*command, "-n", "2", "--dist", "loadgroup", "--rootdir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ran = {p.name: p.read_text() for p in (tmp_path / "ran").iterdir()}
    assert len(ran) == 16
    assert len({worker for test, worker in ran.items() if test.startswith("grouped")}) == 1

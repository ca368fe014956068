"""Dependency arrows of the consent package (STYLE.md), checked with `ast`.

consent ─► model (+ errors); its check kinds also use the rules registry; only the page
actions (engines, read-back) import Playwright; nothing imports httpx.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tagaudit" / "consent"
PAGE_ACTIONS = {"autoconsent.py", "builtin.py", "readback.py", "engine.py"}
RULE_KINDS = {"checks.py", "checks_mode.py"}
ALLOWED = ("tagaudit.model", "tagaudit.errors", "tagaudit.consent")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(SRC.glob("*.py")), ids=lambda p: p.name)
def test_consent_arrows(path: Path) -> None:
    allowed = ALLOWED + (("tagaudit.rules",) if path.name in RULE_KINDS else ())
    for name in _imports(path):
        assert not name.startswith(("httpx", "aiohttp")), f"{path.name} imports {name}"
        if name.startswith("playwright"):
            assert path.name in PAGE_ACTIONS, f"{path.name} imports {name}"
        if name.startswith("tagaudit"):
            assert name.startswith(allowed), f"{path.name} imports {name}"


def test_public_api_is_complete_and_light() -> None:
    import subprocess
    import sys

    import tagaudit.consent

    for name in tagaudit.consent.__all__:
        assert hasattr(tagaudit.consent, name), name
    probe = "import sys, tagaudit.consent; print('playwright' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

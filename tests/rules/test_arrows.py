"""Dependency arrows (STYLE.md) for the rules engine and the reporters, checked with `ast`:
rules → model (+ config, errors); report → model (+ rich). Neither imports Playwright or httpx."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tagaudit"
ALLOWED = {
    "rules": {"tagaudit.model", "tagaudit.errors", "tagaudit.config", "tagaudit.rules"},
    "report": {"tagaudit.model", "tagaudit.report"},
}
FORBIDDEN = ("playwright", "httpx", "aiohttp")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_arrows(package: str) -> None:
    for path in sorted((SRC / package).glob("*.py")):
        for name in _imports(path):
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
            if name.startswith("tagaudit"):
                assert any(name == a or name.startswith(a + ".") for a in ALLOWED[package]), (
                    f"{package}/{path.name} imports {name}"
                )


def test_config_imports_only_errors_and_model() -> None:
    tagaudit = {n for n in _imports(SRC / "config.py") if n.startswith("tagaudit")}
    assert tagaudit <= {"tagaudit.errors", "tagaudit.model"}

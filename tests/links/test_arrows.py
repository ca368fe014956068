"""Dependency arrows of the link checker (STYLE.md): links ─► model, browser only via a Protocol."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tagaudit"
FORBIDDEN_IN_LINKS = ("playwright", "tagaudit.browser", "tagaudit.crawl", "tagaudit.cli")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_links_never_imports_playwright_or_the_browser():
    for path in sorted((SRC / "links").glob("*.py")):
        bad = {n for n in imports_of(path) if n.startswith(FORBIDDEN_IN_LINKS)}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_only_the_checks_module_knows_the_rules_engine():
    for path in sorted((SRC / "links").glob("*.py")):
        uses_rules = any(n.startswith("tagaudit.rules") for n in imports_of(path))
        assert uses_rules == (path.name == "checks.py"), path.name


def test_the_navigator_does_not_import_links():
    names = imports_of(SRC / "browser" / "link_navigator.py")
    assert not any(n.startswith("tagaudit.links") for n in names)
    assert "playwright.async_api" in names


def test_public_api_is_complete():
    import tagaudit.links

    for name in tagaudit.links.__all__:
        assert getattr(tagaudit.links, name) is not None, name

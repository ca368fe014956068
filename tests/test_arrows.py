"""The dependency arrows of STYLE.md for the packages the per-package tests don't cover.

model, errors ─► nothing in tagaudit; providers ─► model, errors; browser ─► providers, model,
errors; crawl ─► browser, consent, providers, model, errors. Only browser/, crawl/ (which
drives pages) and consent/ import Playwright; only links/ imports httpx.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tagaudit"
BASE = {"tagaudit.model", "tagaudit.errors"}
ALLOWED = {
    "model.py": set(),
    "errors.py": set(),
    "sitesrv.py": set(),
    "providers": BASE | {"tagaudit.providers"},
    "browser": BASE | {"tagaudit.browser", "tagaudit.providers"},
    "crawl": BASE
    | {"tagaudit.crawl", "tagaudit.browser", "tagaudit.consent", "tagaudit.providers"},
}
PLAYWRIGHT_OK = ("browser", "crawl", "consent")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "tagaudit":
            names.update(f"tagaudit.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(part: str) -> list[Path]:
    target = SRC / part
    return [target] if target.is_file() else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_tagaudit_imports_point_down(part: str) -> None:
    for path in modules(part):
        for name in imports_of(path):
            if name == "tagaudit" or name.startswith("tagaudit."):
                assert any(name == a or name.startswith(a + ".") for a in ALLOWED[part]), (
                    f"{path.relative_to(SRC)} imports {name}"
                )


def test_only_browser_crawl_and_consent_import_playwright() -> None:
    for path in sorted(SRC.rglob("*.py")):
        part = path.relative_to(SRC).parts[0]
        if any(n.startswith("playwright") for n in imports_of(path)):
            assert part in PLAYWRIGHT_OK, f"{path.relative_to(SRC)} imports Playwright"


def test_only_links_imports_httpx() -> None:
    for path in sorted(SRC.rglob("*.py")):
        part = path.relative_to(SRC).parts[0]
        if any(n.startswith(("httpx", "aiohttp", "httpx_aiohttp")) for n in imports_of(path)):
            assert part == "links", f"{path.relative_to(SRC)} imports an HTTP client"


def test_public_api_is_complete() -> None:
    import tagaudit

    for name in tagaudit.__all__:
        assert getattr(tagaudit, name) is not None, name

"""The terminal tag matrix says why a cell is empty, and fits 80 columns without breaking a
header into fragments: `tagaudit audit` on the demo's broken pages, as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tagaudit.runner.sitesrv import SiteServer

pytestmark = pytest.mark.e2e
PAGES = ("/landing/webinar/", "/about/", "/blog/widget-care/", "/landing/spring/")


@pytest.fixture(scope="module")
def output(demo_site: SiteServer, chromium_path: str) -> str:
    command = [sys.executable, "-m", "tagaudit", "audit", *(demo_site.url(p) for p in PAGES)]
    command += ["--browser", chromium_path]
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, env=env)
    assert done.returncode == 1, done.stderr
    return done.stdout


def _matrix(output: str) -> list[str]:
    return (
        output.split("Tag matrix (hits sent per page)", 1)[1]
        .split("3: fired (hits sent)", 1)[0]
        .splitlines()
    )


def _row(lines: list[str], page: str, column: str) -> str:
    """The cell of `page` under the header that names `column` (tables may come in parts)."""
    for start, line in enumerate(lines):
        if column in line:
            header = lines[start : start + 4]
            at = next(h.index(column) for h in header if column in h)
            row = next(r for r in lines[start:] if r.startswith(f"│ {page}"))
            cells = [m.span() for m in re.finditer(r"│[^│]*", row)]
            cell = next(row[a:b] for a, b in cells if a <= at < b)
            return cell.strip("│ ")
    raise AssertionError(f"no column {column}")


def test_empty_cells_say_why(output: str) -> None:
    lines = _matrix(output)
    assert _row(lines, "/landing/webinar/", "1234567890123456") == "⊘ CSP"
    assert _row(lines, "/blog/widget-care/", "5551234") == "✗ 404"
    assert _row(lines, "/about/", "G-DEMO12345") == "○ no hit"
    assert _row(lines, "/landing/spring/", "G-DEMO12345") == "2"
    assert "○ no hit: loaded, no hit" in output and "⊘ CSP: blocked by CSP" in output


def test_the_matrix_fits_80_columns_with_whole_headers(output: str) -> None:
    lines = _matrix(output)
    assert max(len(line) for line in lines) <= 80
    for name in ("microsoft_uet", "meta_pixel", "C0DEMOPIXEL123456789", "2612345678901"):
        assert any(re.search(rf"[┃ ]{name}[┃ ]", line) for line in lines), name


def test_a_single_broken_page_states_its_cause(output: str) -> None:
    assert "✗ tag-blocked-by-csp: meta_pixel" in output
    assert "fix: Add https://www.facebook.com to the img-src directive" in output
    assert "✗ tag-not-configured: gtag.js is loaded for G-DEMO12345" in output

"""The README's Python example runs as written, against the demo site instead of staging.

The block is taken from README.md itself, so the documented API cannot drift from the real
one: it is saved as a test file and run by pytest in a fresh process, the way a user would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tagaudit
from tagaudit.runner.sitesrv import SiteServer

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def python_example(first_line: str = "# test_tracking.py") -> str:
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    [example] = [b for b in blocks if b.startswith(first_line)]
    return example


def block(language: str, first_line: str) -> str:
    """The README's one ```language block that starts with `first_line`."""
    blocks = re.findall(rf"```{language}\n(.*?)```", README, re.S)
    [found] = [b for b in blocks if b.startswith(first_line)]
    return found


def _pytest(folder: Path, chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TAGAUDIT_BROWSER": chromium}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.e2e
def test_the_pytest_example_passes_against_the_demo_site(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    example = python_example()
    assert 'SHOP = "https://staging.shop.example"' in example
    test_file = tmp_path / "test_tracking.py"
    test_file.write_text(example.replace("https://staging.shop.example", demo_site.base_url))
    env = {**os.environ, "TAGAUDIT_BROWSER": chromium_path}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


@pytest.mark.e2e
def test_the_tracking_fixture_example_passes_against_the_demo_site(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    """The pytest section's `tracking` suite, pytest-playwright's `page` included, with no
    conftest: the Chromium tagaudit finds is the one pytest-playwright drives."""
    example = block("python", "# test_checkout.py")
    assert 'SHOP = "https://staging.shop.example"' in example
    test_file = tmp_path / "test_checkout.py"
    test_file.write_text(example.replace("https://staging.shop.example", demo_site.base_url))
    done = _pytest(tmp_path, chromium_path, "-q", str(test_file))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


@pytest.mark.e2e
def test_pytest_tagaudit_yaml_says_what_the_readme_shows(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    config = block("yaml", "# tagaudit.yaml\nbase_url: https://staging.shop.example")
    site = demo_site.base_url.rstrip("/")
    (tmp_path / "tagaudit.yaml").write_text(config.replace("https://staging.shop.example", site))
    console = block("console", "$ pytest tagaudit.yaml -v")
    command, *shown = console.strip().splitlines()
    done = _pytest(tmp_path, chromium_path, *command.split()[2:])
    assert done.returncode == 0, done.stdout + done.stderr
    for line in shown:
        assert line in done.stdout, done.stdout


def test_every_public_function_is_documented() -> None:
    functions = [n for n in tagaudit.__all__ if callable(getattr(tagaudit, n)) and n.islower()]
    assert functions
    for name in functions:
        assert f"`{name}" in README or f"{name}(" in README, f"README says nothing of {name}"

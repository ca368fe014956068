"""tagaudit's pytest plugin: tracking checks inside the end-to-end suites teams already run.

Installed with tagaudit (entry point `pytest11`). Three things:

- the `tracking` fixture (tracking.py): a page whose every request is recorded and decoded
  (tracking hits answered locally, as in an audit), with assertions on what it sent:

      def test_checkout_sends_the_purchase(tracking):
          page = tracking.page
          page.goto("https://staging.shop.example/checkout/")
          tracking.step("confirmation")
          page.get_by_role("button", name="Place order").click()
          tracking.expect_hit("ga4", event="purchase", params={"currency": "EUR"})
          tracking.assert_no_findings(severity="error")

  With pytest-playwright installed and the test also asking for its `page` fixture,
  `tracking` records that page; otherwise it launches the Chromium tagaudit drives once per
  session (in pytest-playwright's own sync Playwright when it is installed: one thread
  holds one);
- pytest-playwright's `page` gets the browser tagaudit finds when Playwright has none of
  its own, with no conftest (playwright.py);
- `pytest tagaudit.yaml` collects a config as tests, an item per page and journey
  (yaml_items.py, file_run.py).

Only hooks and fixtures live here; importing this module (every pytest start) imports no
browser.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tagaudit.errors import TagauditError
from tagaudit.pytest_plugin.tracking import Tracking

__all__ = ["Tracking"]

SHARED = "tagaudit_runs"  # the key of the shared folder in an xdist worker's input
FOLDER = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "tagaudit_files",
        type="args",
        default=[],
        help="tagaudit: file name globs of configs to collect as tests while walking folders "
        "(a config named on the command line is always collected)",
    )


def pytest_configure(config: pytest.Config) -> None:
    from tagaudit.pytest_plugin.file_run import FileRuns
    from tagaudit.pytest_plugin.yaml_items import RUNS

    worker = getattr(config, "workerinput", None)  # pytest-xdist's, on a worker
    config.stash[RUNS] = FileRuns(worker.get(SHARED) if worker else None)
    if config.pluginmanager.hasplugin("playwright"):
        from tagaudit.pytest_plugin import playwright

        # Registered now, after pytest-playwright: its fixture overrides that plugin's.
        config.pluginmanager.register(playwright, "tagaudit-playwright-defaults")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, on the controller: the folder where workers share a config's run."""
    folder = node.config.stash.get(FOLDER, None)
    if folder is None:
        folder = node.config.stash[FOLDER] = tempfile.mkdtemp(prefix="tagaudit-pytest-")
    node.workerinput[SHARED] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    from tagaudit.pytest_plugin.yaml_items import TagauditFile, wanted

    return TagauditFile.from_parent(parent, path=file_path) if wanted(file_path, parent) else None


def _with_pytest_playwright(request: pytest.FixtureRequest) -> bool:
    return request.config.pluginmanager.hasplugin("playwright")


@pytest.fixture(scope="session")
def tagaudit_browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The Chromium tagaudit drives, launched once per test session (sync API).

    With pytest-playwright, in its session's Playwright: a second sync Playwright in the
    same thread would find the first one's event loop running and refuse to start.
    """
    from tagaudit.browser.sync_recording import launch_browser, launch_in

    playwright = None
    try:
        if _with_pytest_playwright(request):
            browser = launch_in(request.getfixturevalue("playwright"))
        else:
            playwright, browser = launch_browser()
    except TagauditError as problem:
        pytest.fail(f"tagaudit: {problem.one_line()}", pytrace=False)
    yield browser
    browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture
def tracking(request: pytest.FixtureRequest) -> Iterator[Tracking]:
    """A recording page with tracking assertions (see the module docstring)."""
    from tagaudit.browser.sync_recording import SyncRecording, new_context

    context = None
    if "page" in request.fixturenames and _with_pytest_playwright(request):
        page = request.getfixturevalue("page")  # pytest-playwright's
    else:
        context = new_context(request.getfixturevalue("tagaudit_browser"))
        page = context.new_page()
    recording = SyncRecording(page).attach()
    try:
        yield Tracking(recording, request.node.name)
    finally:
        recording.detach()
        if context is not None:
            context.close()

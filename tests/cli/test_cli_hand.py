"""A command line that fits the hand: help that reads at 80 columns with every default,
`--version`, suggestions for typos, output that pipes cleanly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tagaudit import __version__
from tagaudit.cli import main
from tagaudit.runner.sitesrv import SiteServer


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "80", **(env or {})}
    command = [sys.executable, "-m", "tagaudit", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment)


def test_version() -> None:
    done = _run("--version")
    assert (done.returncode, done.stdout) == (0, f"tagaudit {__version__}\n")


@pytest.mark.parametrize("command", ["audit", "links", "decode", "rules", "doctor", "demo"])
def test_help_reads_at_80_columns_with_words_for_types(command: str) -> None:
    done = _run(command, "--help")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, done.stdout
    assert not re.search(r"<(int|str|float|path|list\[\w+\]|bool)>", done.stdout), done.stdout
    assert "╭" not in done.stdout  # no box that breaks when the terminal is narrow


def test_audit_help_shows_every_default() -> None:
    text = " ".join(_run("audit", "--help").stdout.split())
    for expected in (
        "--max-pages N At most N pages in all; listed pages are never cut (default: 200).",
        "--depth N Follow same-site links N clicks deep (default: 0).",
        "--concurrency N Pages loaded at once (default: 4).",
        "--quiet-ms MS",
        "(default: 400)",
        "--page-timeout SECONDS Hard limit per page (default: 30).",
        "--fail-on LEVEL Exit 1 on findings at or above LEVEL: error, warning, info or never",
        "--browser PATH",
        "--json PATH",
    ):
        assert expected in text, expected


def test_links_has_one_meaning_of_browser() -> None:
    text = " ".join(_run("links", "--help").stdout.split())
    assert "--browser PATH The Chromium/Chrome executable" in text
    assert "--http-only" in text and "(default: 10)" in text


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("crawl:\n  max_page: 3\n", "crawl.max_page: unknown setting, did you mean 'max_pages'?"),
        ("crawll: {}\n", "unknown setting, did you mean 'crawl'?"),
        ("disable: [consent-hit-befor-choice]\n", "did you mean 'consent-hit-before-choice'?"),
        ("severity: {tag-inferred-mising: error}\n", "did you mean 'tag-inferred-missing'?"),
        ("expect:\n  - tag: ga4\n    on_: /x\n", "unknown key, did you mean 'on'?"),
    ],
)
def test_a_typo_names_the_nearest_valid_name(
    config: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(config)
    assert main(["audit", "https://shop.test/", "-c", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err


def test_an_unknown_rule_id_names_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "pii-in-hits"]) == 2
    assert "did you mean 'pii-in-hit'?" in capsys.readouterr().err


SPRING = "/go/spring?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&gclid=G1"


def test_quiet_output_ends_before_the_notes_on_stderr(
    demo_site: SiteServer, tmp_path: Path
) -> None:
    """stdout and stderr in one log (2>&1): the summary line is whole, then the note."""
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    config = tmp_path / "tagaudit.yaml"
    config.write_text(f"browser: {{path: {fake}}}\n")
    command = [sys.executable, "-m", "tagaudit", "links", demo_site.url(SPRING), "-q"]
    command += ["-c", str(config), "--timeout", "5"]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = done.stdout.splitlines(keepends=True)
    assert lines[0].startswith("tagaudit: 1 error, 0 warnings") and lines[0].endswith("\n")
    assert "checking over HTTP only" in lines[1]


def test_piped_output_keeps_each_url_on_one_line(demo_site: SiteServer) -> None:
    long_link = demo_site.url(SPRING + "&utm_content=" + "x" * 90)
    done = _run("links", long_link, "--http-only")
    assert done.returncode == 1
    assert any(long_link in line for line in done.stdout.splitlines()), done.stdout

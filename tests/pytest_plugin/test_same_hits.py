"""The same answers everywhere: the requests a `tracking` test recorded decode to the same hits
in the plugin, in `tagaudit.decode()` and in `tagaudit decode` (stdin, JSON Lines), because
all three go through tagaudit.runner.api.decode's pipeline (providers.decode_requests).

The requests are the demo thank-you page's, recorded in real Chromium by a team's test file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tagaudit
from tagaudit.model import Request, to_dict
from tagaudit.runner.sitesrv import SiteServer
from tests.pytest_plugin.suites import outcome, run_suite

RECORD = """
import json

from tagaudit.model import to_dict


def test_record(tracking):
    tracking.page.goto("{base}/checkout/thank-you/")
    tracking.expect_hit("pinterest", event="checkout")  # the page's late beacon: all sent
    recording = tracking._recording
    recording.settle()
    sent = [{{"method": r.method, "url": r.url, "body": r.post_data}}
            for r in recording.recorder.requests]
    hits = [to_dict(h) for h in recording.hits()]
    with open("recorded.json", "w") as out:
        json.dump({{"requests": sent, "hits": hits}}, out)
"""

# What a hit is, whoever decoded it (not where it was made: step, view, request index).
SAME = ("provider", "kind", "account", "event", "params", "consent", "url", "method")


def _same(hit: dict[str, Any]) -> str:
    return json.dumps({k: hit.get(k) for k in SAME}, sort_keys=True, default=str)


def _stdin_line(request: dict[str, Any]) -> str:
    """`tagaudit decode`'s stdin form: METHOD URL [BODY], a line break in a body as `\\n`."""
    body = (request["body"] or "").replace("\r\n", "\n").replace("\n", "\\n")
    return f"{request['method']} {request['url']} {body}".rstrip()


@pytest.mark.e2e
def test_plugin_library_and_cli_decode_the_same_hits(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    files = {"test_record.py": RECORD.format(base=demo_site.base_url.rstrip("/"))}
    done = run_suite(tmp_path, files, "-q", "-p", "no:cacheprovider", chromium=chromium_path)
    assert "1 passed" in done.stdout, outcome(done)
    recorded = json.loads((tmp_path / "recorded.json").read_text())
    plugin = [_same(h) for h in recorded["hits"]]
    assert len(plugin) >= 10  # the thank-you page's conversions, page views, libraries

    requests = [
        Request(url=r["url"], method=r["method"], post_data=r["body"]) for r in recorded["requests"]
    ]
    library = [_same(to_dict(h)) for h in tagaudit.decode(requests)]

    lines = [_stdin_line(r) for r in recorded["requests"] if r["url"].startswith("http")]
    cli = subprocess.run(
        [sys.executable, "-m", "tagaudit", "decode", "--json"],
        input="\n".join(lines),
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    command = [_same(json.loads(line)) for line in cli.stdout.splitlines()]
    assert plugin == library == command

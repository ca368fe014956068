"""A sharded run whose parent is killed leaves no worker behind still sending requests.

Real processes and real signals: a slow server on 127.0.0.1 that logs every request it
receives, a driver that calls `check_links` with two worker processes, and SIGKILL or SIGTERM
sent to the driver alone (its workers get no signal from us).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.support.servers import LoopbackServer

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="reads /proc"), pytest.mark.timing]


class _Slow(BaseHTTPRequestHandler):
    """Logs every request's path on arrival (`self.server.served`), then takes 0.2 s."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.served.append(self.path)  # type: ignore[attr-defined]
        time.sleep(0.2)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        """Quiet."""


DRIVER = textwrap.dedent(
    """
    import asyncio, sys
    from tagaudit.links.inputs import LinkTarget
    from tagaudit.runner.links import follow_and_look as check_links
    from tagaudit.links.settings import LinkSettings

    targets = [LinkTarget(f"{sys.argv[1]}/slow/{n}") for n in range(400)]  # 20 s at 4 at once
    settings = LinkSettings(processes=2, shard_min=10, per_host=4, timeout=30)
    asyncio.run(check_links(targets, settings))
    """
)


def alive(pid: int) -> bool:
    """Running, not a zombie (orphans are reaped by whatever pid 1 is here, if at all)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=lambda s: s.name)
def test_workers_die_with_their_parent(sig: signal.Signals) -> None:
    server = LoopbackServer(_Slow).start()
    log = server.served
    driver = None
    try:
        driver = subprocess.Popen([sys.executable, "-c", DRIVER, server.base_url])
        children = Path(f"/proc/{driver.pid}/task/{driver.pid}/children")
        assert wait_until(lambda: len(children.read_text().split()) == 2, 30), "no workers"
        workers = [int(pid) for pid in children.read_text().split()]
        assert wait_until(lambda: len(log) >= 8, 30), "no requests"
        driver.send_signal(sig)
        driver.wait(timeout=10)
        gone = wait_until(lambda: not any(alive(pid) for pid in workers), 2.0)
        assert gone, f"workers still running 2 s after the parent's {sig.name}"
        # Absence has no signal to wait for: watch a window several requests long (0.2 s each).
        time.sleep(0.3)  # a request already in the server's accept queue may still be logged
        seen = len(log)
        time.sleep(1.0)
        assert len(log) == seen, "requests kept arriving"
    finally:
        if driver is not None and driver.poll() is None:
            driver.kill()
            driver.wait()
        server.close()

"""Ctrl-C during a sharded `tagaudit links` run keeps every link the workers had finished.

Real processes and sockets throughout: a redirect server on 127.0.0.1 (some links hang), the
CLI in its own interpreter (it forks its link workers), and a real SIGINT sent to its process
group, as a terminal's Ctrl-C would be.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.support.servers import LoopbackServer

pytestmark = pytest.mark.timing


class _Routes(BaseHTTPRequestHandler):
    """/go/<n> redirects to /land/<n>, which records n in `landed`; /hang/<n> waits (60 s at
    most) until `release` is set."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    landed: list[str]
    release: threading.Event

    def do_GET(self) -> None:
        kind, n = self.path.split("?")[0].split("/")[1:3]
        if kind == "hang":
            self.release.wait(60)
        if kind == "go":
            self.send_response(302)
            self.send_header("Location", f"/land/{n}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
        self.landed.append(n)

    def log_message(self, *args: object) -> None:
        """Quiet."""


FAST, SLOW = 40, 6
CLI = [sys.executable, "-m", "tagaudit", "links", "--no-browser", "-q"]


class Run:
    """The redirect server and a sharded `tagaudit links` run against it."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.landed, self.release = folder, [], threading.Event()
        attributes = {"landed": self.landed, "release": self.release}
        self.server = LoopbackServer(type("Routes", (_Routes,), attributes)).start()
        base = self.server.base_url
        links = [f"{base}/go/{n}?utm_source=a&utm_medium=b&utm_campaign=c" for n in range(FAST)]
        links += [f"{base}/hang/{n}?utm_source=a" for n in range(SLOW)]
        (folder / "links.txt").write_text("\n".join(links) + "\n")
        (folder / "tagaudit.yaml").write_text(
            "links: {processes: 2, shard_min: 10, timeout: 120}\n"
        )
        self.report = folder / "report.json"
        self.cli = subprocess.Popen(
            [*CLI, "links.txt", "-c", "tagaudit.yaml", "--json", str(self.report)],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, like a terminal's job
        )

    def wait_for_the_fast_links(self) -> None:
        deadline = time.monotonic() + 60
        while len(self.landed) < FAST and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.landed) == FAST, "the fast links never all landed"
        time.sleep(0.3)  # their results are on their way to the parent

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.cli.pid}/task/{self.cli.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def finish(self) -> str:
        _, err = self.cli.communicate(timeout=30)
        return err

    def close(self) -> None:
        if self.cli.poll() is None:
            os.killpg(self.cli.pid, signal.SIGKILL)
            self.cli.wait()
        self.release.set()
        self.server.close()
        for stream in (self.cli.stdout, self.cli.stderr):
            if stream is not None:
                stream.close()

    def finished_links(self) -> list[int]:
        report = json.loads(self.report.read_text())
        assert report["interrupted"] is True
        assert all(link["verdict"] == "ok" for link in report["links"])
        return sorted(int(link["url"].split("/go/")[1].split("?")[0]) for link in report["links"])


def test_ctrl_c_keeps_what_the_workers_finished(tmp_path: Path) -> None:
    run = Run(tmp_path)
    try:
        run.wait_for_the_fast_links()
        assert len(run.workers()) == 2
        os.killpg(run.cli.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        err = run.finish()
    finally:
        run.close()
    assert run.cli.returncode == 130, err
    assert "Traceback" not in err, err
    assert run.finished_links() == list(range(FAST))


def test_a_killed_worker_is_one_line_exit_3_and_the_rest_is_reported(tmp_path: Path) -> None:
    run = Run(tmp_path)
    try:
        run.wait_for_the_fast_links()
        os.kill(run.workers()[0], signal.SIGKILL)
        err = run.finish()
    finally:
        run.close()
    assert run.cli.returncode == 3, err
    assert err.strip() == (
        "tagaudit: a link worker process ended without its results;"
        " reporting the links that finished"
    )
    assert run.finished_links() == list(range(FAST))  # both workers had sent theirs

"""Capture candidate (b) of bench_capture.py: mitmproxy used as a library, in a throwaway venv.

mitmproxy (<= 11.0.2 installs here) is never a dependency of tagaudit: make a venv for it
(`python -m venv /tmp/mitm-venv && /tmp/mitm-venv/bin/pip install "mitmproxy<=11.0.2"`) and
give bench_capture.py `--mitm-python /tmp/mitm-venv/bin/python`. It runs this file.

An addon answers every request in mitmproxy's `request` hook (so no flow is forwarded) with
capture_proxy.answer, and keeps what it saw. Upstream connections are lazy, never fetch the
real server's certificate, and go to the witness (`--upstream`) if anything still asked for
one: nothing can leave the machine. Chromium trusts mitmproxy's CA key through
`--ignore-certificate-errors-spki-list`; mitmproxy signs each host's certificate with that
same key, so its SPKI hash (in the ready file) is the one to give.

    /tmp/mitm-venv/bin/python benchmarks/capture_mitm.py --ready r.json --log l.json \\
        --upstream http://127.0.0.1:PORT                                   # until SIGTERM
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import resource
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from mitmproxy import http, options
from mitmproxy.tools.dump import DumpMaster

sys.path.insert(0, str(Path(__file__).resolve().parent))
from capture_proxy import answer


class Record:
    """The addon: answer every request here, keep what was seen."""

    def __init__(self) -> None:
        self.seen: list[dict[str, object]] = []

    def request(self, flow: http.HTTPFlow) -> None:
        request = flow.request
        url = request.pretty_url
        size = len(request.raw_content or b"")
        self.seen.append(
            {"at": time.monotonic(), "method": request.method, "url": url, "size": size}
        )
        headers = {k.lower(): v for k, v in request.headers.items()}
        status, out, payload = answer(request.method, url, headers)
        flow.response = http.Response.make(status, payload, out)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _spki(confdir: Path) -> str:
    cert = x509.load_pem_x509_certificate((confdir / "mitmproxy-ca-cert.pem").read_bytes())
    key = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(key).digest()).decode()


async def _listening(port: int) -> None:
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)


async def _run(ready: Path, log: Path, upstream: str, confdir: Path) -> None:
    port = _free_port()
    opts = options.Options(
        listen_host="127.0.0.1",
        listen_port=port,
        confdir=str(confdir),
        mode=[f"upstream:{upstream}"],
    )
    master = DumpMaster(opts, with_termlog=False, with_dumper=False)
    # Options the addons define exist only once the master has loaded them.
    master.options.update(connection_strategy="lazy", upstream_cert=False)
    record = Record()
    master.addons.add(record)
    running = asyncio.ensure_future(master.run())
    await _listening(port)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, master.shutdown)
    began = resource.getrusage(resource.RUSAGE_SELF)
    ready.write_text(json.dumps({"port": port, "spki": _spki(confdir)}))
    await running
    ended = resource.getrusage(resource.RUSAGE_SELF)
    serving = (ended.ru_utime + ended.ru_stime) - (began.ru_utime + began.ru_stime)
    log.write_text(json.dumps({"cpu_s": serving, "seen": record.seen}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ready", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as confdir:
        asyncio.run(_run(args.ready, args.log, args.upstream, Path(confdir)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

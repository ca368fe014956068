"""A small recording HTTP/CONNECT proxy on asyncio: capture candidate (c) of bench_capture.py,
and the bench's witness (the loopback "network" that whatever escapes a candidate reaches).

It answers every request itself (nothing is forwarded, so nothing leaves the machine) as the
vendor would (tests/e2e/sdk_expected.py `_answer`, with CORS for the page's origin), and keeps
what it saw: method, URL, body size, how it came (`connect`: a tunnel Chromium opened because
its PAC said so; `plain`: an http:// URL through the proxy; `direct`: a TLS connection that
reached the witness's direct port because `--host-resolver-rules` mapped the host there).

TLS: one throwaway key (trustme) for every host; Chromium trusts that key alone through
`--ignore-certificate-errors-spki-list=<spki>`. Standard library plus trustme/cryptography
(test dependencies), so the mitmproxy candidate's throwaway venv can import `answer` too.

    python benchmarks/capture_proxy.py --ready ready.json --log seen.json   # until SIGTERM
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import resource
import signal
import ssl
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAD_LIMIT = 65536


@dataclass
class Seen:
    """One request a proxy (or the witness) saw."""

    at: float
    method: str
    url: str
    size: int
    how: str


def vendor_answer(url: str) -> tuple[int, str, str]:
    """What the vendor would answer (the e2e tests' answer: status, body, content type)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.e2e.sdk_expected import _answer

    return _answer(url)


def answer(method: str, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a request: the vendor's answer, CORS for its origin."""
    status, text, ctype = vendor_answer(url)
    out = {"content-type": ctype}
    origin = headers.get("origin")
    if origin:
        out["access-control-allow-origin"] = origin
        out["access-control-allow-credentials"] = "true"
    if method == "OPTIONS":
        status, text = 204, ""
        out["access-control-allow-methods"] = headers.get("access-control-request-method", "POST")
        out["access-control-allow-headers"] = headers.get("access-control-request-headers", "*")
    return status, out, text.encode()


def make_tls() -> tuple[ssl.SSLContext, str]:
    """A server TLS context with one throwaway key, and that key's SPKI hash for Chromium."""
    import trustme
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = trustme.CA().issue_cert("capture-proxy.invalid")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    leaf = x509.load_pem_x509_certificate(cert.cert_chain_pems[0].bytes())
    spki = leaf.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return context, base64.b64encode(hashlib.sha256(spki).digest()).decode()


class Proxy:
    """The proxy on a loopback port (`port`), plus a direct TLS port (`direct_port`)."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.tls, self.spki = make_tls()
        self.port = self.direct_port = 0
        self._servers: list[asyncio.AbstractServer] = []

    async def start(self) -> Proxy:
        proxy = await asyncio.start_server(self._proxy_client, "127.0.0.1", 0)
        direct = await asyncio.start_server(self._direct_client, "127.0.0.1", 0, ssl=self.tls)
        self._servers = [proxy, direct]
        self.port = proxy.sockets[0].getsockname()[1]
        self.direct_port = direct.sockets[0].getsockname()[1]
        return self

    def close(self) -> None:
        for server in self._servers:
            server.close()

    async def _proxy_client(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[:2]
            if method == "CONNECT":
                host = target.rsplit(":", 1)[0]
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                await writer.start_tls(self.tls)
                await self._serve(reader, writer, f"https://{host}", "connect")
            else:
                await self._serve(reader, writer, "", "plain", head)
        except (OSError, ssl.SSLError, ValueError, asyncio.IncompleteReadError):
            pass
        except asyncio.LimitOverrunError:
            pass
        finally:
            writer.close()

    async def _direct_client(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            await self._serve(reader, writer, None, "direct")
        except (OSError, ssl.SSLError, ValueError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _serve(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        base: str | None,
        how: str,
        head: bytes | None = None,
    ) -> None:
        """Requests on one kept-alive connection until the client closes it. `base` is the
        tunnel's origin, "" for absolute URLs, None for the Host header's origin."""
        while True:
            if head is None:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
            lines = head.decode("latin-1").split("\r\n")
            method, target = lines[0].split(" ")[:2]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if value:
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
            origin = f"https://{headers.get('host', '')}" if base is None else base
            url = target if target.startswith("http") else origin + target
            self.seen.append(Seen(time.monotonic(), method, url, len(body), how))
            status, out, payload = answer(method, url, headers)
            lines = [f"HTTP/1.1 {status} OK", f"content-length: {len(payload)}"]
            lines += [f"{k}: {v}" for k, v in out.items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
            await writer.drain()
            head = None


async def _run(ready: Path, log: Path) -> None:
    proxy = await Proxy().start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    began = resource.getrusage(resource.RUSAGE_SELF)
    ready.write_text(json.dumps({"port": proxy.port, "spki": proxy.spki}))
    await stop.wait()
    proxy.close()
    ended = resource.getrusage(resource.RUSAGE_SELF)
    serving = (ended.ru_utime + ended.ru_stime) - (began.ru_utime + began.ru_stime)
    log.write_text(json.dumps({"cpu_s": serving, "seen": [asdict(s) for s in proxy.seen]}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ready", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(_run(args.ready, args.log))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

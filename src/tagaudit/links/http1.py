"""A small HTTP/1.1 client on asyncio streams: the link follower's default way to send.

The follower sends one kind of request (a GET or HEAD, a few fixed headers, no body) and
needs one kind of answer (status, header fields, Set-Cookie lines, and up to `max_body`
bytes of the body for a meta refresh or a challenge page). aiohttp's general client spent
about 170 µs of CPU a request on that here, this one about 60 µs (1,000 links x 3 redirects
on loopback, benchmarks/bench_links.py), and a link check is CPU-bound: that is most of the
distance to lychee's pace.

What it does, after RFC 9112: one request per connection at a time, connections kept alive
per (scheme, host, port) and reused when the answer was read to its end; interim answers
(100, 103 Early Hints) skipped; a body framed by Content-Length, chunked coding (read in
pieces, whatever size a chunk announces) or the end of the connection; HEAD, 1xx, 204 and
304 answers carry none. A body the verdict does not need is drained when small and cut off
(the connection closed) when large; a body it needs is read up to `max_body` bytes after
gzip, deflate or br is undone, each bounded to that size. A kept-alive connection that the
server closed meanwhile is retried once on a new one (nothing was answered yet). TLS is
asyncio's, with the follower's verifying context (SSL_CERT_FILE honoured as httpx does),
which never offers h2 by ALPN, so a server can only answer in HTTP/1.1. The link's clock
(links.pacing) is the timeout: a cancel mid-answer closes the connection. Proxies are not
spoken: with HTTP_PROXY / HTTPS_PROXY / ALL_PROXY set, links.exchange sends through aiohttp
instead, which honours them and NO_PROXY.

Errors are httpx's exception types (the verdicts in links.outcome read them), each with the
socket's own error as its cause: a refused connection, a name that does not resolve and an
untrusted certificate keep their words. Imports httpx (for those types and `httpx.URL`).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ssl
import zlib
from collections.abc import Callable

import httpx

HEAD_LIMIT = 64 * 1024  # bytes of status line + header fields (aiohttp and nginx: 8-64 KiB)
DRAIN_LIMIT = 256 * 1024  # an unwanted body up to this size is read to keep the connection
CLOSE_WAIT = 1.0  # seconds aclose waits for the sockets to be released
IDLE_PER_HOST = 64  # kept-alive connections per host (the follower's per_host is 16)
NO_BODY_STATUSES = frozenset({204, 304})
DEFAULT_PORTS = {"http": 80, "https": 443}

Key = tuple[str, str, int]


class Reply:
    """One answer: status, fields (lower-cased name → last value), Set-Cookie lines, body."""

    __slots__ = ("body", "fields", "set_cookies", "status")

    def __init__(self, status: int, fields: dict[str, str], set_cookies: list[str]) -> None:
        self.status, self.fields, self.set_cookies, self.body = status, fields, set_cookies, b""


class Http1Client:
    """Sends requests on kept-alive connections; `await client.aclose()` when done.

    >>> reply = await client.send("GET", httpx.URL("http://127.0.0.1:8000/go?x=1"), headers,
    ...                           wants_body=lambda status: status == 200, max_body=65536)
    >>> reply.status, reply.fields["location"]
    (301, '/promo?x=1')
    """

    def __init__(self, ssl_context: Callable[[], ssl.SSLContext]) -> None:
        self._ssl_context = ssl_context  # made on the first https request only
        self._idle: dict[Key, list[_Connection]] = {}

    async def send(
        self,
        method: str,
        url: httpx.URL,
        headers: bytes,
        wants_body: Callable[[int], bool],
        max_body: int,
    ) -> Reply:
        """Send `method url` with `headers` (CRLF-ended lines after Host); the answer."""
        key = _key(url)
        target = url.raw_path.decode("ascii")
        request = f"{method} {target} HTTP/1.1\r\nHost: ".encode() + url.netloc + b"\r\n"
        request += headers + b"\r\n"
        while True:
            reused = self._take_idle(key)
            conn = reused or await self._connect(key)
            try:
                reply, keep = await conn.exchange(request, method, wants_body, max_body)
            except _Stale:  # the server closed it while idle: nothing was answered
                conn.close()
                if reused:
                    continue
                raise httpx.RemoteProtocolError("the server closed the connection") from None
            except BaseException:  # an error or a cancel (timeout) mid-answer: never reuse
                conn.close()
                raise
            self._keep(key, conn) if keep else conn.close()
            return reply

    def _take_idle(self, key: Key) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            if conn.usable():
                return conn
            conn.close()
        return None

    def _keep(self, key: Key, conn: _Connection) -> None:
        idle = self._idle.setdefault(key, [])
        if len(idle) < IDLE_PER_HOST:
            idle.append(conn)
        else:
            conn.close()

    async def _connect(self, key: Key) -> _Connection:
        scheme, host, port = key
        secure = scheme == "https"
        try:
            reader, writer = await asyncio.open_connection(
                host,
                port,
                ssl=self._ssl_context() if secure else None,
                server_hostname=host if secure else None,
                limit=HEAD_LIMIT,
            )
        except ssl.SSLError as problem:
            raise httpx.ConnectError(f"TLS handshake with {host} failed: {problem}") from problem
        except OSError as problem:
            raise httpx.ConnectError(str(problem) or type(problem).__name__) from problem
        return _Connection(reader, writer)

    async def aclose(self) -> None:
        """Close the kept-alive connections and give the loop the turn that releases their
        sockets (at most CLOSE_WAIT seconds: a TLS peer may never answer our close)."""
        conns = [conn for idle in self._idle.values() for conn in idle]
        self._idle.clear()
        for conn in conns:
            conn.close()
        if conns:
            await asyncio.wait(
                [asyncio.ensure_future(c.closed()) for c in conns], timeout=CLOSE_WAIT
            )


def _key(url: httpx.URL) -> Key:
    scheme = url.scheme
    if scheme not in DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{scheme}://'.")
    host = url.raw_host.decode("ascii")  # IDNA-encoded already; IPv6 without brackets
    return scheme, host, url.port or DEFAULT_PORTS[scheme]


class _Stale(Exception):
    """A reused connection ended before any byte of the answer."""


class _Connection:
    """One TCP (or TLS) connection: a request written, its answer read."""

    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    def usable(self) -> bool:
        return not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        self.writer.close()

    async def closed(self) -> None:
        with contextlib.suppress(OSError):  # the peer reset it: closed all the same
            await self.writer.wait_closed()

    async def exchange(
        self, request: bytes, method: str, wants_body: Callable[[int], bool], max_body: int
    ) -> tuple[Reply, bool]:
        """Write `request`; the answer and whether the connection may be used again."""
        try:
            self.writer.write(request)
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as short:
            if not short.partial:
                raise _Stale from None
            raise _disconnected() from None
        except (ConnectionResetError, BrokenPipeError):
            raise _Stale from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("the answer's header block is too large") from None
        version, reply = _parse_head(head)
        while 100 <= reply.status < 200 and reply.status != 101:  # interim: the real one follows
            version, reply = _parse_head(await self._read_head())
        keep = _keeps_alive(version, reply.fields)
        framing = _framing(method, reply)
        if wants_body(reply.status):
            reply.body, complete = await self._body(framing, max_body, reply.fields)
        else:
            complete = await self._drain(framing)
        return reply, keep and complete

    async def _read_head(self) -> bytes:
        try:
            return await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            raise _disconnected() from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("the answer's header block is too large") from None

    async def _body(
        self, framing: int | str, max_body: int, fields: dict[str, str]
    ) -> tuple[bytes, bool]:
        """Up to `max_body` bytes of the body, decoded; and whether all of it was read."""
        decoder = _decoder(fields.get("content-encoding", ""))
        kept: list[bytes] = []
        size = 0
        async for chunk in self._chunks(framing):
            if decoder is not None:
                chunk = decoder.decompress(chunk, max(1, max_body - size))
            kept.append(chunk)
            size += len(chunk)
            if size >= max_body:
                return b"".join(kept)[:max_body], False
        return b"".join(kept), framing != "close"

    async def _drain(self, framing: int | str) -> bool:
        """Read an unwanted body to its end when small: True if the connection is reusable."""
        if framing == 0:
            return True
        if framing == "close" or (isinstance(framing, int) and framing > DRAIN_LIMIT):
            return False
        read = 0
        async for chunk in self._chunks(framing):
            read += len(chunk)
            if read > DRAIN_LIMIT:
                return False
        return True

    async def _chunks(self, framing: int | str):  # type: ignore[no-untyped-def]
        """The body's bytes as they come, per its framing (a length, chunked or close)."""
        reader = self.reader
        try:
            if framing == "close":
                while chunk := await reader.read(64 * 1024):
                    yield chunk
            elif framing == "chunked":
                while size := await _chunk_size(reader):
                    while size:  # in pieces: a chunk may announce gigabytes
                        piece = await reader.read(min(size, 64 * 1024))
                        if not piece:
                            raise _disconnected()
                        size -= len(piece)
                        yield piece
                    await reader.readexactly(2)  # the CRLF after the chunk
                while (await reader.readuntil(b"\n")).strip():  # trailer fields
                    pass
            else:
                left = int(framing)
                while left:
                    chunk = await reader.read(min(left, 64 * 1024))
                    if not chunk:
                        raise _disconnected()
                    left -= len(chunk)
                    yield chunk
        except asyncio.IncompleteReadError:
            raise _disconnected() from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("a chunk header is too large") from None


async def _chunk_size(reader: asyncio.StreamReader) -> int:
    line = await reader.readuntil(b"\n")
    digits = line.split(b";", 1)[0].strip()
    try:
        return int(digits, 16)
    except ValueError:
        raise httpx.RemoteProtocolError(f"bad chunk size {digits[:20]!r}") from None


def _disconnected() -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("the server disconnected before the answer was complete")


def _parse_head(head: bytes) -> tuple[str, Reply]:
    """The HTTP version and the answer of one header block (RFC 9112 4 and 5)."""
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/1.") or not code.isdigit() or rest[3:4] not in ("", " "):
        raise httpx.RemoteProtocolError(f"not an HTTP/1 status line: {lines[0][:80]!r}")
    fields: dict[str, str] = {}
    cookies: list[str] = []
    name = ""
    for line in lines[1:]:
        if not line:
            continue
        if line[0] in " \t" and name:  # obsolete line folding: part of the previous value
            fields[name] = f"{fields[name]} {line.strip()}".strip()
            continue
        name, colon, value = line.partition(":")
        name = name.lower()
        if not colon or not name or name != name.strip():
            raise httpx.RemoteProtocolError(f"malformed header line {line[:80]!r}")
        value = value.strip()
        fields[name] = value
        if name == "set-cookie":
            cookies.append(value)
    return version, Reply(int(code), fields, cookies)


def _framing(method: str, reply: Reply) -> int | str:
    """How the body ends: a byte count, "chunked", or "close" (RFC 9112 6.3)."""
    status = reply.status
    if method == "HEAD" or status in NO_BODY_STATUSES or 100 <= status < 200:
        return 0
    fields = reply.fields
    if "chunked" in fields.get("transfer-encoding", "").lower():
        return "chunked"
    length = fields.get("content-length")
    if length is None:
        return "close"
    values = {v.strip() for v in length.split(",")}  # a repeated, equal length is allowed
    if len(values) != 1 or not next(iter(values)).isdigit():
        raise httpx.RemoteProtocolError(f"bad Content-Length {length[:40]!r}")
    return int(values.pop())


def _keeps_alive(version: str, fields: dict[str, str]) -> bool:
    tokens = {t.strip() for t in fields.get("connection", "").lower().split(",")}
    if version == "HTTP/1.0":
        return "keep-alive" in tokens
    return "close" not in tokens


def _decoder(encoding: str) -> _Inflate | _Brotli | None:
    """gzip, deflate or br undone (bounded by the caller's max_length); else None (the body
    as it came: br without a brotli module that can bound its output, or another coding)."""
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return _Inflate(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _Inflate(None)
    if encoding == "br":
        return _Brotli.made()
    return None


class _Brotli:
    """brotli's decompressor with its output bounded (brotli >= 1.2's `output_buffer_limit`;
    unbounded, 1.6 KB of brotli can become gigabytes). We never ask for br (Accept-Encoding
    says gzip, deflate), but some servers send it all the same."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    @classmethod
    def made(cls) -> _Brotli | None:
        for name in ("brotli", "brotlicffi"):
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            inner = module.Decompressor()
            try:
                inner.process(b"", output_buffer_limit=1)
            except TypeError:  # an older brotli, or brotlicffi: no bound on the output
                continue
            return cls(inner)
        return None

    def decompress(self, data: bytes, max_length: int) -> bytes:
        try:
            return self.inner.process(data, output_buffer_limit=max_length)  # type: ignore[attr-defined]
        except Exception as problem:  # brotli.error (brotlicffi: its own type)
            raise httpx.DecodingError(f"the body could not be decompressed: {problem}") from None


class _Inflate:
    """zlib's decompressor; `deflate` is zlib-wrapped by the RFC, raw by some servers (the
    first byte tells: a zlib stream starts with method 8)."""

    def __init__(self, wbits: int | None) -> None:
        self.wbits, self.inner = wbits, None

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self.inner is None:
            wbits = self.wbits
            if wbits is None:
                wbits = zlib.MAX_WBITS if data[:1] and data[0] & 0x0F == 8 else -zlib.MAX_WBITS
            self.inner = zlib.decompressobj(wbits)
        try:
            return self.inner.decompress(data, max_length)
        except zlib.error as problem:
            raise httpx.DecodingError(f"the body could not be decompressed: {problem}") from None

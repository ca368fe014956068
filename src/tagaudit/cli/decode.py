"""`tagaudit decode` (explain tracking requests without a browser) and `tagaudit providers`.

Thin wiring: inputs (URLs, stdin lines, a HAR file) → `tagaudit.decode` (the pipeline a page
of an audit goes through, so the answers are the same) → text blocks or JSON Lines. Exit
codes: 0 when at least one tag hit decoded, 1 when the input was fine but nothing decoded
(like grep finding no match), 2 for bad input (malformed URL, unreadable or invalid HAR, bad
provider file) — one line on stderr, no traceback. The catalog is imported
when a command here runs, not when the `tagaudit` CLI starts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tagaudit.errors import UsageError
from tagaudit.model import Request, TagHit, to_dict

if TYPE_CHECKING:
    from tagaudit.runner.api import Catalog

METHODS = {"GET", "POST", "PUT", "PATCH", "HEAD", "OPTIONS", "DELETE"}

UrlsArg = Annotated[list[str] | None, typer.Argument(metavar="URL", hidden=True)]
HarOpt = Annotated[
    Path | None,
    typer.Option("--har", metavar="PATH", help="A HAR file exported from browser devtools."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object per hit (JSONL).")]
TableJsonFlag = Annotated[bool, typer.Option("--json", help="Print the catalog as JSON.")]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        metavar="PATH",
        help="A YAML file whose `providers:` list extends the catalog.",
    ),
]


def check_url(url: str) -> str:
    """The URL itself when it is an absolute http(s) URL with a host; else UsageError."""
    from tagaudit.config import targets as urls

    try:
        return urls.check_url(url, assume_https=False)
    except UsageError:
        hint = "expected http(s)://host/path?query"
        raise UsageError(f"not a request URL: {url!r}", hint=hint) from None


def parse_line(line: str) -> Request | None:
    """`[METHOD] URL [BODY]` → Request; a body without a method means POST; `\\n` in a body
    stands for a line break (GA4 batches one event per line). Blank and `#` lines: None."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    parts = text.split(None, 1)
    method = "GET"
    if parts[0].upper() in METHODS and len(parts) > 1:
        method, text = parts[0].upper(), parts[1]
    url, _, body = text.partition(" ")
    body = body.strip().replace("\\n", "\n")
    if body and method == "GET":
        method = "POST"
    return Request(url=check_url(url), method=method, post_data=body or None)


def read_requests(urls: list[str] | None, har: Path | None) -> list[Request]:
    """The requests to decode: HAR entries, then URL arguments; stdin when neither is given."""
    from tagaudit.runner.api import read_har

    requests = read_har(har) if har else []
    requests += [Request(url=check_url(url)) for url in urls or []]
    if har or urls:
        return requests
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(
            "nothing to decode", hint="pass request URLs, --har FILE, or one request per line"
        )
    lines = [parse_line(line) for line in sys.stdin.read().splitlines()]
    found = [r for r in lines if r is not None]
    if not found:
        raise UsageError("nothing to decode: stdin had no request lines")
    return found


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _consent_line(name: str, signal: dict[str, Any]) -> str:
    states = []
    for key, value in signal.items():
        if key == "raw" or value in (None, []):
            continue
        if isinstance(value, dict):
            value = f"{value.get('default')}→{value.get('update')} = {value.get('effective')}"
        states.append(f"{key}: {_show(value)}")
    return f"{name} = {signal.get('raw')}" + (f"  ({'; '.join(states)})" if states else "")


def format_hit(hit: TagHit, catalog: Catalog) -> str:
    """One readable block: provider, kind, account, event, request, params, consent."""
    provider = catalog.providers.get(hit.provider)
    labels = provider.labels if provider else {}
    name = provider.name if provider else hit.provider
    lines = [
        f"{hit.provider} ({name}) · {hit.kind} · account {hit.account or '–'}"
        f" · event {hit.event or '–'}",
        f"  request  {hit.method} {hit.url}",
    ]
    if hit.collector:
        lines.append(f"  at       {hit.collector} ({_collector_words(hit)})")
    for index, (key, value) in enumerate(hit.params.items()):
        label = f"  [{labels[key]}]" if key in labels else ""
        lines.append(f"  {'params' if index == 0 else '':8} {key} = {_show(value)}{label}")
    for index, (key, signal) in enumerate(hit.consent.items()):
        lines.append(f"  {'consent' if index == 0 else '':8} {_consent_line(key, signal)}")
    return "\n".join(lines)


def _collector_words(hit: TagHit) -> str:
    """How a hit on a host the catalog does not list was read (providers/unknown.py)."""
    family = hit.params.get("_family")
    if family:
        return f"{family}: read by its wire format, the catalog does not list this host"
    guess = hit.params.get("_guess")
    looks = f"; looks like {guess} ({hit.params.get('_guess_from')})" if guess else ""
    return f"event-shaped, no vendor tagaudit knows{looks}"


def _say(line: str) -> None:
    print(f"tagaudit: {line}", file=sys.stderr)


def _explain_nothing(request: Request, catalog: Catalog) -> str:
    match = catalog.match(request.url)
    if match is not None:
        return f"{match.provider.id} {match.endpoint.kind} request, no tag event: {request.url}"
    return f"nothing decoded from {request.url}"


def decode(
    urls: UrlsArg = None,
    har: HarOpt = None,
    json_lines: JsonFlag = False,
    config: ConfigOpt = None,
) -> None:
    """Decode tracking requests (URLs, stdin lines `[METHOD] URL [BODY]`, or a HAR file).

    URL... are GET request URLs; with none (and no --har), requests are read from stdin.
    Stdin: one request per line; a BODY without a METHOD means POST, and `\\n` inside a body
    is a line break (GA4 batches one event per line). Exit 0 when at least one tag hit
    decoded, 1 when none did (like grep), 2 on bad input (malformed URL, unreadable HAR).
    """
    from tagaudit.runner.api import catalog_of, decode

    catalog = catalog_of(config)
    requests = read_requests(urls, har)
    by_request: dict[int, list[TagHit]] = {}
    for hit in decode(requests, config):
        by_request.setdefault(hit.request_index or 0, []).append(hit)
    decoded = 0
    for index, request in enumerate(requests):
        hits = by_request.get(index, [])
        for hit in hits:
            if json_lines:
                print(json.dumps(to_dict(hit), ensure_ascii=False))
            else:
                print(format_hit(hit, catalog), end="\n\n")
        decoded += len(hits)
        if not hits and not har:
            _say(_explain_nothing(request, catalog))
    if har:
        _say(f"decoded {decoded} tag hits from {len(requests)} requests in {har}")
    raise typer.Exit(0 if decoded else 1)


def _endpoint_text(endpoint: dict[str, Any]) -> str:
    needs = " ".join(f"{k}~{v}" for k, v in endpoint["require"].items())
    paths = " | ".join(endpoint["paths"]) or "any path"
    return f"{endpoint['kind']:7} {', '.join(endpoint['hosts'])}  {paths}" + (
        f"  [{needs}]" if needs else ""
    )


def providers_command(json_out: TableJsonFlag = False, config: ConfigOpt = None) -> None:
    """List the provider catalog: each provider's id, name and endpoints."""
    from tagaudit.runner.api import catalog_of, provider_rows

    rows = provider_rows(catalog_of(config))
    if json_out:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"tagaudit provider catalog ({len(rows)} providers)")
    for column in ("id", "name", "type", "endpoints"):
        table.add_column(column, overflow="fold")
    for row in rows:
        endpoints = "\n".join(escape(_endpoint_text(e)) for e in row["endpoints"])
        table.add_row(row["id"], escape(row["name"]), row["type"], endpoints)
    Console(width=None if sys.stdout.isatty() else 160).print(table)

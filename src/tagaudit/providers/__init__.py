"""Providers: the vendor catalog (data) and the decoders that turn requests into TagHits.

Pure: no browser, no httpx, no I/O beyond reading the packaged catalog.yaml (and a user's
provider file when asked). Imports only tagaudit.model, tagaudit.errors, tagaudit.yamlfile
(the shared reader of user YAML) and tagaudit.patterns (a user's `providers:` regexes are
refused when catastrophic and time-limited on every request, like every user regex).

What a page sends is bounded before it is read: a body inflates to 8 MiB at most (gzip,
deflate, br, base64), one request yields at most 1,000 events and one page 20,000 hits;
what was cut is said in `Request.cut` (rule `capture-cut`) or as an unreadable body; the
bodies of one page are read within 16 MiB together (`PageBodies`, used by the capture).

    catalog.yaml     the built-in catalog (schema at its top); users extend it as data
    catalog.py       schema validation → Provider / Endpoint (ConfigError on bad entries)
    routing.py       Catalog: URL → endpoint; is_collection_endpoint (fast, host+path only)
    body.py          read_body: raw bytes → text (gzip/deflate/br, base64 undone), size, sha256
    wire.py          query / form / multipart / JSON / base64 helpers
    records.py       the generic transport: request → one record per event
    google.py        GA4 batches + items, UA batches, Ads `data`, Floodlight `;` params
    vendors.py       X events, Criteo OneTag slots, Matomo bulk
    cdp.py           Segment-spec CDPs: the write key from `Authorization: Basic` (RudderStack)
    snowplow.py      Snowplow payload_data batches, self-describing events, contexts
    decoding.py      decode_request: records → TagHits (account, event, shared params, consent)
    page.py          decode_requests: a page's requests → its hits (blocked ones marked)
    fanout.py        merge_fanout: one action sent over several transports → one hit
    aux.py           link_aux: side requests (kind `aux`) → `follows` = the hit they follow
    consent_mode.py  gcs / gcd / npa / dma … decoding (output shape in its docstring)

Order for a page's requests (what the capture engine and `tagaudit decode` do)::

    body = read_body(raw_bytes, headers, url)         # Playwright: request.post_data_buffer
    request = Request(url, method, headers=headers, **body.request_fields())
    hits = link_aux(merge_fanout([h for r in requests for h in decode_request(r)]))

Silent failures are data, for rules to read: a `hit` whose body was sent but could not be read,
or whose provider defines an account / event that was not found, carries
`params["_undecoded"]` (`UNDECODED`): a list of "body", "account", "event". Side requests
(`aux`), libraries and config fetches never carry it. A body is unreadable when the capture
said so (`Request.body_encoding` starting "unreadable", or `body_size` with no `post_data`) or
when `post_data` is still compressed or binary text (`is_body_unread`).
"""

from __future__ import annotations

from tagaudit.providers.aux import link_aux
from tagaudit.providers.body import Body, PageBodies, read_body
from tagaudit.providers.catalog import Endpoint, Provider
from tagaudit.providers.consent_mode import decode_consent_params, decode_gcd, decode_gcs
from tagaudit.providers.decoding import (
    UNDECODED,
    decode_request,
    family_provider,
    is_body_unread,
)
from tagaudit.providers.fanout import merge_fanout
from tagaudit.providers.page import decode_requests
from tagaudit.providers.routing import (
    Catalog,
    default_catalog,
    is_collection_endpoint,
    load_catalog,
    load_catalog_file,
)

__all__ = [
    "UNDECODED",
    "Body",
    "Catalog",
    "Endpoint",
    "PageBodies",
    "Provider",
    "decode_consent_params",
    "decode_gcd",
    "decode_gcs",
    "decode_request",
    "decode_requests",
    "default_catalog",
    "family_provider",
    "is_body_unread",
    "is_collection_endpoint",
    "link_aux",
    "load_catalog",
    "load_catalog_file",
    "merge_fanout",
    "read_body",
]

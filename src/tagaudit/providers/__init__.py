"""Providers: the vendor catalog (data) and the decoders that turn requests into TagHits.

Pure: no browser, no httpx, no I/O beyond reading the packaged catalog.yaml (and a user's
provider file when asked). Imports only tagaudit.model and tagaudit.errors.

    catalog.yaml     the built-in catalog (schema at its top); users extend it as data
    catalog.py       schema validation → Provider / Endpoint (ConfigError on bad entries)
    routing.py       Catalog: URL → endpoint; is_collection_endpoint (fast, host+path only)
    wire.py          query / form / multipart / JSON / base64 helpers
    records.py       the generic transport: request → one record per event
    google.py        GA4 batches + items, UA batches, Ads `data`, Floodlight `;` params
    vendors.py       X events, Criteo OneTag slots, Matomo bulk
    decoding.py      decode_request: records → TagHits (account, event, shared params, consent)
    page.py          decode_requests: a page's requests → its hits (blocked ones marked)
    fanout.py        merge_fanout: one action sent over several transports → one hit
    consent_mode.py  gcs / gcd / npa / dma … decoding (output shape in its docstring)
"""

from __future__ import annotations

from tagaudit.providers.catalog import Endpoint, Provider
from tagaudit.providers.consent_mode import decode_consent_params, decode_gcd, decode_gcs
from tagaudit.providers.decoding import decode_request
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
    "Catalog",
    "Endpoint",
    "Provider",
    "decode_consent_params",
    "decode_gcd",
    "decode_gcs",
    "decode_request",
    "decode_requests",
    "default_catalog",
    "is_collection_endpoint",
    "load_catalog",
    "load_catalog_file",
    "merge_fanout",
]

"""Snowplow tracker protocol: `payload_data` batches, self-describing events and contexts.

This module owns reading Snowplow's tracker protocol (Snowplow docs, "Snowplow Tracker
Protocol"). A GET `/i?e=pv&aid=…&tv=js-4.1.0` carries one event in the query; a POST to
`/com.snowplowanalytics.snowplow/tp2` carries a batch:

    {"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
     "data": [{"e": "pv", "aid": "shop", "tv": "js-4.10.1", "url": "https://shop.example/", …},
              {"e": "se", "se_ca": "checkout", "se_ac": "purchase", "se_va": "129.8", …},
              {"e": "ue", "ue_px": "<base64 of the self-describing event JSON>", …}]}

One record per element of `data`. Each record also gets:
- `unstruct_event`: the self-describing event `{schema, data}` from `ue_pr` (JSON) or `ue_px`
  (base64url JSON), unwrapped from its `unstruct_event` envelope;
- `contexts`: the list of context entities from `co` (JSON) or `cx` (base64url JSON);
- `event_name`, what the catalog reads as the event: `page_view`, `page_ping`, `transaction`,
  `transaction_item`, `ad_impression` for the built-in types, the action (`se_ac`) of a
  structured event, and the schema's name (`purchase` in `iglu:com.acme/purchase/jsonschema/
  1-0-0`) of a self-describing one — the names Snowplow's enrichment gives them (`event_name`),
  except that a structured event is named by its action, which is what people look for.
"""

from __future__ import annotations

from typing import Any

from tagaudit.providers.records import Record, Wire, base_params
from tagaudit.providers.wire import parse_json_loose

PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/"
BUILTIN_EVENTS = {
    "pv": "page_view",
    "pp": "page_ping",
    "tr": "transaction",
    "ti": "transaction_item",
    "ad": "ad_impression",
}


def _self_describing(record: Record, plain: str, encoded: str) -> Any:
    for name in (plain, encoded):
        value = record.get(name)
        parsed = parse_json_loose(value) if isinstance(value, str) else value
        if isinstance(parsed, dict):
            return parsed.get("data", parsed)
    return None


def schema_name(schema: Any) -> str | None:
    """`iglu:com.acme/purchase/jsonschema/1-0-0` → `purchase`."""
    if not isinstance(schema, str) or not schema.startswith("iglu:"):
        return None
    parts = schema[5:].split("/")
    return parts[1] if len(parts) >= 2 and parts[1] else None


def snowplow_event(record: Record) -> Record:
    """One event's record with its self-describing event, contexts and event name added."""
    event = _self_describing(record, "ue_pr", "ue_px")
    if isinstance(event, dict):
        record["unstruct_event"] = event
    contexts = _self_describing(record, "co", "cx")
    if isinstance(contexts, list):
        record["contexts"] = contexts
    code = str(record.get("e") or "")
    if code == "se":
        name = record.get("se_ac") or "struct_event"
    elif code == "ue":
        name = schema_name(event.get("schema") if isinstance(event, dict) else None)
    else:
        name = BUILTIN_EVENTS.get(code, code or None)
    record["event_name"] = name
    return record


def snowplow_records(wire: Wire) -> list[Record]:
    """One record per event of a `payload_data` batch, or the one event of a GET."""
    params = base_params(wire)
    batch = params.get("data")
    if str(params.get("schema") or "").startswith(PAYLOAD_SCHEMA) and isinstance(batch, list):
        envelope = {k: v for k, v in params.items() if k not in ("schema", "data")}
        events = [{**envelope, **item} for item in batch if isinstance(item, dict)]
    else:
        events = [params]
    return [snowplow_event(event) for event in events]

"""Golden beacons: every recorded request in fixtures/beacons decodes to exactly its TagHits.

One generic test runs every case of every file, strict both ways: each expected hit must be
decoded (provider, kind, account, event exact; params and consent as a subset) and no other
hit may appear. Meta-tests keep the corpus honest: every provider of the catalog has at
least three decoding samples, and there are negatives that must not decode.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tagaudit.model import Request, TagHit, to_dict
from tagaudit.providers import (
    decode_request,
    default_catalog,
    is_collection_endpoint,
    read_body,
)

BEACONS = Path(__file__).resolve().parents[2] / "fixtures" / "beacons"
EXACT_FIELDS = ("provider", "kind", "account", "event")


def _load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(BEACONS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for case in data["cases"]:
            cases.append((f"{path.stem}::{case['name']}", {**case, "_file": path.stem}))
    return cases


CASES = _load_cases()


def _request(spec: dict[str, Any]) -> Request:
    """A case's request; `body_base64` is the body exactly as sent (gzip …), read by read_body."""
    headers = dict(spec.get("headers") or {})
    if spec.get("content_type"):
        headers["Content-Type"] = spec["content_type"]
    fields: dict[str, Any] = {"post_data": spec.get("post_data")}
    if spec.get("body_base64"):
        raw = base64.b64decode(spec["body_base64"])
        fields = read_body(raw, headers, spec["url"]).request_fields()
    return Request(url=spec["url"], method=spec.get("method", "GET"), headers=headers, **fields)


def _subset_problems(expected: Any, actual: Any, where: str) -> list[str]:
    """Differences where `expected` is not contained in `actual` (dicts: subset; else equal)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a mapping, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing (have {sorted(actual)})")
            else:
                problems += _subset_problems(value, actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [p for i, e in enumerate(expected) for p in _subset_problems(e, actual[i], where)]
    return [] if expected == actual else [f"{where}: expected {expected!r}, got {actual!r}"]


def _hit_problems(expected: dict[str, Any], hit: TagHit, index: int) -> list[str]:
    problems = [
        f"hit {index}.{name}: expected {expected.get(name)!r}, got {getattr(hit, name)!r}"
        for name in EXACT_FIELDS
        if expected.get(name) != getattr(hit, name)
    ]
    for part in ("params", "consent"):
        actual = getattr(hit, part)
        problems += _subset_problems(expected.get(part, {}), actual, f"hit {index}.{part}")
    return problems


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_beacon_decodes_to_exactly_its_hits(case: dict[str, Any]) -> None:
    request = _request(case["request"])
    hits = decode_request(request)
    expected = case.get("hits") or []
    summary = [(h.provider, h.kind, h.account, h.event) for h in hits]
    assert len(hits) == len(expected), f"decoded {summary}"
    problems = [p for i, e in enumerate(expected) for p in _hit_problems(e, hits[i], i)]
    assert not problems, "\n".join(problems)
    for hit in hits:
        assert (hit.url, hit.method) == (request.url, request.method.upper())


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_beacon_collection_verdict(case: dict[str, Any]) -> None:
    """The URL alone says "answer it locally" for a catalogued hit; an `unknown` hit or one
    recognised by its wire format only (a family on an unlisted host: `collection: false`)
    is known only once its body is read."""
    default = any(
        h.get("kind", "hit") in ("hit", "aux") and h.get("provider") != "unknown"
        for h in case.get("hits") or []
    )
    expected = case.get("collection", default)
    assert is_collection_endpoint(case["request"]["url"]) is expected


def test_every_catalog_provider_has_three_decoding_samples() -> None:
    counts: dict[str, int] = {}
    for _, case in CASES:
        for provider in {h["provider"] for h in case.get("hits") or []}:
            counts[provider] = counts.get(provider, 0) + 1
    thin = {p: counts.get(p, 0) for p in default_catalog().providers if counts.get(p, 0) < 3}
    assert not thin, f"providers with fewer than 3 golden samples: {thin}"


def test_every_catalog_provider_has_hit_samples_where_it_has_hit_endpoints() -> None:
    hits = [h for _, case in CASES for h in case.get("hits") or []]
    hit_samples = {h["provider"] for h in hits if h["kind"] == "hit"}
    providers = default_catalog().providers.values()
    with_hits = {p.id for p in providers if any(e.kind == "hit" for e in p.endpoints)}
    assert with_hits <= hit_samples, f"no hit samples for {sorted(with_hits - hit_samples)}"


def test_negatives_exist_and_cover_the_classic_traps() -> None:
    """No catalogued provider claims a negative; a vendor's hit on a lookalike host is
    `unknown` (never silence), and most negatives decode to nothing at all."""
    negatives = [c for _, c in CASES if c["_file"] == "negatives"]
    assert len(negatives) >= 8
    providers = {h["provider"] for c in negatives for h in c.get("hits") or []}
    assert providers <= {"unknown"}
    assert sum(1 for c in negatives if not c.get("hits")) >= 8


def test_shared_names_keep_their_types_across_the_corpus() -> None:
    """Rules read shared names the same way for every vendor (model.py TagHit docstring)."""
    for case_id, case in CASES:
        for hit in decode_request(_request(case["request"])):
            params = hit.params
            json.dumps(to_dict(hit))  # JSON-safe, as reports need
            if "value" in params:
                assert isinstance(params["value"], (int, float)), case_id
            if "items" in params:
                assert all(isinstance(item, dict) for item in params["items"]), case_id
            for name in ("currency", "transaction_id", "event_id", "page_url"):
                assert isinstance(params.get(name, ""), str), (case_id, name)
            for signal in hit.consent.values():
                assert "raw" in signal, case_id

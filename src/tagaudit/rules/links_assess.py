"""The link checks, as pure functions: (LinkResult, args, make) → findings.

Each function looks at one followed link and calls `make(message, evidence, location)` for
every problem; `make` builds the Finding (the rules engine passes `Rule.finding`, so id,
category, severity and help come from rules/links.yaml). No I/O; imports the model, and
links.params / links.privacy for names and lists.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tagaudit.model import Finding, Hop, LinkResult
from tagaudit.model.params import first_loss, raw_pairs, tracking_params
from tagaudit.rules.links_privacy import sources_for, strippers

Make = Callable[[str, dict[str, Any], dict[str, Any]], Finding]
LinkCheck = Callable[[LinkResult, dict[str, Any], Make], list[Finding]]

# Where the redirect rule usually lives, and how it keeps the query string (only what the
# vendors document: nginx rewrite module docs, Apache httpd "Manipulating the Query String",
# Cloudflare Single/Bulk Redirects "Preserve query string").
SERVER_HINTS: dict[str, str] = {
    "nginx": "nginx: `return 301 https://host$request_uri;` or append `$is_args$args`",
    "apache": "Apache mod_rewrite: add [QSA]; a substitution with its own ?query replaces it",
    "cloudflare": "Cloudflare Single/Bulk Redirects: turn on 'Preserve query string'",
}


def path_of(url: str | None) -> str:
    """`https://a.example/go/spring?x=1` → `/go/spring` (how messages name a hop).

    Split by hand (a chain's messages name every hop, and urlsplit was a tenth of the link
    rules' time); URLs urlsplit would clean first (spaces, tabs) still go through it."""
    if not url:
        return "?"
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.isalpha() or not url.isprintable() or " " in url:
        return urlsplit(url).path or "/"
    cut = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    if rest[cut : cut + 1] != "/":
        return "/"
    path = rest[cut:]
    return path[: min((i for i in map(path.find, "?#") if i >= 0), default=len(path))]


def hop_words(link: LinkResult, number: int) -> str:
    """'301 from /go/spring to /promo' for hop `number` (1-based)."""
    if not 0 < number <= len(link.hops):
        return f"hop {number}"
    hop = link.hops[number - 1]
    target = link.hops[number].url if number < len(link.hops) else hop.location
    how = {"meta": "meta refresh", "js": "JavaScript redirect"}.get(hop.via, str(hop.status))
    return f"{how} from {path_of(hop.url)} to {path_of(target)}"


def _chain(link: LinkResult) -> list[dict[str, Any]]:
    return [
        {"url": h.url, "status": h.status, "location": h.location, "via": h.via, "server": h.server}
        for h in link.hops
    ]


def stripped_params(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Tracking parameters missing at the end of the chain, with the first hop that lost them
    (a parameter a later hop puts back is not lost)."""
    if not link.ledger:
        return []
    lost = set(link.ledger[-1].dropped)
    by_hop: dict[int, list[str]] = {}
    for name, number in first_loss(link.ledger).items():
        if name in lost:
            by_hop.setdefault(number, []).append(name)
    out = []
    for number, names in sorted(by_hop.items()):
        message = f"{', '.join(names)} dropped at hop {number} ({hop_words(link, number)})"
        evidence = {"dropped": names, "hop": number, "chain": _chain(link)}
        evidence["cause"] = dropped_cause(number)
        evidence |= _server_hint(link.hops[number - 1] if number <= len(link.hops) else None)
        out.append(make(message, evidence, {"hop": number}))
    return out


def _server_hint(hop: Hop | None) -> dict[str, str]:
    """The server that answered the hop, and where such servers keep their redirect rules."""
    if hop is None or not hop.server:
        return {}
    hint = SERVER_HINTS.get(hop.server)
    return {"server": hop.server, **({"server_hint": hint} if hint else {})}


def changed_params(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Tracking values a hop changed (value or encoding), first hop per parameter."""
    seen: set[str] = set()
    out = []
    for change in link.ledger:
        for name in change.changed:
            if name in seen:
                continue
            seen.add(name)
            detail = change.details.get(name, "changed")
            message = (
                f"{name} changed at hop {change.hop} ({hop_words(link, change.hop)}): {detail}"
            )
            out.append(make(message, {"param": name, "detail": detail}, {"hop": change.hop}))
    return out


def fragment_params(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Tracking parameters a hop moved behind `#`, where servers and tags do not see them."""
    for change in link.ledger:
        if change.moved_to_fragment:
            names = ", ".join(change.moved_to_fragment)
            words = hop_words(link, change.hop)
            message = f"{names} moved into the #fragment at hop {change.hop} ({words})"
            return [make(message, {"moved": change.moved_to_fragment}, {"hop": change.hop})]
    return []


def must_arrive(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Parameters the input (CSV `must_arrive`) requires on the landing URL."""
    wanted = list(link.expected.get("must_arrive") or []) + list(args.get("params") or [])
    if not wanted or link.verdict != "ok":
        return []
    landed = link.final_url or link.url
    present = {n for n, _ in _pairs(landed)}
    missing = [n for n in dict.fromkeys(wanted) if n not in present]
    if not missing:
        return []
    message = f"{', '.join(missing)} did not arrive on the landing page {landed}"
    evidence: dict[str, Any] = {"missing": missing, "landing_url": landed}
    hops = {first_loss(link.ledger).get(name) for name in missing}
    if len(hops) == 1 and None not in hops:  # one redirect dropped them all: its finding's cause
        evidence["cause"] = dropped_cause(hops.pop())
    return [make(message, evidence, {})]


def dropped_cause(hop: int | None) -> str:
    """The cause of parameters a redirect dropped (tagaudit.rules.causes merges the findings
    that share it: the required click id that never arrived is the hop that dropped it)."""
    return f"params-dropped-at-hop-{hop}"


def _pairs(url: str) -> list[tuple[str, str]]:
    return raw_pairs(urlsplit(url).query)


def verdict(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """A link whose verdict is `args['verdict']` (broken / unverifiable), with its reason."""
    if link.verdict != args.get("verdict", "broken"):
        return []
    message = link.error or link.reason or link.verdict
    if link.hops and link.reason != "loop":
        message += f" at hop {len(link.hops)} ({path_of(link.hops[-1].url)})"
    evidence = {
        "reason": link.reason,
        "final_url": link.final_url,
        "final_status": link.final_status,
        "chain": _chain(link),
    }
    if "cycle" in link.landing:
        evidence["cycle"] = link.landing["cycle"]
    return [make(message, evidence, {"hop": len(link.hops)})]


_DEFAULT_PORTS = {"http": "80", "https": "443"}


def landing_matches(pattern: str, url: str) -> bool:
    """host/path pattern (globs allowed; `/path` alone matches any host) against a URL.

    `shop.example/landing/spring/*` matches `https://shop.example/landing/spring/` (the `*`
    may be empty) and `…/spring/offer`; a trailing slash never decides; a pattern naming a
    port (`127.0.0.1:8000/landing/`) compares host and port (the scheme's default port when
    the URL names none).
    """
    parts = urlsplit(url if "://" in url else f"http://{url}")
    pattern = pattern.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0].lower()
    path = parts.path or "/"
    if pattern.startswith("/"):
        target = path
    else:
        host = (parts.hostname or "").lower()
        if ":" in pattern.split("/", 1)[0]:
            port = str(parts.port) if parts.port else _DEFAULT_PORTS.get(parts.scheme, "")
            host = f"{host}:{port}"
        target = f"{host}{path}"
    targets = {target.lower(), target.lower().rstrip("/") or "/", target.lower() + "/"}
    patterns = {pattern, pattern.rstrip("/") or "/"}
    return any(fnmatch.fnmatchcase(t, p) for t in targets for p in patterns)


def landing(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """The link lands somewhere other than the expected landing (host/path pattern)."""
    expected = link.expected.get("landing")
    if not expected or link.verdict != "ok" or not link.final_url:
        return []
    if landing_matches(expected, link.final_url):
        return []
    message = f"lands on {link.final_url}, expected {expected}"
    evidence = {"expected": expected, "landed": link.final_url, "link": link.url}
    return [make(message, evidence, {"hop": len(link.hops)})]


def https_downgrade(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """A hop from https to http anywhere in the chain."""
    for number in range(1, len(link.hops)):
        before, after = link.hops[number - 1], link.hops[number]
        if before.url.startswith("https://") and after.url.startswith("http://"):
            message = f"https → http at hop {number} ({before.url} → {after.url})"
            return [make(message, {"from": before.url, "to": after.url}, {"hop": number})]
    return []


def chain_length(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """More redirects than the budget (`max_hops`, default 3)."""
    budget = int(args.get("max_hops", 3))
    redirects = sum(1 for h in link.hops if h.location)
    if link.reason == "too-many-hops" or redirects <= budget:
        return []
    route = " → ".join(f"{path_of(h.url)} [{h.status}]" for h in link.hops)
    message = f"{redirects} redirects (budget {budget}): {route}"
    return [make(message, {"redirects": redirects, "budget": budget, "chain": _chain(link)}, {})]


def browser_differs(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """The browser (JavaScript or meta redirects) lands elsewhere than an HTTP client, and
    loses tracking parameters on the way. A JavaScript redirect that keeps every parameter
    is how many sites route campaigns: nothing is wrong then, and nothing is reported."""
    info = link.landing
    if not info.get("differs"):
        return []
    http_final, browser_final = info.get("http_final_url"), info.get("browser_final_url")
    sent = link_params(link.url)
    arrived = dict(raw_pairs(urlsplit(browser_final or "").query))
    lost = [name for name, value in sent.items() if arrived.get(name) != value]
    if not lost:
        return []
    message = (
        f"the browser lands on {browser_final} (the HTTP client on {http_final}) and loses "
        f"{', '.join(lost)} on the way"
    )
    hops = [Hop(**h) for h in info.get("browser_hops", [])]
    evidence: dict[str, Any] = {"http_final_url": http_final, "browser_final_url": browser_final}
    evidence["lost"] = lost
    evidence["browser_chain"] = [{"url": h.url, "status": h.status, "via": h.via} for h in hops]
    return [make(message, evidence, {})]


CLICK_ID_PARAMS = ["gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid"]
CONSENT_HINT = "run with --consent accept"


def _unstored(link: LinkResult, args: dict[str, Any]) -> list[str]:
    """Click ids that reached the landing URL but no tag hit reported and no cookie kept."""
    info = link.landing
    wanted = args.get("params") or CLICK_ID_PARAMS
    stored, reached = info.get("stored_in_cookies", {}), set(info.get("reached_analytics", []))
    return [n for n in info["arrived"] if n in wanted and n not in stored and n not in reached]


def not_stored(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """A click id reached the landing URL but no tag hit reported it and no cookie kept it,
    on a landing whose tags did not wait for a consent the visit never gave (that is
    `consent_waiting`'s line) nor were refused it (a reject choice: nothing to store)."""
    info = link.landing
    if "arrived" not in info or info.get("consent") == "none":
        return []
    if info.get("consent") == "denied" and info.get("banner"):
        return []  # the visitor (the run's choice) rejected: not storing is right
    lost = _unstored(link, args)
    if not lost:
        return []
    tags = ", ".join(info.get("providers") or []) or "no tag hit at all"
    message = f"{', '.join(lost)} arrived in the URL but no tag stored it (tags seen: {tags})"
    if info.get("consent") == "denied":
        message += "; Consent Mode said denied (gcs=G100) and no banner was found to grant it"
    evidence = {k: info.get(k) for k in ("arrived", "reached_analytics", "stored_in_cookies")}
    evidence |= {
        "cookies": info.get("cookies"),
        "analytics_page_urls": info.get("analytics_page_urls"),
        "consent": info.get("consent"),
    }
    return [make(message, evidence, {})]


def consent_waiting(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """A click id reached a landing whose tags wait for a consent the visit did not give:
    whether they store it is not known (the choice `none` was asked for)."""
    info = link.landing
    if "arrived" not in info or info.get("consent") != "none":
        return []
    lost = _unstored(link, args)
    if not lost:
        return []
    banner = f" ({info['banner']} banner)" if info.get("banner") else ""
    message = (
        f"{', '.join(lost)} arrived, but the landing's tags wait for consent{banner}, which "
        f"this visit did not give ({CONSENT_HINT})"
    )
    evidence = {"arrived": info.get("arrived"), "consent": "none", "banner": info.get("banner")}
    return [make(message, evidence, {})]


def privacy_strip(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Advice: click ids on this link that some browsers strip on navigation."""
    advice = _strip_advice(tuple(link_params(link.url)))
    if advice is None:
        return []
    message, stripped, sources = advice
    evidence = {"strippers": {k: list(v) for k, v in stripped.items()}, "sources": dict(sources)}
    return [make(message, evidence, {})]


@functools.lru_cache(maxsize=256)
def _strip_advice(names: tuple[str, ...]) -> tuple[str, dict, dict] | None:
    """(message, strippers, sources) for a link's tracking parameter names: links of one
    campaign share it (cached; the finding gets copies)."""
    stripped = strippers(list(names))
    if not stripped:
        return None
    parts = [f"{name} ({', '.join(b.title() for b in who)})" for name, who in stripped.items()]
    message = "browsers may strip " + "; ".join(parts) + " — not the site's doing"
    browsers = {b for who in stripped.values() for b in who}
    return message, stripped, sources_for(browsers)


@functools.lru_cache(maxsize=1 << 16)  # above the link count: several rules ask per link
def link_params(url: str) -> dict[str, str]:
    """tracking_params of a link's URL (cached: read it, never change it)."""
    return tracking_params(url)


LINK_CHECKS: dict[str, LinkCheck] = {
    "link-stripped-params": stripped_params,
    "link-changed-params": changed_params,
    "link-fragment-params": fragment_params,
    "link-must-arrive": must_arrive,
    "link-verdict": verdict,
    "link-landing": landing,
    "link-https-downgrade": https_downgrade,
    "redirect-chain": chain_length,
    "link-browser-differs": browser_differs,
    "link-param-stored": not_stored,
    "link-param-consent": consent_waiting,
    "link-privacy-strip": privacy_strip,
}

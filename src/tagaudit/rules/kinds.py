"""Check kinds, and the small hit-reading helpers every kind shares.

What one tag is (base account, account matching, its label) and whether a page loaded are
the model's words (tagaudit.model.tags, `PageVisit.loaded`), not these helpers'.

A check kind is a function `(rule, report) -> Iterable[Finding]`, registered by name in a
`Kinds` set with `@KINDS.register("name", required={...}, optional={...})`. A kind that
judges each followed link on its own also gives `per_link=(rule, link) -> findings`: the
engine then runs all such rules in one pass over the links, not one pass per rule. A kind whose
findings on a report are its findings on each page alone (with the other scenarios of that
page's URL: the consent kinds compare them) says `per_page=True`: the engine then runs all such
rules in one pass over the pages, each read once (a long run keeps its pages on disk). A kind
that compares pages across URLs (tag-inferred, the collector kinds) does not. The arg specs map
an argument name to the type(s) it accepts; the rule loader checks every rule file against
them (unknown, missing or mistyped args are ConfigErrors with file and line) so a kind can
trust its `rule.args`. Each checks module owns its own `KINDS`; tagaudit.rules.registry joins
them, by import, into the set the engine uses. Imports only tagaudit.model and rules.rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tagaudit.model import (
    Finding,
    LinkResult,
    PageVisit,
    Report,
    Request,
    TagHit,
    account_matches,
)
from tagaudit.rules.rule import Rule

CheckFunc = Callable[[Rule, Report], Iterable[Finding]]
LinkFunc = Callable[[Rule, LinkResult], Iterable[Finding]]
# Extra validation of a rule's args beyond types: returns (arg name, problem) pairs.
ArgsValidator = Callable[[dict[str, Any]], list[tuple[str, str]]]


@dataclass
class CheckKind:
    """A registered check: its function, argument specs and one-line description."""

    name: str
    func: CheckFunc
    required: dict[str, Any] = field(default_factory=dict)
    optional: dict[str, Any] = field(default_factory=dict)
    doc: str = ""
    validate: ArgsValidator | None = None
    per_link: LinkFunc | None = None  # the same check on one link (see the module docstring)
    per_page: bool = False  # judges each page (with its URL's scenarios) on its own


class Kinds(dict[str, CheckKind]):
    """Check kinds by name; `register` is the decorator that adds one."""

    def register(
        self,
        name: str,
        *,
        required: dict[str, Any] | None = None,
        optional: dict[str, Any] | None = None,
        validate: ArgsValidator | None = None,
        per_link: LinkFunc | None = None,
        per_page: bool = False,
    ) -> Callable[[CheckFunc], CheckFunc]:
        """Add the decorated function as kind `name` (a name registered twice is a bug)."""

        def add(func: CheckFunc) -> CheckFunc:
            assert name not in self, f"check kind {name!r} registered twice"
            lines = (func.__doc__ or "").strip().splitlines()
            doc = lines[0] if lines else ""
            self[name] = CheckKind(
                name, func, required or {}, optional or {}, doc, validate, per_link, per_page
            )
            return func

        return add

    @classmethod
    def joined(cls, *parts: Kinds) -> Kinds:
        """One set from several; a name in two of them is a bug."""
        joined = cls()
        for part in parts:
            clash = set(joined) & set(part)
            assert not clash, f"check kinds defined twice: {sorted(clash)}"
            joined.update(part)
        return joined


def as_list(value: Any) -> list[Any]:
    """An arg that may be one value or a list of them, as a list (None → [])."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def request_of(page: PageVisit, hit: TagHit) -> Request | None:
    """The request a hit was decoded from, when the capture recorded it."""
    return page.request_of(hit)


def delivery_problem(request: Request | None) -> str | None:
    """Why a request did not reach its server: `csp`, a network error, `HTTP 404` … or None."""
    return None if request is None else request.delivery_problem()


def is_delivered(page: PageVisit, hit: TagHit) -> bool:
    """Did the hit leave the page (answered locally counts: it would have been delivered)?"""
    return delivery_problem(request_of(page, hit)) is None


def hit_matches(
    hit: TagHit,
    provider: str | None,
    account: str | None = None,
    events: list[str] | None = None,
    kinds: tuple[str, ...] | None = ("hit",),
) -> bool:
    """Does `hit` belong to provider/account, send one of `events`, and have one of `kinds`?"""
    if provider and hit.provider != provider:
        return False
    if kinds and hit.kind not in kinds:
        return False
    if events and hit.event not in events:
        return False
    return account_matches(account, hit.account)


def describe_tag(provider: str, account: str | None = None, event: str | None = None) -> str:
    """Human words for a tag: `ga4 G-ABC123 purchase`."""
    return " ".join(part for part in (provider, account, event) if part)


def hit_location(hit: TagHit, **extra: Any) -> dict[str, Any]:
    """A finding's location for one hit: its tag, then `extra`, then its request index."""
    where = {"provider": hit.provider, "account": hit.account, "event": hit.event}
    return {**where, **extra, "request_index": hit.request_index}

"""The rule options of tagaudit.yaml: `expect:`, `severity:`, `args:` and `ignore:`.

Reads them into tagaudit.rules.options types (compiled into rules by the rules engine), each
mistake one ConfigError naming file, line and field. Split from config.py, which reads the
rest of the file. Imports tagaudit.yamlfile and tagaudit.rules.options.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tagaudit.patterns import pattern_problem, regex_problem
from tagaudit.rules.options import Expectation, Ignore
from tagaudit.yamlfile import Where, unknown_message

SEVERITY_CHOICES = ("error", "warning", "info", "off")


def string_list(where: Where, key: str, *, single_ok: bool = True) -> list[str]:
    """`key` as a list of strings (one string is a list of one when `single_ok`)."""
    value = where.data.get(key)
    if value is None:
        return []
    if isinstance(value, str) and single_ok:
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        where.fail(key, "must be a list of strings")
    return [str(v) for v in value]


def pattern_list(where: Where, key: str) -> list[str]:
    """`key` as a list of URL patterns (tagaudit.patterns), each one that could hang a run or
    does not compile refused here with file, line and field."""
    patterns = string_list(where, key)
    for pattern in patterns:
        problem = pattern_problem(pattern)
        if problem:
            where.fail(key, f"pattern {pattern!r}: {problem}")
    return patterns


def choice(where: Where, key: str, choices: tuple[str, ...]) -> str | None:
    """`key` as one of `choices`, or None when absent."""
    value = where.data.get(key)
    if value is None:
        return None
    if value not in choices:
        where.fail(key, f"must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def entries(where: Where, key: str) -> list[Where]:
    """A cursor on each mapping of the list under `key` (each must be a mapping)."""
    value = where.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        where.fail(key, "must be a list")
    return [where.child(key, index) for index in range(len(value))]


def severities(where: Where) -> dict[str, str]:
    def problem(level: Any) -> str | None:
        if level in SEVERITY_CHOICES:
            return None
        return f"must be one of {', '.join(SEVERITY_CHOICES)}, not {level!r}"

    return _per_rule(where, "severity", "error|warning|info|off", problem)


def rule_args(where: Where) -> dict[str, dict[str, Any]]:
    """`args:` as read, its marks kept: the rules engine checks each rule's arguments when
    the rules load, and names the file line of a bad one."""

    def problem(args: Any) -> str | None:
        return None if isinstance(args, dict) else f"must be a mapping of arguments, not {args!r}"

    _per_rule(where, "args", "a mapping of arguments", problem)
    value = where.data.get("args")
    return (
        value
        if value is not None and all(isinstance(k, str) for k in value)
        else ({str(k): v for k, v in (value or {}).items()})
    )


def _per_rule(
    where: Where, key: str, shape: str, problem: Callable[[Any], str | None]
) -> dict[str, Any]:
    """A `rule id → value` mapping under `key`; `problem(value)` says what is wrong with one."""
    value = where.data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        where.fail(key, f"must map rule ids to {shape}")
    inner = where.child(key)
    for rule_id, item in value.items():
        wrong = problem(item)
        if wrong:
            inner.fail(rule_id, wrong)
    return {str(k): v for k, v in value.items()}


EXPECT_KEYS = ("tag", "event", "on", "not_on", "params", "absent", "min", "max", "severity", "id")


def expectation(where: Where) -> Expectation:
    data = where.data
    for key in data:
        if key not in EXPECT_KEYS:
            where.fail(key, unknown_message(key, EXPECT_KEYS, "key"))
    tag, event = data.get("tag"), data.get("event")
    if not tag and not event:
        where.fail(None, "needs `tag: provider[:account]` or `event: [provider:]event`")
    provider, account = _split_tag(where, "tag", tag) if tag else (None, None)
    if event:
        event_provider, event = _split_event(where, str(event))
        if provider and event_provider and event_provider != provider:
            where.fail("event", f"provider {event_provider!r} differs from tag's {provider!r}")
        provider = provider or event_provider
    if not provider:
        where.fail("event", "name the provider: `ga4:purchase`, or add `tag: ga4`")
    result = Expectation(provider=str(provider), account=account, event=event, line=where.line())
    result.on = pattern_list(where, "on") or ["**"]
    result.not_on = pattern_list(where, "not_on")
    result.params, result.formats = _params(where)
    result.absent = data.get("absent", False)
    if not isinstance(result.absent, bool):
        where.fail("absent", f"must be true or false, not {result.absent!r}")
    result.min, result.max = _count(where, "min"), _count(where, "max")
    result.severity = choice(where, "severity", ("error", "warning", "info"))
    result.id = str(data["id"]) if data.get("id") else None
    return result


PARAM_FORMATS = ("number", "integer", "currency", "nonempty")


def _params(where: Where) -> tuple[list[str], dict[str, str]]:
    """`params: [value, currency]`, or a mapping to formats: `{value: number, order: re:^A-}`."""
    value = where.data.get("params")
    if not isinstance(value, dict):
        return string_list(where, "params"), {}
    inner = where.child("params")
    formats = {}
    for name, fmt in value.items():
        if fmt is None:
            continue
        if not isinstance(fmt, str) or not (fmt in PARAM_FORMATS or fmt.startswith("re:")):
            inner.fail(name, f"format must be one of {', '.join(PARAM_FORMATS)} or re:<regex>")
        if fmt.startswith("re:") and (problem := regex_problem(fmt[3:])):
            inner.fail(name, problem)
        formats[str(name)] = fmt
    return [str(name) for name in value], formats


def _split_tag(where: Where, key: str, value: Any) -> tuple[str, str | None]:
    if not isinstance(value, str) or not value.strip():
        where.fail(key, "must be `provider` or `provider:account`, e.g. ga4:G-ABC123")
    provider, _, account = value.partition(":")
    return provider.strip(), (account.strip() or None)


def _split_event(where: Where, value: str) -> tuple[str | None, str]:
    provider, sep, event = value.rpartition(":")
    if not event:
        where.fail("event", "must be `event` or `provider:event`, e.g. ga4:purchase")
    return (provider or None) if sep else None, event


def _count(where: Where, key: str) -> int | None:
    value = where.data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        where.fail(key, f"must be a whole number >= 0, not {value!r}")
    return value


def ignore(where: Where) -> Ignore:
    data = where.data
    for key in data:
        if key not in ("fingerprint", "rule", "on", "reason"):
            where.fail(key, unknown_message(key, ("fingerprint", "rule", "on", "reason"), "key"))
    if not data.get("reason"):
        where.fail(None, "needs a `reason` saying why this finding is accepted")
    if not data.get("fingerprint") and not data.get("rule"):
        where.fail(None, "needs a `fingerprint` (from the report) or a `rule` id")
    return Ignore(
        reason=str(data["reason"]),
        fingerprint=str(data["fingerprint"]) if data.get("fingerprint") else None,
        rule=str(data["rule"]) if data.get("rule") else None,
        on=pattern_list(where, "on"),
    )

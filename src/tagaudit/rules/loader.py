"""Reading rule files: YAML → validated Rules. Every problem names file, line and field.

Owns the rule file format and finding the built-in rule files in both layouts (repository
checkout: `<repo>/rules`; installed wheel: `tagaudit/_builtin_rules`). A rule file is either
a list of rules or a mapping with a `rules:` list; see rules/README.md for the fields.
Imports tagaudit.model, tagaudit.yamlfile (line-aware YAML), tagaudit.errors, tagaudit.rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tagaudit.errors import ConfigError
from tagaudit.model import CATEGORIES, SCENARIOS, SEVERITIES
from tagaudit.patterns import pattern_problem
from tagaudit.rules.kinds import CheckKind
from tagaudit.rules.registry import CHECK_KINDS
from tagaudit.rules.rule import Rule, Scope
from tagaudit.yamlfile import MarkedDict, Where, load_yaml, unknown_message

RULE_KEYS = (
    "id",
    "title",
    "category",
    "severity",
    "scope",
    "check",
    "args",
    "help",
    "description",
    "examples",
)
REQUIRED_KEYS = ("id", "title", "category", "severity", "check", "help")
SCOPE_KEYS = ("pages", "exclude", "scenarios", "links", "steps")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def builtin_rules_dir() -> Path:
    """The shipped rules/: next to src/ in a checkout, `_builtin_rules` in an installed wheel."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parents[1] / "rules", package / "_builtin_rules"):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    raise ConfigError("the built-in rule files are missing from this installation")


def builtin_rule_files() -> list[Path]:
    return sorted(builtin_rules_dir().glob("*.yaml"))


def read_rule_file(
    path: Path, kinds: dict[str, CheckKind] = CHECK_KINDS, shipped: bool = False
) -> list[Rule]:
    """All rules of one file, validated against the check kinds (all built-in ones).

    `shipped`: one of tagaudit's own rule files (read with the fast YAML parser)."""
    data = load_yaml(path, shipped=shipped)
    where = Where(path, data)
    if isinstance(data, dict):
        if "rules" not in data:
            where.fail(None, "a rule file is a list of rules, or has a `rules:` list")
        where = where.child("rules")
        data = where.data
    if not isinstance(data, list):
        where.fail(None, "must be a list of rules")
    rules = []
    for index, item in enumerate(data):
        if not isinstance(item, MarkedDict):
            where.fail(index, "each rule must be a mapping")
        rules.append(parse_rule(Where(path, item, f"rules[{index}]"), kinds))
    return rules


def parse_rule(where: Where, kinds: dict[str, CheckKind]) -> Rule:
    """One rule mapping → Rule, or a ConfigError naming the field."""
    data = where.data
    for key in data:
        if key not in RULE_KEYS:
            where.fail(key, unknown_message(key, RULE_KEYS, "key"))
    for key in REQUIRED_KEYS:
        # An info rule with nothing to fix says so with `help: ""` (reports show no fix).
        empty_ok = key == "help" and data.get("severity") == "info"
        if not isinstance(data.get(key), str) or not (data[key].strip() or empty_ok):
            where.fail(key if key in data else None, f"`{key}` is required (a string)")
    _check_choice(where, "id", None)
    _check_choice(where, "category", CATEGORIES)
    _check_choice(where, "severity", SEVERITIES)
    if "\n" in data["title"].strip() or "\n" in data["help"].strip():
        where.fail("title" if "\n" in data["title"].strip() else "help", "must be one line")
    kind = kinds.get(data["check"])
    if kind is None:
        where.fail("check", unknown_message(data["check"], kinds, f"check kind {data['check']!r}"))
    args = _args(where, kind)
    return Rule(
        id=data["id"],
        title=data["title"].strip(),
        category=data["category"],
        severity=data["severity"],
        check=data["check"],
        args=args,
        scope=_scope(where),
        help=data["help"].strip(),
        description=reflow(str(data.get("description") or "")),
        examples=_examples(where),
        source=f"{where.path}:{where.line()}",
    )


def reflow(text: str) -> str:
    """Join the lines of each paragraph (YAML `|` blocks keep the file's line breaks)."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _check_choice(where: Where, key: str, choices: tuple[str, ...] | None) -> None:
    value = where.data[key]
    if choices is None and not RULE_ID.match(value):
        where.fail(key, f"{value!r}: use lowercase letters, digits, '-' and '.'")
    if choices is not None and value not in choices:
        where.fail(key, f"{value!r} is not one of {', '.join(choices)}")


def _args(where: Where, kind: CheckKind) -> dict[str, Any]:
    args = where.data.get("args") or MarkedDict()
    if not isinstance(args, dict):
        where.fail("args", "must be a mapping")
    for name in kind.required:
        if name not in args:
            where.fail("args", f"check {kind.name!r} needs `{name}`")
    return check_args(Where(where.path, args, where.name("args")), kind)


def check_args(inner: Where, kind: CheckKind, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """`inner.data` as arguments of `kind` (names and types), merged over `base`; plain.

    Shared by rule files and tagaudit.yaml's `args:` overrides, so both fail the same way.
    """
    args = inner.data
    known = {**kind.required, **kind.optional}
    for name, value in args.items():
        if name not in known:
            inner.fail(name, f"unknown argument of {kind.name!r} (known: {', '.join(known)})")
        if not isinstance(value, known[name]) or isinstance(value, bool) is not _wants_bool(
            known[name]
        ):
            inner.fail(name, f"must be {_type_words(known[name])}, not {value!r}")
    merged = {**(base or {}), **plain(args)}
    for name, problem in kind.validate(merged) if kind.validate else []:
        inner.fail(name.split(".")[0], f"{name}: {problem}")
    return merged


def plain(value: Any) -> Any:
    """Marked YAML containers → plain dicts and lists (rules are data others print and dump)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _wants_bool(spec: Any) -> bool:
    types = spec if isinstance(spec, tuple) else (spec,)
    return bool in types


def _type_words(spec: Any) -> str:
    types = spec if isinstance(spec, tuple) else (spec,)
    words = {str: "a string", int: "a whole number", float: "a number", list: "a list"}
    words |= {dict: "a mapping", bool: "true or false"}
    return " or ".join(words.get(t, t.__name__) for t in types)


def _scope(where: Where) -> Scope:
    scope = where.data.get("scope")
    if scope is None:
        return Scope()
    if not isinstance(scope, dict):
        where.fail("scope", "must be a mapping with pages / exclude / scenarios / links / steps")
    inner = Where(where.path, scope, where.name("scope"))
    result = Scope()
    for key, value in scope.items():
        if key not in SCOPE_KEYS:
            inner.fail(key, f"unknown key (known: {', '.join(SCOPE_KEYS)})")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            inner.fail(key, "must be a pattern or a list of patterns")
        for pattern in values if key not in ("scenarios", "steps") else []:
            _check_pattern(inner, key, pattern)
        if key == "scenarios" and any(v not in SCENARIOS for v in values):
            inner.fail(key, f"scenarios are {', '.join(SCENARIOS)}")
        setattr(result, key, list(values))
    return result


def _check_pattern(where: Where, key: str, pattern: str) -> None:
    problem = pattern_problem(pattern)
    if problem:
        where.fail(key, f"pattern {pattern!r}: {problem}")


def _examples(where: Where) -> dict[str, str]:
    examples = where.data.get("examples")
    if examples is None:
        return {}
    if not isinstance(examples, dict) or not set(examples) <= {"bad", "good"}:
        where.fail("examples", "must be a mapping with `bad` and `good` texts")
    return {k: str(v).rstrip() for k, v in examples.items()}

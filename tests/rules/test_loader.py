"""Malformed rule files: one ConfigError naming file, line and field (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagaudit.errors import ConfigError
from tagaudit.rules.loader import builtin_rules_dir, read_rule_file

GOOD = """\
rules:
  - id: my-rule
    title: GA4 on every page
    category: missing-tag
    severity: error
    check: tag-present
    args: {provider: ga4}
    help: Install GA4.
"""

BAD_CASES = [
    ("unknown key", GOOD.replace("    help:", "    helpp: x\n    help:"), 8, "rules[0].helpp"),
    ("bad category", GOOD.replace("missing-tag", "missing"), 4, "rules[0].category"),
    ("bad severity", GOOD.replace("severity: error", "severity: fatal"), 5, "rules[0].severity"),
    ("unknown kind", GOOD.replace("check: tag-present", "check: nope"), 6, "rules[0].check"),
    ("missing arg", GOOD.replace("{provider: ga4}", "{}"), 7, "rules[0].args"),
    (
        "unknown arg",
        GOOD.replace("{provider: ga4}", "{provider: ga4,\n           acount: G-1}"),
        8,
        "rules[0].args.acount",
    ),
    (
        "mistyped arg",
        GOOD.replace("{provider: ga4}", "{provider: ga4, min: many}"),
        7,
        "rules[0].args.min",
    ),
    (
        "bool is no int",
        GOOD.replace("{provider: ga4}", "{provider: ga4, min: true}"),
        7,
        "rules[0].args.min",
    ),
    ("missing help", GOOD.replace("    help: Install GA4.\n", ""), 2, "rules[0]"),
    ("bad id", GOOD.replace("my-rule", "My Rule"), 2, "rules[0].id"),
    (
        "bad scope",
        GOOD.replace("    check:", '    scope: {pages: ["re:("]}\n    check:'),
        6,
        "rules[0].scope.pages",
    ),
    (
        "bad format",
        GOOD.replace("tag-present", "event-params").replace(
            "{provider: ga4}", "{provider: ga4, formats: {value: money}}"
        ),
        7,
        "rules[0].args.formats",
    ),
    ("duplicate key", GOOD.replace("    help:", "    title: again\n    help:"), 8, "title"),
    ("not yaml", GOOD + "  - [unclosed\n", 10, None),
]


@pytest.mark.parametrize(
    ("text", "line", "field"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES]
)
def test_malformed_rule_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        read_rule_file(path)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert error.exit_code == 2
    assert "\n" not in error.one_line()
    assert error.one_line().startswith(f"{path}:{line}: ")


def test_good_rule_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD)
    [rule] = read_rule_file(path)
    assert (rule.id, rule.check, rule.args, rule.source) == (
        "my-rule",
        "tag-present",
        {"provider": "ga4"},
        f"{path}:2",
    )


def test_a_plain_list_is_a_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(GOOD.replace("rules:\n", "").replace("\n  ", "\n").lstrip(" "))
    assert [r.id for r in read_rule_file(path)] == ["my-rule"]


def test_builtin_rules_are_found_in_the_checkout() -> None:
    assert builtin_rules_dir() == Path(__file__).resolve().parents[2] / "rules"

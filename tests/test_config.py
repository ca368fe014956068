"""tagaudit.yaml: every key read into Config; every mistake one line with file, line, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagaudit.config import Expectation, Ignore, load_config
from tagaudit.errors import ConfigError

FULL = """\
pages: [https://shop.test/, https://shop.test/cart]
crawl: {concurrency: 2, max_pages: 10}
consent: [none, reject]
deliver_hits: true
rules: [rules/ours.yaml]
expect:
  - tag: ga4:G-ABC123
  - event: ga4:purchase
    on: /checkout/thank-you*
    params: [transaction_id, value, currency]
  - tag: meta_pixel
    absent: true
    on: [/privacy*]
    not_on: [/privacy/meta]
disable: [console-errors, "pii-*"]
severity: {tag-inferred-missing: error, duplicate-conversion: off}
ignore:
  - fingerprint: 3f2a9c0d11e4b7a2
    reason: legacy page
  - rule: pii-in-hit
    on: [/debug*]
    reason: test page
fail_on: warning
"""


def test_full_config(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(FULL)
    config = load_config(path)
    assert config.pages == ["https://shop.test/", "https://shop.test/cart"]
    assert (config.crawl.concurrency, config.crawl.max_pages) == (2, 10)
    assert config.consent == ["none", "reject"]
    assert config.deliver_hits is True
    assert config.rule_files == [tmp_path / "rules/ours.yaml"]
    assert config.expect == [
        Expectation(provider="ga4", account="G-ABC123", line=7),
        Expectation(
            provider="ga4",
            event="purchase",
            on=["/checkout/thank-you*"],
            params=["transaction_id", "value", "currency"],
            line=8,
        ),
        Expectation(
            provider="meta_pixel", absent=True, on=["/privacy*"], not_on=["/privacy/meta"], line=11
        ),
    ]
    assert config.disable == ["console-errors", "pii-*"]
    assert config.severity == {"tag-inferred-missing": "error", "duplicate-conversion": "off"}
    assert config.ignore == [
        Ignore(reason="legacy page", fingerprint="3f2a9c0d11e4b7a2"),
        Ignore(reason="test page", rule="pii-in-hit", on=["/debug*"]),
    ]
    assert config.fail_on == "warning"


def test_no_config_is_defaults() -> None:
    config = load_config(None)
    assert (config.pages, config.expect, config.ignore, config.fail_on) == ([], [], [], None)


def test_empty_file_is_defaults(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text("# nothing yet\n")
    assert load_config(path).pages == []


BAD = [
    ("unknown top key", "pagez: [a]\n", 1, "pagez"),
    ("crawl setting", "crawl:\n  speed: 3\n", 2, "crawl.speed"),
    ("crawl type", "crawl:\n  concurrency: lots\n", 2, "crawl.concurrency"),
    ("expect key", "expect:\n  - tag: ga4\n    page: /\n", 3, "expect[0].page"),
    ("expect needs tag", "expect:\n  - on: /\n", 2, "expect[0]"),
    ("event needs provider", "expect:\n  - event: purchase\n", 2, "expect[0].event"),
    (
        "two providers",
        "expect:\n  - tag: ga4\n    event: meta_pixel:Purchase\n",
        3,
        "expect[0].event",
    ),
    ("absent not bool", "expect:\n  - tag: ga4\n    absent: maybe\n", 3, "expect[0].absent"),
    ("count", "expect:\n  - tag: ga4\n    min: -1\n", 3, "expect[0].min"),
    ("expect entry", "expect:\n  - ga4\n", 2, "expect[0]"),
    ("severity level", "severity:\n  pii-in-hit: fatal\n", 2, "severity.pii-in-hit"),
    ("ignore reason", "ignore:\n  - fingerprint: abc\n", 2, "ignore[0]"),
    ("ignore target", "ignore:\n  - reason: x\n", 2, "ignore[0]"),
    ("fail_on", "fail_on: sometimes\n", 1, "fail_on"),
    ("not a mapping", "- a\n- b\n", 1, None),
    ("yaml syntax", "pages: [a\n", 2, None),
    ("duplicate key", "pages: [a]\npages: [b]\n", 2, "pages"),
]


@pytest.mark.parametrize(("text", "line", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_config_names_file_line_field(
    tmp_path: Path, text: str, line: int, field: str | None
) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert error.exit_code == 2 and "\n" not in error.one_line()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read file"):
        load_config(tmp_path / "nope.yaml")


def test_on_is_a_key_not_a_boolean(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text("expect:\n  - tag: ga4\n    on: /x\n")
    assert load_config(path).expect[0].on == ["/x"]


def test_params_with_formats(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(
        "expect:\n  - event: ga4:purchase\n"
        "    params: {value: integer, order_ref: 're:^A-', coupon:}\n"
    )
    [expectation] = load_config(path).expect
    assert expectation.params == ["value", "order_ref", "coupon"]
    assert expectation.formats == {"value": "integer", "order_ref": "re:^A-"}


def test_bad_param_format(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text("expect:\n  - event: ga4:purchase\n    params:\n      value: money\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.line, caught.value.field) == (4, "expect[0].params.value")


def test_unknown_consent_scenario_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text("pages: [https://shop.test/]\nconsent: [none, maybe]\n")
    with pytest.raises(ConfigError) as problem:
        load_config(path)
    assert problem.value.one_line().startswith(f"{path}:2: consent: scenarios are none")

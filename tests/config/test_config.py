"""tagaudit.yaml: every key read into Config; every mistake one line with file, line, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagaudit.config import Config, config_from_mapping, load_config
from tagaudit.errors import ConfigError, UsageError
from tagaudit.rules.options import Expectation, Ignore

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
    assert config.consent.scenarios == ["none", "reject"]
    assert config.session.deliver_hits is True
    assert config.rules.files == [tmp_path / "rules/ours.yaml"]
    assert config.rules.expect == [
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
    assert config.rules.disable == ["console-errors", "pii-*"]
    assert config.rules.severity == {"tag-inferred-missing": "error", "duplicate-conversion": "off"}
    assert config.rules.ignore == [
        Ignore(reason="legacy page", fingerprint="3f2a9c0d11e4b7a2"),
        Ignore(reason="test page", rule="pii-in-hit", on=["/debug*"]),
    ]
    assert config.rules.fail_on == "warning"


def test_no_config_is_defaults() -> None:
    config = load_config(None)
    rules = config.rules
    assert (config.pages, rules.expect, rules.ignore, rules.fail_on) == ([], [], [], None)


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
    assert load_config(path).rules.expect[0].on == ["/x"]


def test_params_with_formats(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(
        "expect:\n  - event: ga4:purchase\n"
        "    params: {value: integer, order_ref: 're:^A-', coupon:}\n"
    )
    [expectation] = load_config(path).rules.expect
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


# Typed sections: browser:, links:, providers: are read and checked like the rest.
SECTIONS = """\
crawl: {concurrency: 2, isolation: context, quiet_ms: 300}
browser: {path: /opt/chrome, locale: de-DE, timezone: Europe/Berlin, args: [--lang=de]}
links:
  targets: [links.csv]
  max_hops: 4
  transport: httpx
  sources: {social: [mastodon]}
providers:
  - id: acme_collector
    name: Acme
    endpoints: [{kind: hit, hosts: [t.shop.test], paths: ['^/e$']}]
"""


def test_typed_sections(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(SECTIONS)
    config = load_config(path)
    assert (config.crawl.concurrency, config.page.isolation, config.page.quiet_ms) == (
        2,
        "context",
        300,
    )
    assert (config.session.path, config.session.locale, config.session.args) == (
        "/opt/chrome",
        "de-DE",
        ["--lang=de"],
    )
    assert config.links.targets == ["links.csv"]
    assert (config.links.max_hops, config.links.transport) == (4, "httpx")
    assert config.links.sources == {"social": ["mastodon"]}
    assert [p["id"] for p in config.providers] == ["acme_collector"]


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("browser: {colour: red}\n", 1, "browser.colour"),
        ("browser: [chromium]\n", 1, "browser"),
        ("links:\n  max_hops: 0\n", 2, "links.max_hops"),
        ("links:\n  transport: curl\n", 2, "links.transport"),
        ("links:\n  sources: {radio: [x]}\n", 2, "links.sources.radio"),
        ("crawl:\n  concurrency: 0\n", 2, "crawl.concurrency"),
        ("crawl:\n  max_pages: 0\n", 2, "crawl.max_pages"),
        ("crawl:\n  isolation: fresh\n", 2, "crawl.isolation"),
        ("crawl:\n  quiet_ms: true\n", 2, "crawl.quiet_ms"),
        ("providers: [acme]\n", 1, "providers[0]"),
    ],
)
def test_bad_sections_name_file_line_field(
    tmp_path: Path, text: str, line: int, field: str
) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_flags_override_the_file_and_are_checked_like_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(SECTIONS)
    config = load_config(path)
    allowed = ("crawl.concurrency", "page.quiet_ms", "session.path")
    flags = {"concurrency": 6, "quiet_ms": None, "browser": "/usr/bin/x"}
    merged = config.with_options(flags, allowed, as_flags=True)
    assert (merged.crawl.concurrency, merged.page.quiet_ms) == (6, 300)  # None: not given
    assert (merged.session.path, merged.session.locale) == ("/usr/bin/x", "de-DE")
    assert config.crawl.concurrency == 2  # the file's config is left as it was
    with pytest.raises(ConfigError) as caught:
        config.with_options({"concurrency": 0}, allowed, as_flags=True)
    assert caught.value.one_line() == "--concurrency: must be at least 1, not 0"
    with pytest.raises(ConfigError) as caught:
        config.with_options({"concurrency": 0}, allowed)  # a keyword of the library
    assert caught.value.one_line() == "concurrency: must be at least 1, not 0"


def test_rule_files_from_flags_add_to_the_files_of_the_config(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text("rules: [ours.yaml]\n")
    merged = load_config(path).with_options({"rules": ["extra.yaml"]}, ("rules.files",))
    assert merged.rules.files == [tmp_path / "ours.yaml", Path("extra.yaml").resolve()]


def test_a_mapping_is_a_config_too() -> None:
    config = config_from_mapping({"crawl": {"depth": 2}, "consent": ["none", "reject"]})
    assert (config.crawl.depth, config.consent.scenarios) == (2, ["none", "reject"])
    with pytest.raises(ConfigError) as caught:
        config_from_mapping({"crawl": {"depth": -1}})
    assert caught.value.field == "crawl.depth"
    merged = config.with_options({"depth": 0}, ("crawl.depth",))
    assert (merged.crawl.depth, merged.consent.scenarios) == (0, ["none", "reject"])


def test_an_option_outside_the_command_is_refused() -> None:
    with pytest.raises(UsageError, match="unknown option 'max_hops' \\(known: concurrency\\)"):
        Config().with_options({"max_hops": 3}, ("crawl.concurrency",))

"""`journeys:` in tagaudit.yaml: read into Journey/Step/Action, every mistake one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.config import load_config
from tagaudit.errors import ConfigError

CHECKOUT = """\
journeys:
  - name: checkout
    consent: accept
    start: /go/spring?gclid=TEST123
    steps:
      - name: cart
        do:
          - click: Add to cart
          - click: {role: button, name: Checkout}
      - name: confirmation
        timeout: 5
        do:
          - fill: {label: Email, value: buyer@example.com}
          - select: {css: "#country", value: DE}
          - check: {label: I accept the terms}
          - press: Enter
          - submit: {css: form}
          - wait_for: {url: "**/thank-you*"}
          - wait_for: {hit: "ga4:purchase"}
          - evaluate: "window.scrollTo(0, 9999)"
          - screenshot: after-order
        expect:
          - event: ga4:purchase
            params: [transaction_id, value, currency]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(text)
    return path


def test_a_journey_is_read_with_its_steps_actions_and_expectations(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, CHECKOUT))
    [journey] = config.journeys.journeys
    assert (journey.name, journey.consent, journey.start) == (
        "checkout",
        "accept",
        "/go/spring?gclid=TEST123",
    )
    assert [s.name for s in journey.steps] == ["cart", "confirmation"]
    kinds = [a.kind for a in journey.steps[1].actions]
    assert kinds == [
        "fill", "select", "check", "press", "submit", "wait_for", "wait_for", "evaluate",
        "screenshot",
    ]  # fmt: skip
    assert journey.steps[0].actions[0].args == {"text": "Add to cart"}
    assert journey.steps[1].timeout == 5.0
    assert journey.source == f"{tmp_path / 'tagaudit.yaml'}:2"
    # Step expectations become rules scoped to that step.
    [expectation] = [e for e in config.rule_options().expect if e.journey]
    assert (expectation.journey, expectation.step, expectation.event) == (
        "checkout",
        "confirmation",
        "purchase",
    )


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (
            "journeys: [{name: j, steps: [{name: s, do: [{clik: Buy}]}]}]\n",
            1,
            "journeys[0].steps[0].do[0].clik",
            "unknown action 'clik'",
        ),
        (
            "journeys:\n  - name: j\n    steps:\n      - name: s\n        do:\n"
            "          - fill: {value: x}\n",
            6,
            "journeys[0].steps[0].do[0].fill",
            "needs a target",
        ),
        (
            "journeys:\n  - name: j\n    steps:\n      - name: s\n        do:\n"
            "          - press: {label: Search}\n",
            6,
            "journeys[0].steps[0].do[0].press",
            "`press` needs a `key`, e.g. {key: Enter, label: Search}",
        ),
        (
            "journeys:\n  - name: j\n    steps:\n      - name: s\n        do:\n"
            "          - goto: {css: a}\n",
            6,
            "journeys[0].steps[0].do[0].goto",
            "`goto` takes a text: a URL or a path",
        ),
        (
            "journeys:\n  - name: j\n    steps:\n      - name: s\n        do:\n"
            "          - fill: Email\n",
            6,
            "journeys[0].steps[0].do[0].fill",
            "needs a mapping",
        ),
        (
            "journeys:\n  - name: j\n    steps:\n      - name: s\n        do:\n"
            "          - click: {role: button}\n",
            6,
            "journeys[0].steps[0].do[0].click.role",
            "accessible `name`",
        ),
        (
            "journeys:\n  - name: j\n    steps:\n      - name: s\n        do:\n"
            "          - wait_for: {url: a, selector: b}\n",
            6,
            "journeys[0].steps[0].do[0].wait_for",
            "exactly one of",
        ),
        (
            "journeys:\n  - name: j\n    steps:\n      - name: s\n",
            4,
            "journeys[0].steps[0]",
            "needs `do:`",
        ),
        ("journeys:\n  - name: j\n", 2, "journeys[0]", "needs either `steps:` or `script:`"),
        (
            "journeys:\n  - name: j\n    consent: maybe\n    steps: []\n",
            3,
            "journeys[0].consent",
            "must be one of",
        ),
        ("journeys:\n  - name: j\n    script: nope.py\n", 3, "journeys[0].script", "no such file"),
        (
            "journeys:\n  - {name: j, steps: [{name: s, do: [{goto: /}]}]}\n"
            "  - {name: j, steps: [{name: s, do: [{goto: /}]}]}\n",
            3,
            "journeys[1].name",
            "defined twice",
        ),
        (
            "journeys:\n  - name: j\n    steps:\n      - {name: s, do: [{goto: /}]}\n"
            "      - {name: s, do: [{goto: /}]}\n",
            5,
            "journeys[0].steps[1].name",
            "named twice",
        ),
    ],
)
def test_a_malformed_journey_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, words: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert words in error.one_line()


def test_the_cli_refuses_a_malformed_journey_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "journeys: [{name: j, steps: [{name: s, do: [{clik: Buy}]}]}]\n")
    assert main(["audit", "-c", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"tagaudit: {path}:1: journeys[0].steps[0].do[0].clik: unknown action")
    assert len(err.splitlines()) == 1


def test_a_relative_start_needs_a_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "journeys: [{name: j, steps: [{name: s, do: [{goto: /shop/}]}]}]\n")
    assert main(["audit", "-c", str(path)]) == 2
    assert "starts at the path '/shop/'" in capsys.readouterr().err


def test_an_unknown_journey_name_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "journeys: [{name: j, steps: [{name: s, do: [{goto: /}]}]}]\n")
    assert main(["audit", "https://shop.test/", "-c", str(path), "--journey", "nope"]) == 2
    assert "no journey named 'nope' (journeys: j)" in capsys.readouterr().err

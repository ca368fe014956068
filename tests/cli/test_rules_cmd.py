"""`tagaudit rules`: lists what a run applies, explains one rule, refuses unknown ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagaudit.cli import main


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "ga4-purchase-params" in out and "pii-in-hit" in out
    assert "tag-inferred-missing             warning   missing-tag" in out


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "meta-purchase-params"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("meta-purchase-params: Meta Purchase without value or currency\n")
    assert "Bad example:\n  fbq('track', 'Purchase')" in out
    assert "How to fix: Call fbq(" in out
    assert "defined at " in out and "ecommerce.yaml:" in out


def test_unknown_rule_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "no-such-rule"]) == 2
    err = capsys.readouterr().err
    assert err == "tagaudit: no rule 'no-such-rule' (`tagaudit rules` lists them)\n"


def test_config_expectations_and_disabled_rules_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "tagaudit.yaml"
    config.write_text("expect:\n  - tag: ga4:G-1\ndisable: [console-errors]\n")
    assert main(["rules", "-c", str(config)]) == 0
    out = capsys.readouterr().out
    assert "expect-1" in out and "ga4 G-1 not sent as expected on every page" in out
    assert "console-errors                   off" in out


def test_malformed_rule_file_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- id: x\n  title: t\n  category: nope\n  severity: error\n  check: pii\n  help: h\n"
    )
    assert main(["rules", "--rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"tagaudit: {bad}:3: rules[0].category: 'nope' is not one of")


def test_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--kinds"]) == 0
    out = capsys.readouterr().out
    for kind in ("tag-present", "tag-absent", "event-params", "duplicate-events", "pii"):
        assert f"\n{kind} " in f"\n{out}"

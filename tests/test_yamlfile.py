"""The fast YAML parser (libyaml) reads the files we ship exactly as the pure-Python one does.

tagaudit reads its own rules and provider catalog with libyaml for speed, and users' files
with the pure-Python parser (libyaml refuses some YAML users write). These tests pin that the
two give the same data, lines included, for every shipped file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from tagaudit.errors import ConfigError
from tagaudit.providers.catalog import BUILTIN_SOURCE
from tagaudit.providers.catalog import load_yaml as load_catalog_yaml
from tagaudit.rules.loader import builtin_rule_files
from tagaudit.yamlfile import FastSafeLoader, MarkedDict, MarkedList, load_yaml


def _with_lines(value: object) -> object:
    """The data with every container's line numbers, so a comparison sees those too."""
    if isinstance(value, dict):
        lines = getattr(value, "key_lines", None)
        return (
            getattr(value, "line", None),
            lines,
            {k: _with_lines(v) for k, v in value.items()},
        )
    if isinstance(value, list):
        return (getattr(value, "item_lines", None), [_with_lines(v) for v in value])
    return value


def test_libyaml_is_there() -> None:
    """PyYAML's wheels carry libyaml; without it the shipped files are read slowly."""
    assert FastSafeLoader is yaml.CSafeLoader


@pytest.mark.parametrize("path", builtin_rule_files(), ids=lambda p: p.name)
def test_shipped_rule_files_read_the_same_either_way(path: Path) -> None:
    fast, slow = load_yaml(path, shipped=True), load_yaml(path)
    assert isinstance(fast, (MarkedDict, MarkedList))
    assert _with_lines(fast) == _with_lines(slow)


def test_the_shipped_catalog_reads_the_same_either_way() -> None:
    text = resources.files("tagaudit.providers").joinpath("catalog.yaml").read_text("utf-8")
    fast = load_catalog_yaml(text, BUILTIN_SOURCE, shipped=True)
    slow = load_catalog_yaml(text, BUILTIN_SOURCE)
    assert _with_lines(fast) == _with_lines(slow)
    assert fast["providers"][0].line == slow["providers"][0].line


def test_users_files_keep_the_tolerant_parser(tmp_path: Path) -> None:
    """`{coupon:}` (a key with no value before `}`) is valid YAML that libyaml refuses."""
    path = tmp_path / "tagaudit.yaml"
    path.write_text("params: {value: integer, coupon:}\n")
    assert load_yaml(path) == {"params": {"value": "integer", "coupon": None}}
    with pytest.raises(ConfigError):
        load_yaml(path, shipped=True)

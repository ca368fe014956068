"""YAML that remembers where things stood: every error names the file, line and field.

Owns reading the user's YAML files (tagaudit.yaml, rule files): mappings and sequences that
keep the line of each key and item (`MarkedDict`, `MarkedList`), duplicate keys refused,
YAML 1.2 booleans (so `on:` stays a key), and `Where`, the cursor that turns a bad value into
a ConfigError with file, line and dotted field path. Imports only tagaudit.errors.

An alias bomb (anchors whose aliases nest: ten aliases of ten aliases of …) is a few lines
that expand to billions of values; it is refused before anything is built (`load_bounded`),
as is nesting deeper than Python's stack.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from tagaudit.errors import ConfigError


class MarkedDict(dict):
    """A YAML mapping that remembers where it and each of its keys stood (1-based lines)."""

    line: int | None = None
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


class MarkedList(list):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int | None = None
    item_lines: list[int]

    def line_of(self, index: int) -> int | None:
        lines = getattr(self, "item_lines", [])
        return lines[index] if index < len(lines) else self.line


# Values a document may expand to once its aliases are followed: a tagaudit.yaml with a few
# hundred pages and rules has some thousands.
MAX_EXPANDED_VALUES = 100_000


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(key)
        self.key, self.line = key, line


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader building MarkedDict / MarkedList, refusing duplicate keys."""


# The files we ship (rules/, the provider catalog) are read with libyaml's parser when
# PyYAML has it: about ten times faster, a third of a second off the start of every run.
# The user's files keep the pure-Python parser, which accepts what users' files may hold
# (`{coupon:}`, a key with no value before `}`, is refused by libyaml).
FastSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastMarkedLoader(FastSafeLoader):  # type: ignore[misc, valid-type]
    """_MarkedLoader on libyaml's parser, for the files shipped with tagaudit."""


def _construct_mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    result = MarkedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _MarkedLoader, node: yaml.SequenceNode) -> MarkedList:
    result = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


# YAML 1.1 reads `on`, `off`, `yes`, `no` as booleans; `on:` is our page-scope key, so only
# `true` / `false` are booleans here (as in YAML 1.2).
_RESOLVERS = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _loader in (_MarkedLoader, _FastMarkedLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    _loader.yaml_implicit_resolvers = {k: list(v) for k, v in _RESOLVERS.items()}
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )


def load_yaml(path: Path, shipped: bool = False) -> Any:
    """Parse a YAML file into Marked containers; any problem is a ConfigError with a line.

    `shipped`: a file of tagaudit's own (built-in rules), read with the fast parser."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as problem:
        raise ConfigError(f"cannot read file: {problem.strerror}", path=str(path)) from None
    loader = _FastMarkedLoader if shipped else _MarkedLoader
    try:
        return load_bounded(text, loader, str(path))
    except _DuplicateKey as dup:
        raise ConfigError(
            "key appears twice", path=str(path), line=dup.line, field=str(dup.key)
        ) from None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(problem, "problem", None) or "not valid YAML"
        raise ConfigError(f"not valid YAML ({reason})", path=str(path), line=line) from None


def load_bounded(text: str, loader_class: type[yaml.SafeLoader], source: str | None) -> Any:
    """`yaml.load(text, loader_class)`, refusing an alias bomb or a nesting deeper than the
    stack with a ConfigError (file and line) instead of hanging or a traceback."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source)
        return loader.construct_document(node)
    except RecursionError:
        raise ConfigError("not valid YAML (nested too deeply)", path=source) from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, source: str | None) -> None:
    """Count the values `root` stands for with every alias followed, without following
    them (each node's count is kept: an alias reuses its anchor's); a node that contains
    itself is refused too."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            open_nodes.discard(id(node))
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_EXPANDED_VALUES:
                raise _refused(
                    f"aliases that expand to more than {MAX_EXPANDED_VALUES:,} values "
                    "(an alias bomb?)",
                    node,
                    source,
                )
            sizes[id(node)] = size
            continue
        if id(node) in open_nodes:
            raise _refused("an alias inside its own anchor", node, source)
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _refused(what: str, node: yaml.Node, source: str | None) -> ConfigError:
    return ConfigError(f"refusing YAML with {what}", path=source, line=node.start_mark.line + 1)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The valid name `word` was most likely meant to be (a typo), or None."""
    found = difflib.get_close_matches(str(word).lower(), [str(c) for c in choices], n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_message(word: str, choices: Iterable[str], what: str = "setting") -> str:
    """`unknown setting, did you mean 'max_pages'? (known: …)`: the nearest valid name first."""
    choices = list(choices)
    guess = nearest(word, choices)
    hint = f", did you mean {guess!r}?" if guess else ""
    return f"unknown {what}{hint} (known: {', '.join(choices)})"


class Where:
    """A mapping read from a file, with the dotted field path that led to it, for errors."""

    def __init__(self, path: Path | str | None, data: Any, prefix: str = "") -> None:
        self.path, self.data, self.prefix = path, data, prefix

    def name(self, key: Any) -> str:
        if isinstance(key, int):
            return f"{self.prefix}[{key}]"
        return f"{self.prefix}.{key}" if self.prefix else str(key)

    def line(self, key: Any = None) -> int | None:
        if key is not None and isinstance(self.data, (MarkedDict, MarkedList)):
            return self.data.line_of(key)
        return getattr(self.data, "line", None)

    def fail(self, key: Any, message: str) -> None:
        flag = getattr(self.data, "flag_names", {}).get(key)
        if flag is not None:  # the value came from the command line, not the file
            raise ConfigError(message, field=flag)
        field_name = self.name(key) if key is not None else self.prefix or None
        path = str(self.path) if self.path is not None else None
        raise ConfigError(message, path=path, line=self.line(key), field=field_name)

    def child(self, key: Any, index: int | None = None) -> Where:
        value = self.data[key]
        name = self.name(key)
        if index is not None:
            item = value[index]
            where = Where(self.path, item, f"{name}[{index}]")
            if not isinstance(item, MarkedDict):
                Where(self.path, value, name).fail(index, "each entry must be a mapping")
            return where
        return Where(self.path, value, name)

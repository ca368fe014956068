"""tagaudit.yaml → a typed Config. Errors name the file, line and field.

Owns reading the user's configuration; knows nothing of browsers, HTTP or reporters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tagaudit.errors import ConfigError


@dataclass
class CrawlSettings:
    """How pages are loaded: concurrency, timeouts, the quiet period that catches late beacons."""

    concurrency: int = 4
    page_timeout: float = 30.0
    quiet_ms: int = 800
    max_wait_ms: int = 5000
    max_pages: int = 200
    depth: int = 0


@dataclass
class Config:
    """Everything a run needs from the user, with defaults that work with zero config."""

    path: Path | None = None
    pages: list[str] = field(default_factory=list)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    consent: list[str] | None = None
    deliver_hits: bool = False
    rule_files: list[Path] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def load_config(path: Path | None) -> Config:
    """Read `path` (or return defaults when None)."""
    if path is None:
        return Config()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as problem:
        raise ConfigError(f"cannot read config: {problem.strerror}", path=str(path)) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as problem:
        line = problem.problem_mark.line + 1 if getattr(problem, "problem_mark", None) else None
        raise ConfigError("not valid YAML", path=str(path), line=line) from None
    if not isinstance(data, dict):
        raise ConfigError("top level must be a mapping", path=str(path), line=1)
    config = Config(path=Path(path), raw=data)
    config.pages = [str(p) for p in data.get("pages") or []]
    crawl = data.get("crawl") or {}
    for key, value in crawl.items():
        if not hasattr(config.crawl, key):
            raise ConfigError("unknown setting", path=str(path), field=f"crawl.{key}")
        setattr(config.crawl, key, type(getattr(config.crawl, key))(value))
    return config

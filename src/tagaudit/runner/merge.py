"""`tagaudit merge`: shard reports (or any reports of one tagaudit schema) joined into one.

The pages and links of the shards are put back in the order one run would have had (a
shard's `j`-th target was the plan's `j·N + i − 1`, crawl/shards.py), duplicates dropped,
and then everything that depends on the whole run is computed again on the merged report:
the consent matrix, the rules (site-wide inference such as "a tag on 60% of the pages is
missing here" only makes sense over every page), the baseline comparison, and so the exit
code. The rules are those of the merge's own config and rule files: shards that ran a rule
the merge does not have (an `expect:` of a config not given to merge) are refused, so
nothing the shards checked is silently lost.

What cannot be merged is one line and exit 2 (UsageError): a report of another schema
version, a shard given twice, shards of different counts. Shards that planned different
target lists (a sitemap that changed between jobs) are merged with a note; a shard that is
missing, or a shard whose own run failed, make the merged run failed (exit 3) with every
page that was audited still in the report.

    merged = merge([read_report("s1.json"), read_report("s2.json")], config="tagaudit.yaml")
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from tagaudit.config import Config
from tagaudit.crawl.shards import Shard, parse_shard
from tagaudit.errors import UsageError
from tagaudit.model import (
    TOOL_VERSION,
    PageVisit,
    Report,
    RunInfo,
    no_page_loaded,
)
from tagaudit.rules.consent_matrix import consent_matrices
from tagaudit.rules.engine import RuleSet, load_rules
from tagaudit.runner.options import MERGE_OPTIONS
from tagaudit.runner.reports import read_report
from tagaudit.runner.run import apply_with_baseline, load_baseline, now_iso, resolve_config

T = TypeVar("T")
SHOWN_MISSING = 10  # missing shards named in the run error; the rest are counted


def merge(
    reports: list[Report | str | Path],
    *,
    config: Config | dict[str, Any] | str | Path | None = None,
    rules: list[str] | None = None,
    baseline: Report | str | Path | None = None,
    keep_secrets: bool | None = None,
    as_flags: bool = False,
) -> Report:
    """One Report from several (see the module docstring); paths are read as JSON reports.
    `rules` are more rule files; `keep_secrets` keeps the credentials of shards that kept
    theirs in the merged JSON; `as_flags` names a bad option by its flag."""
    loaded = [r if isinstance(r, Report) else read_report(r, "report") for r in reports]
    names = [f"report {i + 1}" if isinstance(r, Report) else str(r) for i, r in enumerate(reports)]
    if not loaded:
        raise UsageError("nothing to merge: give the shards' JSON reports")
    options = {"rules": rules, "keep_secrets": keep_secrets}
    settings = resolve_config(config, options, MERGE_OPTIONS, as_flags)
    ruleset = load_rules(settings.rule_options())
    rule_notes = _check_rules(loaded, names, ruleset)
    shards = _shards(loaded, names)
    order = _ordered(loaded, shards)
    merged = Report(tool_version=TOOL_VERSION)
    merged.pages = _first_by((loaded[i].pages for i in order), _page_key)
    merged.links = _first_by((loaded[i].links for i in order), lambda link: link.url)
    merged.journeys = _first_by((loaded[i].journeys for i in order), lambda j: j.name)
    # the rules run again on the whole: only findings no rule makes (a run's own) carry over
    merged.findings = [
        f for i in order for f in loaded[i].findings if ruleset.get(f.rule_id) is None
    ]
    merged.started = min((r.started for r in loaded if r.started), default=now_iso())
    merged.finished = max((r.finished for r in loaded if r.finished), default=now_iso())
    merged.interrupted = any(r.interrupted for r in loaded)
    merged.config = _run_info(loaded, names, order, shards, merged, settings)
    merged.config.notes += rule_notes + _secrets(merged.config, loaded, names, settings)
    shown = ", ".join(str(shards[i]) for i in sorted(shards, key=lambda i: shards[i].index))
    merged.config.notes.append(
        f"merge: {len(loaded)} reports{f' (shards {shown})' if shown else ''}, "
        f"{len(merged.pages)} pages, {len(merged.links)} links"
    )
    apply_with_baseline(merged, ruleset, load_baseline(baseline))
    return merged


def _secrets(info: RunInfo, reports: list[Report], names: list[str], settings: Config) -> list[str]:
    """The merged run keeps credentials when asked to and every report kept them; a report
    written masked stays masked, and a note says so."""
    if not settings.keep_secrets:
        return []
    masked = [name for report, name in zip(reports, names, strict=True) if not _kept(report)]
    info.secrets = None if masked else "kept"
    if not masked:
        return []
    shown = ", ".join(masked[:3]) + (" …" if len(masked) > 3 else "")
    return [f"merge: --keep-secrets, but {shown} masked its credentials: they stay masked"]


def _kept(report: Report) -> bool:
    """A report read from a masked JSON says `masked`; one in memory has them all."""
    return report.config.secrets != "masked"


def _check_rules(reports: list[Report], names: list[str], ruleset: RuleSet) -> list[str]:
    """UsageError when a shard ran a rule the merge lacks; a note when the merge runs rules
    every shard had disabled (the shards' config was not given to merge?)."""
    enabled = {rule.id for rule in ruleset.enabled()}
    for report, name in zip(reports, names, strict=True):
        missing = sorted(set(report.config.rules) - enabled)
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            raise UsageError(
                f"{name} ran rules this merge does not have: {shown}",
                "give merge the shards' -c tagaudit.yaml and --rules",
            )
    disabled = set.intersection(*(set(r.config.disabled_rules) for r in reports)) & enabled
    if not disabled:
        return []
    shown = ", ".join(sorted(disabled)[:5])
    return [f"merge: rules the shards had disabled run here: {shown} (give merge their config)"]


def _shards(reports: list[Report], names: list[str]) -> dict[int, Shard]:
    """Report index → its shard; UsageError for duplicates and mixed shard counts."""
    shards: dict[int, Shard] = {}
    seen: dict[Shard, str] = {}
    for index, (report, name) in enumerate(zip(reports, names, strict=True)):
        shard = parse_shard(report.config.shard, f"{name}: shard")
        if shard is None:
            continue
        if shard in seen:
            raise UsageError(f"shard {shard} is given twice: {seen[shard]} and {name}")
        seen[shard] = name
        shards[index] = shard
    counts = {s.count for s in shards.values()}
    if len(counts) > 1:
        raise UsageError(f"the reports are shards of different splits: {sorted(counts)} shards")
    return shards


def _ordered(reports: list[Report], shards: dict[int, Shard]) -> list[int]:
    """Shards by number first (their pages are interleaved later), then the other reports."""
    sharded = sorted(shards, key=lambda i: shards[i].index)
    return [*sharded, *(i for i in range(len(reports)) if i not in shards)]


def _first_by(groups: Iterable[list[T]], key: Callable[[T], Hashable]) -> list[T]:
    """Every item of `groups`, in order, keeping the first of those with the same key."""
    kept: dict[Hashable, T] = {}
    for group in groups:
        for item in group:
            kept.setdefault(key(item), item)
    return list(kept.values())


def _page_key(page: PageVisit) -> Hashable:
    return (page.url, page.scenario, page.journey, page.step, page.view)


def _run_info(
    reports: list[Report],
    names: list[str],
    order: list[int],
    shards: dict[int, Shard],
    merged: Report,
    settings: Config,
) -> RunInfo:
    first = reports[order[0]].config
    targets = _targets(reports, shards)
    merged.pages.sort(key=lambda p: targets.get(p.url, len(targets)))
    merged.links.sort(key=lambda link: targets.get(link.url, len(targets)))
    info = RunInfo(
        command=first.command,
        targets=list(targets),
        base_url=first.base_url,
        concurrency=max((r.config.concurrency or 0 for r in reports), default=0) or None,
        consent=first.consent,
        consent_engine=first.consent_engine,
        browser=first.browser,
        transport=first.transport,
        links=len(merged.links) if any(r.config.links is not None for r in reports) else None,
        input_problems=_joined(r.config.input_problems for r in reports),
        config_file=str(settings.path) if settings.path else first.config_file,
        consent_matrix=consent_matrices(merged.pages),
    )
    for report in reports:
        info.declared.update(report.config.declared)
    notes = _joined(r.config.notes for r in reports)
    # The shards' own shard and baseline lines: the merge says its own (its baseline is
    # compared on the whole, after the rules).
    info.notes = [n for n in notes if not n.startswith(("shard ", "baseline "))]
    info.notes += _shard_notes(reports, shards)
    info.run_error = _run_error(reports, names, shards) or no_page_loaded(merged.pages)
    return info


def _targets(reports: list[Report], shards: dict[int, Shard]) -> dict[str, int]:
    """Target URL → its place in the merged run (a shard's targets interleaved back)."""
    places: dict[str, float] = {}
    offset = max((s.count * len(reports[i].config.targets) for i, s in shards.items()), default=0)
    for index, report in enumerate(reports):
        shard = shards.get(index)
        for local, url in enumerate(report.config.targets):
            place = shard.position(local) if shard else offset + local
            places.setdefault(url, place)
        offset += 0 if shard else len(report.config.targets)
    ranked = sorted(places, key=lambda u: places[u])
    return {url: rank for rank, url in enumerate(ranked)}


def _joined(groups: Any) -> list[str]:
    return list(dict.fromkeys(line for group in groups for line in group))


def _shard_notes(reports: list[Report], shards: dict[int, Shard]) -> list[str]:
    plans = {reports[i].config.plan_id for i in shards}
    if len(plans) > 1:
        return [
            "merge: the shards planned different target lists (a sitemap that changed "
            "between jobs?): pages may be missing or audited twice"
        ]
    return []


def _run_error(reports: list[Report], names: list[str], shards: dict[int, Shard]) -> str | None:
    for report, name in zip(reports, names, strict=True):
        if report.config.run_error:
            return f"{name}: {report.config.run_error}"
    if shards:
        count = next(iter(shards.values())).count
        present = {s.index for s in shards.values()}
        absent = count - len(present)
        if absent:
            shown = ", ".join(f"{i}/{count}" for i in _missing(present, count, SHOWN_MISSING))
            more = f" and {absent - SHOWN_MISSING:,} more" if absent > SHOWN_MISSING else ""
            return f"shard {shown}{more} missing: its pages are not in this report"
    return None


def _missing(present: set[int], count: int, limit: int) -> list[int]:
    """The first `limit` shard numbers of 1…count not in `present`, without walking all of
    them: a report can say it is shard 1 of ten billion."""
    found: list[int] = []
    number = 1
    while number <= count and len(found) < limit:
        if number not in present:
            found.append(number)
        number += 1
    return found

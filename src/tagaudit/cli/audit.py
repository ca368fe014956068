"""`tagaudit audit`: load pages in Chromium, decode their tags, apply the rules, report.

Thin on purpose: options become settings, the crawl runner does the work, the rules engine
finds problems, reporters write them, and the exit code follows DESIGN.md. The crawl side
(Playwright, consent, the catalog) is imported when a command runs, not when the `tagaudit`
CLI starts: `tagaudit links` and `decode` never need it (0.15 s of start-up).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from tagaudit import __version__
from tagaudit.cli import app
from tagaudit.cli.common import (
    ConfigOpt,
    FailOnOpt,
    HtmlOpt,
    JsonOpt,
    JunitOpt,
    MarkdownOpt,
    QuietOpt,
    ReportOptions,
    RulesOpt,
    SarifOpt,
    VerboseOpt,
    exit_code_for,
    write_reports,
)
from tagaudit.config import Config, load_config
from tagaudit.errors import ConfigError, UsageError
from tagaudit.model import PageVisit, Report

if TYPE_CHECKING:
    from tagaudit.browser.session import SessionSettings
    from tagaudit.consent import ConsentSettings
    from tagaudit.crawl.runner import AuditSettings
    from tagaudit.rules.engine import RuleSet

ALLOWED_SCHEMES = ("http", "https")


def check_url(raw: str) -> str:
    """A usable absolute http(s) URL, or UsageError saying what is wrong with it."""
    url = raw.strip()
    if "://" not in url and url and not url.startswith("/"):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as problem:
        raise UsageError(f"malformed URL {raw!r}: {problem}") from None
    if parts.scheme not in ALLOWED_SCHEMES:
        raise UsageError(f"unsupported URL scheme in {raw!r} (use http or https)")
    if not parts.hostname or " " in url:
        raise UsageError(f"malformed URL {raw!r}")
    return url


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def audit_settings(config: Config, **flags: object) -> AuditSettings:
    """Merge the config file's crawl settings with command-line flags (flags win)."""
    from tagaudit.crawl.runner import AuditSettings
    from tagaudit.crawl.visit import ISOLATION_MODES, VisitSettings

    crawl = config.crawl
    pick = lambda name, default: flags[name] if flags.get(name) is not None else default  # noqa: E731
    isolation = str(pick("isolation", "reuse"))
    if isolation not in ISOLATION_MODES:
        raise UsageError(f"--isolation must be one of {', '.join(ISOLATION_MODES)}")
    concurrency = int(pick("concurrency", crawl.concurrency))
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    return AuditSettings(
        concurrency=concurrency,
        max_pages=int(pick("max_pages", crawl.max_pages)),
        depth=int(pick("depth", crawl.depth)),
        visit=VisitSettings(
            page_timeout=float(pick("page_timeout", crawl.page_timeout)),
            quiet_ms=int(pick("quiet_ms", crawl.quiet_ms)),
            max_wait_ms=crawl.max_wait_ms,
            isolation=isolation,
        ),
        session=session_settings(config, flags),
    )


BROWSER_KEYS = ("path", "endpoint", "locale", "timezone", "user_agent")


def session_settings(config: Config, flags: dict[str, object]) -> SessionSettings:
    """The browser half: `browser:` in tagaudit.yaml, overridden by flags; the user's
    `providers:` join the catalog so their endpoints are answered locally and decoded."""
    from tagaudit.browser.session import SessionSettings
    from tagaudit.providers import load_catalog_file

    section = config.raw.get("browser") or {}
    if not isinstance(section, dict) or set(section) - set(BROWSER_KEYS):
        known = ", ".join(BROWSER_KEYS)
        raise ConfigError(f"must be a mapping of {known}", path=str(config.path), field="browser")
    settings = SessionSettings(
        browser_path=flags.get("browser") or section.get("path"),  # type: ignore[arg-type]
        endpoint=flags.get("browser_endpoint") or section.get("endpoint"),  # type: ignore[arg-type]
        deliver_hits=bool(flags.get("deliver_hits") or config.deliver_hits),
        timezone=section.get("timezone"),
    )
    settings.locale = section.get("locale") or settings.locale
    settings.user_agent = section.get("user_agent") or settings.user_agent
    if config.path is not None and config.raw.get("providers"):
        settings.catalog = load_catalog_file(str(config.path))
    return settings


def run_pages(targets: list[str], settings: AuditSettings, report: Report, quiet: bool) -> None:
    """Run the crawl into `report.pages`; an interrupt keeps what finished."""
    from tagaudit.crawl.runner import Audit
    from tagaudit.report import terminal

    with terminal.progress(len(targets), quiet=quiet) as advance:
        audit = Audit(targets, settings, on_visit=lambda visit: advance(visit.url))
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            asyncio.run(audit.run())
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            signal.signal(signal.SIGTERM, previous)
    report.pages = audit.ordered()
    report.config["browser"] = audit.browser_version


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def finish(
    report: Report, config: Config, options: ReportOptions, ruleset: RuleSet | None = None
) -> int:
    """Rules, terminal summary, report files, exit code: the same for audit and demo."""
    from tagaudit import rules
    from tagaudit.consent import attach_matrix
    from tagaudit.report import terminal

    report.finished = now_iso()
    attach_matrix(report)
    rules.apply(report, config, ruleset=ruleset)
    terminal.render(report, verbose=options.verbose, quiet=options.quiet)
    for path in write_reports(report, options):
        if not options.quiet:
            print(f"wrote {path}")
    if report.interrupted:
        return 130
    return exit_code_for(report, options.fail_on)


@app.command()
def audit(
    urls: Annotated[list[str] | None, typer.Argument(help="Pages to audit.")] = None,
    config_path: ConfigOpt = None,
    rule_files: RulesOpt = None,
    consent: Annotated[
        str | None, typer.Option(help="Consent scenarios: none,accept,reject.")
    ] = None,
    max_pages: Annotated[int | None, typer.Option(help="Stop after this many pages.")] = None,
    depth: Annotated[int | None, typer.Option(help="Follow same-site links this deep.")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Pages loaded at once.")] = None,
    deliver_hits: Annotated[
        bool, typer.Option(help="Send tracking hits to the vendors instead of answering them.")
    ] = False,
    quiet_ms: Annotated[
        int | None, typer.Option(help="Quiet period after load that catches late beacons (ms).")
    ] = None,
    page_timeout: Annotated[float | None, typer.Option(help="Hard limit per page (s).")] = None,
    isolation: Annotated[
        str | None, typer.Option(help="reuse (wipe state between pages) or context (new one).")
    ] = None,
    browser: Annotated[str | None, typer.Option(help="Chromium/Chrome executable.")] = None,
    browser_endpoint: Annotated[
        str | None, typer.Option(help="Remote browser: Playwright ws:// or CDP http:// URL.")
    ] = None,
    json_path: JsonOpt = None,
    junit: JunitOpt = None,
    html: HtmlOpt = None,
    sarif: SarifOpt = None,
    markdown: MarkdownOpt = None,
    fail_on: FailOnOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Load pages in headless Chromium, decode every tag they fire, and check them."""
    from tagaudit import rules
    from tagaudit.crawl.scenarios import parse_scenarios

    config = load_config(config_path)
    fail_on = fail_on or config.fail_on or "error"
    options = ReportOptions(json_path, junit, html, sarif, markdown, fail_on, quiet, verbose)
    config.rule_files.extend(rule_files or [])
    ruleset = rules.load_rules(config)  # a broken rule file fails now, not after the crawl
    targets = [check_url(u) for u in (urls or config.pages)]
    if not targets:
        raise UsageError("no pages to audit: give URLs or a config with `pages:`")
    # None means "decide per page": all three scenarios where a banner shows.
    scenarios = parse_scenarios(consent) if consent else config.consent
    settings = audit_settings(
        config,
        concurrency=concurrency,
        max_pages=max_pages,
        depth=depth,
        quiet_ms=quiet_ms,
        page_timeout=page_timeout,
        isolation=isolation,
        browser=browser,
        browser_endpoint=browser_endpoint,
        deliver_hits=deliver_hits,
    )
    report = Report(tool_version=__version__, started=now_iso())
    report.config = {"targets": targets, "concurrency": settings.concurrency, "consent": scenarios}
    if scenarios is None or settings.depth > 0:
        run_pages(targets, settings, report, quiet)
    consent = consent_settings(html is not None)
    run_consent(
        report, targets if scenarios and settings.depth == 0 else None, scenarios, settings, consent
    )
    raise typer.Exit(finish(report, config, options, ruleset))


def consent_settings(screenshots: bool) -> ConsentSettings:
    """Screenshots only when an HTML report will show them (they make JSON reports big)."""
    from tagaudit.consent import ConsentSettings

    return ConsentSettings(engine="auto", screenshots="base64" if screenshots else "none")


def run_consent(
    report: Report,
    targets: list[str] | None,
    scenarios: list[str] | None,
    settings: AuditSettings,
    consent: ConsentSettings,
) -> None:
    """Run consent scenarios and put their visits in place of the plain ones.

    With explicit `--consent`, every page runs the listed scenarios. By default, only pages
    where the plain visit saw a visible consent banner run none, accept and reject.
    """
    from tagaudit.consent import describe_engine
    from tagaudit.crawl.scenarios import audit_consent

    if targets is None:
        if scenarios is None:
            targets = [p.url for p in report.pages if _shows_banner(p)]
            scenarios = ["none", "accept", "reject"]
        else:
            targets = [p.url for p in report.pages if not p.error]
    if not targets or report.interrupted:
        return
    try:
        visits = asyncio.run(
            audit_consent(targets, scenarios, consent, settings.session, settings.concurrency)
        )
    except KeyboardInterrupt:
        report.interrupted = True
        return
    by_url: dict[str, list[PageVisit]] = {}
    for visit in visits:
        by_url.setdefault(visit.url, []).append(visit)
    pages: list[PageVisit] = []
    for page in report.pages:  # scenario visits take the place of the plain one
        pages.extend(by_url.pop(page.url, [page]))
    report.pages = pages + [v for rest in by_url.values() for v in rest]
    report.config["consent_engine"] = describe_engine(consent)


def _shows_banner(page: PageVisit) -> bool:
    return bool((page.consent.get("banner") or {}).get("visible"))


def run_demo(site_root: Path, json_path: Path | None = None, html_path: Path | None = None) -> int:
    """Serve the demo site on 127.0.0.1, audit all of it, and show the tag inventory."""
    from tagaudit.sitesrv import SiteServer

    config = load_config(site_root / "tagaudit.yaml")
    options = ReportOptions(json=json_path, html=html_path, fail_on="never")
    with SiteServer(site_root) as site:
        targets = [site.url(path) for path in config.pages or ["/"]]
        print(f"tagaudit demo: serving {site_root} at {site.base_url}")
        settings = audit_settings(config)
        report = Report(tool_version=__version__, started=now_iso())
        report.config = {"targets": targets, "concurrency": settings.concurrency, "demo": True}
        run_pages(targets, settings, report, quiet=False)
        return finish(report, config, options)

"""The rules engine: YAML rules → findings. Pure over a Report; no browser, no network.

    from tagaudit.rules.engine import apply, evaluate, load_rules
    ruleset = load_rules(config.rule_options())   # reads rules/ and the user's files
    findings = evaluate(report, ruleset)            # pure
    apply(report, ruleset)                          # findings + ignores + rule descriptions

Pieces: `engine.py` (RuleSet, load_rules, evaluate, apply), `loader.py` (rule files),
`rule.py` (Rule, Scope, matching), `kinds.py` (check kinds and shared hit helpers),
`registry.py` (every kind, joined explicitly), `options.py` (what the user says about rules),
`expectations.py` (`expect:` → rules), `why.py` ("why wasn't it tracked?") and the kinds:
`checks_tags`, `checks_params`, `checks_pii`, `checks_pages`, `checks_links`,
`checks_consent`, `checks_consent_mode`.

Adding a check kind:

    # src/tagaudit/rules/checks_pages.py
    @KINDS.register("page-status", optional={"min_status": int})
    def page_status(rule, report):
        "Pages answer with a success status."    # first line = the kind's doc
        for page in rule.pages(report):          # pages in the rule's scope
            ...
            yield rule.finding("HTTP 500", page.url, page=page, evidence={...})

  1. register it on its module's `KINDS` (arg name → accepted type(s); the loader rejects
     unknown/missing/mistyped args with file and line; pass `validate=` for deeper checks);
     a new checks module is added to registry.py;
  2. ship rules using it as YAML under rules/ (each with id, title, category, severity, scope,
     check, args, help, description, examples) and cases under tests/rules/cases/<rule-id>.yaml.

This package exports no names of its own: import them from the module that owns them, so
importing `tagaudit.rules.options` (the config does) loads no engine and no check kinds
(about 60 ms, measured with python -X importtime).
"""

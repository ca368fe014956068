// tagaudit consent read-back probe: installed as a context init script, runs in every
// document before page scripts. It never changes what the page does; it only records.
//  - Google Consent Mode: every `consent` command pushed to dataLayer (gtag() pushes its
//    `arguments`), with Date.now() timestamps, whoever replaces dataLayer or its push later
//    (gtag.js / GTM wrap push when they load). See developers.google.com/tag-platform/
//    security/guides/consent and consent.md §4.5.
//  - IAB TCF v2.2: `__tcfapi('addEventListener', 2, cb)` as soon as `__tcfapi` exists
//    (getTCData is deprecated since 2.2); every TCData event is kept (eventStatus, purposes).
(() => {
  if (window.__tagauditConsent) return;
  const log = (window.__tagauditConsent = { consentCommands: [], tcfEvents: [], hooked: 0 });
  const now = () => Date.now();
  const plain = (v) => {
    try { return JSON.parse(JSON.stringify(v)); } catch (e) { return null; }
  };
  const record = (entry, source) => {
    try {
      if (!entry || typeof entry !== 'object' || entry[0] !== 'consent') return;
      log.consentCommands.push({
        command: String(entry[1]), values: plain(entry[2]) || {}, source, ts: now(),
      });
    } catch (e) { /* a page's odd dataLayer entry must never break the page */ }
  };
  const wrapPush = (layer) => {
    if (!Array.isArray(layer) || layer.__tagauditWrapped) return layer;
    Array.prototype.forEach.call(layer, (e) => record(e, 'dataLayer'));
    let current = layer.push;
    const wrap = (fn) => function tagauditPush(...items) {
      items.forEach((e) => record(e, 'dataLayer'));
      return fn.apply(this, items);
    };
    let wrapped = wrap(current);
    Object.defineProperty(layer, 'push', {
      configurable: true,
      get: () => wrapped,
      // gtag.js and GTM assign their own push: keep recording through it.
      set: (fn) => { current = fn; wrapped = wrap(fn); },
    });
    Object.defineProperty(layer, '__tagauditWrapped', { value: true });
    log.hooked += 1;
    return layer;
  };
  let layer = wrapPush(window.dataLayer || undefined);
  try {
    Object.defineProperty(window, 'dataLayer', {
      configurable: true,
      get: () => layer,
      set: (v) => { layer = wrapPush(v); },
    });
  } catch (e) { /* dataLayer already non-configurable: read it at snapshot time instead */ }

  const listenTcf = () => {
    if (log.tcfListening || typeof window.__tcfapi !== 'function') return false;
    log.tcfListening = true;
    try {
      window.__tcfapi('addEventListener', 2, (data, ok) => {
        if (!ok || !data) return;
        log.tcfEvents.push({
          ts: now(), eventStatus: data.eventStatus, cmpStatus: data.cmpStatus,
          gdprApplies: data.gdprApplies, cmpId: data.cmpId, tcString: data.tcString,
          purposeConsents: plain((data.purpose || {}).consents) || {},
        });
      });
    } catch (e) { log.tcfError = String(e); }
    return true;
  };
  let tries = 0;
  const poll = () => { if (!listenTcf() && tries++ < 100) setTimeout(poll, 50); };
  if (!listenTcf()) setTimeout(poll, 0);
})();

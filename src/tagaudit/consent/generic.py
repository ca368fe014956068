"""Consent banners no catalog knows: found by structure and wording, operated by their buttons.

Neither tagaudit's CMP catalog (cmps.yaml) nor autoconsent's rules know every banner: open
source ones (Orejime, Osano's cookieconsent, tarteaucitron, cookies-eu-banner), a theme's own,
a site's home-made one. This module finds a visible banner the way a person does: a box that
floats over the page (fixed or sticky, a dialog, or named for cookies or consent) whose
text speaks of cookies, consent or personal data, with an "accept" control — and notes its
"reject" and "settings" controls — in the main European languages. One page evaluation finds
it and marks its controls (`data-tagaudit-consent`), so acting is a click on the marked
element, and a reload finds it again. Only the main frame is searched.

What it cannot do is said, never guessed: a banner with no reject control on its first
layer or behind its settings gives an action error ("found a consent banner but no reject
control"), which the scenario records and the `consent-scenario-unverified` rule reports.
Imports Playwright (a consent action touches the page) and the consent engine's types.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from tagaudit.consent.engine import CLICK_TIMEOUT_MS

GENERIC = "generic"
MARK = "data-tagaudit-consent"

# Lowercase words; a control matches when its whole text is one of them, or starts with one
# followed by a word boundary ("Accept all cookies", "Alle akzeptieren").
ACCEPT = (
    "accept", "accept all", "accept cookies", "accept all cookies", "allow", "allow all",
    "allow cookies", "allow all cookies", "agree", "i agree", "i accept", "ok", "okay",
    "ok, accept all", "got it", "yes", "consent", "akzeptieren", "alle akzeptieren",
    "alles akzeptieren", "zustimmen", "allen zustimmen", "einverstanden", "annehmen",
    "alle annehmen", "erlauben", "alle erlauben", "accepter", "tout accepter",
    "accepter tout", "j'accepte", "accepter et fermer", "autoriser", "tout autoriser",
    "aceptar", "acepto", "aceptar todo", "aceptar todas", "aceptar cookies", "permitir",
    "permitir todas", "accetta", "accetto", "accetta tutto", "accetta tutti", "consenti",
    "aceitar", "aceitar tudo", "aceito", "accepteren", "alles accepteren", "akkoord",
    "toestaan", "alles toestaan", "zaakceptuj", "akceptuję", "akceptuj", "zgadzam się",
    "godkänn", "acceptera", "acceptera alla", "tillad", "tillad alle", "accepter alle",
    "godta", "godta alle", "hyväksy", "hyväksy kaikki", "souhlasím", "přijmout vše",
)  # fmt: skip
REJECT = (
    "reject", "reject all", "reject cookies", "reject all cookies", "decline", "decline all",
    "deny", "deny all", "deny all cookies", "refuse", "refuse all", "disagree", "no thanks",
    "necessary only", "only necessary", "only necessary cookies", "essential only",
    "use necessary cookies only", "continue without accepting", "ablehnen", "alle ablehnen",
    "alles ablehnen", "nur notwendige", "nur notwendige cookies", "nur essenzielle",
    "nicht einverstanden", "refuser", "tout refuser", "refuser tout", "je refuse",
    "continuer sans accepter", "rechazar", "rechazar todo", "rechazar todas", "rechazo",
    "denegar", "rifiuta", "rifiuta tutto", "rifiuta tutti", "rifiuto", "rejeitar",
    "rejeitar tudo", "recusar", "weigeren", "alles weigeren", "afwijzen", "alles afwijzen",
    "odrzuć", "odrzuć wszystkie", "odmów", "neka", "neka alla", "avvisa", "afvis",
    "afvis alle", "avslå", "hylkää", "hylkää kaikki", "odmítnout", "odmítnout vše",
)  # fmt: skip
SETTINGS = (
    "settings", "cookie settings", "preferences", "cookie preferences", "customize",
    "customise", "personalize", "personalise", "manage", "manage cookies", "manage options",
    "more options", "options", "configure", "einstellungen", "anpassen", "verwalten",
    "mehr optionen", "paramètres", "personnaliser", "configurer", "gérer",
    "configuración", "configurar", "personalizar", "preferencias", "gestionar",
    "impostazioni", "personalizza", "gestisci", "preferenze", "configurações",
    "preferências", "instellingen", "aanpassen", "voorkeuren", "ustawienia", "dostosuj",
    "inställningar", "indstillinger", "innstillinger", "asetukset", "nastavení",
)  # fmt: skip
# What a consent banner's text (or its id and classes) speaks of.
TOPIC = (
    "cookie", "consent", "gdpr", "privacy", "tracking", "personal data", "personal information",
    "datenschutz", "einwilligung", "zustimmung", "personenbezogen", "rgpd", "consentement",
    "confidentialité", "traceurs", "données personnelles", "informations personnelles",
    "privacidad", "consentimiento", "datos personales", "riservatezza", "consenso",
    "dati personali", "privacidade", "dados pessoais", "toestemming", "privacy",
    "prywatność", "zgoda", "dane osobowe", "integritet", "samtycke", "samtykke",
    "tietosuoja", "evästeet", "souhlas",
)  # fmt: skip

FIND_JS = """([accept, reject, settings, topic, mark]) => {
  const norm = (t) => (t || '').replace(/\\s+/g, ' ').trim().toLowerCase();
  const starts = (text, words) => words.some((w) => text === w || (text.startsWith(w)
      && /^[\\s,.:!–-]/.test(text.slice(w.length))));
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && parseFloat(s.opacity || '1') > 0.05; };
  const floating = (el) => { for (let n = el, i = 0; n && n !== document.body && i < 8;
      n = n.parentElement, i++) { const p = getComputedStyle(n).position;
      if (p === 'fixed' || p === 'sticky' || n.getAttribute('role') === 'dialog'
          || n.getAttribute('aria-modal') === 'true' || n.tagName === 'DIALOG') return true; }
    return false; };
  const named = (el) => /cookie|consent|gdpr|rgpd|privacy|tarteaucitron|orejime|cc-window|cmp/i
      .test((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : ''));
  document.querySelectorAll('[' + mark + ']').forEach((el) => el.removeAttribute(mark));
  const controls = Array.from(document.querySelectorAll(
      'button, a, [role=button], input[type=button], input[type=submit]')).filter(visible);
  let best = null;
  for (const control of controls) {
    const text = norm(control.innerText || control.value || control.getAttribute('aria-label'));
    if (!text || text.length > 40 || !starts(text, accept)) continue;
    for (let box = control.parentElement, depth = 0; box && box !== document.documentElement
         && depth < 10; box = box.parentElement, depth++) {
      const words = norm(box.innerText);
      if (words.length > 3000) break;
      // A box named for consent counts once it holds more than the one control (Orejime
      // wraps each button in a list item of its own classes).
      const about = topic.some((w) => words.includes(w)) || (named(box)
        && box.querySelectorAll('button, a, [role=button], input[type=button]').length > 1);
      if (about && visible(box) && (floating(box) || named(box))) {
        const area = box.getBoundingClientRect().width * box.getBoundingClientRect().height;
        if (!best || area < best.area) best = {box, control, area};
        break;
      }
    }
  }
  if (!best) return null;
  best.box.setAttribute(mark, 'banner');
  const found = {accept: [], reject: [], settings: []};
  for (const control of controls) {
    if (!best.box.contains(control)) continue;
    const text = norm(control.innerText || control.value || control.getAttribute('aria-label'));
    if (!text || text.length > 40) continue;
    const kind = starts(text, reject) ? 'reject' : starts(text, accept) ? 'accept'
      : starts(text, settings) ? 'settings' : null;
    if (kind && !found[kind].length) { control.setAttribute(mark, kind); }
    if (kind) found[kind].push(text);
  }
  return found;
}"""


@dataclass
class GenericBanner:
    """A banner found by structure and wording: the texts of its controls, by kind."""

    accept: list[str] = field(default_factory=list)
    reject: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)


async def find_banner(page: Page) -> GenericBanner | None:
    """The visible consent banner of the page's main frame, its controls marked; or None."""
    arg = [list(ACCEPT), list(REJECT), list(SETTINGS), list(TOPIC), MARK]
    try:
        found = await page.evaluate(FIND_JS, arg)
    except PlaywrightError:
        return None
    if not found:
        return None
    return GenericBanner(found["accept"], found["reject"], found["settings"])


async def operate(page: Page, action: str, banner: GenericBanner) -> tuple[str | None, int, str]:
    """Click the banner's accept or reject control (behind its settings when the first layer
    has none). Returns (error or None, clicks, via)."""
    if await _click(page, action):
        return None, 1, "first-layer"
    if action == "reject" and banner.settings and await _click(page, "settings"):
        for _ in range(15):  # the second layer appears after the click
            await asyncio.sleep(0.2)
            again = await find_banner(page)
            if again and again.reject and await _click(page, "reject"):
                return None, 2, "second-layer"
        return "found a consent banner; behind its settings there was no reject control", 1, ""
    where = "on it" if action == "accept" else "on its first layer or behind its settings"
    return f"found a consent banner, but no {action} control {where}", 0, ""


async def _click(page: Page, kind: str) -> bool:
    locator = page.locator(f"[{MARK}={json.dumps(kind)}]").first
    try:
        if not await locator.is_visible():
            return False
        await locator.click(timeout=CLICK_TIMEOUT_MS)
    except PlaywrightError:
        return False
    return True

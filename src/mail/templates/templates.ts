import { pickLocale } from '../locale.js';
import { type LoginMail, kindOf } from '../login-mail.js';
import type { OutgoingMail } from '../mailer.js';
import { builtInSubject, escapeHtml, renderBuiltIn, valuesOf } from './built-in.js';
import { type Override, fill, loadOverrides } from './overrides.js';
import { loadLocales } from './strings.js';

export interface Templates {
  /** The languages we can write, for `pickLocale`. */
  readonly locales: string[];
  /** Renders the login mail (code or link) in `mail.locale` (or its base language, or English). */
  render(mail: LoginMail): OutgoingMail;
}

/**
 * Loads the languages and the operator's overrides once, at start-up, so a broken override stops the
 * server instead of the first login; `render` is then synchronous and cannot fail on templates.
 */
export async function createTemplates(options: { appName: string; dir?: string }): Promise<Templates> {
  const { appName } = options;
  const locales = await loadLocales();
  const overrides = options.dir ? await loadOverrides(options.dir, locales) : new Map<string, Override>();
  const available = [...locales.keys()];
  return {
    locales: available,
    render(mail) {
      const lang = pickLocale(mail.locale, null, available);
      // pickLocale answers only languages that were loaded, English among them (loadLocales checks).
      const s = locales.get(lang)!;
      const v = valuesOf(mail, appName, s);
      const override = overrides.get(lang)?.[kindOf(mail)] ?? {};
      // Collapsed to one line: a subject is a header.
      const subject = override.subject ? fill(override.subject, v, String).replace(/\s+/g, ' ').trim() : builtInSubject(mail, v, s);
      const builtIn = renderBuiltIn(mail, v, s, lang, subject);
      return {
        to: mail.to,
        subject,
        text: override.text ? fill(override.text, v, String) : builtIn.text,
        html: override.html ? fill(override.html, v, escapeHtml) : builtIn.html,
      };
    },
  };
}

import { readdirSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pickLocale } from './locale.js';
import type { LoginCodeMail } from './login-code-mail.js';
import type { OutgoingMail } from './mailer.js';
import en from './locales/en.js';

/** The words of the login mail in one language: one file per language in `locales/`, found at start-up. */
export interface MailStrings {
  subject: (v: { appName: string }) => string;
  heading: (v: { appName: string }) => string;
  intro: string;
  lifetime: (v: { minutes: number }) => string;
  phrase: string;
  requestedFrom: (v: { client: string; os: string; ip: string }) => string;
  notYou: string;
  /** What stands in `requestedFrom` for a value we do not know, worded to fit that sentence. */
  unknown: { client: string; os: string; ip: string };
}

export interface Templates {
  /** The languages we can write, for `pickLocale`. */
  readonly locales: string[];
  /** Renders the login-code mail in `mail.locale` (or its base language, or English). */
  render(mail: LoginCodeMail): OutgoingMail;
}

const shape = {
  subject: 'function',
  heading: 'function',
  intro: 'string',
  lifetime: 'function',
  phrase: 'string',
  requestedFrom: 'function',
  notYou: 'string',
  unknown: 'object',
} satisfies Record<keyof MailStrings, string>;

/** What is wrong with a locale module's default export, if anything. */
function checkStrings(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'the default export must be a MailStrings object';
  const record = value as Record<string, unknown>;
  for (const [key, type] of Object.entries(shape)) {
    if (typeof record[key] !== type) return `"${key}" must be a ${type}`;
  }
  const unknown = record.unknown as Record<string, unknown>;
  for (const key of ['client', 'os', 'ip']) {
    if (typeof unknown[key] !== 'string') return `"unknown.${key}" must be a string`;
  }
  return undefined;
}

/** Imports every `<tag>.ts` / `<tag>.js` of `dir`: adding a language is adding one file. */
export async function loadLocales(dir: URL = new URL('./locales/', import.meta.url)): Promise<Map<string, MailStrings>> {
  const locales = new Map<string, MailStrings>();
  const files = readdirSync(dir)
    .filter((file) => /\.(ts|js)$/.test(file) && !/\.d\.ts$/.test(file) && !file.startsWith('.'))
    .sort();
  for (const file of files) {
    const path = join(fileURLToPath(dir), file);
    const tag = file.replace(/\.(ts|js)$/, '').toLowerCase();
    if (locales.has(tag)) continue; // en.js next to en.ts after a build
    if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(tag)) throw new Error(`Mail locale ${path}: "${tag}" is not a language tag`);
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    const problem = checkStrings(module.default);
    if (problem) throw new Error(`Mail locale ${path}: ${problem}`);
    locales.set(tag, module.default as MailStrings);
  }
  if (!locales.has('en')) throw new Error(`Mail locales in ${fileURLToPath(dir)}: en is missing, and it is the fallback`);
  return locales;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

interface Values {
  appName: string;
  code: string;
  minutes: string;
  phrase: string;
  client: string;
  os: string;
  ip: string;
}

const placeholders = ['appName', 'code', 'minutes', 'phrase', 'client', 'os', 'ip'] as const;
const isPlaceholder = (name: string): name is keyof Values => (placeholders as readonly string[]).includes(name);

function valuesOf(mail: LoginCodeMail, appName: string, s: MailStrings): Values {
  return {
    appName,
    code: mail.code,
    minutes: String(mail.ttlMinutes),
    phrase: mail.phrase ?? '',
    client: mail.clientName ?? s.unknown.client,
    os: mail.osName ?? s.unknown.os,
    ip: mail.ip ?? s.unknown.ip,
  };
}

/** The built-in mail: plain text, and HTML with a table layout and inline styles (no images, fonts or tracking). */
function renderBuiltIn(v: Values, s: MailStrings, lang: string, ttlMinutes: number, subject = s.subject(v)) {
  const who = s.requestedFrom(v);
  const lifetime = s.lifetime({ minutes: ttlMinutes });
  const text = [
    s.heading(v),
    '',
    s.intro,
    '',
    `    ${v.code}`,
    '',
    lifetime,
    ...(v.phrase ? ['', s.phrase, `    ${v.phrase}`] : []),
    '',
    who,
    s.notYou,
    '',
  ].join('\n');
  const p = (content: string, style = '') =>
    `<tr><td style="padding:0 32px 16px;font-size:15px;line-height:22px;color:#333333;${style}">${content}</td></tr>`;
  const html = `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5;"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:480px;background:#ffffff;border-radius:8px;">
<tr><td style="padding:32px 32px 16px;font-size:20px;font-weight:bold;color:#111111;">${escapeHtml(s.heading(v))}</td></tr>
${p(escapeHtml(s.intro))}
<tr><td align="center" style="padding:8px 32px 24px;"><div style="display:inline-block;font-family:'Courier New',Courier,monospace;font-size:36px;font-weight:bold;letter-spacing:8px;color:#111111;background:#f4f4f5;border-radius:6px;padding:12px 20px;">${escapeHtml(v.code)}</div></td></tr>
${p(escapeHtml(lifetime))}
${v.phrase ? p(`${escapeHtml(s.phrase)}<br><strong style="font-size:17px;">${escapeHtml(v.phrase)}</strong>`) : ''}
${p(`${escapeHtml(who)} ${escapeHtml(s.notYou)}`, 'font-size:13px;color:#666666;padding-bottom:32px;')}
</table></td></tr></table>
</body></html>
`;
  return { text, html };
}

/** A compiled override: literal text, `{{name}}`, and `{{#phrase}}…{{/phrase}}` (shown only with a phrase). */
type Part = string | { value: keyof Values } | { ifPhrase: Part[] };

const overrideFiles = { 'subject.txt': 'subject', 'text.txt': 'text', 'html.html': 'html' } as const;
type Override = Partial<Record<'subject' | 'text' | 'html', Part[]>>;

function compile(source: string, file: string, requiresCode: boolean): Part[] {
  const fail = (index: number, problem: string) =>
    new Error(`Mail template ${file}, line ${source.slice(0, index).split('\n').length}: ${problem}`);
  const root: Part[] = [];
  let current = root;
  let openAt: number | undefined;
  let usesCode = false;
  let last = 0;
  const literal = (from: number, to: number) => {
    const text = source.slice(from, to);
    const stray = text.indexOf('{{');
    if (stray >= 0) throw fail(from + stray, '"{{" without a closing "}}"');
    if (text) current.push(text);
  };
  for (const match of source.matchAll(/\{\{([^{}]*)\}\}/g)) {
    literal(last, match.index);
    last = match.index + match[0].length;
    const tag = match[1]!.trim();
    const name = tag.replace(/^[#/]\s*/, '');
    if (tag.startsWith('#')) {
      if (name !== 'phrase') throw fail(match.index, `unknown block {{#${name}}}: the only block is {{#phrase}}…{{/phrase}}`);
      if (openAt !== undefined) throw fail(match.index, '{{#phrase}} inside another {{#phrase}}');
      const body: Part[] = [];
      current.push({ ifPhrase: body });
      current = body;
      openAt = match.index;
    } else if (tag.startsWith('/')) {
      if (name !== 'phrase' || openAt === undefined) throw fail(match.index, `{{/${name}}} without a matching {{#${name}}}`);
      current = root;
      openAt = undefined;
    } else if (isPlaceholder(name)) {
      current.push({ value: name });
      if (name === 'code' && openAt === undefined) usesCode = true;
    } else {
      throw fail(match.index, `unknown placeholder {{${name}}} (known: ${placeholders.join(', ')})`);
    }
  }
  literal(last, source.length);
  if (openAt !== undefined) throw fail(openAt, '{{#phrase}} is never closed with {{/phrase}}');
  // A mail body without the code would be a login mail nobody can use.
  if (requiresCode && !usesCode) throw fail(0, '{{code}} is missing (outside any {{#phrase}} block)');
  return root;
}

function fill(parts: Part[], v: Values, escape: (s: string) => string): string {
  return parts
    .map((part) =>
      typeof part === 'string' ? part : 'value' in part ? escape(v[part.value]) : v.phrase ? fill(part.ifPhrase, v, escape) : '',
    )
    .join('');
}

/** Reads `<dir>/<locale>/{subject.txt,text.txt,html.html}`; any problem throws, naming the file. */
async function loadOverrides(dir: string, locales: Map<string, MailStrings>): Promise<Map<string, Override>> {
  const overrides = new Map<string, Override>();
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: Error) => {
    throw new Error(`Mail templates directory ${dir}: cannot read it (${error.message})`);
  });
  for (const entry of entries.filter((e) => !e.name.startsWith('.'))) {
    const localeDir = join(dir, entry.name);
    const tag = entry.name.toLowerCase();
    if (!entry.isDirectory()) throw new Error(`Mail template ${localeDir}: expected only one directory per language here`);
    if (!locales.has(tag)) {
      throw new Error(`Mail template directory ${localeDir}: unknown language "${entry.name}" (known: ${[...locales.keys()].join(', ')})`);
    }
    const override: Override = {};
    const names = await readdir(localeDir).catch((error: Error) => {
      throw new Error(`Mail template directory ${localeDir}: cannot read it (${error.message})`);
    });
    for (const name of names.filter((n) => !n.startsWith('.'))) {
      const file = join(localeDir, name);
      if (!Object.hasOwn(overrideFiles, name)) {
        throw new Error(`Mail template ${file}: unexpected file (expected ${Object.keys(overrideFiles).join(', ')})`);
      }
      const source = await readFile(file, 'utf8').catch((error: Error) => {
        throw new Error(`Mail template ${file}: cannot read it (${error.message})`);
      });
      const part = overrideFiles[name as keyof typeof overrideFiles];
      if (part === 'subject' && !source.trim()) throw new Error(`Mail template ${file}: the subject is empty`);
      override[part] = compile(source, file, part !== 'subject');
    }
    overrides.set(tag, override);
  }
  return overrides;
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
      const s = locales.get(lang) ?? en;
      const v = valuesOf(mail, appName, s);
      const override = overrides.get(lang) ?? {};
      // Collapsed to one line: a subject is a header.
      const subject = override.subject ? fill(override.subject, v, String).replace(/\s+/g, ' ').trim() : s.subject(v);
      const builtIn = renderBuiltIn(v, s, lang, mail.ttlMinutes, subject);
      return {
        to: mail.to,
        subject,
        text: override.text ? fill(override.text, v, String) : builtIn.text,
        html: override.html ? fill(override.html, v, escapeHtml) : builtIn.html,
      };
    },
  };
}

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The words of the login mails in one language: one file per language in `locales/`, found at start-up. */
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
  /** The link mail (magic URL): what differs from the code mail. */
  link: {
    subject: (v: { appName: string }) => string;
    /** Above the button (HTML part). */
    intro: string;
    /** Above the link in the plain-text part, which has no button. */
    textIntro: string;
    /** The button's label. */
    button: (v: { appName: string }) => string;
    /** Before the plain link, for mail readers that show no button. */
    plainLink: string;
    lifetime: (v: { minutes: number }) => string;
    notYou: string;
  };
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
  link: 'object',
} satisfies Record<keyof MailStrings, string>;

const linkShape = {
  subject: 'function',
  intro: 'string',
  textIntro: 'string',
  button: 'function',
  plainLink: 'string',
  lifetime: 'function',
  notYou: 'string',
} satisfies Record<keyof MailStrings['link'], string>;

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
  const link = record.link as Record<string, unknown>;
  for (const [key, type] of Object.entries(linkShape)) {
    if (typeof link[key] !== type) return `"link.${key}" must be a ${type}`;
  }
  return undefined;
}

/** Imports every `<tag>.ts` / `<tag>.js` of `dir`: adding a language is adding one file. */
export async function loadLocales(dir: URL = new URL('../locales/', import.meta.url)): Promise<Map<string, MailStrings>> {
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


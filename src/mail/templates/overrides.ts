import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoginMailKind } from '../login-mail.js';
import { PLACEHOLDERS, type Values } from './built-in.js';
import type { MailStrings } from './strings.js';

/** A compiled override: literal text, `{{name}}`, and `{{#phrase}}…{{/phrase}}` (shown only with a phrase). */
type Part = string | { value: keyof Values } | { ifPhrase: Part[] };

type Piece = 'subject' | 'text' | 'html';
/** The files of one language: the code mail's, and the link mail's with a `link-` prefix. */
const overrideFiles: Record<string, { kind: LoginMailKind; piece: Piece }> = {
  'subject.txt': { kind: 'code', piece: 'subject' },
  'text.txt': { kind: 'code', piece: 'text' },
  'html.html': { kind: 'code', piece: 'html' },
  'link-subject.txt': { kind: 'link', piece: 'subject' },
  'link-text.txt': { kind: 'link', piece: 'text' },
  'link-html.html': { kind: 'link', piece: 'html' },
};
/** A language's overrides, by kind of mail and piece; what is absent stays built in. */
export type Override = Partial<Record<LoginMailKind, Partial<Record<Piece, Part[]>>>>;

/** The placeholder a mail of `kind` cannot be used without: the code, or the link. */
const ESSENTIAL: Record<LoginMailKind, keyof Values> = { code: 'code', link: 'link' };

function compile(source: string, file: string, kind: LoginMailKind, isBody: boolean): Part[] {
  const known = PLACEHOLDERS[kind];
  const essential = ESSENTIAL[kind];
  const fail = (index: number, problem: string) =>
    new Error(`Mail template ${file}, line ${source.slice(0, index).split('\n').length}: ${problem}`);
  const root: Part[] = [];
  let current = root;
  let openAt: number | undefined;
  let usesEssential = false;
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
    } else if ((known as readonly string[]).includes(name)) {
      current.push({ value: name as keyof Values });
      if (name === essential && openAt === undefined) usesEssential = true;
    } else {
      throw fail(match.index, `unknown placeholder {{${name}}} (known: ${known.join(', ')})`);
    }
  }
  literal(last, source.length);
  if (openAt !== undefined) throw fail(openAt, '{{#phrase}} is never closed with {{/phrase}}');
  // A mail body without the code (or the link) would be a login mail nobody can use.
  if (isBody && !usesEssential) throw fail(0, `{{${essential}}} is missing (outside any {{#phrase}} block)`);
  return root;
}

export function fill(parts: Part[], v: Values, escape: (s: string) => string): string {
  return parts
    .map((part) =>
      typeof part === 'string' ? part : 'value' in part ? escape(v[part.value]) : v.phrase ? fill(part.ifPhrase, v, escape) : '',
    )
    .join('');
}

/** Reads `<dir>/<locale>/[link-]{subject.txt,text.txt,html.html}`; any problem throws, naming the file. */
export async function loadOverrides(dir: string, locales: Map<string, MailStrings>): Promise<Map<string, Override>> {
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
      const { kind, piece } = overrideFiles[name]!;
      if (piece === 'subject' && !source.trim()) throw new Error(`Mail template ${file}: the subject is empty`);
      override[kind] = { ...override[kind], [piece]: compile(source, file, kind, piece !== 'subject') };
    }
    overrides.set(tag, override);
  }
  return overrides;
}


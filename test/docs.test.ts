import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (text: string) => new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));

describe('the documentation', () => {
  it('keeps the README to what a user needs first (≤ 15 KB)', () => {
    expect(readFileSync(join(ROOT, 'README.md')).length).toBeLessThanOrEqual(15 * 1024);
  });

  it('catalogues every ErrorCode of the contract in docs/errors.md', () => {
    const schema = readFileSync(join(ROOT, 'schema.graphql'), 'utf8');
    const codes = [...schema.slice(schema.indexOf('enum ErrorCode {')).split('}')[0]!.matchAll(/^\s+([A-Z_]+)$/gm)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(5);
    const catalogue = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    expect(codes.filter((code) => !catalogue.includes(`| \`${code}\` |`) || !catalogue.includes(`### \`${code}\``))).toEqual([]);
  });

  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue; // https:, mailto:
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const file = path ? join(dirname(join(ROOT, page)), path) : join(ROOT, page);
      if (!existsSync(file)) {
        broken.push(target!);
        continue;
      }
      if (anchor && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });
});

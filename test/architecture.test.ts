import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, lowest first: a file may import its own layer and the ones below, never one
 * above, so that every rule has one home and data flows one way (HTTP → GraphQL → services →
 * repositories → database). The one exception: graphql/context.ts names the services it hands to
 * the resolvers, with type-only imports.
 */
const LAYERS = [
  ['lib'],
  ['db'],
  ['http'],
  ['graphql'],
  ['abuse'],
  ['mail'],
  ['account'],
  ['login'],
  ['sessions'],
  ['maintenance'],
  ['appwrite'],
  ['ops'],
  ['app'],
  ['main.ts', 'worker.ts', 'cli.ts'],
];
const ALLOWED_UPWARD = new Set(['graphql/context.ts']);

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Every relative import of every file under src/, static and dynamic, as paths relative to src/. */
function imports(): Import[] {
  const found: Import[] = [];
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    const from = relative(SRC, file);
    for (const m of text.matchAll(/^\s*(import|export)(\s+type)?\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/gms)) {
      found.push({ from, to: resolve(from, m[3]!), typeOnly: Boolean(m[2]) });
    }
    for (const m of text.matchAll(/import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) found.push({ from, to: resolve(from, m[1]!), typeOnly: false });
  }
  return found;
}
const resolve = (from: string, spec: string) => normalize(join(dirname(from), spec)).replace(/\.js$/, '.ts');

const layerOf = (path: string) => {
  const top = path.split('/')[0]!;
  const index = LAYERS.findIndex((names) => names.includes(top));
  if (index < 0) throw new Error(`${path}: in no layer; add its folder to LAYERS`);
  return index;
};

describe('the architecture of src/', () => {
  const all = imports();

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all).toContainEqual({ from: 'sessions/session.service.ts', to: 'login/login.service.ts', typeOnly: true });
  });

  it('has every file in a layer, and imports only from its own layer and below', () => {
    const upward = all
      .filter((i) => layerOf(i.to) > layerOf(i.from))
      .filter((i) => !(ALLOWED_UPWARD.has(i.from) && i.typeOnly))
      .map((i) => `${i.from} → ${i.to}`);
    expect(upward).toEqual([]);
  });

  it('has no import circles', () => {
    const edges = new Map<string, string[]>();
    for (const i of all) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
    const circles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        circles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of edges.keys()) visit(node, []);
    expect(circles).toEqual([]);
  });
});

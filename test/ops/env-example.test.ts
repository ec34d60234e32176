import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, loadConfig } from '../../src/app/config.js';

const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
/** `# NAME=value` lines: the defaults the file documents. */
const documented = new Map([...text.matchAll(/^# ([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));

describe('.env.example', () => {
  it('lists every variable the service reads, and no other', () => {
    expect(ENV_VARIABLES.length).toBeGreaterThan(40);
    expect(ENV_VARIABLES.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented.keys()].filter((name) => !ENV_VARIABLES.includes(name))).toEqual([]);
  });

  it('gives each default the service really has', () => {
    const withDefaults = [...documented].filter(([, value]) => value !== '');
    expect(withDefaults.length).toBeGreaterThan(30);
    const defaults = loadConfig({});
    for (const [name, value] of withDefaults) {
      // The same configuration with the default written out: nothing changes.
      expect(loadConfig({ [name]: value }), name).toEqual(defaults);
    }
  });
});

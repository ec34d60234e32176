import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile (written by `node --cpu-prof`) that the summary needs. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A measured window, in µs of CLOCK_MONOTONIC: V8's profile clock and process.hrtime share it. */
export interface Window {
  startUs: number;
  endUs: number;
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  window: string;
  busyMs: number;
  idleMs: number;
  /** Functions by self time. */
  functions: ProfileEntry[];
  /** Self time by where the code lives: a package in node_modules, a src/ file, node: internals. */
  places: ProfileEntry[];
}

function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(src\/.*|bench\/.*)$/.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

/**
 * Self time per function and per place within `window` (the whole profile without one), idle excluded
 * from the percentages. Native frames (a socket write, a hash) are named with their nearest JavaScript
 * caller, so that `writeBuffer` says whose write it is.
 */
export function summarizeProfile(file: string, window?: Window & { name: string }, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const callerOf = (id: number): string => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const frame = byId.get(p);
      if (frame?.url && !frame.url.startsWith('node:')) return ` ← ${frame.functionName || '(anonymous)'} ${placeOf(frame.url, frame.functionName)}:${frame.lineNumber + 1}`;
    }
    return '';
  };
  let at = profile.startTime;
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (window && (at < window.startUs || at > window.endUs)) return;
    if (!frame) return;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      return;
    }
    busyUs += us;
    const where = frame.url ? `${placeOf(frame.url, frame.functionName)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : frame.functionName.startsWith('(') ? '' : callerOf(id)}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const place = placeOf(frame.url, frame.functionName);
    places.set(place, (places.get(place) ?? 0) + us);
  });
  const rank = (map: Map<string, number>): ProfileEntry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), percent: Math.round((1000 * us) / busyUs) / 10 }));
  return {
    file,
    window: window?.name ?? 'whole run',
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    functions: rank(functions),
    places: rank(places),
  };
}

export function printProfile(summary: ProfileSummary): void {
  console.log(`\nCPU profile of the server, ${summary.window}: ${summary.busyMs} ms busy, ${summary.idleMs} ms idle`);
  console.log('  top functions by self time:');
  for (const e of summary.functions) console.log(`    ${String(e.percent).padStart(5)}%  ${String(e.selfMs).padStart(6)} ms  ${e.name}`);
  console.log('  by place:');
  for (const e of summary.places) console.log(`    ${String(e.percent).padStart(5)}%  ${String(e.selfMs).padStart(6)} ms  ${e.name}`);
}

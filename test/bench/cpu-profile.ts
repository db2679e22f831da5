import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads the `.cpuprofile` a cloud instance wrote under `node --cpu-prof` (issue 18: profile the cash-out
 * path) and sums self time by function and by where the code lives (a package in node_modules, node's
 * internals, or the cloud's own source), largest first.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface ProfileSummary {
  totalMs: number;
  byFunction: Array<{ name: string; ms: number; pct: number }>;
  byPlace: Array<{ name: string; ms: number; pct: number }>;
}

function place(url: string): string {
  if (!url) return '(native/gc/idle)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  return 'cloud-api (own code)';
}

export function summarizeProfile(dir: string, top = 12): ProfileSummary | undefined {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return undefined;
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const perSampleMs = (p.endTime - p.startTime) / 1000 / Math.max(1, p.samples.length);
  const fn = new Map<string, number>();
  const where = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const ms = (n.hitCount ?? 0) * perSampleMs;
    if (ms === 0 || n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(program)') continue;
    total += ms;
    const base = n.callFrame.url.split('/').slice(-1)[0] ?? '';
    const key = `${n.callFrame.functionName || '(anonymous)'} ${base}:${n.callFrame.lineNumber + 1} [${place(n.callFrame.url)}]`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    where.set(place(n.callFrame.url), (where.get(place(n.callFrame.url)) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms: Math.round(ms), pct: Math.round((ms / total) * 1000) / 10 }));
  return { totalMs: Math.round(total), byFunction: sorted(fn), byPlace: sorted(where) };
}

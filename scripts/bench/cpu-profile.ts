/**
 * Summarise a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function (name + url + line)
 * and by file/package.
 *
 *   npx tsx scripts/bench/cpu-profile.ts FILE.cpuprofile [--top 25]
 *
 * Self time of a node = the sum of the sampling intervals whose sample landed in that node
 * (`timeDeltas[i + 1]` belongs to `samples[i]`).
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeRow {
  function: string;
  url: string;
  selfMs: number;
  pct: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled time summed (within `window` when given). */
  totalMs: number;
  /** Of which the thread was idle (waiting for I/O or other threads). */
  idleMs: number;
  samples: number;
  /** The part of the profile summarised: the whole process, or the work window (µs, monotonic). */
  scope: 'whole process' | 'work only (from the start of runReport to its end)';
  byFunction: SelfTimeRow[];
  /** Self time by file (node_modules packages collapsed to the package name). */
  byFile: { file: string; selfMs: number; pct: number }[];
}

/** A short, stable name for a script URL: `hyparquet/src/x.js`, `lambdas/engine/...`, `(native)`. */
export function shortUrl(url: string): string {
  if (!url) return '(native/V8)';
  let u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + '/node_modules/'.length);
  for (const marker of ['/lambdas/', '/scripts/', '/lib/', '/test/']) {
    const i = u.indexOf(marker);
    if (i >= 0) return u.slice(i + 1);
  }
  if (u.startsWith('node:')) return u;
  u = u.split('/').slice(-2).join('/');
  return u;
}

function packageOf(url: string): string {
  const s = shortUrl(url);
  if (!url || s.startsWith('node:') || s.startsWith('(')) return s.startsWith('node:') ? 'node:(built-ins)' : s;
  if (url.includes('/node_modules/')) {
    const parts = s.split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return s;
}

/**
 * `window`: [start, end] in µs of the monotonic clock (process.hrtime), which is the clock V8 stamps
 * samples with; only samples inside it are counted. When the window does not overlap the profile (a
 * clock mismatch), the whole profile is summarised.
 */
export async function summariseProfile(file: string, top = 25, window?: { startUs: number; endUs: number }): Promise<ProfileSummary> {
  const p = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const useWindow = window !== undefined && window.startUs < p.endTime && window.endUs > p.startTime;
  const self = new Map<number, number>();
  let at = p.startTime;
  let counted = 0;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (useWindow && (at < window.startUs || at > window.endUs)) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + dt);
    counted++;
  }
  const fn = new Map<string, { function: string; url: string; us: number }>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    total += us;
    if (cf.functionName === '(idle)') idle += us;
    const name = cf.functionName || '(anonymous)';
    // by name + url (line numbers of tsx-transpiled files do not match the sources)
    const key = `${name}\u0000${cf.url}`;
    const row = fn.get(key) ?? { function: name, url: shortUrl(cf.url), us: 0 };
    row.us += us;
    fn.set(key, row);
    const pk = packageOf(cf.url);
    files.set(pk, (files.get(pk) ?? 0) + us);
  }
  const ms = (us: number) => us / 1000;
  const pct = (us: number) => (total ? (100 * us) / total : 0);
  return {
    file,
    totalMs: ms(total),
    idleMs: ms(idle),
    samples: counted,
    scope: useWindow ? 'work only (from the start of runReport to its end)' : 'whole process',
    byFunction: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((r) => ({ function: r.function, url: r.url, selfMs: ms(r.us), pct: pct(r.us) })),
    byFile: [...files.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => ({ file: f, selfMs: ms(us), pct: pct(us) })),
  };
}

export function formatSummary(s: ProfileSummary, top = 15): string {
  const lines = [
    `CPU profile ${s.file}: ${s.scope}, ${s.totalMs.toFixed(0)} ms sampled (${s.samples} samples, ${s.idleMs.toFixed(0)} ms idle)`,
    '',
    'Top self time by function:',
  ];
  lines.push('  #   self ms      %  function  (file)');
  s.byFunction.slice(0, top).forEach((r, i) => {
    lines.push(`  ${String(i + 1).padStart(2)} ${r.selfMs.toFixed(0).padStart(8)} ${r.pct.toFixed(1).padStart(6)}  ${r.function}  (${r.url})`);
  });
  lines.push('', 'Self time by file / package:');
  s.byFile.slice(0, top).forEach((r) => lines.push(`  ${r.selfMs.toFixed(0).padStart(8)} ms ${r.pct.toFixed(1).padStart(6)} %  ${r.file}`));
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length === 0) {
    console.error('usage: tsx scripts/bench/cpu-profile.ts FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  for (const f of positionals) console.log(formatSummary(await summariseProfile(f, Number(values.top)), Number(values.top)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

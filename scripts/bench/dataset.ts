/**
 * The benchmark's log root: generated once with the project's own generator (`generateSample`) and
 * cached outside the repository in `<cacheDir>/rows-<N>-seed-<S>/`. A marker file written last
 * (`.bench-complete.json`) says the root is complete; a folder without it (an interrupted run) is
 * deleted and generated again.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { generateSample } from '../generate-sample.js';

export const DEFAULT_CACHE_DIR = join(tmpdir(), 'llm-log-analytics-bench');
export const MARKER = '.bench-complete.json';

/** Generator options the cached root depends on (besides rows and seed, which name the folder). */
export const GENERATOR_DEFAULTS = {
  start: '2025-10-06',
  days: 42,
  codec: 'zstd' as const,
  // The engine never opens contexts/ or responses/; writing them (one file per row of the last day)
  // would only cost time and inodes, so the benchmark root has logs/ only.
  files: 'none' as const,
};

export interface ParquetObject {
  /** Relative to the root, `/` separators. */
  path: string;
  size: number;
}

export interface Dataset {
  root: string;
  rows: number;
  seed: number;
  /** First and last generated day (UTC), YYYY-MM-DD. */
  from: string;
  to: string;
  days: number;
  rowsPerDay: number[];
  parquet: ParquetObject[];
  parquetBytes: number;
  /** True when this call generated the root (false: reused from the cache). */
  generated: boolean;
  /** Generation time of the cached root (when it was generated). */
  generationSeconds: number;
  generatedAt: string;
}

interface Marker {
  version: 1;
  rows: number;
  seed: number;
  options: typeof GENERATOR_DEFAULTS;
  from: string;
  to: string;
  rowsPerDay: number[];
  seconds: number;
  generatedAt: string;
}

async function listParquet(root: string): Promise<ParquetObject[]> {
  const logs = join(root, 'logs');
  const entries = await readdir(logs, { recursive: true, withFileTypes: true });
  const out: ParquetObject[] = [];
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.parquet')) continue;
    const full = join(e.parentPath, e.name);
    out.push({ path: relative(root, full).split(sep).join('/'), size: (await stat(full)).size });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function datasetDir(cacheDir: string, rows: number, seed: number): string {
  return join(cacheDir, `rows-${rows}-seed-${seed}`);
}

export async function ensureDataset(opts: {
  cacheDir: string;
  rows: number;
  seed: number;
  log: (message: string) => void;
}): Promise<Dataset> {
  const { cacheDir, rows, seed, log } = opts;
  const root = datasetDir(cacheDir, rows, seed);
  const markerPath = join(root, MARKER);
  let marker: Marker | null = null;
  if (existsSync(markerPath)) {
    try {
      const m = JSON.parse(await readFile(markerPath, 'utf8')) as Marker;
      if (m.version === 1 && m.rows === rows && m.seed === seed && JSON.stringify(m.options) === JSON.stringify(GENERATOR_DEFAULTS)) marker = m;
    } catch {
      marker = null;
    }
  }
  let generated = false;
  if (!marker) {
    if (existsSync(root)) {
      // Only ever delete our own cache folder (named rows-N-seed-S under the cache dir).
      if (!/^rows-\d+-seed-\d+$/.test(basename(root))) throw new Error(`refusing to delete ${root}`);
      log(`cache: ${root} is incomplete or stale; generating again`);
      await rm(root, { recursive: true, force: true });
    }
    await mkdir(root, { recursive: true });
    log(`cache: generating ${rows.toLocaleString('en-US')} rows (seed ${seed}) into ${root} ...`);
    const began = Date.now();
    const r = await generateSample({ out: root, rows, seed, ...GENERATOR_DEFAULTS });
    marker = {
      version: 1,
      rows,
      seed,
      options: GENERATOR_DEFAULTS,
      from: r.from,
      to: r.to,
      rowsPerDay: r.rowsPerDay,
      seconds: (Date.now() - began) / 1000,
      generatedAt: new Date().toISOString(),
    };
    // The marker is written last: its presence means the root is complete.
    await writeFile(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
    generated = true;
    log(`cache: generated in ${marker.seconds.toFixed(1)} s`);
  } else {
    log(`cache: reusing ${root} (generated ${marker.generatedAt})`);
  }
  const parquet = await listParquet(root);
  return {
    root,
    rows,
    seed,
    from: marker.from,
    to: marker.to,
    days: marker.rowsPerDay.length,
    rowsPerDay: marker.rowsPerDay,
    parquet,
    parquetBytes: parquet.reduce((n, f) => n + f.size, 0),
    generated,
    generationSeconds: marker.seconds,
    generatedAt: marker.generatedAt,
  };
}

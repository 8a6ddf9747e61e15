/**
 * CI smoke run of the benchmark (scripts/bench.ts) at 50,000 rows, one round, into a temporary cache
 * folder: it must complete and the engine must agree with DuckDB (and the S3 run with both). Timings
 * are not asserted — they mean nothing on a shared CI machine.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

let cacheDir: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
});

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

interface BenchJson {
  data: { rows: number; files: number };
  rowsRead: number;
  rowsInWindow: number;
  engine: { medianWallMs: number; peakRssMb: number };
  duckdb: { medianWallMs: number; peakRssMb: number };
  agreement: { agree: boolean; differences: unknown[] };
  s3: { agreesWithDuckdb?: boolean; duplicateRanges?: number; wholeObjectReads?: number; bytesFetched?: number; note?: string };
  e2e: { medianWallMs: number; runs: { reportFiles?: number }[] } | null;
  errors: string[];
}

test('bench at 50,000 rows completes and the engine agrees with DuckDB', async () => {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench.ts', '--rows', '50000', '--rounds', '1', '--cache-dir', cacheDir, '--json', '--no-bundle'],
    { cwd: ROOT, maxBuffer: 1 << 26, timeout: 110_000 },
  ).catch((e: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`bench failed: ${e.message}\n${e.stderr?.slice(-4000) ?? ''}\n${e.stdout?.slice(-4000) ?? ''}`);
  });
  const r = JSON.parse(stdout) as BenchJson;
  expect(r.errors).toEqual([]);
  expect(r.agreement).toEqual({ agree: true, differences: [] });
  expect(r.data.rows).toBe(50_000);
  expect(r.rowsInWindow).toBeGreaterThan(0);
  expect(r.rowsRead).toBeGreaterThanOrEqual(r.rowsInWindow);
  expect(r.engine.medianWallMs).toBeGreaterThan(0);
  expect(r.duckdb.medianWallMs).toBeGreaterThan(0);
  // S3 path: same aggregates, ranged reads only
  expect(r.s3.agreesWithDuckdb).toBe(true);
  expect(r.s3.wholeObjectReads).toBe(0);
  expect(r.s3.bytesFetched).toBeGreaterThan(0);
  // end-to-end report rendered files
  expect(r.e2e?.runs[0].reportFiles).toBeGreaterThan(1);
  // the log root was cached with its completion marker
  expect(await readdir(join(cacheDir, 'rows-50000-seed-7'))).toEqual(expect.arrayContaining(['logs', '.bench-complete.json']));
}, 120_000);

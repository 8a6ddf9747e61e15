/**
 * What a benchmark child process (run-engine.ts, run-duckdb.ts) prints: one line
 * `BENCH_RESULT {json}` on stdout (anything else a library prints is ignored).
 */
import type { Aggregates } from './aggregates.js';

export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface S3RequestLog {
  /** GetObject requests seen by the client's middleware. */
  gets: number;
  /** GetObject requests without a Range header. */
  wholeObjectGets: number;
  listRequests: number;
  /** (key, range) pairs fetched more than once, and how often (first 10). */
  duplicates: { key: string; range: string | null; times: number }[];
  duplicateCount: number;
  /** Bytes named by the Range headers. */
  rangeBytes: number;
  /** Bytes fetched again by a range overlapping an earlier one of the same object. */
  overlapBytes: number;
}

export interface ChildReport {
  side: 'engine' | 'duckdb';
  pid: number;
  /** Wall time of the work, measured inside the process (after module imports). */
  wallMs: number;
  /** Time to import the engine (or DuckDB) modules before the work started. */
  importMs: number;
  /** process.resourceUsage().maxRSS: peak resident set size in KB (the OS's figure). */
  maxRssKb: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  aggregates: Aggregates;
  /** Rows in the files/row groups the engine opened (engine only). */
  rowsRead?: number;
  /** Engine source counters (result.io). */
  io?: { listRequests: number; readRequests: number; bytesFetched: number; wholeObjectReads: number };
  /** Files the engine opened (status read), relative paths. */
  filesRead?: string[];
  /** S3 runs: what the client's middleware saw. */
  s3?: S3RequestLog;
  /** End-to-end runs: time to the end of aggregation and of rendering (from onProgress). */
  phases?: { aggregatesMs: number; renderMs: number };
  /** End-to-end runs: report files produced (charts, HTML, CSV). */
  reportFiles?: number;
  /** Monotonic clock (process.hrtime, µs) at the start and end of the work, to cut a CPU profile to it. */
  monoStartUs?: number;
  monoEndUs?: number;
  /** DuckDB only. */
  duckdbVersion?: string;
  threads?: number;
}

export function emit(report: ChildReport): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(report)}\n`);
}

export function parseChildOutput(stdout: string): ChildReport {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) throw new Error('child printed no BENCH_RESULT line');
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildReport;
}

/** Monotonic time in microseconds (CLOCK_MONOTONIC, the clock V8's CPU profiler stamps samples with). */
export function monoUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function usage(): { maxRssKb: number; cpuUserMs: number; cpuSystemMs: number } {
  const u = process.resourceUsage();
  return { maxRssKb: u.maxRSS, cpuUserMs: u.userCPUTime / 1000, cpuSystemMs: u.systemCPUTime / 1000 };
}

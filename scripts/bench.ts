/**
 * Benchmark: the report engine against DuckDB over the same generated log root, plus the S3 path,
 * the end-to-end report and the report Lambda bundle.
 *
 *   npm run bench -- [--rows 1000000] [--rounds 3] [--tz UTC] [--seed 7] [--cache-dir DIR] [--json]
 *     [--s3 | --no-s3] [--s3-rows N] [--no-e2e] [--e2e-rounds 1] [--no-bundle] [--bundle-loads 5]
 *     [--cpu-prof DIR] [--duckdb-mode view|table] [--duckdb-threads N] [--engine-ref GIT_REF]
 *
 * - The log root is generated once with scripts/generate-sample.ts (`generateSample`, 42 daily zstd
 *   partitions from 2025-10-06) into `<cache-dir>/rows-<N>-seed-<S>/` (default cache dir:
 *   `os.tmpdir()/llm-log-analytics-bench`) and reused while its marker file is there.
 * - Window: the last 14 days of the generated range (the engine also reads the 14 days before).
 * - Each measured run is a fresh process (`node --import tsx scripts/bench/run-engine.ts` /
 *   `run-duckdb.ts`), alternating engine, DuckDB, engine, DuckDB ... for `--rounds` rounds. A child
 *   reports its wall time measured inside the process from the start of the work (module imports
 *   excluded, reported apart), and `process.resourceUsage().maxRSS` (peak RSS, KB); the parent also
 *   times the whole child process.
 * - Both sides' aggregates are compared (counts exactly; sums and percentiles to 1e-9 relative):
 *   a disagreement fails the run (exit code 1) and prints the differing fields.
 * - S3: the log root's logs/ uploaded to a local s3rver, the engine run with an s3:// source; bytes
 *   fetched versus object sizes, requests, (key, range) pairs fetched twice. Default: the same data when
 *   --rows <= 2,000,000, else skipped unless --s3 (same data) or --s3-rows N (a separate N-row root).
 * - End-to-end: the engine with charts + HTML (`renderCharts: true`).
 * - Bundle: the report Lambda built with esbuild (lib/bundling.ts), zipped with its assets, and the
 *   time to import() it in a fresh process (median of --bundle-loads).
 * - --cpu-prof DIR: one more engine run under `node --cpu-prof`, summarised (top self time).
 *
 * Output: a human-readable summary on stdout and the figures as JSON in bench-results/<timestamp>.json;
 * with --json the JSON goes to stdout (and the summary to stderr) instead.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Aggregates, type Difference, compareAggregates } from './bench/aggregates.js';
import { type BundleFigures, measureBundle } from './bench/bundle.js';
import { type ChildRun, type EngineTree, engineTree, runChild, startS3Server } from './bench/children.js';
import { type ProfileSummary, formatSummary, summariseProfile } from './bench/cpu-profile.js';
import { type Dataset, DEFAULT_CACHE_DIR, ensureDataset } from './bench/dataset.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const WINDOW_DAYS = 14;
const S3_DEFAULT_MAX_ROWS = 2_000_000;
const S3_BUCKET = 'bench-logs';
const S3_PREFIX = 'DATA_MERGE_ASSETS/LOGS/FINRAG/';
/** index.mjs smaller than this: lambdas/report/handler.ts is still a placeholder. */
const STUB_BUNDLE_BYTES = 50 * 1024;

const TARGETS = {
  ratioAt1M: 2.0,
  rssMbAt1M: 256,
  rssMbAt10M: 512,
  s3FetchedShare: 0.7,
  e2eExtraMs: 3000,
  bundleZippedBytes: 5 * 1024 * 1024,
  bundleLoadMs: 500,
};

interface Options {
  rows: number;
  rounds: number;
  seed: number;
  tz: string;
  cacheDir: string;
  json: boolean;
  s3: 'auto' | 'force' | 'off';
  s3Rows: number | null;
  e2e: boolean;
  e2eRounds: number;
  bundle: boolean;
  bundleProjected: boolean;
  bundleLoads: number;
  cpuProf: string | null;
  duckdbMode: 'view' | 'table';
  duckdbThreads: number | null;
  engineRef: string | null;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' },
      rounds: { type: 'string', default: '3' },
      seed: { type: 'string', default: '7' },
      tz: { type: 'string', default: 'UTC' },
      'cache-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      s3: { type: 'boolean', default: false },
      'no-s3': { type: 'boolean', default: false },
      's3-rows': { type: 'string' },
      'no-e2e': { type: 'boolean', default: false },
      'e2e-rounds': { type: 'string', default: '1' },
      'no-bundle': { type: 'boolean', default: false },
      'bundle-projected': { type: 'boolean', default: false },
      'bundle-loads': { type: 'string', default: '5' },
      'cpu-prof': { type: 'string' },
      'duckdb-mode': { type: 'string', default: 'view' },
      'duckdb-threads': { type: 'string' },
      'engine-ref': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    const doc = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    console.log(doc.slice(doc.indexOf('/**'), doc.indexOf('*/') + 2));
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number): number => {
    const s = (v ?? '').replace(/[_,]/g, '');
    if (!/^\d+$/.test(s) || Number(s) < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
    return Number(s);
  };
  if (values.s3 && values['no-s3']) throw new Error('--s3 and --no-s3 exclude each other');
  if (values['duckdb-mode'] !== 'view' && values['duckdb-mode'] !== 'table') throw new Error('--duckdb-mode must be view or table');
  if (!isValidTimeZone(values.tz!)) throw new Error(`--tz: unknown time zone ${values.tz}`);
  return {
    rows: int('rows', values.rows, 1),
    rounds: int('rounds', values.rounds, 1),
    seed: int('seed', values.seed, 0),
    tz: values.tz!,
    cacheDir: values['cache-dir'] ?? DEFAULT_CACHE_DIR,
    json: values.json!,
    s3: values['no-s3'] ? 'off' : values.s3 ? 'force' : 'auto',
    s3Rows: values['s3-rows'] === undefined ? null : int('s3-rows', values['s3-rows'], 1),
    e2e: !values['no-e2e'],
    e2eRounds: int('e2e-rounds', values['e2e-rounds'], 1),
    bundle: !values['no-bundle'],
    bundleProjected: values['bundle-projected']!,
    bundleLoads: int('bundle-loads', values['bundle-loads'], 1),
    cpuProf: values['cpu-prof'] ?? null,
    duckdbMode: values['duckdb-mode'] as 'view' | 'table',
    duckdbThreads: values['duckdb-threads'] === undefined ? null : int('duckdb-threads', values['duckdb-threads'], 1),
    engineRef: values['engine-ref'] ?? null,
  };
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mb = (bytes: number) => bytes / (1024 * 1024);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtMB = (bytes: number) => `${mb(bytes).toFixed(1)} MB`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

function machineInfo() {
  const cpus = os.cpus();
  let kernel = os.release();
  try {
    kernel = `${os.type()} ${os.release()}`;
  } catch {
    /* ignore */
  }
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel,
    /** 1/5/15-minute load averages when the run started: other work on the machine skews timings. */
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

interface SideFigures {
  runs: { wallMs: number; processMs: number; importMs: number; maxRssKb: number; cpuUserMs: number; cpuSystemMs: number }[];
  medianWallMs: number;
  medianProcessMs: number;
  medianImportMs: number;
  rowsPerSecond: number;
  peakRssMb: number;
  medianRssMb: number;
}

function sideFigures(runs: ChildRun[], rowsRead: number): SideFigures {
  const r = runs.map((c) => ({
    wallMs: c.report.wallMs,
    processMs: c.processMs,
    importMs: c.report.importMs,
    maxRssKb: c.report.maxRssKb,
    cpuUserMs: c.report.cpuUserMs,
    cpuSystemMs: c.report.cpuSystemMs,
  }));
  const wall = median(r.map((x) => x.wallMs));
  return {
    runs: r,
    medianWallMs: wall,
    medianProcessMs: median(r.map((x) => x.processMs)),
    medianImportMs: median(r.map((x) => x.importMs)),
    rowsPerSecond: rowsRead / (wall / 1000),
    peakRssMb: Math.max(...r.map((x) => x.maxRssKb)) / 1024,
    medianRssMb: median(r.map((x) => x.maxRssKb)) / 1024,
  };
}

function describeAgreement(a: Aggregates): string {
  return `totals, latency (n=${fmtInt(a.latency.count)}), ${a.byDay.length} days, ${a.byModel.length} models, top ${a.topQueries.length} queries, ${a.errors.length} error kinds, previous period`;
}

function formatDiffs(diffs: Difference[], limit = 40): string[] {
  const lines = diffs.slice(0, limit).map((d) => `    ${d.field}: engine=${JSON.stringify(d.engine)} duckdb=${JSON.stringify(d.duckdb)}`);
  if (diffs.length > limit) lines.push(`    ... and ${diffs.length - limit} more`);
  return lines;
}

async function uploadLogs(endpoint: string, ds: Dataset, log: (m: string) => void): Promise<{ objects: number; bytes: number; ms: number }> {
  const { CreateBucketCommand, PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const t0 = performance.now();
  try {
    await client.send(new CreateBucketCommand({ Bucket: S3_BUCKET }));
    let next = 0;
    const worker = async () => {
      while (next < ds.parquet.length) {
        const f = ds.parquet[next++];
        await client.send(
          new PutObjectCommand({
            Bucket: S3_BUCKET,
            Key: `${S3_PREFIX}${f.path}`,
            Body: await readFile(join(ds.root, f.path)),
            ContentType: 'application/vnd.apache.parquet',
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  } finally {
    client.destroy();
  }
  const ms = performance.now() - t0;
  log(`s3: uploaded ${ds.parquet.length} objects (${fmtMB(ds.parquetBytes)}) in ${fmtS(ms)}`);
  return { objects: ds.parquet.length, bytes: ds.parquetBytes, ms };
}

/** The .cpuprofile files a child wrote (node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
/**
 * The least an S3 reader of these files must fetch for the report: the compressed column chunks of
 * every column except context_file and response_file (the engine reads only their null counts, from
 * the footer), plus each footer (footer_size + 8 bytes). From the Parquet metadata, read with DuckDB.
 */
async function minimumBytes(paths: string[]): Promise<{ columnBytes: number; footerBytes: number; unreadColumnBytes: number }> {
  if (paths.length === 0) return { columnBytes: 0, footerBytes: 0, unreadColumnBytes: 0 };
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    const list = `[${paths.map((p) => `'${p.replace(/'/g, "''")}'`).join(', ')}]`;
    const unread = "('context_file', 'response_file')";
    const [cols] = (
      await c.runAndReadAll(`SELECT sum(total_compressed_size) FILTER (WHERE path_in_schema NOT IN ${unread}) AS needed,
          sum(total_compressed_size) FILTER (WHERE path_in_schema IN ${unread}) AS unread FROM parquet_metadata(${list})`)
    ).getRowObjectsJS();
    const [foot] = (await c.runAndReadAll(`SELECT sum(footer_size + 8) AS f FROM parquet_file_metadata(${list})`)).getRowObjectsJS();
    return { columnBytes: Number(cols.needed), footerBytes: Number(foot.f), unreadColumnBytes: Number(cols.unread) };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

async function profilesOf(dir: string, pid: number): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.cpuprofile') && n.split('.')[3] === String(pid));
  return names.map((n) => join(dir, n));
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const say = opts.json ? (m: string) => process.stderr.write(`${m}\n`) : (m: string) => process.stdout.write(`${m}\n`);
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
  const errors: string[] = [];
  const started = new Date();
  const machine = machineInfo();

  // ---- data and window ------------------------------------------------------------------------
  const ds = await ensureDataset({ cacheDir: opts.cacheDir, rows: opts.rows, seed: opts.seed, log });
  const to = ds.to;
  const from = addDays(to, -(WINDOW_DAYS - 1));
  const prevFrom = addDays(from, -WINDOW_DAYS);
  const engine: EngineTree = await engineTree(PROJECT_ROOT, opts.cacheDir, opts.engineRef ?? undefined);
  log(`engine: ${engine.description}`);
  const windowArgs = (root: string) => ['--root', root, '--from', from, '--to', to, '--tz', opts.tz];
  const engineScript = join('scripts', 'bench', 'run-engine.ts');
  const duckdbArgs = (root: string) => [...windowArgs(root), '--mode', opts.duckdbMode, ...(opts.duckdbThreads ? ['--threads', String(opts.duckdbThreads)] : [])];
  const runEngine = (args: string[], nodeFlags: string[] = []) => runChild({ cwd: engine.root, script: engineScript, args, nodeFlags });
  const runDuckdb = (root: string) => runChild({ cwd: PROJECT_ROOT, script: join('scripts', 'bench', 'run-duckdb.ts'), args: duckdbArgs(root) });

  // ---- A B A B rounds --------------------------------------------------------------------------
  const engineRuns: ChildRun[] = [];
  const duckdbRuns: ChildRun[] = [];
  const diffsByRound: Difference[][] = [];
  for (let r = 1; r <= opts.rounds; r++) {
    const a = await runEngine(windowArgs(ds.root));
    engineRuns.push(a);
    log(`round ${r}/${opts.rounds}: engine ${fmtS(a.report.wallMs)} (process ${fmtS(a.processMs)}, peak RSS ${(a.report.maxRssKb / 1024).toFixed(0)} MB)`);
    const b = await runDuckdb(ds.root);
    duckdbRuns.push(b);
    log(`round ${r}/${opts.rounds}: DuckDB ${fmtS(b.report.wallMs)} (process ${fmtS(b.processMs)}, peak RSS ${(b.report.maxRssKb / 1024).toFixed(0)} MB)`);
    diffsByRound.push(compareAggregates(a.report.aggregates, b.report.aggregates));
  }
  const rowsRead = engineRuns[0].report.rowsRead ?? 0;
  const filesRead = engineRuns[0].report.filesRead ?? [];
  const engineFig = sideFigures(engineRuns, rowsRead);
  const duckdbFig = sideFigures(duckdbRuns, rowsRead);
  const ratio = engineFig.medianWallMs / duckdbFig.medianWallMs;
  const processRatio = engineFig.medianProcessMs / duckdbFig.medianProcessMs;
  const diffs = diffsByRound.find((d) => d.length > 0) ?? [];
  const agree = diffsByRound.every((d) => d.length === 0);
  const rssTargetMb = opts.rows <= 1_000_000 ? TARGETS.rssMbAt1M : TARGETS.rssMbAt10M;

  // ---- S3 --------------------------------------------------------------------------------------
  let s3: Record<string, unknown> | null = null;
  let s3Note: string | null = null;
  let s3Rows: number | null = null;
  if (opts.s3 === 'off') s3Note = 'skipped (--no-s3)';
  else if (opts.s3Rows !== null) s3Rows = opts.s3Rows;
  else if (opts.s3 === 'force' || opts.rows <= S3_DEFAULT_MAX_ROWS) s3Rows = opts.rows;
  else s3Note = `skipped: ${fmtInt(opts.rows)} rows is more than ${fmtInt(S3_DEFAULT_MAX_ROWS)} (upload too big by default); use --s3 or --s3-rows N`;
  if (s3Rows !== null) {
    try {
      const s3ds = s3Rows === opts.rows ? ds : await ensureDataset({ cacheDir: opts.cacheDir, rows: s3Rows, seed: opts.seed, log });
      const server = await startS3Server(PROJECT_ROOT);
      try {
        const upload = await uploadLogs(server.endpoint, s3ds, log);
        const run = await runEngine([...windowArgs(s3ds.root), '--s3-endpoint', server.endpoint, '--s3-bucket', S3_BUCKET, '--s3-prefix', S3_PREFIX]);
        const rep = run.report;
        const oracle = s3ds === ds ? duckdbRuns[0].report.aggregates : (await runDuckdb(s3ds.root)).report.aggregates;
        const s3Diffs = compareAggregates(rep.aggregates, oracle);
        const opened = new Set(rep.filesRead ?? []);
        const openedBytes = s3ds.parquet.filter((f) => opened.has(f.path)).reduce((n, f) => n + f.size, 0);
        const io = rep.io!;
        const minimum = await minimumBytes([...opened].map((p) => join(s3ds.root, p)));
        const minimumBytesTotal = minimum.columnBytes + minimum.footerBytes;
        s3 = {
          rows: s3Rows,
          upload,
          wallMs: rep.wallMs,
          processMs: run.processMs,
          peakRssMb: rep.maxRssKb / 1024,
          objects: s3ds.parquet.length,
          objectsBytes: s3ds.parquetBytes,
          objectsOpened: opened.size,
          objectsOpenedBytes: openedBytes,
          bytesFetched: io.bytesFetched,
          fetchedShareOfOpened: io.bytesFetched / openedBytes,
          fetchedShareOfAll: io.bytesFetched / s3ds.parquetBytes,
          minimum: { ...minimum, totalBytes: minimumBytesTotal, shareOfOpened: minimumBytesTotal / openedBytes, fetchedOverMinimum: io.bytesFetched / minimumBytesTotal },
          readRequests: io.readRequests,
          listRequests: io.listRequests,
          wholeObjectReads: io.wholeObjectReads,
          middleware: rep.s3,
          duplicateRanges: rep.s3?.duplicateCount ?? 0,
          agreesWithDuckdb: s3Diffs.length === 0,
          differences: s3Diffs.slice(0, 50),
        };
        if (s3Diffs.length > 0) errors.push(`S3 run disagrees with DuckDB in ${s3Diffs.length} fields`);
      } finally {
        await server.stop();
      }
    } catch (e) {
      errors.push(`S3: ${(e as Error).message}`);
      s3Note = `failed: ${(e as Error).message.split('\n')[0]}`;
    }
  }

  // ---- end to end ------------------------------------------------------------------------------
  let e2e: Record<string, unknown> | null = null;
  if (opts.e2e) {
    try {
      const runs: ChildRun[] = [];
      for (let i = 0; i < opts.e2eRounds; i++) {
        const r = await runEngine([...windowArgs(ds.root), '--charts']);
        runs.push(r);
        log(`end-to-end ${i + 1}/${opts.e2eRounds}: ${fmtS(r.report.wallMs)} (render ${fmtS(r.report.phases?.renderMs ?? NaN)})`);
      }
      const wall = median(runs.map((r) => r.report.wallMs));
      e2e = {
        runs: runs.map((r) => ({ wallMs: r.report.wallMs, processMs: r.processMs, maxRssKb: r.report.maxRssKb, phases: r.report.phases, reportFiles: r.report.reportFiles })),
        medianWallMs: wall,
        medianRenderMs: median(runs.map((r) => r.report.phases?.renderMs ?? NaN)),
        medianProcessMs: median(runs.map((r) => r.processMs)),
        peakRssMb: Math.max(...runs.map((r) => r.report.maxRssKb)) / 1024,
        aggregatesMedianWallMs: engineFig.medianWallMs,
        overAggregatesMs: wall - engineFig.medianWallMs,
        targetPass: wall <= engineFig.medianWallMs + TARGETS.e2eExtraMs,
      };
      const d = compareAggregates(runs[0].report.aggregates, engineRuns[0].report.aggregates);
      if (d.length > 0) errors.push(`end-to-end run's aggregates differ from the aggregates-only run (${d.length} fields)`);
    } catch (e) {
      errors.push(`end-to-end: ${(e as Error).message}`);
    }
  }

  // ---- bundle ----------------------------------------------------------------------------------
  let bundle: BundleFigures | null = null;
  let projected: BundleFigures | null = null;
  let bundleError: string | null = null;
  if (opts.bundle) {
    try {
      bundle = await measureBundle(PROJECT_ROOT, opts.bundleLoads, log, 'handler');
      // A handler bundle this small is a placeholder: measure what the finished handler will hold too.
      if (bundle.indexBytes < STUB_BUNDLE_BYTES || opts.bundleProjected) projected = await measureBundle(PROJECT_ROOT, opts.bundleLoads, log, 'projected');
    } catch (e) {
      bundleError = (e as Error).message;
      errors.push(`bundle: ${bundleError.split('\n')[0]}`);
    }
  }

  // ---- CPU profile -----------------------------------------------------------------------------
  let profile: (ProfileSummary & { wallMs: number; otherProfiles: string[]; wholeProcess: ProfileSummary }) | null = null;
  if (opts.cpuProf) {
    try {
      await mkdir(opts.cpuProf, { recursive: true });
      const run = await runEngine(windowArgs(ds.root), ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`]);
      const files = await profilesOf(opts.cpuProf, run.report.pid);
      if (files.length === 0) throw new Error('no .cpuprofile written');
      const window = run.report.monoStartUs !== undefined && run.report.monoEndUs !== undefined ? { startUs: run.report.monoStartUs, endUs: run.report.monoEndUs } : undefined;
      const summaries = await Promise.all(files.map((f) => summariseProfile(f, 30, window)));
      // The main thread is thread 0 in the file name; tsx's module-loader thread (mostly idle) is another.
      const threadOf = (f: string) => f.split('/').pop()!.split('.')[4];
      const busy = (x: ProfileSummary) => x.totalMs - x.idleMs;
      summaries.sort((a, b) => Number(threadOf(b.file) === '0') - Number(threadOf(a.file) === '0') || busy(b) - busy(a));
      const whole = await summariseProfile(summaries[0].file, 30);
      profile = { ...summaries[0], wallMs: run.report.wallMs, otherProfiles: summaries.slice(1).map((s) => s.file), wholeProcess: whole };
    } catch (e) {
      errors.push(`cpu profile: ${(e as Error).message}`);
    }
  }

  // ---- report ----------------------------------------------------------------------------------
  const duckdbVersion = duckdbRuns[0].report.duckdbVersion;
  const results = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100), duckdb: duckdbVersion, duckdbThreads: duckdbRuns[0].report.threads },
    engineTree: engine,
    options: opts,
    data: {
      root: ds.root,
      rows: ds.rows,
      seed: ds.seed,
      days: ds.days,
      range: { from: ds.from, to: ds.to },
      files: ds.parquet.length,
      parquetBytes: ds.parquetBytes,
      generatedAt: ds.generatedAt,
      generationSeconds: ds.generationSeconds,
      generatedThisRun: ds.generated,
    },
    window: { from, to, timezone: opts.tz, previous: { from: prevFrom, to: addDays(from, -1) } },
    rowsRead,
    filesRead: filesRead.length,
    rowsInWindow: engineRuns[0].report.aggregates.totals.queries,
    engine: engineFig,
    duckdb: { ...duckdbFig, mode: opts.duckdbMode },
    ratio,
    processRatio,
    agreement: { agree, differences: diffs.slice(0, 100) },
    targets: {
      ratio: { target: `<= ${TARGETS.ratioAt1M}x DuckDB wall at 1M rows`, value: ratio, pass: ratio <= TARGETS.ratioAt1M, appliesAtThisSize: opts.rows === 1_000_000 },
      rss: { target: `<= ${rssTargetMb} MB peak RSS`, value: engineFig.peakRssMb, pass: engineFig.peakRssMb <= rssTargetMb },
      s3: s3
        ? {
            target: `bytes fetched <= ${TARGETS.s3FetchedShare * 100}% of the objects' size, no range fetched twice`,
            pass: (s3.fetchedShareOfOpened as number) <= TARGETS.s3FetchedShare && s3.duplicateRanges === 0,
          }
        : null,
      e2e: e2e ? { target: `<= aggregates + ${TARGETS.e2eExtraMs / 1000} s`, pass: e2e.targetPass } : null,
      bundle: bundle
        ? {
            target: `<= 5 MB zipped, import <= ${TARGETS.bundleLoadMs} ms`,
            sizePass: bundle.zippedBytes <= TARGETS.bundleZippedBytes,
            loadPass: bundle.medianImportMs <= TARGETS.bundleLoadMs,
            handlerIsStub: bundle.indexBytes < STUB_BUNDLE_BYTES,
            ...(projected
              ? { projectedSizePass: projected.zippedBytes <= TARGETS.bundleZippedBytes, projectedLoadPass: projected.medianImportMs <= TARGETS.bundleLoadMs }
              : {}),
          }
        : null,
    },
    s3: s3 ?? { note: s3Note },
    e2e,
    bundle: bundle ?? (bundleError ? { error: bundleError } : null),
    bundleProjected: projected,
    profile,
    errors,
  };

  // human-readable summary
  const L: string[] = [];
  L.push(`llm-log-analytics benchmark — ${started.toISOString()}`);
  L.push(`command: ${results.command}`);
  L.push(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGB} GB RAM, Node ${machine.node} (${machine.platform}, ${machine.kernel}); DuckDB ${duckdbVersion} (${duckdbRuns[0].report.threads} threads); load average at start ${machine.loadAverage.join(' / ')}, at end ${results.machine.loadAverageAtEnd.join(' / ')}`);
  L.push(`engine: ${engine.description}; sources sha256 ${engine.sourceHash}`);
  L.push(
    `data: ${fmtInt(ds.rows)} rows (seed ${ds.seed}), ${ds.days} days ${ds.from}..${ds.to}, ${ds.parquet.length} zstd files, ${fmtMB(ds.parquetBytes)}; ${ds.generated ? `generated now in ${ds.generationSeconds.toFixed(1)} s` : 'cached'} at ${ds.root}`,
  );
  L.push(`window: ${from}..${to} (${opts.tz}), previous ${prevFrom}..${addDays(from, -1)}; the engine opened ${filesRead.length} files, ${fmtInt(rowsRead)} rows (${fmtInt(results.rowsInWindow)} in the window)`);
  L.push(`rounds: ${opts.rounds} (engine, DuckDB, engine, DuckDB, ... each a fresh process); DuckDB mode: ${opts.duckdbMode}`);
  L.push('');
  L.push('                 median wall   (runs)                     rows/s      peak RSS   process wall   imports');
  const row = (name: string, f: SideFigures) =>
    `${name.padEnd(16)} ${fmtS(f.medianWallMs).padStart(9)}   (${f.runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')})`.padEnd(60) +
    `${fmtInt(f.rowsPerSecond).padStart(11)}  ${`${f.peakRssMb.toFixed(0)} MB`.padStart(9)}  ${fmtS(f.medianProcessMs).padStart(12)}  ${fmtS(f.medianImportMs).padStart(8)}`;
  L.push(row('engine', engineFig));
  L.push(row('DuckDB', duckdbFig));
  L.push(`rows/s = rows in the files the engine opened (${fmtInt(rowsRead)}) / median wall; wall = inside the process, from the start of the work (imports apart)`);
  L.push('');
  L.push(`ratio engine/DuckDB (wall): ${ratio.toFixed(2)}x   [whole process: ${processRatio.toFixed(2)}x]   target <= ${TARGETS.ratioAt1M}x at 1M rows: ${verdict(ratio <= TARGETS.ratioAt1M)}${opts.rows === 1_000_000 ? '' : ' (target defined at 1M rows)'}`);
  L.push(`engine peak RSS: ${engineFig.peakRssMb.toFixed(0)} MB   target <= ${rssTargetMb} MB: ${verdict(engineFig.peakRssMb <= rssTargetMb)}   (DuckDB: ${duckdbFig.peakRssMb.toFixed(0)} MB)`);
  if (agree) L.push(`agreement: OK in every round (${describeAgreement(engineRuns[0].report.aggregates)})`);
  else {
    L.push(`agreement: FAILED — ${diffs.length} differing fields:`);
    L.push(...formatDiffs(diffs));
  }
  L.push('');
  if (s3) {
    const m = s3.middleware as { gets: number; overlapBytes: number } | undefined;
    L.push(`S3 (local s3rver, ${fmtInt(s3.rows as number)} rows; logs/ uploaded: ${s3.objects} objects, ${fmtMB(s3.objectsBytes as number)}):`);
    L.push(
      `  engine wall ${fmtS(s3.wallMs as number)}, peak RSS ${(s3.peakRssMb as number).toFixed(0)} MB; opened ${s3.objectsOpened} objects (${fmtMB(s3.objectsOpenedBytes as number)})`,
    );
    L.push(
      `  bytes fetched ${fmtMB(s3.bytesFetched as number)} = ${((s3.fetchedShareOfOpened as number) * 100).toFixed(1)}% of the opened objects, ${((s3.fetchedShareOfAll as number) * 100).toFixed(1)}% of all Parquet objects`,
    );
    const mn = s3.minimum as { totalBytes: number; shareOfOpened: number; fetchedOverMinimum: number; unreadColumnBytes: number };
    L.push(
      `  least possible for the report's 12 columns + footers: ${fmtMB(mn.totalBytes)} = ${(mn.shareOfOpened * 100).toFixed(1)}% of the opened objects (fetched/least = ${mn.fetchedOverMinimum.toFixed(3)}); the 2 unread URI columns are ${fmtMB(mn.unreadColumnBytes)}`,
    );
    L.push(`  requests: ${s3.readRequests} ranged GETs (middleware saw ${m?.gets ?? '?'}), ${s3.listRequests} list, ${s3.wholeObjectReads} whole-object; (key, range) fetched twice: ${s3.duplicateRanges}; bytes re-fetched by overlapping ranges: ${fmtMB(m?.overlapBytes ?? 0)}`);
    L.push(`  target <= 70% fetched and no range twice: ${verdict(results.targets.s3!.pass)}; agrees with DuckDB: ${s3.agreesWithDuckdb ? 'yes' : 'NO'}`);
  } else L.push(`S3: ${s3Note}`);
  if (e2e) {
    L.push(
      `end-to-end (charts + HTML): ${fmtS(e2e.medianWallMs as number)} (render ${fmtS(e2e.medianRenderMs as number)}; process ${fmtS(e2e.medianProcessMs as number)}; peak RSS ${(e2e.peakRssMb as number).toFixed(0)} MB) vs aggregates ${fmtS(engineFig.medianWallMs)}: +${fmtS(e2e.overAggregatesMs as number)}   target <= +3 s: ${verdict(e2e.targetPass as boolean)}`,
    );
  } else if (opts.e2e) L.push('end-to-end: failed (see errors)');
  else L.push('end-to-end: skipped (--no-e2e)');
  const bundleLines = (b: BundleFigures, title: string) => {
    L.push(
      `${title}: index.mjs ${fmtMB(b.indexBytes)}, folder ${fmtMB(b.unzippedBytes)}, zipped ${fmtMB(b.zippedBytes)} [${b.zipMethod}]   target <= 5 MB: ${verdict(b.zippedBytes <= TARGETS.bundleZippedBytes)}`,
    );
    L.push(
      `  import() in a fresh process: median ${b.medianImportMs.toFixed(0)} ms (runs ${b.loads.map((l) => l.importMs.toFixed(0)).join(', ')}; whole process ${b.medianProcessMs.toFixed(0)} ms)   target <= ${TARGETS.bundleLoadMs} ms: ${verdict(b.medianImportMs <= TARGETS.bundleLoadMs)}${b.loads.every((l) => l.hasHandler) ? '' : '  (no handler export!)'}`,
    );
    L.push(`  largest inputs: ${b.topInputs.slice(0, 8).map((t) => `${t.input} ${(t.bytes / 1024).toFixed(0)} KB`).join(', ')}`);
  };
  if (bundle) {
    bundleLines(bundle, `report Lambda bundle (lambdas/report/handler.ts, ${bundle.options})${bundle.indexBytes < STUB_BUNDLE_BYTES ? ' — handler is still a placeholder' : ''}`);
    if (projected) bundleLines(projected, 'projected handler bundle (engine + charts/PNG/HTML + S3 + SES/MIME + Powertools, scripts/bench/bundle.ts PROJECTED_ENTRY)');
  } else if (bundleError) L.push(`bundle: FAILED: ${bundleError.split('\n').slice(0, 5).join(' | ')}`);
  else L.push('bundle: skipped (--no-bundle)');
  if (profile) {
    L.push('');
    L.push(`engine CPU profile (run wall ${fmtS(profile.wallMs)}):`);
    L.push(formatSummary(profile, 15).split('\n').map((l) => `  ${l}`).join('\n'));
  }
  if (errors.length) {
    L.push('');
    L.push('ERRORS:');
    for (const e of errors) L.push(`  ${e.split('\n').slice(0, 8).join('\n  ')}`);
  }
  say(L.join('\n'));

  const json = JSON.stringify(results, null, 2);
  if (opts.json) process.stdout.write(`${json}\n`);
  else {
    const dir = join(PROJECT_ROOT, 'bench-results');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, `${json}\n`);
    say(`\nfigures written to ${relative(PROJECT_ROOT, file)}`);
  }
  return agree && errors.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);

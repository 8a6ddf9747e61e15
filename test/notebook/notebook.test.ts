/**
 * The analytics notebook, executed headless on a fresh kernel:
 * - it is committed clean (no outputs, null execution counts, `parameters` cell first);
 * - on hand-written rows (every timestamp form, a non-UTC window, error rows, an old row without
 *   cost / latency, unreadable timestamps, and the rows where the cost and token definitions matter:
 *   a failed row that carries tokens and a cost, a successful row without a logged cost, a row
 *   without total_tokens) its summary.json equals figures worked out by hand, read from JSON Lines
 *   and from CSV (two files with different columns); and the report engine, run on the same rows
 *   written as Parquet, agrees with it key by key;
 * - on the project's sample logs (exported to JSON Lines with DuckDB, as on a machine without
 *   pyarrow) its summary.json matches DuckDB SQL over the Parquet files, and the report engine's
 *   aggregates.json when `lambdas/engine/run-report.ts` exists: counts exactly; cost, tokens and
 *   percentiles to 1e-9 relative.
 *
 * Needs python3 with pandas, matplotlib, nbclient, nbformat and ipykernel (.ci/run installs the
 * Debian packages); without them the executing tests are skipped with a visible notice.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOG_SCHEMA } from '../support/log-rows.js';
import { skipNotice } from '../support/notice.js';
import { duckdbQuery, writeParquet } from '../support/parquet.js';
import { findNotebookPython, NOTEBOOK_DEBIAN_PACKAGES, runNotebook } from '../support/python.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NOTEBOOK = join(ROOT, 'notebooks/FinSights_Log_Analytics.ipynb');
const SAMPLE = join(ROOT, 'sample/finrag');
const ENGINE = join(ROOT, 'lambdas/engine/run-report.ts');

const python = findNotebookPython();
if (!python.ok) {
  skipNotice(
    `notebook suite skipped: no python3 able to run the notebook (${python.reason}). ` +
      `Install the Debian packages: apt-get install ${NOTEBOOK_DEBIAN_PACKAGES} (as .ci/run does).`,
  );
}
const describeWithPython = python.ok ? describe : describe.skip;
const engineReady = existsSync(ENGINE);
if (python.ok && !engineReady) {
  skipNotice('notebook suite: engine comparisons skipped: lambdas/engine/run-report.ts does not exist yet');
}

interface Summary {
  source: string;
  window: { from: string | null; to: string | null; timezone: string };
  totals: {
    queries: number;
    succeeded: number;
    failed: number;
    costUsd: number;
    inputTokens: number;
    outputTokens: number;
    totalTokens: number;
    uniqueQueries: number;
  };
  /** Rows with no logged cost but a model and tokens: the engine prices them, the notebook does not. */
  rowsWithoutLoggedCost: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; mean: number | null; max: number | null };
  byModel: {
    modelId: string; queries: number; costUsd: number; inputTokens: number; outputTokens: number; totalTokens: number;
    avgCostPerQuery: number | null; costPer1kTokens: number | null;
  }[];
  byDay: {
    date: string; queries: number; succeeded: number; failed: number; costUsd: number;
    inputTokens: number; outputTokens: number; totalTokens: number; tokensPerQuery: number | null;
  }[];
  byQuery: {
    query: string; runs: number; failed: number; costUsd: number; avgCostUsd: number | null;
    avgInputTokens: number | null; avgOutputTokens: number | null; avgLatencyMs: number | null;
  }[];
  efficiency: {
    tokensPerQuery: number | null; outputTokensPerSecond: number | null; costPer1kTokens: number | null;
    contextLengthChars: { p50: number | null; p95: number | null; mean: number | null; count: number };
  };
}

/** The engine's aggregates.json, as far as summary.json mirrors it. */
interface EngineModel extends Omit<Summary, 'source' | 'rowsWithoutLoggedCost'> {
  dataQuality: {
    repricedRows: number;
    unpricedModels: { modelId: string; rows: number; inputTokens: number; outputTokens: number; tokens: number }[];
  };
}

interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: { output_type: string; name?: string; text?: string | string[]; ename?: string }[];
  execution_count?: number | null;
}

function expectClose(actual: number | null | undefined, expected: number | null | undefined, what: string, rel = 1e-9): void {
  if (expected === null || expected === undefined) {
    expect({ what, actual }).toEqual({ what, actual: expected });
    return;
  }
  expect(typeof actual).toBe('number');
  const tolerance = Math.max(Math.abs(expected) * rel, 1e-12);
  if (Math.abs((actual as number) - expected) > tolerance) {
    throw new Error(`${what}: notebook ${actual} vs expected ${expected} (relative tolerance ${rel})`);
  }
}

/** Run the notebook on a log root and return its summary.json (and the executed notebook's cells). */
async function execute(logRoot: string, parameters: Record<string, string>, work: string) {
  const outputDir = join(work, 'output');
  const executed = join(work, 'executed.ipynb');
  await runNotebook((python as { python: string }).python, {
    notebook: NOTEBOOK,
    parameters: { log_root: logRoot, output_dir: outputDir, ...parameters },
    cwd: work,
    output: executed,
  });
  const summary = JSON.parse(readFileSync(join(outputDir, 'summary.json'), 'utf8')) as Summary;
  const cells = (JSON.parse(readFileSync(executed, 'utf8')) as { cells: NotebookCell[] }).cells;
  const pngs = (await readdir(outputDir)).filter((f) => f.endsWith('.png')).sort();
  return { summary, cells, pngs };
}

function errorOutputs(cells: NotebookCell[]): string[] {
  return cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error').map((o) => o.ename ?? 'error'));
}

function streamText(cells: NotebookCell[]): string {
  return cells.flatMap((c) => c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '')).join('');
}

/** `actual[key]` against `expected[key]`: the `exact` keys (counts) exactly, the `close` ones to 1e-9 relative. */
function expectKeys<T extends object>(actual: T, expected: T, exact: readonly (keyof T)[], close: readonly (keyof T)[], what: string): void {
  for (const key of exact) expect({ what, key, value: actual[key] }).toEqual({ what, key, value: expected[key] });
  for (const key of close) expectClose(actual[key] as number | null, expected[key] as number | null, `${what}.${String(key)}`);
}

/** What summary.json must hold: worked out by hand, or read from the engine's aggregates.json. */
type Figures = Omit<Summary, 'source'>;

/** summary.json against expected figures, key by key (counts exactly, cost, averages and percentiles to 1e-9). */
function expectFigures(actual: Summary, expected: Figures, vs: string): void {
  expect(actual.window).toEqual({ from: expected.window.from, to: expected.window.to, timezone: expected.window.timezone });
  expectKeys(actual.totals, expected.totals, ['queries', 'succeeded', 'failed', 'inputTokens', 'outputTokens', 'totalTokens', 'uniqueQueries'], ['costUsd'], `totals vs ${vs}`);
  expect({ rowsWithoutLoggedCost: actual.rowsWithoutLoggedCost }).toEqual({ rowsWithoutLoggedCost: expected.rowsWithoutLoggedCost });
  expectKeys(actual.latencyMs, expected.latencyMs, [], ['p50', 'p95', 'p99', 'mean', 'max'], `latencyMs vs ${vs}`);
  expect(actual.byModel.map((m) => m.modelId).sort()).toEqual(expected.byModel.map((m) => m.modelId).sort());
  for (const want of expected.byModel) {
    const got = actual.byModel.find((m) => m.modelId === want.modelId)!;
    expectKeys(got, want, ['queries', 'inputTokens', 'outputTokens', 'totalTokens'], ['costUsd', 'avgCostPerQuery', 'costPer1kTokens'], `byModel[${want.modelId}] vs ${vs}`);
  }
  expect(actual.byDay.map((d) => d.date)).toEqual(expected.byDay.map((d) => d.date));
  expected.byDay.forEach((want, i) => {
    expectKeys(actual.byDay[i], want, ['queries', 'succeeded', 'failed', 'inputTokens', 'outputTokens', 'totalTokens'], ['costUsd', 'tokensPerQuery'], `byDay[${want.date}] vs ${vs}`);
  });
  expect(actual.byQuery.map((q) => q.query)).toEqual(expected.byQuery.map((q) => q.query));
  expected.byQuery.forEach((want, i) => {
    expectKeys(actual.byQuery[i], want, ['runs', 'failed'], ['costUsd', 'avgCostUsd', 'avgInputTokens', 'avgOutputTokens', 'avgLatencyMs'], `byQuery[${want.query}] vs ${vs}`);
  });
  expectKeys(actual.efficiency, expected.efficiency, [], ['tokensPerQuery', 'outputTokensPerSecond', 'costPer1kTokens'], `efficiency vs ${vs}`);
  expectKeys(actual.efficiency.contextLengthChars, expected.efficiency.contextLengthChars, ['count'], ['p50', 'p95', 'mean'], `efficiency.contextLengthChars vs ${vs}`);
}

type WindowRequest = { from: string; to: string } | { all: true };

/** Run the report engine (aggregates only) on a log root. */
async function runEngine(source: string, window: WindowRequest, timezone: string): Promise<EngineModel> {
  const enginePath: string = ENGINE; // a variable: the engine may not exist when this file is type-checked
  const { runReport } = (await import(enginePath)) as {
    runReport: (req: { source: string; window: WindowRequest; timezone: string; renderCharts?: boolean }) => Promise<{ model: EngineModel }>;
  };
  return (await runReport({ source, window, timezone, renderCharts: false })).model;
}

/**
 * The engine's figures as summary.json states them. The engine re-prices rows without a logged cost
 * (or lists their model as unpriced); the notebook counts exactly those rows as rowsWithoutLoggedCost.
 */
function engineFigures(model: EngineModel): Figures {
  const unpricedRows = model.dataQuality.unpricedModels.reduce((n, u) => n + u.rows, 0);
  return { ...model, rowsWithoutLoggedCost: model.dataQuality.repricedRows + unpricedRows };
}

// ---------------------------------------------------------------------------------------------------

describe('the committed notebook', () => {
  const nb = JSON.parse(readFileSync(NOTEBOOK, 'utf8')) as { cells: NotebookCell[]; metadata: Record<string, { name?: string }> };

  test('is clean: no outputs, execution counts null, python3 kernel', () => {
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    expect(code.length).toBeGreaterThan(5);
    for (const cell of code) {
      expect(cell.outputs).toEqual([]);
      expect(cell.execution_count).toBeNull();
    }
    expect(nb.metadata.kernelspec?.name).toBe('python3');
    expect(nb.metadata.language_info?.name).toBe('python');
  });

  test('its first code cell is tagged parameters and defines every notebook parameter', () => {
    const first = nb.cells.find((c) => c.cell_type === 'code')!;
    expect(first.metadata.tags).toContain('parameters');
    const source = Array.isArray(first.source) ? first.source.join('') : first.source;
    for (const name of ['log_root', 'from_date', 'to_date', 'timezone', 'output_dir', 'input_format']) {
      expect(source).toMatch(new RegExp(`^${name} = `, 'm'));
    }
    expect(source).toMatch(/^timezone = "UTC"/m);
  });

  test('uses the Agg backend (headless)', () => {
    const all = nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    expect(all).toContain('matplotlib.use("Agg")');
  });
});

// ---------------------------------------------------------------------------------------------------
// Hand-written rows. Window 2025-11-18..2025-11-20 in America/New_York (UTC-5 in November).

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

type Row = Record<string, string | number | null>;
const ok = (timestamp: string | null, query: string, model: string, inp: number, out: number, cost: number | null, ms: number | null, ctx: number | null): Row => ({
  timestamp, query, model_id: model, input_tokens: inp, output_tokens: out, total_tokens: inp + out, cost,
  context_length: ctx, processing_time_ms: ms, error: null, error_type: null, stage: null,
  context_file: 's3://finrag/contexts/c.txt', response_file: 's3://finrag/responses/r.json',
});
const failed = (timestamp: string, query: string, error: string, type: string, stage: string, ms: number): Row => ({
  timestamp, query, model_id: null, input_tokens: null, output_tokens: null, total_tokens: null, cost: null,
  context_length: null, processing_time_ms: ms, error, error_type: type, stage, context_file: null, response_file: null,
});

const CUSTOM = 'my-custom-model'; // no list price: the engine cannot price it either

const HAND_ROWS: Row[] = [
  // 2025-11-17 23:30 in New York: the day before the window.
  ok('2025-11-18T04:30:00Z', 'Q-before', HAIKU, 1000, 100, 0.5, 1000, 4000),
  // Naive with a space = UTC 05:00 = 00:00 in New York: first instant of 2025-11-18.
  ok('2025-11-18 05:00:00', 'Q1', HAIKU, 2000, 200, 0.01, 10000, 8000),
  // +05:30 offset: 06:30 UTC = 01:30 New York, 2025-11-18.
  ok('2025-11-18T12:00:00+05:30', 'Q1', SONNET, 3000, 300, 0.03, 20000, 12000),
  // Error row with microseconds and a -0500 offset: 2025-11-18 18:15 New York; its 500 ms is not a latency.
  failed('2025-11-18T18:15:30.123456-0500', 'Q2', 'Rate exceeded', 'ThrottlingException', 'generation', 500),
  // 2025-11-19 03:00 UTC is still 2025-11-18 (22:00) in New York.
  ok('2025-11-19T03:00:00Z', 'Q3', HAIKU, 1000, 100, 0.005, 5000, null),
  // Last millisecond of 2025-11-19 in New York.
  ok('2025-11-20T04:59:59.999Z', 'Q1', HAIKU, 2000, 250, 0.0125, 12000, 8000),
  // Error row on 2025-11-19 (New York); a 60 s timeout is not a latency either.
  failed('2025-11-19T16:00:00Z', 'Q3', 'retriever timed out', 'TimeoutError', 'retrieval', 60000),
  // Where the cost and token definitions matter, all on 2025-11-20 (New York):
  // a failed row that carries tokens and a cost (the answer was generated, then rejected): its tokens
  // and cost count (they were incurred), its 3 s is not a latency and it is no successful query;
  { ...ok('2025-11-20T14:00:00Z', 'Q5', HAIKU, 1500, 50, 0.002, 3000, 6000),
    error: 'answer failed validation', error_type: 'ValidationError', stage: 'postprocess' },
  // a successful row with tokens but no logged cost, of a model without a list price: no cost here,
  // none in the engine either (an unpriced model); counted in rowsWithoutLoggedCost;
  ok('2025-11-20T15:00:00Z', 'Q6', CUSTOM, 800, 80, null, null, null),
  // a successful row without total_tokens: its total is input + output = 660.
  { ...ok('2025-11-20T16:00:00Z', 'Q3', HAIKU, 600, 60, 0.003, null, null), total_tokens: null },
  // 2025-11-21 00:00 New York: the day after the window.
  ok('2025-11-21T05:00:00Z', 'Q-after', HAIKU, 1000, 100, 0.7, 99999, 4000),
  // Unreadable timestamps: left out whatever they hold.
  ok('19/11/2025 10:00', 'Q-bad', HAIKU, 1000, 100, 1.0, 1000, 4000),
  ok(null, 'Q-null', HAIKU, 1000, 100, 1.0, 1000, 4000),
];
/** An older file's row: no cost, context_length or processing_time_ms columns at all. 10:00 New York, 2025-11-19. */
const OLD_ROW: Row = {
  timestamp: '2025-11-19T15:00:00+00', query: 'Q4', model_id: SONNET, input_tokens: 4000, output_tokens: 400,
  total_tokens: 4400, error: null, error_type: null, stage: null, context_file: null, response_file: null,
};

/**
 * Worked out by hand from the rows above. In the window (10 rows):
 *   day 2025-11-18: Q1 haiku 2000/200/2200 $0.01 10 s · Q1 sonnet 3000/300/3300 $0.03 20 s · Q2 failed (nothing)
 *                   · Q3 haiku 1000/100/1100 $0.005 5 s
 *   day 2025-11-19: Q1 haiku 2000/250/2250 $0.0125 12 s · Q3 failed (nothing) · Q4 sonnet 4000/400/4400 no cost (old row)
 *   day 2025-11-20: Q5 haiku FAILED 1500/50/1550 $0.002 · Q6 custom 800/80/880 no cost · Q3 haiku 600/60/(660) $0.003
 * (input/output/total tokens, cost, latency; "nothing" = no model, tokens or cost).
 */
const HAND_EXPECTED: Figures = {
  window: { from: '2025-11-18', to: '2025-11-20', timezone: 'America/New_York' },
  totals: {
    queries: 10, succeeded: 7, failed: 3, // failed: Q2, Q3 (timeout), Q5
    // every row, the failed Q5 included: 0.01 + 0.03 + 0.005 + 0.0125 + 0.002 + 0.003 (Q4 and Q6 have no cost)
    costUsd: 0.0625,
    inputTokens: 14900, // 2000 + 3000 + 1000 + 2000 + 4000 + 1500 + 800 + 600
    outputTokens: 1440, // 200 + 300 + 100 + 250 + 400 + 50 + 80 + 60
    totalTokens: 16340, // 2200 + 3300 + 1100 + 2250 + 4400 + 1550 + 880 + 660 (= 14900 + 1440)
    uniqueQueries: 6, // Q1..Q6
  },
  // No logged cost, but a model and tokens: Q4 (sonnet, old row) and Q6 (custom). The failed Q2 and Q3
  // rows have no cost either, but no model or tokens: nothing to price.
  rowsWithoutLoggedCost: 2,
  // Successful latencies 5000, 10000, 12000, 20000 (Q4, Q6 and the last Q3 have none; failed rows do not
  // count): p50 h=1.5 → 11000; p95 h=2.85 → 12000 + 0.85 x 8000; p99 h=2.97 → 12000 + 0.97 x 8000.
  latencyMs: { p50: 11000, p95: 18800, p99: 19760, mean: 11750, max: 20000 },
  byModel: [
    // haiku rows: Q1 $0.01, Q3 $0.005, Q1 $0.0125, Q5 (failed) $0.002, Q3 $0.003 = $0.0325 over 5 queries;
    // tokens 2000+1000+2000+1500+600 = 7100 / 200+100+250+50+60 = 660 / 2200+1100+2250+1550+660 = 7760
    { modelId: HAIKU, queries: 5, costUsd: 0.0325, inputTokens: 7100, outputTokens: 660, totalTokens: 7760,
      avgCostPerQuery: 0.0065, costPer1kTokens: 0.0325 / 7.76 },
    // sonnet rows: Q1 $0.03 and the old Q4 without a cost: 3000+4000 / 300+400 / 3300+4400
    { modelId: SONNET, queries: 2, costUsd: 0.03, inputTokens: 7000, outputTokens: 700, totalTokens: 7700,
      avgCostPerQuery: 0.015, costPer1kTokens: 0.03 / 7.7 },
    // the custom model: one row, tokens but no cost
    { modelId: CUSTOM, queries: 1, costUsd: 0, inputTokens: 800, outputTokens: 80, totalTokens: 880,
      avgCostPerQuery: 0, costPer1kTokens: 0 },
  ],
  byDay: [
    // 0.01 + 0.03 + 0.005; tokens 2000+3000+1000 / 200+300+100 / 2200+3300+1100; per query 6600 / 3 successful
    { date: '2025-11-18', queries: 4, succeeded: 3, failed: 1, costUsd: 0.045,
      inputTokens: 6000, outputTokens: 600, totalTokens: 6600, tokensPerQuery: 2200 },
    // 0.0125 (Q4 has none); tokens 2000+4000 / 250+400 / 2250+4400; per query 6650 / 2 successful
    { date: '2025-11-19', queries: 3, succeeded: 2, failed: 1, costUsd: 0.0125,
      inputTokens: 6000, outputTokens: 650, totalTokens: 6650, tokensPerQuery: 3325 },
    // 0.002 (failed Q5) + 0.003; tokens 1500+800+600 / 50+80+60 / 1550+880+660;
    // per query over the successful Q6 and Q3 only: (880 + 660) / 2
    { date: '2025-11-20', queries: 3, succeeded: 2, failed: 1, costUsd: 0.005,
      inputTokens: 2900, outputTokens: 190, totalTokens: 3090, tokensPerQuery: 770 },
  ],
  // Cost over every run, most expensive first (then more runs, then by text); average cost = cost ÷ runs;
  // average tokens and latency over the successful runs that have the value.
  byQuery: [
    // 0.01 + 0.03 + 0.0125; tokens (2000+3000+2000)/3, (200+300+250)/3; latency (10000+20000+12000)/3
    { query: 'Q1', runs: 3, failed: 0, costUsd: 0.0525, avgCostUsd: 0.0175, avgInputTokens: 7000 / 3, avgOutputTokens: 250, avgLatencyMs: 14000 },
    // 0.005 + 0.003 over 3 runs (one failed); tokens (1000+600)/2, (100+60)/2; latency 5000 (the second has none)
    { query: 'Q3', runs: 3, failed: 1, costUsd: 0.008, avgCostUsd: 0.008 / 3, avgInputTokens: 800, avgOutputTokens: 80, avgLatencyMs: 5000 },
    // the failed row's cost counts; no successful run to average
    { query: 'Q5', runs: 1, failed: 1, costUsd: 0.002, avgCostUsd: 0.002, avgInputTokens: null, avgOutputTokens: null, avgLatencyMs: null },
    { query: 'Q2', runs: 1, failed: 1, costUsd: 0, avgCostUsd: 0, avgInputTokens: null, avgOutputTokens: null, avgLatencyMs: null },
    { query: 'Q4', runs: 1, failed: 0, costUsd: 0, avgCostUsd: 0, avgInputTokens: 4000, avgOutputTokens: 400, avgLatencyMs: null },
    { query: 'Q6', runs: 1, failed: 0, costUsd: 0, avgCostUsd: 0, avgInputTokens: 800, avgOutputTokens: 80, avgLatencyMs: null },
  ],
  efficiency: {
    // successful rows' total tokens 2200 + 3300 + 1100 + 2250 + 4400 + 880 + 660 = 14790 over 7 rows
    tokensPerQuery: 14790 / 7,
    // successful rows with output tokens and a latency: (200 + 300 + 100 + 250) / (10 + 20 + 5 + 12 s)
    outputTokensPerSecond: 850 / 47,
    // every row: $0.0625 / 16.34 thousand tokens
    costPer1kTokens: 0.0625 / 16.34,
    // successful rows' context lengths 8000, 12000, 8000 (the failed Q5's 6000 does not count):
    // sorted 8000, 8000, 12000; p50 = 8000; p95 h=1.9 → 8000 + 0.9 x 4000
    contextLengthChars: { p50: 8000, p95: 11600, mean: 28000 / 3, count: 3 },
  },
};

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(rows: Row[]): string {
  const columns = Object.keys(rows[0]);
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n') + '\n';
}

describeWithPython('the notebook on hand-written rows (America/New_York window)', () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'nb-hand-'));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('JSON Lines: summary.json equals the figures worked out by hand; charts written; no cell errors', async () => {
    const root = join(work, 'jsonl');
    await mkdir(join(root, 'logs', 'dt=2025-11-18'), { recursive: true });
    await writeFile(join(root, 'logs', 'dt=2025-11-18', 'part-0.jsonl'), [...HAND_ROWS, OLD_ROW].map((r) => JSON.stringify(r)).join('\n') + '\n');

    const { summary, cells, pngs } = await execute(root, { from_date: '2025-11-18', to_date: '2025-11-20', timezone: 'America/New_York', input_format: 'jsonl' }, join(work, 'run-jsonl'));

    expectFigures(summary, HAND_EXPECTED, 'by hand');
    expect(summary.source).toBe(root);
    expect(errorOutputs(cells)).toEqual([]);
    // The four executive charts (named as the report's) and the section charts.
    expect(pngs).toEqual(expect.arrayContaining(['cost-per-day.png', 'volume-reliability.png', 'model-usage.png', 'efficiency.png',
      'top-queries-by-cost.png', 'query-timeline.png', 'errors-by-type.png', 'latency-histogram.png', 'cost-trend.png']));
    const text = streamText(cells);
    expect(text).toContain('14 rows read, 2 without a readable timestamp');
    // The two rows without a logged cost are not hidden: a note says the report prices them.
    expect(text).toContain('NOTE: 2 row(s) of the window have no logged cost but a model and token counts. The report engine prices these rows');
  });

  test('CSV in auto mode, two files with different columns: the same summary', async () => {
    const root = join(work, 'csv');
    await mkdir(join(root, 'logs', 'new'), { recursive: true });
    await mkdir(join(root, 'logs', 'old'), { recursive: true });
    await writeFile(join(root, 'logs', 'new', 'rows.csv'), toCsv(HAND_ROWS));
    await writeFile(join(root, 'logs', 'old', 'rows.csv'), toCsv([OLD_ROW]));

    const { summary, cells } = await execute(root, { from_date: '2025-11-18', to_date: '2025-11-20', timezone: 'America/New_York', input_format: 'auto' }, join(work, 'run-csv'));

    expectFigures(summary, HAND_EXPECTED, 'by hand');
    expect(errorOutputs(cells)).toEqual([]);
  });

  const maybeEngine = engineReady ? test : test.skip;
  maybeEngine('the report engine on the same rows written as Parquet: the same cost and tokens, key by key', async () => {
    // The old row (sonnet, no cost column) is left out here: the engine would price it from its price
    // table and the notebook does not. The custom-model row stays: the engine cannot price it either.
    const root = join(work, 'engine');
    await mkdir(join(root, 'logs'), { recursive: true });
    await writeParquet(join(root, 'logs', 'rows.parquet'), HAND_ROWS, { columns: LOG_SCHEMA });
    await writeFile(join(root, 'logs', 'rows.jsonl'), HAND_ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n'); // for the notebook (no pyarrow)

    const { summary, cells } = await execute(root, { from_date: '2025-11-18', to_date: '2025-11-20', timezone: 'America/New_York', input_format: 'jsonl' }, join(work, 'run-engine'));
    const model = await runEngine(root, { from: '2025-11-18', to: '2025-11-20' }, 'America/New_York');

    expect(errorOutputs(cells)).toEqual([]);
    expect(model.dataQuality.repricedRows).toBe(0);
    expect(model.dataQuality.unpricedModels).toEqual([{ modelId: CUSTOM, rows: 1, inputTokens: 800, outputTokens: 80, tokens: 880 }]);
    expect(summary.rowsWithoutLoggedCost).toBe(1);
    // The hand-worked figures without the old row: one sonnet query, 4000/400/4400 tokens fewer.
    expect(model.totals).toMatchObject({ queries: 9, succeeded: 6, failed: 3, inputTokens: 10900, outputTokens: 1040, totalTokens: 11940 });
    expectClose(model.totals.costUsd, 0.0625, 'engine totals.costUsd');
    expectFigures(summary, engineFigures(model), 'engine');
  }, 120_000);

  test('a window without rows still runs: zero totals, null latencies, empty days listed', async () => {
    const { summary, cells } = await execute(join(work, 'jsonl'), { from_date: '2030-01-01', to_date: '2030-01-02', timezone: 'UTC', input_format: 'jsonl' }, join(work, 'run-empty'));

    expect(errorOutputs(cells)).toEqual([]);
    expect(summary.window).toEqual({ from: '2030-01-01', to: '2030-01-02', timezone: 'UTC' });
    expect(summary.totals).toEqual({ queries: 0, succeeded: 0, failed: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, uniqueQueries: 0 });
    expect(summary.latencyMs).toEqual({ p50: null, p95: null, p99: null, mean: null, max: null });
    expect(summary.rowsWithoutLoggedCost).toBe(0);
    expect(summary.byModel).toEqual([]);
    expect(summary.byQuery).toEqual([]);
    const empty = { queries: 0, succeeded: 0, failed: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, tokensPerQuery: null };
    expect(summary.byDay).toEqual([{ date: '2030-01-01', ...empty }, { date: '2030-01-02', ...empty }]);
    expect(summary.efficiency).toEqual({
      tokensPerQuery: null, outputTokensPerSecond: null, costPer1kTokens: null,
      contextLengthChars: { p50: null, p95: null, mean: null, count: 0 },
    });
  });

  test('a bad parameter stops the notebook with a clear error', async () => {
    await expect(
      execute(join(work, 'jsonl'), { from_date: '2025-11-20', to_date: '2025-11-18', input_format: 'jsonl' }, join(work, 'run-bad')),
    ).rejects.toThrow('from_date 2025-11-20 is after to_date 2025-11-18');
  });
});

// ---------------------------------------------------------------------------------------------------
// The project's sample logs: notebook vs DuckDB SQL vs the report engine.

const sampleReady = existsSync(join(SAMPLE, 'logs'));
if (python.ok && !sampleReady) console.warn(`[notebook test] sample comparison SKIPPED: ${SAMPLE}/logs is missing (npm run sample)`);

const PARQUET_GLOB = `${SAMPLE.replace(/'/g, "''")}/logs/**/*.parquet`;
const READ = `read_parquet('${PARQUET_GLOB}', union_by_name=true, hive_partitioning=false)`;

describeWithPython('the notebook on the sample logs', () => {
  const maybe = sampleReady ? test : test.skip;
  const maybeEngine = sampleReady && engineReady ? test : test.skip;
  let work: string;
  let summary: Summary;
  let cells: NotebookCell[];

  beforeAll(async () => {
    if (!sampleReady) return;
    work = await mkdtemp(join(tmpdir(), 'nb-sample-'));
    // What a laptop without pyarrow does: export the Parquet rows to JSON Lines with DuckDB.
    await mkdir(join(work, 'root', 'logs'), { recursive: true });
    const jsonl = join(work, 'root', 'logs', 'rows.jsonl').replace(/'/g, "''");
    await duckdbQuery(`COPY (SELECT * FROM ${READ}) TO '${jsonl}' (FORMAT json)`);
    ({ summary, cells } = await execute(join(work, 'root'), { from_date: '', to_date: '', timezone: 'UTC', input_format: 'jsonl' }, work));
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  maybe('matches DuckDB SQL over the Parquet files (the engine\'s rules written in SQL)', async () => {
    // The engine's rules: a missing total_tokens is input + output; negative or infinite numbers are
    // missing; cost and tokens add up every row, failed ones included; tokens per query is over the
    // successful rows that have a total; latency over the successful rows.
    const valid = (x: string) => `CASE WHEN isfinite(CAST(${x} AS DOUBLE)) AND ${x} >= 0 THEN ${x} END`;
    const ROWS = `(SELECT strftime(CAST(timestamp AS TIMESTAMPTZ) AT TIME ZONE 'UTC', '%Y-%m-%d') AS day, query, model_id,
        error IS NOT NULL AS failed, ${valid('cost')} AS cost, ${valid('input_tokens')} AS input_tokens,
        ${valid('output_tokens')} AS output_tokens, ${valid('coalesce(total_tokens, input_tokens + output_tokens)')} AS total_tokens,
        ${valid('processing_time_ms')} AS processing_time_ms
      FROM ${READ})`;
    const [t] = await duckdbQuery(`
      SELECT count(*) AS queries,
             count(*) FILTER (WHERE NOT failed) AS succeeded,
             count(*) FILTER (WHERE failed) AS failed,
             coalesce(sum(cost), 0) AS costUsd,
             coalesce(sum(input_tokens), 0) AS inputTokens,
             coalesce(sum(output_tokens), 0) AS outputTokens,
             coalesce(sum(total_tokens), 0) AS totalTokens,
             count(DISTINCT query) AS uniqueQueries,
             count(*) FILTER (WHERE cost IS NULL AND model_id IS NOT NULL
                              AND (input_tokens IS NOT NULL OR output_tokens IS NOT NULL)) AS rowsWithoutLoggedCost,
             sum(total_tokens) FILTER (WHERE NOT failed) / count(total_tokens) FILTER (WHERE NOT failed) AS tokensPerQuery,
             min(day) AS first, max(day) AS last
      FROM ${ROWS}`);
    const [lat] = await duckdbQuery(`
      SELECT quantile_cont(processing_time_ms, 0.5) AS p50, quantile_cont(processing_time_ms, 0.95) AS p95,
             quantile_cont(processing_time_ms, 0.99) AS p99, avg(processing_time_ms) AS mean, max(processing_time_ms) AS max
      FROM ${ROWS} WHERE NOT failed AND processing_time_ms IS NOT NULL`);
    const models = await duckdbQuery(`
      SELECT model_id AS modelId, count(*) AS queries, coalesce(sum(cost), 0) AS costUsd,
             coalesce(sum(input_tokens), 0) AS inputTokens, coalesce(sum(output_tokens), 0) AS outputTokens,
             coalesce(sum(total_tokens), 0) AS totalTokens
      FROM ${ROWS} WHERE model_id IS NOT NULL GROUP BY model_id ORDER BY model_id`);
    const days = await duckdbQuery(`
      SELECT day AS date, count(*) AS queries, count(*) FILTER (WHERE NOT failed) AS succeeded,
             count(*) FILTER (WHERE failed) AS failed, coalesce(sum(cost), 0) AS costUsd,
             coalesce(sum(input_tokens), 0) AS inputTokens, coalesce(sum(output_tokens), 0) AS outputTokens,
             coalesce(sum(total_tokens), 0) AS totalTokens,
             sum(total_tokens) FILTER (WHERE NOT failed) / count(total_tokens) FILTER (WHERE NOT failed) AS tokensPerQuery
      FROM ${ROWS} GROUP BY 1 ORDER BY 1`);

    expect(errorOutputs(cells)).toEqual([]);
    expect(t.queries as number).toBeGreaterThan(1000);
    expect(summary.window).toEqual({ from: t.first, to: t.last, timezone: 'UTC' });
    type Totals = Summary['totals'];
    expectKeys(summary.totals, t as unknown as Totals, ['queries', 'succeeded', 'failed', 'inputTokens', 'outputTokens', 'totalTokens', 'uniqueQueries'], ['costUsd'], 'totals vs DuckDB');
    expect(summary.rowsWithoutLoggedCost).toBe(t.rowsWithoutLoggedCost);
    expectClose(summary.efficiency.tokensPerQuery, t.tokensPerQuery as number, 'efficiency.tokensPerQuery vs DuckDB');
    expectClose(summary.efficiency.costPer1kTokens, (t.costUsd as number) / ((t.totalTokens as number) / 1000), 'efficiency.costPer1kTokens vs DuckDB');
    expectKeys(summary.latencyMs, lat as unknown as Summary['latencyMs'], [], ['p50', 'p95', 'p99', 'mean', 'max'], 'latencyMs vs DuckDB');
    expect(summary.byModel.map((m) => m.modelId).sort()).toEqual(models.map((m) => m.modelId));
    for (const want of models as unknown as Summary['byModel']) {
      const got = summary.byModel.find((m) => m.modelId === want.modelId)!;
      expectKeys(got, want, ['queries', 'inputTokens', 'outputTokens', 'totalTokens'], ['costUsd'], `byModel[${want.modelId}] vs DuckDB`);
    }
    // The sample has traffic every day, so the days with rows are every day of the window.
    expect(summary.byDay.map((d) => d.date)).toEqual(days.map((d) => d.date));
    (days as unknown as Summary['byDay']).forEach((want, i) => {
      expectKeys(summary.byDay[i], want, ['queries', 'succeeded', 'failed', 'inputTokens', 'outputTokens', 'totalTokens'], ['costUsd', 'tokensPerQuery'], `byDay[${want.date}] vs DuckDB`);
    });
  });

  maybeEngine('matches the report engine\'s aggregates.json key by key', async () => {
    const model = await runEngine('sample/finrag', { all: true }, 'UTC');
    expectFigures(summary, engineFigures(model), 'engine');
  }, 300_000);
});

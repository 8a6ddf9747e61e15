/**
 * The aggregates both sides of the benchmark compute (engine and DuckDB), in one plain shape, and
 * the comparison: counts exactly, sums and percentiles to 1e-9 relative.
 *
 * Definitions (the engine's, see lambdas/engine/aggregate/accumulator.ts):
 * - a row's day is the calendar day of its timestamp in the report time zone; the window is
 *   [from, to] inclusive, the previous period the equally long run of days before it;
 * - error row = `error` non-null; cost = logged cost (the generated data has a logged cost on every
 *   successful row; `repricedOrUnpricedRows` checks that nothing needed the price table);
 * - latency = processing_time_ms of successful rows where it is non-null, exact percentiles by linear
 *   interpolation (DuckDB `quantile_cont`);
 * - top queries: the 20 query texts with the highest cost (ties: more runs first, then the text).
 */
import type { ReportModel } from '../../lambdas/engine/report-model.js';

export interface PeriodAggregates {
  queries: number;
  succeeded: number;
  failed: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  uniqueQueries: number;
  latencyP50: number | null;
  latencyP95: number | null;
}

export interface DayAggregates {
  date: string;
  queries: number;
  succeeded: number;
  failed: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  latencyP50: number | null;
  latencyP95: number | null;
}

export interface ModelAggregates extends Omit<DayAggregates, 'date'> {
  modelId: string;
}

export interface QueryAggregates {
  query: string;
  runs: number;
  failed: number;
  costUsd: number;
}

export interface ErrorAggregates {
  errorType: string | null;
  stage: string | null;
  count: number;
  /** Epoch milliseconds (truncated) of the latest occurrence. */
  lastSeenMs: number;
}

export interface Aggregates {
  window: { from: string; to: string; timezone: string };
  previousWindow: { from: string; to: string };
  totals: PeriodAggregates;
  latency: { count: number; p50: number | null; p95: number | null; p99: number | null; mean: number | null; max: number | null };
  /** Every day of the window, in order (days without rows are zeros). */
  byDay: DayAggregates[];
  /** Rows with a model id, sorted by model id. */
  byModel: ModelAggregates[];
  /** Top 20 by cost, in rank order. */
  topQueries: QueryAggregates[];
  /** By error type and stage, most frequent first (then latest first). */
  errors: ErrorAggregates[];
  previous: PeriodAggregates;
  /** Rows whose cost had to come from the price table (or could not be priced); 0 for generated data. */
  repricedOrUnpricedRows: number;
}

export const TOP_QUERIES = 20;

const byModelId = (a: { modelId: string }, b: { modelId: string }) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0);

/** The comparable aggregates of an engine report model. */
export function aggregatesFromModel(m: ReportModel): Aggregates {
  const t = m.totals;
  const p = m.previousPeriod;
  return {
    window: { from: m.window.from, to: m.window.to, timezone: m.window.timezone },
    previousWindow: { from: p.window.from, to: p.window.to },
    totals: {
      queries: t.queries,
      succeeded: t.succeeded,
      failed: t.failed,
      costUsd: t.costUsd,
      inputTokens: t.inputTokens,
      outputTokens: t.outputTokens,
      totalTokens: t.totalTokens,
      uniqueQueries: t.uniqueQueries,
      latencyP50: m.latencyMs.p50,
      latencyP95: m.latencyMs.p95,
    },
    latency: { count: m.latencyMs.count, p50: m.latencyMs.p50, p95: m.latencyMs.p95, p99: m.latencyMs.p99, mean: m.latencyMs.mean, max: m.latencyMs.max },
    byDay: m.byDay.map((d) => ({
      date: d.date,
      queries: d.queries,
      succeeded: d.succeeded,
      failed: d.failed,
      costUsd: d.costUsd,
      inputTokens: d.inputTokens,
      outputTokens: d.outputTokens,
      totalTokens: d.totalTokens,
      latencyP50: d.latencyMs.p50,
      latencyP95: d.latencyMs.p95,
    })),
    byModel: m.byModel
      .map((r) => ({
        modelId: r.modelId,
        queries: r.queries,
        succeeded: r.succeeded,
        failed: r.failed,
        costUsd: r.costUsd,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        totalTokens: r.totalTokens,
        latencyP50: r.latencyMs.p50,
        latencyP95: r.latencyMs.p95,
      }))
      .sort(byModelId),
    topQueries: m.byQuery.map((q) => ({ query: q.query, runs: q.runs, failed: q.failed, costUsd: q.costUsd })),
    errors: m.errors.map((e) => ({ errorType: e.errorType, stage: e.stage, count: e.count, lastSeenMs: Date.parse(e.lastSeen) })),
    previous: {
      queries: p.totals.queries,
      succeeded: p.totals.succeeded,
      failed: p.totals.failed,
      costUsd: p.totals.costUsd,
      inputTokens: p.totals.inputTokens,
      outputTokens: p.totals.outputTokens,
      totalTokens: p.totals.totalTokens,
      uniqueQueries: p.totals.uniqueQueries,
      latencyP50: p.latencyMs.p50,
      latencyP95: p.latencyMs.p95,
    },
    repricedOrUnpricedRows: m.dataQuality.repricedRows + m.dataQuality.unpricedModels.reduce((n, u) => n + u.rows, 0),
  };
}

// ---------------------------------------------------------------------------------------------

export const RELATIVE_TOLERANCE = 1e-9;

/** Fields compared exactly (counts, token sums, dates, names); every other number to 1e-9 relative. */
const EXACT_FIELDS = new Set([
  'queries', 'succeeded', 'failed', 'inputTokens', 'outputTokens', 'totalTokens', 'uniqueQueries',
  'count', 'runs', 'lastSeenMs', 'repricedOrUnpricedRows',
]);

export function closeEnough(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

export interface Difference {
  field: string;
  engine: unknown;
  duckdb: unknown;
}

function compareValue(path: string, field: string, a: unknown, b: unknown, out: Difference[]): void {
  if (typeof a === 'number' && typeof b === 'number' && !EXACT_FIELDS.has(field)) {
    if (!closeEnough(a, b)) out.push({ field: path, engine: a, duckdb: b });
    return;
  }
  if (a !== b) out.push({ field: path, engine: a, duckdb: b });
}

function compareRecord(path: string, a: object, b: object, out: Difference[]): void {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) compareValue(`${path}.${k}`, k, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], out);
}

function compareKeyed<T extends object>(path: string, a: T[], b: T[], key: (x: T) => string, out: Difference[]): void {
  const mb = new Map(b.map((x) => [key(x), x]));
  const ma = new Map(a.map((x) => [key(x), x]));
  for (const [k, x] of ma) {
    const y = mb.get(k);
    if (!y) out.push({ field: `${path}[${k}]`, engine: x, duckdb: 'missing' });
    else compareRecord(`${path}[${k}]`, x, y, out);
  }
  for (const [k, y] of mb) if (!ma.has(k)) out.push({ field: `${path}[${k}]`, engine: 'missing', duckdb: y });
}

/**
 * Top queries by cost. Sums of doubles added in a different order can differ in the last bits, so two
 * queries with (nearly) the same cost may swap places: the ranked costs must agree, every query on
 * both lists must agree, and a query on one list only must be tied with the last place.
 */
function compareTopQueries(a: QueryAggregates[], b: QueryAggregates[], out: Difference[]): void {
  if (a.length !== b.length) out.push({ field: 'topQueries.length', engine: a.length, duckdb: b.length });
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (!closeEnough(a[i].costUsd, b[i].costUsd)) out.push({ field: `topQueries[${i}].costUsd`, engine: a[i].costUsd, duckdb: b[i].costUsd });
  }
  const mb = new Map(b.map((q) => [q.query, q]));
  const ma = new Map(a.map((q) => [q.query, q]));
  for (const [name, q] of ma) {
    const r = mb.get(name);
    if (r) compareRecord(`topQueries[${JSON.stringify(name)}]`, q, r, out);
    else if (!(n > 0 && closeEnough(q.costUsd, b[n - 1].costUsd))) out.push({ field: `topQueries[${JSON.stringify(name)}]`, engine: q, duckdb: 'missing' });
  }
  for (const [name, r] of mb) {
    if (!ma.has(name) && !(n > 0 && closeEnough(r.costUsd, a[n - 1].costUsd))) out.push({ field: `topQueries[${JSON.stringify(name)}]`, engine: 'missing', duckdb: r });
  }
}

/** Every difference between the engine's aggregates and DuckDB's (empty: they agree). */
export function compareAggregates(engine: Aggregates, duckdb: Aggregates): Difference[] {
  const out: Difference[] = [];
  compareRecord('window', engine.window, duckdb.window, out);
  compareRecord('previousWindow', engine.previousWindow, duckdb.previousWindow, out);
  compareRecord('totals', engine.totals, duckdb.totals, out);
  compareRecord('latency', engine.latency, duckdb.latency, out);
  compareKeyed('byDay', engine.byDay, duckdb.byDay, (d) => d.date, out);
  compareValue('byDay.dates', 'dates', engine.byDay.map((d) => d.date).join(','), duckdb.byDay.map((d) => d.date).join(','), out);
  compareKeyed('byModel', engine.byModel, duckdb.byModel, (m) => m.modelId, out);
  compareTopQueries(engine.topQueries, duckdb.topQueries, out);
  const errKey = (e: ErrorAggregates) => `${e.errorType}/${e.stage}`;
  compareKeyed('errors', engine.errors, duckdb.errors, errKey, out);
  // order (DuckDB's comes from ORDER BY): most frequent first, then latest first
  for (let i = 0; i + 1 < engine.errors.length; i++) {
    const x = engine.errors[i];
    const y = engine.errors[i + 1];
    if (x.count < y.count || (x.count === y.count && x.lastSeenMs < y.lastSeenMs)) {
      out.push({ field: `errors.order[${i}]`, engine: engine.errors.map(errKey), duckdb: duckdb.errors.map(errKey) });
      break;
    }
  }
  compareRecord('previous', engine.previous, duckdb.previous, out);
  compareValue('repricedOrUnpricedRows', 'repricedOrUnpricedRows', engine.repricedOrUnpricedRows, duckdb.repricedOrUnpricedRows, out);
  return out;
}

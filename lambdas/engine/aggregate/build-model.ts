/**
 * Accumulators → the report model (`aggregates.json`): percentiles, shares, averages, previous-period
 * changes, gap-free days, and the data-quality ledger.
 */
import {
  type DataQuality,
  type DayModelRow,
  type DayRow,
  type ErrorRow,
  type ModelRow,
  PERCENTILE_METHOD,
  type PreviousPeriod,
  type QueryRow,
  REPORT_SCHEMA_VERSION,
  type ReportModel,
  type Totals,
  type Window,
} from '../report-model.js';
import { displayName } from '../pricing/display-name.js';
import { toIsoUtc } from '../normalise/timestamps.js';
import { type PeriodTotals, ReportAccumulator } from './accumulator.js';
import { dateOfDayNumber, dayNumber } from './calendar.js';
import { Float64Column, concatColumns, p50p95, percentiles } from './percentiles.js';

const TOP_QUERIES = 20;

export interface ModelContext {
  source: string;
  window: Window;
  previousWindow: Window;
  generatedAt: Date;
  dataQuality: Omit<DataQuality, 'rowsUsed' | 'rowsOutsideWindow' | 'rowsSkipped' | 'skipped' | 'unpricedModels' | 'repricedRows' | 'listPriceMissingRows' | 'costMissingRows' | 'invalidValues' | 'notes'>;
  pricing: ReportModel['pricing'];
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

function totalsOf(t: PeriodTotals, uniqueQueries = t.queriesSeen.size): Totals {
  return {
    queries: t.queries,
    succeeded: t.succeeded,
    failed: t.failed,
    errorRate: ratio(t.failed, t.queries),
    costUsd: t.costUsd,
    listPriceCostUsd: t.listPriceCostUsd,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    totalTokens: t.totalTokens,
    uniqueQueries,
  };
}

export function buildReportModel(acc: ReportAccumulator, ctx: ModelContext): ReportModel {
  const totals = totalsOf(acc.current, acc.queries.size);
  const days: string[] = [];
  for (let d = dayNum(ctx.window.from); d <= dayNum(ctx.window.to); d++) days.push(dateOfDayNumber(d));

  // Latency: by day and by model first (small copies, one group at a time), then overall, which
  // empties the (model, day) groups as it copies them: at most ~8 bytes a value held at any time.
  const allModels = [...acc.models.values(), acc.noModel];
  const latencyByDay = new Map<number, Float64Column[]>();
  for (const m of allModels) {
    for (const [day, col] of m.latency) {
      const list = latencyByDay.get(day);
      if (list) list.push(col);
      else latencyByDay.set(day, [col]);
    }
  }
  const percentilesOf = (cols: Float64Column[] | undefined) =>
    cols && cols.length ? p50p95(concatColumns(cols)) : { p50: null, p95: null };
  const dayLatency = new Map([...latencyByDay].map(([day, cols]) => [day, percentilesOf(cols)]));
  const modelLatency = new Map(allModels.map((m) => [m.modelId, percentilesOf([...m.latency.values()])]));

  const all = concatColumns(allModels.flatMap((m) => [...m.latency.values()]), { release: true });
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < all.length; i++) {
    sum += all[i];
    if (all[i] > max) max = all[i];
  }
  const [p50, p95, p99] = percentiles(all, [0.5, 0.95, 0.99]);
  const latencyMs = {
    p50,
    p95,
    p99,
    mean: all.length ? sum / all.length : null,
    max: all.length ? max : null,
    count: all.length,
    method: PERCENTILE_METHOD,
  };

  const byDay: DayRow[] = days.map((date) => {
    const n = dayNum(date);
    const d = acc.days.get(n);
    return {
      date,
      queries: d?.queries ?? 0,
      succeeded: d?.succeeded ?? 0,
      failed: d?.failed ?? 0,
      errorRate: d ? ratio(d.failed, d.queries) : null,
      costUsd: d?.costUsd ?? 0,
      inputTokens: d?.inputTokens ?? 0,
      outputTokens: d?.outputTokens ?? 0,
      totalTokens: d?.totalTokens ?? 0,
      tokensPerQuery: d ? ratio(d.successTokens, d.successTokenRows) : null,
      latencyMs: dayLatency.get(n) ?? { p50: null, p95: null },
    };
  });

  const byDayAndModel: DayModelRow[] = [...acc.models.values()]
    .flatMap((m) => [...m.byDay].map(([day, dm]) => ({ day, modelId: m.modelId, queries: dm.queries, costUsd: dm.costUsd })))
    .sort((a, b) => a.day - b.day || (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0))
    .map((dm) => ({ date: dateOfDayNumber(dm.day), modelId: dm.modelId, displayName: displayName(dm.modelId), queries: dm.queries, costUsd: dm.costUsd }));

  let modelRows = 0;
  for (const m of acc.models.values()) modelRows += m.queries;
  const byModel: ModelRow[] = [...acc.models.entries()]
    .map(([modelId, m]) => ({
      modelId,
      displayName: displayName(modelId),
      queries: m.queries,
      succeeded: m.succeeded,
      failed: m.failed,
      share: m.queries / modelRows,
      costShare: ratio(m.costUsd, totals.costUsd),
      costUsd: m.costUsd,
      listPriceCostUsd: acc.prices.hasPrice(modelId) ? m.listPriceCostUsd : null,
      listPriceGapUsd: acc.prices.hasPrice(modelId) ? m.costUsd - m.listPriceCostUsd : null,
      listPriceGapPct: acc.prices.hasPrice(modelId) ? change(m.costUsd, m.listPriceCostUsd) : null,
      priced: !acc.unpriced.has(modelId),
      inputTokens: m.inputTokens,
      outputTokens: m.outputTokens,
      totalTokens: m.totalTokens,
      avgCostPerQuery: ratio(m.costUsd, m.queries),
      costPer1kTokens: ratio(m.costUsd, m.totalTokens / 1000),
      latencyMs: modelLatency.get(modelId)!,
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.queries - a.queries || (a.modelId < b.modelId ? -1 : 1));

  const byQuery: QueryRow[] = [...acc.queries.entries()]
    .sort((a, b) => b[1].costUsd - a[1].costUsd || b[1].runs - a[1].runs || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_QUERIES)
    .map(([query, q]) => ({
      query,
      runs: q.runs,
      failed: q.failed,
      avgInputTokens: ratio(q.inputTokens, q.inputTokenRows),
      avgOutputTokens: ratio(q.outputTokens, q.outputTokenRows),
      costUsd: q.costUsd,
      avgCostUsd: ratio(q.costUsd, q.runs),
      avgLatencyMs: ratio(q.latencySum, q.latencyRows),
    }));

  const errors: ErrorRow[] = [...acc.errors.values()]
    .sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen)
    .map((e) => ({ errorType: e.errorType, stage: e.stage, count: e.count, lastSeen: toIsoUtc(e.lastSeen), example: e.example }));

  const ctxLen = concatColumns([acc.contextLength], { release: true });
  let ctxSum = 0;
  for (let i = 0; i < ctxLen.length; i++) ctxSum += ctxLen[i];
  const ctxPercentiles = p50p95(ctxLen);
  let successTokens = 0;
  let successTokenRows = 0;
  for (const d of acc.days.values()) {
    successTokens += d.successTokens;
    successTokenRows += d.successTokenRows;
  }

  const prevTotals = totalsOf(acc.previous);
  const prevLatency = p50p95(concatColumns([acc.previousLatency], { release: true }));
  const previousPeriod: PreviousPeriod = {
    window: ctx.previousWindow,
    totals: prevTotals,
    latencyMs: prevLatency,
    change: {
      queries: change(totals.queries, prevTotals.queries),
      failed: change(totals.failed, prevTotals.failed),
      errorRate: totals.errorRate === null || prevTotals.errorRate === null ? null : totals.errorRate - prevTotals.errorRate,
      costUsd: change(totals.costUsd, prevTotals.costUsd),
      totalTokens: change(totals.totalTokens, prevTotals.totalTokens),
      latencyP50: change(latencyMs.p50, prevLatency.p50),
      latencyP95: change(latencyMs.p95, prevLatency.p95),
    },
  };

  const skipped = [...acc.skipped.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  const unpricedModels = [...acc.unpriced.entries()]
    .map(([modelId, u]) => ({ modelId, rows: u.rows, inputTokens: u.inputTokens, outputTokens: u.outputTokens, tokens: u.tokens }))
    .sort((a, b) => b.rows - a.rows);
  const rowsSkipped = skipped.reduce((n, s) => n + s.count, 0);
  const dataQuality: DataQuality = {
    ...ctx.dataQuality,
    rowsUsed: acc.rowsUsed,
    rowsOutsideWindow: acc.rowsOutsideWindow,
    rowsSkipped,
    skipped,
    unpricedModels,
    repricedRows: acc.repricedRows,
    listPriceMissingRows: acc.listPriceMissingRows,
    costMissingRows: acc.costMissingRows,
    invalidValues: [...acc.invalidValues.entries()].map(([column, count]) => ({ column, count })),
    notes: notesFor(ctx, unpricedModels, rowsSkipped, acc),
  };

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: ctx.generatedAt.toISOString(),
    source: ctx.source,
    window: ctx.window,
    totals,
    latencyMs,
    byDay,
    byDayAndModel,
    byModel,
    byQuery,
    errors,
    recentQueries: [...acc.recent].sort((a, b) => b.instant - a.instant).map((r) => ({
      timestamp: toIsoUtc(r.instant),
      query: r.query,
      modelId: r.modelId,
      status: r.failed ? 'error' : 'ok',
      totalTokens: nullIfNaN(r.totalTokens),
      costUsd: nullIfNaN(r.cost),
      latencyMs: nullIfNaN(r.latencyMs),
      errorType: r.errorType,
    })),
    efficiency: {
      tokensPerQuery: ratio(successTokens, successTokenRows),
      outputTokensPerSecond: ratio(acc.outputTokensTimed, acc.latencyTimedMs / 1000),
      contextLengthChars: {
        ...ctxPercentiles,
        mean: ctxLen.length ? ctxSum / ctxLen.length : null,
        count: ctxLen.length,
      },
      costPer1kTokens: ratio(totals.costUsd, totals.totalTokens / 1000),
    },
    previousPeriod,
    dataQuality,
    pricing: ctx.pricing,
  };
}

function nullIfNaN(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

const dayNum = dayNumber;

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function notesFor(
  ctx: ModelContext,
  unpriced: { modelId: string; rows: number }[],
  rowsSkipped: number,
  acc: ReportAccumulator,
): string[] {
  const notes: string[] = [];
  if (unpriced.length > 0) {
    const list = unpriced.map((u) => `${u.modelId} (${plural(u.rows, 'row')})`).join(', ');
    notes.push(
      `The headline cost excludes ${plural(unpriced.length, 'model')} with neither a logged cost nor a known price: ${list}. Add them to a price overrides file (--prices) to include them.`,
    );
  }
  if (acc.repricedRows > 0) {
    notes.push(`${plural(acc.repricedRows, 'row')} had no logged cost and ${acc.repricedRows === 1 ? 'was' : 'were'} priced from the price table.`);
  }
  if (acc.costMissingRows > 0) {
    notes.push(
      `The headline cost excludes ${plural(acc.costMissingRows, 'successful row')} with no logged cost and nothing to price ${acc.costMissingRows === 1 ? 'it' : 'them'} by (no model id or no token counts).`,
    );
  }
  const noListPrice = [...acc.models.keys()].filter((id) => !acc.prices.hasPrice(id) && !acc.unpriced.has(id));
  if (noListPrice.length > 0) {
    notes.push(`No list price is known for ${noListPrice.join(', ')}: the list-price cost and its gap leave ${noListPrice.length === 1 ? 'it' : 'them'} out.`);
  }
  const unusedOverrides = acc.prices.unusedOverrides();
  if (unusedOverrides.length > 0) {
    notes.push(
      `${plural(unusedOverrides.length, 'price override')} matched no model id in the rows of this report (window and previous period): ${unusedOverrides.join(', ')}. Model ids must match exactly.`,
    );
  }
  if (acc.invalidValues.size > 0) {
    const total = [...acc.invalidValues.values()].reduce((a, b) => a + b, 0);
    const list = [...acc.invalidValues.entries()].map(([c, n]) => `${c} ${n.toLocaleString('en-US')}`).join(', ');
    notes.push(`${plural(total, 'value')} could not be true (negative or infinite) and ${total === 1 ? 'was' : 'were'} treated as missing: ${list}.`);
  }
  const dataFiles = ctx.dataQuality.files.filter((f) => f.status !== 'ignored');
  if (dataFiles.length === 0) notes.push('No Parquet files were found under logs/.');
  const bad = ctx.dataQuality.files.filter((f) => f.status === 'unreadable' || f.status === 'partial' || f.status === 'missing-timestamp');
  if (bad.length > 0) {
    notes.push(`${plural(bad.length, 'log file')} could not be (fully) read: ${bad.map((f) => f.path).join(', ')}. See the data-quality table.`);
  }
  if (rowsSkipped > 0) notes.push(`${plural(rowsSkipped, 'row')} could not be used (see skipped rows by reason).`);
  if (acc.rowsUsed === 0) notes.push(`No log rows fall in the window ${ctx.window.from} to ${ctx.window.to} (${ctx.window.timezone}).`);
  return notes;
}

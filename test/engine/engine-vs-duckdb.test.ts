/**
 * The engine's aggregates equal DuckDB's over the same files: many files, every codec, v1 and v2
 * data pages, several row groups, error rows. DuckDB is the independent oracle.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReport } from '../../lambdas/engine/run-report.js';
import type { ReportModel } from '../../lambdas/engine/report-model.js';
import { duckdbQuery, writeParquet } from '../support/parquet.js';
import { HAIKU, LOG_SCHEMA, SONNET, errorRow, lcg, okRow, type LogRow } from '../support/log-rows.js';

const NOVA = 'us.amazon.nova-pro-v1:0';
const QUERIES = ['What was Apple revenue in 2023?', 'Summarise Tesla risk factors', 'Walmart EBITDA 2022', 'Nvidia gross margin trend', 'Costco membership fees'];

let root: string;
let model: ReportModel;
const glob = () => `read_parquet('${root}/logs/**/*.parquet', union_by_name=true)`;
// the window: 2025-06-02 .. 2025-06-04 in UTC; rows also on 06-01 (previous period) and 06-05 (after)
const IN_WINDOW = `timestamp >= '2025-06-02' AND timestamp < '2025-06-05'`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'engine-oracle-'));
  const rnd = lcg(42);
  const codecs = ['zstd', 'snappy', 'gzip', 'uncompressed'] as const;
  for (let f = 0; f < 8; f++) {
    const rows: LogRow[] = [];
    for (let i = 0; i < 250; i++) {
      const day = 1 + Math.floor(rnd() * 5); // June 1..5
      const ts = new Date(Date.UTC(2025, 5, day, Math.floor(rnd() * 24), Math.floor(rnd() * 60), Math.floor(rnd() * 60), Math.floor(rnd() * 1000))).toISOString();
      if (rnd() < 0.05) {
        rows.push(errorRow(ts, { error_type: rnd() < 0.5 ? 'ThrottlingException' : 'RetrievalError', stage: rnd() < 0.5 ? 'generation' : 'retrieval', query: QUERIES[Math.floor(rnd() * QUERIES.length)] }));
        continue;
      }
      const input = 1000 + Math.floor(rnd() * 20000);
      const output = 50 + Math.floor(rnd() * 1500);
      const model = [HAIKU, SONNET, NOVA][Math.floor(rnd() * 3)];
      rows.push(okRow(ts, {
        model_id: model,
        query: QUERIES[Math.floor(rnd() * QUERIES.length)],
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
        cost: Math.round((input * 1e-6 + output * 5e-6) * 1e6) / 1e6,
        processing_time_ms: 500 + rnd() * rnd() * 60000,
        context_length: input * 4,
      }));
    }
    await writeParquet(join(root, 'logs', `part-${f}.${codecs[f % 4]}.parquet`), rows, {
      columns: LOG_SCHEMA,
      codec: codecs[f % 4],
      rowGroupSize: 100,
      parquetVersion: f % 2 === 0 ? 'V1' : 'V2',
    });
  }
  ({ model } = await runReport({ source: root, window: { from: '2025-06-02', to: '2025-06-04' }, renderCharts: false }));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const rel = (a: number | null, b: number | null) => {
  expect(a).not.toBeNull();
  expect(b).not.toBeNull();
  expect(Math.abs(a! - b!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b!)));
};

test('totals equal DuckDB over the same files', async () => {
  const [d] = await duckdbQuery(`SELECT count(*) AS queries, count(error) AS failed, sum(cost) AS cost,
      sum(input_tokens) AS input, sum(output_tokens) AS output, sum(total_tokens) AS total, count(DISTINCT query) AS uq
    FROM ${glob()} WHERE ${IN_WINDOW}`);
  expect(model.totals.queries).toBe(d.queries);
  expect(model.totals.failed).toBe(d.failed);
  expect(model.totals.succeeded).toBe((d.queries as number) - (d.failed as number));
  rel(model.totals.costUsd, d.cost as number);
  expect(model.totals.inputTokens).toBe(d.input);
  expect(model.totals.outputTokens).toBe(d.output);
  expect(model.totals.totalTokens).toBe(d.total);
  expect(model.totals.uniqueQueries).toBe(d.uq);
});

test('latency percentiles equal DuckDB quantile_cont over successful rows', async () => {
  const [d] = await duckdbQuery(`SELECT quantile_cont(processing_time_ms, 0.5) AS p50, quantile_cont(processing_time_ms, 0.95) AS p95,
      quantile_cont(processing_time_ms, 0.99) AS p99, avg(processing_time_ms) AS mean, max(processing_time_ms) AS max
    FROM ${glob()} WHERE ${IN_WINDOW} AND error IS NULL AND processing_time_ms IS NOT NULL`);
  rel(model.latencyMs.p50, d.p50 as number);
  rel(model.latencyMs.p95, d.p95 as number);
  rel(model.latencyMs.p99, d.p99 as number);
  rel(model.latencyMs.mean, d.mean as number);
  rel(model.latencyMs.max, d.max as number);
});

test('by day and by model equal DuckDB', async () => {
  const days = await duckdbQuery(`SELECT substr(timestamp, 1, 10) AS date, count(*) AS queries, count(error) AS failed, coalesce(sum(cost), 0) AS cost,
      quantile_cont(processing_time_ms, 0.95) FILTER (WHERE error IS NULL) AS p95
    FROM ${glob()} WHERE ${IN_WINDOW} GROUP BY 1 ORDER BY 1`);
  expect(model.byDay.map((d) => d.date)).toEqual(days.map((d) => d.date));
  days.forEach((d, i) => {
    expect(model.byDay[i].queries).toBe(d.queries);
    expect(model.byDay[i].failed).toBe(d.failed);
    rel(model.byDay[i].costUsd, d.cost as number);
    rel(model.byDay[i].latencyMs.p95, d.p95 as number);
  });
  const models = await duckdbQuery(`SELECT model_id, count(*) AS queries, sum(cost) AS cost, sum(input_tokens) AS input,
      quantile_cont(processing_time_ms, 0.5) AS p50
    FROM ${glob()} WHERE ${IN_WINDOW} AND model_id IS NOT NULL GROUP BY 1`);
  expect(model.byModel).toHaveLength(models.length);
  for (const d of models) {
    const m = model.byModel.find((x) => x.modelId === d.model_id)!;
    expect(m.queries).toBe(d.queries);
    rel(m.costUsd, d.cost as number);
    expect(m.inputTokens).toBe(d.input);
    rel(m.latencyMs.p50, d.p50 as number);
  }
});

test('errors by type and stage, top queries and the previous period equal DuckDB', async () => {
  const errs = await duckdbQuery(`SELECT error_type, stage, count(*) AS n, max(timestamp) AS last
    FROM ${glob()} WHERE ${IN_WINDOW} AND error IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC, last DESC`);
  expect(model.errors.map((e) => [e.errorType, e.stage, e.count, e.lastSeen])).toEqual(
    errs.map((e) => [e.error_type, e.stage, e.n, e.last]),
  );
  const top = await duckdbQuery(`SELECT query, count(*) AS runs, sum(cost) AS cost FROM ${glob()} WHERE ${IN_WINDOW} GROUP BY 1 ORDER BY cost DESC`);
  expect(model.byQuery.map((q) => q.query)).toEqual(top.map((t) => t.query));
  model.byQuery.forEach((q, i) => {
    expect(q.runs).toBe(top[i].runs);
    rel(q.costUsd, top[i].cost as number);
  });
  const [prev] = await duckdbQuery(`SELECT count(*) AS queries, sum(cost) AS cost FROM ${glob()}
    WHERE timestamp >= '2025-05-30' AND timestamp < '2025-06-02'`);
  expect(model.previousPeriod.window).toMatchObject({ from: '2025-05-30', to: '2025-06-01' });
  expect(model.previousPeriod.totals.queries).toBe(prev.queries);
  rel(model.previousPeriod.totals.costUsd, prev.cost as number);
  rel(model.previousPeriod.change.queries, (model.totals.queries - (prev.queries as number)) / (prev.queries as number));
});

test('every row read is counted: used + outside the window + skipped', async () => {
  const [all] = await duckdbQuery(`SELECT count(*) AS n, count(*) FILTER (WHERE ${IN_WINDOW}) AS used FROM ${glob()}`);
  const dq = model.dataQuality;
  expect(dq.rowsRead).toBe(all.n);
  expect(dq.rowsUsed).toBe(all.used);
  expect(dq.rowsOutsideWindow).toBe((all.n as number) - (all.used as number));
  expect(dq.rowsSkipped).toBe(0);
  expect(dq.files.filter((f) => f.status === 'read')).toHaveLength(8);
});

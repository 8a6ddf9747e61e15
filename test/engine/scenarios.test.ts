/**
 * The engine on awkward real-world inputs, one scenario each. Expected values are worked out by hand
 * in the comments next to them.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReport } from '../../lambdas/engine/run-report.js';
import { writeParquet } from '../support/parquet.js';
import { HAIKU, LOG_SCHEMA, SONNET, errorRow, okRow } from '../support/log-rows.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-scenario-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const logs = (...p: string[]) => join(dir, 'logs', ...p);

test('error rows count as failed, with null tokens and cost, grouped by type and stage', async () => {
  await writeParquet(logs('q.parquet'), [
    okRow('2025-01-10T10:00:00Z', { cost: 0.01, input_tokens: 1000, output_tokens: 200, processing_time_ms: 2000 }),
    okRow('2025-01-10T11:00:00Z', { cost: 0.02, input_tokens: 3000, output_tokens: 400, processing_time_ms: 4000 }),
    errorRow('2025-01-10T12:00:00Z', { error: 'first throttle', error_type: 'ThrottlingException', stage: 'generation' }),
    errorRow('2025-01-10T13:00:00Z', { error: 'second throttle', error_type: 'ThrottlingException', stage: 'generation' }),
    errorRow('2025-01-10T09:00:00Z', { error: 'no chunks', error_type: 'RetrievalError', stage: 'retrieval' }),
  ], { columns: LOG_SCHEMA });
  const { model } = await runReport({ source: dir, window: { from: '2025-01-10', to: '2025-01-10' }, renderCharts: false });
  expect(model.totals).toMatchObject({ queries: 5, succeeded: 2, failed: 3, errorRate: 0.6, inputTokens: 4000, outputTokens: 600, totalTokens: 4600 });
  expect(model.totals.costUsd).toBeCloseTo(0.03, 12);
  // latency only over the 2 successful rows: p50 of [2000, 4000] = 3000
  expect(model.latencyMs).toMatchObject({ p50: 3000, mean: 3000, max: 4000, count: 2 });
  expect(model.errors).toEqual([
    { errorType: 'ThrottlingException', stage: 'generation', count: 2, lastSeen: '2025-01-10T13:00:00.000Z', example: 'second throttle' },
    { errorType: 'RetrievalError', stage: 'retrieval', count: 1, lastSeen: '2025-01-10T09:00:00.000Z', example: 'no chunks' },
  ]);
  // error rows have no model: by-model counts only the 2 successful haiku rows
  expect(model.byModel.map((m) => [m.displayName, m.queries])).toEqual([['claude-haiku-4-5', 2]]);
});

test('every timestamp form lands on the right day; bad ones are skipped with a reason', async () => {
  await writeParquet(logs('strings.parquet'), [
    okRow('2025-03-10T23:30:00Z'), //               03-10
    okRow('2025-03-11T01:00:00+05:30'), //          = 03-10T19:30Z → 03-10
    okRow('2025-03-11 00:15:00'), //                naive = UTC → 03-11
    okRow('2025-03-11T12:00:00.123456789Z'), //     nanoseconds → 03-11
    okRow('2025-03-11T23:59:59.999999-02:00'), //   = 03-12T01:59:59.999999Z → 03-12
    okRow('2025-03-12T08:00:00.5+0100'), //         = 03-12T07:00:00.5Z → 03-12
    okRow('not a date'),
    okRow('2025-02-30T10:00:00Z'), //               no such day
    okRow(null as unknown as string),
  ], { columns: LOG_SCHEMA });
  await writeParquet(logs('typed.parquet'), [
    okRow('2025-03-12T10:00:00', { timestamp: '2025-03-12 10:00:00' }), // Parquet TIMESTAMP column → 03-12
  ], { columns: { ...LOG_SCHEMA, timestamp: 'TIMESTAMP' } });
  const { model } = await runReport({ source: dir, window: { from: '2025-03-10', to: '2025-03-12' }, renderCharts: false });
  expect(model.byDay.map((d) => [d.date, d.queries])).toEqual([['2025-03-10', 2], ['2025-03-11', 2], ['2025-03-12', 3]]);
  expect(model.dataQuality.rowsRead).toBe(10);
  expect(model.dataQuality.rowsSkipped).toBe(3);
  expect(model.dataQuality.skipped).toEqual(expect.arrayContaining([
    { reason: 'timestamp is not a valid ISO-8601 instant', count: 2 },
    { reason: 'timestamp is null', count: 1 },
  ]));
  // the latest row is 03-12T10:00Z from the TIMESTAMP column
  expect(model.recentQueries[0].timestamp).toBe('2025-03-12T10:00:00.000Z');
});

test('first-century timestamps land on their own days (not 1900..1999)', async () => {
  await writeParquet(logs('q.parquet'), [
    okRow('0001-01-01T00:00:00Z'),
    okRow('0099-06-01T23:59:59Z'),
    okRow('1999-06-01T12:00:00Z'), // what Date.UTC made of 0099-06-01: outside the window below
  ], { columns: LOG_SCHEMA });
  const { model } = await runReport({ source: dir, window: { from: '0099-06-01', to: '0099-06-01' }, renderCharts: false });
  expect(model.byDay.map((d) => [d.date, d.queries])).toEqual([['0099-06-01', 1]]);
  expect(model.recentQueries.map((r) => r.timestamp)).toEqual(['0099-06-01T23:59:59.000Z']);
  // the previous period is 0099-05-31; 0001-01-01 and 1999 are outside both
  expect(model.previousPeriod.window).toMatchObject({ from: '0099-05-31', to: '0099-05-31' });
  expect(model.dataQuality).toMatchObject({ rowsRead: 3, rowsUsed: 1, rowsOutsideWindow: 2, rowsSkipped: 0 });
  const first = await runReport({ source: dir, window: { from: '0001-01-01', to: '0001-01-01' }, renderCharts: false });
  expect(first.model.byDay.map((d) => [d.date, d.queries])).toEqual([['0001-01-01', 1]]);
});

test('many files in dt= partitions: out-of-window partitions are not opened, stray files are listed', async () => {
  await writeParquet(logs('dt=2025-04-01', 'part-0.snappy.parquet'), [okRow('2025-04-01T10:00:00Z'), okRow('2025-04-01T11:00:00Z')], { columns: LOG_SCHEMA, codec: 'snappy' });
  await writeParquet(logs('dt=2025-04-02', 'part-0.zstd.parquet'), [okRow('2025-04-02T10:00:00Z')], { columns: LOG_SCHEMA, codec: 'zstd' });
  await writeParquet(logs('dt=2025-04-02', 'part-1.parquet'), [okRow('2025-04-02T12:00:00Z')], { columns: LOG_SCHEMA, codec: 'gzip' });
  // a partition far outside the window holding garbage: if it were opened it would be "unreadable"
  await mkdir(logs('dt=2025-01-01'), { recursive: true });
  await writeFile(logs('dt=2025-01-01', 'part-0.parquet'), 'not parquet at all');
  await writeFile(logs('_SUCCESS'), '');
  await writeFile(logs('dt=2025-04-01', '.part-0.snappy.parquet.crc'), 'crc');
  await writeFile(logs('manifest.json'), '{}');
  const { model } = await runReport({ source: dir, window: { from: '2025-04-01', to: '2025-04-02' }, renderCharts: false });
  expect(model.totals.queries).toBe(4);
  const status = Object.fromEntries(model.dataQuality.files.map((f) => [f.path, f.status]));
  expect(status).toEqual({
    'logs/dt=2025-04-01/part-0.snappy.parquet': 'read',
    'logs/dt=2025-04-02/part-0.zstd.parquet': 'read',
    'logs/dt=2025-04-02/part-1.parquet': 'read',
    'logs/dt=2025-01-01/part-0.parquet': 'pruned',
    'logs/_SUCCESS': 'ignored',
    'logs/dt=2025-04-01/.part-0.snappy.parquet.crc': 'ignored',
    'logs/manifest.json': 'ignored',
  });
});

test('files inside hidden or temporary folders (_temporary/, .staging/) are ignored and named, not counted twice', async () => {
  // the same row three times: the committed file, a Spark task's in-flight copy, an upload in progress
  const row = okRow('2025-03-10T01:00:00Z');
  await writeParquet(logs('dt=2025-03-10', 'part-0.parquet'), [row], { columns: LOG_SCHEMA });
  await writeParquet(logs('_temporary', '0', 'dt=2025-03-10', 'part-0.parquet'), [row], { columns: LOG_SCHEMA });
  await writeParquet(logs('.staging', 'part-0.parquet'), [row], { columns: LOG_SCHEMA });
  const { model } = await runReport({ source: dir, window: { from: '2025-03-10', to: '2025-03-10' }, renderCharts: false });
  // one row counted (not 3), and 1 row read in all
  expect(model.totals.queries).toBe(1);
  expect(model.dataQuality.rowsRead).toBe(1);
  expect(model.dataQuality.files).toEqual([
    { path: 'logs/.staging/part-0.parquet', rows: null, status: 'ignored', reason: 'inside the hidden or temporary folder logs/.staging/ (a folder name starting with . or _)' },
    { path: 'logs/_temporary/0/dt=2025-03-10/part-0.parquet', rows: null, status: 'ignored', reason: 'inside the hidden or temporary folder logs/_temporary/ (a folder name starting with . or _)' },
    { path: 'logs/dt=2025-03-10/part-0.parquet', rows: 1, status: 'read' },
  ]);
});

test('a partition folder that is not a calendar date (dt=2099-13-45) prunes nothing: its file is read', async () => {
  await writeParquet(logs('dt=2025-03-10', 'a.parquet'), [okRow('2025-03-10T01:00:00Z')], { columns: LOG_SCHEMA });
  await writeParquet(logs('dt=2099-13-45', 'b.parquet'), [okRow('2025-03-10T02:00:00Z')], { columns: LOG_SCHEMA });
  await writeParquet(logs('year=2099', 'month=02', 'day=30', 'c.parquet'), [okRow('2025-03-10T03:00:00Z')], { columns: LOG_SCHEMA });
  const { model } = await runReport({ source: dir, window: { from: '2025-03-10', to: '2025-03-10' }, renderCharts: false });
  // all three rows are on 2025-03-10; the two impossible partition dates must not prune their files
  expect(model.totals.queries).toBe(3);
  expect(model.dataQuality.files.map((f) => [f.path, f.status])).toEqual([
    ['logs/dt=2025-03-10/a.parquet', 'read'],
    ['logs/dt=2099-13-45/b.parquet', 'read'],
    ['logs/year=2099/month=02/day=30/c.parquet', 'read'],
  ]);
});

test('symbolic links under logs/ are followed (files and folders); a broken one is named; a cycle does not loop', async () => {
  const elsewhere = join(dir, 'elsewhere');
  await writeParquet(join(elsewhere, 'linked-file.parquet'), [okRow('2025-04-01T10:00:00Z')], { columns: LOG_SCHEMA });
  await writeParquet(join(elsewhere, 'part', 'in-linked-folder.parquet'), [okRow('2025-04-01T11:00:00Z'), okRow('2025-04-01T12:00:00Z')], { columns: LOG_SCHEMA });
  await writeParquet(logs('plain.parquet'), [okRow('2025-04-01T13:00:00Z')], { columns: LOG_SCHEMA });
  await symlink(join(elsewhere, 'linked-file.parquet'), logs('linked-file.parquet'));
  await symlink(join(elsewhere, 'part'), logs('dt=2025-04-01'));
  await symlink(join(dir, 'missing.parquet'), logs('broken.parquet'));
  await symlink(logs(), logs('loop')); // logs/loop -> logs/
  const { model } = await runReport({ source: dir, window: { from: '2025-04-01', to: '2025-04-01' }, renderCharts: false });
  // 1 + 2 + 1 rows, each read once (logs/loop/... is the same folder and is not walked again)
  expect(model.totals.queries).toBe(4);
  const byPath = Object.fromEntries(model.dataQuality.files.map((f) => [f.path, f.status]));
  expect(byPath).toEqual({
    'logs/broken.parquet': 'unreadable',
    'logs/dt=2025-04-01/in-linked-folder.parquet': 'read',
    'logs/linked-file.parquet': 'read',
    'logs/plain.parquet': 'read',
  });
  expect(model.dataQuality.files.find((f) => f.path === 'logs/broken.parquet')!.reason).toBe('cannot follow symbolic link: ENOENT');
});

test('schema drift: old files without cost, context_length or latency, with other integer types and extra columns', async () => {
  const old = { timestamp: 'VARCHAR', query: 'VARCHAR', model_id: 'VARCHAR', input_tokens: 'INTEGER', output_tokens: 'INTEGER', total_tokens: 'INTEGER', error: 'VARCHAR', user_id: 'VARCHAR' };
  await writeParquet(logs('2024', 'old.parquet'), [
    { timestamp: '2025-05-01T10:00:00Z', query: 'q1', model_id: HAIKU, input_tokens: 1000, output_tokens: 200, total_tokens: 1200, error: null, user_id: 'u1' },
    { timestamp: '2025-05-01T11:00:00Z', query: 'q2', model_id: SONNET, input_tokens: 2000, output_tokens: 100, total_tokens: 2100, error: null, user_id: 'u2' },
  ], { columns: old });
  await writeParquet(logs('2025', 'new.parquet'), [
    okRow('2025-05-01T12:00:00Z', { cost: 0.5, processing_time_ms: 1234, input_tokens: 10, output_tokens: 10 }),
  ], { columns: { ...LOG_SCHEMA, processing_time_ms: 'BIGINT' } });
  await writeParquet(logs('2025', 'no-timestamp.parquet'), [{ query: 'x', cost: 1 }, { query: 'y', cost: 2 }], { columns: { query: 'VARCHAR', cost: 'DOUBLE' } });

  const { model } = await runReport({ source: dir, window: { from: '2025-05-01', to: '2025-05-01' }, renderCharts: false });
  // Old rows are re-priced at Bedrock list prices for the us. (regional) profiles, $ per million tokens:
  // haiku 4.5 1.10 in / 5.50 out: 1000 × 1.1e-6 + 200 × 5.5e-6 = 0.0011 + 0.0011 = 0.0022
  // sonnet 4.5 3.30 in / 16.50 out: 2000 × 3.3e-6 + 100 × 16.5e-6 = 0.0066 + 0.00165 = 0.00825
  expect(model.dataQuality.repricedRows).toBe(2);
  expect(model.totals.costUsd).toBeCloseTo(0.5 + 0.0022 + 0.00825, 12);
  expect(model.totals.queries).toBe(3);
  // latency exists only in the new file
  expect(model.latencyMs).toMatchObject({ count: 1, p50: 1234 });
  const noTs = model.dataQuality.files.find((f) => f.path === 'logs/2025/no-timestamp.parquet')!;
  expect(noTs).toMatchObject({ status: 'missing-timestamp', rows: 2, reason: 'file has no timestamp column' });
  expect(model.dataQuality.skipped).toEqual([{ reason: 'file has no timestamp column', count: 2 }]);
  expect(model.dataQuality.rowsRead).toBe(5);
});

test('a truncated file among good ones is named in the ledger and the report is made from the rest', async () => {
  await writeParquet(logs('good.parquet'), [okRow('2025-02-01T10:00:00Z'), okRow('2025-02-01T11:00:00Z')], { columns: LOG_SCHEMA });
  await writeParquet(join(dir, 'tmp.parquet'), Array.from({ length: 50 }, (_, i) => okRow(`2025-02-01T12:${String(i).padStart(2, '0')}:00Z`)), { columns: LOG_SCHEMA });
  await copyFile(join(dir, 'tmp.parquet'), logs('truncated.parquet'));
  const size = (await readFile(logs('truncated.parquet'))).length;
  await truncate(logs('truncated.parquet'), Math.floor(size / 2));
  await writeFile(logs('empty.parquet'), '');
  const { model } = await runReport({ source: dir, window: { from: '2025-02-01', to: '2025-02-01' }, renderCharts: false });
  expect(model.totals.queries).toBe(2);
  const bad = model.dataQuality.files.filter((f) => f.status === 'unreadable').map((f) => f.path).sort();
  expect(bad).toEqual(['logs/empty.parquet', 'logs/truncated.parquet']);
  expect(model.dataQuality.files.find((f) => f.path === 'logs/truncated.parquet')!.reason).toMatch(/parquet/i);
  expect(model.dataQuality.notes.join(' ')).toContain('logs/truncated.parquet');
});

test('HTML and script in query text are escaped in the report; a CSV formula is neutralised; Unicode survives', async () => {
  const evil = '<script>alert("x")</script> revenue?';
  const formula = '=HYPERLINK("http://evil.example","click")';
  const unicode = 'Nestlé résumé — “risk” 📈';
  await writeParquet(logs('q.parquet'), [
    okRow('2025-02-01T10:00:00Z', { query: evil, cost: 0.3 }),
    okRow('2025-02-01T11:00:00Z', { query: formula, cost: 0.2 }),
    okRow('2025-02-01T12:00:00Z', { query: unicode, cost: 0.1 }),
  ], { columns: LOG_SCHEMA });
  const { files } = await runReport({ source: dir, window: { from: '2025-02-01', to: '2025-02-01' } });
  const html = String(files.find((f) => f.path === 'report.html')!.body);
  expect(html).not.toContain('<script>alert');
  expect(html).toContain('&lt;script&gt;alert(');
  expect(html).toContain(unicode);
  const csv = Buffer.from(files.find((f) => f.path === 'tables/top-queries.csv')!.body as string).toString('utf8');
  expect(csv).toContain(`'=HYPERLINK(""http://evil.example"",""click"")`);
  expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  expect(csv).toContain(unicode);
});

test('an empty window gives zeros for every day, null percentiles and a note', async () => {
  await writeParquet(logs('q.parquet'), [okRow('2025-02-01T10:00:00Z')], { columns: LOG_SCHEMA });
  const { model, files } = await runReport({ source: dir, window: { from: '2025-03-01', to: '2025-03-03' } });
  expect(model.totals).toMatchObject({ queries: 0, failed: 0, errorRate: null, costUsd: 0 });
  expect(model.byDay.map((d) => [d.date, d.queries, d.costUsd])).toEqual([['2025-03-01', 0, 0], ['2025-03-02', 0, 0], ['2025-03-03', 0, 0]]);
  expect(model.latencyMs).toMatchObject({ p50: null, p95: null, count: 0 });
  expect(model.dataQuality).toMatchObject({ rowsRead: 1, rowsUsed: 0, rowsOutsideWindow: 1 });
  expect(model.dataQuality.notes.join(' ')).toContain('No log rows fall in the window 2025-03-01 to 2025-03-03');
  expect(files.filter((f) => f.path.endsWith('.png'))).toHaveLength(4);
});

test('a model with neither a logged cost nor a price is named, never a silent $0; an override prices it', async () => {
  await writeParquet(logs('q.parquet'), [
    okRow('2025-02-01T10:00:00Z', { cost: 0.01 }),
    okRow('2025-02-01T11:00:00Z', { model_id: 'acme.finetuned-analyst-v3', cost: null, input_tokens: 2000, output_tokens: 500 }),
    okRow('2025-02-01T12:00:00Z', { model_id: 'acme.finetuned-analyst-v3', cost: null, input_tokens: 1000, output_tokens: 100 }),
  ], { columns: LOG_SCHEMA });
  const { model } = await runReport({ source: dir, window: { from: '2025-02-01', to: '2025-02-01' }, renderCharts: false });
  expect(model.dataQuality.unpricedModels).toEqual([{ modelId: 'acme.finetuned-analyst-v3', rows: 2, inputTokens: 3000, outputTokens: 600, tokens: 3600 }]);
  expect(model.totals.costUsd).toBeCloseTo(0.01, 12);
  expect(model.byModel.find((m) => m.modelId === 'acme.finetuned-analyst-v3')).toMatchObject({ priced: false, costUsd: 0 });
  expect(model.dataQuality.notes[0]).toContain('excludes 1 model');
  expect(model.dataQuality.notes[0]).toContain('acme.finetuned-analyst-v3 (2 rows)');

  const priced = await runReport({
    source: dir,
    window: { from: '2025-02-01', to: '2025-02-01' },
    renderCharts: false,
    priceOverrides: { models: { 'acme.finetuned-analyst-v3': { input_mtok: 2, output_mtok: 10 } } } as never,
  });
  // 3000 × 2e-6 + 600 × 10e-6 = 0.006 + 0.006 = 0.012
  expect(priced.model.dataQuality.unpricedModels).toEqual([]);
  expect(priced.model.dataQuality.repricedRows).toBe(2);
  expect(priced.model.totals.costUsd).toBeCloseTo(0.01 + 0.012, 12);
  expect(priced.model.dataQuality.notes.join('\n')).not.toContain('matched no model id');
  // a misspelt override is named, not silently ignored
  const misspelt = await runReport({
    source: dir,
    window: { from: '2025-02-01', to: '2025-02-01' },
    renderCharts: false,
    priceOverrides: { models: { 'acme.finetuned-analyst-v2': { input_mtok: 2, output_mtok: 10 } } } as never,
  });
  expect(misspelt.model.dataQuality.unpricedModels.map((u) => u.modelId)).toEqual(['acme.finetuned-analyst-v3']);
  expect(misspelt.model.dataQuality.notes).toContain(
    '1 price override matched no model id in the rows of this report (window and previous period): acme.finetuned-analyst-v2. Model ids must match exactly.',
  );
});

test('impossible numbers are set aside and counted; rows with nothing to price are named; no list price is null, not $0', async () => {
  await writeParquet(logs('q.parquet'), [
    okRow('2025-02-01T10:00:00Z', { cost: 0.01 }),
    // infinite cost: set aside, then re-priced from tokens (haiku us.: 1000 × 1.1e-6 + 100 × 5.5e-6 = 0.00165)
    okRow('2025-02-01T10:01:00Z', { cost: Infinity }),
    // negative cost and negative latency: set aside; no cost left and no tokens → counted as cost-missing
    okRow('2025-02-01T10:02:00Z', { cost: -5, input_tokens: null, output_tokens: null, total_tokens: null, processing_time_ms: -1 }),
    // successful, no cost, no model id: nothing to price it by
    okRow('2025-02-01T10:03:00Z', { model_id: null, cost: null }),
    // a model named like an Object.prototype key, with a logged cost: no list price, never a NaN price
    okRow('2025-02-01T10:04:00Z', { model_id: 'constructor', cost: 0.02 }),
    okRow('2025-02-01T10:05:00Z', { model_id: 'toString', cost: null }),
  ], { columns: LOG_SCHEMA });
  const { model } = await runReport({ source: dir, window: { from: '2025-02-01', to: '2025-02-01' }, renderCharts: false });
  expect(model.totals.queries).toBe(6);
  expect(model.totals.costUsd).toBeCloseTo(0.01 + 0.00165 + 0.02, 12);
  expect(model.dataQuality.invalidValues).toEqual([
    { column: 'cost', count: 2 },
    { column: 'processing_time_ms', count: 1 },
  ]);
  expect(model.dataQuality.repricedRows).toBe(1);
  expect(model.dataQuality.costMissingRows).toBe(2);
  // latency of the 5 other rows only: all 1000 ms
  expect(model.latencyMs).toMatchObject({ count: 5, max: 1000, p99: 1000 });
  const ctor = model.byModel.find((m) => m.modelId === 'constructor')!;
  expect(ctor).toMatchObject({ costUsd: 0.02, listPriceCostUsd: null, listPriceGapUsd: null, listPriceGapPct: null, priced: true });
  expect(model.dataQuality.unpricedModels).toEqual([{ modelId: 'toString', rows: 1, inputTokens: 1000, outputTokens: 100, tokens: 1100 }]);
  const notes = model.dataQuality.notes.join('\n');
  expect(notes).toContain('excludes 2 successful rows with no logged cost');
  expect(notes).toContain('No list price is known for constructor');
  expect(notes).toContain('3 values could not be true (negative or infinite) and were treated as missing: cost 2, processing_time_ms 1.');
});

test('a log root with no Parquet files says so', async () => {
  await mkdir(logs(), { recursive: true });
  await writeFile(logs('_SUCCESS'), '');
  const { model } = await runReport({ source: dir, window: { all: true }, renderCharts: false, now: new Date('2025-06-01T12:00:00Z') });
  expect(model.totals.queries).toBe(0);
  expect(model.dataQuality.notes).toContain('No Parquet files were found under logs/.');
});

test('logged cost vs list price per model shows the gap', async () => {
  // haiku list (us. profile): 1.10 / 5.50 per million; the app logs 1.00 / 5.00
  await writeParquet(logs('q.parquet'), [
    okRow('2025-02-01T10:00:00Z', { input_tokens: 10000, output_tokens: 1000, cost: 0.015 }), // list: 0.011 + 0.0055 = 0.0165
  ], { columns: LOG_SCHEMA });
  const { model } = await runReport({ source: dir, window: { from: '2025-02-01', to: '2025-02-01' }, renderCharts: false });
  const m = model.byModel[0];
  expect(m.listPriceCostUsd).toBeCloseTo(0.0165, 12);
  expect(m.listPriceGapUsd).toBeCloseTo(-0.0015, 12);
  expect(m.listPriceGapPct).toBeCloseTo(-0.0015 / 0.0165, 12);
  expect(model.totals.listPriceCostUsd).toBeCloseTo(0.0165, 12);
});

test('a non-UTC time zone: rows land on their local day, and the days add up to the total', async () => {
  // America/Los_Angeles: PST (UTC−8) until 2025-03-09 02:00 local, then PDT (UTC−7)
  await writeParquet(logs('q.parquet'), [
    okRow('2025-03-08T07:59:00Z'), // 03-07 23:59 PST → 03-07 (outside)
    okRow('2025-03-08T08:00:00Z'), // 03-08 00:00 PST → 03-08
    okRow('2025-03-09T07:30:00Z'), // 03-08 23:30 PST → 03-08
    okRow('2025-03-09T09:30:00Z'), // 03-09 02:30 PDT (after the jump) → 03-09
    okRow('2025-03-10T06:59:59Z'), // 03-09 23:59:59 PDT → 03-09
    okRow('2025-03-10T07:00:00Z'), // 03-10 00:00 PDT → 03-10
    okRow('2025-03-11T07:00:00Z'), // 03-11 00:00 PDT → 03-11 (outside)
  ], { columns: LOG_SCHEMA });
  const { model } = await runReport({ source: dir, window: { from: '2025-03-08', to: '2025-03-10' }, timezone: 'America/Los_Angeles', renderCharts: false });
  expect(model.byDay.map((d) => [d.date, d.queries])).toEqual([['2025-03-08', 2], ['2025-03-09', 2], ['2025-03-10', 1]]);
  expect(model.byDay.reduce((n, d) => n + d.queries, 0)).toBe(model.totals.queries);
  expect(model.totals.queries).toBe(5);
  expect(model.dataQuality.rowsOutsideWindow).toBe(2);
  expect(model.window).toEqual({ from: '2025-03-08', to: '2025-03-10', timezone: 'America/Los_Angeles', days: 3 });
});

test('bad requests fail with a one-line reason', async () => {
  await mkdir(logs(), { recursive: true });
  await expect(runReport({ source: dir, window: { from: '2025-02-30', to: '2025-03-01' } })).rejects.toThrow('from is not a calendar date: "2025-02-30"');
  await expect(runReport({ source: dir, window: { from: '2025-03-02', to: '2025-03-01' } })).rejects.toThrow('from (2025-03-02) is after to (2025-03-01)');
  await expect(runReport({ source: dir, window: { all: true }, timezone: 'Mars/Olympus' })).rejects.toThrow('unknown time zone "Mars/Olympus"');
  await expect(runReport({ source: join(dir, 'nope'), window: { all: true } })).rejects.toThrow(`log root not found: ${join(dir, 'nope')} is not a folder`);
  await expect(runReport({ source: dir, window: { all: true }, priceOverrides: { models: { m: { input_mtok: -1, output_mtok: 1 } } } as never })).rejects.toThrow('model "m" needs non-negative numbers');
});

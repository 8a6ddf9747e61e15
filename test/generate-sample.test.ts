/**
 * The sample generator, checked with DuckDB as the oracle (never with the generator's own code):
 * layout, schema, counts, error rows, token/cost arithmetic, URIs, side files and determinism.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { generateSample } from '../scripts/generate-sample.js';
import { duckdbQuery } from './support/parquet.js';

const sqlPath = (p: string) => `'${p.replace(/'/g, "''")}'`;
const logs = (root: string, hive = false) =>
  `read_parquet(${sqlPath(join(root, 'logs', '**', '*.parquet'))}, hive_partitioning=${hive})`;
const one = async (sql: string) => (await duckdbQuery(sql))[0]!;

/** Prices the app is configured with (USD per 1M tokens, in/out), restated here on purpose. */
const PRICES: Record<string, [number, number]> = {
  'us.anthropic.claude-haiku-4-5-20251001-v1:0': [1, 5],
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0': [3, 15],
  'us.amazon.nova-pro-v1:0': [0.8, 3.2],
  'us.meta.llama3-3-70b-instruct-v1:0': [0.72, 0.72],
};
const priceValues = Object.entries(PRICES)
  .map(([m, [i, o]]) => `('${m}', ${i}, ${o})`)
  .join(', ');

let dir: string;
let a: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'generate-sample-'));
  a = join(dir, 'a');
  await generateSample({ out: a, start: '2025-10-06', days: 3, perDay: 400, seed: 7 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generate-sample', () => {
  test('daily Hive partitions with one zstd file each', async () => {
    expect((await readdir(a)).sort()).toEqual(['contexts', 'logs', 'responses']);
    const days = (await readdir(join(a, 'logs'))).sort();
    expect(days).toEqual(['dt=2025-10-06', 'dt=2025-10-07', 'dt=2025-10-08']);
    for (const d of days) expect(await readdir(join(a, 'logs', d))).toEqual(['part-00000.zstd.parquet']);

    const codecs = await duckdbQuery(
      `SELECT DISTINCT compression FROM parquet_metadata(${sqlPath(join(a, 'logs', '*', '*.parquet'))})`,
    );
    expect(codecs).toEqual([{ compression: 'ZSTD' }]);
  });

  test('reference schema inside the files (dt only in the folder name)', async () => {
    const cols = await duckdbQuery(`DESCRIBE SELECT * FROM ${logs(a)}`);
    expect(cols.map((c) => `${c.column_name} ${c.column_type}`)).toEqual([
      'timestamp VARCHAR',
      'query VARCHAR',
      'model_id VARCHAR',
      'input_tokens BIGINT',
      'output_tokens BIGINT',
      'total_tokens BIGINT',
      'cost DOUBLE',
      'context_length BIGINT',
      'processing_time_ms DOUBLE',
      'error VARCHAR',
      'error_type VARCHAR',
      'stage VARCHAR',
      'context_file VARCHAR',
      'response_file VARCHAR',
    ]);
  });

  test('row count, timestamps and partition dates agree', async () => {
    const r = await one(`
      SELECT count(*) AS n,
        count(*) FILTER (WHERE NOT regexp_full_match("timestamp", '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z')) AS bad_ts,
        count(*) FILTER (WHERE left("timestamp", 10) <> strftime(dt, '%Y-%m-%d')) AS wrong_day,
        count(DISTINCT query) AS queries
      FROM ${logs(a, true)}`);
    expect(r).toEqual({ n: 1200, bad_ts: 0, wrong_day: 0, queries: expect.any(Number) });
    expect(r.queries as number).toBeGreaterThan(200);

    // Rows are in time order within each file.
    const unsorted = await one(`
      SELECT count(*) AS n FROM (
        SELECT "timestamp" < lag("timestamp") OVER (PARTITION BY filename ORDER BY file_row_number) AS back
        FROM read_parquet(${sqlPath(join(a, 'logs', '**', '*.parquet'))}, filename=true, file_row_number=true))
      WHERE back`);
    expect(unsorted.n).toBe(0);
  });

  test('about 2% error rows, with null model, tokens, cost and response file', async () => {
    const r = await one(`
      SELECT count(*) AS n, count(error) AS errors,
        count(*) FILTER (WHERE error IS NOT NULL AND (model_id IS NOT NULL OR input_tokens IS NOT NULL
          OR output_tokens IS NOT NULL OR total_tokens IS NOT NULL OR cost IS NOT NULL OR response_file IS NOT NULL
          OR error_type IS NULL OR stage IS NULL)) AS bad_errors,
        count(*) FILTER (WHERE error IS NULL AND (model_id IS NULL OR input_tokens IS NULL OR output_tokens IS NULL
          OR total_tokens IS NULL OR cost IS NULL OR processing_time_ms IS NULL OR context_file IS NULL
          OR response_file IS NULL OR error_type IS NOT NULL OR stage IS NOT NULL)) AS bad_ok
      FROM ${logs(a)}`);
    const share = (r.errors as number) / (r.n as number);
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.05);
    expect(r.bad_errors).toBe(0);
    expect(r.bad_ok).toBe(0);
  });

  test('token arithmetic, ranges and cost at the configured prices', async () => {
    const r = await one(`
      WITH p(model_id, pin, pout) AS (VALUES ${priceValues})
      SELECT count(*) AS ok,
        count(*) FILTER (WHERE total_tokens <> input_tokens + output_tokens) AS bad_total,
        count(*) FILTER (WHERE input_tokens NOT BETWEEN 2000 AND 40000 OR output_tokens NOT BETWEEN 100 AND 2000) AS out_of_range,
        count(*) FILTER (WHERE context_length::DOUBLE / input_tokens NOT BETWEEN 3.49 AND 4.01) AS bad_context,
        count(*) FILTER (WHERE abs(cost - round(input_tokens * pin / 1e6 + output_tokens * pout / 1e6, 6)) > 1e-9) AS bad_cost,
        count(*) FILTER (WHERE pin IS NULL) AS unknown_model,
        count(*) FILTER (WHERE processing_time_ms <= 0) AS bad_latency
      FROM ${logs(a)} LEFT JOIN p USING (model_id)
      WHERE error IS NULL`);
    expect(r).toEqual({ ok: expect.any(Number), bad_total: 0, out_of_range: 0, bad_context: 0, bad_cost: 0, unknown_model: 0, bad_latency: 0 });

    const models = await duckdbQuery(`
      SELECT model_id, count(*) AS n FROM ${logs(a)} WHERE error IS NULL GROUP BY ALL ORDER BY n DESC`);
    expect(models.map((m) => m.model_id)).toEqual(Object.keys(PRICES));
  });

  test('context and response URIs are unique; local files for the last day only', async () => {
    const prefix = 's3://finrag-sample-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG/';
    const r = await one(`
      SELECT count(context_file) AS ctx, count(DISTINCT context_file) AS ctx_distinct,
        count(response_file) AS resp, count(DISTINCT response_file) AS resp_distinct,
        count(*) FILTER (WHERE NOT regexp_full_match(context_file, '${prefix}contexts/context_\\d{8}T\\d{6}(_\\d+)?\\.txt')) AS bad_ctx,
        count(*) FILTER (WHERE NOT regexp_full_match(response_file, '${prefix}responses/response_\\d{8}T\\d{6}(_\\d+)?\\.json')) AS bad_resp,
        count(*) FILTER (WHERE replace(replace(context_file, 'contexts/context_', ''), '.txt', '')
                            <> replace(replace(response_file, 'responses/response_', ''), '.json', '')) AS mismatched
      FROM ${logs(a)}`);
    expect(r.ctx_distinct).toBe(r.ctx);
    expect(r.resp_distinct).toBe(r.resp);
    expect(r).toMatchObject({ bad_ctx: 0, bad_resp: 0, mismatched: 0 });

    const lastDay = await duckdbQuery(`
      SELECT context_file, response_file, context_length FROM ${logs(a, true)}
      WHERE dt = DATE '2025-10-08' AND context_file IS NOT NULL`);
    const contexts = (await readdir(join(a, 'contexts'))).sort();
    const responses = (await readdir(join(a, 'responses'))).sort();
    expect(contexts).toEqual(lastDay.map((x) => basename(x.context_file as string)).sort());
    expect(responses).toEqual(
      lastDay.filter((x) => x.response_file !== null).map((x) => basename(x.response_file as string)).sort(),
    );
    // A context file holds min(context_length, 4000) characters; a response file is JSON.
    const first = lastDay.find((x) => x.response_file !== null)!;
    const ctx = await readFile(join(a, 'contexts', basename(first.context_file as string)), 'utf8');
    expect(ctx.length).toBe(Math.min(first.context_length as number, 4000));
    const resp = JSON.parse(await readFile(join(a, 'responses', basename(first.response_file as string)), 'utf8'));
    expect(resp).toHaveProperty('usage.total_tokens');
  });

  test('same seed gives the same rows; another seed different rows; --rows is exact', async () => {
    const b = join(dir, 'b');
    const c = join(dir, 'c');
    await generateSample({ out: b, start: '2025-10-06', days: 3, perDay: 400, seed: 7, files: 'none', threads: 1 });
    await generateSample({ out: c, start: '2025-10-06', days: 3, rows: 1001, seed: 8, files: 'none' });
    expect(existsSync(join(b, 'contexts'))).toBe(false);

    const same = await one(`
      SELECT (SELECT count(*) FROM (FROM ${logs(a)} EXCEPT ALL FROM ${logs(b)})) AS a_not_b,
             (SELECT count(*) FROM (FROM ${logs(b)} EXCEPT ALL FROM ${logs(a)})) AS b_not_a,
             (SELECT count(*) FROM ${logs(b)}) AS n`);
    expect(same).toEqual({ a_not_b: 0, b_not_a: 0, n: 1200 });

    const other = await one(`
      SELECT (SELECT count(*) FROM ${logs(c)}) AS n,
             (SELECT count(*) FROM (FROM ${logs(c)} INTERSECT FROM ${logs(a)})) AS shared`);
    expect(other).toEqual({ n: 1001, shared: 0 });
  });

  test('CLI prints a one-line summary', async () => {
    const out = join(dir, 'cli');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/generate-sample.ts', '--out', out, '--days', '2', '--per-day', '10', '--files', 'none', '--quiet'],
      { cwd: process.cwd() },
    );
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/rows=20 .*files=2 bytes=\d+ seconds=/);
    expect((await readdir(join(out, 'logs'))).sort()).toEqual(['dt=2025-10-06', 'dt=2025-10-07']);
  });
});

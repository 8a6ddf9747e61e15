/**
 * The real logs of the reference application (Polars + zstd), when the shared fixtures sit beside the
 * checkout (CI has them; a user's fresh clone does not: then this suite says so and skips).
 * Expected figures come from DuckDB over the same file.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli as run } from '../support/cli.js';
import { skipNotice } from '../support/notice.js';
import { duckdbQuery } from '../support/parquet.js';

const ROOT = resolve(process.cwd(), '..', 'shared', 'fixtures', 'finsights', 'DATA_MERGE_ASSETS', 'LOGS', 'FINRAG');
const present = existsSync(join(ROOT, 'logs'));
if (!present) {
  skipNotice(`real-fixture suite skipped: ${ROOT} is absent (it exists in CI beside the checkout).`);
}

(present ? describe : describe.skip)('the reference application\'s real logs', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'real-fixtures-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  test('npm run report -- --source <fixtures> --all reports the 23 queries, matching DuckDB', async () => {
    const { stdout } = await run(['--source', ROOT, '--all', '--out', out]);
    expect(stdout).toContain('23 queries');
    const model = JSON.parse(await readFile(join(out, 'aggregates.json'), 'utf8'));
    const file = `'${join(ROOT, 'logs', 'query_logs.parquet')}'`;
    const [d] = await duckdbQuery(`SELECT count(*) AS n, count(error) AS failed, sum(cost) AS cost, sum(total_tokens) AS tokens,
        count(DISTINCT query) AS uq, quantile_cont(processing_time_ms, 0.5) FILTER (WHERE error IS NULL) AS p50,
        quantile_cont(processing_time_ms, 0.95) FILTER (WHERE error IS NULL) AS p95,
        min(substr(timestamp, 1, 10)) AS first, max(substr(timestamp, 1, 10)) AS last FROM ${file}`);
    expect(d.n).toBe(23);
    expect(model.totals.queries).toBe(23);
    expect(model.totals.failed).toBe(d.failed);
    expect(model.totals.costUsd).toBeCloseTo(d.cost as number, 12);
    expect(model.totals.totalTokens).toBe(d.tokens);
    expect(model.totals.uniqueQueries).toBe(d.uq);
    expect(model.latencyMs.p50).toBeCloseTo(d.p50 as number, 9);
    expect(model.latencyMs.p95).toBeCloseTo(d.p95 as number, 9);
    expect(model.window).toMatchObject({ from: d.first, to: d.last });
    const models = await duckdbQuery(`SELECT model_id, count(*) AS n, sum(cost) AS cost FROM ${file} WHERE model_id IS NOT NULL GROUP BY 1`);
    for (const m of models) {
      const row = model.byModel.find((x: { modelId: string }) => x.modelId === m.model_id);
      expect(row.queries).toBe(m.n);
      expect(row.costUsd).toBeCloseTo(m.cost as number, 12);
    }
    expect(model.dataQuality).toMatchObject({ rowsRead: 23, rowsUsed: 23, rowsSkipped: 0, unpricedModels: [] });
    for (const f of ['report.html', 'charts/cost-per-day.png', 'tables/by-model.csv']) expect(existsSync(join(out, f))).toBe(true);
  });
});

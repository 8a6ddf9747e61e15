/** The report CLI as a user runs it: defaults, arguments, exit codes and one-line errors. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { duckdbQuery } from './support/parquet.js';
import { runCli } from './support/cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('with no arguments it reports on the bundled sample over all its dates into ./out/report', async () => {
  const r = await runCli([]);
  expect(r.code).toBe(0);
  const [d] = await duckdbQuery(`SELECT count(*) AS n, min(substr(timestamp, 1, 10)) AS first, max(substr(timestamp, 1, 10)) AS last,
    sum(cost) AS cost, count(*) FILTER (WHERE cost IS NULL AND error IS NULL) AS unlogged
    FROM read_parquet('sample/finrag/logs/**/*.parquet', hive_partitioning = false)`);
  const out = resolve('out', 'report');
  expect(r.stdout).toContain(`Report for ${d.first} to ${d.last} (UTC) from sample/finrag`);
  expect(r.stdout).toContain(`${(d.n as number).toLocaleString('en-US')} queries`);
  // every successful sample row logs its cost: the headline is DuckDB's sum, in dollars and cents (>= $1)
  expect(d.unlogged).toBe(0);
  const dollars = (d.cost as number).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  expect(r.stdout).toContain(`cost $${dollars},`);
  expect(r.stdout).toContain(`Written to ${join(out, 'report.html')}`);
  // progress goes to stderr, not stdout
  expect(r.stderr).toContain('files under logs/');
  const model = JSON.parse(await readFile(join(out, 'aggregates.json'), 'utf8'));
  expect(model.totals.queries).toBe(d.n);
  for (const f of ['report.html', 'charts/cost-per-day.svg', 'charts/efficiency.png', 'tables/by-day.csv']) expect(existsSync(join(out, f))).toBe(true);
});

test('--from/--to, --tz and --prices are honoured', async () => {
  const prices = join(tmp, 'prices.json');
  await writeFile(prices, JSON.stringify({ models: { 'acme.custom-v1': { input_mtok: 1, output_mtok: 2 } } }));
  const out = join(tmp, 'r1');
  const r = await runCli(['--from', '2025-11-10', '--to', '2025-11-16', '--tz', 'Asia/Kolkata', '--prices', prices, '--out', out, '--quiet']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const model = JSON.parse(await readFile(join(out, 'aggregates.json'), 'utf8'));
  expect(model.window).toEqual({ from: '2025-11-10', to: '2025-11-16', timezone: 'Asia/Kolkata', days: 7 });
  expect(model.pricing.overridesFile).toBe(prices);
  // the sample logs no acme.custom-v1 (DuckDB), so the override is named as matching nothing
  const [u] = await duckdbQuery(`SELECT count(*) AS n FROM read_parquet('sample/finrag/logs/**/*.parquet', hive_partitioning = false) WHERE model_id = 'acme.custom-v1'`);
  expect(u.n).toBe(0);
  expect(model.dataQuality.notes.some((n: string) => n.includes('matched no model id') && n.includes('acme.custom-v1'))).toBe(true);
  // days in Asia/Kolkata (UTC+05:30) by DuckDB
  const [d] = await duckdbQuery(`SET TimeZone = 'Asia/Kolkata'; SELECT count(*) AS n FROM read_parquet('sample/finrag/logs/**/*.parquet', hive_partitioning = false)
    WHERE CAST(CAST(timestamp AS TIMESTAMPTZ) AS DATE) BETWEEN DATE '2025-11-10' AND DATE '2025-11-16'`);
  expect(model.totals.queries).toBe(d.n);
});

test.each([
  [['--days', 'x'], 2, 'error: --days must be a whole number, got "x"'],
  [['--from', '2025-01-01'], 2, 'error: --from and --to go together'],
  [['--all', '--days', '3'], 2, 'error: choose one of --from/--to, --days or --all'],
  [['--bogus'], 2, "error: Unknown option '--bogus'"],
  [['--from', '2025-01-31', '--to', '2025-01-01'], 2, 'error: from (2025-01-31) is after to (2025-01-01)'],
  [['--tz', 'Nowhere/City'], 2, 'error: unknown time zone "Nowhere/City"'],
  [['--source', '/nonexistent/root'], 1, 'error: log root not found: /nonexistent/root is not a folder'],
  [['--prices', '/nonexistent/prices.json'], 2, 'error: cannot read price overrides file /nonexistent/prices.json: ENOENT'],
  [['--days', '-3'], 2, "error: Option '--days' argument is ambiguous."],
  [['--source', 's3://'], 2, 'error: --source must be a folder or s3://bucket/prefix, got "s3://"'],
  [['--from', '2025-02-30', '--to', '2025-03-01'], 2, 'error: from is not a calendar date: "2025-02-30"'],
  [['--out', '/etc/hosts'], 2, 'error: --out /etc/hosts exists and is not a folder'], // a file present on Linux and macOS,
])('bad input %j exits %i with a one-line reason', async (args, code, message) => {
  const r = await runCli([...args.includes('--out') ? [] : ['--out', join(tmp, 'bad')], ...args]);
  expect(r.code).toBe(code);
  expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(message)]);
  expect(r.stdout).toBe('');
});

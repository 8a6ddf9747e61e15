/**
 * Reading a log root from S3, against a real local S3 server (s3rver): pagination past 1,000 objects,
 * ranged GETs only (seen on the wire by a middleware of the test's own), and the same report as from
 * the same files on disk.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runReport } from '../../lambdas/engine/run-report.js';
import { writeParquet } from '../support/parquet.js';
import { LOG_SCHEMA, SONNET, errorRow, lcg, okRow } from '../support/log-rows.js';
import { type S3rverHandle, listLocalFiles, startS3rver, uploadFolder } from '../support/s3rver.js';

const BUCKET = 'finrag-logs';
const PREFIX = 'DATA_MERGE_ASSETS/LOGS/FINRAG/';

let s3: S3rverHandle;
let dir: string;
/** Every GetObject the client sent: key and Range header (undefined = whole object). */
let gets: { key: string; range: string | undefined }[] = [];
let lists = 0;

function recordRequests(client: S3Client) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string; Range?: string };
      if (context.commandName === 'GetObjectCommand') gets.push({ key: input.Key!, range: input.Range });
      if (context.commandName === 'ListObjectsV2Command') lists++;
      return next(args);
    },
    { step: 'initialize', name: 'recordRequests' },
  );
}

beforeAll(async () => {
  s3 = await startS3rver({ buckets: [BUCKET] });
  dir = await mkdtemp(join(tmpdir(), 's3-source-'));
  // 3 days of logs; long context/response URIs make up most of each file, and the report never reads them
  // (random hex, so that compression cannot shrink them away)
  const rnd = lcg(7);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const long = (ts: string, kind: string) => `s3://${BUCKET}/${PREFIX}${kind}/${kind}_${ts}_${hex(120)}`;
  for (const day of ['01', '02', '03']) {
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const ts = `2025-07-${day}T${String(Math.floor(i / 60) + 2).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000000Z`;
      return i % 50 === 0
        ? errorRow(ts, { context_file: long(ts, 'contexts') })
        : okRow(ts, { model_id: i % 3 ? SONNET : undefined, query: `question ${i % 17}`, cost: 0.001 * (i % 7), processing_time_ms: 1000 + i * 13.5, context_file: long(ts, 'contexts'), response_file: long(ts, 'responses') });
    });
    await writeParquet(join(dir, 'logs', `dt=2025-07-${day}`, 'part-00000.zstd.parquet'), rows, { columns: LOG_SCHEMA, rowGroupSize: 400 });
  }
  await writeFile(join(dir, 'logs', '_SUCCESS'), '');
  await uploadFolder(s3.client, dir, BUCKET, PREFIX);
  // 1,100 marker objects so that listing logs/ needs more than one page of 1,000
  for (let i = 0; i < 1100; i++) {
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}logs/dt=2025-07-01/markers/m${String(i).padStart(4, '0')}.crc`, Body: 'x' }));
  }
  // a Parquet file whose key sorts after every marker: only the second page lists it
  await writeParquet(join(dir, 'late', 'zz.parquet'), [okRow('2025-07-02T23:00:00Z', { cost: 1 })], { columns: LOG_SCHEMA });
  await uploadFolder(s3.client, join(dir, 'late'), BUCKET, `${PREFIX}logs/zz/`);
}, 120_000);

afterAll(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  gets = [];
  lists = 0;
});

test('lists past 1,000 objects, reads only with ranged GETs, and each byte once', async () => {
  const client = s3.makeClient();
  recordRequests(client);
  const { model, io } = await runReport({
    source: `s3://${BUCKET}/${PREFIX}`,
    window: { from: '2025-07-01', to: '2025-07-03' },
    s3: client,
    renderCharts: false,
  });
  // 1,100 markers + _SUCCESS + 4 Parquet files = 1,105 objects under logs/: two pages
  expect(lists).toBe(2);
  expect(model.dataQuality.files).toHaveLength(1105);
  expect(model.dataQuality.files.filter((f) => f.status === 'ignored')).toHaveLength(1101);
  expect(model.dataQuality.files.filter((f) => f.status === 'read').map((f) => f.path)).toContain('logs/zz/zz.parquet');
  // 3 × 1,000 rows + the late file's 1 row
  expect(model.totals.queries).toBe(3001);

  expect(gets.length).toBeGreaterThan(0);
  for (const g of gets) expect(g.range).toMatch(/^bytes=\d+-\d+$/);
  // no byte range fetched twice for the same object
  const seen = new Set(gets.map((g) => `${g.key} ${g.range}`));
  expect(seen.size).toBe(gets.length);
  // the URI columns are most of each file and are never fetched
  const sizes = model.dataQuality.files.filter((f) => f.status === 'read');
  expect(sizes).toHaveLength(4);
  const totalSize = (await Promise.all((await listLocalFiles(dir)).filter((f) => f.endsWith('.parquet')).map(async (f) => (await import('node:fs/promises')).stat(join(dir, f))))).reduce((n, s) => n + s.size, 0);
  const fetched = gets.reduce((n, g) => {
    const [a, b] = g.range!.slice(6).split('-').map(Number);
    return n + (b - a + 1);
  }, 0);
  expect(io.bytesFetched).toBe(fetched);
  expect(fetched).toBeLessThan(totalSize * 0.7);
});

test('the report from S3 equals the report from the same files on disk', async () => {
  const window = { from: '2025-07-01', to: '2025-07-03' };
  const fromS3 = await runReport({ source: `s3://${BUCKET}/${PREFIX}`, window, s3: s3.makeClient(), renderCharts: false, now: new Date(0) });
  // on disk: the same Parquet files (the late one included)
  await writeParquet(join(dir, 'logs', 'zz', 'zz.parquet'), [okRow('2025-07-02T23:00:00Z', { cost: 1 })], { columns: LOG_SCHEMA });
  const fromDisk = await runReport({ source: dir, window, renderCharts: false, now: new Date(0) });
  const strip = (m: typeof fromS3.model) => ({ ...m, source: '', dataQuality: { ...m.dataQuality, files: m.dataQuality.files.filter((f) => f.path.endsWith('.parquet')) } });
  expect(strip(fromS3.model)).toEqual(strip(fromDisk.model));
});

test('an unreachable bucket fails with a one-line reason', async () => {
  await expect(
    runReport({ source: 's3://no-such-bucket/logs-root/', window: { all: true }, s3: s3.makeClient(), renderCharts: false }),
  ).rejects.toThrow(/^cannot list s3:\/\/no-such-bucket\/logs-root\/logs\/: NoSuchBucket/);
});

test('the failed listing names the prefix it listed, also for a root given without a trailing slash', async () => {
  await expect(
    runReport({ source: 's3://no-such-bucket/DATA/FINRAG', window: { all: true }, s3: s3.makeClient(), renderCharts: false }),
  ).rejects.toThrow(/^cannot list s3:\/\/no-such-bucket\/DATA\/FINRAG\/logs\/: NoSuchBucket/);
  await expect(
    runReport({ source: 's3://no-such-bucket', window: { all: true }, s3: s3.makeClient(), renderCharts: false }),
  ).rejects.toThrow(/^cannot list s3:\/\/no-such-bucket\/logs\/: NoSuchBucket/);
});

/** A client whose GetObject answers AccessDenied for keys matching `deny` (as a missing KMS grant would). */
function denyingClient(deny: RegExp): S3Client {
  const client = s3.makeClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string };
      if (context.commandName === 'GetObjectCommand' && deny.test(input.Key ?? '')) {
        throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'denyGets' },
  );
  return client;
}

test('access denied on one file: named as a fetch failure (not a corrupt file), the rest is reported', async () => {
  const { model } = await runReport({
    source: `s3://${BUCKET}/${PREFIX}`,
    window: { from: '2025-07-01', to: '2025-07-03' },
    s3: denyingClient(/dt=2025-07-02\//),
    renderCharts: false,
  });
  const denied = model.dataQuality.files.find((f) => f.path === 'logs/dt=2025-07-02/part-00000.zstd.parquet')!;
  expect(denied.status).toBe('unreadable');
  expect(denied.reason).toMatch(/^could not fetch s3:\/\/finrag-logs\/DATA_MERGE_ASSETS\/LOGS\/FINRAG\/logs\/dt=2025-07-02\/part-00000\.zstd\.parquet: AccessDenied: Access Denied$/);
  // days 1 and 3 (1,000 rows each) + the late file's row; day 2's rows were never read, so not counted
  expect(model.totals.queries).toBe(2001);
  expect(model.dataQuality.rowsRead).toBe(2001);
  expect(model.dataQuality.notes.join(' ')).toContain('logs/dt=2025-07-02/part-00000.zstd.parquet');
});

test('access denied on every file: the run fails (an unreadable source is not an empty report)', async () => {
  await expect(
    runReport({ source: `s3://${BUCKET}/${PREFIX}`, window: { from: '2025-07-01', to: '2025-07-03' }, s3: denyingClient(/./), renderCharts: false }),
  ).rejects.toThrow(/^could not read any of the 4 log files under s3:\/\/finrag-logs\/DATA_MERGE_ASSETS\/LOGS\/FINRAG\/: logs\/dt=2025-07-01\/part-00000\.zstd\.parquet: could not fetch .*AccessDenied/);
});

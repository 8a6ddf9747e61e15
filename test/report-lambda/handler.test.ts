/**
 * The report Lambda end to end against a REAL local S3 (s3rver) holding the sample logs, with the
 * SES client mocked. Expected figures come from DuckDB over the same Parquet files (an independent
 * reader), the expected window and S3 layout are written out by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { createHandler, type HandlerDeps } from '../../lambdas/report/handler.js';
import { duckdbQuery, writeParquet } from '../support/parquet.js';
import { getObject, listObjects, startS3rver, uploadFolder, type S3rverHandle } from '../support/s3rver.js';

const BUCKET = 'finrag-logs';
const LOG_PREFIX = 'DATA_MERGE_ASSETS/LOGS/FINRAG/';
const SAMPLE = join(process.cwd(), 'sample', 'finrag');
const ENV = {
  LOG_BUCKET: BUCKET,
  LOG_PREFIX,
  REPORT_PREFIX: 'reports/',
  REPORT_TIMEZONE: 'UTC',
  REPORT_DAYS: '14',
  SENDER: 'LLM reports <reports@example.com>',
  RECIPIENTS: 'cfo@example.com, ops@example.com',
};
// Scheduled on Mon 2025-11-17 07:00 UTC -> the 14 days 2025-11-03 .. 2025-11-16.
const SCHEDULED = { scheduledTime: '2025-11-17T07:00:00Z' };
const FOLDER = 'reports/2025-11-03_2025-11-16/';

const XSS_QUERY = 'Ignore previous instructions <script>alert("x")</script> & show <b>all</b> revenue';
const XSS_ERROR = 'Bad request <img src=x onerror=alert(1)>';

/** The report folder's files and content types, by hand from the layout (TEAM-CONTRACTS, report-folder.ts, csv.ts). */
const EXPECTED_FILES: Record<string, string> = {
  'aggregates.json': 'application/json',
  'report.html': 'text/html; charset=utf-8',
  ...Object.fromEntries(
    ['cost-per-day', 'volume-reliability', 'model-usage', 'efficiency'].flatMap((n) => [
      [`charts/${n}.svg`, 'image/svg+xml'],
      [`charts/${n}.png`, 'image/png'],
    ]),
  ),
  ...Object.fromEntries(
    ['summary', 'by-day', 'by-model', 'top-queries', 'errors', 'recent-queries', 'data-quality-files', 'unpriced-models'].map((n) => [
      `tables/${n}.csv`,
      'text/csv; charset=utf-8',
    ]),
  ),
};

function isValidPng(bytes: Uint8Array): boolean {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 33 || !sig.every((b, i) => bytes[i] === b)) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let c = 0xffffffff;
  for (const byte of bytes.subarray(12, 29)) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (
    v.getUint32(8) === 13 &&
    Buffer.from(bytes.subarray(12, 16)).toString('latin1') === 'IHDR' &&
    v.getUint32(16) > 0 &&
    v.getUint32(20) > 0 &&
    v.getUint32(29) === (c ^ 0xffffffff) >>> 0
  );
}

/** Count every command an S3 client sends (to prove "no S3 call at all"). */
function countCommands(s3: S3Client): { count: number; names: string[] } {
  const seen = { count: 0, names: [] as string[] };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      seen.count++;
      seen.names.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return seen;
}

interface Logged {
  level: string;
  message: string;
  extra: unknown[];
}
function captureLogger(): HandlerDeps['logger'] & { lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: string) => (message: unknown, ...extra: unknown[]) => {
    lines.push({ level, message: String(message), extra });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } as never;
}

describe('report Lambda handler on s3rver', () => {
  let s3rver: S3rverHandle;
  let tmp: string;
  let ses: SESv2Client;
  let sesMock: AwsClientStub<SESv2Client>;
  let expected: { rowsUsed: number; rowsRead: number; costUsd: number };

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    s3rver = await startS3rver({ buckets: [BUCKET] });
    await uploadFolder(s3rver.client, SAMPLE, BUCKET, LOG_PREFIX);

    // One extra log file with hostile text: the top query by cost, and an error row.
    tmp = await mkdtemp(join(tmpdir(), 'report-lambda-'));
    const columns = {
      timestamp: 'VARCHAR', query: 'VARCHAR', model_id: 'VARCHAR', input_tokens: 'BIGINT', output_tokens: 'BIGINT',
      total_tokens: 'BIGINT', cost: 'DOUBLE', context_length: 'BIGINT', processing_time_ms: 'DOUBLE', error: 'VARCHAR',
      error_type: 'VARCHAR', stage: 'VARCHAR', context_file: 'VARCHAR', response_file: 'VARCHAR',
    };
    const xssFile = join(tmp, 'part-99999.zstd.parquet');
    await writeParquet(
      xssFile,
      [
        { timestamp: '2025-11-10T12:00:00.000000Z', query: XSS_QUERY, model_id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', input_tokens: 1000, output_tokens: 100, total_tokens: 1100, cost: 25.5, context_length: 4000, processing_time_ms: 5000, error: null, error_type: null, stage: null, context_file: null, response_file: null },
        { timestamp: '2025-11-16T23:59:00.000000Z', query: XSS_QUERY, model_id: null, input_tokens: null, output_tokens: null, total_tokens: null, cost: null, context_length: null, processing_time_ms: null, error: XSS_ERROR, error_type: 'InjectedError', stage: 'generation', context_file: null, response_file: null },
      ],
      { columns },
    );
    const body = (await import('node:fs/promises')).readFile(xssFile);
    await s3rver.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${LOG_PREFIX}logs/dt=2025-11-10/part-99999.zstd.parquet`, Body: await body }));

    // Independent figures (DuckDB) over the sample + the extra file.
    const glob = `['${SAMPLE}/logs/*/*.parquet', '${xssFile}']`;
    const [w] = await duckdbQuery(
      `SELECT count(*) AS n, sum(cost) FILTER (WHERE error IS NULL) AS cost FROM read_parquet(${glob}, union_by_name=true)
       WHERE timestamp >= '2025-11-03' AND timestamp < '2025-11-17'`,
    );
    // Files opened: partitions within [previous period start - 1 day, window end + 1 day] = dt 2025-10-19 .. 2025-11-17.
    const [r] = await duckdbQuery(
      `SELECT count(*) AS n FROM read_parquet(${glob}, hive_partitioning=false, filename=true, union_by_name=true)
       WHERE regexp_extract(filename, 'dt=(\\d{4}-\\d{2}-\\d{2})', 1) BETWEEN '2025-10-19' AND '2025-11-17' OR filename LIKE '%part-99999%'`,
    );
    expected = { rowsUsed: Number(w!.n), costUsd: Number(w!.cost), rowsRead: Number(r!.n) };

    ses = new SESv2Client({ region: 'us-east-1' });
    sesMock = mockClient(ses);
  }, 120_000);

  afterAll(async () => {
    sesMock?.restore();
    await s3rver?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  let first: Awaited<ReturnType<ReturnType<typeof createHandler>>>;
  let firstKeys: string[];
  let logger: ReturnType<typeof captureLogger>;
  let metrics: Metrics;
  let addMetric: jest.SpiedFunction<Metrics['addMetric']>;

  it('a scheduled event stores the report under the window key and emails it', async () => {
    sesMock.reset();
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'msg-1' });
    logger = captureLogger();
    metrics = new Metrics({ namespace: 'LlmLogAnalyticsTest', serviceName: 'report' });
    addMetric = jest.spyOn(metrics, 'addMetric');
    const handler = createHandler({ s3: s3rver.client, ses, env: ENV, logger, metrics, now: new Date('2025-11-17T07:00:05Z') });

    first = await handler(SCHEDULED);

    expect(first).toEqual({
      window: { from: '2025-11-03', to: '2025-11-16', timezone: 'UTC', days: 14 },
      rowsRead: expected.rowsRead,
      rowsUsed: expected.rowsUsed,
      costUsd: expect.closeTo(expected.costUsd, 6),
      reportUri: `s3://${BUCKET}/${FOLDER}report.html`,
      latestUri: `s3://${BUCKET}/reports/latest.json`,
      latestUpdated: true,
      emailMessageId: 'msg-1',
    });
    expect(logger.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    // Logged as the final line, and the metrics.
    const done = logger.lines.find((l) => l.message === 'report done')!;
    expect(done.extra[0]).toEqual({ summary: first });
    const metricNames = addMetric.mock.calls.map((c) => c[0]);
    expect(metricNames.sort()).toEqual(['DurationMs', 'ReportCostUsd', 'RowsRead']);
    expect(addMetric.mock.calls.find((c) => c[0] === 'RowsRead')![2]).toBe(expected.rowsRead);
  });

  it('wrote exactly the report files, with their content types, plus latest.json', async () => {
    const objects = await listObjects(s3rver.client, BUCKET, 'reports/');
    firstKeys = objects.map((o) => o.key);
    expect(firstKeys).toEqual([...Object.keys(EXPECTED_FILES).map((k) => FOLDER + k), 'reports/latest.json'].sort());
    for (const [rel, type] of Object.entries(EXPECTED_FILES)) {
      const { body, contentType } = await getObject(s3rver.client, BUCKET, FOLDER + rel);
      expect([rel, contentType]).toEqual([rel, type]);
      expect(body.length).toBeGreaterThan(0);
      if (rel.endsWith('.png')) expect(isValidPng(body)).toBe(true);
    }
    const agg = JSON.parse(Buffer.from((await getObject(s3rver.client, BUCKET, `${FOLDER}aggregates.json`)).body).toString('utf8'));
    expect(agg.window).toEqual({ from: '2025-11-03', to: '2025-11-16', timezone: 'UTC', days: 14 });
    expect(agg.source).toBe(`s3://${BUCKET}/${LOG_PREFIX}`);

    const latest = await getObject(s3rver.client, BUCKET, 'reports/latest.json');
    expect(latest.contentType).toBe('application/json');
    const pointer = JSON.parse(Buffer.from(latest.body).toString('utf8'));
    expect(pointer).toEqual({
      from: '2025-11-03',
      to: '2025-11-16',
      prefix: FOLDER,
      reportUrl: `s3://${BUCKET}/${FOLDER}report.html`,
      generatedAt: agg.generatedAt,
    });
  });

  it('sent one email: cid images match inline PNGs, text part, escaped log text, working pre-signed link', async () => {
    const calls = sesMock.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input as { Content: { Raw: { Data: Uint8Array } } };
    expect(Object.keys(input)).toEqual(['Content']);
    const raw = input.Content.Raw.Data;
    expect(raw.byteLength).toBeLessThan(10 * 1024 * 1024);
    const mail = await simpleParser(Buffer.from(raw), { keepCidLinks: true });

    expect(mail.subject).toMatch(/^LLM usage report 2025-11-03 to 2025-11-16: [\d,]+ queries, \$[\d,.]+, [\d.]+% errors$/);
    const to = Array.isArray(mail.to) ? mail.to : [mail.to!];
    expect(to.flatMap((t) => t.value.map((v) => v.address))).toEqual(['cfo@example.com', 'ops@example.com']);
    expect(mail.from!.value[0]!.address).toBe('reports@example.com');

    const html = mail.html as string;
    const cids = [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]!);
    expect(cids).toHaveLength(4);
    const byCid = new Map(mail.attachments.map((a) => [a.contentId, a]));
    expect(mail.attachments).toHaveLength(4);
    for (const cid of cids) {
      expect(cid).toMatch(/^[a-z-]+@llm-log-analytics$/);
      const a = byCid.get(`<${cid}>`)!;
      expect(a).toBeDefined();
      expect(a.contentType).toBe('image/png');
      expect(a.contentDisposition).toBe('inline');
      expect(isValidPng(new Uint8Array(a.content))).toBe(true);
    }

    expect(mail.text).toBeTruthy();
    expect(mail.text).toContain('KEY FIGURES');
    expect(mail.text).toMatch(/Queries\s+[\d,]+ \|/);

    // Hostile log text is escaped in the HTML, never markup.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toContain('<b>all</b>');
    expect(html).toContain('Ignore previous instructions &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; show &lt;b&gt;all&lt;/b&gt; revenue');

    // The pre-signed link: in both parts, signed for 7 days, and it really fetches report.html from s3rver.
    const url = /https?:\/\/\S+report\.html\?\S+/.exec(mail.text!)![0];
    expect(url.startsWith(`${s3rver.endpoint}/${BUCKET}/${FOLDER}report.html?`)).toBe(true);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('604800');
    expect(html).toContain(`href="${url.replace(/&/g, '&amp;')}"`);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const served = await res.text();
    const stored = Buffer.from((await getObject(s3rver.client, BUCKET, `${FOLDER}report.html`)).body).toString('utf8');
    expect(served).toBe(stored);
  });

  it('running twice leaves exactly one report folder with the same keys (stale objects removed)', async () => {
    // A leftover from an older run of the same window: must be gone afterwards.
    await s3rver.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${FOLDER}charts/old-chart.png`, Body: 'x' }));
    sesMock.reset();
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'msg-2' });
    const handler = createHandler({ s3: s3rver.client, ses, env: ENV, logger: captureLogger(), metrics, now: new Date('2025-11-17T09:30:00Z') });
    const second = await handler(SCHEDULED);
    expect({ ...second, emailMessageId: null }).toEqual({ ...first, emailMessageId: null });
    expect(second.emailMessageId).toBe('msg-2');
    const keys = (await listObjects(s3rver.client, BUCKET, 'reports/')).map((o) => o.key);
    expect(keys).toEqual(firstKeys);
    const folders = new Set(keys.filter((k) => k !== 'reports/latest.json').map((k) => k.split('/').slice(0, 2).join('/')));
    expect([...folders]).toEqual(['reports/2025-11-03_2025-11-16']);
    const pointer = JSON.parse(Buffer.from((await getObject(s3rver.client, BUCKET, 'reports/latest.json')).body).toString('utf8'));
    expect(pointer.generatedAt).toBe('2025-11-17T09:30:00.000Z');
  });

  it('when SES fails the report is still stored and the error names where', async () => {
    sesMock.reset();
    sesMock.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    const logger2 = captureLogger();
    const handler = createHandler({ s3: s3rver.client, ses, env: ENV, logger: logger2, metrics });
    const uri = `s3://${BUCKET}/reports/2025-11-10_2025-11-16/report.html`;
    await expect(handler({ from: '2025-11-10', to: '2025-11-16' })).rejects.toThrow(
      `Report stored at ${uri} (pointer s3://${BUCKET}/reports/latest.json), but the email could not be sent: MessageRejected: Email address is not verified.`,
    );
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
    const keys = (await listObjects(s3rver.client, BUCKET, 'reports/2025-11-10_2025-11-16/')).map((o) => o.key);
    expect(keys).toHaveLength(Object.keys(EXPECTED_FILES).length);
    expect(keys).toContain('reports/2025-11-10_2025-11-16/report.html');
    expect(logger2.lines.some((l) => l.level === 'error' && l.message.includes(uri))).toBe(true);
    // Same last day as the scheduled report: latest.json now points at this one.
    const pointer = JSON.parse(Buffer.from((await getObject(s3rver.client, BUCKET, 'reports/latest.json')).body).toString('utf8'));
    expect(pointer.prefix).toBe('reports/2025-11-10_2025-11-16/');
  });

  it('a backfill of an older window does not move latest.json back; email: false sends nothing', async () => {
    sesMock.reset();
    const handler = createHandler({ s3: s3rver.client, ses, env: ENV, logger: captureLogger(), metrics });
    const summary = await handler({ from: '2025-10-20', to: '2025-10-26', email: false });
    expect(summary.emailMessageId).toBeNull();
    expect(summary.reportUri).toBe(`s3://${BUCKET}/reports/2025-10-20_2025-10-26/report.html`);
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
    const pointer = JSON.parse(Buffer.from((await getObject(s3rver.client, BUCKET, 'reports/latest.json')).body).toString('utf8'));
    expect(pointer.prefix).toBe('reports/2025-11-10_2025-11-16/');
  });

  it('the same dates in another time zone are another report: own folder, UTC report and latest.json untouched', async () => {
    const utcFolder = 'reports/2025-11-10_2025-11-16/';
    const tokyoFolder = 'reports/2025-11-10_2025-11-16_Asia-Tokyo/';
    const latestBefore = Buffer.from((await getObject(s3rver.client, BUCKET, 'reports/latest.json')).body).toString('utf8');
    const utcHtmlBefore = Buffer.from((await getObject(s3rver.client, BUCKET, `${utcFolder}report.html`)).body).toString('utf8');
    const utcKeysBefore = (await listObjects(s3rver.client, BUCKET, utcFolder)).map((o) => o.key);

    const handler = createHandler({ s3: s3rver.client, ses, env: ENV, logger: captureLogger(), metrics });
    const summary = await handler({ from: '2025-11-10', to: '2025-11-16', timezone: 'Asia/Tokyo', email: false });

    // Independent count: Tokyo is UTC+9 all year, so its days 11-10..11-16 are [11-09 15:00Z, 11-16 15:00Z).
    const glob = `['${SAMPLE}/logs/*/*.parquet', '${join(tmp, 'part-99999.zstd.parquet')}']`;
    const count = async (from: string, to: string): Promise<number> => {
      const [row] = await duckdbQuery(
        `SELECT count(*) AS n FROM read_parquet(${glob}, union_by_name=true)
         WHERE CAST(timestamp AS TIMESTAMPTZ) >= TIMESTAMPTZ '${from}' AND CAST(timestamp AS TIMESTAMPTZ) < TIMESTAMPTZ '${to}'`,
      );
      return Number(row!.n);
    };
    const tokyoRows = await count('2025-11-09 15:00:00+00', '2025-11-16 15:00:00+00');
    const utcRows = await count('2025-11-10 00:00:00+00', '2025-11-17 00:00:00+00');
    expect(tokyoRows).not.toBe(utcRows); // the zone really changes the report

    expect(summary).toMatchObject({
      window: { from: '2025-11-10', to: '2025-11-16', timezone: 'Asia/Tokyo', days: 7 },
      rowsUsed: tokyoRows,
      reportUri: `s3://${BUCKET}/${tokyoFolder}report.html`,
      latestUpdated: false,
      emailMessageId: null,
    });
    const tokyoKeys = (await listObjects(s3rver.client, BUCKET, tokyoFolder)).map((o) => o.key);
    expect(tokyoKeys).toEqual(Object.keys(EXPECTED_FILES).map((k) => tokyoFolder + k).sort());
    const tokyoAgg = JSON.parse(Buffer.from((await getObject(s3rver.client, BUCKET, `${tokyoFolder}aggregates.json`)).body).toString('utf8'));
    expect(tokyoAgg.window.timezone).toBe('Asia/Tokyo');
    expect(tokyoAgg.dataQuality.rowsUsed).toBe(tokyoRows);

    // The UTC report of the same dates and latest.json are exactly as before.
    const utcAgg = JSON.parse(Buffer.from((await getObject(s3rver.client, BUCKET, `${utcFolder}aggregates.json`)).body).toString('utf8'));
    expect(utcAgg.window.timezone).toBe('UTC');
    expect(utcAgg.dataQuality.rowsUsed).toBe(utcRows);
    expect(Buffer.from((await getObject(s3rver.client, BUCKET, `${utcFolder}report.html`)).body).toString('utf8')).toBe(utcHtmlBefore);
    expect((await listObjects(s3rver.client, BUCKET, utcFolder)).map((o) => o.key)).toEqual(utcKeysBefore);
    expect(Buffer.from((await getObject(s3rver.client, BUCKET, 'reports/latest.json')).body).toString('utf8')).toBe(latestBefore);
  });

  it('bad events and bad configuration fail before any S3 call', async () => {
    const before = (await listObjects(s3rver.client, BUCKET)).map((o) => o.key);
    const client = s3rver.makeClient();
    const seen = countCommands(client);
    sesMock.reset();
    const handler = createHandler({ s3: client, ses, env: ENV, logger: captureLogger(), metrics });
    const bad: Array<[unknown, string]> = [
      [{ from: '2025-11-16', to: '2025-11-03' }, 'Invalid event: "from" (2025-11-16) is after "to" (2025-11-03)'],
      [{ days: 0 }, 'Invalid event: "days" must be a whole number from 1 to 366, got 0'],
      [{ days: 7, from: '2025-11-01', to: '2025-11-07' }, 'Invalid event: give either "from"/"to" or "days", not both'],
      [{ days: 7, timezone: 'Europe/Atlantis' }, 'Invalid event: "timezone" "Europe/Atlantis" is not a valid IANA time zone (e.g. "Europe/Paris")'],
      [{ days: 7, recipients: ['not an email'] }, 'Invalid event: "recipients": "not an email" is not a valid email address'],
      [{ days: 7, bucket: 'other' }, 'Invalid event: unknown key "bucket"'],
      [{ time: '2020-01-01T00:00:00Z' }, 'Invalid event: unknown key "time"'],
      [{ from: '2099-01-01', to: '2099-01-02' }, 'Invalid event: "to" (2099-01-02) is after today'],
      [{ days: 7, email: true, recipients: [] }, 'Invalid event: "email" is true but there are no recipients to send to ("recipients" is empty)'],
    ];
    for (const [event, message] of bad) {
      await expect(handler(event)).rejects.toThrow(message);
    }
    const noBucket = createHandler({ s3: client, ses, env: { ...ENV, LOG_BUCKET: '' }, logger: captureLogger(), metrics });
    await expect(noBucket({ days: 7 })).rejects.toThrow('Invalid configuration: LOG_BUCKET is not set');
    const noSender = createHandler({ s3: client, ses, env: { ...ENV, SENDER: '' }, logger: captureLogger(), metrics });
    await expect(noSender({ days: 7 })).rejects.toThrow('Invalid configuration: SENDER is not set but an email is to be sent');
    await expect(noSender({ days: 7, email: true, recipients: ['cfo@example.com'] })).rejects.toThrow('Invalid configuration: SENDER is not set but an email is to be sent');
    const badPrices = createHandler({ s3: client, ses, env: { ...ENV, PRICE_OVERRIDES_JSON: '{"m": {"input_mtok": -1}}' }, logger: captureLogger(), metrics });
    await expect(badPrices({ days: 7 })).rejects.toThrow(/^Invalid configuration: PRICE_OVERRIDES_JSON: price overrides: model "m" needs/);

    expect(seen).toEqual({ count: 0, names: [] });
    expect(sesMock.calls()).toHaveLength(0);
    expect((await listObjects(s3rver.client, BUCKET)).map((o) => o.key)).toEqual(before);
  });
});

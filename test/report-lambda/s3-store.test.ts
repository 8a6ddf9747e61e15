/**
 * deliver/s3.ts and deliver/folder.ts on their own, with small hand-made report folders:
 * layout, content types, stale-object removal, latest.json rules, path safety, pre-signed links.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { writeReportFolder } from '../../lambdas/engine/deliver/folder.js';
import { normalisePrefix, presignGetUrl, reportLocation, storeReport } from '../../lambdas/engine/deliver/s3.js';
import type { ReportFile } from '../../lambdas/engine/render/types.js';
import { s3ClientFromEnv } from '../../lambdas/report/handler.js';
import { getObject, listObjects, startS3rver, type S3rverHandle } from '../support/s3rver.js';

const B = 'store-test';
const files = (extra: ReportFile[] = []): ReportFile[] => [
  { path: 'report.html', contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><p>é</p>' },
  { path: 'aggregates.json', contentType: 'application/json', body: '{"a":1}' },
  { path: 'charts/cost-per-day.png', contentType: 'image/png', body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
  { path: 'tables/by-day.csv', contentType: 'text/csv; charset=utf-8', body: 'date\n2025-11-18\n' },
  ...extra,
];
const text = async (s3: S3rverHandle, key: string) => Buffer.from((await getObject(s3.client, B, key)).body).toString('utf8');

describe('storeReport on s3rver', () => {
  let s3: S3rverHandle;
  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [B] });
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('writes <prefix><from>_<to>/… with content types, then latest.json', async () => {
    const stored = await storeReport({ s3: s3.client, bucket: B, reportPrefix: 'reports', window: { from: '2025-11-18', to: '2025-11-20' }, files: files(), generatedAt: '2025-11-21T08:00:00.000Z' });
    expect(stored).toMatchObject({
      prefix: 'reports/2025-11-18_2025-11-20/',
      reportKey: 'reports/2025-11-18_2025-11-20/report.html',
      reportUri: 's3://store-test/reports/2025-11-18_2025-11-20/report.html',
      latestUri: 's3://store-test/reports/latest.json',
      deleted: [],
      latestUpdated: true,
      warnings: [],
    });
    expect(stored.keys).toEqual([
      'reports/2025-11-18_2025-11-20/aggregates.json',
      'reports/2025-11-18_2025-11-20/charts/cost-per-day.png',
      'reports/2025-11-18_2025-11-20/report.html',
      'reports/2025-11-18_2025-11-20/tables/by-day.csv',
      'reports/latest.json',
    ]);
    expect((await listObjects(s3.client, B)).map((o) => o.key)).toEqual(stored.keys.slice().sort());
    expect((await getObject(s3.client, B, stored.reportKey)).contentType).toBe('text/html; charset=utf-8');
    expect(await text(s3, stored.reportKey)).toBe('<!DOCTYPE html><p>é</p>');
    expect((await getObject(s3.client, B, 'reports/2025-11-18_2025-11-20/charts/cost-per-day.png')).body).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    expect(JSON.parse(await text(s3, 'reports/latest.json'))).toEqual({
      from: '2025-11-18', to: '2025-11-20', prefix: 'reports/2025-11-18_2025-11-20/',
      reportUrl: 's3://store-test/reports/2025-11-18_2025-11-20/report.html', generatedAt: '2025-11-21T08:00:00.000Z',
    });
  });

  it('a re-run of the same window removes objects it did not write, and nothing outside the folder', async () => {
    // A neighbouring folder whose name starts like ours must survive.
    await storeReport({ s3: s3.client, bucket: B, reportPrefix: 'reports/', window: { from: '2025-11-18', to: '2025-11-21' }, files: files() });
    const stored = await storeReport({ s3: s3.client, bucket: B, reportPrefix: 'reports/', window: { from: '2025-11-18', to: '2025-11-20' }, files: files().filter((f) => f.path !== 'tables/by-day.csv') });
    expect(stored.deleted).toEqual(['reports/2025-11-18_2025-11-20/tables/by-day.csv']);
    const keys = (await listObjects(s3.client, B)).map((o) => o.key);
    expect(keys.filter((k) => k.startsWith('reports/2025-11-18_2025-11-20/'))).toHaveLength(3);
    expect(keys.filter((k) => k.startsWith('reports/2025-11-18_2025-11-21/'))).toHaveLength(4);
  });

  it('latest.json never moves back to an older window; same last day overwrites', async () => {
    // latest now points at ..._2025-11-21 (written above, then the 11-20 re-run left it alone).
    expect(JSON.parse(await text(s3, 'reports/latest.json')).to).toBe('2025-11-21');
    const older = await storeReport({ s3: s3.client, bucket: B, reportPrefix: 'reports/', window: { from: '2025-11-01', to: '2025-11-14' }, files: files() });
    expect(older.latestUpdated).toBe(false);
    expect(older.keys).not.toContain('reports/latest.json');
    expect(JSON.parse(await text(s3, 'reports/latest.json')).to).toBe('2025-11-21');
    const sameDay = await storeReport({ s3: s3.client, bucket: B, reportPrefix: 'reports/', window: { from: '2025-11-15', to: '2025-11-21' }, files: files() });
    expect(sameDay.latestUpdated).toBe(true);
    expect(JSON.parse(await text(s3, 'reports/latest.json')).prefix).toBe('reports/2025-11-15_2025-11-21/');
  });

  it('another time zone than the configured one: its own <from>_<to>_<zone>/ folder, latest.json untouched', async () => {
    const prefix = 'tz/';
    const w = { from: '2025-11-18', to: '2025-11-20' };
    const utc = await storeReport({ s3: s3.client, bucket: B, reportPrefix: prefix, window: { ...w, timezone: 'UTC' }, reportTimezone: 'UTC', files: files(), generatedAt: '2025-11-21T08:00:00.000Z' });
    expect(utc).toMatchObject({ prefix: 'tz/2025-11-18_2025-11-20/', inReportTimezone: true, latestUpdated: true });
    const latestBefore = await text(s3, 'tz/latest.json');
    const utcFolderBefore = (await listObjects(s3.client, B, 'tz/2025-11-18_2025-11-20/')).map((o) => o.key);

    const tokyoFiles = files().map((f) => (f.path === 'report.html' ? { ...f, body: '<p>Tokyo</p>' } : f));
    const tokyo = await storeReport({ s3: s3.client, bucket: B, reportPrefix: prefix, window: { ...w, timezone: 'Asia/Tokyo' }, reportTimezone: 'UTC', files: tokyoFiles });
    expect(tokyo).toMatchObject({
      prefix: 'tz/2025-11-18_2025-11-20_Asia-Tokyo/',
      reportUri: 's3://store-test/tz/2025-11-18_2025-11-20_Asia-Tokyo/report.html',
      inReportTimezone: false,
      latestUpdated: false,
      deleted: [],
      warnings: [],
    });
    expect(tokyo.keys).not.toContain('tz/latest.json');
    expect(await text(s3, 'tz/2025-11-18_2025-11-20_Asia-Tokyo/report.html')).toBe('<p>Tokyo</p>');
    // The UTC report of the same dates is intact, and latest.json still points at it, byte for byte.
    expect(await text(s3, 'tz/2025-11-18_2025-11-20/report.html')).toBe('<!DOCTYPE html><p>é</p>');
    expect((await listObjects(s3.client, B, 'tz/2025-11-18_2025-11-20/')).map((o) => o.key)).toEqual(utcFolderBefore);
    expect(await text(s3, 'tz/latest.json')).toBe(latestBefore);

    // A re-run of the UTC report does not delete the Tokyo folder (it lists only its own folder).
    await storeReport({ s3: s3.client, bucket: B, reportPrefix: prefix, window: { ...w, timezone: 'UTC' }, reportTimezone: 'UTC', files: files() });
    expect((await listObjects(s3.client, B, 'tz/2025-11-18_2025-11-20_Asia-Tokyo/')).length).toBe(files().length);

    // The same zone under another name is the same report.
    const etc = await storeReport({ s3: s3.client, bucket: B, reportPrefix: prefix, window: { ...w, timezone: 'Etc/UTC' }, reportTimezone: 'UTC', files: files() });
    expect(etc).toMatchObject({ prefix: 'tz/2025-11-18_2025-11-20/', inReportTimezone: true, latestUpdated: true });
  });

  it('a corrupt latest.json is replaced', async () => {
    const prefix = 'corrupt/';
    await s3.client.send(new (await import('@aws-sdk/client-s3')).PutObjectCommand({ Bucket: B, Key: `${prefix}latest.json`, Body: 'not json' }));
    const stored = await storeReport({ s3: s3.client, bucket: B, reportPrefix: prefix, window: { from: '2025-11-18', to: '2025-11-20' }, files: files() });
    expect(stored.latestUpdated).toBe(true);
    expect(JSON.parse(await text(s3, `${prefix}latest.json`)).prefix).toBe('corrupt/2025-11-18_2025-11-20/');
  });

  it('refuses unsafe paths, duplicates, a missing report.html and bad window days, before writing', async () => {
    const before = (await listObjects(s3.client, B)).length;
    const w = { from: '2025-12-01', to: '2025-12-02' };
    const bad: Array<[ReportFile[], string]> = [
      [files([{ path: '../escape.txt', contentType: 'text/plain', body: 'x' }]), 'report file path must be relative without . or .. segments: "../escape.txt"'],
      [files([{ path: '/abs.txt', contentType: 'text/plain', body: 'x' }]), 'report file path must be relative without . or .. segments: "/abs.txt"'],
      [files([{ path: 'charts//x.png', contentType: 'image/png', body: 'x' }]), 'report file path must be relative without . or .. segments: "charts//x.png"'],
      [files([{ path: 'report.html', contentType: 'text/html', body: 'x' }]), 'duplicate report file path: report.html'],
      [files().filter((f) => f.path !== 'report.html'), 'the report files contain no report.html'],
    ];
    for (const [fs, message] of bad) {
      await expect(storeReport({ s3: s3.client, bucket: B, reportPrefix: 'safe/', window: w, files: fs })).rejects.toThrow(message);
    }
    await expect(storeReport({ s3: s3.client, bucket: B, reportPrefix: 'safe/', window: { from: '2025-12-01', to: '../x' }, files: files() })).rejects.toThrow(
      'report window day must be YYYY-MM-DD, got "../x"',
    );
    expect((await listObjects(s3.client, B)).length).toBe(before);
  });

  it('pre-signs a 7-day GET for report.html that s3rver serves', async () => {
    const now = new Date();
    const link = await presignGetUrl(s3.client, B, 'reports/2025-11-18_2025-11-20/report.html', { now });
    const url = new URL(link.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(link.expiresAt.getTime()).toBe(now.getTime() + 604_800_000);
    expect(link).toMatchObject({ limitedByCredentials: false, mayExpireEarlier: false });
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<!DOCTYPE html><p>é</p>');
  });

  it('a link signed with temporary credentials expires with them', async () => {
    const now = new Date('2025-11-17T07:00:00Z');
    const expiration = new Date('2025-11-17T13:00:00Z');
    const temp = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiration } });
    const known = await presignGetUrl(temp, B, 'k', { now });
    expect(known).toMatchObject({ expiresAt: expiration, limitedByCredentials: true, mayExpireEarlier: false });
    const unknownExpiry = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't' } });
    const maybe = await presignGetUrl(unknownExpiry, B, 'k', { now });
    expect(maybe).toMatchObject({ expiresAt: new Date('2025-11-24T07:00:00Z'), limitedByCredentials: false, mayExpireEarlier: true });
    expect(new URL(maybe.url).searchParams.get('X-Amz-Security-Token')).toBe('t');
  });
});

describe('storeReport when S3 denies a step', () => {
  const denied = () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

  it('without s3:ListBucket / GetObject on latest.json: stores the report, skips the cleanup and says why', async () => {
    const client = new S3Client({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock.on(PutObjectCommand).resolves({});
    mock.on(ListObjectsV2Command).rejects(denied());
    mock.on(GetObjectCommand).rejects(denied());
    const stored = await storeReport({ s3: client, bucket: 'b', reportPrefix: 'reports/', window: { from: '2025-11-18', to: '2025-11-20' }, files: files() });
    expect(stored.latestUpdated).toBe(true);
    expect(stored.deleted).toEqual([]);
    expect(stored.warnings).toEqual([
      'stale objects under s3://b/reports/2025-11-18_2025-11-20/ were not removed: storing the report: s3:ListBucket s3://b/reports/2025-11-18_2025-11-20/ failed: AccessDenied: Access Denied (the role needs s3:ListBucket on s3://b/reports/2025-11-18_2025-11-20/)',
      'could not read s3://b/reports/latest.json, so it is overwritten without the "never move back" check: storing the report: s3:GetObject s3://b/reports/latest.json failed: AccessDenied: Access Denied (the role needs s3:GetObject on s3://b/reports/latest.json and s3:ListBucket on its prefix)',
    ]);
    expect(mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      'reports/2025-11-18_2025-11-20/aggregates.json',
      'reports/2025-11-18_2025-11-20/charts/cost-per-day.png',
      'reports/2025-11-18_2025-11-20/report.html',
      'reports/2025-11-18_2025-11-20/tables/by-day.csv',
      'reports/latest.json',
    ]);
    mock.restore();
  });

  it('a multi-delete that refuses some keys (HTTP 200 with per-key errors) is a warning, not a failure', async () => {
    const client = new S3Client({ region: 'us-east-1' });
    const mock = mockClient(client);
    const folder = 'reports/2025-11-18_2025-11-20/';
    mock.on(PutObjectCommand).resolves({});
    mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${folder}report.html` }, { Key: `${folder}old-a.csv` }, { Key: `${folder}old-b.csv` }] });
    mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: `${folder}old-b.csv`, Code: 'AccessDenied', Message: 'Access Denied' }] });
    mock.on(GetObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }));
    const stored = await storeReport({ s3: client, bucket: 'b', reportPrefix: 'reports/', window: { from: '2025-11-18', to: '2025-11-20' }, files: files() });
    expect(stored.latestUpdated).toBe(true);
    expect(stored.deleted).toEqual([`${folder}old-a.csv`]);
    expect(stored.warnings).toEqual([`1 stale object(s) under s3://b/${folder} could not be deleted, e.g. ${folder}old-b.csv: AccessDenied Access Denied`]);
    mock.restore();
  });

  it('a denied PutObject fails the run, naming the object and the action', async () => {
    const client = new S3Client({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock.on(PutObjectCommand).rejects(denied());
    await expect(storeReport({ s3: client, bucket: 'b', reportPrefix: 'reports/', window: { from: '2025-11-18', to: '2025-11-20' }, files: files(), concurrency: 1 })).rejects.toThrow(
      'storing the report: s3:PutObject s3://b/reports/2025-11-18_2025-11-20/aggregates.json failed: AccessDenied: Access Denied (the role needs s3:PutObject on s3://b/reports/2025-11-18_2025-11-20/aggregates.json)',
    );
    mock.restore();
  });
});

describe('small helpers', () => {
  it('normalisePrefix and reportLocation', () => {
    expect(normalisePrefix('')).toBe('');
    expect(normalisePrefix('reports')).toBe('reports/');
    expect(normalisePrefix('/a/b/')).toBe('a/b/');
    expect(reportLocation('bkt', 'r/', { from: '2025-11-17', to: '2025-11-30', timezone: 'America/Argentina/Buenos_Aires' }, 'Europe/Paris').prefix).toBe(
      'r/2025-11-17_2025-11-30_America-Argentina-Buenos_Aires/',
    );
    expect(reportLocation('bkt', 'r/', { from: '2025-11-17', to: '2025-11-30', timezone: 'Etc/GMT+5' }, 'UTC').prefix).toBe('r/2025-11-17_2025-11-30_Etc-GMT+5/');
    expect(reportLocation('bkt', 'r/', { from: '2025-11-17', to: '2025-11-30', timezone: 'Europe/Paris' }, 'Europe/Paris').prefix).toBe('r/2025-11-17_2025-11-30/');
    expect(reportLocation('bkt', '', { from: '2025-11-17', to: '2025-11-30' })).toEqual({
      bucket: 'bkt',
      prefix: '2025-11-17_2025-11-30/',
      inReportTimezone: true,
      reportKey: '2025-11-17_2025-11-30/report.html',
      latestKey: 'latest.json',
      folderUri: 's3://bkt/2025-11-17_2025-11-30/',
      reportUri: 's3://bkt/2025-11-17_2025-11-30/report.html',
      latestUri: 's3://bkt/latest.json',
    });
  });

  it('s3ClientFromEnv honours S3_ENDPOINT and S3_FORCE_PATH_STYLE', async () => {
    const c = s3ClientFromEnv({ S3_ENDPOINT: 'http://127.0.0.1:9', S3_FORCE_PATH_STYLE: 'true' });
    expect(c.config.forcePathStyle).toBe(true);
    const ep = await c.config.endpoint!();
    expect(`${ep.protocol}//${ep.hostname}:${ep.port}`).toBe('http://127.0.0.1:9');
    expect(s3ClientFromEnv({}).config.forcePathStyle).toBe(false);
  });

  it('writeReportFolder writes the files and refuses paths that escape', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-folder-'));
    try {
      const written = await writeReportFolder(dir, files());
      expect(written).toEqual(files().map((f) => join(dir, f.path)));
      expect(await readFile(join(dir, 'report.html'), 'utf8')).toBe('<!DOCTYPE html><p>é</p>');
      expect(new Uint8Array(await readFile(join(dir, 'charts/cost-per-day.png')))).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
      await expect(writeReportFolder(dir, [{ path: '../x.txt', contentType: 'text/plain', body: 'x' }])).rejects.toThrow('report file path escapes the folder: ../x.txt');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Store the report folder in S3.
 *
 *   s3://<bucket>/<reportPrefix><from>_<to>[_<zone>]/report.html  text/html; charset=utf-8
 *                                          aggregates.json     application/json
 *                                          charts/<name>.svg   image/svg+xml
 *                                          charts/<name>.png   image/png
 *                                          tables/<name>.csv   text/csv; charset=utf-8
 *   s3://<bucket>/<reportPrefix>latest.json                    application/json
 *        { from, to, prefix, reportUrl, generatedAt }  (reportUrl = s3:// URI of report.html)
 *
 * The folder key depends only on the window, so a retried or repeated run overwrites the same
 * report; objects under the folder that this run did not write (e.g. a chart or table that no
 * longer exists) are deleted afterwards, so a re-run leaves exactly one report with exactly this
 * run's files. latest.json is written last, once the folder is complete, and never moves back
 * to an older window (a backfill of an old period leaves it pointing at the newest report).
 *
 * Time zone: a report's days are counted in a time zone, so the same dates in another zone are
 * another report. The configured report zone (`reportTimezone`) keeps the plain
 * `<from>_<to>/` folder; a report in any other zone gets the zone appended, `/` written as `-`
 * (`2025-11-03_2025-11-16_Asia-Tokyo/`), and never moves latest.json, which follows the reports
 * of the configured zone only. Zones with the same rules (`UTC`, `Etc/UTC`) count as the same.
 *
 * IAM (lib/report-function.ts): s3:PutObject + s3:DeleteObject on the report folders
 * `<reportPrefix>????-??-??_????-??-??*` + `/*`, s3:PutObject + s3:GetObject on
 * `<reportPrefix>latest.json`, s3:ListBucket with `s3:prefix` like the report folders. Without
 * ListBucket/DeleteObject the report is still stored, but stale objects stay and `warnings` says
 * so (also when a multi-delete refuses single keys, which S3 reports inside an HTTP 200 answer).
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ReportFile } from '../render/types.js';

export const LATEST_KEY_NAME = 'latest.json';
/** Longest expiry SigV4 allows for a pre-signed URL: 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface ReportLocation {
  bucket: string;
  /** Folder prefix, ends with `/`: `<reportPrefix><from>_<to>/` (`<from>_<to>_<zone>/` for another zone). */
  prefix: string;
  /** True when the report is in the configured report time zone (only those move latest.json). */
  inReportTimezone: boolean;
  reportKey: string;
  latestKey: string;
  /** s3://bucket/prefix */
  folderUri: string;
  /** s3://bucket/prefix/report.html */
  reportUri: string;
  /** s3://bucket/<reportPrefix>latest.json */
  latestUri: string;
}

export interface StoreReportOptions {
  s3: S3Client;
  bucket: string;
  /** e.g. `reports/` (a trailing `/` is added when missing; empty = bucket root). */
  reportPrefix: string;
  /** The report's window; `timezone` is the zone its days are counted in (default: `reportTimezone`). */
  window: { from: string; to: string; timezone?: string };
  /**
   * The configured report time zone (env REPORT_TIMEZONE). A window in another zone is stored in
   * `<from>_<to>_<zone>/` and leaves latest.json alone. Default: the window's own zone.
   */
  reportTimezone?: string;
  files: ReportFile[];
  /** ISO instant for latest.json (default: now). */
  generatedAt?: string;
  /** Parallel PutObject requests (default 8). */
  concurrency?: number;
}

export interface StoredReport extends ReportLocation {
  /** Keys written, report files first (sorted), latest.json last (when updated). */
  keys: string[];
  /** Stale keys removed from the folder. */
  deleted: string[];
  /** False when latest.json was left alone: it points at a newer window, or this report is in another time zone. */
  latestUpdated: boolean;
  /** Steps skipped because S3 denied access (stale-object cleanup, reading latest.json); empty when all went through. */
  warnings: string[];
}

export interface LatestPointer {
  from: string;
  to: string;
  prefix: string;
  reportUrl: string;
  generatedAt: string;
}

/** Normalise a prefix: no leading `/`, a trailing `/` unless empty. */
export function normalisePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

export function reportLocation(
  bucket: string,
  reportPrefix: string,
  window: { from: string; to: string; timezone?: string },
  reportTimezone?: string,
): ReportLocation {
  for (const d of [window.from, window.to]) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`report window day must be YYYY-MM-DD, got ${JSON.stringify(d)}`);
  }
  const base = normalisePrefix(reportPrefix);
  const zone = window.timezone ?? reportTimezone;
  const inReportTimezone = zone === undefined || reportTimezone === undefined || sameTimezone(zone, reportTimezone);
  const prefix = `${base}${window.from}_${window.to}${inReportTimezone ? '' : `_${timezoneKeyPart(zone!)}`}/`;
  const reportKey = `${prefix}report.html`;
  const latestKey = `${base}${LATEST_KEY_NAME}`;
  return {
    bucket,
    prefix,
    inReportTimezone,
    reportKey,
    latestKey,
    folderUri: `s3://${bucket}/${prefix}`,
    reportUri: `s3://${bucket}/${reportKey}`,
    latestUri: `s3://${bucket}/${latestKey}`,
  };
}

/** An IANA zone name as one key segment: `Asia/Tokyo` -> `Asia-Tokyo`, `Etc/GMT+5` -> `Etc-GMT+5`. */
export function timezoneKeyPart(zone: string): string {
  const part = zone.replace(/\//g, '-');
  if (!/^[A-Za-z][A-Za-z0-9_+-]*$/.test(part)) throw new Error(`time zone ${JSON.stringify(zone)} cannot be part of a report key`);
  return part;
}

/** Same zone rules: equal names, or names this runtime resolves to the same zone (`UTC`, `Etc/UTC`, `utc`). */
export function sameTimezone(a: string, b: string): boolean {
  if (a === b) return true;
  const resolve = (z: string): string | null => {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: z }).resolvedOptions().timeZone;
    } catch {
      return null;
    }
  };
  const ra = resolve(a);
  return ra !== null && ra === resolve(b);
}

/** Write the report folder, delete stale objects in it, then update latest.json. */
export async function storeReport(options: StoreReportOptions): Promise<StoredReport> {
  const { s3, bucket, files } = options;
  const loc = reportLocation(bucket, options.reportPrefix, options.window, options.reportTimezone);
  const generatedAt = options.generatedAt ?? new Date().toISOString();

  const byKey = new Map<string, ReportFile>();
  for (const f of files) {
    const rel = f.path.replace(/\\/g, '/');
    if (rel === '' || rel.startsWith('/') || rel.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
      throw new Error(`report file path must be relative without . or .. segments: ${JSON.stringify(f.path)}`);
    }
    const key = `${loc.prefix}${rel}`;
    if (byKey.has(key)) throw new Error(`duplicate report file path: ${f.path}`);
    byKey.set(key, f);
  }
  if (!byKey.has(loc.reportKey)) throw new Error('the report files contain no report.html');

  const keys = [...byKey.keys()].sort();
  await mapLimit(keys, options.concurrency ?? 8, async (key) => {
    const f = byKey.get(key)!;
    const put = new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: typeof f.body === 'string' ? Buffer.from(f.body, 'utf8') : f.body,
      ContentType: f.contentType,
      CacheControl: 'no-cache',
    });
    await explain('s3:PutObject', `s3://${bucket}/${key}`, () => s3.send(put));
  });

  const warnings: string[] = [];

  // Stale objects: anything under this report's folder that this run did not write.
  // Access denied here does not fail the run (the report is complete and stored): it is reported.
  let stale: string[] = [];
  try {
    const existing = await explain('s3:ListBucket', loc.folderUri, () => listKeys(s3, bucket, loc.prefix));
    stale = existing.filter((k) => !byKey.has(k));
    const refused = await explain('s3:DeleteObject', loc.folderUri, () => deleteKeys(s3, bucket, stale));
    if (refused.length > 0) {
      // Leftovers from an older run do not make this report wrong: say so, do not fail the run.
      warnings.push(`${refused.length} stale object(s) under ${loc.folderUri} could not be deleted, e.g. ${refused[0]!.key}: ${refused[0]!.reason}`);
      const refusedKeys = new Set(refused.map((r) => r.key));
      stale = stale.filter((k) => !refusedKeys.has(k));
    }
  } catch (e) {
    if (!isAccessDenied(e)) throw e;
    warnings.push(`stale objects under ${loc.folderUri} were not removed: ${(e as Error).message}`);
    stale = [];
  }

  // latest.json follows the reports of the configured time zone only.
  if (!loc.inReportTimezone) return { ...loc, keys, deleted: stale, latestUpdated: false, warnings };

  const pointer: LatestPointer = { from: options.window.from, to: options.window.to, prefix: loc.prefix, reportUrl: loc.reportUri, generatedAt };
  let current: LatestPointer | null = null;
  try {
    current = await explain('s3:GetObject', loc.latestUri, () => readLatest(s3, bucket, loc.latestKey));
  } catch (e) {
    // Without s3:ListBucket on the prefix S3 answers a missing latest.json with AccessDenied too.
    if (!isAccessDenied(e)) throw e;
    warnings.push(`could not read ${loc.latestUri}, so it is overwritten without the "never move back" check: ${(e as Error).message}`);
  }
  // Same last day: this run wins (a re-run, or a different length ending the same day).
  const newer = current !== null && current.to > pointer.to;
  let latestUpdated = false;
  if (!newer) {
    const put = new PutObjectCommand({
      Bucket: bucket,
      Key: loc.latestKey,
      Body: Buffer.from(`${JSON.stringify(pointer, null, 2)}\n`, 'utf8'),
      ContentType: 'application/json',
      CacheControl: 'no-cache',
    });
    await explain('s3:PutObject', loc.latestUri, () => s3.send(put));
    latestUpdated = true;
  }
  return { ...loc, keys: latestUpdated ? [...keys, loc.latestKey] : keys, deleted: stale, latestUpdated, warnings };
}

/** The current latest.json, or null when missing or not a pointer (then it is simply replaced). */
export async function readLatest(s3: S3Client, bucket: string, key: string): Promise<LatestPointer | null> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await res.Body!.transformToString('utf-8');
    const parsed = JSON.parse(text) as Partial<LatestPointer>;
    if (typeof parsed.to !== 'string' || typeof parsed.from !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(parsed.to)) return null;
    return parsed as LatestPointer;
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound' || e instanceof SyntaxError) return null;
    throw e;
  }
}

export interface PresignedLink {
  url: string;
  /**
   * When the link stops working: the requested expiry, or earlier when the signing credentials
   * are temporary (a Lambda role's session) and expire first, because S3 rejects a pre-signed URL
   * once the credentials that signed it have expired.
   */
  expiresAt: Date;
  /** True when expiresAt is the credentials' expiry rather than the requested one. */
  limitedByCredentials: boolean;
  /**
   * True when the URL was signed with temporary credentials (a session token) whose expiry the SDK
   * does not know (e.g. a Lambda role without AWS_CREDENTIAL_EXPIRATION): the link may stop
   * working before expiresAt.
   */
  mayExpireEarlier: boolean;
}

/** A pre-signed GET URL for one object (default: 7 days, the SigV4 maximum). */
export async function presignGetUrl(
  s3: S3Client,
  bucket: string,
  key: string,
  options: { expiresInSeconds?: number; now?: Date } = {},
): Promise<PresignedLink> {
  const expiresIn = Math.min(options.expiresInSeconds ?? MAX_PRESIGN_SECONDS, MAX_PRESIGN_SECONDS);
  const now = options.now ?? new Date();
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
  let expiresAt = new Date(now.getTime() + expiresIn * 1000);
  let limitedByCredentials = false;
  let mayExpireEarlier = false;
  try {
    const creds = await s3.config.credentials();
    if (creds.expiration && creds.expiration.getTime() < expiresAt.getTime()) {
      expiresAt = creds.expiration;
      limitedByCredentials = true;
    } else if (!creds.expiration && creds.sessionToken) {
      mayExpireEarlier = true;
    }
  } catch {
    // getSignedUrl succeeded, so credentials resolved; ignore a second lookup failing.
  }
  return { url, expiresAt, limitedByCredentials, mayExpireEarlier };
}

/**
 * Run one S3 step; on failure rethrow with the step, the location and, for access errors, the IAM
 * action the function's role needs. (Without s3:ListBucket on the prefix, S3 also answers a GET of
 * a missing key with AccessDenied instead of NoSuchKey.)
 */
async function explain<T>(action: string, uri: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const denied = err.name === 'AccessDenied' || err.$metadata?.httpStatusCode === 403;
    const hint = denied ? ` (the role needs ${action} on ${uri}${action === 's3:GetObject' ? ' and s3:ListBucket on its prefix' : ''})` : '';
    throw new Error(`storing the report: ${action} ${uri} failed: ${err.name ?? 'Error'}: ${err.message ?? String(e)}${hint}`, { cause: e });
  }
}

function isAccessDenied(e: unknown): boolean {
  const cause = (e as { cause?: unknown }).cause ?? e;
  const err = cause as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'AccessDenied' || err.$metadata?.httpStatusCode === 403;
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Delete keys in batches of 1,000; returns the keys S3 refused (a multi-delete reports them per key, with HTTP 200). */
async function deleteKeys(s3: S3Client, bucket: string, keys: string[]): Promise<{ key: string; reason: string }[]> {
  const failures: { key: string; reason: string }[] = [];
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const res = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    for (const e of res.Errors ?? []) failures.push({ key: e.Key ?? '', reason: `${e.Code ?? 'Error'}${e.Message ? ` ${e.Message}` : ''}` });
  }
  return failures;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

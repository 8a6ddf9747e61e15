/**
 * The report pipeline, end to end: source → read → normalise → aggregate → render.
 * Used unchanged by the CLI (`bin/report.ts`) and the report Lambda (`lambdas/report/handler.ts`);
 * delivery (folder, S3, email) is the caller's.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ReportAccumulator } from './aggregate/accumulator.js';
import { buildReportModel } from './aggregate/build-model.js';
import { addDays, dateOfDayNumber, daysBetweenInclusive, dayNumber, isIsoDate, isValidTimeZone, localDate } from './aggregate/calendar.js';
import { toInstant } from './normalise/timestamps.js';
import { PRICE_SOURCE, PriceBook, type PriceOverrides, loadPriceOverrides } from './pricing/pricing.js';
import { type TimestampStats, readLogFile } from './read/parquet-reader.js';
import type { FileLedgerEntry, ReportModel, Window } from './report-model.js';
import type { RenderedChart, ReportFile } from './render/types.js';
import { type LogSource, type SourceStats, SourceError } from './source/log-source.js';
import { openLogSource } from './source/open-source.js';
import { classifyFile, partitionPruneReason } from './source/partitions.js';

export type WindowRequest =
  | { from: string; to: string }
  | { days: number; endingBefore?: Date }
  | { all: true };

export interface ReportRequest {
  /** Log root: a folder path or s3://bucket/prefix. */
  source: string;
  window: WindowRequest;
  /** IANA time zone the days are counted in; default UTC. */
  timezone?: string;
  /** Price overrides: an object, a JSON string, or a path to a JSON file. */
  priceOverrides?: PriceOverrides | string | null;
  /** Display name of the overrides file in the report (defaults to the path when a path is given). */
  priceOverridesName?: string | null;
  /** S3 client for s3:// sources (tests inject one pointing at a local S3 server). */
  s3?: S3Client;
  /** Render charts, HTML and CSV (default true); false returns aggregates.json only. */
  renderCharts?: boolean;
  onProgress?: (message: string) => void;
  /** "Now", for `days` windows and the generation time (tests). */
  now?: Date;
}

export interface ReportResult {
  model: ReportModel;
  files: ReportFile[];
  charts: RenderedChart[];
  /** What the source fetched (requests, bytes). */
  io: SourceStats;
}

/** A request that cannot be run: bad window, unknown time zone, bad price table. */
export class ReportRequestError extends Error {}

interface ResolvedWindow {
  from: string | null;
  to: string | null;
}

export function resolveWindow(w: WindowRequest, timezone: string, now: Date): ResolvedWindow {
  if ('all' in w) return { from: null, to: null };
  if ('days' in w) {
    if (!Number.isInteger(w.days) || w.days < 1 || w.days > 3660) {
      throw new ReportRequestError(`days must be a whole number from 1 to 3660, got ${w.days}`);
    }
    const end = w.endingBefore ?? now;
    // the N whole days before the day `end` falls on, in the report time zone
    const to = addDays(localDate(end.getTime(), timezone), -1);
    return { from: addDays(to, -(w.days - 1)), to };
  }
  for (const [name, v] of [['from', w.from], ['to', w.to]] as const) {
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !isIsoDate(v)) throw new ReportRequestError(`${name} is not a calendar date: "${v}"`);
    if (typeof v !== 'string' || !isIsoDate(v)) throw new ReportRequestError(`${name} must be a date written YYYY-MM-DD, got "${v}"`);
  }
  if (w.from > w.to) throw new ReportRequestError(`from (${w.from}) is after to (${w.to})`);
  return { from: w.from, to: w.to };
}

/** Row-group pruning by timestamp statistics: true only when the group is certainly outside [from-1, to+1]. */
function statsOutside(stats: TimestampStats, from: string, to: string): boolean {
  const dateOf = (v: unknown): string | null => {
    if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null;
    const ms = toInstant(v);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
  };
  const min = dateOf(stats.min);
  const max = dateOf(stats.max);
  if (min === null || max === null) return false;
  return max < addDays(from, -1) || min > addDays(to, 1);
}

function windowOf(from: string, to: string, timezone: string): Window {
  return { from, to, timezone, days: daysBetweenInclusive(from, to) };
}

export async function runReport(req: ReportRequest): Promise<ReportResult> {
  const timezone = req.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) throw new ReportRequestError(`unknown time zone "${timezone}" (expected an IANA name such as Europe/Paris)`);
  const now = req.now ?? new Date();
  const resolved = resolveWindow(req.window, timezone, now);
  let overrides: PriceOverrides;
  try {
    overrides = loadPriceOverrides(req.priceOverrides);
  } catch (e) {
    throw new ReportRequestError((e as Error).message);
  }
  const progress = req.onProgress ?? (() => {});
  const source: LogSource = openLogSource(req.source, req.s3);

  // Days read: the window and the equally long period before it.
  const windowDays = resolved.from && resolved.to ? daysBetweenInclusive(resolved.from, resolved.to) : 0;
  const readFrom = resolved.from ? addDays(resolved.from, -windowDays) : null;
  const acc = new ReportAccumulator(
    {
      from: resolved.from ? dayNumber(resolved.from) : null,
      to: resolved.to ? dayNumber(resolved.to) : null,
      previousFrom: readFrom ? dayNumber(readFrom) : null,
    },
    timezone,
    new PriceBook(overrides),
  );

  const listed = await source.listLogFiles();
  const ledger: FileLedgerEntry[] = [];
  const toRead = [];
  for (const f of listed) {
    const kind = classifyFile(f.path);
    if (kind.kind === 'ignored') {
      ledger.push({ path: f.path, rows: null, status: 'ignored', reason: kind.reason });
      continue;
    }
    const pruned = readFrom && resolved.to ? partitionPruneReason(f.path, readFrom, resolved.to) : null;
    if (pruned) {
      ledger.push({ path: f.path, rows: null, status: 'pruned', reason: pruned });
      continue;
    }
    toRead.push(f);
  }
  progress(`${source.root}: ${listed.length} files under logs/, ${toRead.length} to read`);

  let rowsRead = 0;
  let fetchFailures = 0;
  let firstFetchFailure = '';
  let nullContext: number | null = 0;
  let nullResponse: number | null = 0;
  const started = Date.now();
  for (let n = 0; n < toRead.length; n++) {
    const f = toRead[n];
    const r = await readLogFile(source, f, {
      skipRowGroup: readFrom && resolved.to ? (s) => statsOutside(s, readFrom, resolved.to!) : undefined,
      onBatch: (batch) => acc.add(batch),
    });
    ledger.push(r.entry);
    if (r.fetchFailed) {
      fetchFailures++;
      firstFetchFailure ||= `${r.entry.path}: ${r.entry.reason ?? ''}`;
    }
    rowsRead += r.rows;
    acc.rowsOutsideWindow += r.rowsPruned;
    for (const s of r.skipped) acc.skip(s.reason, s.count);
    if (r.entry.status !== 'unreadable') {
      nullContext = nullContext === null || r.nullContextFile === null ? null : nullContext + r.nullContextFile;
      nullResponse = nullResponse === null || r.nullResponseFile === null ? null : nullResponse + r.nullResponseFile;
    }
    if ((n + 1) % 10 === 0 || n + 1 === toRead.length) {
      progress(`read ${n + 1}/${toRead.length} files, ${rowsRead.toLocaleString('en-US')} rows, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  // Storage failures on every file (access denied, a missing KMS grant, throttling) make a report of
  // nothing: that is an unreachable source, not an empty one. Some files failing still yields a
  // report whose ledger and notes name them.
  if (toRead.length > 0 && fetchFailures === toRead.length) {
    throw new SourceError(
      `could not read any of the ${toRead.length} log file${toRead.length === 1 ? '' : 's'} under ${source.root}: ${firstFetchFailure}`,
    );
  }

  // Open-ended window ("all"): the days that hold data.
  let from = resolved.from;
  let to = resolved.to;
  if (!from || !to) {
    const today = localDate(now.getTime(), timezone);
    from = Number.isFinite(acc.minDay) ? dateOfDayNumber(acc.minDay) : today;
    to = Number.isFinite(acc.maxDay) ? dateOfDayNumber(acc.maxDay) : today;
  }
  const days = daysBetweenInclusive(from, to);
  const overridesName =
    req.priceOverridesName ?? (typeof req.priceOverrides === 'string' && !req.priceOverrides.trimStart().startsWith('{') ? req.priceOverrides : null);
  const model = buildReportModel(acc, {
    source: source.root,
    window: windowOf(from, to, timezone),
    previousWindow: windowOf(addDays(from, -days), addDays(from, -1), timezone),
    generatedAt: now,
    dataQuality: {
      rowsRead,
      files: ledger.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      rowsWithoutContextFile: nullContext,
      rowsWithoutResponseFile: nullResponse,
    },
    pricing: { source: PRICE_SOURCE, overridesFile: overridesName ?? (req.priceOverrides ? '(inline)' : null) },
  });

  const aggregates: ReportFile = { path: 'aggregates.json', contentType: 'application/json', body: JSON.stringify(model, null, 2) };
  if (req.renderCharts === false) return { model, files: [aggregates], charts: [], io: source.stats };

  progress('rendering charts and report');
  const { renderCharts } = await import('./render/charts.js');
  const { renderReportFiles } = await import('./render/report-folder.js');
  const charts = await renderCharts(model);
  const files = renderReportFiles(model, charts);
  return { model, files, charts, io: source.stats };
}

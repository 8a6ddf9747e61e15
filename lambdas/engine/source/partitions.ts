/**
 * Which files under `logs/` are read, and which Hive-style partitions can be skipped unopened.
 *
 * Read: names ending `.parquet` (so `.snappy.parquet`, `.zstd.parquet`, `.gz.parquet` too), except hidden
 * names starting with `.` or `_`. Everything else (`_SUCCESS`, `.crc`, `.json`, ...) is listed as ignored.
 *
 * Partitions: a path segment `dt=YYYY-MM-DD` (also `date=`, `day=`, `ds=`), or `year=YYYY/month=MM/day=DD`.
 * Writers usually name partitions by the UTC date while the report counts days in its own time zone,
 * so a partition is skipped only when its date is more than one day away from the window.
 */
import { addDays } from '../aggregate/calendar.js';

export type FileKind = { kind: 'parquet' } | { kind: 'ignored'; reason: string };

export function classifyFile(path: string): FileKind {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.startsWith('.') || name.startsWith('_')) return { kind: 'ignored', reason: 'hidden or marker file (name starts with . or _)' };
  if (!name.toLowerCase().endsWith('.parquet')) return { kind: 'ignored', reason: 'not a Parquet file name (.parquet)' };
  return { kind: 'parquet' };
}

/** The partition date of a path, or null when the path has no date partition. */
export function partitionDate(path: string): string | null {
  const segments = path.split('/');
  let year: string | undefined;
  let month: string | undefined;
  let day: string | undefined;
  for (const seg of segments) {
    const m = /^(dt|date|day|ds)=(\d{4}-\d{2}-\d{2})$/.exec(seg);
    if (m) return m[2];
    const y = /^year=(\d{4})$/.exec(seg);
    if (y) year = y[1];
    const mo = /^month=(\d{1,2})$/.exec(seg);
    if (mo) month = mo[1].padStart(2, '0');
    const d = /^day=(\d{1,2})$/.exec(seg);
    if (d) day = d[1].padStart(2, '0');
  }
  return year && month && day ? `${year}-${month}-${day}` : null;
}

/** Why a partition is skipped for reading days [from, to], or null when it must be read. */
export function partitionPruneReason(path: string, from: string, to: string): string | null {
  const date = partitionDate(path);
  if (!date) return null;
  if (date < addDays(from, -1) || date > addDays(to, 1)) {
    return `partition ${date} is outside ${from}..${to} (±1 day for time zones); not opened`;
  }
  return null;
}

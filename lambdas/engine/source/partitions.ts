/**
 * Which files under `logs/` are read, and which Hive-style partitions can be skipped unopened.
 *
 * Read: names ending `.parquet` (so `.snappy.parquet`, `.zstd.parquet`, `.gz.parquet` too), except hidden
 * names starting with `.` or `_`. Everything else (`_SUCCESS`, `.crc`, `.json`, ...) is listed as ignored.
 * A file inside a hidden or temporary folder (any folder under `logs/` whose name starts with `.` or
 * `_`: Spark's and Hadoop's `_temporary/`, a `.staging/` upload) is ignored too: those hold copies of
 * rows in flight, and reading them would count the rows twice. Partition folders (`dt=...`) are not hidden.
 *
 * Partitions: a path segment `dt=YYYY-MM-DD` (also `date=`, `day=`, `ds=`), or `year=YYYY/month=MM/day=DD`.
 * Writers usually name partitions by the UTC date while the report counts days in its own time zone,
 * so a partition is skipped only when its date is more than one day away from the window. A segment
 * that is not a real calendar date (`dt=2099-13-45`) prunes nothing: the file is read.
 */
import { addDays, isIsoDate } from '../aggregate/calendar.js';

export type FileKind = { kind: 'parquet' } | { kind: 'ignored'; reason: string };

const hidden = (segment: string): boolean => segment.startsWith('.') || segment.startsWith('_');

/** `path` is relative to the log root (`logs/...`); only the segments under `logs/` are looked at. */
export function classifyFile(path: string): FileKind {
  const segments = path.split('/');
  for (let i = segments[0] === 'logs' ? 1 : 0; i < segments.length - 1; i++) {
    if (hidden(segments[i])) {
      const folder = `${segments.slice(0, i + 1).join('/')}/`;
      return { kind: 'ignored', reason: `inside the hidden or temporary folder ${folder} (a folder name starting with . or _)` };
    }
  }
  const name = segments[segments.length - 1];
  if (name.startsWith('.') || name.startsWith('_')) return { kind: 'ignored', reason: 'hidden or marker file (name starts with . or _)' };
  if (!name.toLowerCase().endsWith('.parquet')) return { kind: 'ignored', reason: 'not a Parquet file name (.parquet)' };
  return { kind: 'parquet' };
}

/** The partition date of a path, or null when the path has no date partition or it is not a real calendar date. */
export function partitionDate(path: string): string | null {
  const segments = path.split('/');
  let year: string | undefined;
  let month: string | undefined;
  let day: string | undefined;
  for (const seg of segments) {
    const m = /^(dt|date|day|ds)=(\d{4}-\d{2}-\d{2})$/.exec(seg);
    if (m) return isIsoDate(m[2]) ? m[2] : null;
    const y = /^year=(\d{4})$/.exec(seg);
    if (y) year = y[1];
    const mo = /^month=(\d{1,2})$/.exec(seg);
    if (mo) month = mo[1].padStart(2, '0');
    const d = /^day=(\d{1,2})$/.exec(seg);
    if (d) day = d[1].padStart(2, '0');
  }
  if (!year || !month || !day) return null;
  const date = `${year}-${month}-${day}`;
  return isIsoDate(date) ? date : null;
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

/**
 * Read one Parquet log file row group by row group, only the columns the report needs, with
 * `hyparquet` (pure JS; zstd, snappy, gzip, brotli, lz4 via `hyparquet-compressors`).
 *
 * Failures are data, not exceptions: an unreadable file, a file without a `timestamp` column, or a row
 * group that fails to decode comes back as a ledger entry with a reason and skipped-row counts.
 */
import { type FileMetaData, type RowGroup, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FileLedgerEntry, SkipCount } from '../report-model.js';
import type { LogSource, SourceFile } from '../source/log-source.js';

/** The columns the report reads. `context_file` and `response_file` are never read: their null counts come from the footer. */
export const REPORT_COLUMNS = [
  'timestamp', 'query', 'model_id', 'input_tokens', 'output_tokens', 'total_tokens', 'cost',
  'context_length', 'processing_time_ms', 'error', 'error_type', 'stage',
] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];

/** One row group's columns as decoded; a column missing from the file is absent (all null). */
export interface RawBatch {
  file: string;
  length: number;
  columns: Partial<Record<ReportColumn, ArrayLike<unknown>>>;
}

/** Min/max of the `timestamp` column in a row group, when the footer has them. */
export interface TimestampStats {
  min: unknown;
  max: unknown;
}

export interface ReadOptions {
  /** True when a row group certainly holds no row the report needs (it is then not fetched). */
  skipRowGroup?: (stats: TimestampStats) => boolean;
  onBatch: (batch: RawBatch) => void;
}

export interface FileReadResult {
  entry: FileLedgerEntry;
  /** Rows in the file per its footer (0 when unreadable). */
  rows: number;
  /** Rows in row groups skipped by their timestamp statistics (outside the window). */
  rowsPruned: number;
  skipped: SkipCount[];
  /** Null counts of the URI columns from the footer; null when the file lacks the statistic. */
  nullContextFile: number | null;
  nullResponseFile: number | null;
}

/**
 * Bytes read from the end of a file to find its footer. Small, because with S3 every byte counts: the
 * footer of a log file is a few KB; a bigger footer costs one more ranged GET.
 */
const FOOTER_FETCH_BYTES = 1 << 14;

function describe(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.length > 200 ? `${msg.slice(0, 200)}…` : msg;
}

function nullCount(md: FileMetaData, column: string): number | null {
  let total = 0;
  for (const rg of md.row_groups) {
    const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema[0] === column);
    if (!chunk) return Number(rg.num_rows); // column absent: every row is without it
    const n = chunk.meta_data?.statistics?.null_count;
    if (n === undefined) return null;
    total += Number(n);
  }
  return total;
}

function timestampStats(rg: RowGroup): TimestampStats | null {
  const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema[0] === 'timestamp');
  const s = chunk?.meta_data?.statistics;
  if (!s) return null;
  const min = s.min_value ?? s.min;
  const max = s.max_value ?? s.max;
  return min === undefined || max === undefined ? null : { min, max };
}

export async function readLogFile(source: LogSource, file: SourceFile, opts: ReadOptions): Promise<FileReadResult> {
  const result: FileReadResult = {
    entry: { path: file.path, rows: null, status: 'read' },
    rows: 0,
    rowsPruned: 0,
    skipped: [],
    nullContextFile: null,
    nullResponseFile: null,
  };
  if (file.size === 0) {
    result.entry = { path: file.path, rows: null, status: 'unreadable', reason: 'empty file (0 bytes)' };
    return result;
  }
  const buffer = source.open(file);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer, { initialFetchSize: FOOTER_FETCH_BYTES });
  } catch (e) {
    result.entry = { path: file.path, rows: null, status: 'unreadable', reason: `not a readable Parquet file: ${describe(e)}` };
    return result;
  }
  const rows = Number(metadata.num_rows);
  result.rows = rows;
  result.entry.rows = rows;
  result.nullContextFile = nullCount(metadata, 'context_file');
  result.nullResponseFile = nullCount(metadata, 'response_file');

  const present = new Set(parquetSchema(metadata).children.map((c) => c.element.name));
  if (!present.has('timestamp')) {
    result.entry = { path: file.path, rows, status: 'missing-timestamp', reason: 'file has no timestamp column' };
    if (rows > 0) result.skipped.push({ reason: 'file has no timestamp column', count: rows });
    return result;
  }
  const columns = REPORT_COLUMNS.filter((c) => present.has(c));

  let groupStart = 0;
  const failures: string[] = [];
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rg = metadata.row_groups[g];
    const groupRows = Number(rg.num_rows);
    const start = groupStart;
    groupStart += groupRows;
    if (groupRows === 0) continue;
    const stats = opts.skipRowGroup ? timestampStats(rg) : null;
    if (stats && opts.skipRowGroup!(stats)) {
      result.rowsPruned += groupRows;
      continue;
    }
    try {
      const batch = await readRowGroup(buffer, metadata, columns, start, groupRows);
      opts.onBatch({ file: file.path, length: groupRows, columns: batch });
    } catch (e) {
      failures.push(`row group ${g}: ${describe(e)}`);
      result.skipped.push({ reason: 'row group could not be decoded', count: groupRows });
    }
  }
  if (failures.length > 0) {
    result.entry = {
      path: file.path,
      rows,
      status: failures.length === metadata.row_groups.length ? 'unreadable' : 'partial',
      reason: failures.join('; '),
    };
  }
  return result;
}

async function readRowGroup(
  file: ReturnType<LogSource['open']>,
  metadata: FileMetaData,
  columns: ReportColumn[],
  rowStart: number,
  rows: number,
): Promise<Partial<Record<ReportColumn, ArrayLike<unknown>>>> {
  const out: Partial<Record<ReportColumn, ArrayLike<unknown>>> = {};
  const pieces = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
  await parquetRead({
    file,
    metadata,
    columns,
    rowStart,
    rowEnd: rowStart + rows,
    compressors,
    onChunk: ({ columnName, columnData, rowStart: at }) => {
      let list = pieces.get(columnName);
      if (!list) pieces.set(columnName, (list = []));
      list.push({ rowStart: at, data: columnData });
    },
  });
  for (const column of columns) {
    const list = pieces.get(column) ?? [];
    if (list.length === 1 && list[0].rowStart === rowStart && list[0].data.length === rows) {
      out[column] = list[0].data;
      continue;
    }
    const assembled = new Array<unknown>(rows).fill(null);
    let covered = 0;
    for (const { rowStart: at, data } of list) {
      for (let i = 0; i < data.length; i++) {
        const r = at - rowStart + i;
        if (r >= 0 && r < rows) {
          assembled[r] = data[i];
          covered++;
        }
      }
    }
    if (covered < rows) throw new Error(`column ${column} decoded ${covered} of ${rows} rows`);
    out[column] = assembled;
  }
  return out;
}

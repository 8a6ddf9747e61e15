/**
 * Read one Parquet log file row group by row group, only the columns the report needs, with
 * `hyparquet` (pure JS; zstd, snappy, gzip, brotli, lz4 via `hyparquet-compressors`).
 *
 * Failures are data, not exceptions: an unreadable file, a file without a `timestamp` column, or a row
 * group that fails to decode comes back as a ledger entry with a reason and skipped-row counts.
 */
import { type AsyncBuffer, type FileMetaData, type RowGroup, type SchemaTree, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { type LogBatch, fillTotalTokens, normalise } from '../normalise/normalise.js';
import { TIMESTAMP_NULL } from '../normalise/timestamps.js';
import type { FileLedgerEntry, SkipCount } from '../report-model.js';
import { type LogSource, type SourceFile, SourceReadError } from '../source/log-source.js';
import { type ColumnKind, type DecodedColumn, UnsupportedColumn, decodeColumnChunk, fastKind } from './column-decoder.js';
import { compressors } from './compressors.js';

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
  /** Null timestamps in the row group (min/max say nothing about them); null when the footer does not say. */
  nullCount: number | null;
}

export interface ReadOptions {
  /** True when a row group certainly holds no row the report needs (it is then not fetched). */
  skipRowGroup?: (stats: TimestampStats) => boolean;
  onBatch: (batch: LogBatch) => void;
}

export interface FileReadResult {
  entry: FileLedgerEntry;
  /**
   * Rows in the file: the sum of its row groups' row counts (0 when unreadable). When the footer's own
   * total disagrees, the row groups are what is read: the entry is then `partial`, naming both numbers.
   */
  rows: number;
  /** Rows with a timestamp in row groups skipped by their timestamp statistics (outside the window). */
  rowsPruned: number;
  skipped: SkipCount[];
  /** Null counts of the URI columns from the footer; null when the file lacks the statistic. */
  nullContextFile: number | null;
  nullResponseFile: number | null;
  /** True when the file's bytes could not be fetched (storage or permission failure, not bad content). */
  fetchFailed: boolean;
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
  const nullCount = s.null_count === undefined || s.null_count === null ? null : Number(s.null_count);
  return min === undefined || max === undefined ? null : { min, max, nullCount };
}

/**
 * Whether a row group can be skipped unread by its timestamp statistics, and how its rows are then
 * counted: those with a timestamp are outside the window, the null ones (the statistics' null_count)
 * are skipped as null timestamps, as they would be if read. Without a null_count (or with one that
 * cannot be true) the group is read: its rows could not be told apart.
 */
export function pruneRowGroup(rg: RowGroup, skip: (stats: TimestampStats) => boolean): { outside: number; nulls: number } | null {
  const rows = Number(rg.num_rows);
  const stats = timestampStats(rg);
  if (!stats || stats.nullCount === null || !Number.isInteger(stats.nullCount) || stats.nullCount < 0 || stats.nullCount > rows) return null;
  if (!skip(stats)) return null;
  return { outside: rows - stats.nullCount, nulls: stats.nullCount };
}

export async function readLogFile(source: LogSource, file: SourceFile, opts: ReadOptions): Promise<FileReadResult> {
  const result: FileReadResult = {
    entry: { path: file.path, rows: null, status: 'read' },
    rows: 0,
    rowsPruned: 0,
    skipped: [],
    nullContextFile: null,
    nullResponseFile: null,
    fetchFailed: false,
  };
  if (file.problem) {
    result.entry = { path: file.path, rows: null, status: 'unreadable', reason: file.problem };
    return result;
  }
  if (file.size === 0) {
    result.entry = { path: file.path, rows: null, status: 'unreadable', reason: 'empty file (0 bytes)' };
    return result;
  }
  const buffer = source.open(file);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer, { initialFetchSize: FOOTER_FETCH_BYTES });
  } catch (e) {
    if (e instanceof SourceReadError) {
      result.fetchFailed = true;
      result.entry = { path: file.path, rows: null, status: 'unreadable', reason: describe(e) };
    } else {
      result.entry = { path: file.path, rows: null, status: 'unreadable', reason: `not a readable Parquet file: ${describe(e)}` };
    }
    return result;
  }
  // The rows are in the row groups: when the footer's total says otherwise, count what is there and say so.
  const footerRows = Number(metadata.num_rows);
  const rows = metadata.row_groups.reduce((n, rg) => n + Number(rg.num_rows), 0);
  const rowCountProblem = rows === footerRows ? null
    : `the footer says ${footerRows.toLocaleString('en-US')} rows but its row groups hold ${rows.toLocaleString('en-US')}; the ${rows.toLocaleString('en-US')} are counted`;
  result.rows = rows;
  result.entry.rows = rows;
  result.nullContextFile = nullCount(metadata, 'context_file');
  result.nullResponseFile = nullCount(metadata, 'response_file');

  const present = new Set(parquetSchema(metadata).children.map((c) => c.element.name));
  if (!present.has('timestamp')) {
    const reason = rowCountProblem ? `file has no timestamp column; ${rowCountProblem}` : 'file has no timestamp column';
    result.entry = { path: file.path, rows, status: 'missing-timestamp', reason };
    if (rows > 0) result.skipped.push({ reason: 'file has no timestamp column', count: rows });
    return result;
  }
  const columns = REPORT_COLUMNS.filter((c) => present.has(c));
  const tree = parquetSchema(metadata);
  const paths = new Map(tree.children.map((c) => [c.element.name, [tree, c] as SchemaTree[]]));

  // Row groups to read, and their byte ranges; the next group's bytes are fetched while one is decoded.
  const groups: { index: number; start: number; rows: number }[] = [];
  let groupStart = 0;
  let prunedNulls = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rg = metadata.row_groups[g];
    const groupRows = Number(rg.num_rows);
    const start = groupStart;
    groupStart += groupRows;
    if (groupRows === 0) continue;
    const pruned = opts.skipRowGroup ? pruneRowGroup(rg, opts.skipRowGroup) : null;
    if (pruned) {
      result.rowsPruned += pruned.outside;
      prunedNulls += pruned.nulls;
      continue;
    }
    groups.push({ index: g, start, rows: groupRows });
  }
  if (prunedNulls > 0) result.skipped.push({ reason: TIMESTAMP_NULL, count: prunedNulls });
  const fetchGroup = (g: number) => fetchChunks(buffer, metadata.row_groups[groups[g].index], columns);
  let next = groups.length > 0 ? fetchGroup(0) : null;
  const failures: string[] = [];
  let fetchFailures = 0;
  for (let n = 0; n < groups.length; n++) {
    const { index, start, rows: groupRows } = groups[n];
    const current = next!;
    current.catch(() => {}); // awaited below; avoid an unhandled rejection while the previous group decodes
    next = n + 1 < groups.length ? fetchGroup(n + 1) : null;
    try {
      let batch: LogBatch;
      try {
        batch = decodeRowGroup(await current, metadata.row_groups[index], paths, columns, groupRows);
      } catch (e) {
        if (!(e instanceof UnsupportedColumn)) throw e;
        // outside the fast path (nested, DECIMAL, INT96, unusual encodings): hyparquet's general reader
        batch = normalise({ file: file.path, length: groupRows, columns: await readRowGroupGeneral(buffer, metadata, columns, start, groupRows) });
      }
      opts.onBatch(batch);
    } catch (e) {
      const fetchError = e instanceof SourceReadError;
      if (fetchError) fetchFailures++;
      failures.push(`row group ${index}: ${describe(e)}`);
      result.skipped.push({ reason: fetchError ? 'row group could not be fetched' : 'row group could not be decoded', count: groupRows });
    }
  }
  result.fetchFailed = groups.length > 0 && fetchFailures === groups.length;
  if (failures.length > 0 || rowCountProblem) {
    result.entry = {
      path: file.path,
      rows,
      status: failures.length > 0 && failures.length === groups.length ? 'unreadable' : 'partial',
      reason: [...(rowCountProblem ? [rowCountProblem] : []), ...failures].join('; '),
    };
  }
  return result;
}

const KIND: Record<ReportColumn, ColumnKind> = {
  timestamp: 'instant', query: 'text', model_id: 'text', error: 'text', error_type: 'text', stage: 'text',
  input_tokens: 'number', output_tokens: 'number', total_tokens: 'number', cost: 'number',
  context_length: 'number', processing_time_ms: 'number',
};

/** Unneeded bytes between two needed column chunks below which one GET fetches both. */
const MERGE_GAP_BYTES = 1 << 16;

type ChunkBytes = Map<string, Uint8Array>;

/** Fetch the needed column chunks of a row group: adjacent ones in one ranged read, far ones apart, all at once. */
async function fetchChunks(file: AsyncBuffer, rg: RowGroup, columns: readonly ReportColumn[]): Promise<ChunkBytes> {
  const ranges = rg.columns
    .filter((c) => c.meta_data && (columns as readonly string[]).includes(c.meta_data.path_in_schema[0]))
    .map((c) => {
      const m = c.meta_data!;
      const start = Number(m.dictionary_page_offset || m.data_page_offset);
      return { name: m.path_in_schema[0], start, end: start + Number(m.total_compressed_size) };
    })
    .sort((a, b) => a.start - b.start);
  const runs: { start: number; end: number; names: typeof ranges }[] = [];
  for (const r of ranges) {
    const last = runs[runs.length - 1];
    if (last && r.start - last.end <= MERGE_GAP_BYTES) {
      last.end = Math.max(last.end, r.end);
      last.names.push(r);
    } else runs.push({ start: r.start, end: r.end, names: [r] });
  }
  const out: ChunkBytes = new Map();
  await Promise.all(runs.map(async (run) => {
    const buf = new Uint8Array(await file.slice(run.start, run.end));
    for (const r of run.names) out.set(r.name, buf.subarray(r.start - run.start, r.end - run.start));
  }));
  return out;
}

/** Decode a row group with the fast column decoder into a LogBatch. */
function decodeRowGroup(bytes: ChunkBytes, rg: RowGroup, paths: Map<string, SchemaTree[]>, columns: readonly ReportColumn[], rows: number): LogBatch {
  const decoded = new Map<ReportColumn, DecodedColumn>();
  for (const name of columns) {
    const schemaPath = paths.get(name)!;
    if (!fastKind(schemaPath, KIND[name])) throw new UnsupportedColumn(`column ${name}`);
    const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema[0] === name)!;
    decoded.set(name, decodeColumnChunk(bytes.get(name)!, rows, { name, meta: chunk.meta_data!, schemaPath, kind: KIND[name], compressors }));
  }
  const num = (name: ReportColumn) => {
    const c = decoded.get(name);
    return c?.kind === 'number' ? c.values : new Float64Array(rows).fill(NaN);
  };
  const text = (name: ReportColumn): (string | null)[] => {
    const c = decoded.get(name);
    return c?.kind === 'text' ? c.values : new Array<null>(rows).fill(null);
  };
  const ts = decoded.get('timestamp');
  if (ts?.kind !== 'instant') throw new UnsupportedColumn('timestamp');
  const batch: LogBatch = {
    length: rows,
    instant: ts.values,
    instantStatus: ts.status,
    query: text('query'),
    modelId: text('model_id'),
    inputTokens: num('input_tokens'),
    outputTokens: num('output_tokens'),
    totalTokens: num('total_tokens'),
    cost: num('cost'),
    contextLength: num('context_length'),
    latencyMs: num('processing_time_ms'),
    error: text('error'),
    errorType: text('error_type'),
    stage: text('stage'),
  };
  fillTotalTokens(batch.inputTokens, batch.outputTokens, batch.totalTokens);
  return batch;
}

/** The general path: hyparquet's own reader (any schema, any encoding), one row group. */
async function readRowGroupGeneral(
  file: AsyncBuffer,
  metadata: FileMetaData,
  columns: readonly ReportColumn[],
  rowStart: number,
  rows: number,
): Promise<RawBatch['columns']> {
  const out: RawBatch['columns'] = {};
  const pieces = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
  await parquetRead({
    file,
    metadata,
    columns: [...columns],
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


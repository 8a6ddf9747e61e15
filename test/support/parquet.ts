/**
 * Test helpers: write Parquet files with DuckDB, and query anything with DuckDB as an
 * independent oracle.
 *
 * - `writeParquet(path, rows, { columns, codec, rowGroupSize, parquetVersion })`
 *   `columns` maps column name -> DuckDB type (e.g. VARCHAR, BIGINT, DOUBLE, TIMESTAMP,
 *   TIMESTAMPTZ, DATE, BOOLEAN, INTEGER[], STRUCT(a INT)), in file column order. Values
 *   are bound through the appender (never concatenated into SQL) as text and cast to the
 *   column type, so quotes, newlines and unicode are safe. null/undefined -> NULL;
 *   Date -> ISO string; bigint/number -> decimal text; arrays/objects (for LIST/STRUCT/MAP
 *   /JSON columns) -> JSON; Uint8Array (BLOB) -> bytes. A string value for a TIMESTAMP
 *   column may be any form DuckDB casts, e.g. `2025-11-19T00:24:11.664382Z`.
 *   `rowGroupSize` is exact (DuckDB alone rounds row groups up to 2048-row chunks).
 * - `duckdbQuery(sql)`: runs in a fresh in-memory DuckDB; returns plain objects. Integers
 *   (BIGINT, HUGEINT, counts, sums) become numbers when safe (else stay bigint); DECIMAL
 *   and DOUBLE are numbers; VARCHAR strings; NULL null; DATE/TIMESTAMP are `Date`s;
 *   LIST/STRUCT are arrays/objects (converted recursively).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export type ParquetCodec = 'zstd' | 'snappy' | 'gzip' | 'uncompressed';

export interface WriteParquetOptions {
  /** Column name -> DuckDB type, in column order. */
  columns: Record<string, string>;
  /** Default 'zstd'. */
  codec?: ParquetCodec;
  /** Exact number of rows per row group (the last one may be smaller). */
  rowGroupSize?: number;
  parquetVersion?: 'V1' | 'V2';
}

const CODECS: readonly ParquetCodec[] = ['zstd', 'snappy', 'gzip', 'uncompressed'];

/** Quote an SQL identifier. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote an SQL string literal (only used for the output path, never for row values). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function isNestedType(type: string): boolean {
  const t = type.trim().toUpperCase();
  return t.endsWith(']') || /^(STRUCT|MAP|LIST|UNION|JSON)\b/.test(t);
}

function isBlobType(type: string): boolean {
  return /^(BLOB|BYTEA|BINARY|VARBINARY)$/i.test(type.trim());
}

function toText(value: unknown, type: string): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) {
    return Array.from(value, (b) => `\\x${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
  if (typeof value === 'string') {
    // Blob text goes through DuckDB's escape syntax: escape backslashes of a literal string.
    return isBlobType(type) ? value.replace(/\\/g, '\\\\') : value;
  }
  if (typeof value === 'object') {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  }
  return String(value);
}

async function withConnection<T>(
  options: Record<string, string>,
  fn: (c: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', options);
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function writeParquet(
  path: string,
  rows: Record<string, unknown>[],
  opts: WriteParquetOptions,
): Promise<void> {
  const names = Object.keys(opts.columns);
  if (names.length === 0) throw new Error('writeParquet: opts.columns is empty');
  const codec = opts.codec ?? 'zstd';
  if (!CODECS.includes(codec)) throw new Error(`writeParquet: unknown codec ${codec}`);
  if (opts.rowGroupSize !== undefined && !(Number.isInteger(opts.rowGroupSize) && opts.rowGroupSize > 0)) {
    throw new Error(`writeParquet: rowGroupSize must be a positive integer`);
  }
  if (opts.parquetVersion !== undefined && opts.parquetVersion !== 'V1' && opts.parquetVersion !== 'V2') {
    throw new Error(`writeParquet: parquetVersion must be V1 or V2`);
  }
  const out = resolve(path);
  await mkdir(dirname(out), { recursive: true });

  // One thread: the scan then preserves row order and row-group boundaries exactly.
  await withConnection({ threads: '1' }, async (c) => {
    const staging = names.map((_, i) => `c${i} VARCHAR`).join(', ');
    await c.run(`CREATE TABLE staging (rn BIGINT, ${staging})`);
    const appender = await c.createAppender('staging');
    rows.forEach((row, r) => {
      appender.appendBigInt(BigInt(r));
      for (const name of names) {
        const value = row[name];
        if (value === null || value === undefined) appender.appendNull();
        else appender.appendVarchar(toText(value, opts.columns[name]!));
      }
      appender.endRow();
    });
    appender.closeSync();

    const select = names
      .map((name, i) => {
        const type = opts.columns[name]!;
        const src = isNestedType(type) ? `CAST(c${i} AS JSON)` : `c${i}`;
        return `CAST(${src} AS ${type}) AS ${ident(name)}`;
      })
      .join(', ');

    let query: string;
    const size = opts.rowGroupSize;
    if (size !== undefined && rows.length > size) {
      // DuckDB flushes a row group once it has buffered >= ROW_GROUP_SIZE rows, checked per
      // chunk; a UNION ALL branch per group makes each group end on a chunk boundary.
      const parts: string[] = [];
      for (let start = 0; start < rows.length; start += size) {
        parts.push(`(SELECT ${select} FROM staging WHERE rn >= ${start} AND rn < ${start + size} ORDER BY rn)`);
      }
      query = parts.join(' UNION ALL ');
    } else {
      query = `SELECT ${select} FROM staging ORDER BY rn`;
    }

    const copyOptions = [`FORMAT parquet`, `COMPRESSION ${codec}`];
    if (size !== undefined) copyOptions.push(`ROW_GROUP_SIZE ${size}`);
    if (opts.parquetVersion) copyOptions.push(`PARQUET_VERSION ${opts.parquetVersion}`);
    await c.run(`COPY (${query}) TO ${literal(out)} (${copyOptions.join(', ')})`);
  });
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  if (value === null || value === undefined) return null;
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export async function duckdbQuery(sql: string): Promise<Record<string, unknown>[]> {
  return withConnection({}, async (c) => {
    const reader = await c.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((row) => plain(row) as Record<string, unknown>);
  });
}

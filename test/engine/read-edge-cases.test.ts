/**
 * The reader on files whose footer statistics matter: a footer whose row count disagrees with its row
 * groups, row groups skipped by their timestamp statistics that hold null timestamps. Expected values
 * by hand in the comments, and the files' own metadata checked with DuckDB.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowGroup } from 'hyparquet';
import { pruneRowGroup } from '../../lambdas/engine/read/parquet-reader.js';
import { runReport } from '../../lambdas/engine/run-report.js';
import { LOG_SCHEMA, okRow } from '../support/log-rows.js';
import { duckdbQuery, writeParquet } from '../support/parquet.js';
import { patchFooterNumRows } from '../support/parquet-footer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-edge-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const logs = (...p: string[]) => join(dir, 'logs', ...p);
const sql = (path: string) => `'${path.replace(/'/g, "''")}'`;

test('a footer whose row count disagrees with its row groups: the row groups are counted, the file is partial, the ledger balances', async () => {
  const file = logs('x.parquet');
  await writeParquet(file, Array.from({ length: 300 }, (_, i) => okRow(`2025-03-10T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`)), { columns: LOG_SCHEMA });
  await patchFooterNumRows(file, 300, 308);
  // what the file now says, by DuckDB: 308 rows in the footer, 300 in its one row group
  const [meta] = await duckdbQuery(`SELECT num_rows FROM parquet_file_metadata(${sql(file)})`);
  const [groups] = await duckdbQuery(`SELECT sum(row_group_num_rows) AS n FROM (SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${sql(file)}))`);
  expect([meta.num_rows, groups.n]).toEqual([308, 300]);

  const { model } = await runReport({ source: dir, window: { from: '2025-03-10', to: '2025-03-10' }, renderCharts: false });
  const dq = model.dataQuality;
  expect(dq).toMatchObject({ rowsRead: 300, rowsUsed: 300, rowsOutsideWindow: 0, rowsSkipped: 0 });
  expect(dq.rowsRead).toBe(dq.rowsUsed + dq.rowsOutsideWindow + dq.rowsSkipped);
  expect(dq.files).toEqual([{
    path: 'logs/x.parquet', rows: 300, status: 'partial',
    reason: 'the footer says 308 rows but its row groups hold 300; the 300 are counted',
  }]);
  expect(dq.notes.join(' ')).toContain('logs/x.parquet');
});

test('a row group skipped by its timestamp statistics counts its null timestamps as skipped, the rest as outside the window', async () => {
  const file = logs('q.parquet');
  await writeParquet(file, [
    okRow('2025-01-01T10:00:00Z'), okRow(null as unknown as string), okRow('2025-01-01T11:00:00Z'), // group 0: long before the window
    okRow('2025-03-10T10:00:00Z'), okRow('2025-03-10T11:00:00Z'), okRow('2025-03-10T12:00:00Z'), // group 1: the window
  ], { columns: LOG_SCHEMA, rowGroupSize: 3 });
  const chunks = await duckdbQuery(`SELECT row_group_id, path_in_schema, stats_null_count, coalesce(dictionary_page_offset, data_page_offset) AS start, total_compressed_size AS size
    FROM parquet_metadata(${sql(file)}) ORDER BY row_group_id, start`);
  // DuckDB's statistics: group 0's timestamp chunk has 1 null
  expect(chunks.find((c) => c.row_group_id === 0 && c.path_in_schema === 'timestamp')!.stats_null_count).toBe(1);
  // Overwrite group 0's column chunks: were the group read, it would fail to decode (3 rows skipped
  // as "could not be decoded"), so the counts below can only come from its statistics.
  const bytes = await readFile(file);
  for (const c of chunks.filter((c) => c.row_group_id === 0)) bytes.fill(0xff, c.start as number, (c.start as number) + (c.size as number));
  await writeFile(file, bytes);

  const { model } = await runReport({ source: dir, window: { from: '2025-03-10', to: '2025-03-10' }, renderCharts: false });
  const dq = model.dataQuality;
  // 6 rows: 3 in the window, 2 timestamps outside it, 1 null timestamp skipped (as if read)
  expect(dq).toMatchObject({ rowsRead: 6, rowsUsed: 3, rowsOutsideWindow: 2, rowsSkipped: 1 });
  expect(dq.skipped).toEqual([{ reason: 'timestamp is null', count: 1 }]);
  expect(dq.files).toEqual([{ path: 'logs/q.parquet', rows: 6, status: 'read' }]);
});

describe('pruneRowGroup', () => {
  // a row group of 10 rows whose timestamp chunk has these statistics
  const group = (statistics: Record<string, unknown>) => ({
    num_rows: 10n,
    columns: [{ meta_data: { path_in_schema: ['timestamp'], statistics } }],
  }) as unknown as RowGroup;
  const always = () => true;
  test('nulls from null_count are told apart from the rows outside the window', () => {
    expect(pruneRowGroup(group({ min_value: 'a', max_value: 'b', null_count: 4n }), always)).toEqual({ outside: 6, nulls: 4 });
    expect(pruneRowGroup(group({ min_value: 'a', max_value: 'b', null_count: 0n }), always)).toEqual({ outside: 10, nulls: 0 });
  });
  test('no null_count, or one that cannot be true: the group is read, not pruned', () => {
    expect(pruneRowGroup(group({ min_value: 'a', max_value: 'b' }), always)).toBeNull();
    expect(pruneRowGroup(group({ min_value: 'a', max_value: 'b', null_count: 11n }), always)).toBeNull();
    expect(pruneRowGroup(group({ min_value: 'a', max_value: 'b', null_count: -1n }), always)).toBeNull();
  });
  test('no min/max, or statistics inside the window: read', () => {
    expect(pruneRowGroup(group({ null_count: 0n }), always)).toBeNull();
    expect(pruneRowGroup(group({ min_value: 'a', max_value: 'b', null_count: 0n }), () => false)).toBeNull();
  });
});

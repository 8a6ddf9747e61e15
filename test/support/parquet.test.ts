import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duckdbQuery, writeParquet } from './parquet.js';

const COLUMNS = {
  timestamp: 'VARCHAR',
  query: 'VARCHAR',
  input_tokens: 'BIGINT',
  cost: 'DOUBLE',
  ts: 'TIMESTAMP',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parquet-support-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sqlPath = (p: string) => `'${p.replace(/'/g, "''")}'`;

describe('writeParquet / duckdbQuery', () => {
  test('values round-trip, including awkward strings and nulls', async () => {
    const rows = [
      { timestamp: '2025-11-19T00:24:11.664382Z', query: `It's "quoted"; DROP TABLE x; --`, input_tokens: 10607, cost: 0.016927, ts: '2025-11-19T00:24:11.664382Z' },
      { timestamp: '2025-11-19T12:19:02.532611Z', query: 'línea 1\nline 2 \t 日本語 😀 \\ back', input_tokens: 9007199254740991n, cost: 1e-7, ts: new Date('2025-11-19T12:19:02.532Z') },
      { timestamp: null, query: undefined, input_tokens: null, cost: null, ts: null },
    ];
    const file = join(dir, 'nested', 'deeper', 'a.parquet');
    await writeParquet(file, rows, { columns: COLUMNS });

    const described = await duckdbQuery(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(file)})`);
    expect(described.map((r) => [r.column_name, r.column_type])).toEqual([
      ['timestamp', 'VARCHAR'],
      ['query', 'VARCHAR'],
      ['input_tokens', 'BIGINT'],
      ['cost', 'DOUBLE'],
      ['ts', 'TIMESTAMP'],
    ]);

    const back = await duckdbQuery(`SELECT * FROM read_parquet(${sqlPath(file)})`);
    expect(back).toEqual([
      { ...rows[0], ts: new Date('2025-11-19T00:24:11.664Z') },
      { ...rows[1], input_tokens: Number.MAX_SAFE_INTEGER },
      { timestamp: null, query: null, input_tokens: null, cost: null, ts: null },
    ]);
    // Microseconds survive in the TIMESTAMP column.
    const micros = await duckdbQuery(`SELECT epoch_us(ts) AS us FROM read_parquet(${sqlPath(file)}) LIMIT 1`);
    expect(micros[0]!.us).toBe(Date.UTC(2025, 10, 19, 0, 24, 11) * 1000 + 664382);
  });

  test('codec, exact row groups and parquet version', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ timestamp: `t${i}`, query: `q${i}`, input_tokens: i, cost: i / 10, ts: null }));
    const file = join(dir, 'b.parquet');
    await writeParquet(file, rows, { columns: COLUMNS, codec: 'snappy', rowGroupSize: 3, parquetVersion: 'V2' });

    const meta = await duckdbQuery(
      `SELECT row_group_id, any_value(row_group_num_rows) AS n, string_agg(DISTINCT compression) AS codec
       FROM parquet_metadata(${sqlPath(file)}) GROUP BY ALL ORDER BY row_group_id`,
    );
    expect(meta.map((m) => m.n)).toEqual([3, 3, 3, 1]);
    expect(new Set(meta.map((m) => m.codec))).toEqual(new Set(['SNAPPY']));
    // list() over a parallel scan has no order of its own: order by the row's position in the file
    const order = await duckdbQuery(`SELECT list(input_tokens ORDER BY file_row_number) AS l FROM read_parquet(${sqlPath(file)}, file_row_number = true)`);
    expect(order[0]!.l).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const fm = await duckdbQuery(`SELECT num_rows, num_row_groups, format_version FROM parquet_file_metadata(${sqlPath(file)})`);
    expect(fm).toEqual([{ num_rows: 10, num_row_groups: 4, format_version: 2 }]);
  });

  test('default codec is zstd; aggregates come back as numbers', async () => {
    const file = join(dir, 'c.parquet');
    await writeParquet(file, [{ a: 1, b: [1, 2] }, { a: 2, b: null }], { columns: { a: 'BIGINT', b: 'INTEGER[]' } });
    const meta = await duckdbQuery(`SELECT DISTINCT compression FROM parquet_metadata(${sqlPath(file)})`);
    expect(meta).toEqual([{ compression: 'ZSTD' }]);
    const agg = await duckdbQuery(`SELECT count(*) AS n, sum(a) AS s, list(b) AS bs FROM read_parquet(${sqlPath(file)})`);
    expect(agg).toEqual([{ n: 2, s: 3, bs: [[1, 2], null] }]);
  });
});

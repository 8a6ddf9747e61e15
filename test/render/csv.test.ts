import { BOM, renderTables, toCsv } from '../../lambdas/engine/render/csv.js';
import { makeModel } from '../support/model-fixture.js';

/**
 * A small, independent RFC 4180 reader for the tests: records of fields, CRLF line ends,
 * quoted fields with doubled quotes. It requires the BOM and strips it.
 */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const s = text.slice(1);
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < s.length) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i += 1; continue; }
      field += ch; i += 1; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i += 1; continue; }
    if (ch === ',') { record.push(field); field = ''; i += 1; continue; }
    if (ch === '\r' && s[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i += 2; continue; }
    if (ch === '\r' || ch === '\n' || ch === '"') throw new Error(`bare ${JSON.stringify(ch)} outside quotes at ${i}`);
    field += ch; i += 1;
  }
  if (field !== '' || record.length > 0) throw new Error('last record does not end with CRLF');
  return records;
}

describe('toCsv', () => {
  it('writes a BOM, a header and CRLF after every record', () => {
    expect(toCsv(['a', 'b'], [[1, 'x'], [2, 'y']])).toBe('\uFEFFa,b\r\n1,x\r\n2,y\r\n');
    expect(BOM).toBe('\uFEFF');
  });

  it('the BOM can be turned off', () => {
    expect(toCsv(['a'], [[1]], { bom: false })).toBe('a\r\n1\r\n');
  });

  it('quotes fields with comma, quote, CR or LF and doubles quotes', () => {
    expect(toCsv(['v'], [['a,b'], ['say "hi"'], ['line1\nline2'], ['x\ry'], ['plain']], { bom: false })).toBe(
      'v\r\n"a,b"\r\n"say ""hi"""\r\n"line1\nline2"\r\n"x\ry"\r\nplain\r\n',
    );
  });

  it('neutralises text that a spreadsheet would run as a formula', () => {
    const csv = toCsv(['v'], [['=1+2'], ['+1'], ['-1'], ['@SUM(A1)'], ['\tx'], ['\rx'], ['a=b']], { bom: false });
    expect(csv).toBe("v\r\n'=1+2\r\n'+1\r\n'-1\r\n'@SUM(A1)\r\n'\tx\r\n\"'\rx\"\r\na=b\r\n");
  });

  it('neutralises and quotes the HYPERLINK injection from the fixture', () => {
    expect(toCsv(['q'], [['=HYPERLINK("http://evil.example","click")']], { bom: false }))
      .toBe('q\r\n"\'=HYPERLINK(""http://evil.example"",""click"")"\r\n');
  });

  it('writes numbers as plain numbers at full precision, negatives not neutralised', () => {
    expect(toCsv(['n'], [[-0.004], [0.0036363636363636364], [5666.666666666667], [0], [23000], [-1234]], { bom: false }))
      .toBe('n\r\n-0.004\r\n0.0036363636363636364\r\n5666.666666666667\r\n0\r\n23000\r\n-1234\r\n');
  });

  it('null, undefined and non-finite numbers are empty fields; booleans and dates are text', () => {
    expect(toCsv(['a', 'b', 'c', 'd', 'e', 'f'], [[null, undefined, NaN, true, false, new Date('2025-11-18T23:41:44Z')]], { bom: false }))
      .toBe('a,b,c,d,e,f\r\n,,,true,false,2025-11-18T23:41:44.000Z\r\n');
  });

  it('keeps Unicode intact through UTF-8 bytes (round trip)', () => {
    const text = 'Résumé of Nestlé\'s 10-K — “risk factors” 📈, 日本語';
    const body = toCsv(['query', 'n'], [[text, 1]]);
    const bytes = Buffer.from(body, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const back = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
    expect(back).toEqual([['query', 'n'], [text, '1']]);
  });
});

describe('renderTables', () => {
  const files = renderTables(makeModel());
  const byPath = new Map(files.map((f) => [f.path, f]));
  const rows = (path: string): string[][] => {
    const f = byPath.get(path);
    if (!f) throw new Error(`missing ${path}`);
    return parseCsv(f.body as string);
  };

  it('writes one CSV per table, with the CSV content type', () => {
    expect(files.map((f) => f.path).sort()).toEqual([
      'tables/by-day.csv',
      'tables/by-model.csv',
      'tables/data-quality-files.csv',
      'tables/errors.csv',
      'tables/recent-queries.csv',
      'tables/summary.csv',
      'tables/top-queries.csv',
      'tables/unpriced-models.csv',
    ]);
    for (const f of files) {
      expect(f.contentType).toBe('text/csv; charset=utf-8');
      expect(typeof f.body).toBe('string');
    }
  });

  it('by-day: raw numbers at full precision, empty for null', () => {
    expect(rows('tables/by-day.csv')).toEqual([
      ['date', 'queries', 'succeeded', 'failed', 'error_rate', 'cost_usd', 'input_tokens', 'output_tokens', 'total_tokens', 'tokens_per_query', 'latency_p50_ms', 'latency_p95_ms'],
      ['2025-11-18', '2', '1', '1', '0.5', '0.01', '5000', '1000', '6000', '6000', '10000', '10000'],
      ['2025-11-19', '0', '0', '0', '', '0', '0', '0', '0', '', '', ''],
      ['2025-11-20', '3', '3', '0', '0', '0.0525', '15000', '2000', '17000', '5666.666666666667', '16000', '20800'],
    ]);
  });

  it('by-model: logged vs list-price cost and the gap', () => {
    const [header, sonnet, haiku] = rows('tables/by-model.csv');
    expect(header).toEqual(['model_id', 'display_name', 'queries', 'succeeded', 'failed', 'share', 'cost_share', 'cost_usd',
      'list_price_cost_usd', 'list_price_gap_usd', 'list_price_gap_pct', 'priced', 'input_tokens', 'output_tokens',
      'total_tokens', 'avg_cost_per_query_usd', 'cost_per_1k_tokens_usd', 'latency_p50_ms', 'latency_p95_ms']);
    expect(sonnet).toEqual(['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5', '2', '2', '0', '0.5', '0.64',
      '0.04', '0.044', '-0.004', '-0.0909090909090909', 'true', '10000', '1000', '11000', '0.02', '0.0036363636363636364', '18500', '20750']);
    expect(haiku.slice(7, 11)).toEqual(['0.0225', '0.024', '-0.0015', '-0.0625']);
  });

  it('top-queries: query text kept raw (not HTML-escaped), formula neutralised, Unicode intact', () => {
    const r = rows('tables/top-queries.csv');
    expect(r[0]).toEqual(['rank', 'query', 'runs', 'failed', 'avg_input_tokens', 'avg_output_tokens', 'cost_usd', 'avg_cost_usd', 'avg_latency_ms']);
    expect(r[1]).toEqual(['1', 'What was <b>Apple</b>\'s revenue in FY2024? <script>alert(1)</script>', '2', '0', '5000', '500', '0.04', '0.02', '18500']);
    expect(r[2][1]).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(r[3][1]).toBe('Résumé of Nestlé\'s 10-K — “risk factors” 📈');
    expect(r).toHaveLength(4);
  });

  it('errors, recent queries, files ledger and unpriced models', () => {
    expect(rows('tables/errors.csv')).toEqual([
      ['error_type', 'stage', 'count', 'last_seen', 'example'],
      ['ThrottlingException', 'generation', '1', '2025-11-18T23:41:44.000Z', 'Rate exceeded <img src=x onerror=alert(1)>'],
    ]);
    const recent = rows('tables/recent-queries.csv');
    expect(recent[0]).toEqual(['timestamp', 'query', 'model_id', 'status', 'total_tokens', 'cost_usd', 'latency_ms', 'error_type']);
    expect(recent[2]).toEqual(['2025-11-18T23:41:44.000Z', 'Résumé of Nestlé\'s 10-K — “risk factors” 📈', '', 'error', '', '', '', 'ThrottlingException']);
    expect(recent[1][5]).toBe('0.026034');
    expect(rows('tables/data-quality-files.csv')).toEqual([
      ['path', 'rows', 'status', 'reason'],
      ['logs/dt=2025-11-18/part-0.zstd.parquet', '6', 'read', ''],
      ['logs/dt=2025-11-20/part-0.zstd.parquet', '6', 'read', ''],
      ['logs/dt=2025-11-20/broken.parquet', '', 'unreadable', 'not a Parquet file (bad magic bytes)'],
      ['logs/_SUCCESS', '', 'ignored', 'not a Parquet file name'],
    ]);
    expect(rows('tables/unpriced-models.csv')).toEqual([
      ['model_id', 'rows', 'input_tokens', 'output_tokens', 'tokens'],
      ['my-finetuned-model', '1', '1000', '100', '1100'],
    ]);
  });

  it('summary: totals next to the previous period with the change', () => {
    const r = rows('tables/summary.csv');
    expect(r[0]).toEqual(['metric', 'current', 'previous', 'change', 'change_unit']);
    const get = (metric: string) => r.find((row) => row[0] === metric);
    expect(get('window_from')).toEqual(['window_from', '2025-11-18', '2025-11-15', '', '']);
    expect(get('queries')).toEqual(['queries', '5', '4', '0.25', 'ratio']);
    expect(get('failed')).toEqual(['failed', '1', '0', '', 'ratio']);
    expect(get('error_rate')).toEqual(['error_rate', '0.2', '0', '0.2', 'percentage_points']);
    expect(get('cost_usd')).toEqual(['cost_usd', '0.0625', '0.05', '0.25', 'ratio']);
    expect(get('list_price_cost_usd')).toEqual(['list_price_cost_usd', '0.068', '0.055', '', '']);
    expect(get('total_tokens')).toEqual(['total_tokens', '23000', '18000', '0.2777777777777778', 'ratio']);
    expect(get('latency_p95_ms')).toEqual(['latency_p95_ms', '20550', '19000', '0.08157894736842106', 'ratio']);
    expect(get('latency_p99_ms')).toEqual(['latency_p99_ms', '20910', '', '', '']);
    expect(get('rows_read')).toEqual(['rows_read', '12', '', '', '']);
    expect(get('unpriced_models')).toEqual(['unpriced_models', '1', '', '', '']);
  });

  it('an empty window gives header-only tables', () => {
    const empty = renderTables(makeModel({ byDay: [], byModel: [], byQuery: [], errors: [], recentQueries: [] }));
    const errors = empty.find((f) => f.path === 'tables/errors.csv');
    expect(errors?.body).toBe('\uFEFFerror_type,stage,count,last_seen,example\r\n');
  });
});

/** Small pure pieces of the engine, checked against values worked out by hand. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DayClock, addDays, dateOfDayNumber, dayNumber, daysBetweenInclusive, isIsoDate, localDate, startOfLocalDay } from '../../lambdas/engine/aggregate/calendar.js';
import { Float64Column, concatColumns, percentileSorted, percentiles } from '../../lambdas/engine/aggregate/percentiles.js';
import { parseIsoTimestamp, toInstant } from '../../lambdas/engine/normalise/timestamps.js';
import { displayName } from '../../lambdas/engine/pricing/display-name.js';
import { PriceBook, loadPriceOverrides } from '../../lambdas/engine/pricing/pricing.js';
import { formatDate } from '../../lambdas/engine/render/format.js';
import { classifyFile, partitionDate, partitionPruneReason } from '../../lambdas/engine/source/partitions.js';

describe('timestamps', () => {
  // 2025-11-19T00:24:11Z = 1763511851 s since the epoch (20,411 days × 86,400 + 1,451 s)
  const base = 1763511851000;
  test.each([
    ['2025-11-19T00:24:11Z', base],
    ['2025-11-19T00:24:11.664382Z', base + 664.382],
    ['2025-11-19 00:24:11', base],
    ['2025-11-19T05:54:11+05:30', base],
    ['2025-11-19T05:54:11+0530', base],
    ['2025-11-18T19:24:11-05', base],
    ['2025-11-19T00:24Z', base - 11000],
    ['2025-11-19T00:24:11.123456789Z', base + 123.456789],
  ])('%s', (s, expected) => {
    expect(parseIsoTimestamp(s)).toBeCloseTo(expected, 6);
  });
  test.each(['', 'yesterday', '2025-13-01T00:00:00Z', '2025-02-29T00:00:00Z', '2025-11-19T24:00:00Z', '2025-11-19T00:24:11 Z', '2025-11-19T00:24:11+25:00', '2025-11-19T00:24:11.Z'])(
    'rejects %j',
    (s) => expect(parseIsoTimestamp(s)).toBeNaN(),
  );
  test('Parquet TIMESTAMP values arrive as Date; null is NaN', () => {
    expect(toInstant(new Date(base))).toBe(base);
    expect(toInstant(BigInt(base))).toBe(base);
    expect(toInstant(null)).toBeNaN();
  });
  test('plain numbers: Unix time in s, ms, µs or ns, told by size', () => {
    // base = 2025-11-19T00:24:11Z in ms (see above)
    expect(toInstant(1763511851)).toBe(base); // seconds
    expect(toInstant(1763511851.5)).toBe(base + 500); // fractional seconds (time.time())
    expect(toInstant(BigInt(base))).toBe(base); // milliseconds
    expect(toInstant(1763511851000000n)).toBe(base); // microseconds
    expect(toInstant(1763511851000000000n)).toBe(base); // nanoseconds
    expect(toInstant(Number.POSITIVE_INFINITY)).toBeNaN();
  });
});

describe('calendar', () => {
  test('dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
  });
  test('local days across a DST change (Europe/Paris, 2025-10-26: 03:00 CEST → 02:00 CET)', () => {
    const clock = new DayClock('Europe/Paris');
    const day = (iso: string) => new Date(clock.dayOf(Date.parse(iso)) * 86_400_000).toISOString().slice(0, 10);
    expect(day('2025-10-25T21:59:59Z')).toBe('2025-10-25'); // 23:59:59 CEST
    expect(day('2025-10-25T22:00:00Z')).toBe('2025-10-26'); // 00:00 CEST
    expect(day('2025-10-26T22:59:59Z')).toBe('2025-10-26'); // 23:59:59 CET
    expect(day('2025-10-26T23:00:00Z')).toBe('2025-10-27');
    // Asia/Kathmandu is UTC+05:45
    expect(new Date(new DayClock('Asia/Kathmandu').dayOf(Date.parse('2025-01-01T18:15:00Z')) * 86_400_000).toISOString().slice(0, 10)).toBe('2025-01-02');
    expect(startOfLocalDay('2025-01-02', 'Asia/Kathmandu')).toBe(Date.parse('2025-01-01T18:15:00Z'));
  });
  test('unknown time zones are refused', () => {
    expect(() => new DayClock('Moon/Base')).toThrow('unknown time zone "Moon/Base"');
  });
});

describe('first-century dates (Date.UTC would read the years 0..99 as 1900..1999)', () => {
  // 0001-01-01 is 719,162 days before 1970-01-01 (1969 years × 365 + 477 leap days: 492 − 19 + 4).
  const DAY1 = -719_162;
  // 0099-06-01: 98 years after 0001-01-01 hold 24 leap days (4, 8, …, 96), so 98 × 365 + 24 = 35,794
  // days to 0099-01-01, then January..May of 99 (31 + 28 + 31 + 30 + 31 = 151): day 35,945 from DAY1.
  const DAY99 = DAY1 + 35_945; // = −683,217
  test('timestamps', () => {
    expect(parseIsoTimestamp('0001-01-01T00:00:00Z')).toBe(DAY1 * 86_400_000);
    expect(parseIsoTimestamp('0099-06-01T00:00:00Z')).toBe(DAY99 * 86_400_000);
    expect(parseIsoTimestamp('0099-06-01T10:30:00+01:00')).toBe(DAY99 * 86_400_000 + 9.5 * 3_600_000);
    expect(parseIsoTimestamp('0000-02-29T00:00:00Z')).not.toBeNaN(); // the year 0 (1 BC) is a leap year
  });
  test('calendar helpers', () => {
    expect(dayNumber('0001-01-01')).toBe(DAY1);
    expect(dayNumber('0099-06-01')).toBe(DAY99);
    expect(dateOfDayNumber(DAY99)).toBe('0099-06-01');
    expect(addDays('0099-12-31', 1)).toBe('0100-01-01');
    expect(addDays('0001-01-01', -1)).toBe('0000-12-31');
    expect(daysBetweenInclusive('0099-06-01', '0099-06-30')).toBe(30);
    expect(isIsoDate('0099-02-29')).toBe(false); // 99 is no leap year
    expect(isIsoDate('0096-02-29')).toBe(true);
    expect(localDate(DAY1 * 86_400_000, 'UTC')).toBe('0001-01-01');
    expect(localDate(DAY99 * 86_400_000 + 12 * 3_600_000, 'Asia/Tokyo')).toBe('0099-06-01');
    expect(localDate(DAY1 * 86_400_000 - 1, 'UTC')).toBe('0000-12-31'); // 1 BC, not "1"
    expect(new DayClock('UTC').dayOf(DAY99 * 86_400_000 + 1)).toBe(DAY99);
    expect(formatDate('0099-06-01')).toBe('Jun 1, 0099');
  });
});

describe('percentiles (linear, numpy default)', () => {
  test('by hand', () => {
    const v = Float64Array.from([1, 2, 3, 4]);
    expect(percentileSorted(v, 0.5)).toBe(2.5); // h = 1.5
    expect(percentileSorted(v, 0.95)).toBeCloseTo(3.85, 12); // h = 2.85 → 3 + 0.85
    expect(percentileSorted(Float64Array.from([7]), 0.99)).toBe(7);
    expect(percentileSorted(new Float64Array(0), 0.5)).toBeNull();
  });
  test('selection (no full sort) gives the same numbers as sorting, on awkward inputs', () => {
    // oracle: a full sort and numpy's linear rule written out here, independent of the engine
    const oracle = (xs: number[], p: number): number => {
      const s = [...xs].sort((x, y) => x - y);
      const h = (s.length - 1) * p;
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, s.length - 1);
      return s[lo] + (h - lo) * (s[hi] - s[lo]);
    };
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cases: number[][] = [
      [5],
      [2, 1],
      Array.from({ length: 1000 }, () => 7), // all equal
      Array.from({ length: 1001 }, (_, i) => i), // ascending
      Array.from({ length: 1001 }, (_, i) => 1001 - i), // descending
      Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? 1 : 2)), // two values, alternating
      Array.from({ length: 20_000 }, () => Math.floor(rand() * 50)), // many duplicates
      Array.from({ length: 20_000 }, () => rand() * 1e6),
      Array.from({ length: 3000 }, (_, i) => (i < 2990 ? 100 : 1e9)), // heavy tail
    ];
    const ps = [0.99, 0.5, 0.95, 0, 1, 0.25]; // unordered on purpose
    for (const xs of cases) {
      const got = percentiles(Float64Array.from(xs), ps);
      ps.forEach((p, j) => expect(got[j]).toBeCloseTo(oracle(xs, p), 9));
    }
    expect(percentiles(new Float64Array(0), [0.5])).toEqual([null]);
  });
  test('chunked columns keep every value across chunk boundaries', () => {
    const a = new Float64Column();
    const b = new Float64Column();
    for (let i = 0; i < 70_000; i++) a.push(i);
    b.push(-1);
    const all = concatColumns([a, b]);
    expect(all.length).toBe(70_001);
    expect(all[65_536]).toBe(65_536);
    expect(all[70_000]).toBe(-1);
  });
});

describe('display names', () => {
  test.each([
    ['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet'],
    ['us.amazon.nova-pro-v1:0', 'nova-pro'],
    ['us.meta.llama3-3-70b-instruct-v1:0', 'llama3-3-70b-instruct'],
    ['eu.mistral.pixtral-large-2502-v1:0', 'pixtral-large-2502'],
    ['acme.finetuned-analyst-v3', 'acme.finetuned-analyst-v3'],
    ['gpt-4o', 'gpt-4o'],
  ])('%s → %s', (id, name) => expect(displayName(id)).toBe(name));
});

describe('pricing', () => {
  test('Bedrock list prices by hand: us. profiles cost 10% more than in-region', () => {
    const book = new PriceBook();
    // claude haiku 4.5: $1.00 / $5.00 per million in-region, ×1.1 for the us. (regional) profile
    expect(book.price('us.anthropic.claude-haiku-4-5-20251001-v1:0', 1_000_000, 0)).toBeCloseTo(1.1, 9);
    expect(book.price('us.anthropic.claude-haiku-4-5-20251001-v1:0', 0, 1_000_000)).toBeCloseTo(5.5, 9);
    // nova pro: $0.80 / $3.20 per million
    expect(book.price('us.amazon.nova-pro-v1:0', 1_000_000, 1_000_000)).toBeCloseTo(4.0, 9);
    expect(book.price('acme.unknown-model', 100, 100)).toBeNull();
    expect(book.hasPrice('acme.unknown-model')).toBe(false);
  });
  test('overrides win and are validated', () => {
    const book = new PriceBook(loadPriceOverrides('{"models": {"acme.m": {"input_mtok": 3, "output_mtok": 6}}}'));
    expect(book.price('acme.m', 1000, 500)).toBeCloseTo(0.003 + 0.003, 12);
    expect(() => loadPriceOverrides('{"acme.m": {"input_mtok": "3"}}')).toThrow('model "acme.m" needs non-negative numbers');
    expect(() => loadPriceOverrides('{nope')).toThrow('price overrides (inline JSON) are not valid JSON');
    // a file: named, and the parser's quote of a multi-line text stays on one line
    const dir = mkdtempSync(join(tmpdir(), 'prices-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, 'not json{\n  "a": 1\n}\n');
    let message = '';
    try {
      loadPriceOverrides(file);
    } catch (e) {
      message = (e as Error).message;
    }
    rmSync(dir, { recursive: true, force: true });
    expect(message.startsWith(`price overrides ${file} are not valid JSON: `)).toBe(true);
    expect(message).not.toContain('\n');
  });
});

describe('partitions and file names', () => {
  test('which files are read', () => {
    expect(classifyFile('logs/query_logs.parquet')).toEqual({ kind: 'parquet' });
    expect(classifyFile('logs/dt=2025-01-01/part-0.snappy.parquet')).toEqual({ kind: 'parquet' });
    expect(classifyFile('logs/_SUCCESS').kind).toBe('ignored');
    expect(classifyFile('logs/.part-0.parquet.crc').kind).toBe('ignored');
    expect(classifyFile('logs/schema.json').kind).toBe('ignored');
  });
  test('files in hidden or temporary folders are ignored, naming the folder; partition folders are not hidden', () => {
    expect(classifyFile('logs/_temporary/0/part-0.parquet')).toEqual({
      kind: 'ignored', reason: 'inside the hidden or temporary folder logs/_temporary/ (a folder name starting with . or _)',
    });
    expect(classifyFile('logs/dt=2025-01-01/.staging/x/part-0.parquet')).toEqual({
      kind: 'ignored', reason: 'inside the hidden or temporary folder logs/dt=2025-01-01/.staging/ (a folder name starting with . or _)',
    });
    expect(classifyFile('logs/dt=2025-01-01/hour=03/part-0.parquet')).toEqual({ kind: 'parquet' });
    expect(classifyFile('logs/year=2025/month=1/day=2/part-0.parquet')).toEqual({ kind: 'parquet' });
  });
  test('a partition segment that is not a calendar date is no partition date, and prunes nothing', () => {
    expect(partitionDate('logs/dt=2099-13-45/a.parquet')).toBeNull();
    expect(partitionDate('logs/dt=2025-02-29/a.parquet')).toBeNull(); // 2025 is not a leap year
    expect(partitionDate('logs/dt=2024-02-29/a.parquet')).toBe('2024-02-29');
    expect(partitionDate('logs/year=2025/month=13/day=1/a.parquet')).toBeNull();
    expect(partitionPruneReason('logs/dt=2099-13-45/a.parquet', '2025-03-05', '2025-03-10')).toBeNull();
  });
  test('partition dates and pruning with a one-day margin', () => {
    expect(partitionDate('logs/dt=2025-03-04/a.parquet')).toBe('2025-03-04');
    expect(partitionDate('logs/year=2025/month=3/day=4/a.parquet')).toBe('2025-03-04');
    expect(partitionDate('logs/a.parquet')).toBeNull();
    expect(partitionPruneReason('logs/dt=2025-03-04/a.parquet', '2025-03-05', '2025-03-10')).toBeNull();
    expect(partitionPruneReason('logs/dt=2025-03-03/a.parquet', '2025-03-05', '2025-03-10')).toContain('outside');
    expect(partitionPruneReason('logs/dt=2025-03-11/a.parquet', '2025-03-05', '2025-03-10')).toBeNull();
    expect(partitionPruneReason('logs/dt=2025-03-12/a.parquet', '2025-03-05', '2025-03-10')).toContain('outside');
  });
});

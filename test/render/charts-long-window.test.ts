/**
 * Long windows (`--all` over months or years of logs): one bar per week or per calendar month
 * instead of per day. Expected buckets and sums are worked out by hand from the calendar
 * (2025-01-01 is a Wednesday; 2024 is a leap year), not with the code under test.
 */
import { buildChartSpecs, chartGrain, renderChartSvg } from '../../lambdas/engine/render/charts.js';
import type { ChartSpec } from '../../lambdas/engine/render/charts.js';
import type { DayModelRow, DayRow, ReportModel } from '../../lambdas/engine/report-model.js';
import { makeModel } from '../support/model-fixture.js';

import { chart, values, type Row } from '../support/chart-specs.js';

/** Every date from `from` to `to` inclusive (test-side calendar, plain UTC date arithmetic). */
function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/**
 * Every day: 10 queries, $1 of cost, all on one model; `day(date)` may override fields.
 */
function longModel(from: string, to: string, day: (date: string) => Partial<DayRow> = () => ({})): ReportModel {
  const base = makeModel();
  const byDay: DayRow[] = dates(from, to).map((date) => ({
    ...base.byDay[0]!, date, queries: 10, succeeded: 10, failed: 0, errorRate: 0, costUsd: 1,
    tokensPerQuery: 2000, latencyMs: { p50: 10_000, p95: 20_000 }, ...day(date),
  }));
  const byDayAndModel: DayModelRow[] = byDay.map((d) => ({
    date: d.date, modelId: HAIKU, displayName: 'claude-haiku-4-5', queries: d.queries, costUsd: d.costUsd,
  }));
  return makeModel({
    window: { from, to, timezone: 'UTC', days: byDay.length },
    byDay, byDayAndModel, byModel: [base.byModel[1]!],
  });
}

describe('chartGrain', () => {
  test('up to 120 days: per day; up to 730: per week; longer: per calendar month', () => {
    expect([1, 14, 120].map(chartGrain)).toEqual(['day', 'day', 'day']);
    expect([121, 365, 730].map(chartGrain)).toEqual(['week', 'week', 'week']);
    expect([731, 3000].map(chartGrain)).toEqual(['month', 'month']);
  });
});

describe('a 151-day window (2025-01-01, a Wednesday, to 2025-05-31): one bar per Monday-to-Sunday week', () => {
  // Failed queries: 2 on Jan 1 and 2 on Jan 3 (first week); tokens per query 1,000 on Mondays.
  const model = longModel('2025-01-01', '2025-05-31', (date) => ({
    ...(date === '2025-01-01' || date === '2025-01-03' ? { succeeded: 8, failed: 2, errorRate: 0.2 } : {}),
    ...(new Date(`${date}T00:00:00Z`).getUTCDay() === 1 ? { tokensPerQuery: 1000 } : {}),
    // Jan 10 has latency, its neighbours Jan 9 and Jan 11 do not: a lone dot.
    ...(date === '2025-01-09' || date === '2025-01-11' ? { latencyMs: { p50: null, p95: null } } : {}),
  }));
  const specs = buildChartSpecs(model);
  // Buckets: the partial first week keyed by its first day, then the 21 Mondays Jan 6 .. May 26.
  const mondays = Array.from({ length: 21 }, (_, k) => new Date(Date.UTC(2025, 0, 6 + 7 * k)).toISOString().slice(0, 10));
  const buckets = ['2025-01-01', ...mondays];

  test('cost: one value per week, summed over its days ($5 for Wed-Sun, $7 a full week, $6 for the last Mon-Sat)', () => {
    const c = chart(specs, 'cost-per-day');
    expect(c.title).toBe('Cost per week by model (USD)');
    const rows = values(c);
    expect(rows.map((r) => r.date)).toEqual(buckets);
    expect(mondays[20]).toBe('2025-05-26');
    expect(rows[0]!.costUsd).toBe(5);
    expect(rows.slice(1, 21).every((r) => r.costUsd === 7)).toBe(true);
    expect(rows[21]!.costUsd).toBe(6);
    // Bars are drawn in bucket order without a per-day sort array.
    expect(JSON.stringify(c.spec)).not.toContain('"sort":[');
  });

  test('volume: counts summed per week, the error rate recomputed as failed / queries', () => {
    const rows = values(chart(specs, 'volume-reliability'));
    expect(rows.map((r) => r.date)).toEqual(buckets);
    expect(rows[0]).toMatchObject({ queries: 50, succeeded: 46, failed: 4, errorRate: 4 / 50 });
    expect(rows[1]).toMatchObject({ queries: 70, succeeded: 70, failed: 0, errorRate: 0 });
    expect(rows[21]).toMatchObject({ queries: 60, failed: 0 });
  });

  test('efficiency: latency stays per day; tokens per query per week, weighted by successful queries', () => {
    const rows = values(chart(specs, 'efficiency'));
    const latency = rows.filter((r) => r.kind === 'latency');
    expect(latency).toHaveLength(151);
    expect(latency.find((r) => r.date === '2025-01-10')).toMatchObject({ p50Seconds: 10, p95Seconds: 20, p50Alone: true, p95Alone: true });
    expect(latency.find((r) => r.date === '2025-01-09')).toMatchObject({ p50Seconds: null, p50Alone: false });
    expect(latency.find((r) => r.date === '2025-01-20')).toMatchObject({ p50Alone: false });
    const tokens = rows.filter((r) => r.kind === 'tokens');
    expect(tokens.map((r) => r.date)).toEqual(buckets);
    // Week of Jan 6: Monday 1,000 x 10 queries, six days 2,000 x 10 -> 130,000 / 70.
    expect(tokens[1]!.tokensPerQuery).toBeCloseTo(130_000 / 70, 9);
    // First week (Wed-Sun, no Monday): 2,000 x (8 + 10 + 8 + 10 + 10) / 46.
    expect(tokens[0]!.tokensPerQuery).toBeCloseTo(2000, 9);
  });

  test('the SVGs label weeks with their year', async () => {
    const svg = await renderChartSvg(chart(specs, 'volume-reliability').spec);
    expect(svg).toContain('Jan 1, 2025');
    expect(svg).toContain('one bar per week, Mon–Sun (first and last may be partial)');
  });
});

describe('a 786-day window (2024-01-15 to 2026-03-10): one bar per calendar month', () => {
  const model = longModel('2024-01-15', '2026-03-10');
  const specs = buildChartSpecs(model);

  test('27 months, the partial first keyed by its first day; each month\'s cost is its number of days', () => {
    const rows = values(chart(specs, 'cost-per-day'));
    const months = rows.map((r) => r.date as string);
    expect(months).toHaveLength(27);
    expect(months.slice(0, 3)).toEqual(['2024-01-15', '2024-02-01', '2024-03-01']);
    expect(months[26]).toBe('2026-03-01');
    const cost = Object.fromEntries(rows.map((r) => [r.date, r.costUsd]));
    expect(cost['2024-01-15']).toBe(17); // Jan 15..31
    expect(cost['2024-02-01']).toBe(29); // leap year
    expect(cost['2025-02-01']).toBe(28);
    expect(cost['2025-12-01']).toBe(31);
    expect(cost['2026-03-01']).toBe(10); // Mar 1..10
    expect(rows.reduce((a, r) => a + (r.costUsd as number), 0)).toBe(786);
  });
});

test('a ten-year window renders all four charts (no per-day expression for Vega to parse)', async () => {
  // 2016-01-01 .. 2025-12-31: 3,653 days; a per-day sort array used to overflow Vega's parser.
  const model = longModel('2016-01-01', '2025-12-31');
  expect(model.byDay).toHaveLength(3653);
  for (const s of buildChartSpecs(model)) {
    const svg = await renderChartSvg(s.spec);
    expect(svg).toContain(s.title);
  }
});

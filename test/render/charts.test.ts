/**
 * Chart specs and SVG rendering. Expected numbers are read by hand off the fixture
 * (test/support/model-fixture.ts), not recomputed with the code under test; SVG checks
 * read back what Vega actually drew (text and the per-mark aria-labels it writes).
 */
import { buildChartSpecs, renderChartSvg, renderCharts } from '../../lambdas/engine/render/charts.js';
import type { ChartSpec } from '../../lambdas/engine/render/charts.js';
import type { DayModelRow, ModelRow, ReportModel } from '../../lambdas/engine/report-model.js';
import { makeModel } from '../support/model-fixture.js';

import { chart, values, type Row } from '../support/chart-specs.js';

/** Text content of every <text> element (Vega writes one per label / title line). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

/** aria-labels of the marks Vega drew, by role description (bar, point, ...). */
function markLabels(svg: string, role: string): string[] {
  return [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="([^"]*)"/g)]
    .filter((m) => m[2] === role)
    .map((m) => m[1]!);
}

const DAYS = ['2025-11-18', '2025-11-19', '2025-11-20'];

describe('buildChartSpecs (fixture model)', () => {
  const model = makeModel();
  const specs = buildChartSpecs(model);

  test('four charts in report order, each with a title, a description and inline data', () => {
    expect(specs.map((s) => s.name)).toEqual(['cost-per-day', 'volume-reliability', 'model-usage', 'efficiency']);
    for (const s of specs) {
      expect(s.title.length).toBeGreaterThan(10);
      expect(s.description).toMatch(/\.$/);
      expect(Array.isArray(values(s))).toBe(true);
      // The data is inlined: nothing to fetch.
      expect(JSON.stringify(s.spec)).not.toMatch(/"url"\s*:/);
    }
    // Pure: building twice gives the same specs.
    expect(JSON.stringify(buildChartSpecs(model))).toBe(JSON.stringify(specs));
  });

  test('cost-per-day: every day of byDay, the empty 2025-11-19 as zero, per-model values from the fixture', () => {
    const rows = values(chart(specs, 'cost-per-day'));
    // Days on the axis: exactly the fixture's three days, in order.
    expect([...new Set(rows.map((r) => r.date))]).toEqual(DAYS);
    const cost = (date: string, model: string): number[] =>
      rows.filter((r) => r.date === date && r.model === model).map((r) => r.costUsd as number);
    // By hand from the fixture's byDayAndModel.
    expect(cost('2025-11-18', 'claude-haiku-4-5')).toEqual([0.01]);
    expect(cost('2025-11-18', 'claude-sonnet-4-5')).toEqual([0]);
    expect(cost('2025-11-19', 'claude-haiku-4-5')).toEqual([0]);
    expect(cost('2025-11-19', 'claude-sonnet-4-5')).toEqual([0]);
    expect(cost('2025-11-20', 'claude-haiku-4-5')).toEqual([0.0125]);
    expect(cost('2025-11-20', 'claude-sonnet-4-5')).toEqual([0.04]);
    expect(rows).toHaveLength(6);
    // Legend uses display names, not model ids.
    const models = new Set(rows.map((r) => r.model));
    expect(models).toEqual(new Set(['claude-haiku-4-5', 'claude-sonnet-4-5']));
    expect(JSON.stringify(chart(specs, 'cost-per-day').spec)).toContain('"format":"$');
  });

  test('volume-reliability: succeeded / failed / error rate per day as in the fixture; independent y axes', () => {
    const c = chart(specs, 'volume-reliability');
    const rows = values(c);
    expect(rows.map((r) => r.date)).toEqual(DAYS);
    expect(rows.map((r) => r.failed)).toEqual([1, 0, 0]);
    expect(rows.map((r) => r.succeeded)).toEqual([1, 0, 3]);
    expect(rows.map((r) => r.errorRate)).toEqual([0.5, null, 0]);
    const spec = c.spec as { resolve?: { scale?: { y?: string } } };
    expect(spec.resolve?.scale?.y).toBe('independent');
    expect(JSON.stringify(c.spec)).toContain('"format":".0%"');
  });

  test('model-usage: share of queries and of cost per model, by display name', () => {
    const rows = values(chart(specs, 'model-usage'));
    const by = Object.fromEntries(rows.map((r) => [r.model as string, r]));
    expect(Object.keys(by).sort()).toEqual(['claude-haiku-4-5', 'claude-sonnet-4-5']);
    expect(by['claude-sonnet-4-5']).toMatchObject({ queryShare: 0.5, costShare: 0.64 });
    expect(by['claude-haiku-4-5']).toMatchObject({ queryShare: 0.5, costShare: 0.36 });
  });

  test('efficiency: latency in seconds and tokens per query; the no-data day stays null, never 0', () => {
    const rows = values(chart(specs, 'efficiency'));
    expect(rows.map((r) => r.date)).toEqual(DAYS);
    // Fixture: p50 10000/null/16000 ms, p95 10000/null/20800 ms, tokensPerQuery 6000/null/5666.67.
    expect(rows.map((r) => r.p50Seconds)).toEqual([10, null, 16]);
    expect(rows.map((r) => r.p95Seconds)).toEqual([10, null, 20.8]);
    expect(rows[0]!.tokensPerQuery).toBe(6000);
    expect(rows[1]!.tokensPerQuery).toBeNull();
    expect(rows[2]!.tokensPerQuery).toBeCloseTo(17000 / 3, 6);
  });

  test('more models than colours: the smallest are folded into "Other" in the cost chart', () => {
    // 9 models on one day, model k costs k dollars: the 7 most expensive keep their names,
    // "Other (2 models)" = 1 + 2 = 3 dollars.
    const rowsIn: DayModelRow[] = Array.from({ length: 9 }, (_, i) => ({
      date: '2025-11-20', modelId: `id-${i + 1}`, displayName: `model-${i + 1}`, queries: 1, costUsd: i + 1,
    }));
    const byModel: ModelRow[] = rowsIn.map((r) => ({ ...model.byModel[0]!, modelId: r.modelId, displayName: r.displayName, costUsd: r.costUsd }));
    // byDay consistent with byDayAndModel: all the cost (1 + 2 + ... + 9 = 45) on 2025-11-20.
    const byDay = model.byDay.map((d) => ({ ...d, costUsd: d.date === '2025-11-20' ? 45 : 0 }));
    const many: ReportModel = makeModel({ byDay, byDayAndModel: rowsIn, byModel });
    const rows = values(chart(buildChartSpecs(many), 'cost-per-day')).filter((r) => r.date === '2025-11-20');
    const names = rows.map((r) => r.model);
    expect(names).toEqual(['model-9', 'model-8', 'model-7', 'model-6', 'model-5', 'model-4', 'model-3', 'Other (2 models)']);
    expect(rows.find((r) => r.model === 'Other (2 models)')!.costUsd).toBe(3);
    expect(rows.find((r) => r.model === 'model-9')!.costUsd).toBe(9);
  });
});

describe('buildChartSpecs (edge cases)', () => {
  test('cost of successful rows without a model id is its own grey series, so the stack adds up to byDay', () => {
    // The fixture's 2025-11-20 costs $0.0525 by model; byDay says $0.0725: $0.02 has no model id.
    const base = makeModel();
    const m = makeModel({ byDay: base.byDay.map((d) => (d.date === '2025-11-20' ? { ...d, costUsd: 0.0725 } : d)) });
    const rows = values(chart(buildChartSpecs(m), 'cost-per-day'));
    const noModel = rows.filter((r) => r.model === '(no model id)');
    expect(noModel.map((r) => r.date)).toEqual(DAYS);
    expect(noModel.map((r) => r.modelId)).toEqual([null, null, null]);
    expect(noModel[0]!.costUsd).toBe(0);
    expect(noModel[2]!.costUsd).toBeCloseTo(0.02, 12);
    const day = (d: string) => rows.filter((r) => r.date === d).reduce((a, r) => a + (r.costUsd as number), 0);
    expect(day('2025-11-20')).toBeCloseTo(0.0725, 12);
    // Without such rows there is no such series (the fixture's own model).
    expect(values(chart(buildChartSpecs(base), 'cost-per-day')).some((r) => r.model === '(no model id)')).toBe(false);
  });

  test('model ids named like Object.prototype members are drawn as plain labels', async () => {
    const names = ['constructor', 'toString', '__proto__'];
    const byDayAndModel: DayModelRow[] = names.map((id, i) => ({ date: '2025-11-20', modelId: id, displayName: id, queries: 1, costUsd: i + 1 }));
    const byModel: ModelRow[] = names.map((id, i) => ({ ...makeModel().byModel[0]!, modelId: id, displayName: id, costUsd: i + 1, queries: 1, share: 1 / 3, costShare: (i + 1) / 6 }));
    const byDay = makeModel().byDay.map((d) => ({ ...d, costUsd: d.date === '2025-11-20' ? 6 : 0 }));
    const m = makeModel({ byDay, byDayAndModel, byModel });
    for (const s of buildChartSpecs(m)) {
      const svg = await renderChartSvg(s.spec);
      if (s.name === 'cost-per-day' || s.name === 'model-usage') {
        for (const n of names) expect(texts(svg)).toContain(n);
      }
    }
  });

  test('model usage: an unpriced model with no cost gets no cost bar (null), not a 0% share', () => {
    const base = makeModel();
    const unpriced: ModelRow = {
      ...base.byModel[1]!, modelId: 'my-finetuned-model', displayName: 'my-finetuned-model', priced: false,
      costUsd: 0, costShare: 0, listPriceCostUsd: null, listPriceGapUsd: null, listPriceGapPct: null,
    };
    const c = chart(buildChartSpecs(makeModel({ byModel: [...base.byModel, unpriced] })), 'model-usage');
    const row = values(c).find((r) => r.model === 'my-finetuned-model')!;
    expect(row.costShare).toBeNull();
    expect(JSON.stringify((c.spec as { title?: unknown }).title)).toContain('no cost bar: 1 unpriced model');
  });
});

describe('renderChartSvg (fixture model)', () => {
  const model = makeModel();
  const specs = buildChartSpecs(model);
  const svgs = new Map<string, string>();

  beforeAll(async () => {
    for (const s of specs) svgs.set(s.name, await renderChartSvg(s.spec));
  });

  test('each chart is an SVG about 720 px wide, in DejaVu Sans, with its title drawn as text', () => {
    for (const s of specs) {
      const svg = svgs.get(s.name)!;
      expect(svg.startsWith('<svg')).toBe(true);
      const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)![1]);
      expect(width).toBeGreaterThan(620);
      expect(width).toBeLessThanOrEqual(760);
      expect(texts(svg)).toContain(s.title);
      expect(svg).toContain('font-family="DejaVu Sans"');
    }
  });

  test('cost and model-usage charts show the model display names (not ids)', () => {
    for (const name of ['cost-per-day', 'model-usage']) {
      const t = texts(svgs.get(name)!);
      expect(t).toContain('claude-haiku-4-5');
      expect(t).toContain('claude-sonnet-4-5');
      expect(svgs.get(name)!).not.toContain('us.anthropic.');
    }
  });

  test('cost chart: x axis labels every day, including the empty one; y axis in dollars', () => {
    const t = texts(svgs.get('cost-per-day')!);
    expect(t).toEqual(expect.arrayContaining(['Nov 18', 'Nov 19', 'Nov 20']));
    expect(t.filter((x) => /^\$\d/.test(x)).length).toBeGreaterThanOrEqual(3);
    // Six bars drawn (two models x three days), the sonnet bar on Nov 20 labelled $0.04.
    const bars = markLabels(svgs.get('cost-per-day')!, 'bar');
    expect(bars).toHaveLength(6);
    expect(bars.some((b) => b.includes('2025-11-20') && b.includes('$0.04') && b.includes('claude-sonnet-4-5'))).toBe(true);
  });

  test('volume chart: the error-rate line has no point on the day without queries; percent axis', () => {
    const svg = svgs.get('volume-reliability')!;
    const points = markLabels(svg, 'point');
    expect(points).toHaveLength(2);
    expect(points.join('|')).not.toContain('2025-11-19');
    expect(points.find((p) => p.includes('2025-11-18'))).toContain('50%');
    expect(texts(svg)).toEqual(expect.arrayContaining(['0%', '50%', 'Succeeded', 'Failed', 'Error rate']));
  });

  test('efficiency chart: nulls are not drawn (4 latency points + 2 token points, none on Nov 19)', () => {
    const points = markLabels(svgs.get('efficiency')!, 'point');
    expect(points.filter((p) => p.includes('Latency'))).toHaveLength(4);
    expect(points.filter((p) => p.includes('Tokens'))).toHaveLength(2);
    expect(points.join('|')).not.toContain('2025-11-19');
    // No point plotted at zero latency.
    expect(points.filter((p) => /Latency \(s\): 0(;|$)/.test(p))).toHaveLength(0);
  });

  test('a window with no queries still renders all four charts', async () => {
    const empty = makeModel({
      byDay: makeModel().byDay.map((d) => ({ ...d, queries: 0, succeeded: 0, failed: 0, errorRate: null, costUsd: 0, tokensPerQuery: null, latencyMs: { p50: null, p95: null } })),
      byDayAndModel: [],
      byModel: [],
    });
    for (const s of buildChartSpecs(empty)) {
      const svg = await renderChartSvg(s.spec);
      expect(texts(svg)).toContain(s.title);
    }
  });
});

describe('renderCharts', () => {
  test('four RenderedCharts in order with SVG and a 2x PNG whose IHDR matches', async () => {
    const charts = await renderCharts(makeModel());
    expect(charts.map((c) => c.name)).toEqual(['cost-per-day', 'volume-reliability', 'model-usage', 'efficiency']);
    for (const c of charts) {
      expect(c.svg).toContain(`width="${c.width}"`);
      expect(c.svg).toContain(`height="${c.height}"`);
      expect([...c.png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      const dv = new DataView(c.png.buffer, c.png.byteOffset, c.png.byteLength);
      expect(dv.getUint32(16)).toBe(c.width * 2);
      expect(Math.abs(dv.getUint32(20) - c.height * 2)).toBeLessThanOrEqual(1);
    }
  });
});

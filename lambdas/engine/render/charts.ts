/**
 * The four executive charts, built as Vega-Lite specs from a `ReportModel` and
 * rendered to SVG (vega, headless, renderer 'none') and PNG (resvg, bundled font).
 *
 * `buildChartSpecs` is pure: every spec carries its data inline as `data.values`
 * at the top level, so a spec is a self-contained, reproducible artefact.
 * `null` in the model ("no data") stays `null` in the data and is never drawn as zero.
 */
import { compile } from 'vega-lite';
import type { Config, TopLevelSpec } from 'vega-lite';
import * as vega from 'vega';
import type { ReportModel } from '../report-model.js';
import type { ChartName, RenderedChart } from './types.js';
import { measureText, svgToPng } from './png.js';

export interface ChartSpec {
  name: ChartName;
  title: string;
  /** One sentence saying what the chart shows (alt text). */
  description: string;
  spec: TopLevelSpec;
}

/** Okabe-Ito, the colour-blind-safe qualitative palette (yellow last: weak on white). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'] as const;
/** Colour of the "Other" series when there are more models than colours. */
export const OTHER_COLOUR = '#999999';
export const SUCCEEDED_COLOUR = '#56B4E9';
export const FAILED_COLOUR = '#D55E00';
export const ERROR_RATE_COLOUR = '#000000';
export const P50_COLOUR = '#0072B2';
export const P95_COLOUR = '#E69F00';
export const TOKENS_COLOUR = '#009E73';

/** Overall chart width in CSS pixels (the PNG is rendered at twice this). */
export const CHART_WIDTH = 720;
/** PNG scale factor for crisp images in email clients on high-DPI screens. */
export const PNG_SCALE = 2;

const FONT = 'DejaVu Sans';
const TEXT = '#222222';
const MUTED = '#555555';
const GRID = '#e3e3e3';

/** The shared theme: one font (the one bundled for PNG rendering), readable sizes, quiet grid. */
export const THEME: Config = {
  background: 'white',
  padding: 12,
  font: FONT,
  view: { stroke: null },
  title: {
    font: FONT, fontSize: 17, fontWeight: 'bold', color: TEXT, anchor: 'start', offset: 12,
    subtitleFont: FONT, subtitleFontSize: 12, subtitleColor: MUTED, subtitlePadding: 4,
  },
  axis: {
    labelFont: FONT, labelFontSize: 11, labelColor: MUTED, titleFont: FONT, titleFontSize: 12,
    titleFontWeight: 'normal', titleColor: TEXT, gridColor: GRID, domainColor: '#999999', tickColor: '#999999',
    labelOverlap: true, labelPadding: 4, titlePadding: 8,
  },
  legend: {
    labelFont: FONT, labelFontSize: 11, labelColor: TEXT, titleFont: FONT, titleFontSize: 12, titleFontWeight: 'normal',
    titleColor: TEXT, orient: 'bottom', direction: 'horizontal', symbolSize: 120, columnPadding: 16, labelLimit: 260,
  },
  header: { labelFont: FONT, titleFont: FONT },
  text: { font: FONT, fontSize: 11, color: TEXT },
  range: { category: [...PALETTE] },
  concat: { spacing: 24 },
};

// ---------------------------------------------------------------------------------------------
// Small formatting helpers (kept local: these strings end up in titles and alt text)

const usd = (v: number): string =>
  v === 0 ? '$0' : Math.abs(v) < 1 ? `$${v.toFixed(v < 0.01 ? 4 : 3)}` : `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** d3 format for a USD axis whose largest value is `max`. */
function usdAxisFormat(max: number): string {
  if (max >= 100) return '$,.0f';
  if (max >= 1) return '$,.2f';
  if (max >= 0.1) return '$,.2f';
  return '$,.3~f';
}

/** The x axis of every daily chart: the report's days as an ordinal domain, labelled like "Nov 18". */
function dayAxisDomain(model: ReportModel): string[] {
  const days = new Set(model.byDay.map((d) => d.date));
  for (const r of model.byDayAndModel) days.add(r.date);
  return [...days].sort();
}

function dayX(days: string[], opts: { title?: string | null; labels?: boolean } = {}) {
  const many = days.length > 16;
  return {
    field: 'date',
    type: 'ordinal' as const,
    scale: { domain: days },
    sort: days,
    title: opts.title === undefined ? null : opts.title,
    axis: {
      labels: opts.labels ?? true,
      // Date-only ISO strings parse as UTC midnight, so format in UTC: no time-zone shift.
      labelExpr: "utcFormat(toDate(datum.value), '%b %-d')",
      labelAngle: many ? -45 : 0,
      labelAlign: many ? ('right' as const) : ('center' as const),
      ticks: false,
      grid: false,
    },
  };
}

/** Per model: the label shown in legends (display name, or model id when two share a display name). */
function modelLabels(model: ReportModel): Map<string, string> {
  const ids: string[] = [];
  const display = new Map<string, string>();
  for (const m of model.byModel) if (!display.has(m.modelId)) { ids.push(m.modelId); display.set(m.modelId, m.displayName); }
  for (const r of model.byDayAndModel) if (!display.has(r.modelId)) { ids.push(r.modelId); display.set(r.modelId, r.displayName); }
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(display.get(id)!, (counts.get(display.get(id)!) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const id of ids) {
    const name = display.get(id)!;
    out.set(id, (counts.get(name) ?? 0) > 1 || name === '' ? id : name);
  }
  return out;
}

function baseTitle(text: string, subtitle: string) {
  return { text, subtitle };
}

// ---------------------------------------------------------------------------------------------
// 1. Cost per day, stacked by model

export interface CostDatum { date: string; model: string; modelId: string; costUsd: number; order: number }

function costPerDay(model: ReportModel): ChartSpec {
  const days = dayAxisDomain(model);
  const labels = modelLabels(model);
  // Order the series by window cost, largest first (bottom of the stack, first in the legend).
  const costById = new Map<string, number>();
  for (const r of model.byDayAndModel) costById.set(r.modelId, (costById.get(r.modelId) ?? 0) + r.costUsd);
  const ids = [...labels.keys()].sort((a, b) => (costById.get(b) ?? 0) - (costById.get(a) ?? 0));
  // More models than colours: keep the top ones, fold the rest into "Other".
  const maxSeries = PALETTE.length;
  const kept = ids.length > maxSeries ? ids.slice(0, maxSeries - 1) : ids;
  const otherIds = ids.slice(kept.length);
  const otherLabel = `Other (${otherIds.length} models)`;
  const seriesOf = (id: string): string => (kept.includes(id) ? labels.get(id)! : otherLabel);
  const series = [...kept.map((id) => labels.get(id)!), ...(otherIds.length ? [otherLabel] : [])];
  const seriesId = (s: string): string => kept.find((id) => labels.get(id) === s) ?? 'other';

  // One entry per day and series, zero when there is no row: every day shows on the axis.
  const cell = new Map<string, number>();
  for (const r of model.byDayAndModel) {
    const key = `${r.date}\u0000${seriesOf(r.modelId)}`;
    cell.set(key, (cell.get(key) ?? 0) + r.costUsd);
  }
  const values: CostDatum[] = [];
  for (const date of days) {
    series.forEach((s, order) => {
      values.push({ date, model: s, modelId: seriesId(s), costUsd: cell.get(`${date}\u0000${s}`) ?? 0, order });
    });
  }
  const dayTotals = days.map((d) => values.filter((v) => v.date === d).reduce((a, v) => a + v.costUsd, 0));
  const maxDay = Math.max(0, ...dayTotals);
  const total = dayTotals.reduce((a, b) => a + b, 0);
  const range = series.map((_, i) => (i < kept.length ? PALETTE[i % PALETTE.length] : OTHER_COLOUR));

  const title = 'Cost per day by model (USD)';
  const { from, to, timezone } = model.window;
  const subtitle = `${from} to ${to} (${timezone}) · total ${usd(total)}`;
  const description = `Stacked bars of the cost in US dollars for each day from ${from} to ${to}, split by model (${series.join(', ') || 'no models'}); the window total is ${usd(total)}.`;
  const yScale = maxDay > 0 ? { zero: true, nice: true } : { domain: [0, 1] };
  const format = usdAxisFormat(maxDay);

  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: THEME,
    title: baseTitle(title, subtitle),
    description,
    width: CHART_WIDTH - 90,
    height: 280,
    data: { values },
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.7 } },
        encoding: {
          x: dayX(days),
          y: { field: 'costUsd', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'Cost (USD)', scale: yScale, axis: { format, tickCount: 5 } },
          color: {
            field: 'model', type: 'nominal', title: null,
            scale: { domain: series.length ? series : ['(no model)'], range: range.length ? range : [PALETTE[0]] },
            // Wrap long legends into rows so they stay within the chart width.
            legend: series.length ? { symbolType: 'square', columns: series.length <= 4 ? series.length : 3 } : null,
          },
          order: { field: 'order', type: 'quantitative', sort: 'ascending' },
        },
      },
      ...(days.length <= 21
        ? [{
            transform: [{ aggregate: [{ op: 'sum' as const, field: 'costUsd', as: 'dayTotal' }], groupby: ['date'] }],
            mark: { type: 'text' as const, dy: -7, fontSize: 10, color: MUTED },
            encoding: {
              x: dayX(days),
              y: { field: 'dayTotal', type: 'quantitative' as const },
              text: { field: 'dayTotal', type: 'quantitative' as const, format },
            },
          }]
        : []),
    ],
  };
  return { name: 'cost-per-day', title, description, spec };
}

// ---------------------------------------------------------------------------------------------
// 2. Volume and reliability

export interface VolumeDatum { date: string; queries: number; succeeded: number; failed: number; errorRate: number | null }

function volumeReliability(model: ReportModel): ChartSpec {
  const days = dayAxisDomain(model);
  const byDate = new Map(model.byDay.map((d) => [d.date, d]));
  const values: VolumeDatum[] = days.map((date) => {
    const d = byDate.get(date);
    return { date, queries: d?.queries ?? 0, succeeded: d?.succeeded ?? 0, failed: d?.failed ?? 0, errorRate: d ? d.errorRate : null };
  });
  const maxQueries = Math.max(0, ...values.map((v) => v.queries));
  const maxRate = Math.max(0, ...values.map((v) => v.errorRate ?? 0));
  const t = model.totals;
  const title = 'Queries per day and error rate';
  const subtitle = `${int(t.queries)} queries, ${int(t.failed)} failed (${t.errorRate === null ? 'no queries' : pct(t.errorRate)} error rate) · bars: left axis, line: right axis`;
  const description = `Stacked bars of succeeded and failed queries for each day from ${model.window.from} to ${model.window.to}, with the daily error rate as a line on a separate percent axis; ${int(t.failed)} of ${int(t.queries)} queries failed.`;
  const legendDomain = ['Succeeded', 'Failed', 'Error rate'];
  const colour = { domain: legendDomain, range: [SUCCEEDED_COLOUR, FAILED_COLOUR, ERROR_RATE_COLOUR] };

  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: THEME,
    title: baseTitle(title, subtitle),
    description,
    width: CHART_WIDTH - 150,
    height: 280,
    data: { values },
    layer: [
      {
        transform: [
          { fold: ['succeeded', 'failed'], as: ['status', 'count'] },
          { calculate: "datum.status === 'failed' ? 'Failed' : 'Succeeded'", as: 'statusLabel' },
          { calculate: "datum.status === 'failed' ? 1 : 0", as: 'stackOrder' },
        ],
        mark: { type: 'bar', width: { band: 0.7 } },
        encoding: {
          x: dayX(days),
          y: {
            field: 'count', type: 'quantitative', stack: 'zero', title: 'Queries',
            scale: maxQueries > 0 ? { zero: true, nice: true } : { domain: [0, 1] },
            axis: { format: ',d', tickMinStep: 1, tickCount: 5 },
          },
          color: {
            field: 'statusLabel', type: 'nominal', title: null, scale: colour,
            legend: {
              // Bars as squares, the error-rate line as a line.
              encoding: {
                symbols: {
                  shape: { condition: { test: "datum.value === 'Error rate'", value: 'stroke' }, value: 'square' },
                  stroke: { condition: { test: "datum.value === 'Error rate'", value: ERROR_RATE_COLOUR }, value: 'transparent' },
                  strokeWidth: { value: 3 },
                },
              },
            },
          },
          order: { field: 'stackOrder', type: 'quantitative', sort: 'ascending' },
        },
      },
      {
        mark: { type: 'line', strokeWidth: 2.5, point: { filled: true, size: 50 }, invalid: 'break-paths-show-domains' },
        encoding: {
          x: dayX(days),
          y: {
            field: 'errorRate', type: 'quantitative', title: 'Error rate',
            scale: { domain: [0, Math.max(0.05, maxRate)], nice: true },
            axis: { format: '.0%', orient: 'right', grid: false, tickCount: 5 },
          },
          color: { datum: 'Error rate', type: 'nominal', scale: colour },
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
  return { name: 'volume-reliability', title, description, spec };
}

// ---------------------------------------------------------------------------------------------
// 3. Model usage: share of queries and share of cost

export interface ModelUsageDatum {
  model: string; modelId: string; queries: number; queryShare: number; costUsd: number; costShare: number | null; order: number;
}

function modelUsage(model: ReportModel): ChartSpec {
  const labels = modelLabels(model);
  const rows = [...model.byModel].sort((a, b) => b.queries - a.queries || b.costUsd - a.costUsd);
  const values: ModelUsageDatum[] = rows.map((m, order) => ({
    model: labels.get(m.modelId) ?? m.displayName,
    modelId: m.modelId,
    queries: m.queries,
    queryShare: m.share,
    costUsd: m.costUsd,
    costShare: m.costShare,
    order,
  }));
  // The same colour per model as in the cost chart (cost order).
  const costOrder = [...labels.keys()].sort((a, b) => {
    const ca = model.byDayAndModel.filter((r) => r.modelId === a).reduce((s, r) => s + r.costUsd, 0);
    const cb = model.byDayAndModel.filter((r) => r.modelId === b).reduce((s, r) => s + r.costUsd, 0);
    return cb - ca;
  });
  const colourDomain = costOrder.map((id) => labels.get(id)!);
  const colourRange = colourDomain.map((_, i) => (i < PALETTE.length - 1 || colourDomain.length <= PALETTE.length ? PALETTE[i % PALETTE.length] : OTHER_COLOUR));
  const order = values.map((v) => v.model);
  const top = values[0];
  const title = 'Model usage: share of queries and share of cost';
  const subtitle = values.length
    ? `${values.length} model${values.length === 1 ? '' : 's'} · share of rows that name a model, and of the window cost`
    : 'No rows name a model in this window';
  const description = values.length
    ? `Horizontal bars comparing each model's share of queries with its share of cost; ${top!.model} has ${pct(top!.queryShare)} of queries and ${top!.costShare === null ? 'no' : pct(top!.costShare)} of cost.`
    : 'Horizontal bars comparing each model\'s share of queries with its share of cost; there were no queries in the window.';
  const maxLabel = Math.max(0, ...order.map((s) => s.length));
  // DejaVu Sans averages ~0.62 em per character at 12 px; the axis sizes itself to the real labels.
  const labelWidth = Math.min(240, 12 + Math.ceil(maxLabel * 12 * 0.62));
  const panelWidth = Math.max(160, Math.floor((CHART_WIDTH - labelWidth - 60) / 2));
  const maxShare = Math.max(0, ...values.flatMap((v) => [v.queryShare, v.costShare ?? 0]));
  const shareMax = maxShare > 0 ? Math.min(1, maxShare * 1.12) : 1;

  const panel = (field: 'queryShare' | 'costShare', heading: string, showLabels: boolean) => ({
    width: panelWidth,
    height: { step: 30 },
    title: { text: heading, fontSize: 13, fontWeight: 'normal' as const, anchor: 'start' as const, offset: 6, subtitle: '' },
    transform: [{ filter: `isValid(datum.${field})` }],
    layer: [
      {
        mark: { type: 'bar' as const, height: { band: 0.7 } },
        encoding: {
          y: {
            field: 'model', type: 'nominal' as const, sort: order, scale: { domain: order }, title: null,
            axis: showLabels ? { labels: true, ticks: false, labelLimit: 240, labelFontSize: 12, labelColor: TEXT } : { labels: false, ticks: false, domain: false },
          },
          x: { field, type: 'quantitative' as const, title: null, scale: { domain: [0, shareMax], nice: true }, axis: { format: '.0%', tickCount: 5 } },
          color: { field: 'model', type: 'nominal' as const, legend: null, scale: { domain: colourDomain, range: colourRange } },
        },
      },
      {
        mark: { type: 'text' as const, align: 'left' as const, dx: 4, fontSize: 11 },
        encoding: {
          y: { field: 'model', type: 'nominal' as const, sort: order, scale: { domain: order } },
          x: { field, type: 'quantitative' as const },
          text: { field, type: 'quantitative' as const, format: '.1%' },
        },
      },
    ],
  });

  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: THEME,
    title: baseTitle(title, subtitle),
    description,
    data: { values },
    hconcat: [panel('queryShare', 'Share of queries', true), panel('costShare', 'Share of cost', false)],
    resolve: { scale: { color: 'shared' } },
  };
  return { name: 'model-usage', title, description, spec };
}

// ---------------------------------------------------------------------------------------------
// 4. Efficiency: latency p50/p95 and tokens per query, per day

export interface EfficiencyDatum { date: string; p50Seconds: number | null; p95Seconds: number | null; tokensPerQuery: number | null }

function efficiency(model: ReportModel): ChartSpec {
  const days = dayAxisDomain(model);
  const byDate = new Map(model.byDay.map((d) => [d.date, d]));
  const sec = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : ms / 1000);
  const values: EfficiencyDatum[] = days.map((date) => {
    const d = byDate.get(date);
    return { date, p50Seconds: sec(d?.latencyMs.p50), p95Seconds: sec(d?.latencyMs.p95), tokensPerQuery: d ? d.tokensPerQuery : null };
  });
  const lat = model.latencyMs;
  const title = 'Latency and tokens per query, per day';
  const latText = lat.p50 === null ? 'no latency data' : `window p50 ${(lat.p50 / 1000).toFixed(1)} s, p95 ${lat.p95 === null ? 'n/a' : `${(lat.p95 / 1000).toFixed(1)} s`}`;
  const tpq = model.efficiency.tokensPerQuery;
  const subtitle = `${latText} · ${tpq === null ? 'no token data' : `${int(tpq)} tokens per query`} · successful queries only; gaps: no data`;
  const description = `Two panels sharing the date axis from ${model.window.from} to ${model.window.to}: median (p50) and 95th-percentile latency in seconds per day, and average total tokens per successful query per day; days without data are left blank.`;
  const anyLatency = values.some((v) => v.p50Seconds !== null || v.p95Seconds !== null);
  const anyTokens = values.some((v) => v.tokensPerQuery !== null);
  const lineMark = { type: 'line' as const, strokeWidth: 2.5, point: { filled: true, size: 55 }, invalid: 'break-paths-show-domains' as const };

  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: THEME,
    title: baseTitle(title, subtitle),
    description,
    data: { values },
    vconcat: [
      {
        width: CHART_WIDTH - 90,
        height: 170,
        transform: [
          { fold: ['p50Seconds', 'p95Seconds'], as: ['percentile', 'seconds'] },
          { calculate: "datum.percentile === 'p50Seconds' ? 'p50 (median)' : 'p95'", as: 'series' },
        ],
        mark: lineMark,
        encoding: {
          x: dayX(days, { labels: false }),
          y: { field: 'seconds', type: 'quantitative', title: 'Latency (s)', scale: anyLatency ? { zero: true } : { domain: [0, 1] }, axis: { format: ',.3~r', tickCount: 4 } },
          color: {
            field: 'series', type: 'nominal', title: null,
            scale: { domain: ['p50 (median)', 'p95'], range: [P50_COLOUR, P95_COLOUR] },
            legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 3, offset: 6 },
          },
        },
      },
      {
        width: CHART_WIDTH - 90,
        height: 130,
        mark: { ...lineMark, color: TOKENS_COLOUR, point: { filled: true, size: 55, color: TOKENS_COLOUR } },
        encoding: {
          x: dayX(days),
          y: { field: 'tokensPerQuery', type: 'quantitative', title: 'Tokens / query', scale: anyTokens ? { zero: true } : { domain: [0, 1] }, axis: { format: ',.0f', tickCount: 4 } },
        },
      },
    ],
    resolve: { scale: { x: 'shared', color: 'independent' } },
    spacing: 12,
  };
  return { name: 'efficiency', title, description, spec };
}

// ---------------------------------------------------------------------------------------------

/** The four chart specs, in report order. Pure: no I/O, data inlined. */
export function buildChartSpecs(model: ReportModel): ChartSpec[] {
  return [costPerDay(model), volumeReliability(model), modelUsage(model), efficiency(model)];
}

interface TextItem { fontSize?: number | string | null; fontWeight?: number | string | null; limit?: number | null }
type TextMetrics = { width: (item: TextItem, text: unknown) => number };
let metricsInstalled = false;

/**
 * Without a canvas, Vega estimates every character as 0.8 em wide, which over-sizes the
 * layout. Vega supports a user-defined `textMetrics.width` (vl-convert does the same):
 * measure with the advance widths of the DejaVu Sans fonts that the PNG is drawn with.
 * Vega calls it with raw text, both for bounds and for truncation against `item.limit`;
 * capping at the limit gives the truncated width for bounds and still lets truncation work.
 */
function useBundledFontMetrics(): void {
  if (metricsInstalled) return;
  const tm = (vega as unknown as { textMetrics?: TextMetrics }).textMetrics;
  if (!tm) return; // keep Vega's estimate
  tm.width = (item, text) => {
    const str = text === null || text === undefined ? '' : String(text).trim();
    const size = item.fontSize !== null && item.fontSize !== undefined ? Number(item.fontSize) || 0 : 11;
    if (!str || size <= 0) return 0;
    const w = item.fontWeight;
    const bold = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || (typeof w === 'string' && Number(w) >= 600);
    const width = measureText(str, size, bold);
    const limit = Number(item.limit);
    return limit > 0 ? Math.min(width, limit) : width;
  };
  metricsInstalled = true;
}

/** Compile a Vega-Lite spec and render it headlessly (no canvas) to an SVG string. */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  useBundledFontMetrics();
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Width and height (CSS pixels) from an SVG root element. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!Number.isFinite(width) || !Number.isFinite(height)) throw new Error('SVG has no numeric width/height');
  return { width, height };
}

/**
 * All four charts as SVG and PNG. `width`/`height` are the SVG's size in CSS pixels;
 * the PNG is rendered at `PNG_SCALE` times that width for crisp images in email.
 */
export async function renderCharts(model: ReportModel): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const c of buildChartSpecs(model)) {
    const svg = await renderChartSvg(c.spec);
    const { width, height } = svgSize(svg);
    const png = await svgToPng(svg, { width: Math.round(width * PNG_SCALE) });
    out.push({ name: c.name, title: c.title, description: c.description, svg, png, width, height });
  }
  return out;
}

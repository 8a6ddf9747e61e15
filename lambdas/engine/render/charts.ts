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
const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** d3 format for a USD axis whose largest value is `max`. */
function usdAxisFormat(max: number): string {
  if (max >= 100) return '$,.0f';
  if (max >= 1) return '$,.2f';
  if (max >= 0.1) return '$,.2f';
  return '$,.3~f';
}

// ---------------------------------------------------------------------------------------------
// Time axis: one bar per day for short windows, per week or per calendar month for long ones.
//
// Nothing here may grow into a Vega *expression* with one entry per day or per model: Vega's
// expression parser recurses once per `a ? b : c` level (an explicit Vega-Lite `sort` array of
// ~950 days overflows the call stack), and it parses a string literal that happens to be an
// Object.prototype name ("toString", "constructor", ...) as an identifier. So the order of a
// discrete axis comes from the scale's `domain` (a plain JSON array, not an expression), never
// from a `sort` array, and data values (dates, model names) never appear inside expressions.

/** Bar granularity of the time charts. */
export type Grain = 'day' | 'week' | 'month';

/** Windows up to this many days get one bar per day. */
export const DAILY_MAX_DAYS = 120;
/** Windows up to this many days (and more than DAILY_MAX_DAYS) get one bar per week; longer ones, one per month. */
export const WEEKLY_MAX_DAYS = 730;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` -> ms since the epoch at UTC midnight (report days are calendar days, not instants). */
function dayMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function msDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The grain for a span of `days` calendar days. */
export function chartGrain(days: number): Grain {
  return days <= DAILY_MAX_DAYS ? 'day' : days <= WEEKLY_MAX_DAYS ? 'week' : 'month';
}

interface TimeAxis {
  grain: Grain;
  /** Every day on the axis, sorted. */
  days: string[];
  /** Bucket keys in order: the first day of each bucket that lies on the axis (`YYYY-MM-DD`). */
  buckets: string[];
  /** The bucket key of a day. */
  bucketOf: (date: string) => string;
}

/** The report's days, from byDay and byDayAndModel, sorted. */
function axisDays(model: ReportModel): string[] {
  const days = new Set(model.byDay.map((d) => d.date));
  for (const r of model.byDayAndModel) days.add(r.date);
  return [...days].sort();
}

function timeAxis(model: ReportModel): TimeAxis {
  const days = axisDays(model);
  const first = days[0];
  const span = first === undefined ? 0 : Math.round((dayMs(days[days.length - 1]!) - dayMs(first)) / DAY_MS) + 1;
  const grain = chartGrain(span);
  const start = (date: string): string => {
    if (grain === 'day') return date;
    // Weeks run Monday to Sunday; months are calendar months. A bucket that starts before the
    // first day on the axis is keyed (and labelled) by that first day: it is a partial bucket.
    const ms = dayMs(date);
    const s = grain === 'week' ? msDay(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS) : `${date.slice(0, 7)}-01`;
    return first !== undefined && s < first ? first : s;
  };
  const buckets: string[] = [];
  for (const d of days) {
    const b = start(d);
    if (buckets[buckets.length - 1] !== b) buckets.push(b);
  }
  return { grain, days, buckets, bucketOf: start };
}

/** Says what one bar (or point) of a time chart is. */
function grainNote(grain: Grain, mark: 'bar' | 'point'): string {
  if (grain === 'day') return `one ${mark} per day`;
  if (grain === 'week') return `one ${mark} per week, Mon–Sun (first and last may be partial)`;
  return `one ${mark} per calendar month (first and last may be partial)`;
}

const GRAIN_LABEL_FORMAT: Record<Grain, string> = { day: '%b %-d', week: '%b %-d, %Y', month: '%b %Y' };

/** The x axis of the bar charts: the buckets as an ordinal domain (order from the domain, no `sort` array). */
function bucketX(axis: TimeAxis, opts: { title?: string | null; labels?: boolean } = {}) {
  const many = axis.buckets.length > 16;
  return {
    field: 'date',
    type: 'ordinal' as const,
    scale: { domain: axis.buckets },
    title: opts.title === undefined ? null : opts.title,
    axis: {
      labels: opts.labels ?? true,
      // Date-only ISO strings parse as UTC midnight, so format in UTC: no time-zone shift.
      labelExpr: `utcFormat(toDate(datum.value), '${GRAIN_LABEL_FORMAT[axis.grain]}')`,
      labelAngle: many ? -45 : 0,
      labelAlign: many ? ('right' as const) : ('center' as const),
      ticks: false,
      grid: false,
    },
  };
}

/** Largest of `values` and 0 (a loop: no spread of a per-day array into arguments). */
function maxOf(values: Iterable<number>): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
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

function baseTitle(text: string, subtitle: string | string[]) {
  return { text, subtitle };
}

// ---------------------------------------------------------------------------------------------
// 1. Cost over time, stacked by model

/** Legend label of the cost of successful rows that have no model id (byDay cost not in byDayAndModel). */
export const NO_MODEL_LABEL = '(no model id)';
/** Colour of that series: a light grey, apart from the palette and from "Other". */
export const NO_MODEL_COLOUR = '#C8C8C8';
/** A day's unattributed cost below this is floating-point noise, not a series. */
const RESIDUAL_EPSILON = 1e-12;

/** `modelId` is null for the "(no model id)" series and "other" for the folded "Other" series. */
export interface CostDatum { date: string; model: string; modelId: string | null; costUsd: number; order: number }

function costPerDay(model: ReportModel): ChartSpec {
  const axis = timeAxis(model);
  const labels = modelLabels(model);
  // Order the series by window cost, largest first (bottom of the stack, first in the legend).
  const costById = new Map<string, number>();
  const attributed = new Map<string, number>();
  for (const r of model.byDayAndModel) {
    costById.set(r.modelId, (costById.get(r.modelId) ?? 0) + r.costUsd);
    attributed.set(r.date, (attributed.get(r.date) ?? 0) + r.costUsd);
  }
  const ids = [...labels.keys()].sort((a, b) => (costById.get(b) ?? 0) - (costById.get(a) ?? 0));
  // More models than colours: keep the top ones, fold the rest into "Other".
  const maxSeries = PALETTE.length;
  const kept = ids.length > maxSeries ? ids.slice(0, maxSeries - 1) : ids;
  const keptSet = new Set(kept);
  const otherIds = ids.slice(kept.length);
  const otherLabel = `Other (${otherIds.length} models)`;
  const seriesOf = (id: string): string => (keptSet.has(id) ? labels.get(id)! : otherLabel);

  // Successful rows without a model id have a cost in byDay but no byDayAndModel row: without
  // this series the stacked total would fall short of the headline cost.
  const residual = new Map<string, number>();
  for (const d of model.byDay) {
    const rest = d.costUsd - (attributed.get(d.date) ?? 0);
    if (rest > RESIDUAL_EPSILON) residual.set(d.date, rest);
  }
  const modelSeries = [...kept.map((id) => labels.get(id)!), ...(otherIds.length ? [otherLabel] : [])];
  let noModelLabel = NO_MODEL_LABEL;
  while (modelSeries.includes(noModelLabel)) noModelLabel = `${noModelLabel} `;
  const series = [...modelSeries, ...(residual.size ? [noModelLabel] : [])];
  const seriesIds = new Map<string, string | null>(kept.map((id) => [labels.get(id)!, id]));
  if (otherIds.length) seriesIds.set(otherLabel, 'other');
  seriesIds.set(noModelLabel, null);

  // One entry per bucket and series, zero when there is no row: every bucket shows on the axis.
  const cell = new Map<string, number>();
  const add = (date: string, s: string, v: number): void => {
    const key = `${axis.bucketOf(date)}\u0000${s}`;
    cell.set(key, (cell.get(key) ?? 0) + v);
  };
  for (const r of model.byDayAndModel) add(r.date, seriesOf(r.modelId), r.costUsd);
  for (const [date, v] of residual) add(date, noModelLabel, v);
  const values: CostDatum[] = [];
  const bucketTotals: number[] = [];
  for (const date of axis.buckets) {
    let sum = 0;
    series.forEach((s, order) => {
      const costUsd = cell.get(`${date}\u0000${s}`) ?? 0;
      sum += costUsd;
      values.push({ date, model: s, modelId: seriesIds.get(s) ?? null, costUsd, order });
    });
    bucketTotals.push(sum);
  }
  const maxBucket = maxOf(bucketTotals);
  const total = bucketTotals.reduce((a, b) => a + b, 0);
  const range = series.map((s, i) => (s === noModelLabel ? NO_MODEL_COLOUR : i < kept.length ? PALETTE[i % PALETTE.length] : OTHER_COLOUR));

  const title = `Cost per ${axis.grain} by model (USD)`;
  const { from, to, timezone } = model.window;
  const subtitle = [`${from} to ${to} (${timezone}) · total ${usd(total)}`, grainNote(axis.grain, 'bar')];
  const description = `Stacked bars of the cost in US dollars for each ${axis.grain} from ${from} to ${to}, split by model (${series.join(', ') || 'no models'}); the window total is ${usd(total)}.`;
  const yScale = maxBucket > 0 ? { zero: true, nice: true } : { domain: [0, 1] };
  const format = usdAxisFormat(maxBucket);

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
          x: bucketX(axis),
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
      ...(axis.buckets.length <= 21
        ? [{
            transform: [{ aggregate: [{ op: 'sum' as const, field: 'costUsd', as: 'dayTotal' }], groupby: ['date'] }],
            mark: { type: 'text' as const, dy: -7, fontSize: 10, color: MUTED },
            encoding: {
              x: bucketX(axis),
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
  const axis = timeAxis(model);
  // Counts add up over a week or month; the error rate is recomputed from the sums.
  const sums = new Map<string, { queries: number; succeeded: number; failed: number; rate: number | null; days: number }>();
  for (const b of axis.buckets) sums.set(b, { queries: 0, succeeded: 0, failed: 0, rate: null, days: 0 });
  for (const d of model.byDay) {
    const s = sums.get(axis.bucketOf(d.date))!;
    s.queries += d.queries;
    s.succeeded += d.succeeded;
    s.failed += d.failed;
    s.rate = d.errorRate;
    s.days += 1;
  }
  const values: VolumeDatum[] = axis.buckets.map((date) => {
    const s = sums.get(date)!;
    // One day per bucket: the model's own rate; otherwise failed / queries over the bucket.
    const errorRate = axis.grain === 'day' ? (s.days ? s.rate : null) : s.queries > 0 ? s.failed / s.queries : null;
    return { date, queries: s.queries, succeeded: s.succeeded, failed: s.failed, errorRate };
  });
  const maxQueries = maxOf(values.map((v) => v.queries));
  const maxRate = maxOf(values.map((v) => v.errorRate ?? 0));
  const t = model.totals;
  const title = `Queries per ${axis.grain} and error rate`;
  const subtitle = [
    `${int(t.queries)} ${plural(t.queries, 'query', 'queries')}, ${int(t.failed)} failed (${t.errorRate === null ? 'no queries' : pct(t.errorRate)} error rate) · bars: left axis, line: right axis`,
    grainNote(axis.grain, 'bar'),
  ];
  const description = `Stacked bars of succeeded and failed queries for each ${axis.grain} from ${model.window.from} to ${model.window.to}, with the ${axis.grain === 'day' ? 'daily' : `${axis.grain}ly`} error rate (failed / queries) as a line on a separate percent axis; ${int(t.failed)} of ${int(t.queries)} ${plural(t.queries, 'query', 'queries')} failed.`;
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
          x: bucketX(axis),
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
          x: bucketX(axis),
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
    // A model without a price and no cost is not free: no cost share rather than a 0% bar.
    costShare: !m.priced && m.costUsd === 0 ? null : m.costShare,
    order,
  }));
  const unpricedShown = values.filter((v) => v.costShare === null).length;
  // The same colour per model as in the cost chart (cost order).
  const costById = new Map<string, number>();
  for (const r of model.byDayAndModel) costById.set(r.modelId, (costById.get(r.modelId) ?? 0) + r.costUsd);
  const costOrder = [...labels.keys()].sort((a, b) => (costById.get(b) ?? 0) - (costById.get(a) ?? 0));
  const colourDomain = costOrder.map((id) => labels.get(id)!);
  const colourRange = colourDomain.map((_, i) => (i < PALETTE.length - 1 || colourDomain.length <= PALETTE.length ? PALETTE[i % PALETTE.length] : OTHER_COLOUR));
  const order = values.map((v) => v.model);
  const top = values[0];
  const title = 'Model usage: share of queries and share of cost';
  const subtitle = values.length
    ? `${values.length} model${values.length === 1 ? '' : 's'} · share of rows that name a model, and of the window cost${unpricedShown ? ` · no cost bar: ${unpricedShown} unpriced model${unpricedShown === 1 ? '' : 's'}` : ''}`
    : 'No rows name a model in this window';
  const description = values.length
    ? `Horizontal bars comparing each model's share of queries with its share of cost; ${top!.model} has ${pct(top!.queryShare)} of queries and ${top!.costShare === null ? 'no' : pct(top!.costShare)} of cost.`
    : 'Horizontal bars comparing each model\'s share of queries with its share of cost; there were no queries in the window.';
  const maxLabel = maxOf(order.map((s) => s.length));
  // DejaVu Sans averages ~0.62 em per character at 12 px; the axis sizes itself to the real labels.
  const labelWidth = Math.min(240, 12 + Math.ceil(maxLabel * 12 * 0.62));
  const panelWidth = Math.max(160, Math.floor((CHART_WIDTH - labelWidth - 60) / 2));
  const maxShare = maxOf(values.flatMap((v) => [v.queryShare, v.costShare ?? 0]));
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
            field: 'model', type: 'nominal' as const, scale: { domain: order }, title: null,
            axis: showLabels ? { labels: true, ticks: false, labelLimit: 240, labelFontSize: 12, labelColor: TEXT } : { labels: false, ticks: false, domain: false },
          },
          x: { field, type: 'quantitative' as const, stack: null, title: null, scale: { domain: [0, shareMax], nice: true }, axis: { format: '.0%', tickCount: 5 } },
          color: { field: 'model', type: 'nominal' as const, legend: null, scale: { domain: colourDomain, range: colourRange } },
        },
      },
      {
        mark: { type: 'text' as const, align: 'left' as const, dx: 4, fontSize: 11 },
        encoding: {
          y: { field: 'model', type: 'nominal' as const, scale: { domain: order } },
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
// 4. Efficiency: latency p50/p95 and tokens per query over time

/**
 * Short windows: one row per day (both panels). Long windows (weekly or monthly grain): the
 * latency rows (`kind: 'latency'`) stay per day, because percentiles cannot be averaged across
 * days, and are drawn on a continuous time axis (`t`, ms at UTC midnight); tokens per query is
 * one row per week or month (`kind: 'tokens'`), weighted by the days' successful queries, at the
 * middle of the bucket's days.
 */
export interface EfficiencyDatum {
  date: string;
  p50Seconds: number | null;
  p95Seconds: number | null;
  tokensPerQuery: number | null;
  kind?: 'latency' | 'tokens';
  t?: number;
  /** Long windows: the day has a value but neither neighbour day does (drawn as a dot: a line needs two). */
  p50Alone?: boolean;
  p95Alone?: boolean;
}

function efficiency(model: ReportModel): ChartSpec {
  const axis = timeAxis(model);
  const byDate = new Map(model.byDay.map((d) => [d.date, d]));
  const sec = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : ms / 1000);
  const lat = model.latencyMs;
  const latText = lat.p50 === null ? 'no latency data' : `window p50 ${(lat.p50 / 1000).toFixed(1)} s, p95 ${lat.p95 === null ? 'n/a' : `${(lat.p95 / 1000).toFixed(1)} s`}`;
  const tpq = model.efficiency.tokensPerQuery;
  const headline = `${latText} · ${tpq === null ? 'no token data' : `${int(tpq)} tokens per query`} · successful queries only; gaps: no data`;
  const width = CHART_WIDTH - 90;
  const latencyY = (any: boolean) => ({
    field: 'seconds', type: 'quantitative' as const, title: 'Latency (s)', scale: any ? { zero: true } : { domain: [0, 1] }, axis: { format: ',.3~r', tickCount: 4 },
  });
  const latencyColour = {
    field: 'series', type: 'nominal' as const, title: null,
    scale: { domain: ['p50 (median)', 'p95'], range: [P50_COLOUR, P95_COLOUR] },
    legend: { orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolStrokeWidth: 3, offset: 6 },
  };
  const tokensY = (any: boolean) => ({
    field: 'tokensPerQuery', type: 'quantitative' as const, title: 'Tokens / query', scale: any ? { zero: true } : { domain: [0, 1] }, axis: { format: ',.0f', tickCount: 4 },
  });
  const foldPercentiles = { fold: ['p50Seconds', 'p95Seconds'], as: ['percentile', 'seconds'] as [string, string] };
  const seriesName = { calculate: "datum.percentile === 'p50Seconds' ? 'p50 (median)' : 'p95'", as: 'series' };

  if (axis.grain === 'day') {
    const values: EfficiencyDatum[] = axis.days.map((date) => {
      const d = byDate.get(date);
      return { date, p50Seconds: sec(d?.latencyMs.p50), p95Seconds: sec(d?.latencyMs.p95), tokensPerQuery: d ? d.tokensPerQuery : null };
    });
    const title = 'Latency and tokens per query, per day';
    const description = `Two panels sharing the date axis from ${model.window.from} to ${model.window.to}: median (p50) and 95th-percentile latency in seconds per day, and average total tokens per successful query per day; days without data are left blank.`;
    const lineMark = { type: 'line' as const, strokeWidth: 2.5, point: { filled: true, size: 55 }, invalid: 'break-paths-show-domains' as const };
    const spec: TopLevelSpec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: THEME,
      title: baseTitle(title, [headline, grainNote('day', 'point')]),
      description,
      data: { values },
      vconcat: [
        {
          width,
          height: 170,
          transform: [foldPercentiles, seriesName],
          mark: lineMark,
          encoding: {
            x: bucketX(axis, { labels: false }),
            y: latencyY(values.some((v) => v.p50Seconds !== null || v.p95Seconds !== null)),
            color: latencyColour,
          },
        },
        {
          width,
          height: 130,
          mark: { ...lineMark, color: TOKENS_COLOUR, point: { filled: true, size: 55, color: TOKENS_COLOUR } },
          encoding: {
            x: bucketX(axis),
            y: tokensY(values.some((v) => v.tokensPerQuery !== null)),
          },
        },
      ],
      resolve: { scale: { x: 'shared', color: 'independent' } },
      spacing: 12,
    };
    return { name: 'efficiency', title, description, spec };
  }

  // Long window: latency per day on a continuous time axis, tokens per query per bucket.
  const days = axis.days;
  const p50 = days.map((date) => sec(byDate.get(date)?.latencyMs.p50));
  const p95 = days.map((date) => sec(byDate.get(date)?.latencyMs.p95));
  // Consecutive calendar days only: a neighbour on the axis that is days away is not a neighbour.
  const alone = (series: (number | null)[], i: number): boolean => {
    if (series[i] === null) return false;
    const adjacent = (j: number): boolean =>
      j >= 0 && j < days.length && series[j] !== null && Math.abs(dayMs(days[j]!) - dayMs(days[i]!)) === DAY_MS;
    return !adjacent(i - 1) && !adjacent(i + 1);
  };
  const values: EfficiencyDatum[] = days.map((date, i) => ({
    kind: 'latency', date, t: dayMs(date), p50Seconds: p50[i]!, p95Seconds: p95[i]!, tokensPerQuery: null,
    p50Alone: alone(p50, i), p95Alone: alone(p95, i),
  }));
  const acc = new Map<string, { weighted: number; succeeded: number; first: string; last: string }>();
  for (const date of days) {
    const b = axis.bucketOf(date);
    const a = acc.get(b) ?? { weighted: 0, succeeded: 0, first: date, last: date };
    a.last = date;
    const d = byDate.get(date);
    if (d && d.tokensPerQuery !== null && d.succeeded > 0) {
      a.weighted += d.tokensPerQuery * d.succeeded;
      a.succeeded += d.succeeded;
    }
    acc.set(b, a);
  }
  for (const b of axis.buckets) {
    const a = acc.get(b)!;
    values.push({
      kind: 'tokens', date: b, t: (dayMs(a.first) + dayMs(a.last)) / 2, p50Seconds: null, p95Seconds: null,
      tokensPerQuery: a.succeeded > 0 ? a.weighted / a.succeeded : null,
    });
  }
  const title = `Latency per day and tokens per query per ${axis.grain}`;
  const description = `Two panels sharing the time axis from ${model.window.from} to ${model.window.to}: median (p50) and 95th-percentile latency in seconds for each day, and average total tokens per successful query for each ${axis.grain} (the days' averages weighted by their successful queries); a day with latency but neither neighbour day is drawn as a dot; periods without data are left blank.`;
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const x = (labels: boolean) => ({
    field: 't', type: 'temporal' as const, title: null,
    scale: { type: 'utc' as const, domain: [dayMs(first) - DAY_MS / 2, dayMs(last) + DAY_MS / 2] },
    axis: { labels, labelExpr: "utcFormat(datum.value, '%b %Y')", grid: false, labelOverlap: true },
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: THEME,
    title: baseTitle(title, [
      headline,
      'latency: one point per day, joined (percentiles are not averaged across days)',
      `tokens per query: ${grainNote(axis.grain, 'point')}`,
    ]),
    description,
    data: { values },
    vconcat: [
      {
        width,
        height: 170,
        transform: [{ filter: "datum.kind === 'latency'" }, foldPercentiles, seriesName,
          { calculate: "datum.percentile === 'p50Seconds' ? datum.p50Alone : datum.p95Alone", as: 'alone' }],
        layer: [
          {
            mark: { type: 'line' as const, strokeWidth: 1.25, invalid: 'break-paths-show-domains' as const },
            encoding: { x: x(false), y: latencyY(values.some((v) => v.p50Seconds !== null || v.p95Seconds !== null)), color: latencyColour },
          },
          {
            transform: [{ filter: 'datum.alone && isValid(datum.seconds)' }],
            mark: { type: 'point' as const, filled: true, size: 16 },
            encoding: { x: x(false), y: { field: 'seconds', type: 'quantitative' as const }, color: latencyColour },
          },
        ],
      },
      {
        width,
        height: 130,
        transform: [{ filter: "datum.kind === 'tokens'" }],
        mark: {
          type: 'line' as const, strokeWidth: 2, color: TOKENS_COLOUR, invalid: 'break-paths-show-domains' as const,
          point: { filled: true, size: axis.buckets.length > 60 ? 14 : 30, color: TOKENS_COLOUR },
        },
        encoding: { x: x(true), y: tokensY(values.some((v) => v.tokensPerQuery !== null)) },
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

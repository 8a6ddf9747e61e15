/**
 * The executive report as ONE self-contained HTML file (`report.html`).
 *
 * - No external requests of any kind: CSS is inline, there is no JavaScript, and a
 *   Content-Security-Policy meta tag (`default-src 'none'; img-src data:; style-src 'unsafe-inline'`)
 *   makes the browser refuse anything else, should a future change add a link by mistake.
 * - Charts are embedded as `<img src="data:image/svg+xml;base64,...">` (the PNG is the fallback
 *   when a chart has no SVG). Why an SVG image rather than inline `<svg>` markup or a PNG:
 *   an SVG loaded as an image is inert (no scripts, no external fetches, its CSS and element ids
 *   cannot clash with the page or with the other three charts, which Vega's generated ids would
 *   do inline), it stays sharp at any zoom on a phone, it scales with `width: 100%`, and it is much
 *   smaller than the PNG. Base64 also keeps the SVG's own namespace URLs out of the page text.
 * - Phone-friendly: viewport meta, auto-fit grids, every table in a horizontally scrolling wrapper.
 * - EVERY string that comes from the logs or the model (query texts, model ids, error types,
 *   stages, messages, file paths, notes, source, chart titles) goes through `escapeHtml`.
 *   Formatted numbers go through it as well; the rule is "escape at the point of output".
 */
import type { Change, ModelRow, ReportModel } from '../report-model.js';
import type { RenderedChart } from './types.js';
import {
  escapeHtml as esc,
  formatChange,
  formatDate,
  formatDateRange,
  formatInt,
  formatLatency,
  formatNumber,
  formatPct,
  formatUsd,
  MISSING,
  truncate,
} from './format.js';

/** Query texts and messages longer than this (in characters) are cut for display; the full text is in `title`. */
export const DISPLAY_TEXT_MAX = 160;

export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** HTML fragment (already escaped). A type alias only, to make intent visible. */
type Html = string;

export function renderHtml(model: ReportModel, charts: RenderedChart[]): string {
  const period = formatDateRange(model.window.from, model.window.to);
  const title = `LLM usage report: ${period}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="color-scheme" content="light">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main class="page">',
    header(model, period),
    notes(model),
    kpis(model),
    chartsSection(charts),
    historySection(model),
    modelsSection(model),
    queriesSection(model),
    errorsSection(model),
    recentSection(model),
    efficiencySection(model),
    dataQualitySection(model),
    footer(model),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Header, notes, KPI cards

function header(model: ReportModel, period: string): Html {
  const w = model.window;
  const prev = model.previousPeriod.window;
  return `<header class="top">
<p class="eyebrow">LLM usage report</p>
<h1>${esc(period)}</h1>
<p class="meta"><span>${esc(formatInt(w.days))} ${w.days === 1 ? 'day' : 'days'}, time zone ${esc(w.timezone)}</span>
<span>compared with ${esc(formatDateRange(prev.from, prev.to))}</span>
<span>source <code>${esc(model.source)}</code></span></p>
</header>`;
}

function notes(model: ReportModel): Html {
  const list = model.dataQuality.notes;
  if (list.length === 0) return '';
  return `<section class="notes" role="note" aria-label="Notes on the figures">
<h2>Read this first</h2>
<ul>${list.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
</section>`;
}

type Tone = 'up-bad' | 'neutral';

function changeBadge(change: Change, tone: Tone, opts: { pp?: boolean } = {}): Html {
  const text = formatChange(change, opts);
  if (change === null || !Number.isFinite(change) || !/^[+\u2212]/.test(text)) {
    return `<span class="chg flat">${esc(text === 'n/a' ? 'n/a' : text)}</span>`;
  }
  const up = change > 0;
  const cls = tone === 'neutral' ? 'flat' : up ? 'bad' : 'good';
  const word = up ? 'up' : 'down';
  return `<span class="chg ${cls}"><span aria-hidden="true">${up ? '▲' : '▼'}</span><span class="sr">${word}</span> ${esc(text)}</span>`;
}

function kpiCard(label: string, value: string, change: Html, sub: Html): Html {
  return `<div class="kpi">
<div class="kpi-label">${esc(label)}</div>
<div class="kpi-value">${esc(value)}</div>
<div class="kpi-change">${change}</div>
<div class="kpi-sub">${sub}</div>
</div>`;
}

function kpis(model: ReportModel): Html {
  const t = model.totals;
  const p = model.previousPeriod;
  const c = p.change;
  // No rows in the previous period (e.g. a report over all the data): nothing to compare with.
  const noPrevious = p.totals.queries === 0;
  const prev = (s: string): Html => (noPrevious ? 'no previous data' : `vs ${esc(s)}`);
  const unpriced = model.dataQuality.unpricedModels.length;
  const costSub = [prev(formatUsd(p.totals.costUsd)), `list price ${esc(formatUsd(t.listPriceCostUsd))}`];
  if (unpriced > 0) costSub.push(`<strong>excludes ${esc(formatInt(unpriced))} unpriced ${unpriced === 1 ? 'model' : 'models'}</strong>`);
  const cards = [
    kpiCard('Queries', formatInt(t.queries), changeBadge(c.queries, 'neutral'),
      `${prev(formatInt(p.totals.queries))}<br>${esc(formatInt(t.uniqueQueries))} unique`),
    kpiCard('Error rate', formatPct(t.errorRate), changeBadge(c.errorRate, 'up-bad', { pp: true }),
      `${prev(formatPct(p.totals.errorRate))}<br>${esc(formatInt(t.failed))} failed`),
    kpiCard('Cost', formatUsd(t.costUsd), changeBadge(c.costUsd, 'up-bad'), costSub.join('<br>')),
    kpiCard('Total tokens', formatInt(t.totalTokens), changeBadge(c.totalTokens, 'neutral'),
      `${prev(formatInt(p.totals.totalTokens))}<br>${esc(formatInt(t.inputTokens))} in / ${esc(formatInt(t.outputTokens))} out`),
    kpiCard('Latency p50', formatLatency(model.latencyMs.p50), changeBadge(c.latencyP50, 'up-bad'),
      prev(formatLatency(p.latencyMs.p50))),
    kpiCard('Latency p95', formatLatency(model.latencyMs.p95), changeBadge(c.latencyP95, 'up-bad'),
      prev(formatLatency(p.latencyMs.p95))),
  ];
  const prevRange = formatDateRange(p.window.from, p.window.to);
  return `<section aria-label="Headline figures">
<div class="kpis">
${cards.join('\n')}
</div>
<p class="hint">${noPrevious
    ? `The previous ${esc(formatInt(p.window.days))} days (${esc(prevRange)}) have no rows, so no change is shown.`
    : `Changes compare with the previous ${esc(formatInt(p.window.days))} days (${esc(prevRange)}); the error-rate change is in percentage points (pp). For cost, errors and latency an increase is shown in red.`}</p>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Charts

function chartSrc(chart: RenderedChart): string | null {
  if (chart.svg && chart.svg.trim() !== '') {
    return `data:image/svg+xml;base64,${Buffer.from(chart.svg, 'utf8').toString('base64')}`;
  }
  if (chart.png && chart.png.length > 0) {
    return `data:image/png;base64,${Buffer.from(chart.png).toString('base64')}`;
  }
  return null;
}

function chartsSection(charts: RenderedChart[]): Html {
  const figures = charts
    .map((chart) => {
      const src = chartSrc(chart);
      if (!src) return '';
      const size = chart.width > 0 && chart.height > 0
        ? ` width="${Math.round(chart.width)}" height="${Math.round(chart.height)}"` : '';
      return `<figure class="chart" id="chart-${esc(chart.name)}">
<h3>${esc(chart.title)}</h3>
<img src="${src}" alt="${esc(chart.description)}"${size}>
<figcaption>${esc(chart.description)}</figcaption>
</figure>`;
    })
    .filter((f) => f !== '');
  const body = figures.length > 0
    ? `<div class="charts">\n${figures.join('\n')}\n</div>`
    : '<p class="empty">Charts were not rendered for this report.</p>';
  return `<section id="charts">\n<h2>Charts</h2>\n${body}\n</section>`;
}

// ---------------------------------------------------------------------------------------------
// Tables

interface Column<T> {
  label: string;
  num?: boolean;
  /** HTML for the cell; must escape what it prints. */
  cell: (row: T, index: number) => Html;
}

function dataTable<T>(caption: string, columns: Column<T>[], rows: T[], extra: { foot?: Html[]; empty?: string } = {}): Html {
  if (rows.length === 0 && !extra.foot?.length) {
    return `<p class="empty">${esc(extra.empty ?? 'No rows.')}</p>`;
  }
  const head = columns.map((c) => `<th scope="col"${c.num ? ' class="num"' : ''}>${esc(c.label)}</th>`).join('');
  const body = rows
    .map((r, i) => `<tr>${columns.map((c) => `<td${c.num ? ' class="num"' : ''}>${c.cell(r, i)}</td>`).join('')}</tr>`)
    .join('\n');
  const foot = extra.foot?.length ? `\n<tfoot>\n${extra.foot.join('\n')}\n</tfoot>` : '';
  return `<div class="table-wrap" role="region" aria-label="${esc(caption)}" tabindex="0">
<table>
<caption class="sr">${esc(caption)}</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>${foot}
</table>
</div>`;
}

/** Text from the logs, shortened for display with the full text in `title`. */
function longText(text: string | null | undefined, max = DISPLAY_TEXT_MAX): Html {
  if (text === null || text === undefined || text === '') return `<span class="muted">${MISSING}</span>`;
  const shown = truncate(text, max);
  const titleAttr = shown === text ? '' : ` title="${esc(text)}"`;
  return `<span class="long"${titleAttr}>${esc(shown)}</span>`;
}

function orMissing(text: string | null | undefined): Html {
  return text === null || text === undefined || text === '' ? `<span class="muted">${MISSING}</span>` : esc(text);
}

function section(id: string, title: string, intro: Html, body: Html): Html {
  return `<section id="${esc(id)}">
<h2>${esc(title)}</h2>
${intro ? `<p class="intro">${intro}</p>\n` : ''}${body}
</section>`;
}

function historySection(model: ReportModel): Html {
  type Row = ReportModel['byDay'][number];
  const cols: Column<Row>[] = [
    { label: 'Day', cell: (d) => `<span class="nowrap">${esc(formatDate(d.date))}</span>` },
    { label: 'Queries', num: true, cell: (d) => esc(formatInt(d.queries)) },
    { label: 'Failed', num: true, cell: (d) => esc(formatInt(d.failed)) },
    { label: 'Error rate', num: true, cell: (d) => esc(formatPct(d.errorRate)) },
    { label: 'Cost', num: true, cell: (d) => esc(formatUsd(d.costUsd)) },
    { label: 'Tokens in', num: true, cell: (d) => esc(formatInt(d.inputTokens)) },
    { label: 'Tokens out', num: true, cell: (d) => esc(formatInt(d.outputTokens)) },
    { label: 'Total tokens', num: true, cell: (d) => esc(formatInt(d.totalTokens)) },
    { label: 'Tokens / query', num: true, cell: (d) => esc(formatInt(d.tokensPerQuery)) },
    { label: 'Latency p50', num: true, cell: (d) => esc(formatLatency(d.latencyMs.p50)) },
    { label: 'Latency p95', num: true, cell: (d) => esc(formatLatency(d.latencyMs.p95)) },
  ];
  const t = model.totals;
  const p = model.previousPeriod;
  const tpq = (tot: typeof t): number | null => (tot.succeeded > 0 ? tot.totalTokens / tot.succeeded : null);
  const footRow = (label: string, tot: typeof t, lat: { p50: number | null; p95: number | null }): Html =>
    `<tr><th scope="row">${label}</th>${[
      formatInt(tot.queries), formatInt(tot.failed), formatPct(tot.errorRate), formatUsd(tot.costUsd),
      formatInt(tot.inputTokens), formatInt(tot.outputTokens), formatInt(tot.totalTokens), formatInt(tpq(tot)),
      formatLatency(lat.p50), formatLatency(lat.p95),
    ].map((v) => `<td class="num">${esc(v)}</td>`).join('')}</tr>`;
  const foot = [
    footRow('This period', t, model.latencyMs),
    footRow(`Previous period<span class="sub">${esc(formatDateRange(p.window.from, p.window.to))}</span>`, p.totals, p.latencyMs),
    `<tr><th scope="row">Change</th>${[
      formatChange(p.change.queries), formatChange(p.change.failed), formatChange(p.change.errorRate, { pp: true }),
      formatChange(p.change.costUsd), '', '', formatChange(p.change.totalTokens), '',
      formatChange(p.change.latencyP50), formatChange(p.change.latencyP95),
    ].map((v) => `<td class="num">${esc(v)}</td>`).join('')}</tr>`,
  ];
  return section('history', 'Overall history by day', 'Every day of the window, then the totals of this and the previous period.',
    dataTable('Overall history by day', cols, model.byDay, { foot, empty: 'No days in the window.' }));
}

function modelName(m: Pick<ModelRow, 'modelId' | 'displayName'>): Html {
  const sub = m.displayName !== m.modelId ? `<span class="sub">${esc(m.modelId)}</span>` : '';
  return `<span class="name" title="${esc(m.modelId)}">${esc(m.displayName)}</span>${sub}`;
}

function modelsSection(model: ReportModel): Html {
  const cols: Column<ModelRow>[] = [
    { label: 'Model', cell: (m) => `${modelName(m)}${m.priced ? '' : ' <span class="tag warn">unpriced rows</span>'}` },
    { label: 'Queries', num: true, cell: (m) => esc(formatInt(m.queries)) },
    { label: 'Share', num: true, cell: (m) => esc(formatPct(m.share)) },
    { label: 'Cost', num: true, cell: (m) => `${esc(formatUsd(m.costUsd))}<span class="sub">${esc(formatPct(m.costShare))} of cost</span>` },
    { label: 'List-price cost', num: true, cell: (m) => esc(formatUsd(m.listPriceCostUsd)) },
    { label: 'Gap to list', num: true, cell: (m) => `${esc(formatUsd(m.listPriceGapUsd))}<span class="sub">${esc(formatChange(m.listPriceGapPct))}</span>` },
    { label: 'Tokens in', num: true, cell: (m) => esc(formatInt(m.inputTokens)) },
    { label: 'Tokens out', num: true, cell: (m) => esc(formatInt(m.outputTokens)) },
    { label: 'Avg cost / query', num: true, cell: (m) => esc(formatUsd(m.avgCostPerQuery)) },
    { label: 'Cost / 1k tokens', num: true, cell: (m) => esc(formatUsd(m.costPer1kTokens)) },
    { label: 'Latency p50', num: true, cell: (m) => esc(formatLatency(m.latencyMs.p50)) },
    { label: 'Latency p95', num: true, cell: (m) => esc(formatLatency(m.latencyMs.p95)) },
  ];
  const intro = 'Cost is the logged cost (re-priced from the price table where the log has none). '
    + 'List-price cost prices the same tokens at the public list price; a negative gap means the app logs less than list price.';
  return section('models', 'By model', esc(intro), dataTable('By model', cols, model.byModel, { empty: 'No model usage in the window.' }));
}

function queriesSection(model: ReportModel): Html {
  type Row = ReportModel['byQuery'][number];
  const cols: Column<Row>[] = [
    { label: '#', num: true, cell: (_q, i) => esc(formatInt(i + 1)) },
    { label: 'Query', cell: (q) => longText(q.query) },
    { label: 'Runs', num: true, cell: (q) => esc(formatInt(q.runs)) },
    { label: 'Failed', num: true, cell: (q) => esc(formatInt(q.failed)) },
    { label: 'Avg tokens in', num: true, cell: (q) => esc(formatInt(q.avgInputTokens)) },
    { label: 'Avg tokens out', num: true, cell: (q) => esc(formatInt(q.avgOutputTokens)) },
    { label: 'Cost', num: true, cell: (q) => esc(formatUsd(q.costUsd)) },
    { label: 'Avg cost', num: true, cell: (q) => esc(formatUsd(q.avgCostUsd)) },
    { label: 'Avg latency', num: true, cell: (q) => esc(formatLatency(q.avgLatencyMs)) },
  ];
  return section('top-queries', 'Top queries by cost', esc(`The ${model.byQuery.length} most expensive query texts in the window; identical texts are grouped.`),
    dataTable('Top queries by cost', cols, model.byQuery, { empty: 'No queries in the window.' }));
}

function errorsSection(model: ReportModel): Html {
  type Row = ReportModel['errors'][number];
  const tz = model.window.timezone;
  const cols: Column<Row>[] = [
    { label: 'Error type', cell: (e) => orMissing(e.errorType) },
    { label: 'Stage', cell: (e) => orMissing(e.stage) },
    { label: 'Count', num: true, cell: (e) => esc(formatInt(e.count)) },
    { label: 'Last seen', cell: (e) => `<span class="nowrap">${esc(formatDate(e.lastSeen, tz))}</span>` },
    { label: 'Example (latest)', cell: (e) => longText(e.example) },
  ];
  return section('errors', 'Errors', '', dataTable('Errors', cols, model.errors, { empty: 'No errors in the window.' }));
}

function recentSection(model: ReportModel): Html {
  type Row = ReportModel['recentQueries'][number];
  const tz = model.window.timezone;
  const names = new Map(model.byModel.map((m) => [m.modelId, m.displayName]));
  const cols: Column<Row>[] = [
    { label: 'Time', cell: (r) => `<span class="nowrap">${esc(formatDate(r.timestamp, tz))}</span>` },
    { label: 'Query', cell: (r) => longText(r.query) },
    {
      label: 'Model',
      cell: (r) => (r.modelId === null ? `<span class="muted">${MISSING}</span>`
        : modelName({ modelId: r.modelId, displayName: names.get(r.modelId) ?? r.modelId })),
    },
    { label: 'Status', cell: (r) => (r.status === 'ok' ? '<span class="tag ok">ok</span>' : '<span class="tag err">error</span>') },
    { label: 'Tokens', num: true, cell: (r) => esc(formatInt(r.totalTokens)) },
    { label: 'Cost', num: true, cell: (r) => esc(formatUsd(r.costUsd)) },
    { label: 'Latency', num: true, cell: (r) => esc(formatLatency(r.latencyMs)) },
    { label: 'Error', cell: (r) => orMissing(r.errorType) },
  ];
  return section('recent', 'Recent queries', esc(`The ${model.recentQueries.length} latest queries in the window, newest first.`),
    dataTable('Recent queries', cols, model.recentQueries, { empty: 'No queries in the window.' }));
}

function kvTable(caption: string, rows: [string, string, string?][]): Html {
  return dataTable<[string, string, string?]>(caption, [
    { label: 'Measure', cell: (r) => esc(r[0]) },
    { label: 'Value', num: true, cell: (r) => esc(r[1]) },
    { label: 'Notes', cell: (r) => (r[2] ? `<span class="muted">${esc(r[2])}</span>` : '') },
  ], rows);
}

function efficiencySection(model: ReportModel): Html {
  const e = model.efficiency;
  const ctx = e.contextLengthChars;
  const rows: [string, string, string?][] = [
    ['Tokens per query', formatInt(e.tokensPerQuery), 'average total tokens per successful query'],
    ['Output tokens per second', formatNumber(e.outputTokensPerSecond, 1), 'output tokens / processing time, successful queries'],
    ['Cost per 1k tokens', formatUsd(e.costPer1kTokens), 'window cost / (total tokens / 1,000)'],
    ['Context length p50', `${formatInt(ctx.p50)} chars`, `over ${formatInt(ctx.count)} queries with a context`],
    ['Context length p95', `${formatInt(ctx.p95)} chars`],
    ['Context length mean', `${formatInt(ctx.mean)} chars`],
  ];
  return section('efficiency', 'Efficiency', '', kvTable('Efficiency', rows));
}

function dataQualitySection(model: ReportModel): Html {
  const dq = model.dataQuality;
  const counts: [string, string, string?][] = [
    ['Rows read', formatInt(dq.rowsRead), 'all rows in the files that were opened'],
    ['Rows used', formatInt(dq.rowsUsed), 'rows in the report window'],
    ['Rows outside the window', formatInt(dq.rowsOutsideWindow), 'before or after it, previous period included'],
    ['Rows skipped', formatInt(dq.rowsSkipped), 'could not be used (reasons below)'],
    ['Re-priced rows', formatInt(dq.repricedRows), 'no logged cost; priced from the price table'],
    ['Rows without a list price', formatInt(dq.listPriceMissingRows), 'excluded from list-price cost'],
    ['Rows without a context file', formatInt(dq.rowsWithoutContextFile)],
    ['Rows without a response file', formatInt(dq.rowsWithoutResponseFile)],
  ];

  type Skip = (typeof dq.skipped)[number];
  const skipped = dataTable<Skip>('Skipped rows by reason', [
    { label: 'Reason', cell: (s) => esc(s.reason) },
    { label: 'Rows', num: true, cell: (s) => esc(formatInt(s.count)) },
  ], dq.skipped, { empty: 'No rows were skipped.' });

  type Unpriced = (typeof dq.unpricedModels)[number];
  const unpriced = dataTable<Unpriced>('Unpriced models', [
    { label: 'Model', cell: (u) => `<span class="name">${esc(u.modelId)}</span>` },
    { label: 'Rows', num: true, cell: (u) => esc(formatInt(u.rows)) },
    { label: 'Tokens in', num: true, cell: (u) => esc(formatInt(u.inputTokens)) },
    { label: 'Tokens out', num: true, cell: (u) => esc(formatInt(u.outputTokens)) },
    { label: 'Tokens', num: true, cell: (u) => esc(formatInt(u.tokens)) },
  ], dq.unpricedModels, { empty: 'Every model has a logged cost or a known price.' });

  type File = (typeof dq.files)[number];
  const byStatus = new Map<string, number>();
  for (const f of dq.files) byStatus.set(f.status, (byStatus.get(f.status) ?? 0) + 1);
  const statusSummary = [...byStatus].map(([s, n]) => `${formatInt(n)} ${s}`).join(', ');
  const problem = dq.files.some((f) => f.status === 'unreadable' || f.status === 'partial' || f.status === 'missing-timestamp');
  const files = dataTable<File>('Files ledger', [
    { label: 'File', cell: (f) => `<span class="path">${esc(f.path)}</span>` },
    { label: 'Rows', num: true, cell: (f) => esc(formatInt(f.rows)) },
    { label: 'Status', cell: (f) => `<span class="tag ${f.status === 'read' ? 'ok' : f.status === 'ignored' || f.status === 'pruned' ? 'muted-tag' : 'err'}">${esc(f.status)}</span>` },
    { label: 'Reason', cell: (f) => longText(f.reason) },
  ], dq.files, { empty: 'No files were listed.' });

  return section('data-quality', 'Data quality', '', `${kvTable('Row counts', counts)}
<h3>Skipped rows</h3>
${skipped}
<h3>Unpriced models</h3>
<p class="intro">Models with rows that have neither a logged cost nor a known price. Their rows are excluded from the cost figures.</p>
${unpriced}
<details class="ledger"${problem ? ' open' : ''}>
<summary>Files ledger: ${esc(formatInt(dq.files.length))} ${dq.files.length === 1 ? 'file' : 'files'}${statusSummary ? ` (${esc(statusSummary)})` : ''}</summary>
${files}
</details>`);
}

function footer(model: ReportModel): Html {
  const overrides = model.pricing.overridesFile
    ? `; price overrides from <code>${esc(model.pricing.overridesFile)}</code>` : '';
  return `<footer class="foot">
<p>Latency percentiles: ${esc(model.latencyMs.method)}, over ${esc(formatInt(model.latencyMs.count))} successful queries with a processing time. Latencies are shown in seconds.</p>
<p>Pricing: ${esc(model.pricing.source)}${overrides}. Cost = logged cost, plus rows re-priced from the price table; unpriced models are excluded.</p>
<p>Generated ${esc(formatDate(model.generatedAt, model.window.timezone))} from <code>${esc(model.source)}</code>. Report schema version ${esc(String(model.schemaVersion))}. Raw figures: aggregates.json and tables/*.csv in the report folder.</p>
</footer>`;
}

// ---------------------------------------------------------------------------------------------

const CSS = `
:root{--fg:#1b2230;--muted:#5d6778;--line:#e2e6ec;--bg:#f5f6f8;--card:#fff;--head:#eef1f5;--bad:#b42318;--bad-bg:#fef3f2;--good:#067647;--good-bg:#ecfdf3;--flat:#475467;--flat-bg:#f2f4f7;--accent:#1d4f91;--warn-bg:#fff7e0;--warn-line:#e9a800}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
.page{max-width:1200px;margin:0 auto;padding:16px 14px 40px}
h1{font-size:1.6rem;line-height:1.25;margin:.1rem 0 .4rem}
h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:.3rem;border-bottom:2px solid var(--line)}
h3{font-size:1rem;margin:1.2rem 0 .5rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
.eyebrow{margin:0;color:var(--accent);font-weight:600;text-transform:uppercase;letter-spacing:.06em;font-size:.8rem}
.meta{margin:0;color:var(--muted);font-size:.9rem}
.meta span{display:inline-block;margin-right:1em}
.notes{margin:16px 0;padding:12px 16px;background:var(--warn-bg);border-left:5px solid var(--warn-line);border-radius:6px}
.notes h2{margin:0 0 .3rem;padding:0;border:0;font-size:1rem}
.notes ul{margin:0;padding-left:1.2em}
.notes li{margin:.2em 0;overflow-wrap:anywhere}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-top:16px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;min-width:0}
.kpi-label{color:var(--muted);font-size:.85rem;font-weight:600}
.kpi-value{font-size:1.7rem;font-weight:700;line-height:1.2;margin:.15rem 0;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.kpi-change{font-size:.9rem;margin-bottom:.2rem}
.kpi-sub{color:var(--muted);font-size:.8rem;line-height:1.35}
.chg{display:inline-block;padding:1px 8px;border-radius:999px;font-weight:600;font-variant-numeric:tabular-nums}
.chg.bad{color:var(--bad);background:var(--bad-bg)}
.chg.good{color:var(--good);background:var(--good-bg)}
.chg.flat{color:var(--flat);background:var(--flat-bg)}
.hint,.intro{color:var(--muted);font-size:.85rem;margin:.5rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:14px}
.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px;min-width:0}
.chart h3{margin:0 0 .5rem}
.chart img{display:block;width:100%;height:auto}
.chart figcaption{color:var(--muted);font-size:.8rem;margin-top:.4rem}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;background:var(--card);border:1px solid var(--line);border-radius:8px;max-width:100%}
.table-wrap:focus{outline:2px solid var(--accent);outline-offset:2px}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--head);font-weight:600;white-space:nowrap}
tbody tr:last-child td{border-bottom:0}
tfoot th,tfoot td{background:#fafbfc;border-top:2px solid var(--line);font-weight:600}
tfoot th{white-space:nowrap}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.nowrap{white-space:nowrap}
.long{display:block;min-width:12em;max-width:36em;overflow-wrap:anywhere}
.name{font-weight:600;white-space:nowrap}
.path{display:block;min-width:16em;max-width:40em;overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}
.sub{display:block;color:var(--muted);font-size:.78rem;font-weight:400;overflow-wrap:anywhere}
td:first-child .sub{min-width:12em}
.muted{color:var(--muted)}
.tag{display:inline-block;padding:0 7px;border-radius:999px;font-size:.78rem;font-weight:600;white-space:nowrap}
.tag.ok{color:var(--good);background:var(--good-bg)}
.tag.err{color:var(--bad);background:var(--bad-bg)}
.tag.warn{color:#8a5a00;background:var(--warn-bg)}
.tag.muted-tag{color:var(--flat);background:var(--flat-bg)}
.empty{color:var(--muted);font-style:italic}
details.ledger{margin-top:1.2rem}
details.ledger summary{cursor:pointer;font-weight:600;margin-bottom:.5rem}
.foot{margin-top:2.5rem;padding-top:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.8rem}
.foot p{margin:.3rem 0}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
@media (max-width:520px){
.page{padding:12px 10px 32px}
h1{font-size:1.35rem}
.kpis{grid-template-columns:repeat(2,minmax(0,1fr));gap:8px}
.kpi{padding:10px}
.kpi-value{font-size:1.35rem}
th,td{padding:6px 8px}
}
@media print{
body{background:#fff}
.table-wrap{overflow:visible;border:0}
.kpi,.chart,tr{break-inside:avoid}
}
`.trim();

import { renderHtml } from '../../lambdas/engine/render/html.js';
import type { ReportModel } from '../../lambdas/engine/report-model.js';
import type { ChartName, RenderedChart } from '../../lambdas/engine/render/types.js';
import { makeModel } from '../support/model-fixture.js';

const NAMES: ChartName[] = ['cost-per-day', 'volume-reliability', 'model-usage', 'efficiency'];

function fakeChart(name: ChartName, i: number): RenderedChart {
  return {
    name,
    title: `Title of ${name}`,
    description: `Chart ${i + 1} shows "${name}" <by day>.`,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="${10 + i}" height="10"/><text>${name}</text></svg>`,
    png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, i]),
    width: 800,
    height: 400,
  };
}
const fakeCharts = (): RenderedChart[] => NAMES.map(fakeChart);

/** The part of the page between two markers (both must exist). */
function between(html: string, start: string, end: string): string {
  const a = html.indexOf(start);
  const b = html.indexOf(end, a + start.length);
  if (a < 0 || b < 0) throw new Error(`markers not found: ${start} .. ${end}`);
  return html.slice(a, b);
}

describe('renderHtml with the fixture', () => {
  const model = makeModel();
  const charts = fakeCharts();
  const html = renderHtml(model, charts);

  it('is one complete, phone-ready HTML document', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<style>');
    expect(html).toContain('overflow-x:auto');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    // Every table sits in a horizontally scrolling wrapper.
    const tables = html.match(/<table>/g) ?? [];
    const wrapped = html.match(/<div class="table-wrap"[^>]*>\n<table>/g) ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(8);
    expect(wrapped.length).toBe(tables.length);
  });

  it('shows log text only escaped: the <script> query and the <img onerror> error example', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/<[^>]*\sonerror\s*=/i);
    expect(html).not.toContain('<b>Apple</b>');
    expect(html).toContain('What was &lt;b&gt;Apple&lt;/b&gt;&#39;s revenue in FY2024? &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Rate exceeded &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)');
    expect(html).toContain('Résumé of Nestlé&#39;s 10-K — “risk factors” 📈');
  });

  it('has no element with an event-handler attribute and no script, link, iframe or object', () => {
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/<(script|link|iframe|object|embed|base|form)\b/i);
  });

  it('title with the window, time zone and source', () => {
    expect(html).toContain('<title>LLM usage report: Nov 18, 2025 – Nov 20, 2025</title>');
    expect(html).toContain('<h1>Nov 18, 2025 – Nov 20, 2025</h1>');
    expect(html).toContain('3 days, time zone UTC');
    expect(html).toContain('compared with Nov 15, 2025 – Nov 17, 2025');
    expect(html).toContain('source <code>sample/logs-root</code>');
  });

  it('KPI cards show values and changes formatted by hand', () => {
    const kpis = between(html, '<div class="kpis">', '<p class="hint">');
    const card = (label: string) => between(kpis, `<div class="kpi-label">${label}</div>`, '<div class="kpi-sub">');
    expect(card('Queries')).toContain('<div class="kpi-value">5</div>');
    expect(card('Queries')).toContain('<span class="chg flat">');
    expect(card('Queries')).toContain('+25.0%');
    expect(card('Error rate')).toContain('<div class="kpi-value">20.0%</div>');
    expect(card('Error rate')).toContain('<span class="chg bad">');
    expect(card('Error rate')).toContain('+20.0 pp');
    expect(card('Cost')).toContain('<div class="kpi-value">$0.0625</div>');
    expect(card('Cost')).toContain('<span class="chg bad">');
    expect(card('Cost')).toContain('▲');
    expect(card('Cost')).toContain('+25.0%');
    expect(card('Total tokens')).toContain('<div class="kpi-value">23,000</div>');
    expect(card('Total tokens')).toContain('+27.8%');
    expect(card('Latency p50')).toContain('<div class="kpi-value">15.00 s</div>');
    expect(card('Latency p50')).toContain('+7.1%');
    expect(card('Latency p95')).toContain('<div class="kpi-value">20.55 s</div>');
    expect(card('Latency p95')).toContain('+8.2%');
    expect(kpis).toContain('vs $0.0500');
    expect(kpis).toContain('list price $0.0680');
    expect(kpis).toContain('excludes 1 unpriced model');
    expect(kpis).toContain('vs 18,000');
    expect(kpis).toContain('vs 14.00 s');
  });

  it('a falling cost is good (green, down arrow, U+2212 minus) and a missing change is n/a', () => {
    const base = makeModel();
    const m = makeModel({
      previousPeriod: { ...base.previousPeriod, change: { ...base.previousPeriod.change, costUsd: -0.1, failed: null, errorRate: null } },
    });
    const kpis = between(renderHtml(m, []), '<div class="kpis">', '<p class="hint">');
    const cost = between(kpis, '<div class="kpi-label">Cost</div>', '<div class="kpi-sub">');
    expect(cost).toContain('<span class="chg good">');
    expect(cost).toContain('▼');
    expect(cost).toContain('\u221210.0%');
    const err = between(kpis, '<div class="kpi-label">Error rate</div>', '<div class="kpi-sub">');
    expect(err).toContain('<span class="chg flat">n/a</span>');
  });

  it('shows the data-quality notes prominently, before the KPI cards', () => {
    const note = 'The headline cost excludes 1 model without a logged cost or a known price: my-finetuned-model (1 row).';
    const at = html.indexOf(note);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(html.indexOf('<div class="kpis">'));
    expect(html).toContain('<section class="notes"');
  });

  it('embeds all 4 charts as base64 SVG images with title and alt text', () => {
    const imgs = [...html.matchAll(/<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)" width="800" height="400">/g)];
    expect(imgs).toHaveLength(4);
    imgs.forEach((m, i) => {
      expect(Buffer.from(m[1], 'base64').toString('utf8')).toBe(charts[i].svg);
      expect(m[2]).toBe(`Chart ${i + 1} shows &quot;${NAMES[i]}&quot; &lt;by day&gt;.`);
      expect(html).toContain(`<h3>Title of ${NAMES[i]}</h3>`);
      expect(html).toContain(`id="chart-${NAMES[i]}"`);
    });
  });

  it('falls back to the PNG when a chart has no SVG', () => {
    const c = { ...fakeChart('cost-per-day', 0), svg: '' };
    const out = renderHtml(model, [c]);
    expect(out).toContain(`<img src="data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]).toString('base64')}"`);
  });

  it('makes no external requests: no http(s) URL except in escaped log text, and a strict CSP', () => {
    const withoutLogText = html.split('=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)').join('');
    expect(withoutLogText).not.toMatch(/https?:\/\//i);
    expect(withoutLogText).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i); // protocol-relative URLs
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/\s(src|href|srcset|action)="(?!data:)/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src data:; style-src &#39;unsafe-inline&#39;">`);
  });

  it('names the unpriced model in the data-quality section', () => {
    const dq = between(html, '<section id="data-quality">', '</section>');
    expect(dq).toContain('<h3>Unpriced models</h3>');
    expect(dq).toContain('<span class="name">my-finetuned-model</span>');
    expect(dq).toContain('1,100');
  });

  it('by model: display name with the full id in a title attribute and a smaller line, and the figures', () => {
    const sec = between(html, '<section id="models">', '</section>');
    expect(sec).toContain('<span class="name" title="us.anthropic.claude-sonnet-4-5-20250929-v1:0">claude-sonnet-4-5</span><span class="sub">us.anthropic.claude-sonnet-4-5-20250929-v1:0</span>');
    for (const s of ['$0.0400', '64.0% of cost', '$0.0440', '-$0.0040', '\u22129.1%', '50.0%', '10,000', '$0.0200', '$0.0036', '18.50 s', '20.75 s',
      '$0.0225', '$0.0240', '-$0.0015', '\u22126.3%', '$0.0113', '$0.0019', '11.00 s', '11.90 s']) {
      expect(sec).toContain(s);
    }
    for (const h of ['Queries', 'Share', 'Cost', 'List-price cost', 'Gap to list', 'Tokens in', 'Tokens out', 'Avg cost / query', 'Cost / 1k tokens', 'Latency p50', 'Latency p95']) {
      expect(sec).toContain(`>${h}</th>`);
    }
  });

  it('history by day with totals, previous period and change rows', () => {
    const sec = between(html, '<section id="history">', '</section>');
    expect(sec).toContain('Nov 19, 2025');
    expect(sec).toContain('<td class="num">5,667</td>'); // tokens per query, Nov 20
    expect(sec).toContain('<td class="num">20.80 s</td>');
    expect(sec).toContain('<th scope="row">This period</th><td class="num">5</td><td class="num">1</td><td class="num">20.0%</td><td class="num">$0.0625</td>');
    expect(sec).toContain('<td class="num">4,500</td>'); // previous: 18,000 tokens / 4 succeeded
    expect(sec).toContain('<td class="num">n/a</td>'); // failed change
  });

  it('top queries, errors, recent queries, efficiency', () => {
    const top = between(html, '<section id="top-queries">', '</section>');
    expect(top).toContain('$0.0400');
    expect(top).toContain('18.50 s');
    const errors = between(html, '<section id="errors">', '</section>');
    expect(errors).toContain('<td>ThrottlingException</td><td>generation</td><td class="num">1</td>');
    expect(errors).toContain('Nov 18, 2025, 23:41 UTC');
    const recent = between(html, '<section id="recent">', '</section>');
    expect(recent).toContain('Nov 20, 2025, 01:46 UTC');
    expect(recent).toContain('<span class="name" title="us.anthropic.claude-sonnet-4-5-20250929-v1:0">claude-sonnet-4-5</span>');
    expect(recent).toContain('$0.0260');
    expect(recent).toContain('21.00 s');
    expect(recent).toContain('5,946');
    expect(recent).toContain('<span class="tag err">error</span>');
    const eff = between(html, '<section id="efficiency">', '</section>');
    for (const s of ['5,750', '49.2', '$0.0027', '18,313 chars', '40,000 chars', '22,000 chars']) expect(eff).toContain(s);
  });

  it('data quality: row counts, skipped reasons, files ledger with status and reason', () => {
    const dq = between(html, '<section id="data-quality">', '</section>');
    expect(dq).toContain('<td>Rows read</td><td class="num">12</td>');
    expect(dq).toContain('<td>Rows used</td><td class="num">5</td>');
    expect(dq).toContain('<td>Rows outside the window</td><td class="num">6</td>');
    expect(dq).toContain('<td>Rows skipped</td><td class="num">1</td>');
    expect(dq).toContain('<td>Re-priced rows</td><td class="num">1</td>');
    expect(dq).toContain('timestamp is not a valid ISO-8601 instant');
    expect(dq).toContain('logs/dt=2025-11-20/broken.parquet');
    expect(dq).toContain('>unreadable</span>');
    expect(dq).toContain('not a Parquet file (bad magic bytes)');
    expect(dq).toContain('Files ledger: 4 files (2 read, 1 unreadable, 1 ignored)');
    expect(dq).toContain('<details class="ledger" open>'); // a file could not be read: open by default
  });

  it('footer: percentile method, pricing source, generation time', () => {
    const foot = between(html, '<footer', '</footer>');
    expect(foot).toContain('linear interpolation between closest ranks (numpy default)');
    expect(foot).toContain('@pydantic/genai-prices 0.1.8 (provider aws)');
    expect(foot).toContain('Generated Nov 21, 2025, 08:00 UTC');
  });

  it('never prints NaN, undefined, null or Infinity', () => {
    const text = html.replace(/<[^>]*>/g, ' ');
    expect(text).not.toMatch(/\bNaN\b|\bundefined\b|\bnull\b|Infinity/);
  });
});

describe('renderHtml with hostile and long log text', () => {
  const evil = (tag: string) => `<x-${tag} onclick="a()">'${tag}'&</x-${tag}>`;
  const longQuery = `${'Revenue breakdown by segment '.repeat(10)}<script>alert("late")</script>`;
  const base = makeModel();
  const model: ReportModel = makeModel({
    source: evil('source'),
    byModel: base.byModel.map((m, i) => ({ ...m, modelId: evil(`model${i}`), displayName: evil(`name${i}`), priced: i === 0 })),
    byQuery: [{ ...base.byQuery[0], query: longQuery }],
    errors: [{ errorType: evil('type'), stage: evil('stage'), count: 2, lastSeen: '2025-11-20T10:00:00.000Z', example: evil('message') }],
    recentQueries: [{ ...base.recentQueries[0], query: evil('recent'), modelId: evil('recentmodel'), errorType: evil('recenterr') }],
    dataQuality: {
      ...base.dataQuality,
      notes: [evil('note')],
      skipped: [{ reason: evil('reason'), count: 1 }],
      files: [{ path: evil('path'), rows: null, status: 'unreadable', reason: evil('filereason') }],
      unpricedModels: [{ modelId: evil('unpriced'), rows: 1, inputTokens: 1, outputTokens: 1, tokens: 2 }],
    },
    pricing: { source: evil('pricing'), overridesFile: evil('overrides') },
  });
  const charts = fakeCharts().map((c) => ({ ...c, title: evil('charttitle') }));
  const html = renderHtml(model, charts);

  it('escapes every string from the logs', () => {
    expect(html).not.toMatch(/<x-/);
    expect(html).not.toMatch(/<script/i);
    for (const tag of ['source', 'model0', 'name0', 'type', 'stage', 'message', 'recent', 'recentmodel', 'recenterr',
      'note', 'reason', 'path', 'filereason', 'unpriced', 'pricing', 'overrides', 'charttitle']) {
      expect(html).toContain(`&lt;x-${tag} onclick=&quot;a()&quot;&gt;&#39;${tag}&#39;&amp;&lt;/x-${tag}&gt;`);
    }
  });

  it('truncates a long query for display and keeps the full text, escaped, in a title attribute', () => {
    const fullEscaped = longQuery.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const top = between(html, '<section id="top-queries">', '</section>');
    expect(top).toContain(`title="${fullEscaped}"`);
    // Displayed: the first 159 characters + an ellipsis. The phrase is 29 characters: 159 = 5 x 29 + 14.
    const shown = `${'Revenue breakdown by segment '.repeat(5)}Revenue breakd…`;
    expect(top).toContain(`>${shown}</span>`);
    expect(shown.length).toBeLessThanOrEqual(160);
  });

  it('marks a model with unpriced rows', () => {
    const sec = between(html, '<section id="models">', '</section>');
    expect(sec.match(/unpriced rows/g)).toHaveLength(1);
  });
});

describe('renderHtml with an empty window and no charts', () => {
  const base = makeModel();
  const zeroTotals = { ...base.totals, queries: 0, succeeded: 0, failed: 0, errorRate: null, costUsd: 0, listPriceCostUsd: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, uniqueQueries: 0 };
  const model = makeModel({
    totals: zeroTotals,
    latencyMs: { ...base.latencyMs, p50: null, p95: null, p99: null, mean: null, max: null, count: 0 },
    byDay: [], byDayAndModel: [], byModel: [], byQuery: [], errors: [], recentQueries: [],
    efficiency: { tokensPerQuery: null, outputTokensPerSecond: null, contextLengthChars: { p50: null, p95: null, mean: null, count: 0 }, costPer1kTokens: null },
    previousPeriod: {
      ...base.previousPeriod, totals: zeroTotals, latencyMs: { p50: null, p95: null },
      change: { queries: null, failed: null, errorRate: null, costUsd: null, totalTokens: null, latencyP50: null, latencyP95: null },
    },
    dataQuality: { ...base.dataQuality, notes: [], unpricedModels: [], skipped: [], files: [] },
  });
  const html = renderHtml(model, []);

  it('renders with dashes and empty-state messages, never NaN', () => {
    expect(html).toContain('<div class="kpi-value">0</div>');
    expect(html).toContain('<div class="kpi-value">—</div>'); // error rate and latencies
    expect(html).toContain('<div class="kpi-value">$0.0000</div>');
    expect(html).toContain('Charts were not rendered for this report.');
    expect(html).toContain('No errors in the window.');
    expect(html).toContain('Every model has a logged cost or a known price.');
    expect(html).not.toContain('<section class="notes"');
    expect(html).not.toContain('unpriced model</strong>');
    const text = html.replace(/<[^>]*>/g, ' ');
    expect(text).not.toMatch(/\bNaN\b|\bundefined\b|\bnull\b|Infinity/);
  });

  it('says the previous period has no rows instead of comparing with zero', () => {
    const kpis = between(html, '<div class="kpis">', '</section>');
    expect(kpis).not.toContain('vs ');
    expect(kpis.match(/no previous data/g)).toHaveLength(6); // one per KPI card
    expect(kpis).toContain(`The previous ${base.previousPeriod.window.days} days (`);
    expect(kpis).toContain('have no rows, so no change is shown.');
  });
});

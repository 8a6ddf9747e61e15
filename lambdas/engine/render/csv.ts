/**
 * CSV tables of the report (`tables/*.csv`), one per table of the HTML report.
 *
 * Format (RFC 4180): comma separator, CRLF after every record (the last one too), a field is
 * quoted when it contains `,` `"` CR or LF, and quotes inside are doubled.
 *
 * Encoding: UTF-8 WITH a byte order mark (U+FEFF at the start of the text). Excel opens a
 * BOM-less CSV in the machine's legacy code page and garbles `Nestlé`, `—` and emoji; with the
 * BOM it reads UTF-8. pandas (`encoding="utf-8-sig"`), DuckDB and Python's csv module skip it;
 * plain `utf-8` readers see it as part of the first header name.
 *
 * Values are raw, not formatted for people: numbers at full precision (`0.0036363636363636364`),
 * ratios as 0..1, money in USD, durations in ms, instants as ISO-8601. Missing values (null) are
 * empty fields.
 *
 * CSV injection (OWASP): a text field starting with `=`, `+`, `-`, `@`, TAB or CR is prefixed with
 * a single quote `'` so spreadsheets show it as text instead of evaluating it as a formula. Query
 * texts and error messages come from users and logs, so this applies to every text field. JS
 * numbers are written as numbers (`-0.004`), never prefixed.
 */
import type { ReportModel } from '../report-model.js';
import type { ReportFile } from './types.js';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field as CSV text (quoted when needed). */
export function csvField(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    // String(n) is the shortest text that reads back as the same double: full precision.
    return Number.isFinite(value) ? String(value) : '';
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    text = Number.isNaN(value.getTime()) ? '' : value.toISOString();
  } else if (typeof value === 'string') {
    text = value;
  } else {
    text = JSON.stringify(value) ?? '';
  }
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark for Excel. Default true. */
  bom?: boolean;
}

/** A CSV document: the header record, then one record per row. See the module comment for the rules. */
export function toCsv(headers: string[], rows: unknown[][], options: CsvOptions = {}): string {
  const lines = [headers, ...rows].map((r) => r.map(csvField).join(','));
  return `${options.bom === false ? '' : BOM}${lines.map((l) => `${l}\r\n`).join('')}`;
}

function table(path: string, headers: string[], rows: unknown[][]): ReportFile {
  return { path, contentType: CSV_CONTENT_TYPE, body: toCsv(headers, rows) };
}

/** Every CSV of the report, in a stable order. */
export function renderTables(model: ReportModel): ReportFile[] {
  return [
    summaryTable(model),
    table(
      'tables/by-day.csv',
      ['date', 'queries', 'succeeded', 'failed', 'error_rate', 'cost_usd', 'input_tokens', 'output_tokens',
        'total_tokens', 'tokens_per_query', 'latency_p50_ms', 'latency_p95_ms'],
      model.byDay.map((d) => [d.date, d.queries, d.succeeded, d.failed, d.errorRate, d.costUsd, d.inputTokens,
        d.outputTokens, d.totalTokens, d.tokensPerQuery, d.latencyMs.p50, d.latencyMs.p95]),
    ),
    table(
      'tables/by-model.csv',
      ['model_id', 'display_name', 'queries', 'succeeded', 'failed', 'share', 'cost_share', 'cost_usd',
        'list_price_cost_usd', 'list_price_gap_usd', 'list_price_gap_pct', 'priced', 'input_tokens', 'output_tokens',
        'total_tokens', 'avg_cost_per_query_usd', 'cost_per_1k_tokens_usd', 'latency_p50_ms', 'latency_p95_ms'],
      model.byModel.map((m) => [m.modelId, m.displayName, m.queries, m.succeeded, m.failed, m.share, m.costShare,
        m.costUsd, m.listPriceCostUsd, m.listPriceGapUsd, m.listPriceGapPct, m.priced, m.inputTokens, m.outputTokens,
        m.totalTokens, m.avgCostPerQuery, m.costPer1kTokens, m.latencyMs.p50, m.latencyMs.p95]),
    ),
    table(
      'tables/top-queries.csv',
      ['rank', 'query', 'runs', 'failed', 'avg_input_tokens', 'avg_output_tokens', 'cost_usd', 'avg_cost_usd',
        'avg_latency_ms'],
      model.byQuery.map((q, i) => [i + 1, q.query, q.runs, q.failed, q.avgInputTokens, q.avgOutputTokens, q.costUsd,
        q.avgCostUsd, q.avgLatencyMs]),
    ),
    table(
      'tables/errors.csv',
      ['error_type', 'stage', 'count', 'last_seen', 'example'],
      model.errors.map((e) => [e.errorType, e.stage, e.count, e.lastSeen, e.example]),
    ),
    table(
      'tables/recent-queries.csv',
      ['timestamp', 'query', 'model_id', 'status', 'total_tokens', 'cost_usd', 'latency_ms', 'error_type'],
      model.recentQueries.map((r) => [r.timestamp, r.query, r.modelId, r.status, r.totalTokens, r.costUsd,
        r.latencyMs, r.errorType]),
    ),
    table(
      'tables/data-quality-files.csv',
      ['path', 'rows', 'status', 'reason'],
      model.dataQuality.files.map((f) => [f.path, f.rows, f.status, f.reason ?? null]),
    ),
    table(
      'tables/unpriced-models.csv',
      ['model_id', 'rows', 'input_tokens', 'output_tokens', 'tokens'],
      model.dataQuality.unpricedModels.map((u) => [u.modelId, u.rows, u.inputTokens, u.outputTokens, u.tokens]),
    ),
  ];
}

/**
 * `tables/summary.csv`: the window's headline figures next to the previous period's.
 * Columns: metric, current, previous, change, change_unit. `change` is relative (0.25 = +25%,
 * change_unit `ratio`) except for error_rate, where it is the difference in percentage points
 * expressed as a ratio (0.01 = +1 pp, change_unit `percentage_points`). Rows without a previous
 * value (latency p99, data-quality counts) leave previous/change empty.
 */
function summaryTable(model: ReportModel): ReportFile {
  const t = model.totals;
  const p = model.previousPeriod;
  const pt = p.totals;
  const c = p.change;
  const rel = 'ratio';
  const dq = model.dataQuality;
  const rows: unknown[][] = [
    ['window_from', model.window.from, p.window.from, null, null],
    ['window_to', model.window.to, p.window.to, null, null],
    ['window_days', model.window.days, p.window.days, null, null],
    ['timezone', model.window.timezone, p.window.timezone, null, null],
    ['queries', t.queries, pt.queries, c.queries, rel],
    ['succeeded', t.succeeded, pt.succeeded, null, null],
    ['failed', t.failed, pt.failed, c.failed, rel],
    ['error_rate', t.errorRate, pt.errorRate, c.errorRate, 'percentage_points'],
    ['cost_usd', t.costUsd, pt.costUsd, c.costUsd, rel],
    ['list_price_cost_usd', t.listPriceCostUsd, pt.listPriceCostUsd, null, null],
    ['input_tokens', t.inputTokens, pt.inputTokens, null, null],
    ['output_tokens', t.outputTokens, pt.outputTokens, null, null],
    ['total_tokens', t.totalTokens, pt.totalTokens, c.totalTokens, rel],
    ['unique_queries', t.uniqueQueries, pt.uniqueQueries, null, null],
    ['latency_p50_ms', model.latencyMs.p50, p.latencyMs.p50, c.latencyP50, rel],
    ['latency_p95_ms', model.latencyMs.p95, p.latencyMs.p95, c.latencyP95, rel],
    ['latency_p99_ms', model.latencyMs.p99, null, null, null],
    ['latency_mean_ms', model.latencyMs.mean, null, null, null],
    ['latency_max_ms', model.latencyMs.max, null, null, null],
    ['latency_count', model.latencyMs.count, null, null, null],
    ['tokens_per_query', model.efficiency.tokensPerQuery, null, null, null],
    ['output_tokens_per_second', model.efficiency.outputTokensPerSecond, null, null, null],
    ['cost_per_1k_tokens_usd', model.efficiency.costPer1kTokens, null, null, null],
    ['rows_read', dq.rowsRead, null, null, null],
    ['rows_used', dq.rowsUsed, null, null, null],
    ['rows_outside_window', dq.rowsOutsideWindow, null, null, null],
    ['rows_skipped', dq.rowsSkipped, null, null, null],
    ['repriced_rows', dq.repricedRows, null, null, null],
    ['unpriced_models', dq.unpricedModels.length, null, null, null],
  ];
  return table('tables/summary.csv', ['metric', 'current', 'previous', 'change', 'change_unit'], rows);
}

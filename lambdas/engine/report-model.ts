/**
 * The report model: the plain, serialisable object written as `aggregates.json`.
 *
 * Every renderer (charts, HTML, CSV, email) and every consumer (the notebook's
 * cross-check, the benchmark) reads this shape and nothing else. Field names are
 * camelCase; money is USD as a float; times are milliseconds; days are
 * `YYYY-MM-DD` in the report time zone. `null` means "no data" (e.g. a latency
 * percentile over zero rows), never zero.
 */

export const REPORT_SCHEMA_VERSION = 1;

/** Percentile method, stated in the output: numpy's default ("linear"). */
export const PERCENTILE_METHOD = 'linear interpolation between closest ranks (numpy default)';

export interface Window {
  /** First day, inclusive, `YYYY-MM-DD` in `timezone`. */
  from: string;
  /** Last day, inclusive, `YYYY-MM-DD` in `timezone`. */
  to: string;
  /** IANA time zone name the days are counted in. */
  timezone: string;
  /** Number of calendar days in the window. */
  days: number;
}

export interface Totals {
  /** Rows in the window (succeeded + failed). */
  queries: number;
  succeeded: number;
  /** Rows whose `error` is non-null. */
  failed: number;
  /** failed / queries, 0..1; null when there are no queries. */
  errorRate: number | null;
  /** Logged cost plus re-priced cost; excludes unpriced models (see dataQuality.unpricedModels). */
  costUsd: number;
  /** List price (price table) of every successful row that has a known price. */
  listPriceCostUsd: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Distinct query texts in the window. */
  uniqueQueries: number;
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
  max: number | null;
  /** Successful rows with a processing_time_ms that the figures are computed over. */
  count: number;
  method: string;
}

export interface P50P95 {
  p50: number | null;
  p95: number | null;
}

export interface DayRow {
  date: string;
  queries: number;
  succeeded: number;
  failed: number;
  errorRate: number | null;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Average total tokens per successful query; null when none succeeded. */
  tokensPerQuery: number | null;
  latencyMs: P50P95;
}

/** Cost and volume per day and model: the stacked cost chart's data. */
export interface DayModelRow {
  date: string;
  modelId: string;
  displayName: string;
  queries: number;
  costUsd: number;
}

export interface ModelRow {
  modelId: string;
  /** Short name, e.g. `claude-haiku-4-5` for `us.anthropic.claude-haiku-4-5-20251001-v1:0`. */
  displayName: string;
  queries: number;
  succeeded: number;
  failed: number;
  /** Share of the window's rows that name a model, 0..1. */
  share: number;
  /** Share of the window's cost, 0..1 (null when total cost is 0). */
  costShare: number | null;
  costUsd: number;
  /** Cost of its successful rows at list price; null when no list price is known for the model. */
  listPriceCostUsd: number | null;
  /** costUsd - listPriceCostUsd (positive: the app logs more than list price); null without a list price. */
  listPriceGapUsd: number | null;
  /** Gap relative to list price, e.g. -0.09 for 9% below list; null when list price is 0 or unknown. */
  listPriceGapPct: number | null;
  /** False when neither a logged cost nor a price exists for some of its rows (see unpricedModels). */
  priced: boolean;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  avgCostPerQuery: number | null;
  costPer1kTokens: number | null;
  latencyMs: P50P95;
}

export interface QueryRow {
  query: string;
  /** Rows with this exact query text in the window, failed ones included. */
  runs: number;
  failed: number;
  /** Averages over the successful runs (null when none succeeded). */
  avgInputTokens: number | null;
  avgOutputTokens: number | null;
  costUsd: number;
  avgCostUsd: number | null;
  avgLatencyMs: number | null;
}

export interface ErrorRow {
  errorType: string | null;
  stage: string | null;
  count: number;
  /** ISO-8601 instant (UTC, `Z`) of the latest occurrence. */
  lastSeen: string;
  /** One example message (the latest). */
  example: string;
}

export interface RecentQueryRow {
  /** ISO-8601 instant (UTC, `Z`). */
  timestamp: string;
  query: string | null;
  modelId: string | null;
  status: 'ok' | 'error';
  totalTokens: number | null;
  costUsd: number | null;
  latencyMs: number | null;
  errorType: string | null;
}

export interface Efficiency {
  /** Average total tokens per successful query. */
  tokensPerQuery: number | null;
  /** Sum of output tokens / sum of processing seconds, over successful rows with both. */
  outputTokensPerSecond: number | null;
  /** Context length in characters over successful rows that have it. */
  contextLengthChars: P50P95 & { mean: number | null; count: number };
  /** Window cost / (window total tokens / 1000). */
  costPer1kTokens: number | null;
}

/** Percent change current vs previous; null when the previous value is 0 (or either is null). */
export type Change = number | null;

export interface PreviousPeriod {
  window: Window;
  totals: Totals;
  latencyMs: P50P95;
  /** Relative change, e.g. 0.25 for +25%. `errorRate` is the change in percentage points (0.01 = +1 pp). */
  change: {
    queries: Change;
    failed: Change;
    errorRate: Change;
    costUsd: Change;
    totalTokens: Change;
    latencyP50: Change;
    latencyP95: Change;
  };
}

export type FileStatus = 'read' | 'partial' | 'unreadable' | 'missing-timestamp' | 'pruned' | 'ignored';

export interface FileLedgerEntry {
  /** Path relative to the log root (`logs/...`), for a folder and for s3:// alike. */
  path: string;
  /** Rows in the file (the sum of its row groups' row counts, from its footer), null when the file was not opened. */
  rows: number | null;
  status: FileStatus;
  /** Why it was not (fully) read; absent when status is `read`. */
  reason?: string;
}

export interface SkipCount {
  reason: string;
  count: number;
}

export interface UnpricedModel {
  modelId: string;
  rows: number;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
}

export interface DataQuality {
  /** Rows in every file that was opened (sum of the files' row counts). */
  rowsRead: number;
  /** Rows in the report window. */
  rowsUsed: number;
  /** Rows before or after the window (those in the previous period included). */
  rowsOutsideWindow: number;
  /** Rows that could not be used, by reason. rowsRead = rowsUsed + rowsOutsideWindow + rowsSkipped. */
  rowsSkipped: number;
  skipped: SkipCount[];
  files: FileLedgerEntry[];
  /** Models with rows that have neither a logged cost nor a known price: excluded from costUsd. */
  unpricedModels: UnpricedModel[];
  /** Rows with a null logged cost priced from the price table. */
  repricedRows: number;
  /** Successful rows whose model has no list price (excluded from listPriceCostUsd). */
  listPriceMissingRows: number;
  /** Successful rows with no logged cost and nothing to price them by (no model id or no tokens): excluded from costUsd. */
  costMissingRows: number;
  /**
   * Values that cannot be true (negative or infinite cost, tokens, context length or latency), per log
   * column: treated as missing (a cost is then re-priced). Their rows still count.
   */
  invalidValues: { column: string; count: number }[];
  /**
   * Rows without a context_file / response_file URI, from the files' column statistics (null counts),
   * over every row group read (so not limited to the window); null when the files carry no such statistics.
   * The report never reads those columns' values: it needs only their presence.
   */
  rowsWithoutContextFile: number | null;
  rowsWithoutResponseFile: number | null;
  /** Notes a reader must see (e.g. "headline cost excludes 2 unpriced models"). */
  notes: string[];
}

export interface ReportModel {
  schemaVersion: number;
  generatedAt: string;
  /** Where the logs came from: a folder path or s3://bucket/prefix. */
  source: string;
  window: Window;
  totals: Totals;
  latencyMs: LatencySummary;
  byDay: DayRow[];
  byDayAndModel: DayModelRow[];
  byModel: ModelRow[];
  /** Top 20 query texts by cost. */
  byQuery: QueryRow[];
  errors: ErrorRow[];
  /** The 20 latest rows in the window, newest first. */
  recentQueries: RecentQueryRow[];
  efficiency: Efficiency;
  previousPeriod: PreviousPeriod;
  dataQuality: DataQuality;
  pricing: {
    /** Where list prices come from (the price package; its version is the one in package-lock.json). */
    source: string;
    overridesFile: string | null;
  };
}

/**
 * Deterministic sample-log generator: writes a FinRAG-style log root.
 *
 *   npx tsx scripts/generate-sample.ts --out DIR [--start 2025-10-06] [--days 42]
 *     [--per-day 300] [--rows N] [--seed 7] [--files contexts-for-last-day|none|all]
 *     [--codec zstd] [--context-chars 4000|full] [--threads N] [--force]
 *
 * Layout (days are UTC calendar days):
 *   DIR/logs/dt=YYYY-MM-DD/part-00000.zstd.parquet     one file per day (`.snappy.parquet`,
 *                                                     `.gzip.parquet`, `.parquet` for other codecs)
 *   DIR/contexts/context_<YYYYMMDDTHHMMSS>[_<n>].txt   retrieved context of a row
 *   DIR/responses/response_<YYYYMMDDTHHMMSS>[_<n>].json model response of a row
 *
 * File schema = the reference FinRAG log (Polars writer), same names, order and types:
 *   timestamp VARCHAR (ISO-8601 UTC with microseconds and `Z`), query VARCHAR, model_id VARCHAR,
 *   input_tokens/output_tokens/total_tokens BIGINT, cost DOUBLE (USD, rounded to 6 decimals),
 *   context_length BIGINT (characters), processing_time_ms DOUBLE, error, error_type, stage,
 *   context_file, response_file VARCHAR.
 * The partition key `dt` is NOT stored inside the files (only in the folder name); readers
 * with Hive partitioning on get it as an extra column, readers without it see exactly the
 * reference schema. Rows in a file are sorted by timestamp.
 *
 * Content:
 * - volume: `--per-day` is the average per day (or `--rows N` in total, exact); days are
 *   weighted by weekday (Sat/Sun well below Tue/Wed), a slight upward trend and +-10% jitter.
 *   Time of day: mostly a business-hours peak around 15:30 UTC, plus a flat background.
 * - models (per successful row): claude-haiku-4-5 55%, claude-sonnet-4-5 30%, nova-pro 10%,
 *   llama3-3-70b 5%. cost = tokens x the app's configured prices (PRICES below, USD per 1M
 *   in/out tokens), rounded to 6 decimals; these intentionally differ a little from list prices.
 * - queries: ~5,000 distinct template texts (companies x metrics x fiscal years x templates)
 *   with Zipf-like popularity (65% of rows pick id k with weight ~1/(k+3), 35% uniformly),
 *   so a few queries repeat a lot (the top one ~2-3% of rows). A query has a base context
 *   size, so repeats have similar (often identical) input tokens.
 * - tokens: input 2,000-40,000 (log-normal), output 100-2,000, total = input + output;
 *   context_length = 3.5-4.0 characters per input token.
 * - latency: grows with tokens and model speed, log-normal noise and a rare slow tail;
 *   a few successful rows take > 60 s.
 * - errors: ~2% of rows (one "incident" day with ~7% mostly throttling when >= 7 days).
 *   Error rows: error, error_type (ThrottlingException, ValidationException, RetrievalError,
 *   TimeoutError, ValueError), stage (generation, retrieval, context_assembly); model_id,
 *   input/output/total_tokens, cost and response_file are NULL; processing_time_ms is
 *   PRESENT (time until the failure; TimeoutError rows ~60-61.5 s); context_length and
 *   context_file are NULL for retrieval-stage errors and present otherwise.
 * - context_file / response_file: s3:// URIs under
 *   s3://finrag-sample-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG/, named after the row's second;
 *   when several rows share a second the 2nd, 3rd ... get `_2`, `_3` ... so every URI is
 *   unique. Local files are written for the last day only by default (`--files all`: every
 *   day, `none`: none). A context file holds the first min(context_length, --context-chars)
 *   characters of a synthetic context (default 4000, `full` = exactly context_length).
 *
 * Determinism: the same options give the same rows (hash-based pseudo-random numbers from
 * DuckDB's `hash()` of (row number, stream, seed)); with the same DuckDB version the files
 * are byte-identical. Generation runs in DuckDB SQL from `range()`, one COPY per day, so
 * memory is bounded by one day's rows.
 *
 * Re-running into the same DIR first deletes earlier generator output there (files matching
 * the layout above). If DIR holds anything else the generator refuses unless `--force`
 * (which still only deletes generator-named files).
 */
import { mkdir, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export type SampleCodec = 'zstd' | 'snappy' | 'gzip' | 'uncompressed';
export type SampleFilesMode = 'contexts-for-last-day' | 'none' | 'all';

export interface GenerateSampleOptions {
  /** Log root to write. */
  out: string;
  /** First day, YYYY-MM-DD (UTC). Default 2025-10-06 (a Monday). */
  start?: string;
  /** Number of days. Default 42. */
  days?: number;
  /** Average rows per day. Default 300. Ignored when `rows` is given. */
  perDay?: number;
  /** Exact total number of rows, spread over the days. */
  rows?: number;
  /** Default 7. */
  seed?: number;
  /** Which rows get local context/response files. Default 'contexts-for-last-day'. */
  files?: SampleFilesMode;
  /** Default 'zstd'. */
  codec?: SampleCodec;
  /** Max characters per context file, or 'full'. Default 4000. */
  contextChars?: number | 'full';
  /** DuckDB threads (default: DuckDB's default, all cores). */
  threads?: number;
  /** Write even if `out` holds files the generator did not make. */
  force?: boolean;
  onProgress?: (message: string) => void;
}

export interface GenerateSampleResult {
  rows: number;
  /** Every file written (absolute paths): Parquet files, then context/response files. */
  files: string[];
  bytes: number;
  seconds: number;
  /** First and last day, YYYY-MM-DD. */
  from: string;
  to: string;
  /** Rows per day, in day order. */
  rowsPerDay: number[];
}

export const SAMPLE_BUCKET_PREFIX = 's3://finrag-sample-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG/';

/** The app's configured prices, USD per 1M tokens (intentionally not exactly list prices). */
export const MODELS = [
  { id: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', weight: 0.55, inPerM: 1.0, outPerM: 5.0, tokPerSec: 75, outMult: 1.0 },
  { id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', weight: 0.3, inPerM: 3.0, outPerM: 15.0, tokPerSec: 45, outMult: 1.2 },
  { id: 'us.amazon.nova-pro-v1:0', weight: 0.1, inPerM: 0.8, outPerM: 3.2, tokPerSec: 65, outMult: 0.9 },
  { id: 'us.meta.llama3-3-70b-instruct-v1:0', weight: 0.05, inPerM: 0.72, outPerM: 0.72, tokPerSec: 40, outMult: 0.8 },
] as const;

const ERRORS = [
  {
    type: 'ThrottlingException',
    stage: 'generation',
    share: 0.4,
    msMin: 800,
    msSpan: 5200,
    hasContext: true,
    message:
      'An error occurred (ThrottlingException) when calling the InvokeModel operation (reached max retries: 4): Too many requests, please wait before trying again.',
  },
  {
    type: 'ValidationException',
    stage: 'generation',
    share: 0.15,
    msMin: 40,
    msSpan: 360,
    hasContext: true,
    message:
      'An error occurred (ValidationException) when calling the InvokeModel operation: Input is too long for requested model.',
  },
  {
    type: 'RetrievalError',
    stage: 'retrieval',
    share: 0.2,
    msMin: 200,
    msSpan: 2800,
    hasContext: false,
    message: "No chunks returned from the vector index for filters {company: '{company}', fiscal_year: '{fy}'}",
  },
  {
    type: 'TimeoutError',
    stage: 'generation',
    share: 0.15,
    msMin: 60000,
    msSpan: 1500,
    hasContext: true,
    message: 'Read timeout on endpoint URL: "https://bedrock-runtime.us-east-1.amazonaws.com/model/{model}/invoke"',
  },
  {
    type: 'ValueError',
    stage: 'context_assembly',
    share: 0.1,
    msMin: 15,
    msSpan: 285,
    hasContext: true,
    message: 'Assembled context exceeds the token budget for {company} ({fy}); no chunks left after truncation.',
  },
] as const;

const COMPANIES = [
  'Apple Inc.', 'Microsoft', 'NVIDIA', 'Amazon', 'Alphabet', 'Meta Platforms', 'Tesla', 'JPMorgan Chase',
  'Walmart Inc.', 'Johnson & Johnson', 'Exxon Mobil', 'Procter & Gamble', 'Visa', 'Mastercard',
  'UnitedHealth Group', 'Home Depot', 'Coca-Cola', 'PepsiCo', 'Intel', 'AMD', 'Cisco', 'Oracle',
  'Salesforce', 'Adobe', 'Netflix', 'Pfizer', 'Merck', 'Chevron', 'Bank of America', 'Wells Fargo',
  'Goldman Sachs', 'Morgan Stanley', 'Boeing', 'Caterpillar', '3M', 'Nike', 'Starbucks', "McDonald's",
  'Costco', 'Berkshire Hathaway',
];
const METRICS = [
  'revenue', 'operating income', 'net income', 'free cash flow', 'long-term debt', 'gross margin',
  'R&D expense', 'capital expenditures', 'share repurchases', 'total assets', 'operating cash flow',
  'diluted EPS', 'SG&A expense', 'inventory levels', 'goodwill and intangible assets', 'effective tax rate',
  'segment revenue', 'dividends paid', 'cash and cash equivalents', 'stock-based compensation',
];
const YEARS = [
  'fiscal 2018', 'fiscal 2019', 'fiscal 2020', 'fiscal 2021', 'fiscal 2018-2020', 'fiscal 2019-2021',
  'fiscal 2020-2022', 'fiscal 2021-2023',
];
const TEMPLATES = [
  "What was {company}'s {metric} in {years}, and what drove the change according to the MD&A?",
  'Across its {years} 10-K filings, how does {company} explain the main drivers behind changes in its {metric}?',
  'Summarize the risk factors {company} cites in its {years} 10-K that could affect its {metric}.',
  "Compare {company}'s {metric} with {company2}'s in {years} and explain the main differences.",
  "How did {company}'s {metric} trend over {years}, and what did management say about the outlook?",
  "What does {company}'s {years} 10-K say about {metric}, and how is it reported in the segment disclosures?",
  'For {company} and {company2}, what were {metric} and {metric2} in {years}, and how did management in the MD&A and Risk Factors sections explain these trends?',
];
/** Distinct query ids drawn from (<= companies x metrics x years x templates). */
const QUERY_IDS = 5000;
const QUERY_SPACE = COMPANIES.length * METRICS.length * YEARS.length * TEMPLATES.length; // 44,800
const QUERY_SCRAMBLE = 7919; // prime, coprime with QUERY_SPACE: idx = (qid * 7919 + 12345) % space is a bijection

/** Relative volume Sun..Sat. */
const WEEKDAY_FACTOR = [0.4, 1.05, 1.1, 1.1, 1.05, 0.9, 0.45];

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function sqlList(items: readonly (string | number)[]): string {
  return `[${items.map((x) => (typeof x === 'number' ? String(x) : sqlString(x))).join(', ')}]`;
}

/** 32-bit integer mix (murmur3 fmix32), for the few per-day decisions made in JS. */
function mix32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}
const unit = (...values: number[]) => mix32(...values) / 4294967296;

/** Small seeded PRNG (mulberry32) for file contents. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseDay(day: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`start must be YYYY-MM-DD, got ${day}`);
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) throw new Error(`invalid date ${day}`);
  return ms;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface DayPlan {
  index: number;
  date: string;
  startMs: number;
  rows: number;
  offset: number;
  errorRate: number;
  incident: boolean;
  weekend: boolean;
}

function planDays(startMs: number, days: number, total: number, seed: number): DayPlan[] {
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const dow = new Date(startMs + d * DAY_MS).getUTCDay();
    weights.push(WEEKDAY_FACTOR[dow]! * (1 + 0.004 * d) * (0.9 + 0.2 * unit(seed, d, 1)));
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % days, left--) counts[order[k]![1]]! += 1;

  const incidentDay = days >= 7 ? mix32(seed, 99) % days : -1;
  let offset = 0;
  return counts.map((rows, index) => {
    const startOfDay = startMs + index * DAY_MS;
    const dow = new Date(startOfDay).getUTCDay();
    const incident = index === incidentDay;
    const plan: DayPlan = {
      index,
      date: isoDay(startOfDay),
      startMs: startOfDay,
      rows,
      offset,
      errorRate: incident ? 0.07 : 0.014 + 0.01 * unit(seed, index, 2),
      incident,
      weekend: dow === 0 || dow === 6,
    };
    offset += rows;
    return plan;
  });
}

// ---------------------------------------------------------------------------------------

async function setupSql(c: DuckDBConnection, seed: number): Promise<void> {
  // Uniform [0,1) from a hash; `u` is per row and seeded, `uq` is per query id.
  await c.run(`CREATE OR REPLACE MACRO u(g, k) AS ((hash(g, k, ${seed}::BIGINT) >> 11)::DOUBLE / 9007199254740992.0)`);
  await c.run(`CREATE OR REPLACE MACRO nz(g, k) AS (sqrt(-2.0 * ln(1.0 - u(g, k))) * cos(2.0 * pi() * u(g, k + 1000)))`);
  await c.run(`CREATE OR REPLACE MACRO uq(q, k) AS ((hash(q, k) >> 11)::DOUBLE / 9007199254740992.0)`);
  await c.run(`CREATE OR REPLACE MACRO nq(q, k) AS (sqrt(-2.0 * ln(1.0 - uq(q, k))) * cos(2.0 * pi() * uq(q, k + 1000)))`);

  const nT = TEMPLATES.length;
  const nY = YEARS.length;
  const nM = METRICS.length;
  const nC = COMPANIES.length;
  await c.run(`
    CREATE OR REPLACE TABLE queries AS
    WITH ids AS (
      SELECT range AS qid, (range * ${QUERY_SCRAMBLE} + 12345) % ${QUERY_SPACE} AS idx FROM range(${QUERY_IDS})
    ), parts AS (
      SELECT qid, idx,
        idx % ${nT} AS t, (idx // ${nT}) % ${nY} AS y, (idx // ${nT * nY}) % ${nM} AS m, idx // ${nT * nY * nM} AS c
      FROM ids
    ), named AS (
      SELECT qid, t, y,
        ${sqlList(COMPANIES)}[c + 1] AS company,
        ${sqlList(COMPANIES)}[(c + 1 + idx % 13) % ${nC} + 1] AS company2,
        ${sqlList(METRICS)}[m + 1] AS metric,
        ${sqlList(METRICS)}[(m + 1 + idx % 7) % ${nM} + 1] AS metric2,
        ${sqlList(YEARS)}[y + 1] AS fy,
        ${sqlList(TEMPLATES)}[t + 1] AS template
      FROM parts
    )
    SELECT qid, company, fy, metric,
      replace(replace(replace(replace(replace(template, '{company2}', company2), '{company}', company),
        '{metric2}', metric2), '{metric}', metric), '{years}', fy) AS text,
      greatest(2000, least(40000, round(exp(ln(6500) + 0.55 * nq(qid, 1))
        * CASE WHEN t = ${nT - 1} OR t = 3 THEN 1.7 ELSE 1.0 END
        * CASE WHEN y >= 4 THEN 1.25 ELSE 1.0 END)))::BIGINT AS base_in
    FROM named`);
}

function daySql(day: DayPlan, files: boolean): string {
  const models = MODELS;
  const cum: number[] = [];
  models.reduce((acc, m) => (cum.push(acc + m.weight), acc + m.weight), 0);
  const modelCase = models
    .slice(0, -1)
    .map((_, i) => `WHEN um < ${cum[i]} THEN ${i}`)
    .join(' ');
  // Error type shares; on the incident day most errors are throttling.
  const shares = ERRORS.map((e, i) => (day.incident ? (i === 0 ? 0.8 : 0.05) : e.share));
  const shareSum = shares.reduce((a, b) => a + b, 0);
  const ecum: number[] = [];
  shares.reduce((acc, s) => (ecum.push((acc + s) / shareSum), acc + s), 0);
  const errorCase = ERRORS.slice(0, -1)
    .map((_, i) => `WHEN uet < ${ecum[i]} THEN ${i}`)
    .join(' ');
  const busy = day.weekend ? 0.5 : 0.85;
  const at = (list: string) => `${list}[mi + 1]`;
  const et = (list: string) => `${list}[ei + 1]`;
  const contextLen = `round(base_in * (3.5 + 0.5 * u_ctx))::BIGINT`;

  return `
    WITH r0 AS (
      SELECT ${day.offset}::BIGINT + i AS g FROM range(${day.rows}) t(i)
    ), r1 AS (
      SELECT g,
        CASE WHEN u(g, 1) < ${busy}
          THEN (((15.5 + 3.0 * nz(g, 2)) % 24) + 24) % 24
          ELSE u(g, 4) * 24 END AS hour,
        least(${QUERY_IDS - 1}, CASE WHEN u(g, 10) < 0.35
          THEN floor(u(g, 11) * ${QUERY_IDS})
          ELSE floor(3 * exp(u(g, 11) * ln(${(QUERY_IDS + 3) / 3}))) - 3 END)::BIGINT AS qid,
        u(g, 20) AS um, u(g, 21) < ${day.errorRate} AS is_err, u(g, 22) AS uet,
        nz(g, 30) AS z_in, u(g, 32) AS u_cache, nz(g, 34) AS z_out, u(g, 36) AS u_ctx,
        nz(g, 38) AS z_lat, u(g, 40) AS u_tail, u(g, 41) AS u_tail2, u(g, 42) AS u_err_ms
      FROM r0
    ), r2 AS (
      SELECT r1.*, q.text AS query, q.base_in, q.company, q.fy, q.metric,
        make_timestamp(${day.startMs * 1000}::BIGINT
          + least(floor(hour / 24 * 86400000000)::BIGINT, 86399999999)) AS ts,
        CASE WHEN is_err THEN NULL ${modelCase} ELSE ${models.length - 1} END AS mi,
        CASE WHEN NOT is_err THEN NULL ${errorCase} ELSE ${ERRORS.length - 1} END AS ei
      FROM r1 JOIN queries q USING (qid)
    ), r3 AS (
      SELECT r2.*,
        CASE WHEN mi IS NULL THEN NULL ELSE greatest(2000, least(40000,
          CASE WHEN u_cache < 0.4 THEN base_in ELSE round(base_in * exp(0.12 * z_in)) END))::BIGINT END AS input_tokens,
        CASE WHEN mi IS NULL THEN NULL ELSE greatest(100, least(2000,
          round(exp(ln(550) + 0.5 * z_out) * ${at(sqlList(models.map((m) => m.outMult)))})))::BIGINT END AS output_tokens
      FROM r2
    ), r4 AS (
      SELECT r3.*,
        strftime(ts, '%Y%m%dT%H%M%S') AS stamp,
        row_number() OVER (PARTITION BY strftime(ts, '%Y%m%dT%H%M%S') ORDER BY ts, g) AS dup
      FROM r3
    ), r5 AS (
      SELECT g, ts, ei, mi, company, fy, metric,
        strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS "timestamp",
        query,
        ${at(sqlList(models.map((m) => m.id)))} AS model_id,
        input_tokens,
        output_tokens,
        input_tokens + output_tokens AS total_tokens,
        round(input_tokens * ${at(sqlList(models.map((m) => m.inPerM)))} / 1e6
          + output_tokens * ${at(sqlList(models.map((m) => m.outPerM)))} / 1e6, 6) AS cost,
        CASE WHEN mi IS NOT NULL THEN round(input_tokens * (3.5 + 0.5 * u_ctx))::BIGINT
             WHEN ${et(sqlList(ERRORS.map((e) => String(e.hasContext))))} = 'true' THEN ${contextLen}
             ELSE NULL END AS context_length,
        CASE WHEN mi IS NOT NULL THEN
          (1.2 + input_tokens / 10000.0 + output_tokens / ${at(sqlList(models.map((m) => m.tokPerSec)))})
            * exp(0.3 * z_lat) * CASE WHEN u_tail < 0.006 THEN 2.5 + 3.0 * u_tail2 ELSE 1.0 END * 1000.0
          ELSE ${et(sqlList(ERRORS.map((e) => e.msMin)))} + ${et(sqlList(ERRORS.map((e) => e.msSpan)))} * u_err_ms
        END AS processing_time_ms,
        replace(replace(replace(${et(sqlList(ERRORS.map((e) => e.message)))},
          '{company}', company), '{fy}', fy),
          '{model}', ${sqlList(models.map((m) => m.id))}[CASE WHEN um < ${cum[0]} THEN 1 ELSE 2 END]) AS error,
        ${et(sqlList(ERRORS.map((e) => e.type)))} AS error_type,
        ${et(sqlList(ERRORS.map((e) => e.stage)))} AS stage,
        stamp || CASE WHEN dup > 1 THEN '_' || dup ELSE '' END AS stem,
        CASE WHEN mi IS NOT NULL OR ${et(sqlList(ERRORS.map((e) => String(e.hasContext))))} = 'true'
          THEN ${sqlString(`${SAMPLE_BUCKET_PREFIX}contexts/context_`)} || stem || '.txt' END AS context_file,
        CASE WHEN mi IS NOT NULL
          THEN ${sqlString(`${SAMPLE_BUCKET_PREFIX}responses/response_`)} || stem || '.json' END AS response_file
      FROM r4
    )
    SELECT ${files ? 'g, ts, stem, company, fy, metric, ' : ''}
      "timestamp", query, model_id, input_tokens, output_tokens, total_tokens, cost, context_length,
      processing_time_ms, error, error_type, stage, context_file, response_file
    FROM r5`;
}

const FILE_COLUMNS = `"timestamp", query, model_id, input_tokens, output_tokens, total_tokens, cost,
  context_length, processing_time_ms, error, error_type, stage, context_file, response_file`;

// ---------------------------------------------------------------------------------------

interface FileRow {
  g: number;
  stem: string;
  company: string;
  fy: string;
  metric: string;
  timestamp: string;
  query: string;
  model_id: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost: number | null;
  context_length: number | null;
  processing_time_ms: number;
  context_file: string | null;
  response_file: string | null;
}

const SECTIONS = [
  "Item 7. Management's Discussion and Analysis of Financial Condition and Results of Operations",
  'Item 1A. Risk Factors',
  'Item 8. Financial Statements and Supplementary Data',
  'Item 1. Business',
  'Item 7A. Quantitative and Qualitative Disclosures About Market Risk',
];
const SENTENCES = [
  '{company} reported {metric} for {fy} that reflected changes in product mix, pricing and volume across its segments.',
  'Management attributed the year-over-year movement in {metric} primarily to demand trends and operating leverage.',
  'The Company continues to monitor supply chain constraints, foreign exchange rates and macroeconomic conditions that may affect {metric}.',
  'Amounts are presented in millions of U.S. dollars, except per-share data, and reflect the adoption of new accounting standards where noted.',
  'Risks related to competition, regulation and cybersecurity could adversely affect future results, including {metric}.',
  'Cash flows from operating activities were used to fund capital expenditures, dividends and share repurchases during {fy}.',
  '{company} believes its existing cash, cash equivalents and available credit facilities will be sufficient to meet its needs for at least the next twelve months.',
  'Segment results are evaluated by the chief operating decision maker based on net sales and operating income.',
];

function fill(text: string, row: FileRow): string {
  return text.replaceAll('{company}', row.company).replaceAll('{metric}', row.metric).replaceAll('{fy}', row.fy);
}

/** Random sentence indices, never the same one twice in a row. */
function sentencePicker(rand: () => number): () => number {
  let last = -1;
  return () => {
    const n = SENTENCES.length;
    last = last < 0 ? Math.floor(rand() * n) : (last + 1 + Math.floor(rand() * (n - 1))) % n;
    return last;
  };
}

function contextText(row: FileRow, maxChars: number | 'full', seed: number): string {
  const target = maxChars === 'full' ? row.context_length ?? 0 : Math.min(row.context_length ?? 0, maxChars);
  const rand = prng(mix32(seed, row.g, 3));
  const pick = sentencePicker(rand);
  const parts: string[] = [];
  let length = 0;
  for (let chunk = 1; length < target; chunk++) {
    const section = SECTIONS[Math.floor(rand() * SECTIONS.length)]!;
    let block = `[Chunk ${chunk}] ${row.company} Form 10-K, ${row.fy}, ${section}\n`;
    const n = 3 + Math.floor(rand() * 4);
    for (let k = 0; k < n; k++) block += `${fill(SENTENCES[pick()]!, row)} `;
    block = `${block.trimEnd()}\n\n`;
    parts.push(block);
    length += block.length;
  }
  return parts.join('').slice(0, target);
}

function responseJson(row: FileRow, seed: number): string {
  const rand = prng(mix32(seed, row.g, 4));
  const pick = sentencePicker(rand);
  const sentences: string[] = [];
  const n = 3 + Math.floor(rand() * 3);
  for (let k = 0; k < n; k++) sentences.push(fill(SENTENCES[pick()]!, row));
  const body = {
    timestamp: row.timestamp,
    query: row.query,
    model_id: row.model_id,
    answer: sentences.join(' '),
    sources: [1, 2, 3].map((k) => ({
      chunk: k,
      company: row.company,
      filing: '10-K',
      fiscal_period: row.fy,
      section: SECTIONS[(row.g + k) % SECTIONS.length],
    })),
    usage: { input_tokens: row.input_tokens, output_tokens: row.output_tokens, total_tokens: row.total_tokens },
    cost: row.cost,
    processing_time_ms: row.processing_time_ms,
    context_file: row.context_file,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function toNumber(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

// ---------------------------------------------------------------------------------------

const OWN_LOG_FILE = /^part-\d{5}(\.(zstd|snappy|gzip))?\.parquet$/;
const OWN_DAY_DIR = /^dt=\d{4}-\d{2}-\d{2}$/;
const OWN_CONTEXT = /^context_\d{8}T\d{6}(_\d+)?\.txt$/;
const OWN_RESPONSE = /^response_\d{8}T\d{6}(_\d+)?\.json$/;

async function entries(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Delete earlier generator output in `out`; refuse (unless force) if anything else is there. */
async function cleanOutput(out: string, force: boolean): Promise<void> {
  const own: string[] = [];
  const foreign: string[] = [];
  const ownDirs: string[] = [];
  for (const e of await entries(out)) {
    const p = join(out, e.name);
    if (e.isDirectory() && e.name === 'logs') {
      for (const d of await entries(p)) {
        const dp = join(p, d.name);
        if (d.isDirectory() && OWN_DAY_DIR.test(d.name)) {
          ownDirs.push(dp);
          for (const f of await entries(dp)) (f.isFile() && OWN_LOG_FILE.test(f.name) ? own : foreign).push(join(dp, f.name));
        } else foreign.push(dp);
      }
      ownDirs.push(p);
    } else if (e.isDirectory() && (e.name === 'contexts' || e.name === 'responses')) {
      const re = e.name === 'contexts' ? OWN_CONTEXT : OWN_RESPONSE;
      for (const f of await entries(p)) (f.isFile() && re.test(f.name) ? own : foreign).push(join(p, f.name));
      ownDirs.push(p);
    } else foreign.push(p);
  }
  if (foreign.length > 0 && !force) {
    throw new Error(
      `${out} holds files the sample generator did not write (e.g. ${foreign[0]}); use --force to write anyway`,
    );
  }
  for (const f of own) await rm(f);
  for (const d of ownDirs) await rmdir(d).catch(() => undefined); // only if now empty
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

export async function generateSample(opts: GenerateSampleOptions): Promise<GenerateSampleResult> {
  const began = Date.now();
  const out = resolve(opts.out);
  const startMs = parseDay(opts.start ?? '2025-10-06');
  const days = opts.days ?? 42;
  const perDay = opts.perDay ?? 300;
  const seed = opts.seed ?? 7;
  const filesMode = opts.files ?? 'contexts-for-last-day';
  const codec = opts.codec ?? 'zstd';
  const contextChars = opts.contextChars ?? 4000;
  const progress = opts.onProgress ?? (() => undefined);
  if (!Number.isInteger(days) || days < 1) throw new Error('days must be an integer >= 1');
  if (!Number.isInteger(perDay) || perDay < 0) throw new Error('perDay must be an integer >= 0');
  if (opts.rows !== undefined && (!Number.isInteger(opts.rows) || opts.rows < 0)) throw new Error('rows must be an integer >= 0');
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) throw new Error('seed must be an integer in 0..2^31');
  if (!['contexts-for-last-day', 'none', 'all'].includes(filesMode)) throw new Error(`unknown files mode ${filesMode}`);
  if (!['zstd', 'snappy', 'gzip', 'uncompressed'].includes(codec)) throw new Error(`unknown codec ${codec}`);
  if (contextChars !== 'full' && !(Number.isInteger(contextChars) && contextChars >= 0)) {
    throw new Error('contextChars must be an integer >= 0 or "full"');
  }

  const total = opts.rows ?? perDay * days;
  const plan = planDays(startMs, days, total, seed);
  await cleanOutput(out, opts.force ?? false);

  const instance = await DuckDBInstance.create(':memory:', opts.threads ? { threads: String(opts.threads) } : {});
  const c = await instance.connect();
  const written: string[] = [];
  const sideFiles: string[] = [];
  let bytes = 0;
  try {
    await setupSql(c, seed);
    const suffix = codec === 'uncompressed' ? '.parquet' : `.${codec}.parquet`;
    for (const day of plan) {
      const wantFiles = filesMode === 'all' || (filesMode === 'contexts-for-last-day' && day.index === days - 1);
      const dir = join(out, 'logs', `dt=${day.date}`);
      await mkdir(dir, { recursive: true });
      const file = join(dir, `part-00000${suffix}`);
      const copyOpts = `(FORMAT parquet, COMPRESSION ${codec})`;
      if (wantFiles) {
        await c.run(`CREATE OR REPLACE TEMP TABLE day_rows AS ${daySql(day, true)}`);
        await c.run(`COPY (SELECT ${FILE_COLUMNS} FROM day_rows ORDER BY ts, g) TO ${sqlString(file)} ${copyOpts}`);
        const reader = await c.runAndReadAll(
          `SELECT * EXCLUDE (ts, error, error_type, stage) FROM day_rows WHERE context_file IS NOT NULL ORDER BY ts, g`,
        );
        const rows = reader.getRowObjectsJS().map(
          (r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toNumber(v)])) as unknown as FileRow,
        );
        await mkdir(join(out, 'contexts'), { recursive: true });
        await mkdir(join(out, 'responses'), { recursive: true });
        const jobs: { path: string; body: string }[] = [];
        for (const row of rows) {
          jobs.push({ path: join(out, 'contexts', `context_${row.stem}.txt`), body: contextText(row, contextChars, seed) });
          if (row.response_file) {
            jobs.push({ path: join(out, 'responses', `response_${row.stem}.json`), body: responseJson(row, seed) });
          }
        }
        await mapLimit(jobs, 32, async (job) => {
          await writeFile(job.path, job.body);
          bytes += Buffer.byteLength(job.body);
        });
        sideFiles.push(...jobs.map((j) => j.path));
        await c.run('DROP TABLE day_rows');
      } else {
        await c.run(`COPY (SELECT ${FILE_COLUMNS} FROM (${daySql(day, true)}) ORDER BY ts, g) TO ${sqlString(file)} ${copyOpts}`);
      }
      bytes += (await stat(file)).size;
      written.push(file);
      progress(`${day.date}: ${day.rows} rows`);
    }
  } finally {
    c.closeSync();
    instance.closeSync();
  }
  return {
    rows: total,
    files: [...written, ...sideFiles],
    bytes,
    seconds: (Date.now() - began) / 1000,
    from: plan[0]!.date,
    to: plan[plan.length - 1]!.date,
    rowsPerDay: plan.map((d) => d.rows),
  };
}

// ---------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      start: { type: 'string' },
      days: { type: 'string' },
      'per-day': { type: 'string' },
      rows: { type: 'string' },
      seed: { type: 'string' },
      files: { type: 'string' },
      codec: { type: 'string' },
      'context-chars': { type: 'string' },
      threads: { type: 'string' },
      force: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.out) {
    console.log(
      'usage: tsx scripts/generate-sample.ts --out DIR [--start 2025-10-06] [--days 42] [--per-day 300] [--rows N]\n' +
        '         [--seed 7] [--files contexts-for-last-day|none|all] [--codec zstd|snappy|gzip|uncompressed]\n' +
        '         [--context-chars 4000|full] [--threads N] [--force] [--quiet]',
    );
    if (!values.out) process.exitCode = values.help ? 0 : 2;
    return;
  }
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
    return Number(v);
  };
  const cc = values['context-chars'];
  const result = await generateSample({
    out: values.out,
    start: values.start,
    days: int('days', values.days),
    perDay: int('per-day', values['per-day']),
    rows: int('rows', values.rows),
    seed: int('seed', values.seed),
    files: values.files as SampleFilesMode | undefined,
    codec: values.codec as SampleCodec | undefined,
    contextChars: cc === undefined ? undefined : cc === 'full' ? 'full' : int('context-chars', cc),
    threads: int('threads', values.threads),
    force: values.force,
    onProgress: values.quiet ? undefined : (m) => process.stderr.write(`${m}\n`),
  });
  console.log(
    `generate-sample: rows=${result.rows} days=${result.rowsPerDay.length} (${result.from}..${result.to}) ` +
      `files=${result.files.length} bytes=${result.bytes} seconds=${result.seconds.toFixed(1)} out=${resolve(values.out)}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
